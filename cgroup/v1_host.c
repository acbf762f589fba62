/* The v1 hierarchies of this host, as its cgroup mounts show them, and the reads of a leaf's
 * files that v1.c, v1_set.c and v1_stats.c share. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/convert.h"
#include "cgroup/v1_internal.h"
#include "runtime/mount_table.h"
#include "runtime/util.h"

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

static void add_hier(struct v1_host *host, const struct mount_entry *m, char **ctrls, char *name, bool unified,
		     int root_fd)
{
	struct v1_hier *h;

	host->h = xrealloc(host->h, (host->n + 1) * sizeof(*host->h));
	h = &host->h[host->n++];
	h->mnt = xstrdup(m->point);
	h->major = m->major;
	h->minor = m->minor;
	h->ctrls = ctrls;
	h->name = name;
	h->unified = unified;
	h->root_fd = root_fd;
	h->leaf_fd = -1;
}

/* One cgroup mount: a hierarchy to keep, or nothing. A hierarchy mounted twice is kept once. */
static int probe_mount(struct v1_host *host, const struct mount_entry *m, char *const *known, struct error *err)
{
	cleanup_close int fd = -1;
	char **ctrls, *name = NULL;
	bool unified = strcmp(m->fstype, "cgroup2") == 0;

	for (size_t i = 0; i < host->n; i++)
		if (host->h[i].major == m->major && host->h[i].minor == m->minor)
			return 0;
	if (unified) {
		cleanup_free char *buf = NULL;

		fd = open(m->point, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return error_sys(err, "open %s", m->point);
		if (read_file_at(fd, "cgroup.controllers", &buf, NULL, 4096) < 0)
			buf = xstrdup("");
		ctrls = v1_split(buf, " \n");
	} else {
		cleanup_strv char **opts = v1_split(m->opts, ",");
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
		fd = open(m->point, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			strv_free(ctrls);
			free(name);
			return error_sys(err, "open %s", m->point);
		}
	}
	add_hier(host, m, ctrls, name, unified, steal_fd(&fd));
	return 0;
}

int v1_host_probe(struct v1_host *host, struct error *err)
{
	cleanup_strv char **known = kernel_controllers();
	struct mount_table mounts;
	int rc;

	host->h = NULL;
	host->n = 0;
	if ((rc = mount_table_cgroups(&mounts, 0, err)) < 0)
		return rc;
	for (size_t i = 0; i < mounts.n; i++) {
		rc = probe_mount(host, &mounts.e[i], known, err);
		if (rc < 0) {
			mount_table_free(&mounts);
			v1_host_release(host);
			return rc;
		}
	}
	mount_table_free(&mounts);
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
