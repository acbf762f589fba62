/* The cgroup mounts, from listmount/statmount (Linux 6.8; mount options 6.11) or from mountinfo. */
#include "runtime/mount_table.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/util.h"

#ifndef SYS_statmount
#define SYS_statmount 457
#endif
#ifndef SYS_listmount
#define SYS_listmount 458
#endif
#define MNT_ID_UNIQUE 0x4000U /* STATX_MNT_ID_UNIQUE */
#define SM_SB_BASIC 0x1U
#define SM_MNT_BASIC 0x2U
#define SM_MNT_ROOT 0x8U
#define SM_MNT_POINT 0x10U
#define SM_FS_TYPE 0x20U
#define SM_MNT_OPTS 0x80U

struct mnt_req { /* struct mnt_id_req, first version */
	uint32_t size, spare;
	uint64_t mnt_id, param;
};

/* struct statmount up to the fields used here; the kernel keeps the header at 512 bytes. */
struct statmount_buf {
	uint32_t size, mnt_opts;
	uint64_t mask;
	uint32_t sb_dev_major, sb_dev_minor;
	uint64_t sb_magic;
	uint32_t sb_flags, fs_type;
	uint64_t mnt_id, mnt_parent_id;
	uint32_t mnt_id_old, mnt_parent_id_old;
	uint64_t mnt_attr, mnt_propagation, mnt_peer_group, mnt_master, propagate_from;
	uint32_t mnt_root, mnt_point;
	uint64_t spare[50];
	char str[];
};
_Static_assert(sizeof(struct statmount_buf) == 512, "statmount header");

void mount_unescape(char *s)
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

static bool is_cgroup(const char *fstype)
{
	return strcmp(fstype, "cgroup") == 0 || strcmp(fstype, "cgroup2") == 0;
}

static struct mount_entry *add_entry(struct mount_table *t)
{
	t->e = xrealloc(t->e, (t->n + 1) * sizeof(*t->e));
	memset(&t->e[t->n], 0, sizeof(*t->e));
	return &t->e[t->n++];
}

static void entry_free(struct mount_entry *e)
{
	free(e->fstype);
	free(e->root);
	free(e->point);
	free(e->opts);
}

void mount_table_free(struct mount_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		entry_free(&t->e[i]);
	free(t->e);
	t->e = NULL;
	t->n = 0;
}

static int statmount_of(uint64_t id, uint64_t mask, struct statmount_buf *sm, size_t size)
{
	struct mnt_req req = { .size = sizeof(req), .mnt_id = id, .param = mask };

	return syscall(SYS_statmount, &req, sm, size, 0) < 0 ? -errno : 0;
}

/* Whether the mount with unique id lies in the tree of the mount whose mountinfo id is top. */
static int in_tree(uint64_t id, uint64_t top, struct statmount_buf *sm, size_t size)
{
	for (int depth = 0; depth < 4096; depth++) {
		int r = statmount_of(id, SM_MNT_BASIC, sm, size);

		if (r < 0)
			return r;
		if (sm->mnt_id_old == top)
			return 1;
		if (sm->mnt_parent_id == sm->mnt_id)
			return 0;
		id = sm->mnt_parent_id;
	}
	return 0;
}

/* The cgroup mounts right below /sys/fs/cgroup; < 0 to fall back to mountinfo. */
static int from_listmount(struct mount_table *t, uint64_t skip_below)
{
	size_t size = 16384;
	cleanup_free struct statmount_buf *sm = xzalloc(size);
	struct statx stx;
	uint64_t ids[64], last = 0;
	long n;
	int r;

	if (statx(AT_FDCWD, "/sys/fs/cgroup", 0, MNT_ID_UNIQUE, &stx) < 0)
		return -errno;
	if (!(stx.stx_mask & MNT_ID_UNIQUE))
		return -ENOSYS;
	if (skip_below && (r = in_tree(stx.stx_mnt_id, skip_below, sm, size)) != 0)
		return r < 0 ? r : -ENOENT;
	do {
		struct mnt_req req = { .size = sizeof(req), .mnt_id = stx.stx_mnt_id, .param = last };

		if ((n = syscall(SYS_listmount, &req, ids, sizeof(ids) / sizeof(ids[0]), 0)) < 0)
			return -errno;
		for (long i = 0; i < n; i++) {
			struct mount_entry *e;

			r = statmount_of(ids[i], SM_SB_BASIC | SM_MNT_BASIC | SM_MNT_ROOT | SM_MNT_POINT |
						       SM_FS_TYPE | SM_MNT_OPTS, sm, size);
			if (r < 0)
				return r;
			if (!(sm->mask & SM_FS_TYPE) || !is_cgroup(sm->str + sm->fs_type))
				continue;
			/* a v1 hierarchy always has options; without them the kernel predates 6.11 */
			if (!(sm->mask & SM_MNT_OPTS) && strcmp(sm->str + sm->fs_type, "cgroup") == 0)
				return -ENOSYS;
			e = add_entry(t);
			e->id = sm->mnt_id_old;
			e->parent = sm->mnt_parent_id_old;
			e->major = sm->sb_dev_major;
			e->minor = sm->sb_dev_minor;
			e->fstype = xstrdup(sm->str + sm->fs_type);
			e->root = xstrdup(sm->str + sm->mnt_root);
			e->point = xstrdup(sm->str + sm->mnt_point);
			e->opts = xstrdup(sm->mask & SM_MNT_OPTS ? sm->str + sm->mnt_opts : "");
			mount_unescape(e->opts);
		}
		if (n > 0)
			last = ids[n - 1];
	} while (n == (long)(sizeof(ids) / sizeof(ids[0])));
	return t->n > 0 ? 0 : -ENOENT;
}

