/* Unit tests for linux.seccomp: parsing (runtime/spec_seccomp.c), translation and loading
 * (seccomp/filter.c, seccomp/seccomp.c, in forked children), the cache and the default profile. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/json.h"
#include "runtime/spec.h"
#include "runtime/util.h"
#include "seccomp/cache.h"
#include "seccomp/seccomp.h"

/* Documents are written with single quotes, turned into double ones before parsing. */
#define DOC(sc) "{'ociVersion':'1.3.0','root':{'path':'rootfs'},'linux':{'seccomp':" sc "}}"

static char *dq(const char *s)
{
	char *out = xstrdup(s);

	for (char *p = out; *p; p++)
		if (*p == '\'')
			*p = '"';
	return out;
}

static struct spec *parse_ok(const char *doc)
{
	cleanup_free char *json = dq(doc);
	struct error err = { 0 };
	struct spec *s = NULL;

	if (spec_parse(json, strlen(json), &s, &err) < 0)
		ck_abort_msg("parse failed: %s", err.msg);
	ck_assert_ptr_nonnull(s->linux_.seccomp);
	return s;
}

static void parse_fails(const char *doc, const char *message)
{
	cleanup_free char *json = dq(doc), *want = dq(message);
	struct error err = { 0 };
	struct spec *s = NULL;

	ck_assert_int_lt(spec_parse(json, strlen(json), &s, &err), 0);
	ck_assert_str_eq(err.msg, want);
}

