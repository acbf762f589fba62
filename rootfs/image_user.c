/* An image config's User resolved through the image's /etc/passwd and /etc/group, read inside the root. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/image.h"
#include "rootfs/rootfs.h"
#include "runtime/util.h"

#define ID_FILE_MAX (4u << 20)

/* The image's etc/passwd or etc/group into *out (NULL when absent). Opened O_PATH without following a
 * final symlink, inside the root: only a regular file of bounded size is then opened for reading, so
 * a FIFO cannot block us and a device node is never opened by host root. */
static int read_db(int rootfd, const char *file, char **out, struct error *err)
{
	cleanup_close int pfd = -1, fd = -1;
	cleanup_free char *data = NULL;
	struct stat st;
	size_t len = 0;

	*out = NULL;
	pfd = rootfs_open_in_root(rootfd, file, O_PATH | O_NOFOLLOW, 0, err);
	if (pfd == -ENOENT) {
		error_clear(err);
		return 0;
	}
	if (pfd < 0)
		return error_prefix(err, "the image's /%s", file);
	if (fstat(pfd, &st) < 0)
		return error_sys(err, "the image's /%s", file);
	if (S_ISLNK(st.st_mode))
		return error_set(err, 0, "the image's /%s is a symlink: refused", file);
	if (!S_ISREG(st.st_mode))
		return error_set(err, 0, "the image's /%s is not a regular file (mode 0%o)", file,
				 (unsigned)st.st_mode);
	if ((uint64_t)st.st_size > ID_FILE_MAX)
		return error_set(err, 0, "the image's /%s is larger than %u bytes", file, ID_FILE_MAX);
	cleanup_free char *proc = xasprintf("/proc/self/fd/%d", pfd);
	/* the inode checked above: a reopen of the O_PATH fd, not a new lookup */
	fd = open(proc, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return error_sys(err, "the image's /%s", file);
	data = xmalloc(ID_FILE_MAX + 1);
	for (;;) {
		ssize_t n = read(fd, data + len, ID_FILE_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_sys(err, "reading the image's /%s", file);
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == ID_FILE_MAX)
			return error_set(err, 0, "the image's /%s is larger than %u bytes", file, ID_FILE_MAX);
	}
	data[len] = '\0';
	*out = steal_pointer(&data);
	return 0;
}

/* Next line of db split into fields f[0..3]; returns false at the end. */
static bool next_line(char **cursor, char *f[4])
{
	while (*cursor && **cursor) {
		char *line = *cursor, *next = strchr(line, '\n'), *p = line;
		if (next)
			*next++ = '\0';
		*cursor = next;
		memset(f, 0, 4 * sizeof(char *));
		for (int i = 0; i < 4 && p; i++) {
			f[i] = p;
			p = i < 3 ? strchr(p, ':') : NULL;
			if (p)
				*p++ = '\0';
		}
		if (f[2])
			return true;
	}
	return false;
}

static bool parse_id(const char *s, uint32_t *out)
{
	uint64_t n;

	if (!s || parse_u64(s, &n) < 0 || n > UINT32_MAX)
		return false;
	*out = (uint32_t)n;
	return true;
}

/* passwd: by name, or by uid (by_id); fills uid, primary gid and the user name. */
static bool find_user(char *db, const char *key, bool by_id, uint32_t *uid, uint32_t *gid, char **name)
{
	char *cur = db, *f[4];

	while (db && next_line(&cur, f)) {
		if (strcmp(by_id ? f[2] : f[0], key) != 0 || !parse_id(f[2], uid))
			continue;
		parse_id(f[3] ? strsep(&f[3], ":") : NULL, gid);
		*name = xstrdup(f[0]);
		return true;
	}
	return false;
}

static bool find_group(char *db, const char *name, uint32_t *gid)
{
	char *cur = db, *f[4];

	while (db && next_line(&cur, f))
		if (strcmp(f[0], name) == 0 && parse_id(f[2], gid))
			return true;
	return false;
}

/* Groups whose member list (4th field) names user, as login does. */
static void member_groups(char *db, const char *user, uint32_t primary, uint32_t **gids, size_t *n)
{
	char *cur = db, *f[4];
	uint32_t g;

	while (db && user && next_line(&cur, f)) {
		if (!f[3] || !parse_id(f[2], &g) || g == primary)
			continue;
		for (char *m = f[3], *tok; (tok = strsep(&m, ","));) {
			if (strcmp(tok, user) != 0)
				continue;
			bool dup = false;
			for (size_t k = 0; k < *n && !dup; k++)
				dup = (*gids)[k] == g;
			if (!dup) {
				*gids = xrealloc(*gids, (*n + 1) * sizeof(**gids));
				(*gids)[(*n)++] = g;
			}
			break;
		}
	}
}

int image_resolve_user(int rootfd, const char *user, uint32_t *uid, uint32_t *gid, uint32_t **gids,
		       size_t *n_gids, struct error *err)
{
	cleanup_free char *u = xstrdup(user && *user ? user : "0"), *name = NULL;
	cleanup_free char *passwd = NULL, *group = NULL;
	char *g = strchr(u, ':');
	bool numeric;
	int r;

	*uid = *gid = 0;
	*gids = NULL;
	*n_gids = 0;
	if (g)
		*g++ = '\0';
	numeric = parse_id(u, uid);
	if ((r = read_db(rootfd, "etc/passwd", &passwd, err)) < 0)
		return r;
	/* A numeric uid still takes its primary group from passwd when it is listed there. */
	if (!find_user(passwd, u, numeric, uid, gid, &name) && !numeric)
		return error_set(err, ENOENT, "image config User %s: no user %s in the image's /etc/passwd", user, u);
	/* An explicit numeric group: no supplementary groups, as docker does. */
	if (g && parse_id(g, gid))
		return 0;
	if ((r = read_db(rootfd, "etc/group", &group, err)) < 0)
		return r;
	if (g) {
		if (!find_group(group, g, gid))
			return error_set(err, ENOENT, "image config User %s: no group %s in the image's /etc/group",
					 user, g);
		return 0;
	}
	member_groups(group, name, *gid, gids, n_gids);
	return 0;
}
