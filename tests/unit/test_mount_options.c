/* Unit tests for mount option decoding (runtime/mount_options.c): runc's and crun's options. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/mount.h>

#include "runtime/spec.h"
#include "runtime/util.h"

static void opts_parse(struct spec_mount_opts *o, const char *const *options)
{
	struct error err = { 0 };

	memset(o, 0, sizeof(*o));
	ck_assert_msg(spec_mount_opts_parse((char *const *)options, o, &err) == 0, "%s", err.msg);
}

START_TEST(mount_opts_flags)
{
	static const char *const set[] = { "ro",       "nosuid",      "nodev",	  "noexec",  "sync",
					   "dirsync",  "remount",     "mand",	  "noatime", "nodiratime",
					   "relatime", "strictatime", "lazytime", "silent",  "nosymfollow",
					   "defaults", NULL };
	static const char *const clr[] = { "rw",	 "suid",  "dev",       "exec",	     "async",
					   "nomand",	 "atime", "diratime",  "norelatime", "nostrictatime",
					   "nolazytime", "loud",  "symfollow", NULL };
	const unsigned long want_set = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS |
				       MS_DIRSYNC | MS_REMOUNT | MS_MANDLOCK | MS_NOATIME | MS_NODIRATIME |
				       MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME | MS_SILENT |
				       MS_NOSYMFOLLOW;
	const unsigned long want_clr = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS |
				       MS_MANDLOCK | MS_NOATIME | MS_NODIRATIME | MS_RELATIME |
				       MS_STRICTATIME | MS_LAZYTIME | MS_SILENT | MS_NOSYMFOLLOW;
	struct spec_mount_opts o;

	opts_parse(&o, set);
	ck_assert_uint_eq(o.flags, want_set);
	ck_assert_uint_eq(o.clear_flags, 0);
	ck_assert_ptr_null(o.data);
	ck_assert(!o.bind);
	opts_parse(&o, clr);
	ck_assert_uint_eq(o.flags, 0);
	ck_assert_uint_eq(o.clear_flags, want_clr);
	ck_assert_ptr_null(o.data);
}
END_TEST

START_TEST(mount_opts_last_wins)
{
	static const char *const ro_rw[] = { "ro", "nosuid", "rw", NULL };
	static const char *const rw_ro[] = { "rw", "ro", NULL };
	struct spec_mount_opts o;

	opts_parse(&o, ro_rw);
	ck_assert_uint_eq(o.flags, MS_NOSUID);
	ck_assert_uint_eq(o.clear_flags, MS_RDONLY);
	opts_parse(&o, rw_ro);
	ck_assert_uint_eq(o.flags, MS_RDONLY);
	ck_assert_uint_eq(o.clear_flags, 0);
}
END_TEST

START_TEST(mount_opts_bind)
{
	static const char *const bind[] = { "bind", NULL };
	static const char *const rbind[] = { "rbind", "rprivate", NULL };
	static const char *const both[] = { "rbind", "bind", NULL };
	struct spec_mount_opts o;

	opts_parse(&o, bind);
	ck_assert(o.bind && !o.recursive);
	ck_assert_uint_eq(o.flags, MS_BIND);
	opts_parse(&o, rbind);
	ck_assert(o.bind && o.recursive);
	ck_assert_uint_eq(o.flags, MS_BIND | MS_REC);
	ck_assert_uint_eq(o.n_propagation, 1);
	ck_assert_uint_eq(o.propagation[0], MS_PRIVATE | MS_REC);
	opts_parse(&o, both);
	ck_assert(o.bind && o.recursive);
}
END_TEST

START_TEST(mount_opts_propagation)
{
	static const char *const four[] = { "rprivate", "shared", "rslave", "unbindable", NULL };
	static const char *const other[] = { "private", "rshared", "slave", "runbindable", NULL };
	static const char *const five[] = { "private", "shared", "slave", "unbindable",
					    "rshared", "mode=1", NULL };
	struct spec_mount_opts o = { 0 };
	struct error err = { 0 };

	opts_parse(&o, four);
	ck_assert_uint_eq(o.n_propagation, 4);
	ck_assert_uint_eq(o.propagation[0], MS_PRIVATE | MS_REC);
	ck_assert_uint_eq(o.propagation[1], MS_SHARED);
	ck_assert_uint_eq(o.propagation[2], MS_SLAVE | MS_REC);
	ck_assert_uint_eq(o.propagation[3], MS_UNBINDABLE);
	ck_assert_uint_eq(o.flags, 0);
	opts_parse(&o, other);
	ck_assert_uint_eq(o.propagation[0], MS_PRIVATE);
	ck_assert_uint_eq(o.propagation[1], MS_SHARED | MS_REC);
	ck_assert_uint_eq(o.propagation[2], MS_SLAVE);
	ck_assert_uint_eq(o.propagation[3], MS_UNBINDABLE | MS_REC);
	memset(&o, 0, sizeof(o));
	ck_assert_int_lt(spec_mount_opts_parse((char *const *)five, &o, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "\"rshared\": more than 4 propagation options"));
	ck_assert_ptr_null(o.data);
}
END_TEST

START_TEST(mount_opts_recursive_attrs)
{
	static const char *const set[] = { "rro",	  "rnosuid",	  "rnodev", "rnoexec",
					   "rnodiratime", "rnosymfollow", NULL };
	static const char *const clr[] = { "rrw", "rsuid", "rdev", "rexec", "rdiratime", "rsymfollow", NULL };
	static const char *const flip[] = { "rro", "rnosuid", "rrw", NULL };
	const uint64_t all = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
			     MOUNT_ATTR_NODIRATIME | MOUNT_ATTR_NOSYMFOLLOW;
	struct spec_mount_opts o;

	opts_parse(&o, set);
	ck_assert_uint_eq(o.rec_attr_set, all);
	ck_assert_uint_eq(o.rec_attr_clr, 0);
	ck_assert_uint_eq(o.flags, 0);
	opts_parse(&o, clr);
	ck_assert_uint_eq(o.rec_attr_set, 0);
	ck_assert_uint_eq(o.rec_attr_clr, all);
	opts_parse(&o, flip);
	ck_assert_uint_eq(o.rec_attr_set, MOUNT_ATTR_NOSUID);
	ck_assert_uint_eq(o.rec_attr_clr, MOUNT_ATTR_RDONLY);
}
END_TEST

START_TEST(mount_opts_recursive_atime)
{
	static const struct {
		const char *opts[3];
		uint64_t set;
	} cases[] = {
		{ { "rnoatime", NULL }, MOUNT_ATTR_NOATIME },
		{ { "rstrictatime", NULL }, MOUNT_ATTR_STRICTATIME },
		{ { "rrelatime", NULL }, MOUNT_ATTR_RELATIME },
		{ { "rnoatime", "rrelatime", NULL }, MOUNT_ATTR_RELATIME },
		{ { "rstrictatime", "rnoatime", NULL }, MOUNT_ATTR_NOATIME },
		{ { "rnoatime", "ratime", NULL }, MOUNT_ATTR_RELATIME },
		{ { "rstrictatime", "rnostrictatime", NULL }, MOUNT_ATTR_RELATIME },
		{ { "rnorelatime", NULL }, MOUNT_ATTR_RELATIME },
		{ { "rnoatime", "rro", NULL }, MOUNT_ATTR_NOATIME | MOUNT_ATTR_RDONLY },
	};
	struct spec_mount_opts o;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		opts_parse(&o, cases[i].opts);
		ck_assert_msg(o.rec_attr_set == cases[i].set, "case %zu: set %#llx", i,
			      (unsigned long long)o.rec_attr_set);
		ck_assert_uint_eq(o.rec_attr_clr, MOUNT_ATTR__ATIME);
	}
}
END_TEST

START_TEST(mount_opts_special_and_data)
{
	static const char *const special[] = { "idmap", "tmpcopyup", NULL };
	static const char *const ridmap[] = { "ridmap", NULL };
	static const char *const data[] = { "mode=755",	     "nosuid", "size=65536k", "newinstance",
					    "ptmxmode=0666", "gid=5",  NULL };
	struct spec_mount_opts o;

	opts_parse(&o, special);
	ck_assert(o.idmap && !o.idmap_recursive && o.tmpcopyup);
	ck_assert_ptr_null(o.data);
	opts_parse(&o, ridmap);
	ck_assert(o.idmap && o.idmap_recursive && !o.tmpcopyup);
	opts_parse(&o, data);
	ck_assert_str_eq(o.data, "mode=755,size=65536k,newinstance,ptmxmode=0666,gid=5");
	ck_assert_uint_eq(o.flags, MS_NOSUID);
	free(o.data);
	opts_parse(&o, NULL);
	ck_assert_uint_eq(o.flags, 0);
	ck_assert_ptr_null(o.data);
}
END_TEST


int main(void)
{
	Suite *s = suite_create("mount_options");
	TCase *tc = tcase_create("mount_options");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, mount_opts_flags);
	tcase_add_test(tc, mount_opts_last_wins);
	tcase_add_test(tc, mount_opts_bind);
	tcase_add_test(tc, mount_opts_propagation);
	tcase_add_test(tc, mount_opts_recursive_attrs);
	tcase_add_test(tc, mount_opts_recursive_atime);
	tcase_add_test(tc, mount_opts_special_and_data);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
