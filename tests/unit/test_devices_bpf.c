/* Unit tests for cgroup/devices_bpf.c: the generated program's decisions, through a tiny interpreter of
 * exactly the instructions the generator emits; then the real program loaded and attached to a cgroup
 * (v2 hierarchy of this host) and checked by opening devices from a process inside it. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/devices_bpf.h"

#define R (BPF_DEVCG_ACC_READ)
#define W (BPF_DEVCG_ACC_WRITE)
#define M (BPF_DEVCG_ACC_MKNOD)
#define C BPF_DEVCG_DEV_CHAR
#define B BPF_DEVCG_DEV_BLOCK

static int interpret(const struct bpf_insn *p, size_t n, uint32_t type, uint32_t access, uint32_t major,
		     uint32_t minor)
{
	uint32_t ctx[3] = { access << 16 | type, major, minor };
	uint64_t r[11] = { 0 };
	bool r1_is_ctx = true, r0_set = false;

	for (size_t pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];

		ck_assert_uint_lt(i->dst_reg, 11);
		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			ck_assert(i->src_reg == 1 && r1_is_ctx);
			ck_assert(i->off == 0 || i->off == 4 || i->off == 8);
			r[i->dst_reg] = ctx[i->off / 4];
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			r[i->dst_reg] = (uint32_t)r[i->dst_reg] & (uint32_t)i->imm;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> i->imm;
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
			r[i->dst_reg] = (uint32_t)r[i->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = (uint64_t)(int64_t)i->imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			if (r[i->dst_reg] != (uint64_t)(int64_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			if (r[i->dst_reg] == (uint64_t)(int64_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			ck_assert(r0_set);
			return (int)r[0];
		default:
			ck_abort_msg("unexpected opcode 0x%02x at %zu", i->code, pc);
		}
		if (i->dst_reg == 1)
			r1_is_ctx = false;
		if (i->dst_reg == 0)
			r0_set = true;
		ck_assert_uint_lt(pc + 1, n + 1);
	}
	ck_abort_msg("ran off the end");
	return -1;
}

static struct spec_device_rule rule(bool allow, char type, int64_t major, int64_t minor, const char *access)
{
	struct spec_device_rule r = { .allow = allow, .type = type, .major = major, .minor = minor };

	snprintf(r.access, sizeof(r.access), "%s", access);
	return r;
}

/* The decision for one request under rules (default allow, as the v2 backend uses). */
static int decide(const struct spec_device_rule *rules, size_t n, uint32_t type, uint32_t access,
		  uint32_t major, uint32_t minor)
{
	struct bpf_insn *p = NULL;
	size_t np = 0;
	int d;

	ck_assert_int_eq(devices_bpf_generate(rules, n, true, &p, &np), 0);
	d = interpret(p, np, type, access, major, minor);
	free(p);
	return d;
}

#define DENY_ALL rule(false, 'a', -1, -1, "rwm")
#define N(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(deny_all_allow_null)
{
	struct spec_device_rule rs[] = { DENY_ALL, rule(true, 'c', 1, 3, "rwm") };

	ck_assert_int_eq(decide(rs, N(rs), C, R, 1, 3), 1);
	ck_assert_int_eq(decide(rs, N(rs), C, R | W | M, 1, 3), 1);
	ck_assert_int_eq(decide(rs, N(rs), C, R, 1, 5), 0);
	ck_assert_int_eq(decide(rs, N(rs), B, R, 1, 3), 0);
	ck_assert_int_eq(decide(rs, N(rs), C, W, 2, 3), 0);
}
END_TEST

START_TEST(wildcard_minor)
{
	struct spec_device_rule rs[] = { DENY_ALL, rule(true, 'c', 136, -1, "rw") };

	ck_assert_int_eq(decide(rs, N(rs), C, R | W, 136, 0), 1);
	ck_assert_int_eq(decide(rs, N(rs), C, R, 136, 7), 1);
	ck_assert_int_eq(decide(rs, N(rs), C, M, 136, 7), 0);
	ck_assert_int_eq(decide(rs, N(rs), C, R, 137, 0), 0);
}
END_TEST

