#include "cgroup/devices_bpf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/util.h"

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/* Registers after the prologue: r2 device type, r3 requested access, r4 major, r5 minor; r1 scratch. */
enum { R0, R1, R2, R3, R4, R5 };

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

unsigned devices_bpf_access_mask(const char *s)
{
	unsigned m = 0;

	for (; *s; s++) {
		switch (*s) {
		case 'r': m |= BPF_DEVCG_ACC_READ; break;
		case 'w': m |= BPF_DEVCG_ACC_WRITE; break;
		case 'm': m |= BPF_DEVCG_ACC_MKNOD; break;
		default: return 0;
		}
	}
	return m;
}

#define ACC_ALL (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

static bool is_reset(const struct spec_device_rule *r)
{
	return r->type == 'a' && r->major == -1 && r->minor == -1 &&
	       devices_bpf_access_mask(r->access) == ACC_ALL;
}

static bool id_ok(int64_t v)
{
	return v == -1 || (v >= 0 && v <= INT32_MAX);
}

/* One rule's block: each failing check jumps past the block's end (the next rule, or the default). */
static size_t emit_rule(struct bpf_insn *p, const struct spec_device_rule *r)
{
	struct bpf_insn b[8];
	size_t n = 0, jumps[4], nj = 0;
	unsigned mask = devices_bpf_access_mask(r->access);

	if (r->type != 'a') {
		jumps[nj++] = n;
		b[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, R2, 0, 0,
			      r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	}
	if (mask != ACC_ALL && r->allow) {
		/* An allow must cover every requested bit: request & ~rule == 0. */
		b[n++] = INSN(BPF_ALU | BPF_MOV | BPF_X, R1, R3, 0, 0);
		b[n++] = INSN(BPF_ALU | BPF_AND | BPF_K, R1, 0, 0, (int32_t)(~mask & ACC_ALL));
		jumps[nj++] = n;
		b[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, R1, 0, 0, 0);
	} else if (mask != ACC_ALL) {
		/* A deny hits when it shares any requested bit (as v1): "deny w" stops an O_RDWR open. */
		b[n++] = INSN(BPF_ALU | BPF_MOV | BPF_X, R1, R3, 0, 0);
		b[n++] = INSN(BPF_ALU | BPF_AND | BPF_K, R1, 0, 0, (int32_t)mask);
		jumps[nj++] = n;
		b[n++] = INSN(BPF_JMP | BPF_JEQ | BPF_K, R1, 0, 0, 0);
	}
	if (r->major != -1) {
		jumps[nj++] = n;
		b[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, R4, 0, 0, (int32_t)r->major);
	}
	if (r->minor != -1) {
		jumps[nj++] = n;
		b[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, R5, 0, 0, (int32_t)r->minor);
	}
	b[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, r->allow ? 1 : 0);
	b[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t i = 0; i < nj; i++)
		b[jumps[i]].off = (int16_t)(n - jumps[i] - 1);
	memcpy(p, b, n * sizeof(*b));
	return n;
}

int devices_bpf_generate(const struct spec_device_rule *rules, size_t n, bool default_allow,
			 struct bpf_insn **out, size_t *n_insns)
{
	cleanup_free struct bpf_insn *p = NULL;
	size_t start = 0, k = 0;
	bool def = default_allow;

	for (size_t i = 0; i < n; i++) {
		if (!id_ok(rules[i].major) || !id_ok(rules[i].minor))
			return -EINVAL;
		if (rules[i].type != 'a' && rules[i].type != 'b' && rules[i].type != 'c')
			return -EINVAL;
		if (is_reset(&rules[i])) {
			start = i + 1;
			def = rules[i].allow;
		}
	}
	p = xmalloc((6 + 8 * (n - start) + 2) * sizeof(*p));
	/* ctx: struct bpf_cgroup_dev_ctx { access_type = access << 16 | type; major; minor; } */
	p[k++] = INSN(BPF_LDX | BPF_MEM | BPF_W, R2, R1, 0, 0);
	p[k++] = INSN(BPF_ALU | BPF_AND | BPF_K, R2, 0, 0, 0xffff);
	p[k++] = INSN(BPF_LDX | BPF_MEM | BPF_W, R3, R1, 0, 0);
	p[k++] = INSN(BPF_ALU | BPF_RSH | BPF_K, R3, 0, 0, 16);
	p[k++] = INSN(BPF_LDX | BPF_MEM | BPF_W, R4, R1, 4, 0);
	p[k++] = INSN(BPF_LDX | BPF_MEM | BPF_W, R5, R1, 8, 0);
	/* Last match wins: test from the last rule back, the first hit decides. */
	for (size_t i = n; i > start; i--) {
		if (devices_bpf_access_mask(rules[i - 1].access) == 0)
			continue; /* covers no access bit: can never match */
		k += emit_rule(p + k, &rules[i - 1]);
	}
	p[k++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, def ? 1 : 0);
	p[k++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	*out = steal_pointer(&p);
	*n_insns = k;
	return 0;
}

int devices_bpf_load(const struct bpf_insn *insns, size_t n, struct error *err)
{
	/* No helper is called, so no GPL-only one: any license string passes the verifier. */
	static const char license[] = "Apache-2.0";
	union bpf_attr attr;
	cleanup_free char *log = NULL;
	int fd, saved;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.expected_attach_type = BPF_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t)license;
	attr.prog_flags = 0;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd; /* the kernel sets O_CLOEXEC on bpf fds */
	saved = errno;
	if (saved != EACCES && saved != EINVAL)
		return error_set(err, saved, "load the device filter (bpf BPF_PROG_LOAD)");
	/* Load again with the verifier log, to say why. */
	log = xzalloc(65536);
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = 65536;
	attr.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd;
	{
		size_t len = strlen(log);
		char *last;

		while (len > 0 && log[len - 1] == '\n')
			log[--len] = '\0';
		last = strrchr(log, '\n');
		return error_set(err, saved, "load the device filter (verifier: %s)", last ? last + 1 : log);
	}
}

int devices_bpf_query(int cgroup_fd, uint32_t **ids, size_t *n, struct error *err)
{
	uint32_t cap = 16;

	for (;;) {
		cleanup_free uint32_t *v = xzalloc(cap * sizeof(*v));
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.query.target_fd = (uint32_t)cgroup_fd;
		attr.query.attach_type = BPF_CGROUP_DEVICE;
		attr.query.prog_ids = (uint64_t)(uintptr_t)v;
		attr.query.prog_cnt = cap;
		if (sys_bpf(BPF_PROG_QUERY, &attr) < 0) {
			if (errno == ENOSPC && cap < 65536) {
				cap *= 4;
				continue;
			}
			return error_sys(err, "query the device filters (bpf BPF_PROG_QUERY)");
		}
		*n = attr.query.prog_cnt;
		*ids = steal_pointer(&v);
		return 0;
	}
}

static int prog_id(int prog_fd, uint32_t *id)
{
	struct bpf_prog_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)prog_fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uint64_t)(uintptr_t)&info;
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr) < 0)
		return -errno;
	*id = info.id;
	return 0;
}

