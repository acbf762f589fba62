/* The merged view of a layer being unpacked for overlayfs over the layers below it: lookups, symlink
 * resolution inside the root, missing parents made like the lower ones, and copy-up of hardlink targets.
 * Layer directories are walked one component at a time with O_NOFOLLOW: a symlink in a layer is read,
 * never followed by the kernel. */
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

#include "rootfs/layer_view.h"
#include "runtime/util.h"

#define VIEW_MAX_LINKS 40
#define OVL_XATTR "trusted.overlay."

static int layer_fd(const struct layer_target *t, size_t i)
{
	return i == 0 ? t->root : t->lowers[i - 1];
}

static bool is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool is_opaque(int fd)
{
	char p[64], v[2];

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return getxattr(p, OVL_XATTR "opaque", v, sizeof(v)) == 1 && v[0] == 'y';
}

void layer_view_hit_free(struct view_hit *h)
{
	if (h->pfd >= 0)
		close(h->pfd);
	free(h->name);
	h->pfd = -1;
	h->name = NULL;
}

/* Split "a/b/c" into its parent "a/b" and "c"; "" has neither. */
static void split(const char *path, char **parent, char **name)
{
	const char *slash = strrchr(path, '/');

	*parent = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup("");
	*name = xstrdup(slash ? slash + 1 : path);
}

