/* The outer image tarball (OCI layout or docker-archive): index its blobs, choose the image, verify the
 * manifest and config, and hand layers to the stream. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rootfs/image_internal.h"
#include "runtime/util.h"

#define OUTER_BUF (128u << 10)
#define PROBE_LEN 4096	/* bytes compared between libarchive and pread to trust a blob's offset */

void image_sha256_hex(const uint8_t d[32], char out[7 + 65])
{
	static const char hex[] = "0123456789abcdef";

	memcpy(out, "sha256:", 7);
	for (int i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[d[i] >> 4];
		out[8 + 2 * i] = hex[d[i] & 15];
	}
	out[7 + 64] = '\0';
}

void image_outer_free(struct image_outer *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->blobs[i].path);
		free(o->blobs[i].data);
	}
	free(o->blobs);
	free(o->file);
	if (o->fd >= 0)
		close(o->fd);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

static const char *entry_name(struct archive_entry *e)
{
	const char *n = archive_entry_pathname(e);

	while (n && n[0] == '.' && n[1] == '/')
		n += 2;
	return n ?: "";
}

struct archive *image_outer_open(const struct image_outer *o, const struct image_blob *b, struct error *err)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r;

	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_filename(a, o->file, OUTER_BUF) != ARCHIVE_OK) {
		error_set(err, archive_errno(a) > 0 ? archive_errno(a) : EIO, "%s: %s", o->file,
			  archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	if (!b)
		return a;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK)
		if (strcmp(entry_name(e), b->path) == 0)
			return a;
	error_set(err, EIO, "%s: %s not found on the second pass", o->file, b->path);
	archive_read_free(a);
	return NULL;
}

/* A large blob read straight from the file when the outer tar is plain and the probe agrees. */
static int64_t probe_offset(struct archive *a, struct archive_entry *e, int fd, uint64_t size)
{
	char x[PROBE_LEN], y[PROBE_LEN];
	int64_t off = archive_filter_bytes(a, 0);
	size_t n = size < PROBE_LEN ? (size_t)size : PROBE_LEN;

	if (archive_filter_count(a) != 1 || archive_entry_sparse_count(e) > 0 || off <= 0)
		return -1;
	if (archive_read_data(a, x, n) != (la_ssize_t)n || pread(fd, y, n, off) != (ssize_t)n || memcmp(x, y, n))
		return -1;
	return off;
}

int image_outer_scan(struct image_outer *o, const char *file, struct error *err)
{
	struct archive *a;
	struct archive_entry *e;
	int r;

	memset(o, 0, sizeof(*o));
	o->file = xstrdup(file);
	o->fd = open(file, O_RDONLY | O_CLOEXEC);
	if (o->fd < 0)
		return error_sys(err, "%s", file);
	a = image_outer_open(o, NULL, err);
	if (!a)
		return -err->errnum;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		o->blobs = xrealloc(o->blobs, (o->n + 1) * sizeof(*o->blobs));
		struct image_blob *b = &o->blobs[o->n++];
		la_int64_t size = archive_entry_size(e);
		memset(b, 0, sizeof(*b));
		b->path = xstrdup(entry_name(e));
		b->size = size > 0 ? (uint64_t)size : 0;
		b->off = -1;
		if (size < 0 || (uint64_t)size > IMAGE_SMALL_BLOB_MAX) {
			b->off = probe_offset(a, e, o->fd, b->size);
			continue;
		}
		b->data = xmalloc((size_t)size + 1);
		la_ssize_t got = archive_read_data(a, b->data, (size_t)size);
		if (got != size) {
			r = ARCHIVE_FATAL;
			break;
		}
		b->data[size] = '\0';
		b->len = (size_t)size;
	}
	if (r != ARCHIVE_EOF)
		r = error_set(err, EIO, "%s: %s", o->file, archive_error_string(a) ?: "truncated archive");
	else
		r = 0;
	archive_read_free(a);
	return r;
}

struct image_blob *image_outer_find(struct image_outer *o, const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->blobs[i].path, path) == 0)
			return &o->blobs[i];
	return NULL;
}

/* A small blob (manifest, config), checked against its digest; size too when known (size != -1). */
static int small_blob(struct image_outer *o, const char *what, const char *path, const char *digest,
		      int64_t size, const char **out, size_t *len, struct error *err)
{
	struct image_blob *b = image_outer_find(o, path);
	uint8_t d[SHA256_DIGEST_SIZE];
	char hex[7 + 65];
	struct sha256_ctx h;

	if (!b)
		return error_set(err, ENOENT, "%s %s: missing from the archive", what, digest ?: path);
	if (!b->data)
		return error_set(err, EFBIG, "%s %s: larger than %u bytes", what, digest ?: path,
				 IMAGE_SMALL_BLOB_MAX);
	if (size >= 0 && (uint64_t)size != b->len)
		return error_set(err, 0, "%s %s: size mismatch (descriptor %lld, blob %zu)", what, digest,
				 (long long)size, b->len);
	sha256_init(&h);
	sha256_update(&h, b->len, (const uint8_t *)b->data);
	sha256_digest(&h, sizeof(d), d);
	image_sha256_hex(d, hex);
	if (digest && strcmp(hex, digest) != 0)
		return error_set(err, 0, "%s %s: digest mismatch (got %s)", what, digest, hex);
	*out = b->data;
	if (len)
		*len = b->len;
	return 0;
}

