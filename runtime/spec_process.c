/* config.json "process": user, args, env, cwd, capabilities, rlimits and the small knobs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "runtime/spec_internal.h"
#include "runtime/util.h"

struct rlimit_name {
	const char *name;
	int resource;
};

static const struct rlimit_name rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

static int parse_user(yajl_val v, struct spec_user *u, struct error *err)
{
	yajl_val f;

	if (sj_object(v, "process.user", err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, "process.user", "uid", err)) ||
	    sj_u32(f, "process.user.uid", &u->uid, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, "process.user", "gid", err)) ||
	    sj_u32(f, "process.user.gid", &u->gid, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "umask"))) {
		if (sj_u32(f, "process.user.umask", &u->umask, err) < 0)
			return -EINVAL;
		if (u->umask > 0777)
			return spec_fail(err, "process.user.umask: %#o is not a umask (0 to 0777)", u->umask);
		u->has_umask = true;
	}
	if ((f = sj_get(v, "additionalGids"))) {
		if (sj_array(f, "process.user.additionalGids", err) < 0)
			return -EINVAL;
		u->n_additional_gids = f->u.array.len;
		u->additional_gids = xzalloc((u->n_additional_gids + 1) * sizeof(*u->additional_gids));
		for (size_t i = 0; i < u->n_additional_gids; i++) {
			cleanup_free char *p = xasprintf("process.user.additionalGids[%zu]", i);

			if (sj_u32(f->u.array.values[i], p, &u->additional_gids[i], err) < 0)
				return -EINVAL;
		}
	}
	return 0;
}

/* libcap also takes numbers and lowercase names; the spec speaks of "CAP_CHOWN", so insist on that form. */
static int cap_lookup(const char *name, int *out)
{
	cap_value_t value;
	char *back;
	bool same;

	if (strncmp(name, "CAP_", 4) != 0 || cap_from_name(name, &value) != 0 || value < 0 || value > 63)
		return -EINVAL;
	back = cap_to_name(value);
	same = back && strcasecmp(back, name) == 0;
	cap_free(back);
	if (!same)
		return -EINVAL;
	*out = value;
	return 0;
}

static int parse_cap_set(yajl_val v, const char *path, uint64_t *mask, struct error *err)
{
	if (sj_array(v, path, err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val e = v->u.array.values[i];
		int cap;

		if (!YAJL_IS_STRING(e))
			return spec_fail(err, "%s[%zu]: expected a string", path, i);
		if (cap_lookup(e->u.string, &cap) < 0)
			return spec_fail(err, "%s[%zu]: unknown capability \"%s\"", path, i, e->u.string);
		*mask |= UINT64_C(1) << cap;
	}
	return 0;
}

static int parse_capabilities(yajl_val v, struct spec_capabilities *c, struct error *err)
{
	static const char *const names[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
	uint64_t *sets[] = { &c->bounding, &c->effective, &c->inheritable, &c->permitted, &c->ambient };

	if (sj_object(v, "process.capabilities", err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		cleanup_free char *p = xasprintf("process.capabilities.%s", names[i]);
		yajl_val f = sj_get(v, names[i]);

		if (f && parse_cap_set(f, p, sets[i], err) < 0)
			return -EINVAL;
	}
	return 0;
}

static int parse_rlimit(yajl_val v, const char *path, struct spec_rlimit *rl, struct error *err)
{
	cleanup_free char *p_type = xasprintf("%s.type", path);
	cleanup_free char *p_soft = xasprintf("%s.soft", path);
	cleanup_free char *p_hard = xasprintf("%s.hard", path);
	yajl_val f;
	size_t i;

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, path, "type", err)) || sj_string(f, p_type, &rl->type, err) < 0)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (strcmp(rlimit_names[i].name, rl->type) == 0)
			break;
	if (i == ARRAY_SIZE(rlimit_names))
		return spec_fail(err, "%s: unknown rlimit \"%s\"", p_type, rl->type);
	rl->resource = rlimit_names[i].resource;
	if (!(f = sj_require(v, path, "soft", err)) || sj_u64(f, p_soft, &rl->soft, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, path, "hard", err)) || sj_u64(f, p_hard, &rl->hard, err) < 0)
		return -EINVAL;
	if (rl->soft > rl->hard)
		return spec_fail(err, "%s: %s: soft limit %llu is above the hard limit %llu", path, rl->type,
				 (unsigned long long)rl->soft, (unsigned long long)rl->hard);
	return 0;
}

