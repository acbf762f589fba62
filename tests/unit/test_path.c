/* Unit tests for safe path resolution inside a root: rootfs_open_in_root and rootfs_mkdir_in_root. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/rootfs.h"
#include "runtime/util.h"

static char base[] = "/tmp/berth-test-path-XXXXXX";
static char root[sizeof(base) + 8];
static char outside[sizeof(base) + 8];
static int rootfd = -1;

static void mkfile(const char *dir, const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);
	int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	ck_assert_msg(fd >= 0, "create %s", p);
	close(fd);
	free(p);
}

static void mkdirs(const char *dir, const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);

	ck_assert_int_eq(mkdir_p(p, 0755), 0);
	free(p);
}

static void mklink(const char *target, const char *rel)
{
	char *p = xasprintf("%s/%s", root, rel);

	ck_assert_msg(symlink(target, p) == 0, "symlink %s", p);
	free(p);
}

static bool exists(const char *dir, const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);
	struct stat st;
	bool r = lstat(p, &st) == 0;

	free(p);
	return r;
}

/* True when fd refers to the same inode as dir/rel on the host. */
static bool same_file(int fd, const char *dir, const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);
	struct stat a, b;
	bool r;

	ck_assert_int_eq(fstat(fd, &a), 0);
	r = stat(p, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	free(p);
	return r;
}

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(base));
	snprintf(root, sizeof(root), "%s/root", base);
	snprintf(outside, sizeof(outside), "%s/out", base);
	mkdirs(root, "etc");
	mkdirs(root, "a/b");
	mkdirs(outside, "etc");
	mkfile(root, "etc/passwd");
	mkfile(root, "a/b/file");
	mkfile(outside, "secret");
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(rootfd, 0);
}

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", base);

	close(rootfd);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	strcpy(base, "/tmp/berth-test-path-XXXXXX");
}

static int open_in(const char *path, int flags, struct error *err)
{
	error_clear(err);
	return rootfs_open_in_root(rootfd, path, flags, 0, err);
}

START_TEST(plain_paths_resolve)
{
	struct error err = { 0 };
	int fd = open_in("/etc/passwd", O_RDONLY, &err);

	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert(same_file(fd, root, "etc/passwd"));
	close(fd);
	fd = open_in("a/b/file", O_PATH, &err);
	ck_assert(same_file(fd, root, "a/b/file"));
	close(fd);
	fd = open_in("/", O_PATH | O_DIRECTORY, &err);
	ck_assert(same_file(fd, root, "."));
	close(fd);
	ck_assert_int_ge(fcntl(rootfd, F_GETFD), 0);
}
END_TEST

