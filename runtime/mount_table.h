/* The cgroup mounts of the caller's mount namespace, found without reading all of
 * /proc/self/mountinfo when the kernel has listmount(2): the kernel builds that file line by line,
 * every container's rootfs included, so reading it makes each start slower than the last. */
#ifndef BERTH_MOUNT_TABLE_H
#define BERTH_MOUNT_TABLE_H

#include <stdint.h>
#include <stddef.h>

#include "runtime/error.h"

/* One mount, as statmount(2) or a mountinfo line gives it; strings unescaped. */
struct mount_entry {
	uint64_t id, parent; /* mountinfo's ids */
	unsigned int major, minor;
	char *fstype, *root, *point;
	char *opts; /* the filesystem's own options ("cpu,cpuacct", "name=systemd"), "" if none */
};

struct mount_table {
	struct mount_entry *e;
	size_t n;
};

/* Every cgroup and cgroup2 mount, in mount order, leaving out those in the tree of mount skip_below
 * (a mountinfo id; 0 skips nothing). The mounts right below /sys/fs/cgroup come from listmount and
 * statmount; on a kernel without them, or when none is a cgroup there, from mountinfo. */
int mount_table_cgroups(struct mount_table *t, uint64_t skip_below, struct error *err);
/* The same from mountinfo alone: the fallback, and what tests compare the fast path with. */
int mount_table_cgroups_mountinfo(struct mount_table *t, uint64_t skip_below, struct error *err);
/* The cgroup mounts of a mountinfo text (changed in place), as above. */
void mount_table_parse(char *mountinfo, struct mount_table *t, uint64_t skip_below);
void mount_table_free(struct mount_table *t);

/* mountinfo's octal escapes (\040 for a space ...) undone in place. */
void mount_unescape(char *s);

#endif