static int parse_rlimits(yajl_val v, struct spec_process *p, struct error *err)
{
	if (sj_array(v, "process.rlimits", err) < 0)
		return -EINVAL;
	p->n_rlimits = v->u.array.len;
	p->rlimits = xzalloc((p->n_rlimits + 1) * sizeof(*p->rlimits));
	for (size_t i = 0; i < p->n_rlimits; i++) {
		cleanup_free char *path = xasprintf("process.rlimits[%zu]", i);

		if (parse_rlimit(v->u.array.values[i], path, &p->rlimits[i], err) < 0)
			return -EINVAL;
		for (size_t j = 0; j < i; j++)
			if (p->rlimits[j].resource == p->rlimits[i].resource)
				return spec_fail(err, "%s.type: duplicate rlimit \"%s\" (also [%zu])", path,
						 p->rlimits[i].type, j);
	}
	return 0;
}

static int parse_console_size(yajl_val v, struct spec_process *p, struct error *err)
{
	uint32_t h, w;
	yajl_val f;

	if (sj_object(v, "process.consoleSize", err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, "process.consoleSize", "height", err)) ||
	    sj_u32(f, "process.consoleSize.height", &h, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, "process.consoleSize", "width", err)) ||
	    sj_u32(f, "process.consoleSize.width", &w, err) < 0)
		return -EINVAL;
	if (h > UINT16_MAX || w > UINT16_MAX)
		return spec_fail(err, "process.consoleSize: %ux%u is larger than a terminal can be", h, w);
	p->has_console_size = true;
	p->console_height = h;
	p->console_width = w;
	return 0;
}

static int parse_strings(yajl_val v, struct spec_process *p, struct error *err)
{
	yajl_val f;

	if (!(f = sj_require(v, "process", "args", err)) || sj_strv(f, "process.args", &p->args, err) < 0)
		return -EINVAL;
	if (!p->args[0])
		return spec_fail(err, "process.args: must not be empty");
	if (!p->args[0][0])
		return spec_fail(err, "process.args[0]: must not be an empty string");
	if ((f = sj_get(v, "env")) &&
	    (sj_strv(f, "process.env", &p->env, err) < 0 || sj_check_env(p->env, "process.env", err) < 0))
		return -EINVAL;
	if (!(f = sj_require(v, "process", "cwd", err)) ||
	    sj_abs_path(f, "process.cwd", false, &p->cwd, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "apparmorProfile")) &&
	    sj_string(f, "process.apparmorProfile", &p->apparmor_profile, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "selinuxLabel")) &&
	    sj_string(f, "process.selinuxLabel", &p->selinux_label, err) < 0)
		return -EINVAL;
	return 0;
}

int spec_parse_process(yajl_val v, struct spec_process *p, struct error *err)
{
	yajl_val f;
	long long adj = 0;

	if (sj_object(v, "process", err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "terminal")) && sj_bool(f, "process.terminal", &p->terminal, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "consoleSize")) && parse_console_size(f, p, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, "process", "user", err)) || parse_user(f, &p->user, err) < 0)
		return -EINVAL;
	if (parse_strings(v, p, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "capabilities"))) {
		p->has_capabilities = true;
		if (parse_capabilities(f, &p->capabilities, err) < 0)
			return -EINVAL;
	}
	if ((f = sj_get(v, "rlimits")) && parse_rlimits(f, p, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "noNewPrivileges")) &&
	    sj_bool(f, "process.noNewPrivileges", &p->no_new_privileges, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "oomScoreAdj"))) {
		if (sj_int_range(f, "process.oomScoreAdj", -1000, 1000, &adj, err) < 0)
			return -EINVAL;
		p->has_oom_score_adj = true;
		p->oom_score_adj = (int)adj;
	}
	return spec_parse_sched(v, p, err);
}

void spec_process_free(struct spec_process *p)
{
	free(p->user.additional_gids);
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	for (size_t i = 0; i < p->n_rlimits; i++)
		free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
}
