/* The outer image tarball (OCI layout or docker-archive): find the image, stream and verify each blob. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/image.h"
#include "rootfs/rootfs.h"
#include "runtime/util.h"

#define SMALL_BLOB_MAX (4u << 20)	/* manifests and configs are kept in memory from the first pass */
#define BUF_SIZE (128u << 10)
/* Decompression bomb: past BOMB_MIN bytes out, more than BOMB_RATIO bytes out per byte in. */
#define BOMB_MIN (64ull << 20)
#define BOMB_RATIO 500

struct blob {
	char *path;
	char *data;	/* NULL when larger than SMALL_BLOB_MAX */
	size_t len;
};

struct outer {
	const char *file;
	struct blob *blobs;
	size_t n;
};

static void outer_free(struct outer *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->blobs[i].path);
		free(o->blobs[i].data);
	}
	free(o->blobs);
}

static struct archive *outer_open(const char *file, struct error *err)
{
	struct archive *a = archive_read_new();

	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_filename(a, file, BUF_SIZE) != ARCHIVE_OK) {
		error_set(err, archive_errno(a) > 0 ? archive_errno(a) : EIO, "%s: %s", file,
			  archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static const char *entry_name(struct archive_entry *e)
{
	const char *n = archive_entry_pathname(e);

	while (n && n[0] == '.' && n[1] == '/')
		n += 2;
	return n ?: "";
}

/* First pass: list the entries and keep the small ones. */
static int outer_scan(struct outer *o, struct error *err)
{
	struct archive *a = outer_open(o->file, err);
	struct archive_entry *e;
	int r;

	if (!a)
		return -err->errnum;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		o->blobs = xrealloc(o->blobs, (o->n + 1) * sizeof(*o->blobs));
		struct blob *b = &o->blobs[o->n++];
		la_int64_t size = archive_entry_size(e);
		memset(b, 0, sizeof(*b));
		b->path = xstrdup(entry_name(e));
		if (size < 0 || (uint64_t)size > SMALL_BLOB_MAX)
			continue;
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

static struct blob *outer_find(struct outer *o, const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->blobs[i].path, path) == 0)
			return &o->blobs[i];
	return NULL;
}

static void sha256_hex(struct sha256_ctx *h, char out[7 + 65])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_digest(h, sizeof(d), d);
	strcpy(out, "sha256:");
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		sprintf(out + 7 + 2 * i, "%02x", d[i]);
}

/* A small blob (manifest, config), checked against its digest; size too when known (size != -1). */
static int small_blob(struct outer *o, const char *what, const char *path, const char *digest, int64_t size,
		      const char **out, struct error *err)
{
	struct blob *b = outer_find(o, path);
	char hex[7 + 65];
	struct sha256_ctx h;

	if (!b)
		return error_set(err, ENOENT, "%s %s: missing from the archive", what, digest ?: path);
	if (!b->data)
		return error_set(err, EFBIG, "%s %s: larger than %u bytes", what, digest ?: path, SMALL_BLOB_MAX);
	if (size >= 0 && (uint64_t)size != b->len)
		return error_set(err, 0, "%s %s: size mismatch (descriptor %lld, blob %zu)", what, digest,
				 (long long)size, b->len);
	sha256_init(&h);
	sha256_update(&h, b->len, (const uint8_t *)b->data);
	sha256_hex(&h, hex);
	if (digest && strcmp(hex, digest) != 0)
		return error_set(err, 0, "%s %s: digest mismatch (got %s)", what, digest, hex);
	*out = b->data;
	return 0;
}

/* The stream chain of one layer: outer entry (hash, size) -> decompressor (hash, cap) -> tar. */
struct src {
	struct archive *outer;
	const char *mem;
	size_t mem_len, mem_off;
	struct sha256_ctx h;
	uint64_t n;
	bool hash;	/* off when the digest is unknown or the layer is not compressed (mid hashes it) */
	char buf[BUF_SIZE];
};

struct mid {
	struct archive *a;
	const struct src *src;
	struct sha256_ctx h;
	uint64_t n, cap;
	bool over, failed;
	char buf[BUF_SIZE];
};

