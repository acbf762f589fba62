/* The cgroup v1 mount of a container (rootfs/cgroup_v1_mount.c). */
#ifndef BERTH_ROOTFS_CGROUP_V1_MOUNT_H
#define BERTH_ROOTFS_CGROUP_V1_MOUNT_H

#include <stdbool.h>

#include "runtime/error.h"
#include "runtime/mount_table.h"
#include "runtime/spec.h"

/* The init's cgroups and the host's cgroup mounts, read before it enters its own cgroup namespace. */
struct rootfs_host_cgroups {
	char *cgroups; /* /proc/self/cgroup */
	struct mount_table mounts;
};

/*
 * Read by the init just before it unshares its cgroup namespace, when the spec mounts cgroup on a v1
 * or hybrid host: with these the mount binds the container's own cgroup directory of each hierarchy.
 * Without them (a namespace made at clone or joined), each hierarchy is mounted afresh inside the
 * namespace, and a fresh v1 mount drains and walks every cgroup and cgroup superblock of the host, a
 * cost that grows with every running container. NULL when there is nothing to read.
 */
struct rootfs_host_cgroups *rootfs_host_cgroups_capture(const struct spec *spec);
void rootfs_host_cgroups_free(struct rootfs_host_cgroups *host);

/* The tmpfs at target with one mount per hierarchy; own_ns: the init has its own cgroup namespace. */
int rootfs_mount_cgroup_v1(const struct spec_mount *m, int target, bool own_ns, int rootfd,
			   const struct rootfs_host_cgroups *host, struct error *err);

#endif
