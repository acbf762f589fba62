/* The ENOSYS prefix in classic BPF, prepended to libseccomp's program:
 *
 *	ld arch; jeq ARCH_1 -> S1; ... ; ja FILTER
 *	S (one per arch): ld nr; jgt MAX -> ENOSYS; ja FILTER
 *	S (x86_64): ld nr; jset X32_BIT -> X; jgt MAX64 -> ENOSYS; ja FILTER; X: jgt MAX32 -> ENOSYS; ja FILTER
 *	ENOSYS: ret ERRNO(ENOSYS)
 *	FILTER: libseccomp's program, which loads what it needs itself. */
#include "seccomp/enosys.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/util.h"

#define MAX_STUB 512

enum { NO_TARGET = -1, TO_ENOSYS = -2, TO_FILTER = -3 };

struct stub {
	struct sock_filter insn[MAX_STUB];
	int target[MAX_STUB]; /* an index, TO_ENOSYS, TO_FILTER or NO_TARGET */
	size_t n;
};

static size_t emit(struct stub *s, uint16_t code, uint32_t k, int target)
{
	if (s->n == MAX_STUB)
		return s->n;
	s->insn[s->n] = (struct sock_filter){ .code = code, .k = k };
	s->target[s->n] = target;
	return s->n++;
}

/* ld nr; jgt max -> ENOSYS; ja FILTER (or just ja FILTER when the profile names nothing there) */
static void emit_compare(struct stub *s, const struct seccomp_arch_max *m)
{
	if (m)
		emit(s, BPF_JMP | BPF_JGT | BPF_K, m->max_nr, TO_ENOSYS);
	emit(s, BPF_JMP | BPF_JA, 0, TO_FILTER);
}

static const struct seccomp_arch_max *find(const struct seccomp_arch_max *a, size_t n, uint32_t audit, bool x32)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].audit_arch == audit && a[i].x32 == x32)
			return &a[i];
	return NULL;
}

/* Resolve every target into jt (conditional) or k (ja); the ENOSYS return is the last instruction. */
static int resolve(struct stub *s, struct error *err)
{
	size_t enosys = emit(s, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA), NO_TARGET);
	size_t filter = s->n;

	if (s->n >= MAX_STUB)
		return error_set(err, E2BIG, "seccomp: too many architectures for the ENOSYS prefix");
	for (size_t i = 0; i < s->n; i++) {
		int t = s->target[i];
		size_t to = t == TO_ENOSYS ? enosys : t == TO_FILTER ? filter : (size_t)t;

		if (t == NO_TARGET)
			continue;
		if (BPF_OP(s->insn[i].code) == BPF_JA) {
			s->insn[i].k = to - (i + 1);
			continue;
		}
		if (to - (i + 1) > 255)
			return error_set(err, E2BIG, "seccomp: ENOSYS prefix jump too long");
		s->insn[i].jt = to - (i + 1);
	}
	return 0;
}

static int build(struct stub *s, const struct seccomp_arch_max *a, size_t n, struct error *err)
{
	size_t heads[64], n_heads = 0;
	uint32_t audits[64];

	emit(s, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), NO_TARGET);
	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < n_heads && audits[k] != a[i].audit_arch; k++)
			;
		if (k < n_heads || n_heads == ARRAY_SIZE(heads))
			continue;
		audits[n_heads] = a[i].audit_arch;
		heads[n_heads++] = emit(s, BPF_JMP | BPF_JEQ | BPF_K, a[i].audit_arch, NO_TARGET);
	}
	emit(s, BPF_JMP | BPF_JA, 0, TO_FILTER);
	for (size_t k = 0; k < n_heads; k++) {
		s->target[heads[k]] = (int)emit(s, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr),
						NO_TARGET);
		if (audits[k] != AUDIT_ARCH_X86_64) {
			emit_compare(s, find(a, n, audits[k], false));
			continue;
		}
		size_t jset = emit(s, BPF_JMP | BPF_JSET | BPF_K, SECCOMP_X32_SYSCALL_BIT, NO_TARGET);
		emit_compare(s, find(a, n, audits[k], false));
		s->target[jset] = (int)s->n;
		emit_compare(s, find(a, n, audits[k], true));
	}
	return resolve(s, err);
}

int seccomp_enosys_prepend(const struct seccomp_arch_max *archs, size_t n, void **bpf, size_t *len,
			   struct error *err)
{
	struct stub *s = xzalloc(sizeof(*s));
	size_t stub_len;
	uint8_t *out;
	int r;

	if (!n) {
		free(s);
		return 0;
	}
	if ((r = build(s, archs, n, err)) < 0) {
		free(s);
		return r;
	}
	stub_len = s->n * sizeof(struct sock_filter);
	out = xmalloc(stub_len + *len);
	memcpy(out, s->insn, stub_len);
	memcpy(out + stub_len, *bpf, *len);
	free(s);
	free(*bpf);
	*bpf = out;
	*len += stub_len;
	return 0;
}