int layer_view_lookup(const struct layer_target *t, const char *path, struct view_hit *h, struct error *err)
{
	cleanup_free char *parent = NULL, *name = NULL;

	memset(h, 0, sizeof(*h));
	h->pfd = -1;
	if (!*path) {
		h->kind = VIEW_DIR;
		h->name = xstrdup("");
		return fstat(t->root, &h->st) < 0 ? error_sys(err, "layer root") : 0;
	}
	split(path, &parent, &name);
	for (size_t i = 0; i <= t->n_lowers; i++) {
		int cur = openat(layer_fd(t, i), ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		bool present = true, cut = false;
		cleanup_free char *walk = xstrdup(parent);
		char *save = NULL;

		if (cur < 0)
			return error_sys(err, "open layer %zu", i);
		for (char *c = strtok_r(walk, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
			struct stat st;
			/* an opaque directory hides what the layers below have under it */
			cut = cut || is_opaque(cur);
			int nfd = openat(cur, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			if (nfd < 0 && errno != ENOENT) {
				close(cur);
				return error_sys(err, "%s: layer %zu: %s", path, i, c);
			}
			if (nfd >= 0 && fstat(nfd, &st) == 0 && !S_ISDIR(st.st_mode)) {
				cut = true; /* a file, symlink or whiteout hides the lower directories */
				close(nfd);
				nfd = -1;
			}
			close(cur);
			cur = nfd;
			if (cur < 0) {
				present = false;
				break;
			}
		}
		if (present) {
			cut = cut || is_opaque(cur);
			if (fstatat(cur, name, &h->st, AT_SYMLINK_NOFOLLOW) == 0) {
				if (is_whiteout(&h->st)) {
					close(cur);
					return 0;
				}
				h->kind = S_ISDIR(h->st.st_mode) ? VIEW_DIR
					  : S_ISLNK(h->st.st_mode) ? VIEW_LINK
								   : VIEW_OTHER;
				h->layer = i;
				h->pfd = cur;
				h->name = steal_pointer(&name);
				return 0;
			}
			close(cur);
			if (errno != ENOENT && errno != ENOTDIR)
				return error_sys(err, "%s: layer %zu", path, i);
		}
		if (cut)
			break;
	}
	return 0;
}

/* Append component c to the resolved path *r. */
static void push(char **r, const char *c, size_t len)
{
	char *n = **r ? xasprintf("%s/%.*s", *r, (int)len, c) : xstrndup(c, len);

	free(*r);
	*r = n;
}

static void pop(char **r)
{
	char *slash = strrchr(*r, '/');

	if (slash)
		*slash = '\0';
	else
		**r = '\0';
}

int layer_view_resolve(const struct layer_target *t, const char *path, bool follow_last, char **out,
		       struct error *err)
{
	cleanup_free char *r = xstrdup(""), *rest = xstrdup(path);
	int links = 0;

	*out = NULL;
	for (;;) {
		const char *p = rest;
		while (*p == '/')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, "/");
		const char *next = p + len;
		bool last = !next[strspn(next, "/")];

		if (len == 1 && p[0] == '.') {
			memmove(rest, next, strlen(next) + 1);
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			pop(&r);
			memmove(rest, next, strlen(next) + 1);
			continue;
		}
		cleanup_free char *cand = xstrdup(r);
		push(&cand, p, len);
		if (last && !follow_last) {
			free(r);
			r = steal_pointer(&cand);
			break;
		}
		struct view_hit h;
		int e = layer_view_lookup(t, cand, &h, err);
		if (e < 0)
			return e;
		if (h.kind == VIEW_LINK) {
			char target[PATH_MAX];
			ssize_t n = readlinkat(h.pfd, h.name, target, sizeof(target) - 1);
			layer_view_hit_free(&h);
			if (n < 0)
				return error_sys(err, "%s: readlink %s", path, cand);
			target[n] = '\0';
			if (++links > VIEW_MAX_LINKS)
				return error_set(err, ELOOP, "%s: too many symlinks", path);
			/* absolute targets are taken from the root of the image, as a flat apply confines them */
			if (target[0] == '/')
				r[0] = '\0';
			char *nrest = xasprintf("%s/%s", target, next);
			free(rest);
			rest = nrest;
			continue;
		}
		layer_view_hit_free(&h);
		if (h.kind == VIEW_OTHER && !last)
			return error_set(err, ENOTDIR, "%s: %s is not a directory", path, cand);
		free(r);
		r = steal_pointer(&cand);
		memmove(rest, next, strlen(next) + 1);
	}
	*out = steal_pointer(&r);
	return 0;
}

/* Owner, mode and xattrs (not overlayfs' own) of src onto dst, two O_PATH fds; chown before chmod keeps setuid. */
static int copy_attrs(int src, int dst, const struct stat *st, const char *what, struct error *err)
{
	char sp[64], dp[64], names[8192];
	ssize_t len;

	snprintf(sp, sizeof(sp), "/proc/self/fd/%d", src);
	snprintf(dp, sizeof(dp), "/proc/self/fd/%d", dst);
	if (fchownat(dst, "", st->st_uid, st->st_gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 ||
	    chmod(dp, st->st_mode & 07777) < 0)
		return error_sys(err, "%s: copy the lower directory's owner and mode", what);
	len = listxattr(sp, names, sizeof(names));
	for (char *n = names; len > 0 && n < names + len; n += strlen(n) + 1) {
		char val[65536];
		ssize_t vlen;

		if (strncmp(n, OVL_XATTR, strlen(OVL_XATTR)) == 0)
			continue;
		vlen = getxattr(sp, n, val, sizeof(val));
		if (vlen >= 0 && setxattr(dp, n, val, (size_t)vlen, 0) < 0)
			return error_sys(err, "%s: copy xattr %s", what, n);
	}
	return 0;
}

int layer_view_mkdirs(const struct layer_target *t, const char *dir, struct error *err)
{
	cleanup_free char *walk = xstrdup(dir), *sofar = xstrdup("");
	cleanup_close int cur = openat(t->root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *save = NULL;

	if (cur < 0)
		return error_sys(err, "layer root");
	for (char *c = strtok_r(walk, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		struct stat st;
		bool opaque = false;

		push(&sofar, c, strlen(c));
		int nfd = openat(cur, c, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		if (nfd >= 0) {
			close(cur);
			cur = nfd;
			continue;
		}
		if (errno == ENOTDIR && fstatat(cur, c, &st, AT_SYMLINK_NOFOLLOW) == 0 && is_whiteout(&st)) {
			/* this layer deleted it: the directory made again starts empty */
			if (unlinkat(cur, c, 0) < 0)
				return error_sys(err, "%s: remove the whiteout", sofar);
			opaque = true;
		} else if (errno != ENOENT) {
			return error_sys(err, "%s", sofar);
		}
		struct view_hit h = { .kind = VIEW_MISSING, .pfd = -1 };
		int r = opaque ? 0 : layer_view_lookup(t, sofar, &h, err);
		if (r < 0)
			return r;
		if (mkdirat(cur, c, 0755) < 0) {
			layer_view_hit_free(&h);
			return error_sys(err, "%s: mkdir", sofar);
		}
		nfd = openat(cur, c, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		if (nfd < 0) {
			layer_view_hit_free(&h);
			return error_sys(err, "%s", sofar);
		}
		close(cur);
		cur = nfd;
		if (opaque) {
			cleanup_free char *proc = xasprintf("/proc/self/fd/%d", cur);
			if (setxattr(proc, OVL_XATTR "opaque", "y", 1, 0) < 0)
				return error_sys(err, "%s: setting " OVL_XATTR "opaque", sofar);
		}
		if (h.kind == VIEW_DIR && h.pfd >= 0) {
			cleanup_close int src = openat(h.pfd, h.name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			r = src < 0 ? error_sys(err, "%s: the lower directory", sofar)
				    : copy_attrs(src, cur, &h.st, sofar, err);
			layer_view_hit_free(&h);
			if (r < 0)
				return r;
		}
		layer_view_hit_free(&h);
	}
	return steal_fd(&cur);
}

static int copy_bytes(int in, int out, const char *what, struct error *err)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_sys(err, "copy up %s: read", what);
		if (n == 0)
			return 0;
		if (write_all(out, buf, (size_t)n) < 0)
			return error_sys(err, "copy up %s: write", what);
	}
}

int layer_view_copy_up(const struct layer_target *t, const char *path, const struct view_hit *h,
		       struct error *err)
{
	cleanup_free char *parent = NULL, *name = NULL;
	cleanup_close int pfd = -1, out = -1;
	const struct stat *st = &h->st;
	int r;

	split(path, &parent, &name);
	if ((pfd = layer_view_mkdirs(t, parent, err)) < 0)
		return pfd;
	if (S_ISREG(st->st_mode)) {
		cleanup_close int in = openat(h->pfd, h->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		cleanup_free char *proc = xasprintf("/proc/self/fd/%d", pfd);
		cleanup_close int dfd = open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (in < 0 || dfd < 0)
			return error_sys(err, "copy up %s: open", path);
		out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (out < 0)
			return error_sys(err, "copy up %s: create", path);
		if ((r = copy_bytes(in, out, path, err)) < 0)
			return r;
		close(out);
		out = -1;
	} else if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(h->pfd, h->name, target, sizeof(target) - 1);
		if (n < 0)
			return error_sys(err, "copy up %s: readlink", path);
		target[n] = '\0';
		if (symlinkat(target, pfd, name) < 0)
			return error_sys(err, "copy up %s: symlink", path);
	} else if (S_ISDIR(st->st_mode)) {
		return error_set(err, EPERM, "%s: a hardlink to a directory", path);
	} else if (mknodat(pfd, name, st->st_mode & S_IFMT, st->st_rdev) < 0) {
		return error_sys(err, "copy up %s: mknod", path);
	}
	cleanup_close int src = openat(h->pfd, h->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int dst = openat(pfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	if (src < 0 || dst < 0)
		return error_sys(err, "copy up %s: reopen", path);
	if (S_ISLNK(st->st_mode)) {
		if (fchownat(dst, "", st->st_uid, st->st_gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
			return error_sys(err, "copy up %s: chown", path);
	} else if ((r = copy_attrs(src, dst, st, path, err)) < 0) {
		return r;
	}
	if (utimensat(dst, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
		return error_sys(err, "copy up %s: times", path);
	return 0;
}