static int detach_id(int cgroup_fd, uint32_t id, struct error *err)
{
	cleanup_close int fd = -1;
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0; /* gone meanwhile */
		return error_sys(err, "get the old device filter %u (bpf BPF_PROG_GET_FD_BY_ID)", id);
	}
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	if (sys_bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
		return error_sys(err, "detach the old device filter %u (bpf BPF_PROG_DETACH)", id);
	return 0;
}

int devices_bpf_apply(int cgroup_fd, const struct spec_device_rule *rules, size_t n, bool default_allow,
		      struct error *err)
{
	cleanup_free struct bpf_insn *insns = NULL;
	cleanup_free uint32_t *ids = NULL;
	cleanup_close int prog = -1;
	union bpf_attr attr;
	size_t n_insns, n_ids = 0;
	uint32_t self = 0;
	int ret;

	/* Before attaching, so an old program is never detached when the new one cannot replace it. */
	ret = devices_bpf_query(cgroup_fd, &ids, &n_ids, err);
	if (ret < 0)
		return ret;
	ret = devices_bpf_generate(rules, n, default_allow, &insns, &n_insns);
	if (ret < 0)
		return error_set(err, -ret, "generate the device filter");
	prog = devices_bpf_load(insns, n_insns, err);
	if (prog < 0)
		return prog;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
		return error_sys(err, "attach the device filter (bpf BPF_PROG_ATTACH)");
	if (prog_id(prog, &self) < 0)
		self = 0;
	for (size_t i = 0; i < n_ids; i++) {
		if (ids[i] == self)
			continue;
		ret = detach_id(cgroup_fd, ids[i], err);
		if (ret < 0)
			return ret;
	}
	return 0;
}
