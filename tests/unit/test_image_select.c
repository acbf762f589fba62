/* Unit tests for choosing an image in an OCI layout (ref name, platform, variant) and for the image User. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/image.h"
#include "runtime/util.h"

static const struct image_platform amd64 = { "linux", "amd64", NULL };

#define C(d, ref, os, arch, var) { d, ref, os, arch, var }

START_TEST(host_platform_uses_goarch_names)
{
	struct image_platform p;

	image_host_platform(&p);
	ck_assert_str_eq(p.os, "linux");
	ck_assert_str_ne(p.arch, "x86_64");
	ck_assert_str_ne(p.arch, "aarch64");
}
END_TEST

START_TEST(single_image_without_platform_is_taken)
{
	const struct image_candidate c[] = { C("sha256:a", NULL, NULL, NULL, NULL) };
	struct error err = { 0 };
	size_t pick = 9;

	ck_assert_int_eq(image_select(c, 1, NULL, &amd64, &pick, &err), 0);
	ck_assert_uint_eq(pick, 0);
}
END_TEST

START_TEST(platform_picks_among_a_multiarch_index)
{
	const struct image_candidate c[] = {
		C("sha256:a", "app:1", "linux", "arm64", "v8"), C("sha256:b", "app:1", "linux", "amd64", NULL),
		C("sha256:c", "app:1", "linux", "arm", "v7"), C("sha256:d", "app:1", "unknown", "unknown", NULL),
	};
	struct error err = { 0 };
	size_t pick = 9;

	ck_assert_msg(image_select(c, 4, NULL, &amd64, &pick, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(pick, 1);
	ck_assert_msg(image_select(c, 4, "app:1", &amd64, &pick, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(pick, 1);
}
END_TEST

START_TEST(ref_name_picks_and_a_wrong_one_lists_the_offer)
{
	const struct image_candidate c[] = {
		C("sha256:a", "one", NULL, NULL, NULL), C("sha256:b", "two", "linux", "amd64", NULL),
	};
	struct error err = { 0 };
	size_t pick = 9;

	ck_assert_int_eq(image_select(c, 2, "two", &amd64, &pick, &err), 0);
	ck_assert_uint_eq(pick, 1);
	ck_assert_int_eq(image_select(c, 2, "three", &amd64, &pick, &err), -ENOENT);
	ck_assert_msg(strstr(err.msg, "no image named three") && strstr(err.msg, "one (any platform)") &&
		      strstr(err.msg, "two (linux/amd64)"), "%s", err.msg);
}
END_TEST

START_TEST(ambiguous_choice_lists_refs_and_platforms)
{
	const struct image_candidate c[] = {
		C("sha256:a", "one", NULL, NULL, NULL), C("sha256:b", "two", NULL, NULL, NULL),
	};
	struct error err = { 0 };
	size_t pick = 9;

	ck_assert_int_eq(image_select(c, 2, NULL, &amd64, &pick, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "several images") && strstr(err.msg, "one") && strstr(err.msg, "two") &&
		      strstr(err.msg, "--ref"), "%s", err.msg);
}
END_TEST

START_TEST(no_image_for_the_host_platform)
{
	const struct image_candidate c[] = {
		C("sha256:a", "app", "linux", "arm64", NULL), C("sha256:b", "app", "windows", "amd64", NULL),
	};
	struct error err = { 0 };
	size_t pick = 9;

	ck_assert_int_eq(image_select(c, 2, "app", &amd64, &pick, &err), -ENOENT);
	ck_assert_msg(strstr(err.msg, "for linux/amd64") && strstr(err.msg, "app (linux/arm64)") &&
		      strstr(err.msg, "app (windows/amd64)"), "%s", err.msg);
}
END_TEST

START_TEST(variant_decides_only_when_several_match)
{
	const struct image_platform arm64 = { "linux", "arm64", "v8" };
	const struct image_candidate one[] = { C("sha256:a", NULL, "linux", "arm64", "v9") };
	const struct image_candidate two[] = {
		C("sha256:a", NULL, "linux", "arm64", "v9"), C("sha256:b", NULL, "linux", "arm64", "v8"),
	};
	const struct image_candidate amd[] = {
		C("sha256:a", NULL, "linux", "amd64", "v3"), C("sha256:b", NULL, "linux", "amd64", NULL),
	};
	const struct image_candidate both[] = {
		C("sha256:a", NULL, "linux", "amd64", "v2"), C("sha256:b", NULL, "linux", "amd64", "v3"),
	};
	struct error err = { 0 };
	size_t pick = 9;

	ck_assert_int_eq(image_select(one, 1, NULL, &arm64, &pick, &err), 0);
	ck_assert_uint_eq(pick, 0);
	ck_assert_int_eq(image_select(two, 2, NULL, &arm64, &pick, &err), 0);
	ck_assert_uint_eq(pick, 1);
	ck_assert_int_eq(image_select(amd, 2, NULL, &amd64, &pick, &err), 0);
	ck_assert_uint_eq(pick, 1);
	ck_assert_int_eq(image_select(both, 2, NULL, &amd64, &pick, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "linux/amd64/v2") && strstr(err.msg, "linux/amd64/v3"), "%s", err.msg);
}
END_TEST

START_TEST(same_manifest_twice_is_one_image)
{
	const struct image_candidate c[] = {
		C("sha256:a", "x:1", NULL, NULL, NULL), C("sha256:a", "x:latest", NULL, NULL, NULL),
	};
	struct error err = { 0 };
	size_t pick = 9;

	ck_assert_int_eq(image_select(c, 2, NULL, &amd64, &pick, &err), 0);
	ck_assert_uint_eq(pick, 0);
}
END_TEST

static void put(int dirfd, const char *path, const char *data)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

/* A root with etc/passwd and etc/group. */
static int make_root(char *dir)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(mkdirat(fd, "etc", 0755), 0);
	const char *passwd = "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n"
			     "nobody:x:65534:65534::/:/bin/false\n";
	const char *group = "root:x:0:\napp:x:1001:\nwheel:x:10:root,app\naudio:x:29:app\nstaff:x:50:other\n";
	put(fd, "etc/passwd", passwd);
	put(fd, "etc/group", group);
	return fd;
}

