#include "runtime/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "runtime/util.h"

int procfs_open(struct error *err)
{
	cleanup_close int fsfd = -1;
	int mfd;
	struct statfs sfs;

	fsfd = fsopen("proc", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return error_sys(err, "fsopen proc");
	/* subset=pid would hide /proc/sys; we need both */
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return error_sys(err, "create procfs");
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mfd < 0)
		return error_sys(err, "fsmount procfs");
	if (fstatfs(mfd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
		close(mfd);
		return error_set(err, EXDEV, "procfs handle is not procfs");
	}
	return mfd;
}

int procfs_openat(int procfd, const char *path, int flags, struct error *err)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC | O_NOCTTY,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV,
	};
	int fd;

	do
		fd = syscall(SYS_openat2, procfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	if (fd < 0)
		return error_sys(err, "open /proc/%s", path);
	return fd;
}

int procfs_write(int procfd, const char *path, const char *value, struct error *err)
{
	cleanup_close int fd = procfs_openat(procfd, path, O_WRONLY, err);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = write_all(fd, value, strlen(value));
	if (n < 0)
		return error_set(err, -n, "write %s to /proc/%s", value, path);
	return 0;
}

int procfs_reopen_fd(int procfd, int fd, int flags, struct error *err)
{
	char path[64];
	int r;

	/* fd/<n> is a magic link, which openat2 would refuse: open the fd directory safely, then the link */
	snprintf(path, sizeof(path), "%d/fd", getpid());
	cleanup_close int dirfd = procfs_openat(procfd, path, O_PATH | O_DIRECTORY, err);
	if (dirfd < 0)
		return dirfd;
	snprintf(path, sizeof(path), "%d", fd);
	r = openat(dirfd, path, flags | O_CLOEXEC);
	if (r < 0)
		return error_sys(err, "reopen fd %d", fd);
	return r;
}