static char *blob_path(const char *digest)
{
	return xasprintf("blobs/sha256/%s", digest + 7);
}

static const char *const layer_types[] = {
	"", "application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar+gzip",
	"application/vnd.oci.image.layer.v1.tar+zstd", "application/vnd.oci.image.layer.nondistributable.v1.tar",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
	"application/vnd.docker.image.rootfs.diff.tar", "application/vnd.docker.image.rootfs.diff.tar.gzip",
	"application/vnd.docker.image.rootfs.diff.tar.zstd",
	"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", NULL,
};

struct image_source {
	struct image_outer o;
	char *id;
	const char *config_json;	/* points into the config blob */
	size_t config_len;
	struct image_config cfg;
	char **names;
	struct image_layer_ref *layers;
	size_t n;
	char **owned;			/* strings the layer refs point to */
	struct layer_limits lim;	/* used when the caller passes none */
};

static int fetch_small(void *ctx, const struct image_desc *d, const char **json, struct error *err)
{
	cleanup_free char *path = blob_path(d->digest);

	return small_blob(ctx, "manifest", path, d->digest, (int64_t)d->size, json, NULL, err);
}

static int load_config(struct image_source *s, const char *path, const char *digest, int64_t size,
		       struct error *err)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	struct sha256_ctx h;
	char hex[7 + 65];
	int r = small_blob(&s->o, "config", path, digest, size, &s->config_json, &s->config_len, err);

	if (r < 0)
		return r;
	sha256_init(&h);
	sha256_update(&h, s->config_len, (const uint8_t *)s->config_json);
	sha256_digest(&h, sizeof(d), d);
	image_sha256_hex(d, hex);
	s->id = xstrdup(hex);
	r = image_json_config(s->config_json, &s->cfg, err);
	if (r < 0)
		return error_prefix(err, "config %s", s->id);
	return 0;
}

static int plan_oci(struct image_source *s, const char *index, const char *ref, struct error *err)
{
	struct image_desc d = { 0 };
	struct image_manifest man = { 0 };
	/* every cleanup variable before the first goto: a jump past one frees stack garbage */
	cleanup_free char *name = NULL, *cpath = NULL;
	const char *json;
	int r = image_index_choose(index, ref, fetch_small, &s->o, &d, &name, err);

	if (r == 0)
		r = fetch_small(&s->o, &d, &json, err);
	if (r == 0)
		r = image_json_manifest(json, &man, err);
	if (r < 0)
		goto out;
	s->names = xzalloc(2 * sizeof(char *));
	s->names[0] = steal_pointer(&name);
	cpath = blob_path(man.config.digest);
	r = load_config(s, cpath, man.config.digest, (int64_t)man.config.size, err);
	if (r < 0)
		goto out;
	if (s->cfg.n_diff_ids != man.n_layers) {
		r = error_set(err, 0, "config %s: %zu diff_ids for %zu layers", man.config.digest,
			      s->cfg.n_diff_ids, man.n_layers);
		goto out;
	}
	s->n = man.n_layers;
	s->layers = xzalloc((s->n + 1) * sizeof(*s->layers));
	s->owned = xzalloc((2 * s->n + 1) * sizeof(char *));
	for (size_t i = 0; i < s->n; i++) {
		const struct image_desc *l = &man.layers[i];
		size_t t = 0;
		while (layer_types[t] && strcmp(layer_types[t], l->media_type) != 0)
			t++;
		if (!layer_types[t]) {
			r = error_set(err, ENOTSUP, "layer %s: unknown media type %s", l->digest, l->media_type);
			goto out;
		}
		s->owned[2 * i] = blob_path(l->digest);
		s->owned[2 * i + 1] = xstrdup(l->digest);
		s->layers[i] = (struct image_layer_ref){ s->owned[2 * i], s->owned[2 * i + 1], (int64_t)l->size,
							 s->cfg.diff_ids[i] };
	}
out:
	image_desc_free(&d);
	image_manifest_free(&man);
	return r;
}

/* "blobs/sha256/<hex>" or "<hex>.json" or "<hex>/layer.tar": the digest a docker-archive path implies. */
static char *docker_path_digest(const char *path, bool dir)
{
	const char *base = path;

	if (strncmp(path, "blobs/sha256/", 13) == 0)
		base = path + 13;
	else if (!dir && strrchr(path, '/'))
		base = strrchr(path, '/') + 1;
	if (strspn(base, "0123456789abcdef") != 64)
		return NULL;
	if (base[64] && !(base == path + 13 || (!dir && strcmp(base + 64, ".json") == 0)))
		return NULL;
	return xasprintf("sha256:%.64s", base);
}

