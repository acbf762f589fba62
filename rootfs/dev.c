/* /dev inside the root: the default and linux.devices nodes, the standard symlinks, a verified null. */
#include "rootfs/dev.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootfs/mounts.h"
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

/* In a user namespace mknod is refused: the host's node of the same path is bound onto an empty file. */
static int bind_host_node(const struct spec_device *d, int parent, const char *name, struct error *err)
{
	cleanup_close int host = open(d->path, O_PATH | O_NOFOLLOW | O_CLOEXEC), file = -1, target = -1;
	struct stat st;
	int r;

	if (host < 0 || fstat(host, &st) < 0)
		return error_sys(err, "open the host's %s to bind it", d->path);
	if ((st.st_mode & S_IFMT) != node_type(d->type) || st.st_rdev != makedev(d->major, d->minor))
		return error_set(err, EINVAL, "the host's %s is not device %c %lld:%lld", d->path, d->type,
				 (long long)d->major, (long long)d->minor);
	file = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
	if (file < 0)
		return error_sys(err, "create %s", d->path);
	if ((target = openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return error_sys(err, "open %s", d->path);
	if ((r = rootfs_bind_fd(host, target, false, 0, err)) < 0)
		return error_prefix(err, "bind the host's %s", d->path);
	close(r);
	return 0;
}

static int make_node(const struct rootfs_ctx *ctx, const struct spec_device *d, struct error *err)
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
	if (ctx->in_userns && d->type != 'p') {
		if (bind_host_node(d, parent, name, err) < 0)
			return -err->errnum;
	} else {
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

	if (dev_is_bound(spec))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
		if (listed(spec, default_devices[i].path))
			continue;
		if ((r = make_node(ctx, &default_devices[i], err)) < 0)
			return r;
	}
	for (size_t i = 0; i < spec->linux_.n_devices; i++)
		if ((r = make_node(ctx, &spec->linux_.devices[i], err)) < 0)
			return error_prefix(err, "linux.devices[%zu]", i);
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
