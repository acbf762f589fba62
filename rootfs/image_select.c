/* Choosing one image in an OCI layout: nested indexes walked to their manifests, then ref name, platform. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "rootfs/image_internal.h"
#include "runtime/util.h"

#define INDEX_DEPTH_MAX 4	/* index.json -> nested indexes: real archives nest once at most */
#define OFFER_MAX 2048

void image_host_platform(struct image_platform *p)
{
	static const char *const map[][3] = {
		/* uname -m, GOARCH, variant */
		{ "x86_64", "amd64", NULL }, { "aarch64", "arm64", "v8" }, { "armv7l", "arm", "v7" },
		{ "armv6l", "arm", "v6" }, { "i686", "386", NULL }, { "i386", "386", NULL },
		{ "ppc64le", "ppc64le", NULL }, { "s390x", "s390x", NULL }, { "riscv64", "riscv64", NULL },
		{ "mips64", "mips64", NULL }, { "loongarch64", "loong64", NULL },
	};
	static struct utsname u;

	p->os = "linux";
	p->arch = "amd64";
	p->variant = NULL;
	if (uname(&u) < 0)
		return;
	p->arch = u.machine;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(u.machine, map[i][0]) == 0) {
			p->arch = map[i][1];
			p->variant = map[i][2];
		}
}

static bool platform_fits(const struct image_candidate *c, const struct image_platform *host)
{
	/* No platform on the way: the archive does not say, so it does not exclude. */
	if (!c->os && !c->arch)
		return true;
	return c->os && c->arch && strcmp(c->os, host->os) == 0 && strcmp(c->arch, host->arch) == 0;
}

static void offer(const struct image_candidate *c, size_t n, char *buf, size_t size)
{
	size_t l = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && l < size; i++) {
		char plat[128] = "any platform";
		if (c[i].os || c[i].arch)
			snprintf(plat, sizeof(plat), "%s/%s%s%s", c[i].os ?: "?", c[i].arch ?: "?",
				 c[i].variant ? "/" : "", c[i].variant ?: "");
		l += (size_t)snprintf(buf + l, size - l, "%s%s (%s)", l ? ", " : "",
				      c[i].ref_name ?: c[i].digest ?: "?", plat);
	}
	if (!*buf)
		snprintf(buf, size, "nothing");
}

int image_select(const struct image_candidate *c, size_t n, const char *ref,
		 const struct image_platform *host, size_t *pick, struct error *err)
{
	cleanup_free size_t *fit = xzalloc((n + 1) * sizeof(size_t));
	size_t n_fit = 0, n_ref = 0;
	char offers[OFFER_MAX];

	for (size_t i = 0; i < n; i++) {
		if (ref && (!c[i].ref_name || strcmp(c[i].ref_name, ref) != 0))
			continue;
		n_ref++;
		if (!platform_fits(&c[i], host))
			continue;
		/* The same manifest reached twice is one image. */
		bool dup = false;
		for (size_t k = 0; k < n_fit && !dup; k++)
			dup = c[fit[k]].digest && c[i].digest && strcmp(c[fit[k]].digest, c[i].digest) == 0;
		if (!dup)
			fit[n_fit++] = i;
	}
	/* Several fit: the variant decides, an exact match first, then an entry that names none. */
	if (n_fit > 1) {
		size_t exact = 0, none = 0, e_i = 0, n_i = 0;
		for (size_t k = 0; k < n_fit; k++) {
			const char *v = c[fit[k]].variant;
			if (v && host->variant && strcmp(v, host->variant) == 0)
				exact++, e_i = fit[k];
			else if (!v)
				none++, n_i = fit[k];
		}
		if (exact == 1 || (exact == 0 && none == 1)) {
			fit[0] = exact == 1 ? e_i : n_i;
			n_fit = 1;
		}
	}
	if (n_fit == 1) {
		*pick = fit[0];
		return 0;
	}
	offer(c, n, offers, sizeof(offers));
	if (n_fit > 1)
		return error_set(err, EINVAL, "index.json: several images%s%s for %s/%s; the archive offers: %s "
				 "(use --ref)", ref ? " named " : "", ref ?: "", host->os, host->arch, offers);
	if (n_ref == 0 && ref)
		return error_set(err, ENOENT, "index.json: no image named %s; the archive offers: %s", ref, offers);
	return error_set(err, ENOENT, "index.json: no image%s%s for %s/%s; the archive offers: %s",
			 ref ? " named " : "", ref ?: "", host->os, host->arch, offers);
}