static la_ssize_t src_read(struct archive *a, void *data, const void **buf)
{
	struct src *s = data;
	la_ssize_t got;

	(void)a;
	if (s->outer) {
		got = archive_read_data(s->outer, s->buf, sizeof(s->buf));
		*buf = s->buf;
	} else {
		got = (la_ssize_t)(s->mem_len - s->mem_off);
		if (got > (la_ssize_t)BUF_SIZE)
			got = BUF_SIZE;
		*buf = s->mem + s->mem_off;
		s->mem_off += (size_t)got;
	}
	if (got > 0) {
		if (s->hash)
			sha256_update(&s->h, (size_t)got, *buf);
		s->n += (uint64_t)got;
	}
	return got;
}

static la_ssize_t mid_read(struct archive *a, void *data, const void **buf)
{
	struct mid *m = data;
	la_ssize_t got = archive_read_data(m->a, m->buf, sizeof(m->buf));

	*buf = m->buf;
	if (got < 0) {
		m->failed = true;
		archive_set_error(a, EIO, "decompressing: %s", archive_error_string(m->a));
		return -1;
	}
	sha256_update(&m->h, (size_t)got, *buf);
	m->n += (uint64_t)got;
	if ((m->cap && m->n > m->cap) || (m->n > BOMB_MIN && m->n / BOMB_RATIO > m->src->n)) {
		m->over = true;
		archive_set_error(a, EFBIG, "decompressed stream exceeds its cap");
		return -1;
	}
	return got;
}

struct layer_ref {
	const char *path;	/* entry in the outer archive */
	const char *digest;	/* compressed digest, NULL when unknown (docker-archive) */
	int64_t size;		/* -1 when unknown */
	const char *diff_id;
};

static int stream_layer(struct outer *o, const struct layer_ref *l, int rootfd, struct layer_limits *lim,
			struct error *err)
{
	struct blob *b = outer_find(o, l->path);
	struct archive *outer = NULL, *mida = NULL, *tar = NULL;
	struct archive_entry *e;
	struct src *s = xzalloc(sizeof(*s));
	struct mid *m = xzalloc(sizeof(*m));
	char hex[7 + 65];
	const char *name = l->digest ?: l->path;
	int r = 0;