START_TEST(parse_fields)
{
	struct spec *s = parse_ok(DOC("{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':13,"
		"'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_X86'],"
		"'flags':['SECCOMP_FILTER_FLAG_LOG','SECCOMP_FILTER_FLAG_SPEC_ALLOW'],"
		"'syscalls':[{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
		"{'names':['dup'],'action':'SCMP_ACT_TRACE','args':[{'index':1,'value':5,"
		"'valueTwo':18446744073709551615,'op':'SCMP_CMP_MASKED_EQ'}]},"
		"{'names':['dup2'],'action':'SCMP_ACT_ERRNO','errnoRet':7}]}"));
	const struct spec_seccomp *sc = s->linux_.seccomp;

	ck_assert_int_eq(sc->default_action, SPEC_SCMP_ERRNO);
	ck_assert_uint_eq(sc->default_errno_ret, 13);
	ck_assert_str_eq(sc->architectures[1], "SCMP_ARCH_X86");
	ck_assert_uint_eq(sc->flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
	ck_assert_uint_eq(sc->n_rules, 3);
	ck_assert_str_eq(sc->rules[0].names[1], "write");
	ck_assert_int_eq(sc->rules[1].action, SPEC_SCMP_TRACE);
	ck_assert_uint_eq(sc->rules[1].errno_ret, EPERM);
	ck_assert_uint_eq(sc->rules[1].args[0].index, 1);
	ck_assert_uint_eq(sc->rules[1].args[0].value_two, UINT64_MAX);
	ck_assert_int_eq(sc->rules[1].args[0].op, SPEC_SCMP_CMP_MASKED_EQ);
	ck_assert_uint_eq(sc->rules[2].errno_ret, 7);
	ck_assert(!sc->uses_notify);
	spec_free(s);
}
END_TEST

START_TEST(parse_errors_name_the_path)
{
	parse_fails(DOC("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['a'],"
		"'action':'SCMP_ACT_ALLOW'},{'names':['b'],'action':'SCMP_ACT_ALLOW'},"
		"{'names':['c'],'action':'SCMP_ACT_ALLOW'},{'names':['d'],'action':'SCMP_ACT_FOO'}]}"),
		"linux.seccomp.syscalls[3].action: unknown action 'SCMP_ACT_FOO'");
	parse_fails(DOC("{'defaultAction':'SCMP_ACT_BAR'}"),
		    "linux.seccomp.defaultAction: unknown action 'SCMP_ACT_BAR'");
	parse_fails(DOC("{}"), "linux.seccomp.defaultAction: is required");
	parse_fails(DOC("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['dup'],"
		"'action':'SCMP_ACT_ERRNO','args':[{'index':0,'value':1,'op':'SCMP_CMP_XX'}]}]}"),
		"linux.seccomp.syscalls[0].args[0].op: unknown operator 'SCMP_CMP_XX'");
	parse_fails(DOC("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['dup'],"
		"'action':'SCMP_ACT_ERRNO','args':[{'index':6,'value':1,'op':'SCMP_CMP_EQ'}]}]}"),
		"linux.seccomp.syscalls[0].args[0].index: expected an integer between 0 and 5");
	parse_fails(DOC("{'defaultAction':'SCMP_ACT_ALLOW','architectures':['SCMP_ARCH_X86',"
		"'SCMP_ARCH_VAX']}"),
		"linux.seccomp.architectures[1]: unknown architecture 'SCMP_ARCH_VAX'");
	parse_fails(DOC("{'defaultAction':'SCMP_ACT_ALLOW','flags':['SECCOMP_FILTER_FLAG_NOPE']}"),
		    "linux.seccomp.flags[0]: unknown flag 'SECCOMP_FILTER_FLAG_NOPE'");
	parse_fails(DOC("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['dup'],"
		"'action':'SCMP_ACT_NOTIFY'}]}"),
		"linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY");
	parse_fails(DOC("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':[],"
		"'action':'SCMP_ACT_LOG'}]}"),
		"linux.seccomp.syscalls[0].names: needs at least one syscall name");
	parse_fails(DOC("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['dup'],"
		"'action':'SCMP_ACT_ERRNO','errnoRet':70000}]}"),
		"linux.seccomp.syscalls[0].errnoRet: expected an integer between 0 and 65535");
}
END_TEST

START_TEST(listener_payload)
{
	cleanup_free char *p = seccomp_listener_payload("1.3.0", "meta \"q\"\n",
							 "{\"id\":\"c1\",\"pid\":4242,\"status\":\"creating\"}");
	cleanup_free char *q = seccomp_listener_payload(NULL, NULL, NULL);

	ck_assert_str_eq(p, "{\"ociVersion\":\"1.3.0\",\"fds\":[\"seccompFd\"],\"pid\":4242,"
			 "\"metadata\":\"meta \\\"q\\\"\\u000a\",\"state\":{\"id\":\"c1\",\"pid\":4242,"
			 "\"status\":\"creating\"}}");
	ck_assert_str_eq(q, "{\"ociVersion\":\"\",\"fds\":[\"seccompFd\"],\"pid\":0,\"metadata\":\"\","
			 "\"state\":{}}");
}
END_TEST

static int prepare_json(const char *json, const char *cache, struct seccomp_program *prog, struct error *err)
{
	struct spec *s = parse_ok(json);
	int r = seccomp_prepare(s->linux_.seccomp, cache, prog, err);

	spec_free(s);
	return r;
}

/* Load the profile in a child, run fn there; the child's wait status. */
static int run_filtered(const char *json, void (*fn)(void))
{
	struct seccomp_program prog;
	struct error err = { 0 };
	int status;
	pid_t pid;

	if (prepare_json(json, NULL, &prog, &err) < 0)
		ck_abort_msg("prepare: %s", err.msg);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load_program(&prog, NULL, &err) < 0) {
			fprintf(stderr, "load: %s\n", err.msg);
			_exit(99);
		}
		fn();
		_exit(0);
	}
	seccomp_program_release(&prog);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static int exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The child's exit code under the profile, 128+signal when killed. */
static int outcome(const char *doc, void (*fn)(void))
{
	return exit_code(run_filtered(doc, fn));
}

/* exit with the errno of getppid (0 when it worked) */
static void call_getppid(void)
{
	errno = 0;
	/* the raw syscall: a sanitizer's _exit makes syscalls that a deny-all filter refuses */
	syscall(SYS_exit_group, syscall(SYS_getppid) < 0 ? errno : 0);
	_exit(99);
}

static volatile sig_atomic_t got_sigsys;
static void on_sigsys(int sig)
{
	(void)sig;
	got_sigsys = 1;
}

