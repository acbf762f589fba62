/* The rootfs of `berth run --image`: containers/<id>/ with an overlay of the image's layers (or a copy),
 * and config.json from the image config; and `image unpack IMAGE` from the store. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <dirent.h>
#include <nettle/sha2.h>
#include <unistd.h>

#include "rootfs/image.h"
#include "rootfs/image_store.h"
#include "runtime/image_json.h"
#include "runtime/util.h"

#define CONFIG_MAX (16 << 20)
#define CACHE_MAX 64

static int write_file_new(int dirfd, const char *name, const char *data, struct error *err)
{
	cleanup_close int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				      0644);

	if (fd < 0 || write_all(fd, data, strlen(data)) < 0)
		return error_sys(err, "write %s", name);
	return 0;
}

static int check_id(const char *id, struct error *err)
{
	if (!id || !*id || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0 ||
	    strlen(id) > 255)
		return error_set(err, EINVAL, "invalid container id \"%s\"", id ? id : "");
	return 0;
}

static int read_config(struct image_store *s, const struct image_record *rec, struct image_config *cfg,
		       struct error *err)
{
	cleanup_free char *path = xasprintf("images/%s/config.json", rec->id + 7), *json = NULL;
	int r = read_file_at(s->dirfd, path, &json, NULL, CONFIG_MAX);

	if (r < 0)
		return error_set(err, -r, "read %s/%s", s->path, path);
	if ((r = image_json_config(json, cfg, err)) < 0)
		return error_prefix(err, "%s/%s", s->path, path);
	return 0;
}

/* config.json for rootfd (the image's root, already assembled): User resolved through its /etc files. */
static int write_config(const struct image_config *cfg, char *const *cmd, int rootfd, int dirfd,
			char **written, struct error *err)
{
	uint32_t uid = 0, gid = 0;
	cleanup_free uint32_t *gids = NULL;
	size_t n_gids = 0;
	cleanup_free char *json = NULL;
	cleanup_close int fd = -1;
	int r;

	if ((r = image_resolve_user(rootfd, cfg->user, &uid, &gid, &gids, &n_gids, err)) < 0)
		return error_prefix(err, "image User %s", cfg->user ? cfg->user : "");
	json = image_json_bundle(cfg, cmd, uid, gid, gids, n_gids);
	fd = openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, json, strlen(json)) < 0)
		return error_sys(err, "write config.json");
	if (written)
		*written = steal_pointer(&json);
	return 0;
}

/* containers/ is a tmpfs: a container's own files (upper, work, config.json) cost no disk journal and
 * no discard, and go away with it. The first container mounts it and the last unmounts it, under
 * containers.lock; a state root already on tmpfs (/run) is used as it is. */
static int lock_containers(const char *store, struct error *err)
{
	cleanup_free char *path = xasprintf("%s/containers.lock", store);
	cleanup_close int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return error_sys(err, "open %s", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return error_sys(err, "lock %s", path);
	return steal_fd(&fd);
}

/* True when dirfd holds name and nothing else. */
static bool only_entry(int dirfd, const char *name)
{
	int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	bool found = false;

	if (!d) {
		close_quietly(dfd);
		return false;
	}
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (strcmp(de->d_name, name) != 0)
			return false;
		found = true;
	}
	return found;
}

