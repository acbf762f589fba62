/* /dev inside the root: the default and linux.devices nodes, the standard symlinks, a verified null. */
#include "rootfs/dev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs/mounts.h"
#include "runtime/log.h"
#include "runtime/util.h"

#define CHAR_DEV(p, maj, min) \
	{ .path = p, .type = 'c', .major = maj, .minor = min, .has_file_mode = true, .file_mode = 0666 }

static const struct spec_device default_devices[] = {
	CHAR_DEV("/dev/null", 1, 3),   CHAR_DEV("/dev/zero", 1, 5),	 CHAR_DEV("/dev/full", 1, 7),
	CHAR_DEV("/dev/random", 1, 8), CHAR_DEV("/dev/urandom", 1, 9), CHAR_DEV("/dev/tty", 5, 0),
};

static const struct {
	const char *name, *target;
} dev_links[] = {
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" },
	{ "core", "/proc/kcore" },
};

static bool dev_is_bound(const struct spec *spec)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (spec->mounts[i].opts.bind && !strcmp(spec->mounts[i].destination, "/dev"))
			return true;
	return false;
}

static mode_t node_type(char type)
{
	switch (type) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default:
		return S_IFCHR;
	}
}

/* The name of a device's private node: "d<i>" for default_devices[i], "c<i>" for linux.devices[i]. */
static void node_key(char key[32], bool dflt, size_t i)
{
	snprintf(key, 32, "%c%zu", dflt ? 'd' : 'c', i);
}

/* The host id of container id `id`, through the user namespace's mappings. */
static bool map_id(const struct spec_id_mapping *map, size_t n, uint32_t id, uint32_t *host)
{
	for (size_t i = 0; i < n; i++)
		if (id >= map[i].container_id && id - map[i].container_id < map[i].size) {
			*host = map[i].host_id + (id - map[i].container_id);
			return true;
		}
	return false;
}

/* One private node, as the device asks; a node berth may not make (rootless berth) is left out. */
static int make_private_node(int dir, const struct spec *spec, const struct spec_device *d, const char *key,
			     struct error *err)
{
	const struct spec_linux *lx = &spec->linux_;
	uint32_t cuid = d->has_uid ? d->uid : 0, cgid = d->has_gid ? d->gid : 0, huid = 0, hgid = 0;
	mode_t mode = d->has_file_mode ? d->file_mode & 07777 : 0666;
	bool uid_ok = map_id(lx->uid_mappings, lx->n_uid_mappings, cuid, &huid);
	bool gid_ok = map_id(lx->gid_mappings, lx->n_gid_mappings, cgid, &hgid);