static void call_getppid_trapped(void)
{
	signal(SIGSYS, on_sigsys);
	syscall(SYS_getppid);
	_exit(got_sigsys ? 77 : 0);
}

#define ONE(action, extra) DOC("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['getppid']," \
			      "'action':'" action "'" extra "}]}")

START_TEST(each_action)
{
	ck_assert_int_eq(outcome(ONE("SCMP_ACT_ERRNO", ",'errnoRet':42"), call_getppid), 42);
	ck_assert_int_eq(outcome(ONE("SCMP_ACT_ERRNO", ""), call_getppid), EPERM);
	ck_assert_int_eq(outcome(ONE("SCMP_ACT_KILL", ""), call_getppid), 128 + SIGSYS);
	ck_assert_int_eq(outcome(ONE("SCMP_ACT_KILL_PROCESS", ""), call_getppid), 128 + SIGSYS);
	ck_assert_int_eq(outcome(ONE("SCMP_ACT_KILL_THREAD", ""), call_getppid), 128 + SIGSYS);
	ck_assert_int_eq(outcome(ONE("SCMP_ACT_TRAP", ""), call_getppid_trapped), 77);
	ck_assert_int_eq(outcome(ONE("SCMP_ACT_TRAP", ""), call_getppid), 128 + SIGSYS);
	/* no tracer: the kernel answers ENOSYS */
	ck_assert_int_eq(outcome(ONE("SCMP_ACT_TRACE", ",'errnoRet':5"), call_getppid), ENOSYS);
	ck_assert_int_eq(outcome(ONE("SCMP_ACT_LOG", ""), call_getppid), 0);
	ck_assert_int_eq(outcome(ONE("SCMP_ACT_ALLOW", ""), call_getppid), 0);
	/* the default action and defaultErrnoRet */
	ck_assert_int_eq(outcome(DOC("{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':33,"
		"'syscalls':[{'names':['exit_group','exit'],'action':'SCMP_ACT_ALLOW'}]}"),
		call_getppid), 33);
}
END_TEST

/* bit n of the exit code: dup(fd n) got errno 42 (the rule matched) */
static const int probe_fds[] = { 3, 5, 7, 0x13, 0x23 };
static void probe_dup(void)
{
	int mask = 0;

	for (size_t i = 0; i < ARRAY_SIZE(probe_fds); i++)
		if (syscall(SYS_dup, probe_fds[i]) < 0 && errno == 42)
			mask |= 1 << i;
	_exit(mask);
}

static int op_mask(const char *op, int value, int value_two)
{
	char json[512];

	snprintf(json, sizeof(json), DOC("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['dup'],"
		 "'action':'SCMP_ACT_ERRNO','errnoRet':42,'args':[{'index':0,'value':%d,"
		 "'valueTwo':%d,'op':'%s'}]}]}"), value, value_two, op);
	return outcome(json, probe_dup);
}

START_TEST(each_operator)
{
	/* probe fds 3, 5, 7, 0x13, 0x23 -> bits 0..4 */
	ck_assert_int_eq(op_mask("SCMP_CMP_EQ", 5, 0), 0x02);
	ck_assert_int_eq(op_mask("SCMP_CMP_NE", 5, 0), 0x1d);
	ck_assert_int_eq(op_mask("SCMP_CMP_LT", 5, 0), 0x01);
	ck_assert_int_eq(op_mask("SCMP_CMP_LE", 5, 0), 0x03);
	ck_assert_int_eq(op_mask("SCMP_CMP_GT", 5, 0), 0x1c);
	ck_assert_int_eq(op_mask("SCMP_CMP_GE", 5, 0), 0x1e);
	ck_assert_int_eq(op_mask("SCMP_CMP_MASKED_EQ", 0xf0, 0x10), 0x08);
}
END_TEST

