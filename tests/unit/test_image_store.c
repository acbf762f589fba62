/* Unit tests for the image store's record (image.json) and the copy of overlay-form layers. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "rootfs/image.h"
#include "rootfs/image_store.h"
#include "runtime/image_record.h"
#include "runtime/util.h"

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

START_TEST(test_record_roundtrip)
{
	char *names[] = { "busybox:test", "other", NULL };
	char *layers[] = { "sha256:" HEX_A, "sha256:" HEX_B, NULL };
	struct image_record in = { .id = "sha256:" HEX_A, .names = names, .layers = layers,
				   .created = "2023-11-14T22:13:20Z", .size = 12345 };
	struct image_record out;
	struct error err = { 0 };
	char *json = image_record_json(&in, true);

	ck_assert_int_eq(image_record_parse(json, &out, &err), 0);
	ck_assert_str_eq(out.id, in.id);
	ck_assert_int_eq(strv_length(out.names), 2);
	ck_assert_str_eq(out.names[1], "other");
	ck_assert_str_eq(out.layers[1], "sha256:" HEX_B);
	ck_assert_str_eq(out.created, in.created);
	ck_assert_uint_eq(out.size, 12345);
	image_record_free(&out);
	free(json);
}
END_TEST

START_TEST(test_record_malformed)
{
	static const char *const bad[] = {
		"", "[]", "{\"id\": \"sha256:abc\", \"names\": [], \"layers\": []}",
		"{\"id\": \"sha256:" HEX_A "\", \"names\": \"x\", \"layers\": []}",
		"{\"id\": \"sha256:" HEX_A "\", \"names\": [], \"layers\": [1]}",
		"{\"id\": \"sha256:" HEX_A "\", \"names\": []}",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct image_record out;
		struct error err = { 0 };

		ck_assert_int_lt(image_record_parse(bad[i], &out, &err), 0);
		ck_assert_ptr_nonnull(strstr(err.msg, "image.json"));
		ck_assert_ptr_null(out.id);
	}
}
END_TEST

START_TEST(test_record_created_from_config)
{
	char *c = image_record_config_created("{\"created\": \"2023-11-14T22:13:20Z\", \"config\": {}}");

	ck_assert_str_eq(c, "2023-11-14T22:13:20Z");
	free(c);
	ck_assert_ptr_null(image_record_config_created("{\"config\": {}}"));
	ck_assert_ptr_null(image_record_config_created("not json"));
}
END_TEST

static char top[] = "/tmp/berth-test-store-XXXXXX";
static struct image_store store = { .dirfd = -1, .lock_fd = -1 };

static void put(const char *path, const char *data, mode_t mode)
{
	int fd = openat(store.dirfd, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
	ck_assert_int_eq(fchmodat(store.dirfd, path, mode, 0), 0);
}

static void setup(void)
{
	strcpy(top, "/tmp/berth-test-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(top));
	store.path = top;
	store.dirfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(store.dirfd, 0);
	/* layer A: the base */
	ck_assert_int_eq(mkdirat(store.dirfd, "layers", 0700), 0);
	ck_assert_int_eq(mkdirat(store.dirfd, "layers/" HEX_A, 0755), 0);
	ck_assert_int_eq(mkdirat(store.dirfd, "layers/" HEX_A "/d", 0750), 0);
	put("layers/" HEX_A "/d/f", "base", 0640);
	ck_assert_int_eq(fchownat(store.dirfd, "layers/" HEX_A "/d/f", 1000, 1001, 0), 0);
	put("layers/" HEX_A "/gone", "x", 0644);
	ck_assert_int_eq(mkdirat(store.dirfd, "layers/" HEX_A "/opq", 0755), 0);
	put("layers/" HEX_A "/opq/old", "old", 0644);
	put("layers/" HEX_A "/h1", "linked", 04755);
	ck_assert_int_eq(linkat(store.dirfd, "layers/" HEX_A "/h1", store.dirfd, "layers/" HEX_A "/h2", 0),
			 0);
	ck_assert_int_eq(symlinkat("d/f", store.dirfd, "layers/" HEX_A "/s"), 0);
	ck_assert_int_eq(mknodat(store.dirfd, "layers/" HEX_A "/null", S_IFCHR | 0666, makedev(1, 3)), 0);
	put("layers/" HEX_A "/dirfile", "a file that layer B makes a directory", 0644);
	/* layer B: overlay whiteouts, an opaque dir, additions */
	ck_assert_int_eq(mkdirat(store.dirfd, "layers/" HEX_B, 0755), 0);
	ck_assert_int_eq(mknodat(store.dirfd, "layers/" HEX_B "/gone", S_IFCHR, makedev(0, 0)), 0);
	ck_assert_int_eq(mkdirat(store.dirfd, "layers/" HEX_B "/opq", 0755), 0);
	ck_assert_int_eq(setxattr(strcat(strcpy((char[256]){ 0 }, top), "/layers/" HEX_B "/opq"),
				  "trusted.overlay.opaque", "y", 1, 0), 0);
	put("layers/" HEX_B "/opq/new", "new", 0644);
	ck_assert_int_eq(mkdirat(store.dirfd, "layers/" HEX_B "/d", 0750), 0);
	put("layers/" HEX_B "/d/f2", "added", 0600);
	ck_assert_int_eq(mkdirat(store.dirfd, "layers/" HEX_B "/dirfile", 0700), 0);
	ck_assert_int_eq(mkdirat(store.dirfd, "dst", 0755), 0);
}