static int plan_docker(struct image_source *s, const char *manifest, const char *ref, struct error *err)
{
	cleanup_free char *config = NULL, *cdigest = NULL;
	cleanup_strv char **layers = NULL;
	int r = image_json_docker(manifest, ref, &config, &layers, &s->names, err);

	if (r < 0)
		return r;
	/* The config's name is its digest: check it when it is. */
	cdigest = docker_path_digest(config, false);
	r = load_config(s, config, cdigest, -1, err);
	if (r < 0)
		return r;
	s->n = strv_length(layers);
	if (s->cfg.n_diff_ids != s->n)
		return error_set(err, 0, "config %s: %zu diff_ids for %zu layers", config, s->cfg.n_diff_ids, s->n);
	s->layers = xzalloc((s->n + 1) * sizeof(*s->layers));
	s->owned = xzalloc((2 * s->n + 1) * sizeof(char *));
	for (size_t i = 0; i < s->n; i++) {
		/* The newer form stores layers as blobs/sha256/<hex>: their name is their digest. */
		s->owned[2 * i] = steal_pointer(&layers[i]);
		s->owned[2 * i + 1] = docker_path_digest(s->owned[2 * i], true);
		s->layers[i] = (struct image_layer_ref){ s->owned[2 * i], s->owned[2 * i + 1], -1,
							 s->cfg.diff_ids[i] };
	}
	return 0;
}

/* Everything but the outer archive's index. */
static void plan_reset(struct image_source *s)
{
	free(s->id);
	image_config_free(&s->cfg);
	strv_free(s->names);
	free(s->layers);
	/* two strings per layer, and a docker layer's digest may be NULL: not a NULL-terminated list */
	for (size_t i = 0; s->owned && i < 2 * s->n; i++)
		free(s->owned[i]);
	free(s->owned);
	s->id = NULL;
	s->config_json = NULL;
	s->names = s->owned = NULL;
	s->layers = NULL;
	s->n = 0;
}

int image_source_open(const struct image_source_opts *opt, struct image_source **out, struct error *err)
{
	struct image_source *s = xzalloc(sizeof(*s));
	struct image_blob *idx, *dm;
	int r;

	*out = NULL;
	s->o.fd = -1;
	s->lim.max_size = opt->max_size;
	r = image_outer_scan(&s->o, opt->archive, err);
	if (r < 0)
		goto fail;
	idx = image_outer_find(&s->o, "index.json");
	dm = image_outer_find(&s->o, "manifest.json");
	if (idx && idx->data) {
		r = plan_oci(s, idx->data, opt->ref, err);
		/* A docker archive that also carries an OCI layout: a RepoTag names the image too. */
		if (r == -ENOENT && opt->ref && dm && dm->data) {
			struct error e2 = { 0 };
			plan_reset(s);
			if (plan_docker(s, dm->data, opt->ref, &e2) == 0)
				r = 0;
			else
				error_prefix(err, "%s; and", e2.msg);
		}
	} else if (dm && dm->data) {
		r = plan_docker(s, dm->data, opt->ref, err);
	} else {
		r = error_set(err, 0, "%s: neither an OCI layout (index.json) nor a docker archive (manifest.json)",
			      opt->archive);
	}
	if (r < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	image_source_free(s);
	return r;
}

void image_source_free(struct image_source *s)
{
	if (!s)
		return;
	plan_reset(s);
	image_outer_free(&s->o);
	free(s);
}

const char *image_source_id(const struct image_source *s)
{
	return s->id;
}

const char *image_source_config_json(const struct image_source *s, size_t *len)
{
	if (len)
		*len = s->config_len;
	return s->config_json;
}

const struct image_config *image_source_config(const struct image_source *s)
{
	return &s->cfg;
}

char *const *image_source_names(const struct image_source *s)
{
	return s->names;
}

size_t image_source_n_layers(const struct image_source *s)
{
	return s->n;
}

const char *image_source_diff_id(const struct image_source *s, size_t i)
{
	return i < s->n ? s->layers[i].diff_id : NULL;
}

int image_source_apply_layer(struct image_source *s, size_t i, int rootfd, enum layer_mode mode,
			     const int *lowers, size_t n_lowers, struct layer_limits *lim, struct error *err)
{
	struct layer_target t = { rootfd, mode, lowers, n_lowers };

	if (i >= s->n)
		return error_set(err, EINVAL, "layer %zu: the image has %zu layers", i, s->n);
	return image_stream_layer(&s->o, &s->layers[i], &t, lim ?: &s->lim, err);
}
