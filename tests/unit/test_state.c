/* Unit tests for runtime/state.c: ids, the state dir and its lock, state.json, live status, JSON views. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "runtime/state.h"
#include "runtime/util.h"

static char root[64];
static int rootfd = -1;

static void setup(void)
{
	struct error err = { 0 };
	char sub[96];

	strcpy(root, "/tmp/berth-state-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(sub, sizeof(sub), "%s/run/berth", root); /* state_root_open creates missing parents */
	rootfd = state_root_open(sub, &err);
	ck_assert_msg(rootfd >= 0, "%s", err.msg);
}

static void teardown(void)
{
	char cmd[128];

	close_quietly(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
}

static void expect_bad_id(const char *id, const char *needle)
{
	struct error err = { 0 };

	ck_assert_int_eq(state_validate_id(id, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, needle), "id error \"%s\" lacks \"%s\"", err.msg, needle);
}

START_TEST(validate_ids)
{
	struct error err = { 0 };
	char long_id[1026];

	ck_assert_int_eq(state_validate_id("a", &err), 0);
	ck_assert_int_eq(state_validate_id("web-1", &err), 0);
	ck_assert_int_eq(state_validate_id("A_b.c+d-9", &err), 0);
	ck_assert_int_eq(state_validate_id("...", &err), 0);
	memset(long_id, 'x', 1024);
	long_id[1024] = '\0';
	ck_assert_int_eq(state_validate_id(long_id, &err), 0);

	long_id[1024] = 'x';
	long_id[1025] = '\0';
	expect_bad_id(long_id, "1025 characters");
	expect_bad_id("", "must not be empty");
	expect_bad_id(".", "\".\" and \"..\" are not allowed");
	expect_bad_id("..", "invalid container id \"..\"");
	expect_bad_id("a/b", "invalid container id \"a/b\": character '/' is not allowed");
	expect_bad_id("a b", "character ' '");
	expect_bad_id("h\xc3\xa9llo", "invalid container id \"h\\xc3\\xa9llo\": byte 0xc3");
	expect_bad_id("a\nb", "byte 0x0a");
}
END_TEST

/* 1 if another process finds the container's lock taken, 0 if it gets it. */
static int try_lock_elsewhere(int dirfd)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd = openat(dirfd, "lock", O_RDWR | O_CLOEXEC);

		if (fd < 0)
			_exit(2);
		if (fcntl(fd, F_SETLK, &lk) == 0)
			_exit(0);
		_exit(errno == EAGAIN || errno == EACCES ? 1 : 3);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(dir_create_open_remove)
{
	struct error err = { 0 };
	int lock = -1, lock2 = -1, dirfd, dirfd2;
	struct stat st;

	dirfd = state_dir_create(rootfd, "web", NULL, &lock, &err);
	ck_assert_msg(dirfd >= 0, "%s", err.msg);
	ck_assert_int_ge(lock, 0);
	ck_assert_int_eq(fstatat(rootfd, "web", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert(fcntl(dirfd, F_GETFD) & FD_CLOEXEC);
	ck_assert(fcntl(lock, F_GETFD) & FD_CLOEXEC);

	ck_assert_int_eq(state_dir_create(rootfd, "web", NULL, &lock2, &err), -EEXIST);
	ck_assert_str_eq(err.msg, "container \"web\" already exists");

	/* the lock is held: another process cannot take it */
	ck_assert_int_eq(try_lock_elsewhere(dirfd), 1);
	/* a child forked while we hold it (the container init) does not keep it after we let go */
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	close(lock);
	ck_assert_int_eq(try_lock_elsewhere(dirfd), 0);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);

	dirfd2 = state_dir_open(rootfd, "web", &lock2, &err);
	ck_assert_msg(dirfd2 >= 0, "%s", err.msg);
	close(lock2);
	close(dirfd2);

	ck_assert_int_eq(mkfifoat(dirfd, STATE_EXEC_FIFO, 0600), 0);
	ck_assert_int_eq(state_dir_remove(rootfd, "web", &err), 0);
	ck_assert_int_eq(fstatat(rootfd, "web", &st, 0), -1);
	ck_assert_int_eq(state_dir_remove(rootfd, "web", &err), 0); /* already gone is fine */
	close(dirfd);

	ck_assert_int_eq(state_dir_open(rootfd, "nope", &lock2, &err), -ENOENT);
	ck_assert_str_eq(err.msg, "container \"nope\" does not exist");
}
END_TEST

START_TEST(open_waits_for_the_lock_and_sees_a_removal)
{
	struct error err = { 0 };
	int lock = -1, dirfd = state_dir_create(rootfd, "gone", NULL, &lock, &err), p[2];
	char c;
	pid_t pid;

	ck_assert_int_ge(dirfd, 0);
	close(lock);
	close(dirfd);
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int l = -1, d = state_dir_open(rootfd, "gone", &l, &err);

		if (d < 0 || write(p[1], "x", 1) != 1)
			_exit(1);
		usleep(200000);
		_exit(state_dir_remove(rootfd, "gone", &err) < 0 ? 2 : 0);
	}
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	/* blocks until the child has removed the dir, then must not pretend it exists */
	ck_assert_int_eq(state_dir_open(rootfd, "gone", &lock, &err), -ENOENT);
	ck_assert_str_eq(err.msg, "container \"gone\" does not exist");
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(status, 0);
}
END_TEST

START_TEST(dir_open_refuses_symlink)
{
	struct error err = { 0 };
	int lock = -1;

	ck_assert_int_eq(symlinkat("/tmp", rootfd, "evil"), 0);
	ck_assert_int_lt(state_dir_open(rootfd, "evil", &lock, &err), 0);
	ck_assert_int_eq(lock, -1);
}
END_TEST

static void fill_state(struct state *st)
{
	static struct spec_kv ann[] = { { "org.example/a", "1" }, { "b", "quote \" and \\ " } };

	memset(st, 0, sizeof(*st));
	st->id = "web";
	st->bundle = "/srv/bundle";
	st->rootfs = "/srv/bundle/rootfs";
	st->pid = 4242;
	st->pid_start = 123456789012ULL;
	st->created = "2026-11-21T04:55:01.123456789Z";
	st->owner = 1000;
	st->has_own_pidns = true;
	st->use_terminal = true;
	st->annotations = ann;
	st->n_annotations = 2;
	st->config_json = "{\"ociVersion\":\"1.3.0\",\"x\":\"\\n\"}";
	st->cgroup_path = "/berth/web";
	st->cgroup_levels = 2;
	st->status = STATUS_CREATED;
}

START_TEST(write_read_roundtrip)
{
	struct error err = { 0 };
	struct state in, out;
	int lock = -1, dirfd = state_dir_create(rootfd, "web", NULL, &lock, &err);
	struct stat sb;

	ck_assert_int_ge(dirfd, 0);
	fill_state(&in);
	ck_assert_int_eq(state_write(dirfd, &in, &err), 0);
	ck_assert_int_eq(fstatat(dirfd, "state.json.tmp", &sb, 0), -1);
	ck_assert_int_eq(state_read(dirfd, &out, &err), 0);
	ck_assert_str_eq(out.id, "web");
	ck_assert_str_eq(out.bundle, in.bundle);
	ck_assert_str_eq(out.rootfs, in.rootfs);
	ck_assert_int_eq(out.pid, 4242);
	ck_assert_uint_eq(out.pid_start, 123456789012ULL);
	ck_assert_str_eq(out.created, in.created);
	ck_assert_uint_eq(out.owner, 1000);
	ck_assert(out.has_own_pidns);
	ck_assert(out.use_terminal);
	ck_assert_uint_eq(out.n_annotations, 2);
	ck_assert_str_eq(out.annotations[0].key, "org.example/a");
	ck_assert_str_eq(out.annotations[0].value, "1");
	ck_assert_str_eq(out.annotations[1].key, "b");
	ck_assert_str_eq(out.annotations[1].value, "quote \" and \\ ");
	ck_assert_str_eq(out.config_json, in.config_json);
	ck_assert_str_eq(out.cgroup_path, "/berth/web");
	ck_assert_int_eq(out.cgroup_levels, 2);
	ck_assert_int_eq(out.status, STATUS_CREATED);
	state_release(&out);
	ck_assert_ptr_null(out.id);

	/* a second write replaces it; a state with no pid yet and unset strings reads back */
	memset(&in, 0, sizeof(in));
	in.id = "web";
	in.status = STATUS_CREATING;
	ck_assert_int_eq(state_write(dirfd, &in, &err), 0);
	ck_assert_int_eq(state_read(dirfd, &out, &err), 0);
	ck_assert_int_eq(out.status, STATUS_CREATING);
	ck_assert_int_eq(out.pid, 0);
	ck_assert_ptr_null(out.bundle);
	ck_assert_uint_eq(out.n_annotations, 0);
	state_release(&out);
	close(dirfd);
	close(lock);
}
END_TEST

/* The dir appears whole, state.json in it; the .tmp-* dir of a dead builder goes, a live one's stays. */
START_TEST(dir_create_is_whole_and_sweeps_dead_builders)
{
	struct error err = { 0 };
	struct state in, out;
	char live[96];
	int lock = -1, dirfd;
	struct stat sb;

	ck_assert_int_eq(mkdirat(rootfd, ".tmp-999999999-1-0", 0700), 0); /* no such pid */
	close(openat(rootfd, ".tmp-999999999-1-0/lock", O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	snprintf(live, sizeof(live), ".tmp-%d-%llu-99", getpid(), (unsigned long long)state_pid_starttime(getpid()));
	ck_assert_int_eq(mkdirat(rootfd, live, 0700), 0);
	fill_state(&in);
	in.id = "whole";
	in.status = STATUS_CREATING;
	dirfd = state_dir_create(rootfd, "whole", &in, &lock, &err);
	ck_assert_msg(dirfd >= 0, "%s", err.msg);
	ck_assert_int_eq(state_read(dirfd, &out, &err), 0);
	ck_assert_str_eq(out.id, "whole");
	ck_assert_int_eq(out.status, STATUS_CREATING);
	state_release(&out);
	ck_assert_int_eq(fstatat(rootfd, ".tmp-999999999-1-0", &sb, 0), -1);
	ck_assert_int_eq(fstatat(rootfd, live, &sb, 0), 0);
	/* our own lock: a creator that is alive from the outside, and removal leaves no .tmp-* behind */
	ck_assert_int_eq(state_dir_create(rootfd, "whole", &in, &lock, &err), -EEXIST);
	ck_assert_int_eq(state_dir_remove(rootfd, "whole", &err), 0);
	ck_assert_int_eq(fstatat(rootfd, "whole", &sb, 0), -1);
	ck_assert_int_eq(unlinkat(rootfd, live, AT_REMOVEDIR), 0);
	DIR *d = fdopendir(dup(rootfd));
	struct dirent *e;
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		ck_assert_msg(strncmp(e->d_name, ".tmp-", 5) != 0, "left: %s", e->d_name);
	closedir(d);
	close(lock);
	close(dirfd);
}
END_TEST

START_TEST(corrupt_state_names_the_file)
{
	struct error err = { 0 };
	struct state out;
	int lock = -1, dirfd = state_dir_create(rootfd, "bad", NULL, &lock, &err);
	static const char *docs[] = {
		"{\"id\": \"bad\", ", "[1,2]", "{\"id\":\"bad\"}", "",
	};

	ck_assert_int_ge(dirfd, 0);
	ck_assert_int_eq(state_read(dirfd, &out, &err), -ENOENT);
	ck_assert_msg(strstr(err.msg, "/run/berth/bad/state.json"), "%s", err.msg);
	for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
		int fd = openat(dirfd, "state.json", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		ck_assert_int_ge(fd, 0);
		ck_assert_int_ge(write_all(fd, docs[i], strlen(docs[i])), 0);
		close(fd);
		ck_assert_int_eq(state_read(dirfd, &out, &err), -EINVAL);
		ck_assert_msg(strstr(err.msg, "/run/berth/bad/state.json: corrupt"), "%s", err.msg);
		ck_assert_ptr_null(out.id);
	}
	ck_assert_msg(strstr(err.msg, "corrupt"), "%s", err.msg);
	close(dirfd);
	close(lock);
}
END_TEST

static pid_t spawn_sleeper(const char *name)
{
	int p[2];
	char c;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (name)
			prctl(PR_SET_NAME, name);
		close(p[0]);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1); /* the name is set once it writes */
	close(p[0]);
	return pid;
}

START_TEST(status_from_pid_and_fifo)
{
	struct error err = { 0 };
	struct state st = { 0 };
	int lock = -1, dirfd = state_dir_create(rootfd, "s", NULL, &lock, &err);
	pid_t pid = spawn_sleeper(NULL);

	ck_assert_int_ge(dirfd, 0);
	st.status = STATUS_CREATING;
	ck_assert_int_eq(state_status(dirfd, &st), STATUS_CREATING); /* no pid yet */

	st.pid = pid;
	st.pid_start = state_pid_starttime(pid);
	ck_assert_uint_gt(st.pid_start, 0);
	st.status = STATUS_CREATED;
	ck_assert_int_eq(state_status(dirfd, &st), STATUS_RUNNING);
	ck_assert_int_eq(mkfifoat(dirfd, STATE_EXEC_FIFO, 0600), 0);
	ck_assert_int_eq(state_status(dirfd, &st), STATUS_CREATED);

	st.pid_start++; /* the pid now belongs to another process */
	ck_assert_int_eq(state_status(dirfd, &st), STATUS_STOPPED);
	st.pid_start--;

	kill(pid, SIGKILL);
	/* a zombie is stopped too */
	for (int i = 0; i < 200; i++) {
		char path[64], *buf = NULL;

		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		ck_assert_int_eq(read_file_at(AT_FDCWD, path, &buf, NULL, 4096), 0);
		bool zombie = strstr(strrchr(buf, ')'), ") Z ") != NULL;
		free(buf);
		if (zombie)
			break;
		usleep(10000);
	}
	ck_assert_int_eq(state_status(dirfd, &st), STATUS_STOPPED);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	ck_assert_int_eq(state_status(dirfd, &st), STATUS_STOPPED);
	ck_assert_uint_eq(state_pid_starttime(pid), 0);
	close(dirfd);
	close(lock);
}
END_TEST

START_TEST(starttime_with_hostile_comm)
{
	pid_t pid = spawn_sleeper("x) (y z) R 1 2");
	uint64_t self = state_pid_starttime(getpid());
	uint64_t child = state_pid_starttime(pid);
	char path[64], *buf = NULL;
	unsigned long long ticks;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	ck_assert_int_eq(read_file_at(AT_FDCWD, path, &buf, NULL, 4096), 0);
	ck_assert_msg(strstr(buf, "(x) (y z) R 1 2)"), "%s", buf);
	/* field 22 found after the last ')': parse it independently from a known-good field layout */
	char *p = strrchr(buf, ')') + 2;
	for (int field = 3; field < 22; field++)
		p = strchr(p, ' ') + 1;
	ck_assert_int_eq(sscanf(p, "%llu", &ticks), 1);
	ck_assert_uint_eq(child, ticks);
	ck_assert_uint_ge(child, self);
	ck_assert_uint_gt(self, 0);
	free(buf);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ck_assert_uint_eq(state_pid_starttime(0), 0);
	ck_assert_uint_eq(state_pid_starttime(-1), 0);
}
END_TEST

static yajl_val parse(const char *json)
{
	char errbuf[256];
	yajl_val tree = yajl_tree_parse(json, errbuf, sizeof(errbuf));

	ck_assert_msg(tree != NULL, "%s: %s", json, errbuf);
	return tree;
}

static const char *str_at(yajl_val tree, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(tree, path, yajl_t_string);

	return v ? YAJL_GET_STRING(v) : NULL;
}

static yajl_val at(yajl_val tree, const char *key)
{
	const char *path[] = { key, NULL };

	return yajl_tree_get(tree, path, yajl_t_any);
}

START_TEST(spec_json_document)
{
	struct state st;
	char *json;
	yajl_val tree, ann;

	fill_state(&st);
	json = state_spec_json(&st, STATUS_CREATING);
	tree = parse(json);
	ck_assert_str_eq(str_at(tree, "ociVersion"), BERTH_OCI_VERSION);
	ck_assert_str_eq(str_at(tree, "id"), "web");
	ck_assert_str_eq(str_at(tree, "status"), "creating");
	ck_assert_int_eq(YAJL_GET_INTEGER(at(tree, "pid")), 4242);
	ck_assert_str_eq(str_at(tree, "bundle"), "/srv/bundle");
	ann = at(tree, "annotations");
	ck_assert(YAJL_IS_OBJECT(ann));
	ck_assert_uint_eq(ann->u.object.len, 2);
	ck_assert_str_eq(ann->u.object.keys[1], "b");
	ck_assert_str_eq(YAJL_GET_STRING(ann->u.object.values[1]), "quote \" and \\ ");
	ck_assert_ptr_null(at(tree, "rootfs"));
	yajl_tree_free(tree);
	free(json);

	json = state_spec_json(&st, STATUS_STOPPED);
	tree = parse(json);
	ck_assert_str_eq(str_at(tree, "status"), "stopped");
	ck_assert_ptr_null(at(tree, "pid"));
	yajl_tree_free(tree);
	free(json);

	st.pid = 0;
	json = state_spec_json(&st, STATUS_CREATING);
	tree = parse(json);
	ck_assert_ptr_null(at(tree, "pid"));
	yajl_tree_free(tree);
	free(json);
}
END_TEST

START_TEST(runc_json_document)
{
	struct state st;
	char *json;
	yajl_val tree;

	fill_state(&st);
	json = state_runc_json(&st, STATUS_RUNNING, true);
	ck_assert_ptr_nonnull(strchr(json, '\n'));
	tree = parse(json);
	ck_assert_str_eq(str_at(tree, "ociVersion"), BERTH_OCI_VERSION);
	ck_assert_str_eq(str_at(tree, "id"), "web");
	ck_assert_int_eq(YAJL_GET_INTEGER(at(tree, "pid")), 4242);
	ck_assert_str_eq(str_at(tree, "status"), "running");
	ck_assert_str_eq(str_at(tree, "bundle"), "/srv/bundle");
	ck_assert_str_eq(str_at(tree, "rootfs"), "/srv/bundle/rootfs");
	ck_assert_str_eq(str_at(tree, "created"), "2026-11-21T04:55:01.123456789Z");
	ck_assert_str_eq(str_at(tree, "owner"), "");
	ck_assert(YAJL_IS_OBJECT(at(tree, "annotations")));
	yajl_tree_free(tree);
	free(json);

	st.n_annotations = 0;
	json = state_runc_json(&st, STATUS_STOPPED, false);
	ck_assert_ptr_null(strchr(json, '\n'));
	tree = parse(json);
	ck_assert_int_eq(YAJL_GET_INTEGER(at(tree, "pid")), 0);
	ck_assert_str_eq(str_at(tree, "status"), "stopped");
	ck_assert_ptr_null(at(tree, "annotations"));
	yajl_tree_free(tree);
	free(json);
}
END_TEST

START_TEST(status_names_and_time)
{
	char *t = state_now_rfc3339();
	unsigned y, mo, d, h, mi, s;
	char frac[16];

	ck_assert_str_eq(state_status_name(STATUS_CREATING), "creating");
	ck_assert_str_eq(state_status_name(STATUS_CREATED), "created");
	ck_assert_str_eq(state_status_name(STATUS_RUNNING), "running");
	ck_assert_str_eq(state_status_name(STATUS_PAUSED), "paused");
	ck_assert_str_eq(state_status_name(STATUS_STOPPED), "stopped");
	ck_assert_uint_eq(strlen(t), strlen("2026-11-21T04:55:01.123456789Z"));
	ck_assert_int_eq(sscanf(t, "%4u-%2u-%2uT%2u:%2u:%2u.%9[0-9]Z", &y, &mo, &d, &h, &mi, &s, frac), 7);
	ck_assert_uint_ge(y, 2024);
	ck_assert_uint_eq(strlen(frac), 9);
	ck_assert_int_eq(t[strlen(t) - 1], 'Z');
	free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("state");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, validate_ids);
	tcase_add_test(tc, dir_create_open_remove);
	tcase_add_test(tc, open_waits_for_the_lock_and_sees_a_removal);
	tcase_add_test(tc, dir_open_refuses_symlink);
	tcase_add_test(tc, write_read_roundtrip);
	tcase_add_test(tc, dir_create_is_whole_and_sweeps_dead_builders);
	tcase_add_test(tc, corrupt_state_names_the_file);
	tcase_add_test(tc, status_from_pid_and_fifo);
	tcase_add_test(tc, starttime_with_hostile_comm);
	tcase_add_test(tc, spec_json_document);
	tcase_add_test(tc, runc_json_document);
	tcase_add_test(tc, status_names_and_time);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
