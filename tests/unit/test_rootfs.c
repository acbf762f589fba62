/* rootfs_prepare against a tiny busybox rootfs: mounts, devices, user namespaces, hostile layouts, the
 * chroot fallback; each test in its own mount namespace (Check forks per test). Needs root. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/rootfs.h"
#include "runtime/util.h"
#include "tests/unit/rootfs_fixture.h"

START_TEST(prepare_mounts_and_devices)
{
	struct world w = { 0 };
	char type[64], opts[512], *p;
	struct stat st, st2;

	world_init(&w);
	mkdirs(at(w.out, "share"));
	write_file(at(w.out, "share/file"), "shared\n");
	add_mount(&w, "/proc", "proc", "proc", 0, NULL);
	add_mount(&w, "/dev", "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
	add_mount(&w, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC, PTS_OPTS);
	add_mount(&w, "/dev/shm", "tmpfs", "shm", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k");
	add_mount(&w, "/dev/mqueue", "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	add_mount(&w, "/sys", "sysfs", "sysfs", RO_NOEXEC, NULL);
	add_mount(&w, "/sys/fs/cgroup", "cgroup", "cgroup", RO_NOEXEC, NULL);
	add_bind(&w, "/data", at(w.out, "share"), MS_RDONLY);
	add_bind(&w, "/etc/hostname", "hostname", 0); /* relative: against the bundle */
	add_bind(&w, "/deep/new/file", "hostname", MS_RDONLY);
	add_mount(&w, "/opt", "tmpfs", "tmpfs", 0, "mode=700")->opts.tmpcopyup = true;
	w.devices[w.spec.linux_.n_devices++] = (struct spec_device){ .path = "/dev/fuse", .type = 'c',
		.major = 10, .minor = 229, .has_file_mode = true, .file_mode = 0600, .has_uid = true,
		.uid = 1000, .has_gid = true, .gid = 1001 };
	w.devices[w.spec.linux_.n_devices++] = (struct spec_device){ .path = "/dev/a/b/mynull", .type = 'c',
		.major = 1, .minor = 3 };
	w.devices[w.spec.linux_.n_devices++] = (struct spec_device){ .path = "/dev/fifo", .type = 'p',
		.has_file_mode = true, .file_mode = 0640 };
	ck_assert_msg(prepare(&w) == 0, "%s", w.err.msg);

	ck_assert(mount_at(w.root, type, NULL));
	ck_assert(mount_at(at(w.root, "proc"), type, NULL));
	ck_assert_str_eq(type, "proc");
	ck_assert(mount_at(at(w.root, "dev"), type, opts));
	ck_assert_str_eq(type, "tmpfs");
	ck_assert(has_opt(opts, "nosuid"));
	ck_assert(mount_at(at(w.root, "dev/pts"), type, NULL));
	ck_assert_str_eq(type, "devpts");
	ck_assert(mount_at(at(w.root, "dev/shm"), type, opts));
	ck_assert(has_opt(opts, "noexec") && has_opt(opts, "nodev"));
	ck_assert(mount_at(at(w.root, "dev/mqueue"), type, NULL));
	ck_assert_str_eq(type, "mqueue");
	ck_assert(mount_at(at(w.root, "sys"), type, opts));
	ck_assert_str_eq(type, "sysfs");
	ck_assert(has_opt(opts, "ro"));
	ck_assert(mount_at(at(w.root, "sys/fs/cgroup"), type, opts));
	ck_assert(has_opt(opts, "ro"));
	if (!strcmp(type, "tmpfs")) {
		/* a v1/hybrid host: one read-only bind per hierarchy we are in */
		ck_assert(mount_at(at(w.root, "sys/fs/cgroup/memory"), type, opts));
		ck_assert_str_eq(type, "cgroup");
		ck_assert(has_opt(opts, "ro"));
	}
	ck_assert(mount_at(at(w.root, "data"), NULL, opts));
	ck_assert(has_opt(opts, "ro"));
	ck_assert_int_eq(open(at(w.root, "data/new"), O_CREAT | O_WRONLY | O_CLOEXEC, 0644), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(read_file_at(AT_FDCWD, at(w.root, "etc/hostname"), &p, NULL, 4096), 0);
	ck_assert_str_eq(p, "from the bundle\n");
	free(p);
	ck_assert_int_eq(stat(at(w.root, "deep/new/file"), &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert(mount_at(at(w.root, "opt"), type, NULL));
	ck_assert_str_eq(type, "tmpfs");
	ck_assert_int_eq(read_file_at(AT_FDCWD, at(w.root, "opt/sub/data"), &p, NULL, 4096), 0);
	ck_assert_str_eq(p, "copied up\n");
	free(p);

	assert_chr(at(w.root, "dev/null"), 1, 3, 0666);
	assert_chr(at(w.root, "dev/zero"), 1, 5, 0666);
	assert_chr(at(w.root, "dev/full"), 1, 7, 0666);
	assert_chr(at(w.root, "dev/random"), 1, 8, 0666);
	assert_chr(at(w.root, "dev/urandom"), 1, 9, 0666);
	assert_chr(at(w.root, "dev/tty"), 5, 0, 0666);
	assert_chr(at(w.root, "dev/fuse"), 10, 229, 0600);
	ck_assert_int_eq(stat(at(w.root, "dev/fuse"), &st), 0);
	ck_assert(st.st_uid == 1000 && st.st_gid == 1001);
	assert_chr(at(w.root, "dev/a/b/mynull"), 1, 3, 0);
	ck_assert_int_eq(lstat(at(w.root, "dev/fifo"), &st), 0);
	ck_assert(S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0640);
	assert_link(at(w.root, "dev/fd"), "/proc/self/fd");
	assert_link(at(w.root, "dev/stdin"), "/proc/self/fd/0");
	assert_link(at(w.root, "dev/stdout"), "/proc/self/fd/1");
	assert_link(at(w.root, "dev/stderr"), "/proc/self/fd/2");
	assert_link(at(w.root, "dev/ptmx"), "pts/ptmx");
	assert_link(at(w.root, "dev/core"), "/proc/kcore");

	ck_assert_int_ge(w.ctx.rootfd, 0);
	ck_assert_int_eq(fstat(w.ctx.rootfd, &st), 0);
	ck_assert_int_eq(stat(w.root, &st2), 0);
	ck_assert(st.st_ino == st2.st_ino);
	ck_assert_int_eq(fstat(w.ctx.devnull_fd, &st), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
	ck_assert_uint_eq(count_entries(w.out), 1);
	rootfs_ctx_release(&w.ctx);
	ck_assert_int_eq(w.ctx.rootfd, -1);
}
END_TEST

START_TEST(mount_errors_name_the_mount)
{
	struct world w = { 0 };

	world_init(&w);
	add_mount(&w, "/proc", "proc", "proc", 0, NULL);
	add_mount(&w, "/weird", "nosuchfs", "x", 0, NULL);
	ck_assert_int_eq(prepare(&w), -ENODEV);
	ck_assert_msg(strstr(w.err.msg, "mounts[1] (/weird): ") == w.err.msg, "%s", w.err.msg);
	ck_assert_msg(strstr(w.err.msg, "nosuchfs"), "%s", w.err.msg);

	w.spec.n_mounts = 0;
	add_mount(&w, "/dev/shm", "tmpfs", "shm", 0, "size=lots");
	ck_assert_int_lt(prepare(&w), 0);
	ck_assert_msg(strstr(w.err.msg, "mounts[0] (/dev/shm): mount tmpfs: ") == w.err.msg, "%s", w.err.msg);

	w.spec.n_mounts = 0;
	add_bind(&w, "/x", "no-such-source", 0);
	ck_assert_int_eq(prepare(&w), -ENOENT);
	ck_assert_msg(strstr(w.err.msg, "mounts[0] (/x): ") && strstr(w.err.msg, "no-such-source"), "%s",
		      w.err.msg);
}
END_TEST

/* /dev as a symlink out of the root, three ways: everything still lands inside the root. */
START_TEST(hostile_dev_symlink)
{
	static const char *const targets[] = { "/../../..", "/etc" };
	static const char *const landed[] = { "null", "etc/null" };
	struct world w = { 0 };
	struct stat st;

	world_init(&w);
	ck_assert_int_eq(rmdir(at(w.root, "dev")), 0);
	ck_assert_int_eq(symlink(targets[_i], at(w.root, "dev")), 0);
	ck_assert_int_eq(lstat("/etc/null", &st), -1);
	ck_assert_msg(prepare(&w) == 0, "%s", w.err.msg);
	ck_assert_int_eq(lstat("/etc/null", &st), -1);
	ck_assert_int_eq(lstat("/etc/fd", &st), -1);
	ck_assert_int_eq(lstat("/null", &st), -1);
	ck_assert_int_eq(lstat(at(w.bundle, "null"), &st), -1);
	assert_chr(at(w.root, landed[_i]), 1, 3, 0666);
}
END_TEST

START_TEST(hostile_dev_symlink_host_path)
{
	struct world w = { 0 };
	char inroot[PATH_MAX];

	world_init(&w);
	ck_assert_int_eq(rmdir(at(w.root, "dev")), 0);
	ck_assert_int_eq(symlink(w.out, at(w.root, "dev")), 0);
	add_mount(&w, "/dev/shm", "tmpfs", "shm", 0, NULL);
	ck_assert_msg(prepare(&w) == 0, "%s", w.err.msg);
	ck_assert_uint_eq(count_entries(w.out), 0);
	ck_assert(!mount_at(at(w.out, "shm"), NULL, NULL));
	snprintf(inroot, sizeof(inroot), "%s%s", w.root, w.out);
	assert_chr(at(inroot, "null"), 1, 3, 0666);
	ck_assert(mount_at(at(inroot, "shm"), NULL, NULL));
}
END_TEST

START_TEST(hostile_mount_destination_symlink)
{
	struct world w = { 0 };
	char inroot[PATH_MAX];

	world_init(&w);
	ck_assert_int_eq(symlink(w.out, at(w.root, "abs")), 0);
	ck_assert_int_eq(symlink("../../../../../../../../..", at(w.root, "rel")), 0);
	ck_assert_int_eq(symlink("/etc/passwd", at(w.root, "etc/pw")), 0);
	add_mount(&w, "/abs/sub", "tmpfs", "tmpfs", 0, NULL);
	add_mount(&w, "/rel/tmp/x", "tmpfs", "tmpfs", 0, NULL);
	add_bind(&w, "/etc/pw", "hostname", 0);
	ck_assert_msg(prepare(&w) == 0, "%s", w.err.msg);
	ck_assert_uint_eq(count_entries(w.out), 0);
	ck_assert(!mount_at(at(w.out, "sub"), NULL, NULL));
	ck_assert(!mount_at("/tmp/x", NULL, NULL));
	ck_assert(!mount_at("/etc/passwd", NULL, NULL));
	snprintf(inroot, sizeof(inroot), "%s%s", w.root, w.out);
	ck_assert(mount_at(at(inroot, "sub"), NULL, NULL));
	ck_assert(mount_at(at(w.root, "tmp/x"), NULL, NULL));
	ck_assert(mount_at(at(w.root, "etc/passwd"), NULL, NULL));
}
END_TEST

START_TEST(userns_devices_are_bind_mounts)
{
	struct world w = { 0 };
	char type[64];

	world_init(&w);
	add_mount(&w, "/dev", "tmpfs", "tmpfs", MS_NOSUID, "mode=755");
	rootfs_ctx_init(&w.ctx, &w.spec, w.root);
	w.ctx.in_userns = true;
	ck_assert_msg(rootfs_prepare(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	assert_chr(at(w.root, "dev/null"), 1, 3, 0);
	ck_assert(mount_at(at(w.root, "dev/null"), type, NULL));
	ck_assert_str_eq(type, "devtmpfs");
	ck_assert(mount_at(at(w.root, "dev/urandom"), NULL, NULL));
}
END_TEST

/* berth's private nodes: numbers, mode and the mapped owner; the host's /dev/null never changes. */
START_TEST(userns_devices_are_private_nodes)
{
	struct world w = { 0 };
	struct spec_id_mapping map = { .container_id = 0, .host_id = 100000, .size = 65536 };
	struct stat host_before, host_after, st;
	char type[64], opts[512];

	world_init(&w);
	ck_assert_int_eq(stat("/dev/null", &host_before), 0);
	add_mount(&w, "/dev", "tmpfs", "tmpfs", MS_NOSUID, "mode=755");
	w.spec.linux_.namespaces[SPEC_NS_USER].present = true;
	w.spec.linux_.uid_mappings = w.spec.linux_.gid_mappings = &map;
	w.spec.linux_.n_uid_mappings = w.spec.linux_.n_gid_mappings = 1;
	w.devices[0] = (struct spec_device){ .path = "/dev/h6/none-on-host", .type = 'c', .major = 1, .minor = 5,
					     .has_file_mode = true, .file_mode = 0640, .has_uid = true, .uid = 5,
					     .has_gid = true, .gid = 6 };
	w.devices[1] = (struct spec_device){ .path = "/dev/null", .type = 'c', .major = 1, .minor = 3,
					     .has_uid = true, .uid = 7, .has_gid = true, .gid = 7 };
	w.spec.linux_.n_devices = 2;
	rootfs_ctx_init(&w.ctx, &w.spec, w.root);
	w.ctx.in_userns = true;
	ck_assert_msg(rootfs_dev_make_private(&w.spec, &w.ctx.dev_fd, &w.err) == 0, "%s", w.err.msg);
	ck_assert_int_ge(w.ctx.dev_fd, 0);
	ck_assert_msg(rootfs_prepare(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	ck_assert_int_eq(w.ctx.dev_fd, -1);
	assert_chr(at(w.root, "dev/h6/none-on-host"), 1, 5, 0640);
	ck_assert_int_eq(stat(at(w.root, "dev/h6/none-on-host"), &st), 0);
	ck_assert_int_eq(st.st_uid, 100005);
	ck_assert_int_eq(st.st_gid, 100006);
	ck_assert(mount_at(at(w.root, "dev/h6/none-on-host"), type, opts));
	ck_assert_str_eq(type, "tmpfs");
	ck_assert_msg(strstr(opts, "nosuid") && strstr(opts, "noexec"), "%s", opts);
	assert_chr(at(w.root, "dev/null"), 1, 3, 0666);
	ck_assert_int_eq(stat(at(w.root, "dev/null"), &st), 0);
	ck_assert_int_eq(st.st_uid, 100007);
	ck_assert_int_eq(stat("/dev/null", &host_after), 0);
	ck_assert_int_eq(host_after.st_uid, host_before.st_uid);
	ck_assert_int_eq(host_after.st_gid, host_before.st_gid);
	ck_assert_int_eq(host_after.st_mode, host_before.st_mode);
}
END_TEST

/* Without private nodes the host's node is bound as it is, nosuid and noexec, never chowned. */
START_TEST(userns_fallback_binds_the_host_node_unchanged)
{
	struct world w = { 0 };
	struct stat before, after;
	char opts[512];

	world_init(&w);
	ck_assert_int_eq(stat("/dev/zero", &before), 0);
	add_mount(&w, "/dev", "tmpfs", "tmpfs", MS_NOSUID, "mode=755");
	w.devices[0] = (struct spec_device){ .path = "/dev/zero", .type = 'c', .major = 1, .minor = 5,
					     .has_file_mode = true, .file_mode = 0600, .has_uid = true, .uid = 9 };
	w.spec.linux_.n_devices = 1;
	rootfs_ctx_init(&w.ctx, &w.spec, w.root);
	w.ctx.in_userns = true;
	ck_assert_msg(rootfs_prepare(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	ck_assert(mount_at(at(w.root, "dev/zero"), NULL, opts));
	ck_assert_msg(strstr(opts, "nosuid") && strstr(opts, "noexec"), "%s", opts);
	ck_assert_int_eq(stat("/dev/zero", &after), 0);
	ck_assert_int_eq(after.st_uid, before.st_uid);
	ck_assert_int_eq(after.st_mode, before.st_mode);
}
END_TEST

START_TEST(idmapped_bind)
{
	struct world w = { 0 };
	struct spec_id_mapping map = { .container_id = 0, .host_id = 100000, .size = 65536 };
	struct spec_mount *m;
	struct stat st;

	world_init(&w);
	mkdirs(at(w.out, "owned"));
	m = add_bind(&w, "/idm", at(w.out, "owned"), 0);
	m->opts.idmap = true;
	m->uid_mappings = m->gid_mappings = &map;
	m->n_uid_mappings = m->n_gid_mappings = 1;
	if (_i == 1) {
		/* as pid 1 of a new pid namespace, like the container's init: /proc shows other pids */
		int status;
		pid_t pid;

		ck_assert_int_eq(unshare(CLONE_NEWPID), 0);
		pid = fork();
		if (pid == 0) {
			if (prepare(&w) < 0) {
				fprintf(stderr, "idmapped_bind in a pid namespace: %s\n", w.err.msg);
				_exit(1);
			}
			_exit(stat(at(w.root, "idm"), &st) == 0 && st.st_uid == 100000 ? 0 : 2);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
		return;
	}
	ck_assert_msg(prepare(&w) == 0, "%s", w.err.msg);
	ck_assert_int_eq(stat(at(w.root, "idm"), &st), 0);
	ck_assert_int_eq(st.st_uid, 100000);
	ck_assert_int_eq(st.st_gid, 100000);

	w.spec.n_mounts = 0;
	m = add_bind(&w, "/idm2", at(w.out, "owned"), 0);
	m->opts.idmap = true;
	ck_assert_int_eq(prepare(&w), -EINVAL);
	ck_assert_msg(strstr(w.err.msg, "mounts[0] (/idm2): "), "%s", w.err.msg);
}
END_TEST

/* `berth spec`'s document through the real parser: every default mount, mask and read-only path. */
START_TEST(default_spec_end_to_end)
{
	struct world w = { 0 };
	struct spec *spec = NULL;
	char *json = spec_default_json(false);
	struct stat st;

	world_init(&w);
	ck_assert_msg(spec_parse(json, strlen(json), &spec, &w.err) == 0, "%s", w.err.msg);
	free(json);
	rootfs_ctx_init(&w.ctx, spec, w.root);
	ck_assert_msg(rootfs_prepare(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	ck_assert_msg(rootfs_pivot(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	ck_assert_msg(rootfs_finish(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	ck_assert_int_eq(stat("/proc/self/exe", &st), 0);
	ck_assert_int_eq(stat("/sys/kernel", &st), 0);
	ck_assert_int_eq(access("/dev/pts/ptmx", F_OK), 0);
	assert_chr("/dev/null", 1, 3, 0666);
	assert_chr("/proc/timer_list", 1, 3, 0);
	ck_assert_int_eq(open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(mkdir("/newdir", 0755), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(mkdir("/dev/shm/ok", 0755), 0);
	rootfs_ctx_release(&w.ctx);
	spec_free(spec);
}
END_TEST

/* The container sees its own cgroup, never the host's whole hierarchy: with a bind of our cgroup
 * (0) or a fresh mount in our own cgroup namespace (1). */
START_TEST(cgroup_shows_only_our_cgroup)
{
	struct world w = { 0 };
	char type[64], *cgroups = NULL, *line, *first = NULL;
	struct stat st;

	world_init(&w);
	ck_assert_int_eq(read_file_at(AT_FDCWD, "/proc/self/cgroup", &cgroups, NULL, 65536), 0);
	if (_i == 1) {
		ck_assert_int_eq(unshare(CLONE_NEWCGROUP), 0);
		w.spec.linux_.namespaces[SPEC_NS_CGROUP].present = true;
	}
	add_mount(&w, "/sys/fs/cgroup", "cgroup", "cgroup", RO_NOEXEC, NULL);
	ck_assert_msg(prepare(&w) == 0, "%s", w.err.msg);
	ck_assert(mount_at(at(w.root, "sys/fs/cgroup"), type, NULL));
	if (!strcmp(type, "cgroup2")) {
		free(cgroups);
		return;
	}
	ck_assert_str_eq(type, "tmpfs");
	ck_assert(mount_at(at(w.root, "sys/fs/cgroup/memory"), type, NULL));
	ck_assert_str_eq(type, "cgroup");
	ck_assert_int_eq(stat(at(w.root, "sys/fs/cgroup/memory/cgroup.procs"), &st), 0);
	ck_assert_int_eq(stat(at(w.root, "sys/fs/cgroup/cpu/cgroup.procs"), &st), 0);
	if ((line = strstr(cgroups, ":memory:/")) && line[9] != '\n') {
		/* our memory cgroup is /a/b...: the host's /a must not be visible */
		first = xasprintf("sys/fs/cgroup/memory/%.*s", (int)strcspn(line + 9, "/\n"), line + 9);
		ck_assert_int_eq(stat(at(w.root, first), &st), -1);
	}
	free(first);
	free(cgroups);
}
END_TEST

static size_t count_mounts(int proc)
{
	cleanup_free char *info = NULL;
	size_t n = 0;

	ck_assert_int_eq(read_file_at(proc, "self/mountinfo", &info, NULL, 1 << 20), 0);
	for (char *p = info; (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

/* No mount namespace of the container's own: nothing mounted, the root entered by chroot. */
START_TEST(host_mounts_only_chroot)
{
	struct world w = { 0 };
	char buf[32] = "";
	cleanup_close int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	size_t before;
	int fd;

	world_init(&w);
	w.spec.linux_.namespaces[SPEC_NS_MOUNT].present = false;
	add_mount(&w, "/tmp", "tmpfs", "tmpfs", 0, NULL);
	before = count_mounts(proc);
	rootfs_ctx_init(&w.ctx, &w.spec, w.root);
	ck_assert(w.ctx.host_mounts);
	ck_assert_msg(rootfs_prepare(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	ck_assert_int_eq(count_mounts(proc), before);
	ck_assert_msg(rootfs_pivot(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	ck_assert_msg(rootfs_finish(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_gt(read(fd, buf, sizeof(buf) - 1), 0);
	close(fd);
	ck_assert_str_eq(buf, "image\n");
	ck_assert_int_ne(access("/dev/null", F_OK), 0);
	rootfs_ctx_release(&w.ctx);
}
END_TEST

static const struct {
	const char *dest, *type;
	bool bind, pidns, ok;
} proc_dests[] = {
	{ "/proc", "proc", false, true, true },
	{ "/proc", "tmpfs", false, true, false },
	{ "/proc", "bind", true, true, false },	  /* another pid namespace's processes */
	{ "/proc", "bind", true, false, true },	  /* the source is checked at mount time */
	{ "/proc/sys", "tmpfs", false, false, false },
	{ "/proc/sys/kernel/core_pattern", "bind", true, false, false },
	{ "/proc/self/attr", "tmpfs", false, false, false },
	{ "/proc/cpuinfo", "bind", true, true, true },
	{ "/proc/sys/kernel/ns_last_pid", "bind", true, true, true },
	{ "/proc/net/dev", "bind", true, true, true },
	{ "/procfs", "tmpfs", false, true, true },
	{ "/tmp/proc", "tmpfs", false, true, true },
};

START_TEST(proc_destinations)
{
	struct spec spec = { 0 };
	struct spec_mount m = { .type = (char *)proc_dests[_i].type, .opts.bind = proc_dests[_i].bind };
	struct error err = { 0 };
	int r;

	spec.linux_.namespaces[SPEC_NS_PID].present = proc_dests[_i].pidns;
	r = rootfs_check_proc_dest(&spec, &m, proc_dests[_i].dest, false, -1, &err);
	ck_assert_msg((r == 0) == proc_dests[_i].ok, "%s (%s): %d %s", proc_dests[_i].dest, proc_dests[_i].type, r,
		      err.msg);
	if (r < 0)
		ck_assert_msg(strstr(err.msg, "is inside /proc"), "%s", err.msg);
}
END_TEST

static Suite *rootfs_suite(void)
{
	Suite *s = suite_create("rootfs");
	TCase *tc = tcase_create("prepare");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, prepare_mounts_and_devices);
	tcase_add_test(tc, mount_errors_name_the_mount);
	tcase_add_loop_test(tc, proc_destinations, 0, (int)ARRAY_SIZE(proc_dests));
	tcase_add_test(tc, host_mounts_only_chroot);
	tcase_add_loop_test(tc, hostile_dev_symlink, 0, 2);
	tcase_add_test(tc, hostile_dev_symlink_host_path);
	tcase_add_test(tc, hostile_mount_destination_symlink);
	tcase_add_test(tc, userns_devices_are_bind_mounts);
	tcase_add_test(tc, userns_devices_are_private_nodes);
	tcase_add_test(tc, userns_fallback_binds_the_host_node_unchanged);
	tcase_add_loop_test(tc, idmapped_bind, 0, 2);
	tcase_add_test(tc, default_spec_end_to_end);
	tcase_add_loop_test(tc, cgroup_shows_only_our_cgroup, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}


int main(void)
{
	return rootfs_test_run(rootfs_suite(), "test_rootfs");
}
