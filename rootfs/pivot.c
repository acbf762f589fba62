/* Entering the root: pivot_root (or MS_MOVE + chroot), and the console bound onto /dev/console. */
#include "rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs/mounts.h"
#include "runtime/mount_table.h"
#include "runtime/util.h"

char *rootfs_mount_point(unsigned long long id, bool of_parent)
{
	cleanup_free char *info = NULL;
	unsigned long long mid, want = id;
	char *line, *save = NULL;

	if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", &info, NULL, 4 << 20) < 0)
		return NULL;
	for (int pass = of_parent ? 0 : 1; pass < 2; pass++) {
		cleanup_free char *copy = xstrdup(info);

		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			unsigned long long pid;
			char mnt[PATH_MAX];

			if (sscanf(line, "%llu %llu %*s %*s %4095s", &mid, &pid, mnt) != 3 || mid != want)
				continue;
			if (pass == 0) {
				want = pid;
				break;
			}
			mount_unescape(mnt);
			return xstrdup(mnt);
		}
	}
	return NULL;
}

/* pivot_root refuses a shared new root or parent: make both private (rootfs_finish restores "/"). */
static int unshare_for_pivot(int rootfd, struct error *err)
{
	struct statx stx;
	cleanup_free char *parent = NULL;

	if (mount(NULL, ".", NULL, MS_PRIVATE, NULL) < 0)
		return error_sys(err, "make the root mount private");
	if (statx(rootfd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
		return error_sys(err, "statx the root mount");
	if (!(parent = rootfs_mount_point(stx.stx_mnt_id, true)))
		return error_set(err, ENOENT, "find the parent mount of the root");
	if (mount(NULL, parent, NULL, MS_PRIVATE, NULL) < 0)
		return error_sys(err, "make the parent mount %s private", parent);
	return 0;
}

int rootfs_pivot(struct rootfs_ctx *ctx, struct error *err)
{
	if (fchdir(ctx->rootfd) < 0)
		return error_sys(err, "chdir %s", ctx->rootfs);
	if (ctx->host_mounts) {
		/* pivot_root would move the root of every process of the host: only this one is confined */
		if (chroot(".") < 0)
			return error_sys(err, "chroot %s", ctx->rootfs);
	} else if (ctx->no_pivot) {
		if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
			return error_sys(err, "move %s onto /", ctx->rootfs);
		if (chroot(".") < 0)
			return error_sys(err, "chroot %s", ctx->rootfs);
	} else {
		/* held across pivot_root: "." afterwards may name the new root, this fd names the old */
		cleanup_close int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		struct mount_attr slave = { .propagation = MS_SLAVE };

		if (oldroot < 0)
			return error_sys(err, "open the old /");
		if (syscall(SYS_pivot_root, ".", ".") < 0) {
			int r;

			if (errno != EINVAL)
				return error_sys(err, "pivot_root %s", ctx->rootfs);
			if ((r = unshare_for_pivot(ctx->rootfd, err)) < 0)
				return r;
			if (syscall(SYS_pivot_root, ".", ".") < 0)
				return error_sys(err, "pivot_root %s", ctx->rootfs);
		}
		/* the old root is now stacked on "."; detach it without the unmount reaching the host */
		if (mount_setattr(oldroot, "", AT_EMPTY_PATH | AT_RECURSIVE, &slave, sizeof(slave)) < 0)
			return error_sys(err, "make the old root a slave");
		if (umount2(".", MNT_DETACH) < 0)
			return error_sys(err, "detach the old root");
	}
	if (chdir("/") < 0)
		return error_sys(err, "chdir /");
	close_quietly(ctx->rootfd);
	ctx->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx->rootfd < 0)
		return error_sys(err, "open the new /");
	return 0;
}

static const char *kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symlink";
	case S_IFBLK:
		return "a block device";
	case S_IFIFO:
		return "a fifo";
	case S_IFSOCK:
		return "a socket";
	default:
		return "not a file";
	}
}

int rootfs_mount_console(int pty_slave_fd, struct error *err)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), dev = -1, target = -1, mnt = -1;
	cleanup_close int check = -1;
	struct stat st, pty;

	if (root < 0)
		return error_sys(err, "open /");
	if (fstat(pty_slave_fd, &pty) < 0 || !S_ISCHR(pty.st_mode))
		return error_set(err, EINVAL, "/dev/console: the pty slave is not a character device");
	if ((dev = rootfs_open_in_root(root, "/dev", O_PATH | O_DIRECTORY, 0, err)) < 0)
		return error_prefix(err, "/dev/console");
	/* a symlink is never followed: it goes, and a file of ours takes its place */
	if (fstatat(dev, "console", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
	    unlinkat(dev, "console", 0) < 0)
		return error_sys(err, "remove the /dev/console symlink");
	if (fstatat(dev, "console", &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int fd;

		if (errno != ENOENT)
			return error_sys(err, "stat /dev/console");
		fd = openat(dev, "console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
			    0600);
		if (fd < 0)
			return error_sys(err, "create /dev/console");
		close(fd);
	} else if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		return error_set(err, EINVAL, "/dev/console is %s: refusing to mount the console over it",
				 kind(st.st_mode));
	}
	if ((target = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0 || fstat(target, &st) < 0)
		return error_sys(err, "open /dev/console");
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		return error_set(err, EINVAL, "/dev/console changed into %s while being set up",
				 kind(st.st_mode));
	if ((mnt = rootfs_bind_fd(pty_slave_fd, target, false, 0, err)) < 0)
		return error_prefix(err, "bind the pty onto /dev/console");
	/* what a path lookup now finds must be exactly our pty */
	if ((check = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0 || fstat(check, &st) < 0)
		return error_sys(err, "reopen /dev/console");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != pty.st_rdev || st.st_ino != pty.st_ino)
		return error_set(err, EINVAL, "/dev/console is not the container's pty after the bind");
	return 0;
}
