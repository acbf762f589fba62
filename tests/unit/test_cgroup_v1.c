/* The v1/hybrid cgroup backend against the real hierarchies of this host (root required). Every test
 * works below its own /berth-test-<pid>-<name> and the teardown removes them all, even on failure. */
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

START_TEST(create_makes_every_level_in_every_hierarchy)
{
	cleanup_free char *path = cg_path("create", "a/b");
	cleanup_free char *top = cg_path("create", NULL);
	cleanup_free char *cpus = NULL;
	struct cgroup *cg;

	if (!is_v1_host())
		return;
	cg = create_cg(path);
	ck_assert_int_eq(cg->created_levels, 3);
	/* the cgroup2 leaf for CLONE_INTO_CGROUP: the unified hierarchy's on a hybrid host */
	if (exists_in("unified", path))
		ck_assert_int_ge(cg->leaf_fd, 0);
	else
		ck_assert_int_eq(cg->leaf_fd, -1);
	for (size_t i = 0; i < ARRAY_SIZE(hiers); i++)
		ck_assert_msg(exists_in(hiers[i], path), "%s missing in %s", path, hiers[i]);
	/* the named hierarchy too, as runc does: tools look for their cgroup there */
	ck_assert(exists_in("systemd", path));
	/* a new cpuset level inherits cpus and mems, else no task could join */
	cpus = read_host("cpuset", path, "cpuset.cpus");
	ck_assert_str_ne(cpus, "");
	{
		cleanup_free char *mems = read_host("cpuset", path, "cpuset.mems");

		ck_assert_str_ne(mems, "");
	}
	remove_cg(cg);
	for (size_t i = 0; i < ARRAY_SIZE(hiers); i++)
		ck_assert_msg(!exists_in(hiers[i], top), "%s left in %s", top, hiers[i]);
	free_cg(cg);
}
END_TEST

START_TEST(create_existing_parent_counts_only_new_levels)
{
	cleanup_free char *pa = cg_path("levels", "a/b");
	cleanup_free char *pc = cg_path("levels", "a/c");
	cleanup_free char *a = cg_path("levels", "a");
	struct cgroup *b, *c;

	if (!is_v1_host())
		return;
	b = create_cg(pa);
	c = create_cg(pc);
	ck_assert_int_eq(b->created_levels, 3);
	ck_assert_int_eq(c->created_levels, 1);
	/* b's parents are still used by c: EBUSY on them is fine and they stay */
	remove_cg(b);
	ck_assert(!exists_in("memory", pa));
	ck_assert(exists_in("memory", pc));
	remove_cg(c);
	ck_assert(!exists_in("memory", pc));
	ck_assert(exists_in("memory", a)); /* not c's to remove */
	free_cg(b);
	free_cg(c);
}
END_TEST

START_TEST(create_failure_removes_what_it_made)
{
	/* memory.stat is a file in the memory hierarchy only: the other ones get the directory first */
	cleanup_free char *path = cg_path("rollback", "memory.stat");
	cleanup_free char *top = cg_path("rollback", NULL);
	struct cgroup *cg = new_cg(path);
	struct error err = { 0 };

	if (!is_v1_host()) {
		free_cg(cg);
		return;
	}
	ck_assert_int_lt(cg->be->create(cg, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "/sys/fs/cgroup/memory"));
	for (size_t i = 0; i < ARRAY_SIZE(hiers); i++)
		ck_assert_msg(!exists_in(hiers[i], top), "%s left in %s", top, hiers[i]);
	free_cg(cg);
}
END_TEST

