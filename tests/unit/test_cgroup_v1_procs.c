/* The v1/hybrid cgroup backend with processes in it: enter, freeze, stats, devices, OOM (root required,
 * on the real hierarchies; every test works below its own /berth-test-<pid>-<name>). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cgroup/backend.h"
#include "runtime/spec.h"
#include "runtime/util.h"
#include "tests/unit/cgroup_v1_fixture.h"

static bool procs_has(const char *hier, const char *path, pid_t pid)
{
	cleanup_free char *procs = read_host(hier, path, "cgroup.procs");
	char want[24];

	snprintf(want, sizeof(want), "%d", (int)pid);
	for (char *s = strtok(procs, "\n"); s; s = strtok(NULL, "\n"))
		if (strcmp(s, want) == 0)
			return true;
	return false;
}

START_TEST(enter_moves_the_pid_everywhere)
{
	cleanup_free char *path = cg_path("enter", "a/b");
	cleanup_free char *sub = cg_path("enter", "a/b/sub");
	cleanup_free pid_t *pids = NULL;
	struct error err = { 0 };
	struct cgroup *cg, *child_cg;
	size_t n = 0;
	pid_t pid, pid2;

	if (!is_v1_host())
		return;
	cg = create_cg(path);
	pid = spawn_in(cg, sleep_forever, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(hiers); i++)
		ck_assert_msg(procs_has(hiers[i], path, pid), "pid %d not in %s", (int)pid, hiers[i]);
	/* pids covers the descendants too */
	child_cg = create_cg(sub);
	pid2 = spawn_in(child_cg, sleep_forever, NULL);
	ck_assert_msg(cg->be->pids(cg, &pids, &n, &err) == 0, "pids: %s", err.msg);
	ck_assert_uint_eq(n, 2);
	ck_assert(pids[0] == pid || pids[1] == pid);
	ck_assert(pids[0] == pid2 || pids[1] == pid2);
	ck_assert_int_eq(cg->be->kill(cg, SIGKILL, &err), -ENOTSUP);
	kill_wait(pid);
	kill_wait(pid2);
	usleep(50000);
	remove_cg(child_cg);
	remove_cg(cg);
	free_cg(child_cg);
	free_cg(cg);
}
END_TEST

/* The child moves itself, then sleeps. */
static int enter_self_then_sleep(void *arg)
{
	struct error err = { 0 };

	if (cgroup_enter_self(arg, &err) < 0)
		return 3;
	return sleep_forever(NULL);
}

START_TEST(enter_self_moves_the_caller_into_every_v1_hierarchy)
{
	cleanup_free char *path = cg_path("self", "a");
	struct cgroup *cg;
	int go;
	pid_t pid;

	if (!is_v1_host())
		return;
	cg = create_cg(path);
	pid = spawn(enter_self_then_sleep, cg, &go);
	release_child(go);
	for (int i = 0; i < 500 && !procs_has("pids", path, pid); i++)
		usleep(10000);
	/* the unified hierarchy is clone3's (CLONE_INTO_CGROUP), not enter_self's */
	for (size_t i = 0; i < ARRAY_SIZE(hiers); i++)
		ck_assert_msg(procs_has(hiers[i], path, pid) == (strcmp(hiers[i], "unified") != 0),
			      "pid %d in %s: wrong", (int)pid, hiers[i]);
	kill_wait(pid);
	usleep(50000);
	remove_cg(cg);
	free_cg(cg);
}
END_TEST

/* Wait (at most 10 s, for a loaded machine) until *v moves past floor. */
static bool wait_past(volatile unsigned long *v, unsigned long floor)
{
	for (int i = 0; i < 1000 && *v <= floor; i++)
		usleep(10000);
	return *v > floor;
}

static int count_forever(void *arg)
{
	volatile unsigned long *counter = arg;

	for (;;)
		(*counter)++;
	return 0;
}

