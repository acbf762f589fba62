/* rootfs_pivot/finish/mount_console against a tiny busybox rootfs: pivot, masks, read-only paths,
 * the console; each test in its own mount namespace (root required). */
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

static void standard_mounts(struct world *w)
{
	add_mount(w, "/proc", "proc", "proc", 0, NULL);
	add_mount(w, "/dev", "tmpfs", "tmpfs", MS_NOSUID, "mode=755");
	add_mount(w, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC, PTS_OPTS);
}

/* Pivot into the root, then masks, read-only paths and a read-only root; checked from inside. */
START_TEST(pivot_and_finish)
{
	struct world w = { 0 };
	char *masked[] = { "/proc/timer_list", "/proc/acpi", "/etc/secret", "/etc/hostname", "/nope",
			   "/etc/hostname/x", NULL };
	char *readonly[] = { "/proc/sys", "/opt", "/nothing", NULL };
	struct spec_mount *m;
	char optional[256];
	struct stat st;

	world_init(&w);
	mkdirs(at(w.root, "etc/secret"));
	write_file(at(w.root, "etc/secret/key"), "k");
	standard_mounts(&w);
	add_mount(&w, "/tmp", "tmpfs", "tmpfs", 0, NULL);
	m = add_mount(&w, "/shared", "tmpfs", "tmpfs", 0, NULL);
	m->opts.propagation[m->opts.n_propagation++] = MS_SHARED;
	w.spec.linux_.masked_paths = masked;
	w.spec.linux_.readonly_paths = readonly;
	w.spec.root_readonly = true;
	/* 0: pivot_root, 1: --no-pivot, 2: pivot_root with a shared root, which it refuses until unshared */
	w.spec.linux_.rootfs_propagation = _i == 2 ? MS_SHARED | MS_REC : _i == 1 ? 0 : MS_PRIVATE;
	ck_assert_msg(prepare(&w) == 0, "%s", w.err.msg);
	w.ctx.no_pivot = _i == 1;
	ck_assert_msg(rootfs_pivot(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	ck_assert_int_eq(access("/bin/busybox", X_OK), 0);
	ck_assert_int_eq(stat(w.root, &st), -1); /* the host's paths are gone */
	ck_assert_msg(rootfs_finish(&w.ctx, &w.err) == 0, "%s", w.err.msg);

	assert_chr("/proc/timer_list", 1, 3, 0);
	assert_chr("/etc/hostname", 1, 3, 0);
	ck_assert_uint_eq(count_entries("/etc/secret"), 0);
	ck_assert_uint_eq(count_entries("/proc/acpi"), 0);
	ck_assert_int_eq(mkdir("/proc/acpi/x", 0755), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(mkdir("/etc/secret/x", 0755), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(open("/proc/sys/kernel/hostname", O_WRONLY | O_CLOEXEC), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(mkdir("/opt/x", 0755), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(mkdir("/newdir", 0755), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(mkdir("/tmp/ok", 0755), 0); /* other mounts keep their own flags */
	ck_assert_int_eq(access("/dev/null", W_OK), 0);
	mount_optional("/shared", optional, sizeof(optional));
	ck_assert_msg(strstr(optional, "shared:"), "/shared has [%s]", optional);
}
END_TEST

/* Root of a user namespace without its own net/pid namespaces: devices and sysfs become binds, a
 * read-only root keeps the flags the namespace may not drop. */
START_TEST(rootless_in_a_user_namespace)
{
	struct world w = { 0 };
	char *masked[] = { "/etc/hostname", "/sys/kernel", NULL };
	char type[64], opts[512];

	world_init_ns(&w, true);
	mkdirs(at(w.out, "share"));
	add_mount(&w, "/dev", "tmpfs", "tmpfs", MS_NOSUID, "mode=755");
	add_mount(&w, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666");
	add_mount(&w, "/sys", "sysfs", "sysfs", RO_NOEXEC, NULL);
	add_mount(&w, "/tmp", "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV, NULL);
	add_bind(&w, "/data", at(w.out, "share"), MS_RDONLY)->opts.recursive = true;
	w.spec.linux_.masked_paths = masked;
	w.spec.root_readonly = true;
	rootfs_ctx_init(&w.ctx, &w.spec, w.root);
	w.ctx.in_userns = true;
	ck_assert_msg(rootfs_prepare(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	ck_assert(mount_at(at(w.root, "sys"), type, opts));
	ck_assert_str_eq(type, "sysfs");
	ck_assert(has_opt(opts, "ro"));
	ck_assert(mount_at(at(w.root, "dev/null"), NULL, NULL));
	ck_assert_msg(rootfs_pivot(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	ck_assert_msg(rootfs_finish(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	assert_chr("/dev/null", 1, 3, 0);
	assert_chr("/etc/hostname", 1, 3, 0);
	ck_assert_uint_eq(count_entries("/sys/kernel"), 0);
	ck_assert_int_eq(mkdir("/newdir", 0755), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(mkdir("/data/x", 0755), -1);
	ck_assert_int_eq(errno, EROFS);
	ck_assert_int_eq(mkdir("/tmp/ok", 0755), 0);
}
END_TEST

/* maskedPaths with the image's /dev/null a symlink to a host file: the mask is still the real 1:3. */
START_TEST(masks_ignore_a_hostile_dev_null)
{
	struct world w = { 0 };
	char *masked[] = { "/etc/hostname", "/proc/timer_list", NULL };
	char fakedev[PATH_MAX];

	world_init(&w);
	snprintf(fakedev, sizeof(fakedev), "%s/fakedev", w.bundle);
	mkdirs(fakedev);
	ck_assert_int_eq(symlink("/etc/passwd", at(fakedev, "null")), 0);
	add_mount(&w, "/proc", "proc", "proc", 0, NULL);
	add_bind(&w, "/dev", fakedev, 0)->opts.recursive = true;
	w.spec.linux_.masked_paths = masked;
	ck_assert_msg(prepare(&w) == 0, "%s", w.err.msg);
	ck_assert_uint_eq(count_entries(fakedev), 1); /* /dev is bound: berth adds nothing there */
	ck_assert_msg(rootfs_pivot(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	ck_assert_msg(rootfs_finish(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	assert_chr("/etc/hostname", 1, 3, 0);
	assert_chr("/proc/timer_list", 1, 3, 0);
}
END_TEST

static int open_pty(int *master)
{
	char name[64];
	int slave;

	*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_msg(*master >= 0, "open /dev/ptmx: %s", strerror(errno));
	ck_assert_int_eq(unlockpt(*master), 0);
	ck_assert_int_eq(ptsname_r(*master, name, sizeof(name)), 0);
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_msg(slave >= 0, "open %s: %s", name, strerror(errno));
	return slave;
}

START_TEST(console_is_the_pty)
{
	struct world w = { 0 };
	struct error err = { 0 };
	struct stat st, pty;
	int master, slave;

	world_init(&w);
	standard_mounts(&w);
	ck_assert_msg(prepare(&w) == 0, "%s", w.err.msg);
	ck_assert_msg(rootfs_pivot(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	slave = open_pty(&master);
	if (_i == 1)
		write_file("/dev/console", "pre-existing file");
	if (_i == 2)
		ck_assert_int_eq(symlink("/etc/hostname", "/dev/console"), 0);
	ck_assert_msg(rootfs_mount_console(slave, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(stat("/dev/console", &st), 0);
	ck_assert_int_eq(fstat(slave, &pty), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == pty.st_rdev);
	ck_assert_int_eq(lstat("/etc/hostname", &st), 0);
	ck_assert(S_ISREG(st.st_mode) && st.st_size == 6); /* "image\n": the symlink's target untouched */
}
END_TEST

START_TEST(console_refuses_dir_and_fifo)
{
	struct world w = { 0 };
	struct error err = { 0 };
	int master, slave;

	world_init(&w);
	standard_mounts(&w);
	ck_assert_msg(prepare(&w) == 0, "%s", w.err.msg);
	ck_assert_msg(rootfs_pivot(&w.ctx, &w.err) == 0, "%s", w.err.msg);
	slave = open_pty(&master);
	if (_i == 0)
		ck_assert_int_eq(mkfifo("/dev/console", 0600), 0);
	else
		ck_assert_int_eq(mkdir("/dev/console", 0755), 0);
	ck_assert_int_eq(rootfs_mount_console(slave, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "/dev/console is a "), "%s", err.msg);
}
END_TEST

static Suite *rootfs_pivot_suite(void)
{
	Suite *s = suite_create("rootfs_pivot");
	TCase *tc = tcase_create("pivot");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, pivot_and_finish, 0, 3);
	tcase_add_test(tc, rootless_in_a_user_namespace);
	tcase_add_test(tc, masks_ignore_a_hostile_dev_null);
	tcase_add_loop_test(tc, console_is_the_pty, 0, 3);
	tcase_add_loop_test(tc, console_refuses_dir_and_fifo, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}


int main(void)
{
	return rootfs_test_run(rootfs_pivot_suite(), "test_rootfs_pivot");
}
