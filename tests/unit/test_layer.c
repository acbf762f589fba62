/* Unit tests for layer entry names, whiteouts and confinement of layer_apply. */
#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "rootfs/image.h"
#include "runtime/util.h"

static char root[] = "/tmp/berth-test-layer-XXXXXX";
static char outside[] = "/tmp/berth-test-layer-out-XXXXXX";
static int rootfd = -1;

static void setup(void)
{
	strcpy(root, "/tmp/berth-test-layer-XXXXXX");
	strcpy(outside, "/tmp/berth-test-layer-out-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_ptr_nonnull(mkdtemp(outside));
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(rootfd, 0);
}

static void teardown(void)
{
	struct error err = { 0 };

	close(rootfd);
	layer_remove_tree(AT_FDCWD, root, &err);
	layer_remove_tree(AT_FDCWD, outside, &err);
}

static char *clean(const char *name, int *r)
{
	struct error err = { 0 };
	char *out = NULL;

	*r = layer_path_clean(name, &out, &err);
	return out;
}

START_TEST(clean_normalises)
{
	int r;
	char *p;

	p = clean("./a//b/./c/", &r);
	ck_assert_int_eq(r, 0);
	ck_assert_str_eq(p, "a/b/c");
	free(p);
	p = clean("/etc/x", &r);
	ck_assert_int_eq(r, 0);
	ck_assert_str_eq(p, "etc/x");
	free(p);
	p = clean("./", &r);
	ck_assert_str_eq(p, "");
	free(p);
	p = clean("a..b/..c", &r);
	ck_assert_str_eq(p, "a..b/..c");
	free(p);
}
END_TEST

START_TEST(clean_rejects_dotdot)
{
	struct error err = { 0 };
	char *out = NULL;

	ck_assert_int_eq(layer_path_clean("../x", &out, &err), -EPERM);
	ck_assert_ptr_null(out);
	ck_assert_ptr_nonnull(strstr(err.msg, "../x"));
	ck_assert_int_eq(layer_path_clean("a/../../x", &out, &err), -EPERM);
	ck_assert_int_eq(layer_path_clean("a/..", &out, &err), -EPERM);
}
END_TEST

START_TEST(owner_ids_in_range)
{
	struct error err = { 0 };

	ck_assert_int_eq(layer_check_ids("a", 0, 0, &err), 0);
	ck_assert_int_eq(layer_check_ids("a", 4294967294LL, 4294967294LL, &err), 0);
	ck_assert_int_eq(layer_check_ids("a", 4294967296LL, 0, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "layer entry a: uid 4294967296 out of range (0 to 4294967294)");
	ck_assert_int_eq(layer_check_ids("a", 4294967295LL, 0, &err), -EINVAL);
	ck_assert_int_eq(layer_check_ids("a", -1, 0, &err), -EINVAL);
	ck_assert_int_eq(layer_check_ids("b", 0, 4294967296LL, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "layer entry b: gid 4294967296 out of range (0 to 4294967294)");
}
END_TEST

START_TEST(max_size_parsed)
{
	uint64_t n = 1;

	ck_assert_int_eq(image_parse_size("0", &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(image_parse_size("123", &n), 0);
	ck_assert_uint_eq(n, 123);
	ck_assert_int_eq(image_parse_size("100M", &n), 0);
	ck_assert_uint_eq(n, 100ull << 20);
	ck_assert_int_eq(image_parse_size("64g", &n), 0);
	ck_assert_uint_eq(n, 64ull << 30);
	ck_assert_int_eq(image_parse_size("2TiB", &n), 0);
	ck_assert_uint_eq(n, 2ull << 40);
	ck_assert_int_eq(image_parse_size("1KB", &n), 0);
	ck_assert_uint_eq(n, 1024);
	ck_assert_int_lt(image_parse_size("12X", &n), 0);
	ck_assert_int_lt(image_parse_size("-1", &n), 0);
	ck_assert_int_lt(image_parse_size("", &n), 0);
	ck_assert_int_lt(image_parse_size("M", &n), 0);
	ck_assert_int_lt(image_parse_size("5Mx", &n), 0);
	ck_assert_int_lt(image_parse_size("99999999999T", &n), 0);
}
END_TEST

START_TEST(whiteout_kinds)
{
	struct error err = { 0 };
	enum layer_whiteout k;
	char *t;

	ck_assert_int_eq(layer_path_whiteout("a/b", &k, &t, &err), 0);
	ck_assert_int_eq(k, LAYER_WH_NONE);
	ck_assert_int_eq(layer_path_whiteout("a/.wh.b", &k, &t, &err), 0);
	ck_assert_int_eq(k, LAYER_WH_FILE);
	ck_assert_str_eq(t, "a/b");
	free(t);
	ck_assert_int_eq(layer_path_whiteout(".wh.top", &k, &t, &err), 0);
	ck_assert_str_eq(t, "top");
	free(t);
	ck_assert_int_eq(layer_path_whiteout("d/.wh..wh..opq", &k, &t, &err), 0);
	ck_assert_int_eq(k, LAYER_WH_OPAQUE);
	ck_assert_str_eq(t, "d");
	free(t);
	ck_assert_int_eq(layer_path_whiteout("d/.wh.", &k, &t, &err), -EPERM);
	ck_assert_ptr_nonnull(strstr(err.msg, "d/.wh."));
	ck_assert_int_eq(layer_path_whiteout(".wh...", &k, &t, &err), -EPERM);
}
END_TEST

/* An in-memory tar built entry by entry. */
struct tarbuf {
	struct archive *w;
	char buf[1 << 20];
	size_t used;
};

static void tar_begin(struct tarbuf *t)
{
	t->w = archive_write_new();
	archive_write_set_format_pax_restricted(t->w);
	ck_assert_int_eq(archive_write_open_memory(t->w, t->buf, sizeof(t->buf), &t->used), ARCHIVE_OK);
}

static void tar_add(struct tarbuf *t, const char *name, mode_t type, const char *data, const char *link)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
	if (type == AE_IFLNK)
		archive_entry_set_symlink(e, link);
	if (link && type == AE_IFREG)
		archive_entry_set_hardlink(e, link);
	archive_entry_set_size(e, data && !link ? (la_int64_t)strlen(data) : 0);
	ck_assert_int_eq(archive_write_header(t->w, e), ARCHIVE_OK);
	if (data && !link)
		archive_write_data(t->w, data, strlen(data));
	archive_entry_free(e);
}

static int tar_apply_mode(struct tarbuf *t, enum layer_mode mode, struct error *err)
{
	struct layer_limits lim = { 0 };
	struct archive *a = archive_read_new();
	int r;

	archive_write_close(t->w);
	archive_write_free(t->w);
	archive_read_support_format_tar(a);
	ck_assert_int_eq(archive_read_open_memory(a, t->buf, t->used), ARCHIVE_OK);
	struct layer_target tg = { rootfd, mode, NULL, 0 };
	r = layer_apply(a, &tg, &lim, err);
	archive_read_free(a);
	return r;
}

static int tar_apply(struct tarbuf *t, struct error *err)
{
	return tar_apply_mode(t, LAYER_MODE_FLAT, err);
}

static bool exists_in(const char *dir, const char *rel)
{
	struct stat st;
	char *p = xasprintf("%s/%s", dir, rel);
	bool ok = lstat(p, &st) == 0;

	free(p);
	return ok;
}

START_TEST(apply_files_and_whiteouts)
{
	static struct tarbuf t;
	struct error err = { 0 };

	tar_begin(&t);
	tar_add(&t, "d/", AE_IFDIR, NULL, NULL);
	tar_add(&t, "d/a", AE_IFREG, "a", NULL);
	tar_add(&t, "d/b", AE_IFREG, "b", NULL);
	tar_add(&t, "o/", AE_IFDIR, NULL, NULL);
	tar_add(&t, "o/old", AE_IFREG, "x", NULL);
	tar_add(&t, "l", AE_IFLNK, NULL, "d/a");
	tar_add(&t, "h", AE_IFREG, NULL, "d/a");
	ck_assert_msg(tar_apply(&t, &err) == 0, "%s", err.msg);
	tar_begin(&t);
	tar_add(&t, "d/.wh.a", AE_IFREG, "", NULL);
	tar_add(&t, "o/-same-layer", AE_IFREG, "s", NULL);
	tar_add(&t, "o/.wh..wh..opq", AE_IFREG, "", NULL);
	tar_add(&t, "o/new", AE_IFREG, "n", NULL);
	ck_assert_msg(tar_apply(&t, &err) == 0, "%s", err.msg);
	ck_assert(!exists_in(root, "d/a"));
	ck_assert(exists_in(root, "d/b"));
	ck_assert(!exists_in(root, "o/old"));
	ck_assert(exists_in(root, "o/new"));
	ck_assert(exists_in(root, "o/-same-layer"));
	ck_assert(exists_in(root, "h"));
}
END_TEST

static int mkdtemp_fd(char *tmpl)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	int fd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static void put_file(const char *dir, const char *rel, const char *data)
{
	char *p = xasprintf("%s/%s", dir, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(write_all(fd, data, strlen(data)), 0);
	close(fd);
	free(p);
}

static int tar_apply_on(struct tarbuf *t, int lowerfd, struct error *err)
{
	struct layer_limits lim = { 0 };
	struct archive *a = archive_read_new();
	struct layer_target tg = { rootfd, LAYER_MODE_OVERLAY, &lowerfd, 1 };
	int r;

	archive_write_close(t->w);
	archive_write_free(t->w);
	archive_read_support_format_tar(a);
	ck_assert_int_eq(archive_read_open_memory(a, t->buf, t->used), ARCHIVE_OK);
	r = layer_apply(a, &tg, &lim, err);
	archive_read_free(a);
	return r;
}

START_TEST(overlay_mode_records_whiteouts)
{
	static struct tarbuf t;
	struct error err = { 0 };
	char val[8] = "", low[] = "/tmp/berth-test-layer-low-XXXXXX";
	struct stat st;
	int lowfd = mkdtemp_fd(low);

	ck_assert_int_eq(mkdirat(lowfd, "d", 0755), 0);
	put_file(low, "d/gone", "g");
	ck_assert_int_eq(mkdirat(lowfd, "o", 0755), 0);
	put_file(low, "o/old", "o");
	put_file(outside, "victim", "v");
	tar_begin(&t);
	tar_add(&t, "d/.wh.gone", AE_IFREG, "", NULL);
	tar_add(&t, "d/.wh.never-there", AE_IFREG, "", NULL);
	tar_add(&t, "o/.wh..wh..opq", AE_IFREG, "", NULL);
	tar_add(&t, "o/new", AE_IFREG, "n", NULL);
	tar_add(&t, "p", AE_IFLNK, NULL, outside);
	tar_add(&t, "p/.wh.victim", AE_IFREG, "", NULL);
	ck_assert_msg(tar_apply_on(&t, lowfd, &err) == 0, "%s", err.msg);
	char *p = xasprintf("%s/d/gone", root);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == 0);
	free(p);
	/* nothing to hide: no whiteout */
	ck_assert(!exists_in(root, "d/never-there"));
	p = xasprintf("%s/o", root);
	ck_assert_int_eq(getxattr(p, "trusted.overlay.opaque", val, sizeof(val)), 1);
	ck_assert_int_eq(val[0], 'y');
	free(p);
	ck_assert(exists_in(root, "o/new"));
	/* The whiteout under a symlink to the host stays inside the layer directory. */
	ck_assert(exists_in(outside, "victim"));
	close(lowfd);
	layer_remove_tree(AT_FDCWD, low, &err);
}
END_TEST

START_TEST(overlay_mode_resolves_through_lower_symlinks)
{
	static struct tarbuf t;
	struct error err = { 0 };
	char low[] = "/tmp/berth-test-layer-low-XXXXXX";
	struct stat st, st2;
	int lowfd = mkdtemp_fd(low);

	/* the lower layer: usr-merge (bin -> usr/bin), a file to hardlink, an absolute symlink */
	ck_assert_int_eq(mkdirat(lowfd, "usr", 0755), 0);
	ck_assert_int_eq(mkdirat(lowfd, "usr/bin", 0751), 0);
	ck_assert_int_eq(fchownat(lowfd, "usr/bin", 1000, 1001, 0), 0);
	ck_assert_int_eq(symlinkat("usr/bin", lowfd, "bin"), 0);
	ck_assert_int_eq(symlinkat("/usr", lowfd, "abs"), 0);
	ck_assert_int_eq(mkdirat(lowfd, "data", 0755), 0);
	put_file(low, "data/f1", "shared");
	tar_begin(&t);
	tar_add(&t, "bin/hello", AE_IFREG, "hi", NULL);
	tar_add(&t, "abs/new/deep", AE_IFREG, "d", NULL);
	tar_add(&t, "data/f2", AE_IFREG, NULL, "data/f1");
	ck_assert_msg(tar_apply_on(&t, lowfd, &err) == 0, "%s", err.msg);
	/* written where the merged tree puts it; bin stays the lower symlink */
	ck_assert(exists_in(root, "usr/bin/hello"));
	ck_assert(!exists_in(root, "bin"));
	ck_assert(exists_in(root, "usr/new/deep"));
	ck_assert(!exists_in(root, "abs"));
	/* the parent made in this layer looks like the lower one */
	char *p = xasprintf("%s/usr/bin", root);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0751);
	ck_assert_uint_eq(st.st_uid, 1000);
	ck_assert_uint_eq(st.st_gid, 1001);
	free(p);
	/* the hardlink target of the lower layer is copied up, then linked */
	p = xasprintf("%s/data/f1", root);
	ck_assert_int_eq(stat(p, &st), 0);
	free(p);
	p = xasprintf("%s/data/f2", root);
	ck_assert_int_eq(stat(p, &st2), 0);
	free(p);
	ck_assert_uint_eq(st.st_ino, st2.st_ino);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_uint_eq(st.st_size, 6);
	close(lowfd);
	layer_remove_tree(AT_FDCWD, low, &err);
}
END_TEST

START_TEST(symlink_to_host_root_is_confined)
{
	static struct tarbuf t;
	struct error err = { 0 };

	tar_begin(&t);
	tar_add(&t, ".", AE_IFLNK, NULL, "/");
	tar_add(&t, "escape", AE_IFLNK, NULL, "/");
	tar_add(&t, "up", AE_IFLNK, NULL, outside);
	ck_assert_msg(tar_apply(&t, &err) == 0, "%s", err.msg);
	tar_begin(&t);
	/* "up" resolves inside the root, so this lands under root/<outside>, not on the host. */
	tar_add(&t, "up/pwned", AE_IFREG, "x", NULL);
	tar_add(&t, "escape/up/pwned2", AE_IFREG, "x", NULL);
	tar_add(&t, "./pwned3", AE_IFREG, "x", NULL);
	ck_assert_msg(tar_apply(&t, &err) == 0, "%s", err.msg);
	ck_assert(!exists_in(outside, "pwned"));
	ck_assert(!exists_in(outside, "pwned2"));
	ck_assert(exists_in(root, "pwned3"));
	ck_assert(exists_in(root, &outside[1]));
}
END_TEST

START_TEST(whiteout_through_symlinked_parent_is_confined)
{
	static struct tarbuf t;
	struct error err = { 0 };
	char *victim = xasprintf("%s/victim", outside);
	int fd = open(victim, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	close(fd);
	tar_begin(&t);
	tar_add(&t, "p", AE_IFLNK, NULL, outside);
	tar_add(&t, "p/.wh.victim", AE_IFREG, "", NULL);
	tar_add(&t, "p/.wh..wh..opq", AE_IFREG, "", NULL);
	ck_assert_msg(tar_apply(&t, &err) == 0, "%s", err.msg);
	ck_assert(exists_in(outside, "victim"));
	free(victim);
}
END_TEST

START_TEST(hardlink_outside_rejected)
{
	static struct tarbuf t;
	struct error err = { 0 };
	char *target = xasprintf("%s/secret", outside);
	int fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	close(fd);
	tar_begin(&t);
	tar_add(&t, "h", AE_IFREG, NULL, target);
	ck_assert_int_lt(tar_apply(&t, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "layer entry h"));
	ck_assert(!exists_in(root, "h"));
	free(target);
}
END_TEST

START_TEST(dotdot_entry_rejected)
{
	static struct tarbuf t;
	struct error err = { 0 };

	tar_begin(&t);
	tar_add(&t, "../x", AE_IFREG, "x", NULL);
	ck_assert_int_eq(tar_apply(&t, &err), -EPERM);
	ck_assert_ptr_nonnull(strstr(err.msg, "../x"));
}
END_TEST

static Suite *layer_suite(void)
{
	Suite *s = suite_create("layer");
	TCase *tc = tcase_create("path");

	tcase_add_test(tc, clean_normalises);
	tcase_add_test(tc, clean_rejects_dotdot);
	tcase_add_test(tc, whiteout_kinds);
	tcase_add_test(tc, owner_ids_in_range);
	tcase_add_test(tc, max_size_parsed);
	suite_add_tcase(s, tc);
	tc = tcase_create("apply");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, apply_files_and_whiteouts);
	tcase_add_test(tc, overlay_mode_records_whiteouts);
	tcase_add_test(tc, overlay_mode_resolves_through_lower_symlinks);
	tcase_add_test(tc, symlink_to_host_root_is_confined);
	tcase_add_test(tc, whiteout_through_symlinked_parent_is_confined);
	tcase_add_test(tc, hardlink_outside_rejected);
	tcase_add_test(tc, dotdot_entry_rejected);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(layer_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