START_TEST(freeze_stops_the_counter_and_thaw_resumes_it)
{
	cleanup_free char *path = cg_path("freeze", "a");
	volatile unsigned long *counter;
	struct error err = { 0 };
	struct cgroup *cg;
	unsigned long before, after;
	pid_t pid;

	if (!is_v1_host())
		return;
	counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(counter != MAP_FAILED);
	cg = create_cg(path);
	pid = spawn_in(cg, count_forever, (void *)counter);
	ck_assert(wait_past(counter, 0));
	ck_assert_int_eq(cg->be->is_frozen(cg), 0);
	ck_assert_msg(cg->be->freeze(cg, true, &err) == 0, "freeze: %s", err.msg);
	ck_assert_int_eq(cg->be->is_frozen(cg), 1);
	before = *counter;
	usleep(200000);
	after = *counter;
	ck_assert_uint_eq(before, after);
	ck_assert_msg(cg->be->freeze(cg, false, &err) == 0, "thaw: %s", err.msg);
	ck_assert_int_eq(cg->be->is_frozen(cg), 0);
	ck_assert(wait_past(counter, after));
	kill_wait(pid);
	usleep(50000);
	remove_cg(cg);
	free_cg(cg);
	munmap((void *)counter, 4096);
}
END_TEST

/* 8 MB touched and 300 ms of CPU, then *done is set. */
static int work_then_sleep(void *arg)
{
	volatile unsigned long *done = arg, x = 0;
	size_t len = 8 << 20;
	volatile char *mem = malloc(len); /* volatile: the stores must not be optimised away */
	struct timespec now;

	for (size_t i = 0; i < len; i += 4096)
		mem[i] = 1;
	do {
		for (int i = 0; i < 100000; i++)
			x++;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
	} while (now.tv_sec == 0 && now.tv_nsec < 300000000);
	*done = 1;
	for (;;)
		pause();
	return 0;
}

START_TEST(stats_after_work)
{
	cleanup_free char *path = cg_path("stats", "a");
	struct spec_resources r = { 0 };
	struct cgroup_stats st;
	struct error err = { 0 };
	struct cgroup *cg;
	uint64_t usage = 0;
	volatile unsigned long *done;
	pid_t pid;

	if (!is_v1_host())
		return;
	cg = create_cg(path);
	r.has_pids = true;
	r.pids_limit = (struct spec_opt_i64){ true, 100 };
	r.has_memory = true;
	r.memory.limit = (struct spec_opt_i64){ true, 512 << 20 };
	r.hugepages = &(struct spec_hugepage_limit){ .page_size = "2mb", .limit = 8 << 20 };
	r.n_hugepages = 1;
	ck_assert_msg(cg->be->set(cg, &r, false, &err) == 0, "set: %s", err.msg);
	done = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(done != MAP_FAILED);
	pid = spawn_in(cg, work_then_sleep, (void *)done);
	ck_assert(wait_past(done, 0));
	ck_assert_msg(cg->be->stats(cg, &st, &err) == 0, "stats: %s", err.msg);
	ck_assert_uint_gt(st.cpu_total, 100000000ULL);
	ck_assert_uint_gt(st.cpu_user + st.cpu_kernel, 0);
	ck_assert_uint_eq(st.n_cpu_percpu, (size_t)sysconf(_SC_NPROCESSORS_CONF));
	ck_assert_uint_gt(st.mem_usage, 8 << 20);
	ck_assert_uint_ge(st.mem_max_usage, st.mem_usage);
	ck_assert_uint_eq(st.mem_limit, 512 << 20);
	ck_assert_uint_gt(st.n_mem_raw, 10);
	for (size_t i = 0; i < st.n_mem_raw; i++)
		if (strcmp(st.mem_raw[i].key, "rss") == 0)
			usage = st.mem_raw[i].value;
	ck_assert_uint_gt(usage, 0);
	ck_assert_uint_eq(st.pids_current, 1);
	ck_assert_uint_eq(st.pids_limit, 100);
	ck_assert_uint_eq(st.oom_kills, 0);
	usage = 0;
	for (size_t i = 0; i < st.n_hugetlb; i++)
		if (strcmp(st.hugetlb[i].page_size, "2MB") == 0)
			usage = st.hugetlb[i].max;
	ck_assert_uint_eq(usage, 8 << 20); /* written as hugetlb.2MB.max whatever the spelling */
	free(st.cpu_percpu);
	for (size_t i = 0; i < st.n_mem_raw; i++)
		free(st.mem_raw[i].key);
	free(st.mem_raw);
	free(st.io_service_bytes);
	free(st.io_serviced);
	free(st.hugetlb);

	/* checkBeforeUpdate refuses a limit below the usage, naming both numbers */
	r = (struct spec_resources){ 0 };
	r.has_memory = true;
	r.memory.limit = (struct spec_opt_i64){ true, 4096 };
	r.memory.check_before_update = true;
	ck_assert_int_lt(cg->be->set(cg, &r, true, &err), 0);
	ck_assert_msg(strstr(err.msg, "4096 is below the current usage"), "%s", err.msg);
	ck_file_eq("memory", path, "memory.limit_in_bytes", "536870912");
	kill_wait(pid);
	munmap((void *)done, 4096);
	usleep(50000);
	remove_cg(cg);
	free_cg(cg);
}
END_TEST