START_TEST(wildcard_major)
{
	struct spec_device_rule rs[] = { DENY_ALL, rule(true, 'b', -1, 1, "r") };

	ck_assert_int_eq(decide(rs, N(rs), B, R, 8, 1), 1);
	ck_assert_int_eq(decide(rs, N(rs), B, R, 8, 2), 0);
	ck_assert_int_eq(decide(rs, N(rs), C, R, 8, 1), 0);
}
END_TEST

START_TEST(type_a_covers_b_and_c)
{
	struct spec_device_rule rs[] = { DENY_ALL, rule(true, 'a', 7, -1, "r") };

	ck_assert_int_eq(decide(rs, N(rs), B, R, 7, 1), 1);
	ck_assert_int_eq(decide(rs, N(rs), C, R, 7, 2), 1);
	ck_assert_int_eq(decide(rs, N(rs), C, W, 7, 2), 0);
}
END_TEST

START_TEST(partial_access)
{
	struct spec_device_rule rs[] = { DENY_ALL, rule(true, 'c', 1, 3, "r") };

	ck_assert_int_eq(decide(rs, N(rs), C, R, 1, 3), 1);
	ck_assert_int_eq(decide(rs, N(rs), C, W, 1, 3), 0);
	ck_assert_int_eq(decide(rs, N(rs), C, R | W, 1, 3), 0);
	ck_assert_int_eq(decide(rs, N(rs), C, M, 1, 3), 0);
}
END_TEST

START_TEST(last_match_wins)
{
	struct spec_device_rule rs[] = { DENY_ALL, rule(true, 'c', 1, -1, "rwm"), rule(false, 'c', 1, 3, "w"),
					 rule(true, 'c', 1, 5, "rwm"), rule(false, 'c', 1, 5, "rwm"),
					 rule(true, 'c', 1, 5, "r") };

	ck_assert_int_eq(decide(rs, N(rs), C, R, 1, 3), 1);
	ck_assert_int_eq(decide(rs, N(rs), C, W, 1, 3), 0);
	/* A deny of w also stops a read-write request, as on v1. */
	ck_assert_int_eq(decide(rs, N(rs), C, R | W, 1, 3), 0);
	ck_assert_int_eq(decide(rs, N(rs), C, W, 1, 4), 1);
	ck_assert_int_eq(decide(rs, N(rs), C, R, 1, 5), 1);
	ck_assert_int_eq(decide(rs, N(rs), C, W, 1, 5), 0);
}
END_TEST

START_TEST(rules_before_reset_ignored)
{
	struct spec_device_rule rs[] = { rule(true, 'c', 1, 3, "rwm"), rule(false, 'c', 1, 5, "rwm"),
					 DENY_ALL, rule(true, 'c', 1, 9, "r") };
	struct spec_device_rule rs2[] = { DENY_ALL, rule(true, 'c', 1, 3, "rwm"),
					  rule(true, 'a', -1, -1, "rwm"), rule(false, 'c', 1, 5, "w") };
	struct bpf_insn *p = NULL;
	size_t np;

	ck_assert_int_eq(decide(rs, N(rs), C, R, 1, 3), 0);
	ck_assert_int_eq(decide(rs, N(rs), C, R, 1, 9), 1);
	ck_assert_int_eq(decide(rs, N(rs), C, R, 8, 0), 0);
	ck_assert_int_eq(decide(rs2, N(rs2), C, R, 4, 4), 1);
	ck_assert_int_eq(decide(rs2, N(rs2), C, W, 1, 5), 0);
	ck_assert_int_eq(decide(rs2, N(rs2), C, R, 1, 5), 1);
	/* Nothing before the reset is emitted: prologue, one rule block, epilogue. */
	ck_assert_int_eq(devices_bpf_generate(rs, N(rs), true, &p, &np), 0);
	ck_assert_uint_eq(np, 6 + 8 + 2);
	free(p);
}
END_TEST

START_TEST(empty_list_is_default)
{
	struct bpf_insn *p = NULL;
	size_t np;

	ck_assert_int_eq(decide(NULL, 0, C, R | W, 1, 3), 1);
	ck_assert_int_eq(devices_bpf_generate(NULL, 0, false, &p, &np), 0);
	ck_assert_int_eq(interpret(p, np, B, M, 8, 0), 0);
	free(p);
}
END_TEST

