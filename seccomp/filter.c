/* linux.seccomp -> libseccomp -> BPF in memory. Runs in berth before clone, never in the init. */
#include "seccomp/filter.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/log.h"
#include "runtime/spec.h"
#include "runtime/util.h"
#include "seccomp/enosys.h"

static const struct {
	const char *name;
	uint32_t arch;
} archs[] = {
	{ "SCMP_ARCH_X86", SCMP_ARCH_X86 },
	{ "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
	{ "SCMP_ARCH_X32", SCMP_ARCH_X32 },
	{ "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
	{ "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 },
	{ "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
	{ "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 },
	{ "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
	{ "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL },
	{ "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
	{ "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 },
	{ "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
	{ "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 },
	{ "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
	{ "SCMP_ARCH_S390", SCMP_ARCH_S390 },
	{ "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
	{ "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC },
	{ "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64 },
	{ "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
};

static const enum scmp_compare ops[] = {
	[SPEC_SCMP_CMP_NE] = SCMP_CMP_NE,
	[SPEC_SCMP_CMP_LT] = SCMP_CMP_LT,
	[SPEC_SCMP_CMP_LE] = SCMP_CMP_LE,
	[SPEC_SCMP_CMP_EQ] = SCMP_CMP_EQ,
	[SPEC_SCMP_CMP_GE] = SCMP_CMP_GE,
	[SPEC_SCMP_CMP_GT] = SCMP_CMP_GT,
	[SPEC_SCMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static uint32_t action_value(enum spec_seccomp_action a, uint32_t errno_ret)
{
	switch (a) {
	case SPEC_SCMP_KILL:
		return SCMP_ACT_KILL;
	case SPEC_SCMP_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case SPEC_SCMP_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case SPEC_SCMP_TRAP:
		return SCMP_ACT_TRAP;
	case SPEC_SCMP_ERRNO:
		return SCMP_ACT_ERRNO(errno_ret);
	case SPEC_SCMP_TRACE:
		return SCMP_ACT_TRACE(errno_ret);
	case SPEC_SCMP_LOG:
		return SCMP_ACT_LOG;
	case SPEC_SCMP_NOTIFY:
		return SCMP_ACT_NOTIFY;
	case SPEC_SCMP_ALLOW:
		break;
	}
	return SCMP_ACT_ALLOW;
}

const char *seccomp_filter_build_id(void)
{
	static char id[96];

	if (!id[0]) {
		const struct scmp_version *v = seccomp_version();

		snprintf(id, sizeof(id), "libseccomp %u.%u.%u arch %#x", v->major, v->minor, v->micro,
			 seccomp_arch_native());
	}
	return id;
}

static int add_archs(scmp_filter_ctx ctx, char *const *names, struct error *err)
{
	for (size_t i = 0; names && names[i]; i++) {
		size_t k;
		int r;

		for (k = 0; k < ARRAY_SIZE(archs); k++)
			if (strcmp(archs[k].name, names[i]) == 0)
				break;
		if (k == ARRAY_SIZE(archs))
			return error_set(err, EINVAL, "linux.seccomp.architectures[%zu]: unknown %s", i,
					 names[i]);
		r = seccomp_arch_add(ctx, archs[k].arch);
		if (r < 0 && r != -EEXIST)
			return error_set(err, -r, "linux.seccomp.architectures[%zu]: %s", i, names[i]);
	}
	return 0;
}

static bool index_repeats(const struct spec_seccomp_rule *rule)
{
	for (size_t i = 0; i < rule->n_args; i++)
		for (size_t k = i + 1; k < rule->n_args; k++)
			if (rule->args[i].index == rule->args[k].index)
				return true;
	return false;
}

static struct scmp_arg_cmp arg_cmp(const struct spec_seccomp_arg *a)
{
	return (struct scmp_arg_cmp){ .arg = a->index, .op = ops[a->op], .datum_a = a->value,
				      .datum_b = a->value_two };
}

/* One name of one rule. libseccomp takes one comparison per argument: a rule naming an argument
 * twice becomes one rule per comparison (either matching triggers the action), as runc does. */
static int add_rule(scmp_filter_ctx ctx, const struct spec_seccomp_rule *rule, uint32_t action, int nr)
{
	struct scmp_arg_cmp cmps[6];
	int r;

	if (!rule->n_args)
		return seccomp_rule_add_array(ctx, action, nr, 0, NULL);
	if (index_repeats(rule) || rule->n_args > ARRAY_SIZE(cmps)) {
		for (size_t i = 0; i < rule->n_args; i++) {
			struct scmp_arg_cmp c = arg_cmp(&rule->args[i]);

			if ((r = seccomp_rule_add_array(ctx, action, nr, 1, &c)) < 0)
				return r;
		}
		return 0;
	}
	for (size_t i = 0; i < rule->n_args; i++)
		cmps[i] = arg_cmp(&rule->args[i]);
	return seccomp_rule_add_array(ctx, action, nr, rule->n_args, cmps);
}

/* The (syscall, action, comparisons) triples already handed to libseccomp: a profile repeating
 * rules (generated ones do) would otherwise make its compile super-linear. Open addressing. */
struct seen {
	struct seen_entry {
		const struct spec_seccomp_rule *rule;
		int nr;
		uint32_t action;
	} *slot;
	size_t cap;
};

static bool same_args(const struct spec_seccomp_rule *a, const struct spec_seccomp_rule *b)
{
	if (a->n_args != b->n_args)
		return false;
	for (size_t i = 0; i < a->n_args; i++)
		if (a->args[i].index != b->args[i].index || a->args[i].op != b->args[i].op ||
		    a->args[i].value != b->args[i].value || a->args[i].value_two != b->args[i].value_two)
			return false;
	return true;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

static uint64_t rule_hash(const struct spec_seccomp_rule *r, int nr, uint32_t action)
{
	uint64_t h = mix(mix(0, (uint32_t)nr), action);

	for (size_t i = 0; i < r->n_args; i++)
		h = mix(mix(mix(mix(h, r->args[i].index), r->args[i].op), r->args[i].value), r->args[i].value_two);
	return h;
}

/* true the first time this (nr, action, args) is seen */
static bool seen_add(struct seen *s, const struct spec_seccomp_rule *r, int nr, uint32_t action)
{
	size_t i = rule_hash(r, nr, action) & (s->cap - 1);

	for (; s->slot[i].rule; i = (i + 1) & (s->cap - 1))
		if (s->slot[i].nr == nr && s->slot[i].action == action && same_args(s->slot[i].rule, r))
			return false;
	s->slot[i] = (struct seen_entry){ .rule = r, .nr = nr, .action = action };
	return true;
}

static int add_rules(scmp_filter_ctx ctx, const struct spec_seccomp *sc, uint32_t def, struct error *err)
{
	struct seen seen = { .cap = 64 };
	cleanup_free struct seen_entry *slots = NULL;

	for (size_t i = 0; i < sc->n_rules; i++)
		for (size_t n = 0; sc->rules[i].names[n]; n++)
			seen.cap += 2;
	while (seen.cap & (seen.cap - 1))
		seen.cap &= seen.cap - 1;
	seen.cap <<= 1; /* a power of two, at least twice the entries */
	slots = seen.slot = xzalloc(seen.cap * sizeof(*seen.slot));
	for (size_t i = 0; i < sc->n_rules; i++) {
		const struct spec_seccomp_rule *rule = &sc->rules[i];
		uint32_t action = action_value(rule->action, rule->errno_ret);

		/* libseccomp refuses a rule that repeats the default; it would change nothing */
		if (action == def)
			continue;
		for (size_t n = 0; rule->names[n]; n++) {
			int nr = seccomp_syscall_resolve_name(rule->names[n]);
			int r;

			if (nr == __NR_SCMP_ERROR) {
				log_debug("linux.seccomp.syscalls[%zu]: unknown syscall \"%s\" skipped", i,
					  rule->names[n]);
				continue;
			}
			if (!seen_add(&seen, rule, nr, action))
				continue;
			r = add_rule(ctx, rule, action, nr);
			if (r < 0)
				return error_set(err, -r, "linux.seccomp.syscalls[%zu]: %s %s", i,
						 rule->names[n], spec_seccomp_action_name(rule->action));
		}
	}
	return 0;
}

/* libseccomp 2.5 exports to an fd only: a memfd, read back. */
static int export_bpf(scmp_filter_ctx ctx, void **bpf, size_t *len, struct error *err)
{
	cleanup_close int fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0)
		return error_sys(err, "memfd_create");
	if ((r = seccomp_export_bpf(ctx, fd)) < 0)
		return error_set(err, -r, "export the seccomp program");
	if (fstat(fd, &st) < 0)
		return error_sys(err, "stat the seccomp program");
	*len = st.st_size;
	*bpf = xmalloc(*len ? *len : 1);
	if (pread(fd, *bpf, *len, 0) != (ssize_t)*len) {
		free(*bpf);
		*bpf = NULL;
		return error_set(err, EIO, "read back the seccomp program");
	}
	return 0;
}

/* As runc: a tracer handles new syscalls itself, and allow or log need no answer. */
static bool wants_enosys(const struct spec_seccomp *sc)
{
	switch (sc->default_action) {
	case SPEC_SCMP_ALLOW:
	case SPEC_SCMP_LOG:
	case SPEC_SCMP_TRACE:
		return false;
	case SPEC_SCMP_ERRNO:
		return sc->default_errno_ret != ENOSYS;
	default:
		return true;
	}
}

/* The highest syscall number the profile names on one architecture, 0 when it names none. */
static uint32_t max_named(const struct spec_seccomp *sc, uint32_t arch)
{
	uint32_t max = 0;

	for (size_t i = 0; i < sc->n_rules; i++)
		for (size_t n = 0; sc->rules[i].names[n]; n++) {
			int nr = seccomp_syscall_resolve_name_arch(arch, sc->rules[i].names[n]);

			if (nr >= 0 && (uint32_t)nr > max)
				max = nr;
		}
	return max;
}

static void add_arch_max(struct seccomp_arch_max *out, size_t *n, const struct spec_seccomp *sc, uint32_t arch)
{
	struct seccomp_arch_max m = {
		.audit_arch = arch == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : arch,
		.x32 = arch == SCMP_ARCH_X32,
		.max_nr = max_named(sc, arch),
	};

	for (size_t i = 0; i < *n; i++)
		if (out[i].audit_arch == m.audit_arch && out[i].x32 == m.x32)
			return;
	/* x32 numbers carry their bit: one without it is no x32 syscall */
	if (m.max_nr == 0 || (m.x32 && !(m.max_nr & SECCOMP_X32_SYSCALL_BIT)))
		return;
	out[(*n)++] = m;
}

/* Every architecture the filter holds: the listed ones and the native one libseccomp adds. */
static int add_enosys(const struct spec_seccomp *sc, void **bpf, size_t *len, struct error *err)
{
	struct seccomp_arch_max m[ARRAY_SIZE(archs) + 1];
	size_t n = 0;

	if (!wants_enosys(sc))
		return 0;
	add_arch_max(m, &n, sc, seccomp_arch_native());
	for (size_t i = 0; sc->architectures && sc->architectures[i]; i++)
		for (size_t k = 0; k < ARRAY_SIZE(archs); k++)
			if (strcmp(archs[k].name, sc->architectures[i]) == 0)
				add_arch_max(m, &n, sc, archs[k].arch);
	return seccomp_enosys_prepend(m, n, bpf, len, err);
}

int seccomp_filter_compile(const struct spec_seccomp *sc, void **bpf, size_t *len, struct error *err)
{
	uint32_t def = action_value(sc->default_action, sc->default_errno_ret);
	scmp_filter_ctx ctx = seccomp_init(def);
	int r;

	if (!ctx)
		return error_set(err, EINVAL, "linux.seccomp.defaultAction: %s refused by libseccomp",
				 spec_seccomp_action_name(sc->default_action));
	/* the program is loaded by us; no_new_privs is process.noNewPrivileges' business */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* a binary tree over syscall numbers: the kernel emulates the filter for every syscall when it
	 * loads it (its action cache), so a linear list of 350 rules costs milliseconds per start */
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r < 0)
		r = error_set(err, -r, "seccomp attribute");
	if (r == 0)
		r = add_archs(ctx, sc->architectures, err);
	if (r == 0)
		r = add_rules(ctx, sc, def, err);
	if (r == 0)
		r = export_bpf(ctx, bpf, len, err);
	seccomp_release(ctx);
	if (r == 0 && (r = add_enosys(sc, bpf, len, err)) < 0) {
		free(*bpf);
		*bpf = NULL;
	}
	return r;
}
