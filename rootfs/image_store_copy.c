/* Copy an image's layer directories into one rootfs, applying their overlay whiteouts: the fallback
 * where overlayfs is missing, and `image unpack` of a loaded image. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/syscall.h>

#include "rootfs/image.h"
#include "rootfs/image_store.h"
#include "runtime/util.h"

#define OVL_XATTR "trusted.overlay."

/* Files with several links in the layer being copied: the first copy's path, for the others. */
struct link_map {
	struct link_ent { dev_t dev; ino_t ino; char *path; } *v;
	size_t n, cap;
};

struct copy_ctx {
	int rootfd;		/* the destination root */
	struct link_map links;
	struct error *err;
};

static void link_map_clear(struct link_map *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static const char *link_find(const struct link_map *m, const struct stat *st)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].dev == st->st_dev && m->v[i].ino == st->st_ino)
			return m->v[i].path;
	return NULL;
}

static void link_add(struct link_map *m, const struct stat *st, const char *path)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->v = xrealloc(m->v, m->cap * sizeof(*m->v));
	}
	m->v[m->n++] = (struct link_ent){ st->st_dev, st->st_ino, xstrdup(path) };
}

/* xattrs through /proc/self/fd of an O_PATH or open fd (there are no *at xattr calls in glibc). */
static int copy_xattrs(int src, int dst, const char *what, struct error *err)
{
	char sp[64], dp[64], names[8192];
	ssize_t len;

	snprintf(sp, sizeof(sp), "/proc/self/fd/%d", src);
	snprintf(dp, sizeof(dp), "/proc/self/fd/%d", dst);
	len = listxattr(sp, names, sizeof(names));
	if (len < 0)
		return errno == ENOTSUP ? 0 : error_sys(err, "list xattrs of %s", what);
	for (char *n = names; n < names + len; n += strlen(n) + 1) {
		char val[65536];
		ssize_t vlen;

		if (strncmp(n, OVL_XATTR, strlen(OVL_XATTR)) == 0)
			continue;
		vlen = getxattr(sp, n, val, sizeof(val));
		if (vlen < 0)
			return error_sys(err, "read xattr %s of %s", n, what);
		if (setxattr(dp, n, val, (size_t)vlen, 0) < 0)
			return error_sys(err, "set xattr %s on %s", n, what);
	}
	return 0;
}

/* Owner, then mode (chown clears setuid), then xattrs (chown clears security.capability), then times. */
static int copy_meta(int src, int dst, const struct stat *st, const char *what, struct error *err)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (fchownat(dst, "", st->st_uid, st->st_gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return error_sys(err, "chown %s", what);
	if (!S_ISLNK(st->st_mode)) {
		char dp[64];

		snprintf(dp, sizeof(dp), "/proc/self/fd/%d", dst);
		if (chmod(dp, st->st_mode & 07777) < 0)
			return error_sys(err, "chmod %s", what);
		int r = copy_xattrs(src, dst, what, err);
		if (r < 0)
			return r;
	}
	if (utimensat(dst, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return error_sys(err, "set times of %s", what);
	return 0;
}

static int copy_data(int in, int out, const char *what, struct error *err)
{
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);

		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return error_sys(err, "copy %s", what);
		break;
	}
	char buf[65536];
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_sys(err, "read %s", what);
		if (n == 0)
			return 0;
		if (write_all(out, buf, (size_t)n) < 0)
			return error_sys(err, "write %s", what);
	}
}

static bool is_opaque(int dirfd)
{
	char v[2];
	char p[64];

	snprintf(p, sizeof(p), "/proc/self/fd/%d", dirfd);
	return getxattr(p, OVL_XATTR "opaque", v, sizeof(v)) == 1 && v[0] == 'y';
}

