/* The v1 hierarchies of this host, as /proc/self/mountinfo lists them, and the reads of a leaf's
 * files that v1.c, v1_set.c and v1_stats.c share. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/convert.h"
#include "cgroup/v1_internal.h"
#include "runtime/util.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' &&
		    r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

char **v1_split(const char *s, const char *sep)
{
	cleanup_free char *copy = xstrdup(s);
	char **v = xzalloc(sizeof(char *));
	size_t n = 0;
	char *save = NULL;

	for (char *t = strtok_r(copy, sep, &save); t; t = strtok_r(NULL, sep, &save)) {
		v = xrealloc(v, (n + 2) * sizeof(char *));
		v[n++] = xstrdup(t);
		v[n] = NULL;
	}
	return v;
}

bool v1_strv_has(char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

/* The controller names the kernel knows (/proc/cgroups), to tell them from mount options. */
static char **kernel_controllers(void)
{
	cleanup_free char *buf = NULL;
	cleanup_strv char **lines = NULL;
	char **v = xzalloc(sizeof(char *));
	size_t n = 0;

	if (read_file_at(AT_FDCWD, "/proc/cgroups", &buf, NULL, 1 << 16) < 0)
		return v;
	lines = v1_split(buf, "\n");
	for (char **l = lines; *l; l++) {
		char name[64];

		if (**l == '#' || sscanf(*l, "%63s", name) != 1)
			continue;
		v = xrealloc(v, (n + 2) * sizeof(char *));
		v[n++] = xstrdup(name);
		v[n] = NULL;
	}
	return v;
}

static void add_hier(struct v1_host *host, const char *mnt, char **ctrls, char *name, bool unified,
		     int root_fd)
{
	struct v1_hier *h;

	host->h = xrealloc(host->h, (host->n + 1) * sizeof(*host->h));
	h = &host->h[host->n++];
	h->mnt = xstrdup(mnt);
	h->ctrls = ctrls;
	h->name = name;
	h->unified = unified;
	h->root_fd = root_fd;
	h->leaf_fd = -1;
}

/* One mountinfo line: a cgroup hierarchy to keep, or nothing. Duplicated mounts are skipped by dev. */
static int probe_line(struct v1_host *host, char *line, char *const *known, char ***seen_devs,
		      struct error *err)
{
	cleanup_strv char **f = v1_split(line, " ");
	cleanup_close int fd = -1;
	size_t n = strv_length(f), sep;
	char **ctrls, *name = NULL;
	bool unified;

	for (sep = 6; sep < n && strcmp(f[sep], "-") != 0; sep++)
		;
	if (sep + 3 >= n) /* "- fstype source superoptions" */
		return 0;
	unified = strcmp(f[sep + 1], "cgroup2") == 0;
	if (!unified && strcmp(f[sep + 1], "cgroup") != 0)
		return 0;
	if (v1_strv_has(*seen_devs, f[2]))
		return 0;
	unescape_octal(f[4]);
	if (unified) {
		cleanup_free char *buf = NULL;

		fd = open(f[4], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return error_sys(err, "open %s", f[4]);
		if (read_file_at(fd, "cgroup.controllers", &buf, NULL, 4096) < 0)
			buf = xstrdup("");
		ctrls = v1_split(buf, " \n");
	} else {
		cleanup_strv char **opts = v1_split(f[sep + 3], ",");
		size_t k = 0;

		ctrls = xzalloc(sizeof(char *));
		for (char **o = opts; *o; o++) {
			if (strncmp(*o, "name=", 5) == 0 && (*o)[5] && !name)
				name = xstrdup(*o + 5);
			if (!v1_strv_has(known, *o))
				continue;
			ctrls = xrealloc(ctrls, (k + 2) * sizeof(char *));
			ctrls[k++] = xstrdup(*o);
			ctrls[k] = NULL;
		}
		if (k == 0 && !name) { /* neither a controller nor a name: nothing of ours */
			strv_free(ctrls);
			return 0;
		}
		fd = open(f[4], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			strv_free(ctrls);
			free(name);
			return error_sys(err, "open %s", f[4]);
		}
	}
	add_hier(host, f[4], ctrls, name, unified, steal_fd(&fd));
	{
		size_t k = strv_length(*seen_devs);

		*seen_devs = xrealloc(*seen_devs, (k + 2) * sizeof(char *));
		(*seen_devs)[k] = xstrdup(f[2]);
		(*seen_devs)[k + 1] = NULL;
	}
	return 0;
}

int v1_host_probe(struct v1_host *host, struct error *err)
{
	cleanup_free char *buf = NULL;
	cleanup_strv char **lines = NULL;
	cleanup_strv char **known = kernel_controllers();
	cleanup_strv char **seen = xzalloc(sizeof(char *));
	int rc;

	host->h = NULL;
	host->n = 0;
	rc = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &buf, NULL, 1 << 22);
	if (rc < 0)
		return error_set(err, -rc, "read /proc/self/mountinfo");
	lines = v1_split(buf, "\n");
	for (char **l = lines; *l; l++) {
		rc = probe_line(host, *l, known, &seen, err);
		if (rc < 0) {
			v1_host_release(host);
			return rc;
		}
	}
	for (size_t i = 0; i < host->n; i++)
		if (!host->h[i].unified && host->h[i].ctrls[0])
			return 0;
	v1_host_release(host);
	return error_set(err, ENOENT, "no cgroup v1 hierarchy with a controller is mounted");
}

