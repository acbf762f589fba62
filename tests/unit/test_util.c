/* Unit tests for the vocabulary: error chain, util helpers, the sync channel, JSON output, logging. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "runtime/error.h"
#include "runtime/stats_json.h"
#include "runtime/json.h"
#include "runtime/log.h"
#include "runtime/sync.h"
#include "runtime/util.h"

START_TEST(error_set_appends_strerror)
{
	struct error err = { 0 };

	ck_assert_int_eq(error_set(&err, ENOENT, "open %s", "/x"), -ENOENT);
	ck_assert_str_eq(err.msg, "open /x: No such file or directory");
	ck_assert_int_eq(err.errnum, ENOENT);
}
END_TEST

START_TEST(error_set_without_errno_is_einval)
{
	struct error err = { 0 };

	ck_assert_int_eq(error_set(&err, 0, "bad value %d", 3), -EINVAL);
	ck_assert_str_eq(err.msg, "bad value 3");
}
END_TEST

START_TEST(error_prefix_chains_context)
{
	struct error err = { 0 };

	error_set(&err, EPERM, "mount proc on /proc");
	ck_assert_int_eq(error_prefix(&err, "create \"%s\"", "web"), -EPERM);
	ck_assert_str_eq(err.msg, "create \"web\": mount proc on /proc: Operation not permitted");
}
END_TEST

START_TEST(error_truncates_long_messages)
{
	struct error err = { 0 };
	char big[3000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	error_set(&err, 0, "%s", big);
	error_prefix(&err, "ctx");
	ck_assert_uint_eq(strlen(err.msg), ERROR_MSG_MAX - 1);
	ck_assert(strncmp(err.msg, "ctx: aaa", 8) == 0);
}
END_TEST

START_TEST(stats_event_keeps_unlimited_as_uint64_max)
{
	struct cgroup_stats s = { 0 };
	char *json;

	/* cgroup v2 "max" reads as UINT64_MAX; runc prints it unsigned, never -1 */
	s.mem_limit = UINT64_MAX;
	s.swap_limit = UINT64_MAX;
	s.pids_limit = UINT64_MAX;
	s.cpu_total = 42;
	json = stats_json_event("c1", &s);
	ck_assert_ptr_null(strstr(json, "-1"));
	ck_assert_ptr_nonnull(strstr(json, "\"usage\":{\"limit\":18446744073709551615,"));
	ck_assert_ptr_nonnull(strstr(json, "\"swap\":{\"limit\":18446744073709551615,"));
	ck_assert_ptr_nonnull(strstr(json, "\"limit\":18446744073709551615}"));
	ck_assert_ptr_nonnull(strstr(json, "\"total\":42,"));
	free(json);
}
END_TEST