/* containers/<id>, exclusively, in the tmpfs. */
static int make_container_dir(struct image_store *s, const char *id, const char *cdir, struct error *err)
{
	cleanup_close int lock = lock_containers(s->path, err), cfd = -1;
	struct statfs sf;
	int r;

	if (lock < 0)
		return lock;
	cfd = openat(s->dirfd, "containers", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cfd < 0 || fstatfs(cfd, &sf) < 0)
		return error_sys(err, "open %s/containers", s->path);
	if (sf.f_type != TMPFS_MAGIC) {
		if ((r = image_tmpfs_mount(cfd, err)) < 0)
			return error_prefix(err, "%s/containers", s->path);
		close_quietly(cfd);
		cfd = openat(s->dirfd, "containers", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			return error_sys(err, "open %s/containers", s->path);
	}
	/* the overlay keeps setuid and devices for the container: no host user may reach it */
	if (mkdirat(cfd, id, 0700) == 0)
		return 0;
	if (errno == EEXIST)
		return error_set(err, EEXIST, "%s exists already (berth delete --force %s removes it)", cdir,
				 id);
	return error_sys(err, "create %s", cdir);
}

/* Overlay lowers, top first; a layer listed twice keeps its top place only (the lower copy is hidden). */
static char **lowers_of(struct image_store *s, const struct image_record *rec)
{
	cleanup_strv char **chain = image_store_chain_ids(rec->layers);
	size_t n = strv_length(chain), k = 0;
	char **v = xzalloc((n + 1) * sizeof(char *));

	for (size_t i = n; i-- > 0;) {
		bool seen = false;

		for (size_t j = n; j-- > i + 1;)
			seen = seen || strcmp(chain[j], chain[i]) == 0;
		if (!seen)
			v[k++] = xasprintf("%s/layers/%s", s->path, chain[i] + 7);
	}
	return v;
}

static int mount_overlay(struct image_store *s, const struct image_record *rec, int fs, int cfd,
			 const char *cdir, struct error *err)
{
	cleanup_strv char **lowers = lowers_of(s, rec);
	cleanup_free char *upper = xasprintf("%s/upper", cdir), *work = xasprintf("%s/work", cdir);
	cleanup_close int target = -1, up = -1;
	struct stat top;

	/* the merged root is upper's root: give it the image's root owner and mode */
	if (!lowers[0] || stat(lowers[0], &top) < 0)
		return error_sys(err, "layer %s", lowers[0] ? lowers[0] : "(none)");
	if (mkdirat(cfd, "upper", top.st_mode & 07777) < 0)
		return error_sys(err, "create %s", upper);
	if (mkdirat(cfd, "work", 0700) < 0)
		return error_sys(err, "create %s", work);
	up = openat(cfd, "upper", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (up < 0 || fchown(up, top.st_uid, top.st_gid) < 0 || fchmod(up, top.st_mode & 07777) < 0)
		return error_sys(err, "set up %s", upper);
	target = openat(cfd, "rootfs", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return error_sys(err, "open %s/rootfs", cdir);
	return image_overlay_mount(fs, lowers, upper, work, target, err);
}

/* The name of config.json made for this image and cmd by this berth binary, cached in the image's
 * directory: image_json_bundle() costs half a millisecond, a third of what run --image may add. The image
 * (config and files, so the User resolved) never changes under its id; a rebuilt berth has a new key. */
static char *cache_name(char *const *cmd)
{
	struct sha256_ctx h;
	uint8_t d[SHA256_DIGEST_SIZE];
	struct stat st;
	char hex[2 * 12 + 1];

	sha256_init(&h);
	if (stat("/proc/self/exe", &st) == 0) {
		uint64_t id[4] = { st.st_dev, st.st_ino, (uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_nsec };
		id[3] ^= (uint64_t)st.st_mtim.tv_sec << 30;
		sha256_update(&h, sizeof(id), (const uint8_t *)id);
	}
	sha256_update(&h, sizeof(PACKAGE_VERSION), (const uint8_t *)PACKAGE_VERSION);
	for (char *const *a = cmd; a && *a; a++)
		sha256_update(&h, strlen(*a) + 1, (const uint8_t *)*a);
	sha256_update(&h, 1, (const uint8_t *)(cmd ? "\1" : "\2"));
	sha256_digest(&h, sizeof(d), d);
	for (size_t i = 0; i < 12; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	return xasprintf("run-%s.json", hex);
}

/* Keep the cache: at most CACHE_MAX files per image, all dropped when full (commands rarely vary). */
static void cache_store(struct image_store *s, const struct image_record *rec, const char *name,
			const char *json)
{
	cleanup_free char *dir = xasprintf("images/%s", rec->id + 7);
	cleanup_close int dfd = openat(s->dirfd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_free char *tmp = xasprintf(".%s.tmp", name);
	cleanup_dir DIR *d = dfd >= 0 ? fdopendir(dup(dfd)) : NULL;
	struct dirent *de;
	size_t n = 0;
	struct error ignored;

	if (!d)
		return;
	while ((de = readdir(d)))
		n += strncmp(de->d_name, "run-", 4) == 0;
	if (n >= CACHE_MAX) {
		rewinddir(d);
		while ((de = readdir(d)))
			if (strncmp(de->d_name, "run-", 4) == 0)
				unlinkat(dfd, de->d_name, 0);
	}
	unlinkat(dfd, tmp, 0);
	if (write_file_new(dfd, tmp, json, &ignored) == 0 && renameat(dfd, tmp, dfd, name) < 0)
		unlinkat(dfd, tmp, 0);
}

/* containers/<id>/image: the image id and its layer directories (chain ids), which image rm keeps while
 * this file is there. */
static int write_users_line(const struct image_record *rec, int cfd, struct error *err)
{
	cleanup_free char *line = xasprintf("%s\n", rec->id);
	cleanup_strv char **chain = image_store_chain_ids(rec->layers);

	for (char **l = chain; *l; l++) {
		char *next = xasprintf("%s%s\n", line, *l);
		free(line);
		line = next;
	}
	return write_file_new(cfd, "image", line, err);
}

/* fs: an overlay context, or -1 to copy the layers. */
static int fill_container(struct image_store *s, const struct image_record *rec,
			  const struct image_run_opts *o, int fs, int cfd, const char *cdir,
			  struct error *err)
{
	struct image_config cfg = { 0 };
	cleanup_free char *cache = cache_name(o->cmd), *cache_path = NULL, *cached = NULL;
	cleanup_close int rootfd = -1;
	int r;

	if (mkdirat(cfd, "rootfs", 0755) < 0)
		return error_sys(err, "create %s/rootfs", cdir);
	cache_path = xasprintf("images/%s/%s", rec->id + 7, cache);
	if (read_file_at(s->dirfd, cache_path, &cached, NULL, CONFIG_MAX) < 0 &&
	    (r = read_config(s, rec, &cfg, err)) < 0)
		return r;
	if (fs >= 0 && (r = mount_overlay(s, rec, fs, cfd, cdir, err)) < 0)
		goto out;
	/* opened after the mount: the overlay's root, not the directory under it */
	rootfd = openat(cfd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0) {
		r = error_sys(err, "open %s/rootfs", cdir);
		goto out;
	}
	if (fs < 0) {
		cleanup_strv char **chain = image_store_chain_ids(rec->layers);
		if ((r = image_store_copy_layers(s, chain, rootfd, err)) < 0)
			goto out;
	}
	if (cached) {
		r = write_file_new(cfd, "config.json", cached, err);
		goto out;
	}
	if ((r = write_config(&cfg, o->cmd, rootfd, cfd, &cached, err)) == 0)
		cache_store(s, rec, cache, cached);
out:
	image_config_free(&cfg);
	return r;
}

int image_store_container_create(const struct image_run_opts *o, char **bundle, struct error *err)
{
	struct image_store s;
	struct image_record rec = { 0 };
	cleanup_free char *cdir = NULL;
	cleanup_close int cfd = -1, fs = -1;
	struct stat st;
	bool existed;
	int r;

	*bundle = NULL;
	if ((r = check_id(o->id, err)) < 0)
		return r;
	if ((r = image_store_open(o->root, &s, err)) < 0)
		goto out;
	if (stat(o->image, &st) == 0 && S_ISREG(st.st_mode))
		r = image_store_load(&s, o->image, o->ref, o->max_size, &rec, &existed, err);
	else
		r = image_store_find(&s, o->image, &rec, err);
	if (r < 0)
		goto out;
	cdir = xasprintf("%s/containers/%s", s.path, o->id);
	if ((r = make_container_dir(&s, o->id, cdir, err)) < 0)
		goto out;
	/* no overlayfs in the kernel (ENODEV): copy the layers */
	if (!o->copy && (fs = image_overlay_open()) < 0 && errno != ENODEV)
		r = error_sys(err, "fsopen overlay");
	else if ((cfd = open(cdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		r = error_sys(err, "open %s", cdir);
	if (r == 0)
		r = write_users_line(&rec, cfd, err);
	/* the image file keeps the layers from image rm: the rest, on image content, without the lock */
	image_store_unlock(&s);
	if (r == 0)
		r = fill_container(&s, &rec, o, fs, cfd, cdir, err);
	if (r < 0) {
		struct error ignored;

		image_store_container_remove(o->root, o->id, &ignored);
		goto out;
	}
	*bundle = steal_pointer(&cdir);
out:
	image_record_free(&rec);
	image_store_close(&s);
	return r < 0 ? error_prefix(err, "image %s", o->image) : 0;
}

int image_store_container_remove(const char *root, const char *id, struct error *err)
{
	cleanup_free char *store = xasprintf("%s/.images", root), *parent = xasprintf("%s/containers", store);
	cleanup_free char *rootfs = xasprintf("%s/%s/rootfs", parent, id);
	cleanup_close int lock = -1, pfd = -1;
	struct stat sst, pst;
	struct error ignored;
	int r;

	if (check_id(id, &ignored) < 0)
		return 0; /* not a name the store could have made */
	pfd = open(parent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0 || faccessat(pfd, id, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return 0; /* not a container of the image store: one failed open for a plain bundle */
	if ((lock = lock_containers(store, err)) < 0)
		return lock;
	if (stat(store, &sst) < 0 || fstat(pfd, &pst) < 0)
		return error_sys(err, "stat %s", parent);
	if (pst.st_dev != sst.st_dev && only_entry(pfd, id)) {
		/* the last one: unmount our tmpfs, the overlay on it goes with it (one RCU grace period) */
		while (umount2(parent, UMOUNT_NOFOLLOW | MNT_DETACH) == 0)
			;
		if (errno != EINVAL)
			return error_sys(err, "unmount %s", parent);
		return 0;
	}
	while (umount2(rootfs, UMOUNT_NOFOLLOW | MNT_DETACH) == 0)
		;
	if (errno != EINVAL && errno != ENOENT)
		return error_sys(err, "unmount %s", rootfs);
	if ((r = layer_remove_tree(pfd, id, err)) < 0)
		return error_prefix(err, "remove the image rootfs of %s", id);
	return 0;
}

int image_store_unpack(const char *root, const char *name, const char *bundle, char *const *cmd,
		       struct error *err)
{
	struct image_store s;
	struct image_record rec = { 0 };
	struct image_config cfg = { 0 };
	cleanup_free char *tmp = image_tmp_name(bundle, ".rootfs.tmp-");
	cleanup_close int bfd = -1, rootfd = -1;
	cleanup_strv char **chain = NULL;
	const char *tname = NULL;
	int r;

	cleanup_free char *store = xasprintf("%s/.images", root);
	if (access(store, F_OK) < 0) {
		s.path = NULL;
		s.dirfd = s.lock_fd = -1;
		r = error_set(err, ENOENT, "no such file, and no image store in %s", root);
		goto out;
	}
	if ((r = image_store_open(root, &s, err)) < 0)
		goto out;
	if ((r = image_store_find(&s, name, &rec, err)) < 0 || (r = read_config(&s, &rec, &cfg, err)) < 0)
		goto out;
	if (mkdir_p(bundle, 0755) < 0 || (bfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		r = error_sys(err, "create %s", bundle);
		goto out;
	}
	/* what an unpack killed on this bundle left */
	image_remove_stale_tmp(bfd, ".rootfs.tmp-");
	if (!mkdtemp(tmp)) {
		r = error_sys(err, "create %s", tmp);
		goto out;
	}
	tname = strrchr(tmp, '/') + 1;
	rootfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0) {
		r = error_sys(err, "open %s", tmp);
		goto out;
	}
	chain = image_store_chain_ids(rec.layers);
	if ((r = image_store_copy_layers(&s, chain, rootfd, err)) < 0)
		goto out;
	/* the copy is ours: its /etc is read without the lock */
	image_store_unlock(&s);
	if ((r = write_config(&cfg, cmd, rootfd, bfd, NULL, err)) < 0)
		goto out;
	if (renameat(bfd, tname, bfd, "rootfs") < 0) {
		r = error_sys(err, "rename %s to %s/rootfs", tmp, bundle);
		unlinkat(bfd, "config.json", 0);
	}
out:
	if (r < 0 && bfd >= 0 && tname) {
		struct error ignored;
		layer_remove_tree(bfd, tname, &ignored);
	}
	image_config_free(&cfg);
	image_record_free(&rec);
	image_store_close(&s);
	return r < 0 ? error_prefix(err, "unpack image %s", name) : 0;
}
