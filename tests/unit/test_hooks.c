/* Unit tests for runtime/hooks.c (real hooks through /bin/sh) and runtime/caps.c (in the test's fork). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "runtime/caps.h"
#include "runtime/hooks.h"
#include "runtime/util.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/berth-hooks-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* A hook running `sh -c script` with optional env (NULL-terminated). */
static struct spec_hook sh_hook(const char *script, char **env)
{
	struct spec_hook h = { .path = xstrdup("/bin/sh"), .env = env ? strv_dup(env) : NULL };
	char *args[] = { "sh", "-c", (char *)script, "arg0", "arg1", NULL };

	h.args = strv_dup(args);
	return h;
}

static void hook_free(struct spec_hook *h)
{
	free(h->path);
	strv_free(h->args);
	strv_free(h->env);
}

static char *slurp(const char *name)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, name);
	char *buf = NULL;

	if (read_file_at(AT_FDCWD, path, &buf, NULL, 8 << 20) < 0)
		return NULL;
	return buf;
}

static char *out_env(void)
{
	return xasprintf("OUT=%s", dir);
}

START_TEST(stdin_gets_the_state)
{
	cleanup_free char *env0 = out_env(), *got = NULL;
	char *env[] = { env0, NULL };
	struct spec_hook h = sh_hook("cat > \"$OUT/state\"", env);
	struct spec_hook_list list = { &h, 1 };
	struct error err = { 0 };
	const char *json = "{\"ociVersion\":\"1.3.0\",\"id\":\"web\",\"status\":\"creating\",\"pid\":42}";

	ck_assert_msg(hooks_run(&list, SPEC_HOOK_PRESTART, json, &err) == 0, "%s", err.msg);
	got = slurp("state");
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, json);
	hook_free(&h);
}
END_TEST

