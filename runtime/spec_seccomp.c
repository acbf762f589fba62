/* linux.seccomp: names and shapes checked here, with the JSON path in every error; seccomp/filter.c
 * turns the result into BPF. */
#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/log.h"
#include "runtime/spec_internal.h"
#include "runtime/util.h"

static const char *const action_names[] = {
	[SPEC_SCMP_KILL] = "SCMP_ACT_KILL",
	[SPEC_SCMP_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
	[SPEC_SCMP_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
	[SPEC_SCMP_TRAP] = "SCMP_ACT_TRAP",
	[SPEC_SCMP_ERRNO] = "SCMP_ACT_ERRNO",
	[SPEC_SCMP_TRACE] = "SCMP_ACT_TRACE",
	[SPEC_SCMP_ALLOW] = "SCMP_ACT_ALLOW",
	[SPEC_SCMP_LOG] = "SCMP_ACT_LOG",
	[SPEC_SCMP_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const op_names[] = {
	[SPEC_SCMP_CMP_NE] = "SCMP_CMP_NE",
	[SPEC_SCMP_CMP_LT] = "SCMP_CMP_LT",
	[SPEC_SCMP_CMP_LE] = "SCMP_CMP_LE",
	[SPEC_SCMP_CMP_EQ] = "SCMP_CMP_EQ",
	[SPEC_SCMP_CMP_GE] = "SCMP_CMP_GE",
	[SPEC_SCMP_CMP_GT] = "SCMP_CMP_GT",
	[SPEC_SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

/* The architectures of the runtime-spec; seccomp/filter.c knows the same list. */
static const char *const arch_names[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
	"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL",
	"SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
	"SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64",
	"SCMP_ARCH_RISCV64",
};

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct {
	const char *name;
	unsigned int flag;
} flag_names[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

const char *spec_seccomp_action_name(enum spec_seccomp_action a)
{
	return (unsigned)a < ARRAY_SIZE(action_names) ? action_names[a] : "?";
}

const char *spec_seccomp_op_name(enum spec_seccomp_op op)
{
	return (unsigned)op < ARRAY_SIZE(op_names) ? op_names[op] : "?";
}

static int lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static int parse_action(yajl_val v, const char *path, enum spec_seccomp_action *out, struct error *err)
{
	cleanup_free char *s = NULL;
	int i;

	if (sj_string(v, path, &s, err) < 0)
		return -EINVAL;
	i = lookup(action_names, ARRAY_SIZE(action_names), s);
	if (i < 0)
		return spec_fail(err, "%s: unknown action \"%s\"", path, s);
	*out = i;
	return 0;
}

static int parse_errno_ret(yajl_val obj, const char *path, const char *key, uint32_t *out, struct error *err)
{
	cleanup_free char *p = xasprintf("%s.%s", path, key);
	yajl_val f = sj_get(obj, key);
	long long n;

	*out = EPERM;
	if (!f)
		return 0;
	/* the filter's return value holds 16 bits of errno */
	if (sj_int_range(f, p, 0, 0xffff, &n, err) < 0)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

static int parse_arg(yajl_val v, const char *path, struct spec_seccomp_arg *a, struct error *err)
{
	cleanup_free char *op = NULL, *p_index = xasprintf("%s.index", path),
			  *p_value = xasprintf("%s.value", path), *p_two = xasprintf("%s.valueTwo", path),
			  *p_op = xasprintf("%s.op", path);
	yajl_val f;
	long long idx;
	int i;

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, path, "index", err)) || sj_int_range(f, p_index, 0, 5, &idx, err) < 0)
		return -EINVAL;
	a->index = (uint32_t)idx;
	if (!(f = sj_require(v, path, "value", err)) || sj_u64(f, p_value, &a->value, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "valueTwo")) && sj_u64(f, p_two, &a->value_two, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, path, "op", err)) || sj_string(f, p_op, &op, err) < 0)
		return -EINVAL;
	i = lookup(op_names, ARRAY_SIZE(op_names), op);
	if (i < 0)
		return spec_fail(err, "%s: unknown operator \"%s\"", p_op, op);
	a->op = i;
	return 0;
}

static int parse_rule(yajl_val v, const char *path, struct spec_seccomp_rule *r, struct error *err)
{
	cleanup_free char *p_names = xasprintf("%s.names", path), *p_action = xasprintf("%s.action", path),
			  *p_args = xasprintf("%s.args", path);
	yajl_val f;

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, path, "names", err)) || sj_strv(f, p_names, &r->names, err) < 0)
		return -EINVAL;
	if (!r->names[0])
		return spec_fail(err, "%s: needs at least one syscall name", p_names);
	if (!(f = sj_require(v, path, "action", err)) || parse_action(f, p_action, &r->action, err) < 0)
		return -EINVAL;
	if (parse_errno_ret(v, path, "errnoRet", &r->errno_ret, err) < 0)
		return -EINVAL;
	if (!(f = sj_get(v, "args")))
		return 0;
	if (sj_array(f, p_args, err) < 0)
		return -EINVAL;
	r->args = xzalloc((f->u.array.len + 1) * sizeof(*r->args));
	for (size_t i = 0; i < f->u.array.len; i++) {
		cleanup_free char *p = xasprintf("%s[%zu]", p_args, i);

		if (parse_arg(f->u.array.values[i], p, &r->args[i], err) < 0)
			return -EINVAL;
		r->n_args++;
	}
	return 0;
}