START_TEST(open_needs_the_leaf)
{
	cleanup_free char *path = cg_path("open", "x");
	struct cgroup *cg = new_cg(path), *made;
	struct error err = { 0 };

	if (!is_v1_host()) {
		free_cg(cg);
		return;
	}
	ck_assert_int_eq(cg->be->open(cg, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	free(cg->path);
	free(cg);
	made = create_cg(path);
	cg = new_cg(path);
	cg->created_levels = made->created_levels;
	ck_assert_int_eq(cg->be->open(cg, &err), 0);
	remove_cg(cg);
	ck_assert(!exists_in("memory", path));
	free_cg(cg);
	free_cg(made);
}
END_TEST

START_TEST(bad_paths_are_refused)
{
	struct cgroup *cg = new_cg("/berth-test/../etc");
	struct error err = { 0 };

	ck_assert_int_eq(cg->be->create(cg, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, ".."));
	free_cg(cg);
}
END_TEST


/* The proportional weight file this host offers (CFQ's, BFQ's), NULL without such a scheduler. */
static const char *blkio_weight_file(void)
{
	if (access("/sys/fs/cgroup/blkio/blkio.weight", F_OK) == 0)
		return "blkio.weight";
	if (access("/sys/fs/cgroup/blkio/blkio.bfq.weight", F_OK) == 0)
		return "blkio.bfq.weight";
	return NULL;
}

START_TEST(set_writes_every_field)
{
	cleanup_free char *path = cg_path("set", "a/b");
	struct spec_device_rule devs[] = { rule(true, 'a', -1, -1, "rwm"), rule(false, 'a', -1, -1, "rwm"),
					   rule(true, 'c', 1, 3, "rwm"), rule(true, 'c', 136, -1, "rw") };
	struct stat root;
	struct spec_throttle_device rbps, wiops;
	char want[64];
	struct spec_hugepage_limit huge = { .page_size = "2MB", .limit = 4194304 };
	const char *weight_file = blkio_weight_file();
	struct spec_resources r = { 0 };
	struct error err = { 0 };
	struct cgroup *cg;
	int rc;

	if (!is_v1_host())
		return;
	/* the disk of / (a whole disk here, as throttling needs) */
	ck_assert_int_eq(stat("/", &root), 0);
	rbps = (struct spec_throttle_device){ major(root.st_dev), minor(root.st_dev), 1048576 };
	wiops = (struct spec_throttle_device){ major(root.st_dev), minor(root.st_dev), 100 };
	r.devices = devs;
	r.n_devices = ARRAY_SIZE(devs);
	r.has_devices = true;
	r.has_memory = true;
	r.memory.limit = (struct spec_opt_i64){ true, 64 << 20 };
	r.memory.reservation = (struct spec_opt_i64){ true, 32 << 20 };
	r.memory.swap = (struct spec_opt_i64){ true, 128 << 20 };
	r.memory.swappiness = (struct spec_opt_u64){ true, 10 };
	r.memory.kernel = (struct spec_opt_i64){ true, 1 << 20 }; /* warned about, ignored */
	r.memory.has_disable_oom_killer = true;
	r.memory.disable_oom_killer = true;
	r.has_cpu = true;
	r.cpu.shares = (struct spec_opt_u64){ true, 512 };
	r.cpu.quota = (struct spec_opt_i64){ true, 50000 };
	r.cpu.period = (struct spec_opt_u64){ true, 200000 };
	r.cpu.burst = (struct spec_opt_u64){ true, 1000 };
	r.cpu.realtime_period = (struct spec_opt_u64){ true, 500000 };
	r.cpu.idle = (struct spec_opt_i64){ true, 0 };
	r.cpu.cpus = "0";
	r.cpu.mems = "0";
	r.has_pids = true;
	r.pids_limit = (struct spec_opt_i64){ true, 42 };
	r.has_blkio = true;
	if (weight_file)
		r.blkio.weight = (struct spec_opt_u64){ true, 200 };
	r.blkio.throttle[SPEC_THROTTLE_READ_BPS] = &rbps;
	r.blkio.n_throttle[SPEC_THROTTLE_READ_BPS] = 1;
	r.blkio.throttle[SPEC_THROTTLE_WRITE_IOPS] = &wiops;
	r.blkio.n_throttle[SPEC_THROTTLE_WRITE_IOPS] = 1;
	r.hugepages = &huge;
	r.n_hugepages = 1;

	ck_assert_msg(cgroup_v1_backend.check(&r, &err) == 0, "check: %s", err.msg);
	cg = create_cg(path);
	rc = cg->be->set(cg, &r, false, &err);
	ck_assert_msg(rc == 0, "set: %s", err.msg);

	ck_file_eq("memory", path, "memory.limit_in_bytes", "67108864");
	ck_file_eq("memory", path, "memory.soft_limit_in_bytes", "33554432");
	ck_file_eq("memory", path, "memory.memsw.limit_in_bytes", "134217728");
	ck_file_eq("memory", path, "memory.swappiness", "10");
	{
		cleanup_free char *oom = read_host("memory", path, "memory.oom_control");

		ck_assert_ptr_nonnull(strstr(oom, "oom_kill_disable 1"));
	}
	ck_file_eq("cpu", path, "cpu.shares", "512");
	ck_file_eq("cpu", path, "cpu.cfs_quota_us", "50000");
	ck_file_eq("cpu", path, "cpu.cfs_period_us", "200000");
	ck_file_eq("cpu", path, "cpu.cfs_burst_us", "1000");
	ck_file_eq("cpu", path, "cpu.rt_period_us", "500000");
	ck_file_eq("cpu", path, "cpu.idle", "0");
	ck_file_eq("cpuset", path, "cpuset.cpus", "0");
	ck_file_eq("cpuset", path, "cpuset.mems", "0");
	ck_file_eq("pids", path, "pids.max", "42");
	if (weight_file)
		ck_file_eq("blkio", path, weight_file, "200");
	snprintf(want, sizeof(want), "%u:%u 1048576", major(root.st_dev), minor(root.st_dev));
	ck_file_eq("blkio", path, "blkio.throttle.read_bps_device", want);
	snprintf(want, sizeof(want), "%u:%u 100", major(root.st_dev), minor(root.st_dev));
	ck_file_eq("blkio", path, "blkio.throttle.write_iops_device", want);
	ck_file_eq("unified", path, "hugetlb.2MB.max", "4194304");
	/* the last reset (deny all) wins over the allow-all before it; then the two allows */
	ck_file_eq("devices", path, "devices.list", "c 1:3 rwm\nc 136:* rw");

	/* raising both limits needs memsw first, lowering both needs the limit first */
	r = (struct spec_resources){ 0 };
	r.has_memory = true;
	r.memory.limit = (struct spec_opt_i64){ true, 256 << 20 };
	r.memory.swap = (struct spec_opt_i64){ true, 512 << 20 };
	ck_assert_msg(cg->be->set(cg, &r, true, &err) == 0, "raise: %s", err.msg);
	ck_file_eq("memory", path, "memory.limit_in_bytes", "268435456");
	ck_file_eq("memory", path, "memory.memsw.limit_in_bytes", "536870912");
	r.memory.limit.v = 16 << 20;
	r.memory.swap.v = 32 << 20;
	ck_assert_msg(cg->be->set(cg, &r, true, &err) == 0, "lower: %s", err.msg);
	ck_file_eq("memory", path, "memory.limit_in_bytes", "16777216");
	ck_file_eq("memory", path, "memory.memsw.limit_in_bytes", "33554432");
	/* unlimited pids */
	r = (struct spec_resources){ 0 };
	r.has_pids = true;
	r.pids_limit = (struct spec_opt_i64){ true, 0 };
	ck_assert_msg(cg->be->set(cg, &r, true, &err) == 0, "pids: %s", err.msg);
	ck_file_eq("pids", path, "pids.max", "max");

	remove_cg(cg);
	free_cg(cg);
}
END_TEST

START_TEST(blkio_weight_without_a_proportional_scheduler_is_refused)
{
	cleanup_free char *path = cg_path("bfq", NULL);
	struct spec_resources r = { .has_blkio = true };
	struct error err = { 0 };
	struct cgroup *cg;

	if (!is_v1_host() || blkio_weight_file())
		return; /* this host can honour a weight: set_writes_every_field covers it */
	cg = create_cg(path);
	r.blkio.weight = (struct spec_opt_u64){ true, 200 };
	ck_assert_int_lt(cg->be->set(cg, &r, false, &err), 0);
	ck_assert_str_eq(err.msg, "linux.resources.blockIO.weight: neither blkio.weight nor "
				  "blkio.bfq.weight exists (no proportional I/O scheduler)");
	remove_cg(cg);
	free_cg(cg);
}
END_TEST


static void write_host(const char *file, const char *val)
{
	ck_assert_msg(write_file_at(AT_FDCWD, file, val, strlen(val)) == 0, "write %s", file);
}

/* A process left in the memory leaf only (moved out in the pids hierarchy, whose leaf a failed
 * delete already removed): reopening still finds the cgroup, and destroy drains and removes it all. */
START_TEST(destroy_drains_every_hierarchy_and_a_retry_finishes)
{
	cleanup_free char *path = cg_path("drain", "c");
	cleanup_free char *top = cg_path("drain", NULL);
	cleanup_free char *pids_leaf = xasprintf("/sys/fs/cgroup/pids%s", path);
	struct cgroup *made, *cg = NULL;
	struct error err = { 0 };
	char buf[32];
	pid_t pid;
	int rc;

	if (!is_v1_host())
		return;
	made = create_cg(path);
	pid = spawn_in(made, sleep_forever, NULL);
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	write_host("/sys/fs/cgroup/pids/cgroup.procs", buf);
	ck_assert_int_eq(rmdir(pids_leaf), 0);
	rc = cgroup_open(path, made->created_levels, &cg, &err);
	ck_assert_msg(rc == 0, "open: %s", err.msg);
	rc = cgroup_destroy(cg, &err);
	ck_assert_msg(rc == 0, "destroy: %s", err.msg);
	ck_assert_int_eq(wait_status(pid), SIGKILL);
	for (size_t i = 0; i < ARRAY_SIZE(hiers); i++)
		ck_assert_msg(!exists_in(hiers[i], top), "%s left in %s", top, hiers[i]);
	/* gone everywhere: now it is "removed already" */
	cgroup_free(cg);
	cg = NULL;
	ck_assert_int_eq(cgroup_open(path, made->created_levels, &cg, &err), -ENOENT);
	free_cg(made);
}
END_TEST

static int freeze_in_sub(void *arg)
{
	const char *sub = arg;
	cleanup_free char *procs = xasprintf("%s/cgroup.procs", sub);
	cleanup_free char *state = xasprintf("%s/freezer.state", sub);
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", (int)getpid());
	if (write_file_at(AT_FDCWD, procs, buf, strlen(buf)) < 0)
		return 98;
	if (write_file_at(AT_FDCWD, state, "FROZEN", 6) < 0)
		return 97;
	for (;;)
		pause();
	return 0;
}

/* What the container made below its cgroup goes at destroy, deepest first, a frozen child too. */
START_TEST(destroy_removes_sub_cgroups_and_thaws_a_frozen_one)
{
	cleanup_free char *path = cg_path("subs", "c");
	cleanup_free char *top = cg_path("subs", NULL);
	/* a container may name its sub-cgroups with a leading dot: thawed and removed all the same */
	const char *x = _i ? ".x" : "x";
	cleanup_free char *sub = xasprintf("/sys/fs/cgroup/freezer%s/%s/y", path, x);
	cleanup_free char *mem_sub = xasprintf("/sys/fs/cgroup/memory%s/%s/y/z", path, x);
	cleanup_free char *state = NULL;
	struct cgroup *cg;
	struct error err = { 0 };
	pid_t pid;
	int rc;

	if (!is_v1_host())
		return;
	cg = create_cg(path);
	ck_assert_int_eq(mkdir_p(sub, 0755), 0);
	ck_assert_int_eq(mkdir_p(mem_sub, 0755), 0);
	pid = spawn_in(cg, freeze_in_sub, sub);
	for (int i = 0; i < 200; i++) {
		free(state);
		state = read_host("freezer", strstr(sub, path), "freezer.state");
		if (strcmp(state, "FROZEN") == 0)
			break;
		usleep(10000);
	}
	ck_assert_str_eq(state, "FROZEN");
	rc = cgroup_destroy(cg, &err);
	ck_assert_msg(rc == 0, "destroy: %s", err.msg);
	ck_assert_int_eq(wait_status(pid), SIGKILL);
	for (size_t i = 0; i < ARRAY_SIZE(hiers); i++)
		ck_assert_msg(!exists_in(hiers[i], top), "%s left in %s", top, hiers[i]);
	free_cg(cg);
}
END_TEST

START_TEST(realtime_budget_below_the_root)
{
	/* a realtime budget needs one in the parent: only the root has it here */
	cleanup_free char *path = cg_path("rt", NULL);
	struct spec_resources r = { .has_cpu = true };
	struct error err = { 0 };
	struct cgroup *cg;

	if (!is_v1_host())
		return;
	cg = create_cg(path);
	r.cpu.realtime_period = (struct spec_opt_u64){ true, 500000 };
	r.cpu.realtime_runtime = (struct spec_opt_i64){ true, 10000 };
	ck_assert_msg(cg->be->set(cg, &r, false, &err) == 0, "set: %s", err.msg);
	ck_file_eq("cpu", path, "cpu.rt_period_us", "500000");
	ck_file_eq("cpu", path, "cpu.rt_runtime_us", "10000");
	r.cpu.realtime_runtime.v = 0; /* an update gives the budget back */
	ck_assert_msg(cg->be->set(cg, &r, true, &err) == 0, "set: %s", err.msg);
	remove_cg(cg);
	free_cg(cg);
}
END_TEST

START_TEST(errors_name_the_field_and_the_file)
{
	cleanup_free char *path = cg_path("errors", "a");
	struct spec_kv high = { .key = "memory.high", .value = "1G" }, hmax = { .key = "hugetlb.2MB.max",
										 .value = "2097152" };
	struct spec_resources r = { 0 };
	struct error err = { 0 };
	struct cgroup *cg;

	if (!is_v1_host())
		return;
	r.unified = &high;
	r.n_unified = 1;
	ck_assert_int_eq(cgroup_v1_backend.check(&r, &err), -EINVAL);
	ck_assert_str_eq(err.msg,
			 "linux.resources.unified: \"memory.high\": needs cgroup v2 (this host is v1)");

	r = (struct spec_resources){ 0 };
	r.has_network = true;
	r.network.has_class_id = true;
	r.network.class_id = 0x100001;
	ck_assert_int_eq(cgroup_v1_backend.check(&r, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "linux.resources.network.classID"));
	ck_assert_ptr_nonnull(strstr(err.msg, "net_cls"));

	r = (struct spec_resources){ 0 };
	r.hugepages = &(struct spec_hugepage_limit){ .page_size = "3MB", .limit = 1 };
	r.n_hugepages = 1;
	ck_assert_int_eq(cgroup_v1_backend.check(&r, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "hugepageLimits[0].pageSize"));

	/* a key whose controller the hybrid unified hierarchy has is written there */
	cg = create_cg(path);
	r = (struct spec_resources){ 0 };
	r.unified = &hmax;
	r.n_unified = 1;
	ck_assert_msg(cgroup_v1_backend.check(&r, &err) == 0, "check: %s", err.msg);
	ck_assert_msg(cg->be->set(cg, &r, false, &err) == 0, "set: %s", err.msg);
	ck_file_eq("unified", path, "hugetlb.2MB.max", "2097152");

	/* the kernel refuses: the message names the field and the file */
	r = (struct spec_resources){ 0 };
	r.has_memory = true;
	r.memory.swap = (struct spec_opt_i64){ true, 1 << 20 };
	r.memory.limit = (struct spec_opt_i64){ true, 8 << 20 };
	ck_assert_int_eq(cg->be->set(cg, &r, false, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "linux.resources.memory.") &&
			      strstr(err.msg, "limit_in_bytes: Invalid argument"),
		      "%s", err.msg);
	r = (struct spec_resources){ 0 };
	r.has_blkio = true;
	r.blkio.weight_devices = &(struct spec_weight_device){ .major = 254, .minor = 0,
							      .weight = { true, 300 } };
	r.blkio.n_weight_devices = 1;
	if (cg->be->set(cg, &r, false, &err) < 0) /* only bfq devices take a weight */
		ck_assert_msg(strstr(err.msg, "linux.resources.blockIO.weightDevice[0].weight: write blkio."),
			      "%s", err.msg);
	r = (struct spec_resources){ 0 };
	r.has_cpu = true;
	r.cpu.cpus = "4095";
	ck_assert_int_lt(cg->be->set(cg, &r, false, &err), 0);
	ck_assert_msg(strncmp(err.msg, "linux.resources.cpu.cpus: write cpuset.cpus: ", 45) == 0, "%s",
		      err.msg);
	remove_cg(cg);
	free_cg(cg);
}
END_TEST
END_TEST

int main(void)
{
	Suite *s = suite_create("cgroup_v1");
	TCase *tc = tcase_create("cgroup_v1");
	SRunner *sr;
	int failed;

	test_pid = getpid();
	if (!is_v1_host())
		fprintf(stderr, "test_cgroup_v1: not root on a v1/hybrid host: nothing is run\n");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, create_makes_every_level_in_every_hierarchy);
	tcase_add_test(tc, create_existing_parent_counts_only_new_levels);
	tcase_add_test(tc, create_failure_removes_what_it_made);
	tcase_add_test(tc, open_needs_the_leaf);
	tcase_add_test(tc, bad_paths_are_refused);
	tcase_add_test(tc, set_writes_every_field);
	tcase_add_test(tc, blkio_weight_without_a_proportional_scheduler_is_refused);
	tcase_add_test(tc, realtime_budget_below_the_root);
	tcase_add_test(tc, destroy_drains_every_hierarchy_and_a_retry_finishes);
	tcase_add_loop_test(tc, destroy_removes_sub_cgroups_and_thaws_a_frozen_one, 0, 2);
	tcase_add_test(tc, errors_name_the_field_and_the_file);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	cleanup_all();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
