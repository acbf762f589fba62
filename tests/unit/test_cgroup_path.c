/* Unit tests for cgroup/path.c: --cgroup-manager and linux.cgroupsPath -> the cgroupfs path. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"

static char *resolve_ok(enum cgroup_manager m, const char *path, const char *id)
{
	struct error err = { 0 };
	char *out = NULL;

	ck_assert_msg(cgroup_path_resolve(m, path, id, &out, &err) == 0, "%s: %s", path ? path : "(null)", err.msg);
	return out;
}

static void expect(enum cgroup_manager m, const char *path, const char *want)
{
	char *got = resolve_ok(m, path, "c1");

	ck_assert_str_eq(got, want);
	free(got);
}

static void expect_error(enum cgroup_manager m, const char *path, const char *msg)
{
	struct error err = { 0 };
	char *out = NULL;

	ck_assert_int_eq(cgroup_path_resolve(m, path, "c1", &out, &err), -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_msg(strstr(err.msg, msg), "\"%s\" lacks \"%s\"", err.msg, msg);
}

START_TEST(cgroupfs_paths)
{
	expect(CGROUP_MANAGER_CGROUPFS, NULL, "/berth/c1");
	expect(CGROUP_MANAGER_CGROUPFS, "", "/berth/c1");
	expect(CGROUP_MANAGER_CGROUPFS, "/kubepods/pod1/c1", "/kubepods/pod1/c1");
	expect(CGROUP_MANAGER_CGROUPFS, "tenant-a/web", "/berth/tenant-a/web");
	expect_error(CGROUP_MANAGER_CGROUPFS, "machine.slice:libpod:c1", "--systemd-cgroup");
}
END_TEST

START_TEST(systemd_paths)
{
	expect(CGROUP_MANAGER_SYSTEMD, NULL, "/system.slice/berth-c1.scope");
	expect(CGROUP_MANAGER_SYSTEMD, "machine.slice:libpod:abc", "/machine.slice/libpod-abc.scope");
	expect(CGROUP_MANAGER_SYSTEMD, ":libpod:abc", "/system.slice/libpod-abc.scope");
	expect(CGROUP_MANAGER_SYSTEMD, "a-b-c.slice:p:n", "/a.slice/a-b.slice/a-b-c.slice/p-n.scope");
	expect(CGROUP_MANAGER_SYSTEMD, "-.slice:p:n", "/p-n.scope");
	expect(CGROUP_MANAGER_SYSTEMD, "user.slice::n", "/user.slice/n.scope");
	expect(CGROUP_MANAGER_SYSTEMD, "user.slice:p:sub.slice", "/user.slice/sub.slice");
	expect_error(CGROUP_MANAGER_SYSTEMD, "/berth/c1", "slice:prefix:name");
	expect_error(CGROUP_MANAGER_SYSTEMD, "a:b", "slice:prefix:name");
	expect_error(CGROUP_MANAGER_SYSTEMD, "a:b:c:d", "slice:prefix:name");
	expect_error(CGROUP_MANAGER_SYSTEMD, "machine:p:n", "not a valid systemd slice");
	expect_error(CGROUP_MANAGER_SYSTEMD, "a--b.slice:p:n", "not a valid systemd slice");
	expect_error(CGROUP_MANAGER_SYSTEMD, "machine.slice:p:../x", "bad prefix or name");
}
END_TEST

START_TEST(disabled_and_manager_names)
{
	struct error err = { 0 };
	enum cgroup_manager m;
	char *out = (char *)"x";

	ck_assert_int_eq(cgroup_path_resolve(CGROUP_MANAGER_DISABLED, "/x", "c1", &out, &err), 0);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(cgroup_manager_parse("systemd", &m, &err), 0);
	ck_assert_int_eq(m, CGROUP_MANAGER_SYSTEMD);
	ck_assert_int_eq(cgroup_manager_parse("cgroupfs", &m, &err), 0);
	ck_assert_int_eq(m, CGROUP_MANAGER_CGROUPFS);
	ck_assert_int_eq(cgroup_manager_parse("disabled", &m, &err), 0);
	ck_assert_int_eq(m, CGROUP_MANAGER_DISABLED);
	ck_assert_int_eq(cgroup_manager_parse("openrc", &m, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "\"openrc\""));
}
END_TEST

START_TEST(create_refuses_bad_paths)
{
	static const char *const bad[] = { "relative", "/", "/a/../b", "/a//b", "/a/./b", "/a/" };
	struct error err = { 0 };
	struct cgroup *cg = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(cgroup_create(bad[i], NULL, &cg, &err), -EINVAL);
		ck_assert_ptr_null(cg);
		ck_assert_msg(strstr(err.msg, bad[i]), "%s: %s", bad[i], err.msg);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cgroup_path");
	TCase *tc = tcase_create("path");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, cgroupfs_paths);
	tcase_add_test(tc, systemd_paths);
	tcase_add_test(tc, disabled_and_manager_names);
	tcase_add_test(tc, create_refuses_bad_paths);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