START_TEST(dotdot_stays_at_root)
{
	struct error err = { 0 };
	int fd = open_in("/..", O_PATH | O_DIRECTORY, &err);

	ck_assert(same_file(fd, root, "."));
	close(fd);
	fd = open_in("../../../../etc/passwd", O_RDONLY, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert(same_file(fd, root, "etc/passwd"));
	close(fd);
	fd = open_in("/a/b/../../../../../../out/secret", O_RDONLY, &err);
	ck_assert_int_eq(fd, -ENOENT);
}
END_TEST

START_TEST(absolute_symlinks_resolve_in_root)
{
	struct error err = { 0 };
	int fd;

	mklink("/", "toroot");
	mklink("/etc", "toetc");
	mklink("/etc/passwd", "pw");
	fd = open_in("/toroot/etc/passwd", O_RDONLY, &err);
	ck_assert(same_file(fd, root, "etc/passwd"));
	close(fd);
	fd = open_in("toetc", O_PATH | O_DIRECTORY, &err);
	ck_assert(same_file(fd, root, "etc"));
	close(fd);
	fd = open_in("pw", O_RDONLY, &err);
	ck_assert(same_file(fd, root, "etc/passwd"));
	close(fd);
}
END_TEST

START_TEST(relative_symlinks_cannot_climb_out)
{
	struct error err = { 0 };
	int fd;

	mklink("../../../../../..", "a/up");
	mklink("../out/secret", "leak");
	fd = open_in("/a/up/etc/passwd", O_RDONLY, &err);
	ck_assert(same_file(fd, root, "etc/passwd"));
	close(fd);
	ck_assert_int_eq(open_in("leak", O_RDONLY, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "leak"));
}
END_TEST

START_TEST(symlinked_intermediate_directory)
{
	struct error err = { 0 };
	int fd;

	mklink("a/b", "ab");
	mklink("/a", "abs_a");
	fd = open_in("/ab/file", O_RDONLY, &err);
	ck_assert(same_file(fd, root, "a/b/file"));
	close(fd);
	fd = open_in("/abs_a/b/file", O_RDONLY, &err);
	ck_assert(same_file(fd, root, "a/b/file"));
	close(fd);
}
END_TEST

START_TEST(symlink_loops_are_eloop)
{
	struct error err = { 0 };

	mklink("loop2", "loop1");
	mklink("/loop1", "loop2");
	mklink("self", "self");
	ck_assert_int_eq(open_in("/loop1", O_RDONLY, &err), -ELOOP);
	ck_assert_ptr_nonnull(strstr(err.msg, "/loop1"));
	ck_assert_int_eq(open_in("/self/x", O_RDONLY, &err), -ELOOP);
	ck_assert_ptr_nonnull(strstr(err.msg, "/self/x"));
	error_clear(&err);
	ck_assert_int_eq(rootfs_mkdir_in_root(rootfd, "/loop1/sub", 0755, &err), -ELOOP);
	ck_assert_ptr_nonnull(strstr(err.msg, "/loop1/sub"));
}
END_TEST

START_TEST(missing_and_notdir)
{
	struct error err = { 0 };

	ck_assert_int_eq(open_in("/nope/x", O_RDONLY, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nope/x"));
	ck_assert_int_eq(open_in("/etc/passwd/x", O_RDONLY, &err), -ENOTDIR);
	error_clear(&err);
	ck_assert_int_eq(rootfs_mkdir_in_root(rootfd, "/etc/passwd/x", 0755, &err), -ENOTDIR);
	ck_assert_ptr_nonnull(strstr(err.msg, "/etc/passwd"));
}
END_TEST

START_TEST(magic_links_refused)
{
	struct error err = { 0 };

	mklink("/proc/self/root", "magic");
	/* /proc is not in this root, so the link dangles in root: never the host's */
	ck_assert_int_lt(open_in("/magic/etc", O_PATH, &err), 0);
}
END_TEST

START_TEST(mkdir_creates_and_reuses)
{
	struct error err = { 0 };
	int fd = rootfs_mkdir_in_root(rootfd, "/x/y//z/", 0755, &err);

	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert(exists(root, "x/y/z"));
	ck_assert(same_file(fd, root, "x/y/z"));
	close(fd);
	fd = rootfs_mkdir_in_root(rootfd, "/x/y/z", 0755, &err);
	ck_assert(same_file(fd, root, "x/y/z"));
	close(fd);
	fd = rootfs_mkdir_in_root(rootfd, "/", 0755, &err);
	ck_assert(same_file(fd, root, "."));
	close(fd);
}
END_TEST

START_TEST(mkdir_through_symlinks_stays_in)
{
	struct error err = { 0 };
	char *abs_out = xasprintf("%s/made", outside);
	int fd;

	mklink("../../../../../../../..", "up");
	mklink(outside, "hostabs");
	mklink("/etc", "etclink");
	fd = rootfs_mkdir_in_root(rootfd, "/up/tmp/new", 0755, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert(same_file(fd, root, "tmp/new"));
	close(fd);
	/* a dangling absolute symlink to a host path is created inside the root, not on the host */
	fd = rootfs_mkdir_in_root(rootfd, "/hostabs/made", 0755, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert(!exists(outside, "made"));
	ck_assert_int_eq(access(abs_out, F_OK), -1);
	free(abs_out);
	abs_out = xasprintf("%s/made", outside + 1);
	ck_assert(same_file(fd, root, abs_out));
	close(fd);
	fd = rootfs_mkdir_in_root(rootfd, "/etclink/sub", 0755, &err);
	ck_assert(same_file(fd, root, "etc/sub"));
	close(fd);
	free(abs_out);
}
END_TEST

START_TEST(mkdir_dangling_relative_symlink)
{
	struct error err = { 0 };
	int fd;

	mklink("../../../gone/deeper", "a/dangle");
	fd = rootfs_mkdir_in_root(rootfd, "/a/dangle/leaf", 0755, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert(same_file(fd, root, "gone/deeper/leaf"));
	ck_assert(!exists(base, "gone"));
	close(fd);
}
END_TEST

START_TEST(create_file_through_dangling_symlinks)
{
	struct error err = { 0 };
	int fd;

	/* relative, with a missing parent; a chain of two; absolute; climbing out */
	mklink("../new/dir/f", "a/rel");
	mklink("/a/hop2", "a/hop1");
	mklink("x/y", "a/hop2");
	mklink("/abs/f", "abs-link");
	mklink("../../../../../../out/planted", "a/climb");
	fd = rootfs_create_file_in_root(rootfd, "/a/rel", 0644, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert(same_file(fd, root, "new/dir/f"));
	close(fd);
	fd = rootfs_create_file_in_root(rootfd, "/a/hop1", 0644, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert(same_file(fd, root, "a/x/y"));
	close(fd);
	fd = rootfs_create_file_in_root(rootfd, "/abs-link", 0644, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert(same_file(fd, root, "abs/f"));
	close(fd);
	fd = rootfs_create_file_in_root(rootfd, "/a/climb", 0644, &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert(same_file(fd, root, "out/planted"));
	ck_assert(!exists(outside, "planted"));
	close(fd);
	/* an existing file is opened, not recreated */
	fd = rootfs_create_file_in_root(rootfd, "/a/b/file", 0644, &err);
	ck_assert(same_file(fd, root, "a/b/file"));
	close(fd);
}
END_TEST

START_TEST(create_file_symlink_loop_is_eloop)
{
	struct error err = { 0 };

	mklink("loop2", "a/loop1");
	mklink("loop1", "a/loop2");
	ck_assert_int_eq(rootfs_create_file_in_root(rootfd, "/a/loop1", 0644, &err), -ELOOP);
	ck_assert_msg(strstr(err.msg, "symlink loop"), "%s", err.msg);
}
END_TEST

static Suite *path_suite(void)
{
	Suite *s = suite_create("path");
	TCase *tc = tcase_create("in_root");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, plain_paths_resolve);
	tcase_add_test(tc, dotdot_stays_at_root);
	tcase_add_test(tc, absolute_symlinks_resolve_in_root);
	tcase_add_test(tc, relative_symlinks_cannot_climb_out);
	tcase_add_test(tc, symlinked_intermediate_directory);
	tcase_add_test(tc, symlink_loops_are_eloop);
	tcase_add_test(tc, missing_and_notdir);
	tcase_add_test(tc, magic_links_refused);
	tcase_add_test(tc, mkdir_creates_and_reuses);
	tcase_add_test(tc, mkdir_through_symlinks_stays_in);
	tcase_add_test(tc, mkdir_dangling_relative_symlink);
	tcase_add_test(tc, create_file_through_dangling_symlinks);
	tcase_add_test(tc, create_file_symlink_loop_is_eloop);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(path_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