static void teardown(void)
{
	struct error err = { 0 };

	close(store.dirfd);
	store.dirfd = -1;
	layer_remove_tree(AT_FDCWD, top, &err);
}

START_TEST(test_copy_layers)
{
	char *layers[] = { "sha256:" HEX_A, "sha256:" HEX_B, NULL };
	struct error err = { 0 };
	int dst = openat(store.dirfd, "dst", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st, st2;
	char buf[64];

	ck_assert_int_ge(dst, 0);
	ck_assert_msg(image_store_copy_layers(&store, layers, dst, &err) == 0, "%s", err.msg);
	/* whiteout and opaque dir honoured, the opaque marker not copied */
	ck_assert_int_lt(fstatat(dst, "gone", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_int_lt(fstatat(dst, "opq/old", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_int_eq(fstatat(dst, "opq/new", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_int_lt(getxattr(strcat(strcpy((char[256]){ 0 }, top), "/dst/opq"), "trusted.overlay.opaque",
				  buf, sizeof(buf)), 0);
	/* directories merge: both layers' files */
	ck_assert_int_eq(fstatat(dst, "d/f", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_uint_eq(st.st_uid, 1000);
	ck_assert_uint_eq(st.st_gid, 1001);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(fstatat(dst, "d/f2", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	/* hardlinks stay one inode, setuid kept */
	ck_assert_int_eq(fstatat(dst, "h1", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_int_eq(fstatat(dst, "h2", &st2, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert_uint_eq(st.st_ino, st2.st_ino);
	ck_assert_uint_eq(st.st_mode & 07777, 04755);
	/* symlink target, device, a file replaced by a directory */
	ck_assert_int_eq(readlinkat(dst, "s", buf, sizeof(buf)), 3);
	ck_assert_int_eq(memcmp(buf, "d/f", 3), 0);
	ck_assert_int_eq(fstatat(dst, "null", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
	ck_assert_int_eq(fstatat(dst, "dirfile", &st, AT_SYMLINK_NOFOLLOW), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	close(dst);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image_store");
	TCase *rec = tcase_create("record"), *copy = tcase_create("copy");
	SRunner *sr;
	int failed;

	tcase_add_test(rec, test_record_roundtrip);
	tcase_add_test(rec, test_record_malformed);
	tcase_add_test(rec, test_record_created_from_config);
	suite_add_tcase(s, rec);
	tcase_add_checked_fixture(copy, setup, teardown);
	tcase_add_test(copy, test_copy_layers);
	suite_add_tcase(s, copy);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