static int parse_flags(yajl_val v, struct spec_seccomp *sc, struct error *err)
{
	cleanup_strv char **flags = NULL;

	if (sj_strv(v, "linux.seccomp.flags", &flags, err) < 0)
		return -EINVAL;
	for (size_t i = 0; flags[i]; i++) {
		size_t k;

		for (k = 0; k < ARRAY_SIZE(flag_names); k++)
			if (strcmp(flag_names[k].name, flags[i]) == 0)
				break;
		if (k == ARRAY_SIZE(flag_names))
			return spec_fail(err, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, flags[i]);
		sc->flags |= flag_names[k].flag;
	}
	return 0;
}

static int parse_archs(yajl_val v, struct spec_seccomp *sc, struct error *err)
{
	if (sj_strv(v, "linux.seccomp.architectures", &sc->architectures, err) < 0)
		return -EINVAL;
	for (size_t i = 0; sc->architectures[i]; i++)
		if (lookup(arch_names, ARRAY_SIZE(arch_names), sc->architectures[i]) < 0)
			return spec_fail(err, "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"",
					 i, sc->architectures[i]);
	return 0;
}

static int parse_rules(yajl_val v, struct spec_seccomp *sc, struct error *err)
{
	if (sj_array(v, "linux.seccomp.syscalls", err) < 0)
		return -EINVAL;
	sc->rules = xzalloc((v->u.array.len + 1) * sizeof(*sc->rules));
	for (size_t i = 0; i < v->u.array.len; i++) {
		cleanup_free char *p = xasprintf("linux.seccomp.syscalls[%zu]", i);

		sc->n_rules++;
		if (parse_rule(v->u.array.values[i], p, &sc->rules[i], err) < 0)
			return -EINVAL;
		if (sc->rules[i].action == SPEC_SCMP_NOTIFY)
			sc->uses_notify = true;
	}
	return 0;
}

static int parse_all(yajl_val v, struct spec_seccomp *sc, struct error *err)
{
	yajl_val f;

	if (sj_object(v, "linux.seccomp", err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, "linux.seccomp", "defaultAction", err)) ||
	    parse_action(f, "linux.seccomp.defaultAction", &sc->default_action, err) < 0)
		return -EINVAL;
	if (parse_errno_ret(v, "linux.seccomp", "defaultErrnoRet", &sc->default_errno_ret, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "architectures")) && parse_archs(f, sc, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "flags")) && parse_flags(f, sc, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "listenerPath")) &&
	    sj_string(f, "linux.seccomp.listenerPath", &sc->listener_path, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "listenerMetadata")) &&
	    sj_string(f, "linux.seccomp.listenerMetadata", &sc->listener_metadata, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "syscalls")) && parse_rules(f, sc, err) < 0)
		return -EINVAL;
	if (sc->default_action == SPEC_SCMP_NOTIFY)
		return spec_fail(err, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default "
				 "(the runtime's own syscalls would wait on the listener)");
	if (sc->uses_notify && (!sc->listener_path || !*sc->listener_path))
		return spec_fail(err,
				 "linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY");
	if (sc->listener_path && sc->listener_path[0] != '/')
		return spec_fail(err, "linux.seccomp.listenerPath: \"%s\" is not absolute",
				 sc->listener_path);
	return 0;
}

int spec_parse_seccomp(yajl_val v, struct spec_seccomp **out, struct error *err)
{
	struct spec_seccomp *sc = xzalloc(sizeof(*sc));

	if (parse_all(v, sc, err) < 0) {
		spec_seccomp_free(sc);
		return -EINVAL;
	}
	*out = sc;
	return 0;
}

void spec_seccomp_free(struct spec_seccomp *sc)
{
	if (!sc)
		return;
	for (size_t i = 0; i < sc->n_rules; i++) {
		strv_free(sc->rules[i].names);
		free(sc->rules[i].args);
	}
	free(sc->rules);
	strv_free(sc->architectures);
	free(sc->listener_path);
	free(sc->listener_metadata);
	free(sc);
}