START_TEST(repeated_index_is_either)
{
	ck_assert_int_eq(outcome(DOC("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		"{'names':['dup'],'action':'SCMP_ACT_ERRNO','errnoRet':42,'args':["
		"{'index':0,'value':3,'op':'SCMP_CMP_EQ'},{'index':0,'value':7,'op':'SCMP_CMP_EQ'}]}]}"),
		probe_dup), 0x05);
}
END_TEST

START_TEST(unknown_name_skipped_and_archs)
{
	struct seccomp_program native, multi;
	struct error err = { 0 };

	ck_assert_int_eq(prepare_json(DOC("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		"{'names':['no_such_syscall','getppid'],'action':'SCMP_ACT_ERRNO'}]}"), NULL, &native,
		&err), 0);
	ck_assert_int_eq(prepare_json(DOC("{'defaultAction':'SCMP_ACT_ALLOW','architectures':["
		"'SCMP_ARCH_X86_64','SCMP_ARCH_X86','SCMP_ARCH_X32'],'syscalls':["
		"{'names':['no_such_syscall','getppid'],'action':'SCMP_ACT_ERRNO'}]}"), NULL, &multi,
		&err), 0);
	ck_assert_uint_gt(multi.len, native.len);
	ck_assert_uint_eq(native.len % 8, 0);
	seccomp_program_release(&native);
	seccomp_program_release(&multi);
	/* unknown names only: still a valid filter */
	ck_assert_int_eq(outcome(ONE("SCMP_ACT_KILL", "") , call_getppid), 128 + SIGSYS);
	ck_assert_int_eq(outcome(DOC("{'defaultAction':'SCMP_ACT_ALLOW','syscalls':["
		"{'names':['no_such_syscall'],'action':'SCMP_ACT_KILL'}]}"), call_getppid), 0);
}
END_TEST

START_TEST(flags_load)
{
	struct seccomp_program prog;
	struct error err = { 0 };

	ck_assert_int_eq(prepare_json(ONE("SCMP_ACT_ERRNO", ",'errnoRet':42") , NULL, &prog, &err), 0);
	ck_assert_uint_eq(prog.flags, 0);
	seccomp_program_release(&prog);
	ck_assert_int_eq(prepare_json(DOC("{'defaultAction':'SCMP_ACT_ALLOW','flags':["
		"'SECCOMP_FILTER_FLAG_TSYNC','SECCOMP_FILTER_FLAG_LOG','SECCOMP_FILTER_FLAG_SPEC_ALLOW',"
		"'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']}"), NULL, &prog, &err), 0);
	/* WAIT_KILLABLE_RECV goes without a listener */
	ck_assert_uint_eq(prog.flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
			  SECCOMP_FILTER_FLAG_SPEC_ALLOW);
	seccomp_program_release(&prog);
	ck_assert_int_eq(outcome(DOC("{'defaultAction':'SCMP_ACT_ALLOW','flags':["
		"'SECCOMP_FILTER_FLAG_TSYNC','SECCOMP_FILTER_FLAG_LOG','SECCOMP_FILTER_FLAG_SPEC_ALLOW'],"
		"'syscalls':[{'names':['getppid'],'action':'SCMP_ACT_ERRNO','errnoRet':9}]}"),
		call_getppid), 9);
	/* a notify rule asks for a listener */
	ck_assert_int_eq(prepare_json(DOC("{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'/x',"
		"'flags':['SECCOMP_FILTER_FLAG_TSYNC'],"
		"'syscalls':[{'names':['getppid'],'action':'SCMP_ACT_NOTIFY'}]}"), NULL, &prog, &err), 0);
	ck_assert_uint_eq(prog.flags, SECCOMP_FILTER_FLAG_NEW_LISTENER);
	seccomp_program_release(&prog);
}
END_TEST

/* With a notify rule, seccomp_load_program hands back the listener fd: answer our own call through it. */
START_TEST(notify_fd_from_load)
{
	struct seccomp_program prog;
	struct error err = { 0 };
	int status, notify = -1;
	pid_t pid;

	ck_assert_int_eq(prepare_json(DOC("{'defaultAction':'SCMP_ACT_ALLOW','listenerPath':'/x',"
		"'syscalls':[{'names':['getppid'],'action':'SCMP_ACT_NOTIFY'}]}"), NULL, &prog, &err), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load_program(&prog, &notify, &err) < 0)
			_exit(99);
		_exit(notify >= 0 && fcntl(notify, F_GETFD) == FD_CLOEXEC ? 0 : 98);
	}
	seccomp_program_release(&prog);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(exit_code(status), 0);
}
END_TEST