/* Whether mountinfo id lies in the tree of mount top, walking the parent ids of every line. */
static bool below(const uint64_t (*links)[2], size_t n, uint64_t id, uint64_t top)
{
	for (int depth = 0; depth < 4096; depth++) {
		size_t i;

		for (i = 0; i < n && links[i][0] != id; i++)
			;
		if (i == n || links[i][1] == id)
			return false;
		if (links[i][1] == top)
			return true;
		id = links[i][1];
	}
	return false;
}

/* One mountinfo line: "id parent maj:min root point opts [optional...] - fstype source superopts". */
static int parse_line(char *line, struct mount_entry *e)
{
	char *f[5] = { 0 }, *sep = strstr(line, " - "), *save = NULL, *p = line, *type, *superopts;

	if (!sep)
		return -EINVAL;
	*sep = '\0';
	for (int i = 0; i < 5 && (f[i] = strtok_r(p, " ", &save)); i++)
		p = NULL;
	save = NULL;
	type = strtok_r(sep + 3, " ", &save);
	strtok_r(NULL, " ", &save); /* source */
	superopts = strtok_r(NULL, " ", &save);
	if (!f[4] || !type || sscanf(f[2], "%u:%u", &e->major, &e->minor) != 2)
		return -EINVAL;
	e->id = strtoull(f[0], NULL, 10);
	e->parent = strtoull(f[1], NULL, 10);
	e->fstype = xstrdup(type);
	e->root = xstrdup(f[3]);
	e->point = xstrdup(f[4]);
	e->opts = xstrdup(superopts ? superopts : "");
	mount_unescape(e->root);
	mount_unescape(e->point);
	mount_unescape(e->opts);
	return 0;
}

void mount_table_parse(char *mountinfo, struct mount_table *t, uint64_t skip_below)
{
	cleanup_free uint64_t(*links)[2] = NULL;
	size_t n = 0;
	char *save = NULL;

	t->e = NULL;
	t->n = 0;
	for (char *l = mountinfo; *l; l++)
		n += *l == '\n';
	links = xzalloc((n + 1) * sizeof(*links));
	n = 0;
	for (char *line = strtok_r(mountinfo, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct mount_entry e = { 0 };

		if (parse_line(line, &e) < 0) {
			entry_free(&e);
			continue;
		}
		links[n][0] = e.id;
		links[n++][1] = e.parent;
		if (is_cgroup(e.fstype)) {
			*add_entry(t) = e;
			continue;
		}
		entry_free(&e);
	}
	for (size_t i = 0; skip_below && i < t->n;) {
		if (!below(links, n, t->e[i].id, skip_below)) {
			i++;
			continue;
		}
		entry_free(&t->e[i]);
		memmove(&t->e[i], &t->e[i + 1], (t->n - i - 1) * sizeof(*t->e));
		t->n--;
	}
}

int mount_table_cgroups_mountinfo(struct mount_table *t, uint64_t skip_below, struct error *err)
{
	cleanup_free char *buf = NULL;
	int r;

	t->e = NULL;
	t->n = 0;
	if ((r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &buf, NULL, 16 << 20)) < 0)
		return error_set(err, -r, "read /proc/self/mountinfo");
	mount_table_parse(buf, t, skip_below);
	return 0;
}

int mount_table_cgroups(struct mount_table *t, uint64_t skip_below, struct error *err)
{
	t->e = NULL;
	t->n = 0;
	if (from_listmount(t, skip_below) == 0)
		return 0;
	mount_table_free(t);
	return mount_table_cgroups_mountinfo(t, skip_below, err);
}
