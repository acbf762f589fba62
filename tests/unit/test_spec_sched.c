/* Unit tests for process.scheduler, ioPriority and execCPUAffinity parsing. */
#include <check.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/spec.h"
#include "runtime/util.h"

#define DOC(x)                                                                                            \
	"{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},\"process\":{\"user\":{\"uid\":0,\"gid\":0}," \
	"\"args\":[\"sh\"],\"cwd\":\"/\"," x "}}"

static struct spec *parse_ok(const char *doc)
{
	struct spec *s = NULL;
	struct error err = { 0 };

	ck_assert_msg(spec_parse(doc, strlen(doc), &s, &err) == 0, "parse failed: %s", err.msg);
	return s;
}

START_TEST(scheduler_fields)
{
	struct spec *s = parse_ok(DOC("\"scheduler\":{\"policy\":\"SCHED_DEADLINE\",\"nice\":-3,\"runtime\":10000,"
				      "\"deadline\":20000,\"period\":30000,\"flags\":[\"SCHED_FLAG_RESET_ON_FORK\","
				      "\"SCHED_FLAG_RECLAIM\"]}"));
	const struct spec_scheduler *sc = &s->process.scheduler;

	ck_assert(sc->present);
	ck_assert_uint_eq(sc->policy, SCHED_DEADLINE);
	ck_assert_int_eq(sc->nice, -3);
	ck_assert_uint_eq(sc->runtime, 10000);
	ck_assert_uint_eq(sc->deadline, 20000);
	ck_assert_uint_eq(sc->period, 30000);
	ck_assert_uint_eq(sc->flags, 0x01 | 0x02); /* RESET_ON_FORK | RECLAIM */
	spec_free(s);
}
END_TEST

START_TEST(scheduler_absent)
{
	struct spec *s = parse_ok(DOC("\"terminal\":false"));

	ck_assert(!s->process.scheduler.present);
	ck_assert(!s->process.io_priority.present);
	ck_assert(!s->process.cpu_affinity.has_initial && !s->process.cpu_affinity.has_final);
	spec_free(s);
}
END_TEST

START_TEST(io_priority_fields)
{
	struct spec *s = parse_ok(DOC("\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\",\"priority\":4}"));

	ck_assert(s->process.io_priority.present);
	ck_assert_int_eq(s->process.io_priority.class, 1);
	ck_assert_int_eq(s->process.io_priority.priority, 4);
	spec_free(s);
}
END_TEST

START_TEST(cpu_affinity_lists)
{
	struct spec *s = parse_ok(DOC("\"execCPUAffinity\":{\"initial\":\"0-2,7\",\"final\":\"64,1023\"}"));
	const struct spec_cpu_affinity *a = &s->process.cpu_affinity;

	ck_assert(a->has_initial && a->has_final);
	ck_assert_uint_eq(a->initial[0], 0x87);
	ck_assert_uint_eq(a->final[0], 0);
	ck_assert_uint_eq(a->final[1], 1);
	ck_assert_uint_eq(a->final[15], 1ull << 63);
	spec_free(s);
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("spec_sched");
	TCase *tc = tcase_create("sched");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, scheduler_fields);
	tcase_add_test(tc, scheduler_absent);
	tcase_add_test(tc, io_priority_fields);
	tcase_add_test(tc, cpu_affinity_lists);
	suite_add_tcase(suite, tc);
	sr = srunner_create(suite);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