/* ---- cache ---- */

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/berth-seccomp-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

#define PROFILE_A ONE("SCMP_ACT_ERRNO", ",'errnoRet':42")
#define PROFILE_B ONE("SCMP_ACT_ERRNO", ",'errnoRet':43")

static void key_of(const char *json, char key[SECCOMP_CACHE_KEY_HEX])
{
	struct spec *s = parse_ok(json);

	seccomp_cache_key(s->linux_.seccomp, key);
	spec_free(s);
}

static char *cache_path(const char *key)
{
	return xasprintf("%s/cache/%s.bpf", dir, key);
}

static void prepare_in_cache(const char *json, struct seccomp_program *prog)
{
	cleanup_free char *cache = xasprintf("%s/cache", dir);
	struct error err = { 0 };

	if (prepare_json(json, cache, prog, &err) < 0)
		ck_abort_msg("prepare: %s", err.msg);
}

static void flip_byte(const char *path, off_t at)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	unsigned char c;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &c, 1, at), 1);
	c ^= 0xff;
	ck_assert_int_eq(pwrite(fd, &c, 1, at), 1);
	close(fd);
}

static void assert_read(const char *key, int want)
{
	cleanup_free char *cache = xasprintf("%s/cache", dir);
	void *bpf = NULL;
	size_t len = 0;

	ck_assert_int_eq(seccomp_cache_read(cache, key, &bpf, &len), want);
	free(bpf);
}

START_TEST(cache_miss_then_hit)
{
	char a[SECCOMP_CACHE_KEY_HEX], b[SECCOMP_CACHE_KEY_HEX];
	struct seccomp_program p1, p2;
	cleanup_free char *path = NULL;
	struct stat st1, st2;

	key_of(PROFILE_A, a);
	key_of(PROFILE_B, b);
	ck_assert_str_ne(a, b);
	ck_assert_uint_eq(strlen(a), 64);
	assert_read(a, -ENOENT);
	prepare_in_cache(PROFILE_A, &p1);
	path = cache_path(a);
	ck_assert_int_eq(stat(path, &st1), 0);
	assert_read(a, 0);
	prepare_in_cache(PROFILE_A, &p2);
	ck_assert_int_eq(stat(path, &st2), 0);
	/* a hit does not rewrite */
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);
	ck_assert_uint_eq(p1.len, p2.len);
	ck_assert_mem_eq(p1.bpf, p2.bpf, p1.len);
	seccomp_program_release(&p1);
	seccomp_program_release(&p2);
}
END_TEST

/* Damage the file, check the read refuses it and a prepare rewrites a good one. */
static void corrupt_case(void (*damage)(const char *path, const char *key))
{
	char a[SECCOMP_CACHE_KEY_HEX];
	cleanup_free char *path = NULL;
	struct seccomp_program good, again;

	key_of(PROFILE_A, a);
	path = cache_path(a);
	prepare_in_cache(PROFILE_A, &good);
	damage(path, a);
	assert_read(a, -EBADMSG);
	prepare_in_cache(PROFILE_A, &again);
	ck_assert_uint_eq(good.len, again.len);
	ck_assert_mem_eq(good.bpf, again.bpf, good.len);
	assert_read(a, 0);
	seccomp_program_release(&good);
	seccomp_program_release(&again);
}

static void damage_body(const char *path, const char *key)
{
	(void)key;
	flip_byte(path, 100);
}

static void damage_magic(const char *path, const char *key)
{
	(void)key;
	flip_byte(path, 0);
}

static void damage_length(const char *path, const char *key)
{
	struct stat st;

	(void)key;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(truncate(path, st.st_size - 8), 0);
}