	if (!b) {
		r = error_set(err, ENOENT, "layer %s: missing from the archive", name);
		goto out;
	}
	if (b->data) {
		s->mem = b->data;
		s->mem_len = b->len;
	} else {
		outer = outer_open(o->file, err);
		if (!outer) {
			r = -err->errnum;
			goto out;
		}
		while ((r = archive_read_next_header(outer, &e)) == ARCHIVE_OK)
			if (strcmp(entry_name(e), b->path) == 0)
				break;
		if (r != ARCHIVE_OK) {
			r = error_set(err, EIO, "layer %s: not found on the second pass", name);
			goto out;
		}
		s->outer = outer;
	}
	sha256_init(&s->h);
	sha256_init(&m->h);
	s->hash = l->digest != NULL;
	m->cap = lim->max_size ? lim->max_size + (64u << 20) : 0;
	mida = archive_read_new();
	archive_read_support_filter_all(mida);
	archive_read_support_format_raw(mida);
	if (archive_read_open(mida, s, NULL, src_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(mida, &e) != ARCHIVE_OK) {
		r = error_set(err, EIO, "layer %s: %s", name, archive_error_string(mida));
		goto out;
	}
	m->a = mida;
	m->src = s;
	/* Not compressed: the decompressed stream is the blob, hash it once. */
	bool plain = archive_filter_code(mida, 0) == ARCHIVE_FILTER_NONE;
	if (plain)
		s->hash = false;
	tar = archive_read_new();
	archive_read_support_format_tar(tar);
	archive_read_support_format_gnutar(tar);
	if (archive_read_open(tar, m, NULL, mid_read, NULL) != ARCHIVE_OK) {
		r = error_set(err, EIO, "layer %s: %s", name, archive_error_string(tar));
		goto out;
	}
	r = layer_apply(tar, rootfd, lim, err);
	if (r < 0) {
		if (m->over)
			error_set(err, EFBIG, "layer %s: decompression bomb: %llu bytes from %llu (cap %llu, "
				  "ratio %d:1 past %llu)", name, (unsigned long long)m->n, (unsigned long long)s->n,
				  (unsigned long long)m->cap, BOMB_RATIO, BOMB_MIN);
		else
			error_prefix(err, "layer %s", name);
		goto out;
	}
	/* Hash the rest: tar padding after the end marker, then the compressed tail. */
	const void *p;
	while ((r = (int)mid_read(tar, m, &p)) > 0)
		;
	if (r < 0) {
		r = error_set(err, m->over ? EFBIG : EIO, "layer %s: %s", name, archive_error_string(tar));
		goto out;
	}
	while ((r = (int)src_read(mida, s, &p)) > 0)
		;
	if (r < 0) {
		r = error_set(err, EIO, "layer %s: %s", name, archive_error_string(outer));
		goto out;
	}
	if (l->size >= 0 && s->n != (uint64_t)l->size) {
		r = error_set(err, 0, "layer %s: size mismatch (descriptor %lld, blob %llu)", name,
			      (long long)l->size, (unsigned long long)s->n);
		goto out;
	}
	if (l->digest) {
		sha256_hex(plain ? &m->h : &s->h, hex);
		if (strcmp(hex, l->digest) != 0) {
			r = error_set(err, 0, "layer %s: digest mismatch (got %s)", name, hex);
			goto out;
		}
	}
	/* sha256_digest resets the context: when plain, hex already holds the decompressed digest. */
	if (!plain || !l->digest)
		sha256_hex(&m->h, hex);
	if (strcmp(hex, l->diff_id) != 0)
		r = error_set(err, 0, "layer %s: diff_id mismatch (config says %s, got %s)", name, l->diff_id,
			      hex);
out:
	if (tar)
		archive_read_free(tar);
	if (mida)
		archive_read_free(mida);
	if (outer)
		archive_read_free(outer);
	free(s);
	free(m);
	return r < 0 ? r : 0;
}

static const char *const layer_types[] = {
	"", "application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar+gzip",
	"application/vnd.oci.image.layer.v1.tar+zstd", "application/vnd.oci.image.layer.nondistributable.v1.tar",
	"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
	"application/vnd.docker.image.rootfs.diff.tar", "application/vnd.docker.image.rootfs.diff.tar.gzip",
	"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", NULL,
};

/* Image resolution: fills cfg and the ordered layer list. */
struct plan {
	struct image_manifest man;
	char *docker_config;
	char **docker_layers;
	struct image_config cfg;
	struct layer_ref *layers;
	size_t n;
	char **paths;
};

static void plan_free(struct plan *p)
{
	image_manifest_free(&p->man);
	free(p->docker_config);
	strv_free(p->docker_layers);
	image_config_free(&p->cfg);
	free(p->layers);
	strv_free(p->paths);
}

static int plan_oci(struct outer *o, const char *index, const char *ref, struct plan *p, struct error *err)
{
	struct image_desc d = { 0 };
	const char *json;
	int r = image_json_index(index, ref, &d, err);

	if (r < 0)
		return r;
	cleanup_free char *mpath = xasprintf("blobs/sha256/%s", d.digest + 7);
	r = small_blob(o, "manifest", mpath, d.digest, (int64_t)d.size, &json, err);
	if (r == 0 && strstr(d.media_type, "index"))
		r = error_set(err, ENOTSUP, "manifest %s: nested indexes are not supported yet", d.digest);
	image_desc_free(&d);
	if (r == 0)
		r = image_json_manifest(json, &p->man, err);
	if (r < 0)
		return r;
	cleanup_free char *cpath = xasprintf("blobs/sha256/%s", p->man.config.digest + 7);
	r = small_blob(o, "config", cpath, p->man.config.digest, (int64_t)p->man.config.size, &json, err);
	if (r == 0)
		r = image_json_config(json, &p->cfg, err);
	if (r < 0)
		return r;
	if (p->cfg.n_diff_ids != p->man.n_layers)
		return error_set(err, 0, "config %s: %zu diff_ids for %zu layers", p->man.config.digest,
				 p->cfg.n_diff_ids, p->man.n_layers);
	p->n = p->man.n_layers;
	p->layers = xzalloc((p->n + 1) * sizeof(*p->layers));
	p->paths = xzalloc((p->n + 1) * sizeof(char *));
	for (size_t i = 0; i < p->n; i++) {
		const struct image_desc *l = &p->man.layers[i];
		size_t t = 0;
		while (layer_types[t] && strcmp(layer_types[t], l->media_type) != 0)
			t++;
		if (!layer_types[t])
			return error_set(err, ENOTSUP, "layer %s: unknown media type %s", l->digest, l->media_type);
		p->paths[i] = xasprintf("blobs/sha256/%s", l->digest + 7);
		p->layers[i] = (struct layer_ref){ p->paths[i], l->digest, (int64_t)l->size, p->cfg.diff_ids[i] };
	}
	return 0;
}

static int plan_docker(struct outer *o, const char *manifest, const char *ref, struct plan *p,
		       struct error *err)
{
	const char *json;
	int r = image_json_docker(manifest, ref, &p->docker_config, &p->docker_layers, err);

