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

/* Without the right to mount a procfs (a user namespace in the host's pid namespace), fall back to
 * the host's /proc, which the container cannot have touched before pivot_root. */
static int procfs_open_host(struct error *err)
{
	struct statfs sfs;
	int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return error_sys(err, "open /proc");
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
		close(fd);
		return error_set(err, EXDEV, "/proc is not procfs");
	}
	return fd;
}

int procfs_open(struct error *err)
{
	cleanup_close int fsfd = -1;
	int mfd;
	struct statfs sfs;

	fsfd = fsopen("proc", FSOPEN_CLOEXEC);
	if (fsfd < 0 && (errno == EPERM || errno == EACCES))
		return procfs_open_host(err);
	if (fsfd < 0)
		return error_sys(err, "fsopen proc");
	/* subset=pid would hide /proc/sys; we need both */
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return errno == EPERM ? procfs_open_host(err) : error_sys(err, "create procfs");
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
		/* openat2 refuses O_PATH combined with anything but O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC */
		.flags = flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV,
	};
	int fd;

	do
		fd = syscall(SYS_openat2, procfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	/* no openat2 (before 5.6, or a seccomp profile that predates it): our paths hold no symlink
	 * but the last component, and our private procfs holds no mount */
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = openat(procfd, path, how.flags | O_NOFOLLOW);
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

int procfs_open_fd_dir(int procfd, struct error *err)
{
	char path[64];

	/* fd/<n> is a magic link, which openat2 would refuse: open the fd directory safely, then the link */
	snprintf(path, sizeof(path), "%d/fd", getpid());
	return procfs_openat(procfd, path, O_PATH | O_DIRECTORY, err);
}

int procfs_reopen_in(int fd_dir, int fd, int flags, struct error *err)
{
	char name[16];
	int r;

	snprintf(name, sizeof(name), "%d", fd);
	r = openat(fd_dir, name, flags | O_CLOEXEC);
	if (r < 0)
		return error_sys(err, "reopen fd %d", fd);
	return r;
}

int procfs_reopen_fd(int procfd, int fd, int flags, struct error *err)
{
	cleanup_close int dirfd = procfs_open_fd_dir(procfd, err);

	if (dirfd < 0)
		return dirfd;
	return procfs_reopen_in(dirfd, fd, flags, err);
}
