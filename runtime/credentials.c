#include "runtime/credentials.h"

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/caps.h"
#include "runtime/stdio_owner.h"
#include "runtime/util.h"

int credentials_set_rlimits(const struct spec_process *p, struct error *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct spec_rlimit *rl = &p->rlimits[i];
		struct rlimit want = { .rlim_cur = rl->soft, .rlim_max = rl->hard }, have;

		if (setrlimit(rl->resource, &want) == 0)
			continue;
		int e = errno;
		getrlimit(rl->resource, &have);
		if (e == EPERM && rl->hard > have.rlim_max)
			return error_set(err, e, "process.rlimits: %s: hard limit %llu is above the caller's "
					 "hard limit %llu (raising it needs CAP_SYS_RESOURCE)", rl->type,
					 (unsigned long long)rl->hard, (unsigned long long)have.rlim_max);
		return error_set(err, e, "process.rlimits: %s: set soft %llu hard %llu", rl->type,
				 (unsigned long long)rl->soft, (unsigned long long)rl->hard);
	}
	return 0;
}

bool credentials_keep_groups(const struct spec *spec)
{
	for (size_t i = 0; i < spec->n_annotations; i++)
		if (!strcmp(spec->annotations[i].key, "run.oci.keep_original_groups"))
			return strcmp(spec->annotations[i].value, "0") != 0;
	return false;
}

int credentials_switch_user(const struct spec_process *p, bool keep_groups, struct error *err)
{
	const struct spec_user *u = &p->user;

	int r = stdio_give_to_user(u->uid, err);

	if (r < 0)
		return r;
	if (!keep_groups && setgroups(u->n_additional_gids, u->n_additional_gids ? (gid_t *)u->additional_gids : NULL) < 0)
		return error_sys(err, "process.user.additionalGids");
	if (caps_drop_bounding(&p->capabilities, err) < 0)
		return error_prefix(err, "process.capabilities.bounding");
	if (prctl(PR_SET_KEEPCAPS, 1) < 0)
		return error_sys(err, "keep capabilities");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return error_sys(err, "process.user.gid %u", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return error_sys(err, "process.user.uid %u", u->uid);
	if (prctl(PR_SET_KEEPCAPS, 0) < 0)
		return error_sys(err, "clear keep capabilities");
	if (caps_apply(&p->capabilities, err) < 0)
		return error_prefix(err, "process.capabilities");
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return error_sys(err, "process.noNewPrivileges");
	return 0;
}

static const char *env_lookup(char *const *env, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], key, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

static bool is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int credentials_find_executable(const struct spec_process *p, char **out, struct error *err)
{
	const char *arg0 = p->args[0];
	const char *path = env_lookup(p->env, "PATH");

	if (strchr(arg0, '/')) {
		if (!is_executable(arg0))
			return error_sys(err, "exec: \"%s\"", arg0);
		*out = xstrdup(arg0);
		return 0;
	}
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	cleanup_free char *dirs = xstrdup(path);
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		cleanup_free char *candidate = xasprintf("%s/%s", *d ? d : ".", arg0);

		if (is_executable(candidate)) {
			*out = steal_pointer(&candidate);
			return 0;
		}
	}
	return error_set(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", arg0);
}