START_TEST(large_state_and_a_hook_that_ignores_stdin)
{
	cleanup_free char *env0 = out_env(), *got = NULL, *big = xmalloc(1 << 20);
	char *env[] = { env0, NULL };
	struct spec_hook hooks[2] = { sh_hook("exit 0", NULL), sh_hook("cat > \"$OUT/big\"", env) };
	struct spec_hook_list list = { hooks, 2 };
	struct error err = { 0 };

	memset(big, 'a', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	/* the first hook never reads: berth must not die of SIGPIPE nor block on a full pipe */
	ck_assert_msg(hooks_run(&list, SPEC_HOOK_POSTSTOP, big, &err) == 0, "%s", err.msg);
	got = slurp("big");
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(strlen(got), (1 << 20) - 1);
	hook_free(&hooks[0]);
	hook_free(&hooks[1]);
}
END_TEST

START_TEST(args_and_env_exactly)
{
	cleanup_free char *path = xasprintf("%s/env", dir), *got = NULL;
	char *args[] = { "env", NULL };
	char *env[] = { "FOO=bar", "EMPTY=", NULL };
	struct spec_hook hooks[2] = {
		{ .path = "/usr/bin/env", .args = args, .env = env },
		{ .path = "/bin/sh" },
	};
	struct spec_hook_list list = { hooks, 1 };
	struct error err = { 0 };
	int saved = dup(1), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	/* hook stdout is berth's stdout */
	ck_assert_int_ge(fd, 0);
	dup2(fd, 1);
	ck_assert_msg(hooks_run(&list, SPEC_HOOK_CREATE_RUNTIME, "{}", &err) == 0, "%s", err.msg);
	dup2(saved, 1);
	got = slurp("env");
	ck_assert_str_eq(got, "FOO=bar\nEMPTY=\n");
	free(got);

	/* args and the default argv [path]; no env means an empty one */
	cleanup_free char *env0 = out_env();
	char *env2[] = { env0, NULL };
	struct spec_hook h = sh_hook("echo \"$0 $1 $#\" > \"$OUT/args\"; "
				     "env | grep -v '^PWD=\\|^SHLVL=\\|^_=' >> \"$OUT/args\"", env2);
	list.hooks = &h;
	ck_assert_msg(hooks_run(&list, SPEC_HOOK_CREATE_RUNTIME, "{}", &err) == 0, "%s", err.msg);
	got = slurp("args");
	cleanup_free char *want = xasprintf("arg0 arg1 1\nOUT=%s\n", dir);
	ck_assert_str_eq(got, want);
	hook_free(&h);
}
END_TEST

START_TEST(nonzero_exit_and_signal)
{
	struct spec_hook h = sh_hook("exit 3", NULL);
	struct spec_hook_list list = { &h, 1 };
	struct error err = { 0 };

	ck_assert_int_lt(hooks_run(&list, SPEC_HOOK_PRESTART, "{}", &err), 0);
	ck_assert_str_eq(err.msg, "prestart hook #0 (/bin/sh): exited with status 3");
	hook_free(&h);

	h = sh_hook("kill -TERM $$", NULL);
	ck_assert_int_lt(hooks_run(&list, SPEC_HOOK_POSTSTART, "{}", &err), 0);
	ck_assert_str_eq(err.msg, "poststart hook #0 (/bin/sh): killed by signal 15");
	hook_free(&h);
}
END_TEST

START_TEST(timeout_kills)
{
	struct spec_hook h = sh_hook("exec sleep 10", NULL);
	struct spec_hook_list list = { &h, 1 };
	struct error err = { 0 };
	time_t t0 = time(NULL);

	h.has_timeout = true;
	h.timeout = 1;
	ck_assert_int_lt(hooks_run(&list, SPEC_HOOK_CREATE_CONTAINER, "{}", &err), 0);
	ck_assert_str_eq(err.msg, "createContainer hook #0 (/bin/sh): timed out after 1s");
	ck_assert_int_le(time(NULL) - t0, 4);
	hook_free(&h);
}
END_TEST

START_TEST(missing_executable_is_named)
{
	struct spec_hook h = { .path = "/nonexistent/hook" };
	struct spec_hook_list list = { &h, 1 };
	struct error err = { 0 };

	ck_assert_int_eq(hooks_run(&list, SPEC_HOOK_CREATE_RUNTIME, "{}", &err), -ENOENT);
	ck_assert_str_eq(err.msg,
			 "createRuntime hook #0 (/nonexistent/hook): exec: No such file or directory");

	h.path = dir; /* a directory */
	ck_assert_int_eq(hooks_run(&list, SPEC_HOOK_CREATE_RUNTIME, "{}", &err), -EACCES);
}
END_TEST

START_TEST(stops_at_the_first_failure)
{
	cleanup_free char *env0 = out_env(), *got = NULL;
	char *env[] = { env0, NULL };
	struct spec_hook hooks[3] = {
		sh_hook("touch \"$OUT/first\"", env),
		sh_hook("exit 1", NULL),
		sh_hook("touch \"$OUT/third\"", env),
	};
	struct spec_hook_list list = { hooks, 3 };
	struct error err = { 0 };

	ck_assert_int_lt(hooks_run(&list, SPEC_HOOK_START_CONTAINER, "{}", &err), 0);
	ck_assert_str_eq(err.msg, "startContainer hook #1 (/bin/sh): exited with status 1");
	got = slurp("first");
	ck_assert_ptr_nonnull(got);
	ck_assert_ptr_null(slurp("third"));
	for (int i = 0; i < 3; i++)
		hook_free(&hooks[i]);

	list.n = 0;
	ck_assert_int_eq(hooks_run(&list, SPEC_HOOK_PRESTART, "{}", &err), 0);
}
END_TEST

START_TEST(poststart_and_poststop_go_on_after_a_failure)
{
	cleanup_free char *env0 = out_env(), *got = NULL;
	char *env[] = { env0, NULL };
	struct spec_hook hooks[3] = {
		sh_hook("exit 4", NULL),
		sh_hook("exit 5", NULL),
		sh_hook("touch \"$OUT/third\"", env),
	};
	struct spec_hook_list list = { hooks, 3 };
	struct error err = { 0 };

	ck_assert_int_lt(hooks_run(&list, SPEC_HOOK_POSTSTOP, "{}", &err), 0);
	ck_assert_str_eq(err.msg, "poststop hook #0 (/bin/sh): exited with status 4"); /* the first */
	got = slurp("third");
	ck_assert_ptr_nonnull(got);
	for (int i = 0; i < 3; i++)
		hook_free(&hooks[i]);
	ck_assert_int_eq(hooks_run(NULL, SPEC_HOOK_PRESTART, "{}", &err), 0);
}
END_TEST

START_TEST(hook_gets_no_fds_and_clean_signals)
{
	cleanup_free char *env0 = out_env(), *got = NULL;
	char *env[] = { env0, NULL };
	struct spec_hook h = sh_hook("ls /proc/self/fd > \"$OUT/fds\"; "
				     "grep -E '^Sig(Blk|Ign)' /proc/self/status > \"$OUT/sig\"", env);
	struct spec_hook_list list = { &h, 1 };
	struct error err = { 0 };
	sigset_t set, now;
	int fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose: it must not leak */

	ck_assert_int_eq(dup2(fd, 57), 57);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGUSR2, SIG_IGN);
	ck_assert_msg(hooks_run(&list, SPEC_HOOK_PRESTART, "{}", &err) == 0, "%s", err.msg);
	got = slurp("fds");
	ck_assert_ptr_null(strstr(got, "57"));
	ck_assert_msg(strncmp(got, "0\n1\n2\n", 6) == 0, "%s", got);
	free(got);
	got = slurp("sig");
	ck_assert_str_eq(got, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
	/* the caller's mask is back as it was, SIGPIPE not left blocked */
	sigprocmask(SIG_BLOCK, NULL, &now);
	ck_assert(sigismember(&now, SIGUSR1));
	ck_assert(!sigismember(&now, SIGPIPE));
	hook_free(&h);
}
END_TEST

/* The mask of one line of /proc/self/status ("CapEff:"). */
static uint64_t status_mask(const char *key)
{
	cleanup_free char *buf = NULL;
	char *p;

	ck_assert_int_eq(read_file_at(AT_FDCWD, "/proc/self/status", &buf, NULL, 65536), 0);
	p = strstr(buf, key);
	ck_assert_ptr_nonnull(p);
	return strtoull(p + strlen(key), NULL, 16);
}

#define BIT(c) (UINT64_C(1) << (c))

START_TEST(caps_names_and_last)
{
	cleanup_free char *buf = NULL;

	ck_assert_int_eq(caps_from_name("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
	ck_assert_int_eq(caps_from_name("cap_net_raw"), CAP_NET_RAW);
	ck_assert_int_eq(caps_from_name("Cap_Chown"), CAP_CHOWN);
	ck_assert_int_eq(caps_from_name("CAP_CHECKPOINT_RESTORE"), 40);
	ck_assert_int_eq(caps_from_name("CAP_FOO"), -1);
	ck_assert_int_eq(caps_from_name("SYS_ADMIN"), -1);
	ck_assert_int_eq(caps_from_name("12"), -1);
	ck_assert_int_eq(caps_from_name("CAP_"), -1);
	ck_assert_int_eq(caps_from_name(""), -1);
	ck_assert_int_eq(read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", &buf, NULL, 64), 0);
	ck_assert_int_eq(caps_last_cap(), atoi(buf));
	ck_assert_int_eq(caps_last_cap(), atoi(buf)); /* cached */
}
END_TEST

START_TEST(caps_bounding_and_sets)
{
	struct spec_capabilities c = {
		.bounding = BIT(CAP_KILL) | BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_SETPCAP) |
			    BIT(CAP_AUDIT_WRITE),
		.effective = BIT(CAP_KILL) | BIT(CAP_NET_BIND_SERVICE),
		.permitted = BIT(CAP_KILL) | BIT(CAP_NET_BIND_SERVICE),
		.inheritable = BIT(CAP_NET_BIND_SERVICE),
		.ambient = BIT(CAP_NET_BIND_SERVICE) | BIT(62), /* 62: beyond the kernel, skipped */
	};
	struct error err = { 0 };

	ck_assert_msg(caps_drop_bounding(&c, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(status_mask("CapBnd:"), c.bounding);
	ck_assert_msg(caps_apply(&c, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(status_mask("CapEff:"), c.effective);
	ck_assert_uint_eq(status_mask("CapPrm:"), c.permitted);
	ck_assert_uint_eq(status_mask("CapInh:"), c.inheritable);
	ck_assert_uint_eq(status_mask("CapAmb:"), BIT(CAP_NET_BIND_SERVICE));
}
END_TEST

START_TEST(caps_errors_name_the_capability)
{
	struct spec_capabilities c = {
		.effective = BIT(CAP_KILL) | BIT(CAP_CHOWN),
		.permitted = BIT(CAP_KILL),
	};
	struct error err = { 0 };

	ck_assert_int_eq(caps_apply(&c, &err), -EPERM);
	ck_assert_msg(strstr(err.msg, "effective CAP_CHOWN is not in the permitted set"), "%s", err.msg);

	/* ambient without inheritable (runc's default spec) is skipped as runc does, not an error */
	c.effective = c.permitted = BIT(CAP_KILL) | BIT(CAP_CHOWN);
	c.inheritable = BIT(CAP_KILL);
	c.ambient = BIT(CAP_CHOWN) | BIT(CAP_KILL);
	ck_assert_msg(caps_apply(&c, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(status_mask("CapAmb:"), BIT(CAP_KILL));

	/* a capability we no longer hold cannot come back */
	c = (struct spec_capabilities){ .effective = BIT(CAP_KILL), .permitted = BIT(CAP_KILL) };
	ck_assert_int_eq(caps_apply(&c, &err), 0);
	c.permitted |= BIT(CAP_SYS_ADMIN);
	ck_assert_int_eq(caps_apply(&c, &err), -EPERM);
	ck_assert_msg(strstr(err.msg, "permitted CAP_SYS_ADMIN"), "%s", err.msg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hooks");
	TCase *tc = tcase_create("hooks"), *caps = tcase_create("caps");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, stdin_gets_the_state);
	tcase_add_test(tc, large_state_and_a_hook_that_ignores_stdin);
	tcase_add_test(tc, args_and_env_exactly);
	tcase_add_test(tc, nonzero_exit_and_signal);
	tcase_add_test(tc, timeout_kills);
	tcase_add_test(tc, missing_executable_is_named);
	tcase_add_test(tc, stops_at_the_first_failure);
	tcase_add_test(tc, poststart_and_poststop_go_on_after_a_failure);
	tcase_add_test(tc, hook_gets_no_fds_and_clean_signals);
	suite_add_tcase(s, tc);
	tcase_add_test(caps, caps_names_and_last);
	tcase_add_test(caps, caps_bounding_and_sets);
	tcase_add_test(caps, caps_errors_name_the_capability);
	suite_add_tcase(s, caps);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
