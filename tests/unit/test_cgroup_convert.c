/* Unit tests for cgroup/convert.c: OCI values <-> cgroup file contents. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/convert.h"

START_TEST(shares_to_weight_table)
{
	static const struct {
		uint64_t shares, weight;
	} t[] = {
		{ 0, 0 },	    { 1, 1 },		{ 2, 1 },	    { 3, 2 },
		{ 10, 4 },	    { 100, 17 },	{ 512, 59 },	    { 1024, 100 },
		{ 2048, 174 },	    { 100000, 4340 },	{ 262143, 10000 },  { 262144, 10000 },
		{ 1000000, 10000 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(convert_shares_to_weight(t[i].shares) == t[i].weight,
			      "shares %lu -> %lu, want %lu", (unsigned long)t[i].shares,
			      (unsigned long)convert_shares_to_weight(t[i].shares),
			      (unsigned long)t[i].weight);
}
END_TEST

START_TEST(blkio_weight_to_io_weight)
{
	ck_assert_uint_eq(convert_blkio_weight_to_io_weight(0), 0);
	ck_assert_uint_eq(convert_blkio_weight_to_io_weight(10), 1);
	ck_assert_uint_eq(convert_blkio_weight_to_io_weight(100), 910);
	ck_assert_uint_eq(convert_blkio_weight_to_io_weight(500), 4950);
	ck_assert_uint_eq(convert_blkio_weight_to_io_weight(1000), 10000);
}
END_TEST

START_TEST(cpu_max_strings)
{
	char buf[64];

	ck_assert_int_eq(convert_cpu_max(true, 50000, true, 100000, NULL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "50000 100000");
	ck_assert_int_eq(convert_cpu_max(true, 20000, false, 0, NULL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "20000 100000");
	ck_assert_int_eq(convert_cpu_max(true, -1, true, 50000, NULL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "max 50000");
	ck_assert_int_eq(convert_cpu_max(true, 0, false, 0, NULL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "max 100000");
	/* Only a period: keep the live quota. */
	ck_assert_int_eq(convert_cpu_max(false, 0, true, 200000, "30000 100000\n", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "30000 200000");
	ck_assert_int_eq(convert_cpu_max(false, 0, true, 200000, "max 100000\n", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "max 200000");
	ck_assert_int_eq(convert_cpu_max(false, 0, true, 200000, NULL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "max 200000");
	ck_assert_int_eq(convert_cpu_max(false, 0, false, 0, NULL, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(convert_cpu_max(true, 1, true, 1, NULL, buf, 3), -ENOSPC);
}
END_TEST

START_TEST(swap_v2)
{
	int64_t out;

	ck_assert_int_eq(convert_swap_v2(-1, 1000, &out), 0);
	ck_assert_int_eq(out, -1);
	ck_assert_int_eq(convert_swap_v2(-1, -1, &out), 0);
	ck_assert_int_eq(out, -1);
	ck_assert_int_eq(convert_swap_v2(3000, 1000, &out), 0);
	ck_assert_int_eq(out, 2000);
	ck_assert_int_eq(convert_swap_v2(1000, 1000, &out), 0);
	ck_assert_int_eq(out, 0);
	ck_assert_int_eq(convert_swap_v2(500, 1000, &out), -EINVAL);
	ck_assert_int_eq(convert_swap_v2(500, -1, &out), -EINVAL);
}
END_TEST

START_TEST(parse_max_values)
{
	uint64_t v;

	ck_assert_int_eq(convert_parse_max("max\n", &v), 0);
	ck_assert(v == UINT64_MAX);
	ck_assert_int_eq(convert_parse_max("123\n", &v), 0);
	ck_assert_uint_eq(v, 123);
	ck_assert_int_eq(convert_parse_max("12x", &v), -EINVAL);
	ck_assert_int_eq(convert_parse_max("", &v), -EINVAL);
}
END_TEST

START_TEST(io_stat_lines)
{
	struct convert_io_stat *v = NULL;
	size_t n = 0;

	ck_assert_int_eq(convert_parse_io_stat("8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6\n"
					       "253:16 rbytes=10 wbytes=20 rios=30 wios=40\n",
					       &v, &n),
			 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(v[0].major, 8);
	ck_assert_uint_eq(v[0].minor, 0);
	ck_assert_uint_eq(v[0].rbytes, 1);
	ck_assert_uint_eq(v[0].wbytes, 2);
	ck_assert_uint_eq(v[0].rios, 3);
	ck_assert_uint_eq(v[0].wios, 4);
	ck_assert_uint_eq(v[1].major, 253);
	ck_assert_uint_eq(v[1].minor, 16);
	ck_assert_uint_eq(v[1].wios, 40);
	free(v);
	ck_assert_int_eq(convert_parse_io_stat("", &v, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(v);
	ck_assert_int_eq(convert_parse_io_stat("8-0 rbytes=1\n", &v, &n), -EINVAL);
	ck_assert_int_eq(convert_parse_io_stat("8:0 rbytes\n", &v, &n), -EINVAL);
}
END_TEST

START_TEST(kv_files)
{
	const char *text = "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n"
			   "weird line here\nnr_periods 0\n";
	struct cgroup_kv_u64 *kv = NULL;
	size_t n = 0;
	uint64_t v;

	ck_assert_int_eq(convert_parse_kv(text, &kv, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(kv[0].key, "usage_usec");
	ck_assert_uint_eq(kv[0].value, 1500);
	ck_assert_str_eq(kv[3].key, "nr_periods");
	convert_kv_free(kv, n);
	ck_assert_int_eq(convert_kv_lookup(text, "user_usec", &v), 0);
	ck_assert_uint_eq(v, 1000);
	ck_assert_int_eq(convert_kv_lookup(text, "usage", &v), -ENOENT);
	ck_assert_int_eq(convert_kv_lookup(text, "weird", &v), -EINVAL);
	ck_assert_int_eq(convert_kv_lookup("populated 1\nfrozen 0\n", "frozen", &v), 0);
	ck_assert_uint_eq(v, 0);
}
END_TEST

START_TEST(page_sizes)
{
	uint64_t b;
	char buf[16];

	ck_assert_int_eq(convert_parse_page_size("2MB", &b), 0);
	ck_assert_uint_eq(b, 2097152);
	ck_assert_int_eq(convert_parse_page_size("1GB", &b), 0);
	ck_assert_uint_eq(b, 1073741824);
	ck_assert_int_eq(convert_parse_page_size("64KB", &b), 0);
	ck_assert_uint_eq(b, 65536);
	ck_assert_int_eq(convert_parse_page_size("64kB", &b), 0);
	ck_assert_int_eq(convert_parse_page_size("2M", &b), -EINVAL);
	ck_assert_int_eq(convert_parse_page_size("MB", &b), -EINVAL);
	ck_assert_int_eq(convert_parse_page_size("0MB", &b), -EINVAL);
	ck_assert_int_eq(convert_format_page_size(2097152, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "2MB");
	ck_assert_int_eq(convert_format_page_size(1073741824, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "1GB");
	ck_assert_int_eq(convert_format_page_size(65536, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "64KB");
	ck_assert_int_eq(convert_format_page_size(1000, buf, sizeof(buf)), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cgroup_convert");
	TCase *tc = tcase_create("convert");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, shares_to_weight_table);
	tcase_add_test(tc, blkio_weight_to_io_weight);
	tcase_add_test(tc, cpu_max_strings);
	tcase_add_test(tc, swap_v2);
	tcase_add_test(tc, parse_max_values);
	tcase_add_test(tc, io_stat_lines);
	tcase_add_test(tc, kv_files);
	tcase_add_test(tc, page_sizes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