START_TEST(parse_u64_strict)
{
	uint64_t v;

	ck_assert_int_eq(parse_u64("42", &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(parse_u64("18446744073709551615", &v), 0);
	ck_assert_int_lt(parse_u64("18446744073709551616", &v), 0);
	ck_assert_int_lt(parse_u64("-1", &v), 0);
	ck_assert_int_lt(parse_u64("", &v), 0);
	ck_assert_int_lt(parse_u64("12a", &v), 0);
	ck_assert_int_lt(parse_u64(" 1", &v), 0);
	ck_assert_int_lt(parse_u64(NULL, &v), 0);
}
END_TEST

START_TEST(strv_dup_and_length)
{
	char *src[] = { "a", "bb", NULL };
	char **copy = strv_dup(src);

	ck_assert_uint_eq(strv_length(copy), 2);
	ck_assert_str_eq(copy[1], "bb");
	ck_assert_ptr_ne(copy[0], src[0]);
	strv_free(copy);
	ck_assert_uint_eq(strv_length(NULL), 0);
}
END_TEST

START_TEST(file_roundtrip_and_limits)
{
	char dir[] = "/tmp/berth-util-XXXXXX";
	char *buf = NULL;
	size_t len;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	cleanup_close int dfd = open(dir, O_DIRECTORY | O_CLOEXEC);
	int fd = openat(dfd, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	close(fd);
	ck_assert_int_eq(write_file_at(dfd, "f", "hello", 5), 0);
	ck_assert_int_eq(read_file_at(dfd, "f", &buf, &len, 100), 0);
	ck_assert_str_eq(buf, "hello");
	ck_assert_uint_eq(len, 5);
	free(buf);
	ck_assert_int_eq(read_file_at(dfd, "f", &buf, &len, 3), -EFBIG);
	ck_assert_int_eq(read_file_at(dfd, "missing", &buf, &len, 3), -ENOENT);
	/* write_file_at never creates and never follows a symlink */
	ck_assert_int_eq(write_file_at(dfd, "new", "x", 1), -ENOENT);
	ck_assert_int_eq(symlinkat("f", dfd, "link"), 0);
	ck_assert_int_eq(write_file_at(dfd, "link", "x", 1), -ELOOP);
	unlinkat(dfd, "link", 0);
	unlinkat(dfd, "f", 0);
	rmdir(dir);
}
END_TEST

START_TEST(mkdir_p_nested_and_existing)
{
	char dir[] = "/tmp/berth-util-XXXXXX";
	struct stat sb;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	cleanup_free char *deep = xasprintf("%s/a/b/c", dir);
	ck_assert_int_eq(mkdir_p(deep, 0711), 0);
	ck_assert_int_eq(mkdir_p(deep, 0711), 0);
	ck_assert_int_eq(stat(deep, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	cleanup_free char *cmd = xasprintf("rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(sync_roundtrip_with_payload)
{
	int sv[2];
	struct sync_msg msg;
	struct error err = { 0 };

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(sync_send(sv[0], SYNC_HOOKS_DONE, 7, "a\0b", 3, &err), 0);
	ck_assert_int_eq(sync_expect(sv[1], SYNC_HOOKS_DONE, &msg, &err), 0);
	ck_assert_int_eq(msg.value, 7);
	ck_assert_uint_eq(msg.len, 3);
	ck_assert_str_eq(msg.payload, "a");
	ck_assert_str_eq(msg.payload + 2, "b");
	sync_msg_release(&msg);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(sync_error_becomes_callers_error)
{
	int sv[2];
	struct sync_msg msg;
	struct error child = { 0 }, err = { 0 };

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	error_set(&child, EACCES, "mounts[2] (/data): mount bind");
	sync_send_error(sv[0], &child);
	ck_assert_int_eq(sync_expect(sv[1], SYNC_READY, &msg, &err), -EACCES);
	ck_assert_str_eq(err.msg, "mounts[2] (/data): mount bind: Permission denied");
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(sync_eof_and_wrong_type)
{
	int sv[2];
	struct sync_msg msg;
	struct error err = { 0 };

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(sync_send(sv[0], SYNC_READY, 0, NULL, 0, &err), 0);
	ck_assert_int_eq(sync_expect(sv[1], SYNC_MAPS_DONE, &msg, &err), -EPROTO);
	close(sv[0]);
	ck_assert_int_eq(sync_recv(sv[1], &msg, &err), -EPIPE);
	ck_assert(strstr(err.msg, "exited during setup"));
	close(sv[1]);
}
END_TEST

START_TEST(json_output_escapes)
{
	struct json_out *j = json_out_new(false);
	char errbuf[128];

	json_map_open(j);
	json_kv_string(j, "msg", "quote \" and \n newline");
	json_kv_int(j, "pid", 42);
	json_kv_bool(j, "ok", true);
	json_key(j, "none");
	json_string(j, NULL);
	json_map_close(j);
	cleanup_free char *doc = json_out_take(j);
	json_out_free(j);

	yajl_val tree = yajl_tree_parse(doc, errbuf, sizeof(errbuf));
	ck_assert_ptr_nonnull(tree);
	const char *p_msg[] = { "msg", NULL }, *p_pid[] = { "pid", NULL };
	ck_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(tree, p_msg, yajl_t_string)), "quote \" and \n newline");
	ck_assert_int_eq(YAJL_GET_INTEGER(yajl_tree_get(tree, p_pid, yajl_t_number)), 42);
	yajl_tree_free(tree);
}
END_TEST

START_TEST(log_json_lines)
{
	char path[] = "/tmp/berth-log-XXXXXX";
	int fd = mkstemp(path);
	char *buf = NULL, errbuf[128];

	close(fd);
	ck_assert_int_eq(log_init(path, LOG_FORMAT_JSON, false), 0);
	ck_assert_int_ge(log_fd(), 100);
	log_error("create \"x\": %s", "boom");
	log_debug("hidden");
	ck_assert_int_eq(read_file_at(AT_FDCWD, path, &buf, NULL, 4096), 0);
	ck_assert_ptr_null(strstr(buf, "hidden"));
	ck_assert_ptr_nonnull(strchr(buf, '\n'));
	yajl_val tree = yajl_tree_parse(buf, errbuf, sizeof(errbuf));
	ck_assert_ptr_nonnull(tree);
	const char *p_level[] = { "level", NULL }, *p_msg[] = { "msg", NULL }, *p_time[] = { "time", NULL };
	ck_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(tree, p_level, yajl_t_string)), "error");
	ck_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(tree, p_msg, yajl_t_string)), "create \"x\": boom");
	ck_assert_ptr_nonnull(yajl_tree_get(tree, p_time, yajl_t_string));
	yajl_tree_free(tree);
	free(buf);
	unlink(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, error_set_appends_strerror);
	tcase_add_test(tc, error_set_without_errno_is_einval);
	tcase_add_test(tc, error_prefix_chains_context);
	tcase_add_test(tc, error_truncates_long_messages);
	tcase_add_test(tc, parse_u64_strict);
	tcase_add_test(tc, strv_dup_and_length);
	tcase_add_test(tc, file_roundtrip_and_limits);
	tcase_add_test(tc, mkdir_p_nested_and_existing);
	tcase_add_test(tc, sync_roundtrip_with_payload);
	tcase_add_test(tc, sync_error_becomes_callers_error);
	tcase_add_test(tc, sync_eof_and_wrong_type);
	tcase_add_test(tc, json_output_escapes);
	tcase_add_test(tc, stats_event_keeps_unlimited_as_uint64_max);
	tcase_add_test(tc, log_json_lines);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
