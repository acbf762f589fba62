/* Unit tests for runtime/home.c: the passwd lookup behind a default HOME. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/home.h"

static char *lookup(const char *text, uid_t uid)
{
	return home_from_passwd(text, strlen(text), uid);
}

START_TEST(home_found_by_uid)
{
	const char *pw = "root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000::/home/u:/bin/sh\nlast:x:7:7::/l:";
	char *h;

	ck_assert_str_eq((h = lookup(pw, 0)), "/root");
	free(h);
	ck_assert_str_eq((h = lookup(pw, 1000)), "/home/u");
	free(h);
	ck_assert_str_eq((h = lookup(pw, 7)), "/l");
	free(h);
	ck_assert_ptr_null(lookup(pw, 1));
}
END_TEST

START_TEST(home_malformed_lines)
{
	/* too few fields, a uid that is not a number, an empty or relative home, no final newline */
	ck_assert_ptr_null(lookup("a:x:5:5:/h\n", 5));
	ck_assert_ptr_null(lookup("a:x:5x:5::/h:/s\n", 5));
	ck_assert_ptr_null(lookup("a:x:-5:5::/h:/s\n", (uid_t)-5));
	ck_assert_ptr_null(lookup("a:x::5::/h:/s\n", 0));
	ck_assert_ptr_null(lookup("a:x:5:5:::/s\n", 5));
	ck_assert_ptr_null(lookup("a:x:5:5::rel:/s", 5));
	ck_assert_ptr_null(lookup("", 0));
	/* not NUL-terminated: the length bounds the parse */
	char buf[] = { 'a', ':', 'x', ':', '9', ':', '9', ':', ':', '/', 'h', ':' };
	char *h = home_from_passwd(buf, sizeof(buf), 9);
	ck_assert_str_eq(h, "/h");
	free(h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("home");
	TCase *tc = tcase_create("home");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, home_found_by_uid);
	tcase_add_test(tc, home_malformed_lines);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