START_TEST(allow_all)
{
	struct spec_device_rule rs[] = { DENY_ALL, rule(true, 'a', -1, -1, "rwm") };

	ck_assert_int_eq(decide(rs, N(rs), C, R | W | M, 1, 3), 1);
	ck_assert_int_eq(decide(rs, N(rs), B, M, 259, 65536), 1);
}
END_TEST

START_TEST(bad_rules_refused)
{
	struct spec_device_rule big[] = { rule(true, 'c', 1LL << 33, 0, "r") };
	struct spec_device_rule typ[] = { rule(true, 'x', 1, 0, "r") };
	struct bpf_insn *p = NULL;
	size_t np;

	ck_assert_int_eq(devices_bpf_generate(big, 1, true, &p, &np), -EINVAL);
	ck_assert_int_eq(devices_bpf_generate(typ, 1, true, &p, &np), -EINVAL);
	ck_assert_uint_eq(devices_bpf_access_mask("rwm"), R | W | M);
	ck_assert_uint_eq(devices_bpf_access_mask("mr"), R | M);
	ck_assert_uint_eq(devices_bpf_access_mask("rx"), 0);
}
END_TEST

/* The host's cgroup v2 hierarchy: /sys/fs/cgroup (pure v2) or /sys/fs/cgroup/unified (hybrid). */
static const char *v2_root(void)
{
	if (access("/sys/fs/cgroup/cgroup.procs", F_OK) == 0)
		return "/sys/fs/cgroup";
	if (access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) == 0)
		return "/sys/fs/cgroup/unified";
	return NULL;
}

/* In a child moved into dir: bit 0 /dev/null O_RDONLY opened, bit 1 O_WRONLY, bit 2 /dev/zero O_RDONLY. */
static int probe_in(const char *dir)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char path[512], buf[32];
		int fd, n, res = 0;

		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		n = snprintf(buf, sizeof(buf), "%d", (int)getpid());
		if (fd < 0 || write(fd, buf, (size_t)n) != n)
			_exit(100);
		close(fd);
		if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0) {
			res |= 1;
			close(fd);
		} else if (errno != EPERM) {
			_exit(101);
		}
		if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0) {
			res |= 2;
			close(fd);
		}
		if ((fd = open("/dev/zero", O_RDONLY | O_CLOEXEC)) >= 0) {
			res |= 4;
			close(fd);
		}
		_exit(res);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

START_TEST(real_program_on_host)
{
	const char *root = v2_root();
	char dir[256];
	struct error err = { 0 };
	struct spec_device_rule rs[] = { DENY_ALL, rule(true, 'c', 1, 3, "r") };
	struct spec_device_rule all[] = { DENY_ALL, rule(true, 'a', -1, -1, "rwm") };
	uint32_t *ids = NULL;
	size_t n = 0;
	int fd, ret;

	if (!root || geteuid() != 0) {
		fprintf(stderr, "test_devices_bpf: no cgroup v2 hierarchy or not root: host test skipped\n");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/berth-test-devbpf-%d", root, (int)getpid());
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);

	ret = devices_bpf_apply(fd, rs, N(rs), true, &err);
	ck_assert_msg(ret == 0, "apply: %s", err.msg);
	ck_assert_int_eq(probe_in(dir), 1); /* null read only; no write, no zero */

	/* Update: the new program replaces the old one. */
	ret = devices_bpf_apply(fd, all, N(all), true, &err);
	ck_assert_msg(ret == 0, "apply again: %s", err.msg);
	ck_assert_int_eq(devices_bpf_query(fd, &ids, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	free(ids);
	ck_assert_int_eq(probe_in(dir), 7);

	close(fd);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("devices_bpf");
	TCase *tc = tcase_create("generate");
	TCase *host = tcase_create("host");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, deny_all_allow_null);
	tcase_add_test(tc, wildcard_minor);
	tcase_add_test(tc, wildcard_major);
	tcase_add_test(tc, type_a_covers_b_and_c);
	tcase_add_test(tc, partial_access);
	tcase_add_test(tc, last_match_wins);
	tcase_add_test(tc, rules_before_reset_ignored);
	tcase_add_test(tc, empty_list_is_default);
	tcase_add_test(tc, allow_all);
	tcase_add_test(tc, bad_rules_refused);
	tcase_add_test(host, real_program_on_host);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, host);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
