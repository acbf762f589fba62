/* Path resolution inside the container root: every lookup is confined by the kernel (openat2). */
#include "rootfs/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/util.h"

/* openat2 returns EAGAIN when a concurrent rename or mount raced the lookup */
#define OPENAT2_RETRIES 32
/* symlinks followed by mkdir_in_root before giving up with ELOOP, as the kernel's MAXSYMLINKS */
#define MKDIR_MAX_LINKS 40

static int openat2_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	/* "" is ENOENT for openat2, but "/" and "" both mean the root itself here */
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	for (int i = 0; i < OPENAT2_RETRIES; i++) {
		long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	return -EAGAIN;
}

int rootfs_open_in_root(int rootfd, const char *path, int flags, mode_t mode, struct error *err)
{
	int fd = openat2_in_root(rootfd, path, flags, mode);

	if (fd >= 0)
		return fd;
	if (fd == -ELOOP)
		return error_set(err, ELOOP, "%s: symlink loop or too many symlinks", path);
	if (fd == -EXDEV)
		return error_set(err, EXDEV, "%s: resolves through a /proc magic link", path);
	return error_set(err, -fd, "%s", path);
}

/* Split "a/b/c" at the next component: returns its length and advances *p past it. */
static size_t next_component(const char **p)
{
	const char *s = *p;
	size_t n;

	while (*s == '/')
		s++;
	n = strcspn(s, "/");
	*p = s;
	return n;
}

/*
 * The path walked so far is `done` (resolved in root, open as dirfd); `rest` is what is left.
 * A component that is missing is created with mkdirat on the in-root parent fd; one that is a
 * dangling symlink is replaced by its target spliced into the rest of the path, so the kernel
 * still resolves it in root on the next open.
 */
int rootfs_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct error *err)
{
	cleanup_free char *done = xstrdup("");
	cleanup_free char *rest = xstrdup(path);
	cleanup_close int dirfd = openat2_in_root(rootfd, "/", O_PATH | O_DIRECTORY, 0);
	int links = 0;

	if (dirfd < 0)
		return error_set(err, -dirfd, "open the container root");
	for (;;) {
		const char *p = rest;
		size_t n = next_component(&p);
		cleanup_free char *name = NULL, *next = NULL;
		int fd;

		if (n == 0)
			return steal_fd(&dirfd);
		name = xstrndup(p, n);
		next = xasprintf("%s/%s", done, name);
		fd = openat2_in_root(rootfd, next, O_PATH | O_DIRECTORY, 0);
		if (fd == -ENOENT) {
			if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
				return error_sys(err, "mkdir %s", next);
			fd = openat2_in_root(rootfd, next, O_PATH | O_DIRECTORY, 0);
		}
		if (fd == -ENOENT) {
			/* it exists but does not resolve: a dangling symlink, follow it by hand */
			char target[PATH_MAX];
			ssize_t len = readlinkat(dirfd, name, target, sizeof(target) - 1);
			char *spliced;

			if (len < 0)
				return error_sys(err, "mkdir %s", next);
			if (++links > MKDIR_MAX_LINKS)
				return error_set(err, ELOOP, "%s: symlink loop or too many symlinks", path);
			target[len] = '\0';
			if (target[0] == '/')
				spliced = xasprintf("%s%s", target, p + n);
			else
				spliced = xasprintf("%s/%s%s", done, target, p + n);
			free(rest);
			rest = spliced;
			free(done);
			done = xstrdup("");
			close_quietly(dirfd);
			dirfd = openat2_in_root(rootfd, "/", O_PATH | O_DIRECTORY, 0);
			if (dirfd < 0)
				return error_set(err, -dirfd, "open the container root");
			continue;
		}
		if (fd == -ELOOP)
			return error_set(err, ELOOP, "%s: symlink loop or too many symlinks", path);
		if (fd < 0)
			return error_set(err, -fd, "%s", next);
		close_quietly(dirfd);
		dirfd = fd;
		free(done);
		done = steal_pointer(&next);
		memmove(rest, p + n, strlen(p + n) + 1);
	}
}

/* Split "dir/name" into a malloc'ed dir ("/" for a top-level name) and a pointer to name. */
static char *split_parent(const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		*name = path;
		return xstrdup("/");
	}
	*name = slash + 1;
	return slash == path ? xstrdup("/") : xstrndup(path, slash - path);
}

int rootfs_create_file_in_root(int rootfd, const char *path, mode_t mode, struct error *err)
{
	cleanup_free char *cur = xstrdup(path);

	for (int links = 0;; links++) {
		cleanup_free char *parent = NULL, *next = NULL;
		cleanup_close int pfd = -1;
		char target[PATH_MAX];
		const char *name;
		ssize_t len;
		int fd;

		if (links > MKDIR_MAX_LINKS)
			return error_set(err, ELOOP, "%s: symlink loop or too many symlinks", path);
		/* a trailing slash is no file name: "a/b/" names b */
		for (size_t n = strlen(cur); n > 1 && cur[n - 1] == '/'; n--)
			cur[n - 1] = '\0';
		parent = split_parent(cur, &name);
		if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
			return error_set(err, EISDIR, "%s: %s is not a file name", path, cur);
		if ((pfd = rootfs_mkdir_in_root(rootfd, parent, 0755, err)) < 0)
			return pfd;
		fd = openat2_in_root(rootfd, cur, O_PATH, 0);
		if (fd != -ENOENT)
			return fd >= 0 ? fd : rootfs_open_in_root(rootfd, cur, O_PATH, 0, err);
		len = readlinkat(pfd, name, target, sizeof(target) - 1);
		if (len < 0) {
			/* nothing there: ours to create, never through a link planted meanwhile */
			fd = openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, mode);
			if (fd < 0 && errno != EEXIST)
				return error_sys(err, "create %s", cur);
			close_quietly(fd);
			continue;
		}
		/* a dangling symlink: what it points to, resolved in root on the next round */
		target[len] = '\0';
		next = target[0] == '/' ? xstrdup(target) : xasprintf("%s/%s", parent, target);
		free(cur);
		cur = steal_pointer(&next);
	}
}