static void damage_empty(const char *path, const char *key)
{
	(void)key;
	ck_assert_int_eq(truncate(path, 3), 0);
}

/* a valid file of another profile under this key's name */
static void damage_foreign(const char *path, const char *key)
{
	char b[SECCOMP_CACHE_KEY_HEX];
	cleanup_free char *other = NULL;
	struct seccomp_program p;

	(void)key;
	key_of(PROFILE_B, b);
	prepare_in_cache(PROFILE_B, &p);
	seccomp_program_release(&p);
	other = cache_path(b);
	ck_assert_int_eq(rename(other, path), 0);
}

START_TEST(cache_corrupt_body) { corrupt_case(damage_body); }
END_TEST
START_TEST(cache_corrupt_magic) { corrupt_case(damage_magic); }
END_TEST
START_TEST(cache_corrupt_length) { corrupt_case(damage_length); }
END_TEST
START_TEST(cache_corrupt_short) { corrupt_case(damage_empty); }
END_TEST
START_TEST(cache_foreign) { corrupt_case(damage_foreign); }
END_TEST

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

START_TEST(default_profile_round_trips)
{
	cleanup_free char *doc = spec_default_json(false);
	cleanup_free char *cache = xasprintf("%s/cache", dir);
	struct error err = { 0 };
	struct spec *s = NULL;
	struct seccomp_program prog;
	double t0, t1, t2;
	const int rounds = 20;

	ck_assert_int_eq(spec_parse(doc, strlen(doc), &s, &err), 0);
	ck_assert_ptr_nonnull(s->linux_.seccomp);
	ck_assert_int_eq(s->linux_.seccomp->default_action, SPEC_SCMP_ERRNO);
	ck_assert_uint_eq(s->linux_.seccomp->default_errno_ret, EPERM);
	ck_assert_uint_gt(strv_length(s->linux_.seccomp->rules[0].names), 300);
	t0 = now();
	for (int i = 0; i < rounds; i++) {
		ck_assert_int_eq(seccomp_prepare(s->linux_.seccomp, NULL, &prog, &err), 0);
		seccomp_program_release(&prog);
	}
	t1 = now();
	ck_assert_int_eq(seccomp_prepare(s->linux_.seccomp, cache, &prog, &err), 0);
	seccomp_program_release(&prog);
	t1 = now();
	for (int i = 0; i < rounds; i++) {
		ck_assert_int_eq(seccomp_prepare(s->linux_.seccomp, cache, &prog, &err), 0);
		seccomp_program_release(&prog);
	}
	t2 = now();
	fprintf(stderr, "default profile: compile %.3f ms, cached %.3f ms\n", (t1 - t0) * 1e3 / rounds,
		(t2 - t1) * 1e3 / rounds);
	spec_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("seccomp");
	TCase *parse = tcase_create("parse"), *load = tcase_create("load"), *cache = tcase_create("cache");
	SRunner *sr;
	int failed;

	tcase_add_test(parse, parse_fields);
	tcase_add_test(parse, parse_errors_name_the_path);
	tcase_add_test(parse, listener_payload);
	suite_add_tcase(s, parse);
	tcase_set_timeout(load, 20);
	tcase_add_test(load, each_action);
	tcase_add_test(load, each_operator);
	tcase_add_test(load, repeated_index_is_either);
	tcase_add_test(load, unknown_name_skipped_and_archs);
	tcase_add_test(load, flags_load);
	tcase_add_test(load, notify_fd_from_load);
	suite_add_tcase(s, load);
	tcase_add_checked_fixture(cache, setup, teardown);
	tcase_set_timeout(cache, 20);
	tcase_add_test(cache, cache_miss_then_hit);
	tcase_add_test(cache, cache_corrupt_body);
	tcase_add_test(cache, cache_corrupt_magic);
	tcase_add_test(cache, cache_corrupt_length);
	tcase_add_test(cache, cache_corrupt_short);
	tcase_add_test(cache, cache_foreign);
	tcase_add_test(cache, default_profile_round_trips);
	suite_add_tcase(s, cache);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
