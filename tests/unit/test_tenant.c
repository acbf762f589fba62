/* Unit tests for runtime/tenant.c: names and the limits the flags give (no cgroup, no store). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/convert.h"
#include "runtime/tenant.h"

static int name_ok(const char *name)
{
	struct error err = { 0 };

	return tenant_name_check(name, &err);
}

START_TEST(tenant_names)
{
	char long_part[70];

	ck_assert_int_eq(name_ok("acme"), 0);
	ck_assert_int_eq(name_ok("acme/web"), 0);
	ck_assert_int_eq(name_ok("a_b-c.d/e1"), 0);
	ck_assert_int_lt(name_ok(""), 0);
	ck_assert_int_lt(name_ok("/x"), 0);
	ck_assert_int_lt(name_ok(".."), 0);
	ck_assert_int_lt(name_ok("a/../b"), 0);
	ck_assert_int_lt(name_ok("a/./b"), 0);
	ck_assert_int_lt(name_ok("a//b"), 0);
	ck_assert_int_lt(name_ok("a/"), 0);
	ck_assert_int_lt(name_ok("a+b"), 0);
	ck_assert_int_lt(name_ok("a b"), 0);
	ck_assert_int_lt(name_ok("1/2/3/4/5/6/7/8/9"), 0);
	memset(long_part, 'a', 65);
	long_part[65] = '\0';
	ck_assert_int_lt(name_ok(long_part), 0);
	long_part[64] = '\0';
	ck_assert_int_eq(name_ok(long_part), 0);

	struct error err = { 0 };
	tenant_name_check("x/../y", &err);
	ck_assert_ptr_nonnull(strstr(err.msg, "\"x/../y\""));
}
END_TEST

START_TEST(tenant_limits)
{
	struct tenant t = { .name = "t" };
	struct spec_resources r;
	struct error err = { 0 };

	t.v[TENANT_MEMORY] = "64m";
	t.v[TENANT_MEMORY_SWAP] = "128m";
	t.v[TENANT_CPUS] = "0.5";
	t.v[TENANT_CPU_WEIGHT] = "100";
	t.v[TENANT_PIDS] = "40";
	t.v[TENANT_IO_WEIGHT] = "500";
	t.v[TENANT_IO_MAX] = "8:0:rbps=10,wiops=20 8:16:wbps=30";
	ck_assert_int_eq(tenant_resources(&t, &r, &err), 0);
	ck_assert_int_eq(r.memory.limit.v, 64 << 20);
	ck_assert_int_eq(r.memory.swap.v, 128 << 20);
	ck_assert_int_eq(r.cpu.quota.v, 50000);
	ck_assert_int_eq(r.cpu.period.v, 100000);
	ck_assert_int_eq(convert_shares_to_weight(r.cpu.shares.v), 100); /* v2 gets the weight asked */
	ck_assert_int_lt(convert_shares_to_weight(r.cpu.shares.v - 1), 100);
	ck_assert_int_eq(r.pids_limit.v, 40);
	ck_assert_int_eq(r.blkio.weight.v, 500);
	ck_assert_int_eq(r.blkio.n_throttle[SPEC_THROTTLE_READ_BPS], 1);
	ck_assert_int_eq(r.blkio.throttle[SPEC_THROTTLE_WRITE_IOPS][0].rate, 20);
	ck_assert_int_eq(r.blkio.throttle[SPEC_THROTTLE_WRITE_BPS][0].minor, 16);
	tenant_resources_release(&r);

	static const struct { int key; const char *value; } bad[] = {
		{ TENANT_MEMORY, "12q" }, { TENANT_MEMORY, "-1" }, { TENANT_MEMORY, "1k" }, { TENANT_CPUS, "nan" },
		{ TENANT_CPUS, "0" }, { TENANT_CPU_WEIGHT, "0" }, { TENANT_PIDS, "-3" }, { TENANT_PIDS, "1x" },
		{ TENANT_IO_WEIGHT, "5" }, { TENANT_IO_MAX, "8:0" }, { TENANT_IO_MAX, "8:0:rbps=0" },
		{ TENANT_IO_MAX, "8:0:xbps=1" }, { TENANT_CONTAINERS, "-1" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tenant b = { .name = "t" };

		b.v[bad[i].key] = (char *)bad[i].value;
		ck_assert_msg(tenant_resources(&b, &r, &err) < 0, "%s=%s accepted", tenant_key_names[bad[i].key],
			      bad[i].value);
		ck_assert_ptr_nonnull(strstr(err.msg, bad[i].value));
		tenant_resources_release(&r);
	}
	/* memory-swap needs memory, and at least it */
	struct tenant s = { .name = "t" };
	s.v[TENANT_MEMORY_SWAP] = "64m";
	ck_assert_int_lt(tenant_resources(&s, &r, &err), 0);
	tenant_resources_release(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tenant");
	TCase *tc = tcase_create("tenant");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, tenant_names);
	tcase_add_test(tc, tenant_limits);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