static int clear_dir(int dirfd, const char *what, struct error *err)
{
	int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return error_sys(err, "open %s", what);
	cleanup_dir DIR *d = fdopendir(dfd);
	struct dirent *de;
	int r = 0;

	if (!d) {
		close(dfd);
		return error_sys(err, "open %s", what);
	}
	while (r == 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = layer_remove_tree(dirfd, de->d_name, err);
	return r;
}

static int copy_dir(struct copy_ctx *c, int src, int dst, const char *rel);

/* A file with other links already copied in this layer: link to that copy, its parent reached
 * without following any symlink. */
static int hardlink(struct copy_ctx *c, const char *first, int dst, const char *name, const char *rel)
{
	cleanup_free char *parent = xstrdup(first);
	char *slash = strrchr(parent, '/');
	const char *base = slash ? slash + 1 : first;
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_XDEV };
	cleanup_close int pfd = -1;

	if (slash)
		*slash = '\0';
	pfd = syscall(SYS_openat2, c->rootfd, slash ? parent : ".", &how, sizeof(how));
	if (pfd < 0)
		return error_sys(c->err, "hardlink %s: open the parent of %s", rel, first);
	if (linkat(pfd, base, dst, name, 0) < 0)
		return error_sys(c->err, "hardlink %s to %s", rel, first);
	return 0;
}

static int copy_entry(struct copy_ctx *c, int src, int dst, const char *name, const char *rel)
{
	struct stat st, old;
	bool have_old;
	cleanup_close int in = -1, out = -1;
	int r;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return error_sys(c->err, "stat layer entry %s", rel);
	have_old = fstatat(dst, name, &old, AT_SYMLINK_NOFOLLOW) == 0;
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0))
		return have_old ? layer_remove_tree(dst, name, c->err) : 0;
	if (have_old && !(S_ISDIR(st.st_mode) && S_ISDIR(old.st_mode))) {
		if ((r = layer_remove_tree(dst, name, c->err)) < 0)
			return r;
		have_old = false;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!have_old && mkdirat(dst, name, 0700) < 0)
			return error_sys(c->err, "mkdir %s", rel);
		in = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		out = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (in < 0 || out < 0)
			return error_sys(c->err, "open directory %s", rel);
		if (have_old && is_opaque(in) && (r = clear_dir(out, rel, c->err)) < 0)
			return r;
		if ((r = copy_dir(c, in, out, rel)) < 0)
			return r;
		return copy_meta(in, out, &st, rel, c->err);
	}
	if (st.st_nlink > 1) {
		const char *first = link_find(&c->links, &st);

		if (first)
			return hardlink(c, first, dst, name, rel);
		link_add(&c->links, &st, rel);
	}
	if (S_ISREG(st.st_mode)) {
		in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (in < 0 || out < 0)
			return error_sys(c->err, "open %s", rel);
		if ((r = copy_data(in, out, rel, c->err)) < 0)
			return r;
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX + 1];
		ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);

		if (n < 0)
			return error_sys(c->err, "readlink %s", rel);
		target[n] = '\0';
		if (symlinkat(target, dst, name) < 0)
			return error_sys(c->err, "symlink %s", rel);
	} else if (mknodat(dst, name, st.st_mode & S_IFMT, st.st_rdev) < 0) {
		return error_sys(c->err, "mknod %s", rel);
	}
	if (in < 0)
		in = openat(src, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (out < 0)
		out = openat(dst, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0 || out < 0)
		return error_sys(c->err, "open %s", rel);
	return copy_meta(in, out, &st, rel, c->err);
}

static int copy_dir(struct copy_ctx *c, int src, int dst, const char *rel)
{
	int dfd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int r = 0;

	if (dfd < 0 || !(d = fdopendir(dfd))) {
		close_quietly(dfd);
		return error_sys(c->err, "open layer directory %s", *rel ? rel : "/");
	}
	while (r == 0 && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		cleanup_free char *path = *rel ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
		r = copy_entry(c, src, dst, de->d_name, path);
	}
	return r;
}

int image_store_copy_layers(struct image_store *s, char *const *layers, int dstfd, struct error *err)
{
	struct copy_ctx c = { .rootfd = dstfd, .err = err };
	int r = 0;

	for (size_t i = 0; layers && layers[i]; i++) {
		cleanup_free char *path = xasprintf("layers/%s", layers[i] + strlen("sha256:"));
		cleanup_close int src = openat(s->dirfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					       O_CLOEXEC);
		struct stat st;

		if (src < 0 || fstat(src, &st) < 0) {
			r = error_sys(err, "open layer %s", layers[i]);
			break;
		}
		r = copy_dir(&c, src, dstfd, "");
		if (r == 0)
			r = copy_meta(src, dstfd, &st, "/", err);
		link_map_clear(&c.links);
		if (r < 0) {
			error_prefix(err, "layer %s", layers[i]);
			break;
		}
	}
	link_map_clear(&c.links);
	return r;
}