START_TEST(user_resolution)
{
	char dir[] = "/tmp/berth-test-user-XXXXXX";
	int fd = make_root(dir);
	struct error err = { 0 };
	uint32_t uid, gid, *gids = NULL;
	size_t n;

	ck_assert_msg(image_resolve_user(fd, "app", &uid, &gid, &gids, &n, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(uid, 1000);
	ck_assert_uint_eq(gid, 1001);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(gids[0], 10);
	ck_assert_uint_eq(gids[1], 29);
	free(gids);
	ck_assert_int_eq(image_resolve_user(fd, "1000", &uid, &gid, &gids, &n, &err), 0);
	ck_assert_uint_eq(gid, 1001);
	ck_assert_uint_eq(n, 2);
	free(gids);
	ck_assert_int_eq(image_resolve_user(fd, "app:wheel", &uid, &gid, &gids, &n, &err), 0);
	ck_assert_uint_eq(gid, 10);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(image_resolve_user(fd, "4242:7", &uid, &gid, &gids, &n, &err), 0);
	ck_assert_uint_eq(uid, 4242);
	ck_assert_uint_eq(gid, 7);
	ck_assert_int_eq(image_resolve_user(fd, NULL, &uid, &gid, &gids, &n, &err), 0);
	ck_assert_uint_eq(uid, 0);
	ck_assert_uint_eq(n, 1);
	free(gids);
	ck_assert_int_eq(image_resolve_user(fd, "ghost", &uid, &gid, &gids, &n, &err), -ENOENT);
	ck_assert_msg(strstr(err.msg, "no user ghost"), "%s", err.msg);
	ck_assert_int_eq(image_resolve_user(fd, "app:nogroup", &uid, &gid, &gids, &n, &err), -ENOENT);
	ck_assert_msg(strstr(err.msg, "no group nogroup"), "%s", err.msg);
	close(fd);
	layer_remove_tree(AT_FDCWD, dir, &err);
}
END_TEST

static Suite *select_suite(void)
{
	Suite *s = suite_create("image_select");
	TCase *tc = tcase_create("select");

	tcase_add_test(tc, host_platform_uses_goarch_names);
	tcase_add_test(tc, single_image_without_platform_is_taken);
	tcase_add_test(tc, platform_picks_among_a_multiarch_index);
	tcase_add_test(tc, ref_name_picks_and_a_wrong_one_lists_the_offer);
	tcase_add_test(tc, ambiguous_choice_lists_refs_and_platforms);
	tcase_add_test(tc, no_image_for_the_host_platform);
	tcase_add_test(tc, variant_decides_only_when_several_match);
	tcase_add_test(tc, same_manifest_twice_is_one_image);
	tcase_add_test(tc, user_resolution);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(select_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
