#include "runtime/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "runtime/util.h"

int ns_plan_build(const struct spec *spec, struct ns_plan *plan, struct error *err)
{
	const struct spec_linux *lx = &spec->linux_;

	memset(plan, 0, sizeof(*plan));
	plan->saved_pid_fd = plan->saved_time_fd = -1;
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		plan->join_fd[t] = -1;

	for (int t = 0; t < SPEC_NS_COUNT; t++) {
		const struct spec_namespace *ns = &lx->namespaces[t];
		int fd, type;

		if (!ns->present)
			continue;
		if (!ns->path) {
			if (t != SPEC_NS_TIME)
				plan->clone_flags |= spec_ns_clone_flag(t);
			continue;
		}
		fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			error_sys(err, "linux.namespaces: %s namespace %s", spec_ns_name(t), ns->path);
			ns_plan_release(plan);
			return -err->errnum;
		}
		plan->join_fd[t] = fd;
		type = ioctl(fd, NS_GET_NSTYPE);
		if (type != spec_ns_clone_flag(t)) {
			ns_plan_release(plan);
			return error_set(err, EINVAL, "linux.namespaces: %s is not a %s namespace", ns->path,
					 spec_ns_name(t));
		}
	}
	plan->new_user = plan->clone_flags & CLONE_NEWUSER;
	/* Namespaces joined by path must be entered before a new user namespace owns the rest. */
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		if (plan->join_fd[t] >= 0 && t != SPEC_NS_PID && t != SPEC_NS_TIME &&
		    (t == SPEC_NS_USER || plan->new_user))
			plan->two_stage = true;
	return 0;
}

void ns_plan_release(struct ns_plan *plan)
{
	for (int t = 0; t < SPEC_NS_COUNT; t++) {
		close_quietly(plan->join_fd[t]);
		plan->join_fd[t] = -1;
	}
	close_quietly(plan->saved_pid_fd);
	close_quietly(plan->saved_time_fd);
	plan->saved_pid_fd = plan->saved_time_fd = -1;
}

static int write_time_offsets(const struct spec_linux *lx, struct error *err)
{
	char buf[128];
	int n = 0;

	/* clock ids: CLOCK_MONOTONIC 1, CLOCK_BOOTTIME 7 (see time_namespaces(7)) */
	if (lx->time_monotonic.present)
		n += snprintf(buf + n, sizeof(buf) - n, "monotonic %lld %u\n",
			      (long long)lx->time_monotonic.secs, lx->time_monotonic.nanosecs);
	if (lx->time_boottime.present)
		n += snprintf(buf + n, sizeof(buf) - n, "boottime %lld %u\n",
			      (long long)lx->time_boottime.secs, lx->time_boottime.nanosecs);
	if (!n)
		return 0;
	int r = write_file_at(AT_FDCWD, "/proc/self/timens_offsets", buf, n);
	if (r < 0)
		return error_set(err, -r, "linux.timeOffsets: write timens_offsets");
	return 0;
}

int ns_parent_prepare(struct ns_plan *plan, const struct spec *spec, struct error *err)
{
	const struct spec_linux *lx = &spec->linux_;
	bool new_time = lx->namespaces[SPEC_NS_TIME].present && plan->join_fd[SPEC_NS_TIME] < 0;

	if (plan->join_fd[SPEC_NS_PID] >= 0) {
		plan->saved_pid_fd = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
		if (plan->saved_pid_fd < 0)
			return error_sys(err, "open own pid namespace");
		if (setns(plan->join_fd[SPEC_NS_PID], CLONE_NEWPID) < 0)
			return error_sys(err, "join pid namespace %s", lx->namespaces[SPEC_NS_PID].path);
	}
	if (new_time || plan->join_fd[SPEC_NS_TIME] >= 0) {
		plan->saved_time_fd = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
		if (plan->saved_time_fd < 0)
			return error_sys(err, "open own time namespace");
	}
	if (plan->join_fd[SPEC_NS_TIME] >= 0 && setns(plan->join_fd[SPEC_NS_TIME], CLONE_NEWTIME) < 0)
		return error_sys(err, "join time namespace %s", lx->namespaces[SPEC_NS_TIME].path);
	if (new_time) {
		if (unshare(CLONE_NEWTIME) < 0)
			return error_sys(err, "create time namespace");
		return write_time_offsets(lx, err);
	}
	return 0;
}

void ns_parent_restore(struct ns_plan *plan)
{
	if (plan->saved_pid_fd >= 0 && setns(plan->saved_pid_fd, CLONE_NEWPID) < 0)
		_exit(125); /* hooks would run in the container's pid namespace: never continue */
	if (plan->saved_time_fd >= 0 && setns(plan->saved_time_fd, CLONE_NEWTIME) < 0)
		_exit(125);
	close_quietly(plan->saved_pid_fd);
	close_quietly(plan->saved_time_fd);
	plan->saved_pid_fd = plan->saved_time_fd = -1;
}

static int write_map(pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n, struct error *err)
{
	char path[64];
	cleanup_free char *buf = xmalloc(n * 40 + 1);
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += sprintf(buf + len, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	int r = write_file_at(AT_FDCWD, path, buf, len);
	if (r < 0)
		return error_set(err, -r, "write %s", file);
	return 0;
}

int ns_write_id_maps(pid_t pid, const struct spec *spec, struct error *err)
{
	const struct spec_linux *lx = &spec->linux_;
	int r;

	r = write_map(pid, "uid_map", lx->uid_mappings, lx->n_uid_mappings, err);
	if (r == 0)
		r = write_map(pid, "gid_map", lx->gid_mappings, lx->n_gid_mappings, err);
	return r;
}

int ns_join_paths(const struct ns_plan *plan, bool skip_user, struct error *err)
{
	static const int order[] = { SPEC_NS_USER, SPEC_NS_IPC, SPEC_NS_UTS, SPEC_NS_NETWORK,
				     SPEC_NS_CGROUP, SPEC_NS_MOUNT };

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		int t = order[i];

		if (plan->join_fd[t] < 0 || (skip_user && t == SPEC_NS_USER))
			continue;
		if (setns(plan->join_fd[t], spec_ns_clone_flag(t)) < 0)
			return error_sys(err, "join %s namespace", spec_ns_name(t));
	}
	return 0;
}