	if (d->type == 'p')
		return 0;
	/* the container's root when it is mapped, else the host's (shown as the overflow id) */
	if (d->has_uid && !uid_ok)
		return error_set(err, EINVAL, "uid %u is not mapped in the user namespace", cuid);
	if (d->has_gid && !gid_ok)
		return error_set(err, EINVAL, "gid %u is not mapped in the user namespace", cgid);
	if (mknodat(dir, key, node_type(d->type) | 0600, makedev(d->major, d->minor)) < 0) {
		if (errno == EPERM)
			return 0;
		return error_sys(err, "mknod %s", d->path);
	}
	if (fchownat(dir, key, uid_ok ? huid : 0, gid_ok ? hgid : 0, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(dir, key, mode, 0) < 0)
		return error_sys(err, "set the owner and mode of %s", d->path);
	return 0;
}

int rootfs_dev_make_private(const struct spec *spec, int *out, struct error *err)
{
	const struct spec_linux *lx = &spec->linux_;
	cleanup_close int dir = -1;
	char key[32];
	int r;

	*out = -1;
	if (!lx->namespaces[SPEC_NS_USER].present || !lx->namespaces[SPEC_NS_MOUNT].present || dev_is_bound(spec))
		return 0;
	if (lx->namespaces[SPEC_NS_USER].path) {
		for (size_t i = 0; i < lx->n_devices; i++)
			if (lx->devices[i].has_uid || lx->devices[i].has_gid)
				return error_set(err, ENOTSUP, "linux.devices[%zu]: uid and gid in a user namespace "
						 "joined by path are not supported yet", i);
	}
	/* a tmpfs mounted nowhere: no path reaches these nodes, it goes with the last fd */
	if ((dir = rootfs_new_fs("tmpfs", "berth-dev", "mode=0711,size=64k", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
				 err)) < 0) {
		if (dir == -EPERM) {
			error_clear(err);
			return 0;
		}
		return error_prefix(err, "private device nodes");
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
		node_key(key, true, i);
		if ((r = make_private_node(dir, spec, &default_devices[i], key, err)) < 0)
			return error_prefix(err, "%s", default_devices[i].path);
	}
	for (size_t i = 0; i < lx->n_devices; i++) {
		node_key(key, false, i);
		if ((r = make_private_node(dir, spec, &lx->devices[i], key, err)) < 0)
			return error_prefix(err, "linux.devices[%zu]", i);
	}
	*out = steal_fd(&dir);
	return 0;
}

/* Device bind mounts: never a setuid or exec path into the container. */
#define DEV_BIND_ATTR (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC)

static bool is_node(const struct stat *st, const struct spec_device *d)
{
	return (st->st_mode & S_IFMT) == node_type(d->type) && st->st_rdev == makedev(d->major, d->minor);
}

/* Bind `node` (an O_PATH fd of a device node) onto a new empty file parent/name. */
static int bind_node(int node, int parent, const char *name, const struct spec_device *d, struct error *err)
{
	cleanup_close int file = -1, target = -1;
	struct stat st;
	int r;

	file = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
	if (file < 0 && errno != EEXIST)
		return error_sys(err, "create %s", d->path);
	if ((target = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0 || fstat(target, &st) < 0)
		return error_sys(err, "open %s", d->path);
	if (!S_ISREG(st.st_mode))
		return error_set(err, EEXIST, "%s changed while being set up", d->path);
	if ((r = rootfs_bind_fd(node, target, false, DEV_BIND_ATTR, err)) < 0)
		return r;
	close(r);
	return 0;
}

/* In a user namespace mknod is refused: bind the node berth made for us (type, numbers, mode and owner
 * as asked), else the host's node of the same path and numbers as it is. No host file is ever changed. */
static int bind_userns_node(const struct rootfs_ctx *ctx, const struct spec_device *d, const char *key,
			    int parent, const char *name, struct error *err)
{
	cleanup_close int own = -1, host = -1;
	struct stat st;
	int r;

	if (ctx->dev_fd >= 0 && (own = openat(ctx->dev_fd, key, O_PATH | O_NOFOLLOW | O_CLOEXEC)) >= 0 &&
	    fstat(own, &st) == 0 && is_node(&st, d)) {
		struct error first = { 0 };

		if ((r = bind_node(own, parent, name, d, &first)) == 0)
			return 0;
		/* a kernel that cannot clone from a detached mount (before 6.x): the host's node below */
		if (r != -EINVAL) {
			*err = first;
			return error_prefix(err, "bind the private node");
		}
	}
	host = open(d->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (host < 0 || fstat(host, &st) < 0)
		return error_sys(err, "berth could not make the node and the host has no %s to bind", d->path);
	if (!is_node(&st, d))
		return error_set(err, EINVAL, "the host's %s is not device %c %lld:%lld", d->path, d->type,
				 (long long)d->major, (long long)d->minor);
	if (d->has_uid || d->has_gid || d->has_file_mode)
		log_debug("%s: the host's node is bound as it is (owner and mode not applied)", d->path);
	if ((r = bind_node(host, parent, name, d, err)) < 0)
		return error_prefix(err, "bind the host's %s", d->path);
	return 0;
}

static int make_node(const struct rootfs_ctx *ctx, const struct spec_device *d, const char *key, struct error *err)
{
	cleanup_free char *parent_path = xstrdup(d->path);
	cleanup_close int parent = -1;
	const char *name = strrchr(d->path, '/') + 1;
	mode_t mode = d->has_file_mode ? d->file_mode & 07777 : 0666;
	struct stat st;

	*strrchr(parent_path, '/') = '\0';
	if ((parent = rootfs_mkdir_in_root(ctx->rootfd, *parent_path ? parent_path : "/", 0755, err)) < 0)
		return parent;
	/* whatever the image put there (a symlink, a file) is replaced: this path must be the device */
	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode))
			return error_set(err, EISDIR, "%s", d->path);
		if (unlinkat(parent, name, 0) < 0)
			return error_sys(err, "remove the image's %s", d->path);
	}
	if (ctx->in_userns && d->type != 'p')
		return bind_userns_node(ctx, d, key, parent, name, err);
	{
		mode_t old = umask(0);
		int r = mknodat(parent, name, node_type(d->type) | mode, makedev(d->major, d->minor));

		umask(old);
		if (r < 0)
			return error_sys(err, "mknod %s", d->path);
	}
	if ((d->has_uid || d->has_gid) &&
	    fchownat(parent, name, d->has_uid ? d->uid : (uid_t)-1, d->has_gid ? d->gid : (gid_t)-1,
		     AT_SYMLINK_NOFOLLOW) < 0)
		return error_sys(err, "chown %s", d->path);
	return 0;
}