static int open_devices(void *arg)
{
	int null_fd, zero_fd;

	(void)arg;
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	zero_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0)
		return 1;
	if (zero_fd >= 0)
		return 2;
	return errno == EPERM ? 0 : 3;
}

START_TEST(devices_deny_all_allow_null)
{
	cleanup_free char *path = cg_path("devices", "a");
	struct spec_device_rule devs[] = { rule(false, 'a', -1, -1, "rwm"), rule(true, 'c', 1, 3, "rwm") };
	struct spec_resources r = { .devices = devs, .n_devices = 2, .has_devices = true };
	struct error err = { 0 };
	struct cgroup *cg;
	int status;

	if (!is_v1_host())
		return;
	cg = create_cg(path);
	ck_assert_msg(cg->be->set(cg, &r, false, &err) == 0, "set: %s", err.msg);
	status = wait_status(spawn_in(cg, open_devices, NULL));
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
	remove_cg(cg);
	free_cg(cg);
}
END_TEST

static int allocate_64m(void *arg)
{
	size_t len = 64 << 20;
	volatile char *mem = malloc(len);

	(void)arg;
	if (!mem)
		return 1;
	for (size_t i = 0; i < len; i += 4096)
		mem[i] = 1;
	return 0;
}

START_TEST(oom_kills_and_wakes_the_watcher)
{
	cleanup_free char *path = cg_path("oom", "a");
	struct spec_resources r = { 0 };
	struct error err = { 0 };
	struct cgroup *cg;
	struct pollfd pfd;
	uint64_t kills = 0;
	int fd = -1, status;

	if (!is_v1_host())
		return;
	cg = create_cg(path);
	r.has_memory = true;
	r.memory.limit = (struct spec_opt_i64){ true, 32 << 20 };
	r.memory.swap = (struct spec_opt_i64){ true, 32 << 20 };
	ck_assert_msg(cg->be->set(cg, &r, false, &err) == 0, "set: %s", err.msg);
	ck_assert_msg(cg->be->oom_watch(cg, &fd, &err) == 0, "oom_watch: %s", err.msg);
	status = wait_status(spawn_in(cg, allocate_64m, NULL));
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child status %#x", status);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	cg->be->oom_ack(cg, fd);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0); /* acknowledged */
	ck_assert_msg(cg->be->oom_kills(cg, &kills, &err) == 0, "oom_kills: %s", err.msg);
	ck_assert_uint_ge(kills, 1);
	close(fd);
	remove_cg(cg);
	free_cg(cg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cgroup_v1_procs");
	TCase *tc = tcase_create("cgroup_v1_procs");
	SRunner *sr;
	int failed;

	test_pid = getpid();
	if (!is_v1_host())
		fprintf(stderr, "test_cgroup_v1_procs: not root on a v1/hybrid host: nothing is run\n");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, enter_moves_the_pid_everywhere);
	tcase_add_test(tc, enter_self_moves_the_caller_into_every_v1_hierarchy);
	tcase_add_test(tc, freeze_stops_the_counter_and_thaw_resumes_it);
	tcase_add_test(tc, stats_after_work);
	tcase_add_test(tc, devices_deny_all_allow_null);
	tcase_add_test(tc, oom_kills_and_wakes_the_watcher);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	cleanup_all();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