struct walk {
	image_fetch_fn fetch;
	void *ctx;
	struct image_index_entry **lists;	/* kept alive: the candidates point into them */
	size_t *list_n, n_lists;
	struct image_candidate *c;
	const struct image_desc **desc;
	size_t n;
};

static bool is_index_type(const char *mt)
{
	return strcmp(mt, "application/vnd.oci.image.index.v1+json") == 0 ||
	       strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json") == 0;
}

static int walk(struct walk *w, const char *json, const char *what, int depth,
		const struct image_candidate *up, struct error *err)
{
	struct image_index_entry *e;
	size_t n;
	int r = image_json_index_entries(json, what, &e, &n, err);

	if (r < 0)
		return r;
	w->lists = xrealloc(w->lists, (w->n_lists + 1) * sizeof(*w->lists));
	w->list_n = xrealloc(w->list_n, (w->n_lists + 1) * sizeof(*w->list_n));
	w->lists[w->n_lists] = e;
	w->list_n[w->n_lists++] = n;
	for (size_t i = 0; i < n; i++) {
		struct image_candidate c = {
			.digest = e[i].d.digest,
			.ref_name = e[i].ref_name ?: up->ref_name,
			.os = e[i].os, .arch = e[i].arch, .variant = e[i].variant,
		};
		if (!c.os && !c.arch) {
			c.os = up->os;
			c.arch = up->arch;
			c.variant = up->variant;
		}
		const char *sub = NULL;
		bool nested = is_index_type(e[i].d.media_type);
		/* No media type: the document says what it is, when the archive holds it. */
		if (!nested && !*e[i].d.media_type) {
			struct error e2 = { 0 };
			nested = w->fetch(w->ctx, &e[i].d, &sub, &e2) == 0 && image_json_is_index(sub);
		}
		if (nested) {
			if (depth >= INDEX_DEPTH_MAX)
				return error_set(err, ELOOP, "index %s: nested deeper than %d indexes", e[i].d.digest,
						 INDEX_DEPTH_MAX);
			r = w->fetch(w->ctx, &e[i].d, &sub, err);
			if (r < 0)
				return error_prefix(err, "nested index");
			cleanup_free char *name = xasprintf("index %s", e[i].d.digest);
			r = walk(w, sub, name, depth + 1, &c, err);
			if (r < 0)
				return r;
			continue;
		}
		w->c = xrealloc(w->c, (w->n + 1) * sizeof(*w->c));
		w->desc = xrealloc(w->desc, (w->n + 1) * sizeof(*w->desc));
		w->c[w->n] = c;
		w->desc[w->n++] = &e[i].d;
	}
	return 0;
}

int image_index_choose(const char *index_json, const char *ref, image_fetch_fn fetch, void *ctx,
		       struct image_desc *out, char **ref_name, struct error *err)
{
	struct walk w = { .fetch = fetch, .ctx = ctx };
	struct image_candidate top = { 0 };
	struct image_platform host;
	size_t pick;
	int r;

	memset(out, 0, sizeof(*out));
	*ref_name = NULL;
	image_host_platform(&host);
	r = walk(&w, index_json, "index.json", 0, &top, err);
	if (r == 0)
		r = image_select(w.c, w.n, ref, &host, &pick, err);
	if (r == 0) {
		out->digest = xstrdup(w.desc[pick]->digest);
		out->size = w.desc[pick]->size;
		out->media_type = xstrdup(w.desc[pick]->media_type);
		*ref_name = w.c[pick].ref_name ? xstrdup(w.c[pick].ref_name) : NULL;
	}
	for (size_t i = 0; i < w.n_lists; i++)
		image_index_entries_free(w.lists[i], w.list_n[i]);
	free(w.lists);
	free(w.list_n);
	free(w.c);
	free(w.desc);
	return r;
}
