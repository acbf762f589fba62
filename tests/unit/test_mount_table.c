/* Unit tests for runtime/mount_table.c: the cgroup mounts from a mountinfo text, and listmount's
 * answer on this host against mountinfo's. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/mount_table.h"
#include "runtime/util.h"

/* 20 "/" and 30 "/sys" hold the host's hierarchies; 60 is a container's root with an rbind of /sys
 * (70) carrying its own view of the cpu hierarchy (71). */
static const char sample[] =
	"20 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	"30 20 0:5 / /sys rw shared:2 - sysfs sysfs rw\n"
	"31 30 0:28 / /sys/fs/cgroup rw shared:3 - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw shared:4 master:9 - cgroup cgroup rw,cpu,cpuacct\n"
	"33 31 0:30 / /sys/fs/cgroup/name\\040with\\040space rw - cgroup cgroup rw,name=systemd\n"
	"34 31 0:31 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate\n"
	"60 20 0:50 / /run/c/rootfs rw - overlay none rw,lowerdir=/a\n"
	"70 60 0:5 / /run/c/rootfs/sys rw - sysfs sysfs rw\n"
	"71 70 0:29 /berth /run/c/rootfs/sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu,cpuacct\n"
	"malformed line without the separator\n";

START_TEST(parse_keeps_cgroup_mounts)
{
	char *text = xstrdup(sample);
	struct mount_table t;

	mount_table_parse(text, &t, 0);
	ck_assert_uint_eq(t.n, 4);
	ck_assert_str_eq(t.e[0].point, "/sys/fs/cgroup/cpu,cpuacct");
	ck_assert_str_eq(t.e[0].fstype, "cgroup");
	ck_assert_str_eq(t.e[0].opts, "rw,cpu,cpuacct");
	ck_assert_uint_eq(t.e[0].major, 0);
	ck_assert_uint_eq(t.e[0].minor, 29);
	ck_assert_uint_eq(t.e[0].id, 32);
	ck_assert_uint_eq(t.e[0].parent, 31);
	ck_assert_str_eq(t.e[1].point, "/sys/fs/cgroup/name with space");
	ck_assert_str_eq(t.e[2].fstype, "cgroup2");
	ck_assert_str_eq(t.e[3].root, "/berth");
	mount_table_free(&t);
	free(text);
}
END_TEST

START_TEST(parse_skips_the_tree_below)
{
	char *text = xstrdup(sample);
	struct mount_table t;

	mount_table_parse(text, &t, 60);
	ck_assert_uint_eq(t.n, 3);
	for (size_t i = 0; i < t.n; i++)
		ck_assert_msg(strncmp(t.e[i].point, "/run/c/", 7) != 0, "%s kept", t.e[i].point);
	mount_table_free(&t);
	free(text);
}
END_TEST

/* listmount and statmount, when the kernel has them, give what mountinfo gives for the mounts below
 * /sys/fs/cgroup; without them both answers come from mountinfo. */
/* The entries below /sys/fs/cgroup/, in order. */
static size_t below_cgroup_fs(const struct mount_table *t, const struct mount_entry **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n && n < max; i++)
		if (strncmp(t->e[i].point, "/sys/fs/cgroup/", 15) == 0)
			out[n++] = &t->e[i];
	return n;
}

START_TEST(listmount_agrees_with_mountinfo)
{
	const struct mount_entry *f[64], *s[64];
	struct mount_table fast, slow;
	struct error err = { 0 };
	size_t nf, ns;

	ck_assert_msg(mount_table_cgroups(&fast, 0, &err) == 0, "%s", err.msg);
	ck_assert_msg(mount_table_cgroups_mountinfo(&slow, 0, &err) == 0, "%s", err.msg);
	nf = below_cgroup_fs(&fast, f, 64);
	ns = below_cgroup_fs(&slow, s, 64);
	ck_assert_uint_eq(nf, ns);
	for (size_t i = 0; i < ns; i++) {
		ck_assert_str_eq(f[i]->point, s[i]->point);
		ck_assert_str_eq(f[i]->fstype, s[i]->fstype);
		ck_assert_str_eq(f[i]->root, s[i]->root);
		ck_assert_uint_eq(f[i]->id, s[i]->id);
		ck_assert_uint_eq(f[i]->parent, s[i]->parent);
		ck_assert_uint_eq(f[i]->major, s[i]->major);
		ck_assert_uint_eq(f[i]->minor, s[i]->minor);
		/* mountinfo's super options lead with rw or ro, statmount's do not */
		ck_assert_msg(strstr(s[i]->opts, f[i]->opts), "%s: \"%s\" not in \"%s\"", s[i]->point, f[i]->opts,
			      s[i]->opts);
	}
	mount_table_free(&fast);
	mount_table_free(&slow);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mount_table");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, parse_keeps_cgroup_mounts);
	tcase_add_test(tc, parse_skips_the_tree_below);
	tcase_add_test(tc, listmount_agrees_with_mountinfo);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