static bool listed(const struct spec *spec, const char *path)
{
	for (size_t i = 0; i < spec->linux_.n_devices; i++)
		if (!strcmp(spec->linux_.devices[i].path, path))
			return true;
	return false;
}

static int make_links(const struct rootfs_ctx *ctx, struct error *err)
{
	cleanup_close int dev = rootfs_mkdir_in_root(ctx->rootfd, "/dev", 0755, err);

	if (dev < 0)
		return dev;
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++) {
		const char *name = dev_links[i].name, *target = dev_links[i].target;

		if (symlinkat(target, dev, name) == 0)
			continue;
		if (errno != EEXIST)
			return error_sys(err, "symlink /dev/%s", name);
		/* ptmx must reach the container's devpts whatever the image shipped */
		if (!strcmp(name, "ptmx") && (unlinkat(dev, name, 0) < 0 || symlinkat(target, dev, name) < 0))
			return error_sys(err, "replace /dev/%s", name);
	}
	return 0;
}

int rootfs_dev_setup(struct rootfs_ctx *ctx, struct error *err)
{
	const struct spec *spec = ctx->spec;
	int r;

	/* without a mount namespace of its own the image's /dev is the container's, untouched */
	if (dev_is_bound(spec) || ctx->host_mounts)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
		char key[32];

		if (listed(spec, default_devices[i].path))
			continue;
		node_key(key, true, i);
		if ((r = make_node(ctx, &default_devices[i], key, err)) < 0)
			return error_prefix(err, "%s", default_devices[i].path);
	}
	for (size_t i = 0; i < spec->linux_.n_devices; i++) {
		char key[32];

		node_key(key, false, i);
		if ((r = make_node(ctx, &spec->linux_.devices[i], key, err)) < 0)
			return error_prefix(err, "linux.devices[%zu]", i);
	}
	return make_links(ctx, err);
}

/* A detached clone of the host's /dev/null: it outlives the old root's unmount, so masks can use it. */
int rootfs_dev_open_null(struct rootfs_ctx *ctx, struct error *err)
{
	cleanup_close int fd = open("/dev/null", O_PATH | O_CLOEXEC), tree = -1;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return error_sys(err, "open the host's /dev/null");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return error_set(err, EINVAL, "the host's /dev/null is not the 1:3 character device");
	tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0 || fstat(tree, &st) < 0)
		return error_sys(err, "clone the host's /dev/null");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return error_set(err, EINVAL, "the clone of /dev/null is not the 1:3 character device");
	ctx->devnull_fd = steal_fd(&tree);
	return 0;
}