void v1_host_release(struct v1_host *host)
{
	for (size_t i = 0; i < host->n; i++) {
		free(host->h[i].mnt);
		free(host->h[i].name);
		strv_free(host->h[i].ctrls);
		close_quietly(host->h[i].root_fd);
		close_quietly(host->h[i].leaf_fd);
	}
	free(host->h);
	host->h = NULL;
	host->n = 0;
}

bool v1_hier_has(const struct v1_hier *h, const char *ctrl)
{
	return v1_strv_has(h->ctrls, ctrl);
}

struct v1_hier *v1_find_legacy(const struct v1_host *host, const char *ctrl)
{
	for (size_t i = 0; i < host->n; i++)
		if (!host->h[i].unified && v1_hier_has(&host->h[i], ctrl))
			return &host->h[i];
	return NULL;
}

struct v1_hier *v1_find_unified(const struct v1_host *host)
{
	for (size_t i = 0; i < host->n; i++)
		if (host->h[i].unified)
			return &host->h[i];
	return NULL;
}

struct v1_hier *v1_find(const struct v1_host *host, const char *ctrl)
{
	struct v1_hier *h = v1_find_legacy(host, ctrl), *u;

	if (h)
		return h;
	u = v1_find_unified(host);
	return u && v1_hier_has(u, ctrl) ? u : NULL;
}

int v1_read(const struct v1_hier *h, const char *file, char **out)
{
	char *buf = NULL;
	size_t len = 0;
	int rc = h->leaf_fd < 0 ? -ENOENT : read_file_at(h->leaf_fd, file, &buf, &len, 1 << 20);

	if (rc < 0)
		return rc;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	*out = buf;
	return 0;
}

int v1_read_u64(const struct v1_hier *h, const char *file, uint64_t *out)
{
	cleanup_free char *s = NULL;
	int rc = v1_read(h, file, &s);

	if (rc < 0)
		return rc;
	return parse_u64(s, out);
}

int v1_read_u64_or_max(const struct v1_hier *h, const char *file, uint64_t *out)
{
	cleanup_free char *s = NULL;
	int rc = v1_read(h, file, &s);

	if (rc < 0)
		return rc;
	if (strcmp(s, "max") == 0) {
		*out = UINT64_MAX;
		return 0;
	}
	return parse_u64(s, out);
}

int v1_read_key(const struct v1_hier *h, const char *file, const char *key, uint64_t *out)
{
	cleanup_free char *s = NULL;
	int rc = v1_read(h, file, &s);

	return rc < 0 ? rc : convert_kv_lookup(s, key, out);
}

bool v1_file_exists(const struct v1_hier *h, const char *file)
{
	return h->leaf_fd >= 0 && faccessat(h->leaf_fd, file, F_OK, 0) == 0;
}