	if (r < 0)
		return r;
	/* The config's name is its digest ("<hex>.json" or "blobs/sha256/<hex>"): check it when it is. */
	const char *base = strrchr(p->docker_config, '/');
	base = base ? base + 1 : p->docker_config;
	cleanup_free char *digest = NULL;
	if (strspn(base, "0123456789abcdef") == 64)
		digest = xasprintf("sha256:%.64s", base);
	r = small_blob(o, "config", p->docker_config, digest, -1, &json, err);
	if (r == 0)
		r = image_json_config(json, &p->cfg, err);
	if (r < 0)
		return r;
	p->n = strv_length(p->docker_layers);
	if (p->cfg.n_diff_ids != p->n)
		return error_set(err, 0, "config %s: %zu diff_ids for %zu layers", p->docker_config,
				 p->cfg.n_diff_ids, p->n);
	p->layers = xzalloc((p->n + 1) * sizeof(*p->layers));
	for (size_t i = 0; i < p->n; i++)
		p->layers[i] = (struct layer_ref){ p->docker_layers[i], NULL, -1, p->cfg.diff_ids[i] };
	return 0;
}

/* Look name up in the image's passwd or group file (read inside the root); returns the id or -ENOENT.
 * For passwd, *gid gets the primary group. */
static int64_t lookup_id(int rootfd, const char *file, const char *name, bool by_id, uint32_t *gid)
{
	struct error e = { 0 };
	cleanup_close int fd = rootfs_open_in_root(rootfd, file, O_RDONLY, 0, &e);
	cleanup_free char *data = NULL;
	size_t len;

	if (fd < 0)
		return -ENOENT;
	cleanup_free char *proc = xasprintf("/proc/self/fd/%d", fd);
	if (read_file_at(AT_FDCWD, proc, &data, &len, 16u << 20) < 0)
		return -ENOENT;
	for (char *line = data, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *f[4] = { 0 };
		char *p = line;
		for (int i = 0; i < 4 && p; i++) {
			f[i] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		uint64_t id, g;
		if (!f[2] || strcmp(by_id ? f[2] : f[0], name) != 0 || parse_u64(f[2], &id) < 0 || id > UINT32_MAX)
			continue;
		if (gid && f[3] && parse_u64(f[3], &g) == 0 && g <= UINT32_MAX)
			*gid = (uint32_t)g;
		return (int64_t)id;
	}
	return -ENOENT;
}

/* User "name|uid[:group|gid]" resolved through the image's /etc/passwd and /etc/group. */
static int resolve_user(int rootfd, const char *user, uint32_t *uid, uint32_t *gid, struct error *err)
{
	cleanup_free char *u = xstrdup(user ?: "0");
	char *g = strchr(u, ':');
	uint64_t n;
	int64_t id;

	*uid = 0;
	*gid = 0;
	if (g)
		*g++ = '\0';
	if (parse_u64(u, &n) == 0 && n <= UINT32_MAX) {
		/* A numeric uid still takes its primary group from passwd when it is listed there. */
		*uid = (uint32_t)n;
		lookup_id(rootfd, "etc/passwd", u, true, gid);
	} else if ((id = lookup_id(rootfd, "etc/passwd", u, false, gid)) >= 0) {
		*uid = (uint32_t)id;
	} else {
		return error_set(err, ENOENT, "image config User %s: no user %s in the image's /etc/passwd", user, u);
	}
	if (!g)
		return 0;
	if (parse_u64(g, &n) == 0 && n <= UINT32_MAX)
		*gid = (uint32_t)n;
	else if ((id = lookup_id(rootfd, "etc/group", g, false, NULL)) >= 0)
		*gid = (uint32_t)id;
	else
		return error_set(err, ENOENT, "image config User %s: no group %s in the image's /etc/group", user, g);
	return 0;
}

static int unpack_into(struct outer *o, const struct image_unpack_opts *opt, int bundlefd,
		       const char *tmpname, struct error *err)
{
	struct plan p = { 0 };
	struct blob *idx = outer_find(o, "index.json"), *dm = outer_find(o, "manifest.json");
	struct layer_limits lim = { .max_size = opt->max_size };
	cleanup_close int rootfd = -1, cfd = -1;
	cleanup_free char *json = NULL;
	uint32_t uid, gid;
	int r;

	if (idx && idx->data)
		r = plan_oci(o, idx->data, opt->ref, &p, err);
	else if (dm && dm->data)
		r = plan_docker(o, dm->data, opt->ref, &p, err);
	else
		r = error_set(err, 0, "%s: neither an OCI layout (index.json) nor a docker archive "
			      "(manifest.json)", opt->archive);
	if (r < 0)
		goto out;
	rootfd = openat(bundlefd, tmpname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0 || fchmod(rootfd, 0755) < 0) {
		r = error_sys(err, "%s/%s", opt->bundle, tmpname);
		goto out;
	}
	for (size_t i = 0; i < p.n && r == 0; i++)
		r = stream_layer(o, &p.layers[i], rootfd, &lim, err);
	if (r < 0)
		goto out;
	r = resolve_user(rootfd, p.cfg.user, &uid, &gid, err);
	if (r < 0)
		goto out;
	json = image_json_bundle(&p.cfg, uid, gid, NULL, 0);
	cfd = openat(bundlefd, ".config.json.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (cfd < 0 || write_all(cfd, json, strlen(json)) < 0 || write_all(cfd, "\n", 1) < 0) {
		r = error_sys(err, "%s/config.json", opt->bundle);
		unlinkat(bundlefd, ".config.json.tmp", 0);
		goto out;
	}
	if (renameat(bundlefd, tmpname, bundlefd, "rootfs") < 0) {
		r = error_sys(err, "renaming %s/%s to rootfs", opt->bundle, tmpname);
		unlinkat(bundlefd, ".config.json.tmp", 0);
		goto out;
	}
	if (renameat(bundlefd, ".config.json.tmp", bundlefd, "config.json") < 0)
		r = error_sys(err, "%s/config.json", opt->bundle);
out:
	plan_free(&p);
	return r;
}

int image_unpack(const struct image_unpack_opts *opt, struct error *err)
{
	struct outer o = { .file = opt->archive };
	struct stat st;
	char tmpname[] = ".rootfs.tmp-XXXXXX";
	cleanup_free char *tmp = xasprintf("%s/%s", opt->bundle, tmpname);
	int r;

	if (mkdir_p(opt->bundle, 0755) < 0)
		return error_sys(err, "creating bundle %s", opt->bundle);
	cleanup_close int bundlefd = open(opt->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bundlefd < 0)
		return error_sys(err, "%s", opt->bundle);
	if (fstatat(bundlefd, "rootfs", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return error_set(err, EEXIST, "%s/rootfs: already exists", opt->bundle);
	r = outer_scan(&o, err);
	if (r < 0)
		goto out;
	if (!mkdtemp(tmp)) {
		r = error_sys(err, "creating %s", tmp);
		goto out;
	}
	memcpy(tmpname, tmp + strlen(tmp) - strlen(tmpname), strlen(tmpname));
	r = unpack_into(&o, opt, bundlefd, tmpname, err);
	if (r < 0) {
		/* A failed unpack leaves nothing behind. */
		struct error e2 = { 0 };
		layer_remove_tree(bundlefd, tmpname, &e2);
	}
out:
	outer_free(&o);
	return r;
}
