/* The image store: <root>/.images/{layers,images,containers}, a lock, load, find, list and rm. */
#include "rootfs/image_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <nettle/sha2.h>

#include "rootfs/image.h"
#include "rootfs/image_internal.h"
#include "runtime/util.h"

#define RECORD_MAX (1 << 20)
#define DIGEST_PREFIX "sha256:"
#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

static bool digest_ok(const char *d)
{
	return d && strncmp(d, DIGEST_PREFIX, 7) == 0 && strlen(d) == 71 &&
	       strspn(d + 7, "0123456789abcdef") == 64;
}

static int mkdir_here(int dirfd, const char *name, mode_t mode, struct error *err)
{
	if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
		return error_sys(err, "create %s", name);
	return 0;
}

static void remove_temporaries(struct image_store *s);
static int remove_unused_layers(struct image_store *s, struct error *err);

/* Set while a load or rm changes layers/ and images/ (always under the lock): its temporaries, and the
 * layers it unpacked before dying with no image to use them, are removed by the next store command. */
#define DIRTY "dirty"

static void store_dirty(struct image_store *s)
{
	int fd = openat(s->dirfd, DIRTY, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	close_quietly(fd);
}

/* Temporaries and unused layers gone, then the mark. */
static void store_recover(struct image_store *s)
{
	struct error ignored;

	remove_temporaries(s);
	if (remove_unused_layers(s, &ignored) == 0)
		unlinkat(s->dirfd, DIRTY, 0);
}

static int store_lock(struct image_store *s, struct error *err)
{
	s->lock_fd = openat(s->dirfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (s->lock_fd < 0)
		return error_sys(err, "open %s/lock", s->path);
	while (flock(s->lock_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return error_sys(err, "lock %s/lock", s->path);
	return 0;
}

int image_store_open(const char *root, struct image_store *s, struct error *err)
{
	cleanup_free char *abs = NULL;
	int r;

	memset(s, 0, sizeof(*s));
	s->dirfd = s->lock_fd = -1;
	if (!(abs = realpath(root, NULL)) && (mkdir_p(root, 0711) < 0 || !(abs = realpath(root, NULL))))
		return error_sys(err, "state root %s", root);
	s->path = xasprintf("%s/.images", strcmp(abs, "/") ? abs : "");
	s->dirfd = open(s->path, DIR_FLAGS);
	if (s->dirfd < 0) {
		/* the first use: make the store */
		if (mkdir(s->path, 0700) < 0 && errno != EEXIST)
			return error_sys(err, "create %s", s->path);
		s->dirfd = open(s->path, DIR_FLAGS);
		if (s->dirfd < 0)
			return error_sys(err, "open %s", s->path);
	}
	/* root-only: below are image files and container roots with setuid files and device nodes that
	 * a host user must not reach (an older store was 0711) */
	struct stat st;
	if (fstat(s->dirfd, &st) < 0 || ((st.st_mode & 077) && fchmod(s->dirfd, 0700) < 0))
		return error_sys(err, "chmod 0700 %s", s->path);
	if ((r = store_lock(s, err)) < 0)
		return r;
	/* under the lock: a second first user waits for these */
	if ((r = mkdir_here(s->dirfd, "layers", 0700, err)) < 0 ||
	    (r = mkdir_here(s->dirfd, "images", 0700, err)) < 0 ||
	    (r = mkdir_here(s->dirfd, "containers", 0700, err)) < 0)
		return error_prefix(err, "image store %s", s->path);
	/* a load or rm died in the middle: under the lock, nobody else is writing */
	if (faccessat(s->dirfd, DIRTY, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		store_recover(s);
	else
		remove_temporaries(s); /* of a load killed while unpacking, before it marked the store */
	return 0;
}

void image_store_unlock(struct image_store *s)
{
	close_quietly(s->lock_fd);
	s->lock_fd = -1;
}

void image_store_close(struct image_store *s)
{
	close_quietly(s->lock_fd);
	close_quietly(s->dirfd);
	free(s->path);
	s->lock_fd = s->dirfd = -1;
	s->path = NULL;
}

static int read_record(struct image_store *s, const char *hex, struct image_record *rec, struct error *err)
{
	cleanup_free char *path = xasprintf("images/%s/image.json", hex), *json = NULL;
	int r = read_file_at(s->dirfd, path, &json, NULL, RECORD_MAX);

	if (r < 0)
		return error_set(err, -r, "read %s/%s", s->path, path);
	if ((r = image_record_parse(json, rec, err)) < 0)
		return error_prefix(err, "%s/%s", s->path, path);
	return 0;
}

static int write_new(int dirfd, const char *name, const char *data, size_t len, struct error *err)
{
	cleanup_close int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				      0644);

	if (fd < 0 || write_all(fd, data, len) < 0)
		return error_sys(err, "write %s", name);
	return 0;
}

/* image.json replaced whole by rename: readers never see half of it. */
static int write_record(struct image_store *s, const struct image_record *rec, struct error *err)
{
	cleanup_free char *json = image_record_json(rec, true);
	cleanup_free char *dir = xasprintf("images/%s", rec->id + 7);
	cleanup_close int dfd = openat(s->dirfd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r;

	if (dfd < 0)
		return error_sys(err, "open %s/%s", s->path, dir);
	unlinkat(dfd, "image.json.tmp", 0);
	if ((r = write_new(dfd, "image.json.tmp", json, strlen(json), err)) < 0)
		return r;
	if (renameat(dfd, "image.json.tmp", dfd, "image.json") < 0)
		return error_sys(err, "replace %s/%s/image.json", s->path, dir);
	return 0;
}

/* The hex names of a store directory ("images", "layers", "containers"), temporaries left out. */
static char **list_dir(struct image_store *s, const char *name)
{
	int dfd = openat(s->dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_dir DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	char **v = xzalloc(sizeof(char *));
	size_t n = 0;

	if (!d) {
		close_quietly(dfd);
		return v;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		v = xrealloc(v, (n + 2) * sizeof(char *));
		v[n++] = xstrdup(de->d_name);
		v[n] = NULL;
	}
	return v;
}

/* Leftovers of a load or rm that died (under the lock; a live unlocked unpack flocks its directory). */
static void remove_temporaries(struct image_store *s)
{
	static const char *const dirs[] = { "layers", "images" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		cleanup_close int dfd = openat(s->dirfd, dirs[i], DIR_FLAGS);
		cleanup_dir DIR *d = dfd >= 0 ? fdopendir(dup(dfd)) : NULL;
		struct dirent *de;
		struct error ignored;

		while (d && (de = readdir(d))) {
			if (strncmp(de->d_name, ".tmp-", 5) != 0)
				continue;
			/* a load unpacking without the store lock holds one on its directory */
			cleanup_close int t = openat(dfd, de->d_name, DIR_FLAGS);
			if (t >= 0 && flock(t, LOCK_EX | LOCK_NB) < 0)
				continue;
			layer_remove_tree(dfd, de->d_name, &ignored);
		}
	}
}

char **image_store_chain_ids(char *const *diff_ids)
{
	size_t n = strv_length(diff_ids);
	char **v = xzalloc((n + 1) * sizeof(char *));

	for (size_t i = 0; i < n; i++) {
		struct sha256_ctx h;
		uint8_t d[SHA256_DIGEST_SIZE];
		char hex[7 + 65];

		if (i == 0) {
			v[i] = xstrdup(diff_ids[i]);
			continue;
		}
		/* OCI: ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln)) */
		sha256_init(&h);
		sha256_update(&h, strlen(v[i - 1]), (const uint8_t *)v[i - 1]);
		sha256_update(&h, 1, (const uint8_t *)" ");
		sha256_update(&h, strlen(diff_ids[i]), (const uint8_t *)diff_ids[i]);
		sha256_digest(&h, sizeof(d), d);
		image_sha256_hex(d, hex);
		v[i] = xstrdup(hex);
	}
	return v;
}

/* Inodes with several links, counted once. */
struct seen {
	ino_t *v;
	size_t n;
};

static bool seen_add(struct seen *s, ino_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == ino)
			return false;
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = ino;
	return true;
}

static uint64_t tree_size(int dirfd, struct seen *links)
{
	int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	uint64_t sum = 0;

	if (!d) {
		close_quietly(dfd);
		return 0;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			cleanup_close int sub = openat(dirfd, de->d_name, DIR_FLAGS);
			if (sub >= 0)
				sum += tree_size(sub, links);
		} else if (S_ISLNK(st.st_mode) ||
			   (S_ISREG(st.st_mode) && (st.st_nlink < 2 || seen_add(links, st.st_ino)))) {
			sum += (uint64_t)st.st_size;
		}
	}
	return sum;
}

/* Unpack layer i into <priv>/<hex> in overlay form; the load publishes it under the lock. */
static int unpack_layer_on(struct image_source *src, size_t i, int priv, const char *hex, const int *lowers,
			   size_t n_lowers, struct layer_limits *lim, struct error *err)
{
	cleanup_close int fd = -1;
	int r;

	/* 0755: a layer without a "./" entry gives the usual root mode */
	if (mkdirat(priv, hex, 0755) < 0 || (fd = openat(priv, hex, DIR_FLAGS)) < 0)
		return error_sys(err, "create layer directory %s", hex);
	r = image_source_apply_layer(src, i, fd, LAYER_MODE_OVERLAY, lowers, n_lowers, lim, err);
	if (r < 0) {
		struct error ignored;

		layer_remove_tree(priv, hex, &ignored);
	}
	return r;
}

/* A layer directory by chain hex: published in layers/, else staged in priv. */
static int open_layer(struct image_store *s, int priv, const char *hex)
{
	cleanup_free char *p = xasprintf("layers/%s", hex);
	int fd = openat(s->dirfd, p, DIR_FLAGS);

	return fd >= 0 || priv < 0 ? fd : openat(priv, hex, DIR_FLAGS);
}

/* Layer i on top of the layers below it (chain[0..i-1]), into <priv>/<chain[i] hex>. */
static int unpack_layer(struct image_store *s, struct image_source *src, size_t i, char *const *chain, int priv,
			struct layer_limits *lim, struct error *err)
{
	int *lowers = xzalloc((i + 1) * sizeof(int));
	size_t k;
	int r = 0;

	for (k = 0; k < i; k++) {
		lowers[k] = open_layer(s, priv, chain[i - 1 - k] + 7);
		if (lowers[k] < 0) {
			r = error_sys(err, "open layer %s", chain[i - 1 - k]);
			break;
		}
	}
	if (r == 0)
		r = unpack_layer_on(src, i, priv, chain[i] + 7, lowers, i, lim, err);
	while (k-- > 0)
		close(lowers[k]);
	free(lowers);
	return r;
}

static int remove_unused_layers(struct image_store *s, struct error *err);

static bool strv_has(char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

static char **strv_add(char **v, const char *s)
{
	size_t n = strv_length(v);

	v = xrealloc(v, (n + 2) * sizeof(char *));
	v[n] = xstrdup(s);
	v[n + 1] = NULL;
	return v;
}

/* A name points at one image: loading it onto another takes it from the old one (docker's retag). */
static int untag_others(struct image_store *s, const struct image_record *keep, struct error *err)
{
	cleanup_strv char **ids = list_dir(s, "images");

	for (char **id = ids; *id; id++) {
		struct image_record rec;
		bool changed = false;
		int r;

		if (strcmp(*id, keep->id + 7) == 0 || read_record(s, *id, &rec, err) < 0)
			continue;
		for (size_t i = 0, o = 0;; i++) {
			if (rec.names[i] && strv_has(keep->names, rec.names[i])) {
				free(rec.names[i]);
				changed = true;
				continue;
			}
			rec.names[o++] = rec.names[i];
			if (!rec.names[i])
				break;
		}
		r = changed ? write_record(s, &rec, err) : 0;
		image_record_free(&rec);
		if (r < 0)
			return r;
	}
	return 0;
}

static char *now_rfc3339(void)
{
	char buf[64];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static int write_image(struct image_store *s, struct image_source *src, const struct image_record *rec,
		       struct error *err)
{
	cleanup_free char *tmp = xasprintf("%s/images/.tmp-XXXXXX", s->path);
	cleanup_free char *final = xasprintf("images/%s", rec->id + 7);
	cleanup_free char *json = image_record_json(rec, true);
	cleanup_close int fd = -1, images = -1;
	const char *config, *name;
	size_t len;
	int r;

	if (!mkdtemp(tmp))
		return error_sys(err, "create %s", tmp);
	name = strrchr(tmp, '/') + 1;
	images = openat(s->dirfd, "images", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	config = image_source_config_json(src, &len);
	if (fd < 0 || images < 0)
		r = error_sys(err, "open %s", tmp);
	else if ((r = write_new(fd, "config.json", config, len, err)) == 0 &&
		 (r = write_new(fd, "image.json", json, strlen(json), err)) == 0 &&
		 renameat(images, name, s->dirfd, final) < 0)
		r = error_sys(err, "rename %s to %s/%s", tmp, s->path, final);
	if (r < 0 && images >= 0) {
		struct error ignored;
		layer_remove_tree(images, name, &ignored);
	}
	return r;
}

/* Without the store lock: every layer not in layers/ yet unpacked into the private directory priv. */
static int stage_layers(struct image_store *s, struct image_source *src, char *const *chain, int priv,
			struct layer_limits *lim, struct error *err)
{
	for (size_t i = 0; chain[i]; i++) {
		cleanup_close int fd = open_layer(s, -1, chain[i] + 7);
		int r;

		if (fd < 0 && (r = unpack_layer(s, src, i, chain, priv, lim, err)) < 0)
			return r;
	}
	return 0;
}

/* Under the lock: the staged layers renamed into layers/; *size (when asked) gets the bytes of all. */
static int publish_layers(struct image_store *s, char *const *chain, int priv, uint64_t *size, struct error *err)
{
	for (size_t i = 0; chain[i]; i++) {
		cleanup_free char *path = xasprintf("layers/%s", chain[i] + 7);
		cleanup_close int fd = openat(s->dirfd, path, DIR_FLAGS);

		if (fd < 0 && renameat(priv, chain[i] + 7, s->dirfd, path) < 0)
			return error_set(err, errno == ENOENT ? EAGAIN : errno,
					 "layer %s: removed by another image command during the load, load again",
					 chain[i]);
		if (fd < 0 && (fd = openat(s->dirfd, path, DIR_FLAGS)) < 0)
			return error_sys(err, "open %s/%s", s->path, path);
		if (size) {
			struct seen links = { 0 };
			*size += tree_size(fd, &links);
			free(links.v);
		}
	}
	return 0;
}

/* Under the lock: the layers and the record (new, or new names on an existing one). */
static int publish(struct image_store *s, struct image_source *src, char *const *diffs, char *const *chain,
		   int priv, struct image_record *rec, bool *existed, struct error *err)
{
	const char *id = image_source_id(src);
	int r;

	/* also layers a force-removed image left to its containers, now gone */
	store_dirty(s);
	if (read_record(s, id + 7, rec, err) == 0) {
		bool added = false;

		*existed = true;
		if (strv_length(rec->layers) != strv_length(diffs))
			return error_set(err, EINVAL, "image %s: %zu layers recorded, %zu in the archive", rec->id,
					 strv_length(rec->layers), strv_length(diffs));
		for (char *const *nm = image_source_names(src); nm && *nm; nm++)
			if (!strv_has(rec->names, *nm)) {
				rec->names = strv_add(rec->names, *nm);
				added = true;
			}
		/* a layer directory missing (a store from before chain ids): unpacked again */
		r = publish_layers(s, chain, priv, NULL, err);
		if (r == 0 && added && (r = write_record(s, rec, err)) == 0)
			r = untag_others(s, rec, err);
		return r;
	}
	image_record_free(rec);
	error_clear(err);
	rec->id = xstrdup(id);
	rec->names = strv_dup(image_source_names(src)) ?: xzalloc(sizeof(char *));
	rec->layers = strv_dup(diffs);
	if ((r = publish_layers(s, chain, priv, &rec->size, err)) < 0)
		return r;
	{
		size_t len;
		const char *config = image_source_config_json(src, &len);
		cleanup_free char *copy = xstrndup(config, len);

		rec->created = image_record_config_created(copy) ?: now_rfc3339();
	}
	if ((r = write_image(s, src, rec, err)) == 0)
		r = untag_others(s, rec, err);
	return r;
}

/* The archive is read and its layers unpacked without the store lock (into a private layers/.tmp-*
 * directory the load flocks), so `image ls`, `run` and other loads go on meanwhile; the lock is taken
 * again only to publish. */
int image_store_load(struct image_store *s, const char *archive, const char *ref, uint64_t max_size,
		     struct image_record *rec, bool *existed, struct error *err)
{
	struct image_source_opts so = { .archive = archive, .ref = ref, .max_size = max_size };
	struct image_source *src = NULL;
	struct layer_limits lim = { .max_size = max_size };
	cleanup_free char *tmp = xasprintf("%s/layers/.tmp-XXXXXX", s->path);
	cleanup_strv char **diffs = NULL, **chain = NULL;
	cleanup_close int priv = -1, layers = -1;
	struct error ignored;
	const char *id;
	size_t n;
	int r;

	memset(rec, 0, sizeof(*rec));
	*existed = false;
	image_store_unlock(s);
	if ((r = image_source_open(&so, &src, err)) < 0)
		goto relock;
	id = image_source_id(src);
	if (!digest_ok(id)) {
		r = error_set(err, EINVAL, "image id %s: expected sha256:<64 hex>", id ? id : "(none)");
		goto relock;
	}
	n = image_source_n_layers(src);
	diffs = xzalloc((n + 1) * sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		const char *diff = image_source_diff_id(src, i);

		if (!digest_ok(diff)) {
			r = error_set(err, EINVAL, "layer %zu: diff_id %s: expected sha256:<64 hex>", i,
				      diff ? diff : "(none)");
			goto relock;
		}
		diffs[i] = xstrdup(diff);
	}
	chain = image_store_chain_ids(diffs);
	layers = openat(s->dirfd, "layers", DIR_FLAGS);
	if (layers < 0 || !mkdtemp(tmp) || (priv = open(tmp, DIR_FLAGS)) < 0 || flock(priv, LOCK_EX) < 0) {
		r = error_sys(err, "create %s", tmp);
		goto relock;
	}
	r = stage_layers(s, src, chain, priv, &lim, err);
relock:
	if (store_lock(s, r < 0 ? &ignored : err) < 0 && r == 0)
		r = -1;
	else if (r == 0)
		r = publish(s, src, diffs, chain, priv, rec, existed, err);
	if (priv >= 0)
		layer_remove_tree(layers, strrchr(tmp, '/') + 1, &ignored);
	image_source_free(src);
	/* a failed load leaves no layer nobody uses; a successful one cleans what an older one left */
	if (s->lock_fd >= 0)
		store_recover(s);
	if (r < 0) {
		image_record_free(rec);
		return error_prefix(err, "%s", archive);
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct image_record *x = a, *y = b;
	const char *nx = x->names[0] ? x->names[0] : "\xff", *ny = y->names[0] ? y->names[0] : "\xff";
	int c = strcmp(nx, ny);

	return c ? c : strcmp(x->id, y->id);
}

int image_store_list(struct image_store *s, struct image_record **list, size_t *n, struct error *err)
{
	cleanup_strv char **ids = list_dir(s, "images");
	size_t count = strv_length(ids);

	*list = xzalloc((count + 1) * sizeof(**list));
	*n = 0;
	for (char **id = ids; *id; id++) {
		if (read_record(s, *id, &(*list)[*n], err) < 0) {
			image_store_list_free(*list, *n);
			*list = NULL;
			*n = 0;
			return -EINVAL;
		}
		(*n)++;
	}
	qsort(*list, *n, sizeof(**list), by_name);
	return 0;
}

void image_store_list_free(struct image_record *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		image_record_free(&list[i]);
	free(list);
}

int image_store_find(struct image_store *s, const char *name, struct image_record *rec, struct error *err)
{
	cleanup_strv char **ids = list_dir(s, "images");
	cleanup_free char *latest = strchr(name, ':') ? NULL : xasprintf("%s:latest", name);
	const char *hex = strncmp(name, DIGEST_PREFIX, 7) == 0 ? name + 7 : name;
	const char *match = NULL;
	size_t n_match = 0, hexlen = strlen(hex);

	memset(rec, 0, sizeof(*rec));
	for (int pass = 0; pass < 2; pass++) {
		const char *want = pass == 0 ? name : latest;

		for (char **id = ids; want && *id; id++) {
			if (read_record(s, *id, rec, err) < 0)
				continue;
			if (strv_has(rec->names, want))
				return 0;
			image_record_free(rec);
		}
	}
	error_clear(err);
	if (hexlen && strspn(hex, "0123456789abcdef") == hexlen)
		for (char **id = ids; *id; id++)
			if (strncmp(*id, hex, hexlen) == 0) {
				match = *id;
				n_match++;
			}
	if (n_match == 1)
		return read_record(s, match, rec, err);
	if (n_match > 1)
		return error_set(err, EINVAL, "image id prefix %s is ambiguous: %zu images match", name,
				 n_match);
	return error_set(err, ENOENT, "no image %s in %s (berth image load FILE.tar adds one)", name,
			 s->path);
}

char **image_store_users(struct image_store *s, const char *id)
{
	cleanup_strv char **ctrs = list_dir(s, "containers");
	char **users = xzalloc(sizeof(char *));

	for (char **c = ctrs; *c; c++) {
		cleanup_free char *path = xasprintf("containers/%s/image", *c), *data = NULL;

		if (read_file_at(s->dirfd, path, &data, NULL, RECORD_MAX) < 0)
			continue;
		if (strncmp(data, id, strlen(id)) == 0 && (data[strlen(id)] == '\n' || !data[strlen(id)]))
			users = strv_add(users, *c);
	}
	return users;
}

/* Layers neither an image nor a container (its image file lists them) uses any more. */
static int remove_unused_layers(struct image_store *s, struct error *err)
{
	cleanup_strv char **layers = list_dir(s, "layers"), **ids = list_dir(s, "images");
	cleanup_strv char **ctrs = list_dir(s, "containers");
	cleanup_strv char **used = xzalloc(sizeof(char *));
	cleanup_close int lfd = openat(s->dirfd, "layers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	for (char **id = ids; *id; id++) {
		struct image_record rec;

		if ((r = read_record(s, *id, &rec, err)) < 0)
			return r; /* unsure what is used: keep everything */
		cleanup_strv char **chain = image_store_chain_ids(rec.layers);
		for (char **l = chain; *l; l++)
			used = strv_add(used, *l + 7);
		image_record_free(&rec);
	}
	for (char **c = ctrs; *c; c++) {
		cleanup_free char *path = xasprintf("containers/%s/image", *c), *data = NULL;
		char *save = NULL;

		if (read_file_at(s->dirfd, path, &data, NULL, RECORD_MAX) < 0)
			continue;
		for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (digest_ok(line))
				used = strv_add(used, line + 7);
	}
	if (lfd < 0)
		return error_sys(err, "open %s/layers", s->path);
	for (char **l = layers; *l; l++)
		if (!strv_has(used, *l) && (r = layer_remove_tree(lfd, *l, err)) < 0)
			return error_prefix(err, "remove layer %s", *l);
	return 0;
}

int image_store_remove(struct image_store *s, const char *name, bool force, char **removed_id,
		       struct error *err)
{
	struct image_record rec;
	cleanup_strv char **users = NULL;
	cleanup_free char *dir = NULL, *gone = NULL;
	int r;

	*removed_id = NULL;
	if ((r = image_store_find(s, name, &rec, err)) < 0)
		return r;
	users = image_store_users(s, rec.id);
	if (users[0] && !force) {
		cleanup_free char *list = xstrdup("");
		for (char **u = users; *u; u++) {
			char *l = xasprintf("%s%s%s", list, *list ? ", " : "", *u);
			free(list);
			list = l;
		}
		r = error_set(err, EBUSY, "image %s is used by container%s %s (delete %s, or use --force)",
			      name, users[1] ? "s" : "", list, users[1] ? "them" : "it");
		image_record_free(&rec);
		return r;
	}
	dir = xasprintf("images/%s", rec.id + 7);
	gone = xasprintf("images/.tmp-rm-%s", rec.id + 7);
	store_dirty(s);
	if (renameat(s->dirfd, dir, s->dirfd, gone) < 0)
		r = error_sys(err, "remove %s/%s", s->path, dir);
	else if ((r = layer_remove_tree(s->dirfd, gone, err)) == 0 && (r = remove_unused_layers(s, err)) == 0)
		unlinkat(s->dirfd, DIRTY, 0);
	if (r == 0)
		*removed_id = xstrdup(rec.id);
	image_record_free(&rec);
	return r;
}
