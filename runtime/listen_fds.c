/* LISTEN_FDS passthrough (see listen_fds.h). */
#include "runtime/listen_fds.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/util.h"

/* systemd passes at most a few thousand; anything larger is not socket activation */
#define LISTEN_FDS_MAX 4096

static long env_number(const char *name)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno || *end || v < 0 ? -1 : v;
}

int listen_fds_from_env(void)
{
	long n = env_number("LISTEN_FDS"), pid = env_number("LISTEN_PID");

	if (n <= 0 || n > LISTEN_FDS_MAX || pid != (long)getpid())
		return 0;
	return (int)n;
}

/* name=value into env, replacing an entry of that name */
static void env_put(struct spec_process *p, char *entry)
{
	size_t n = 0, klen = strchr(entry, '=') - entry + 1;

	for (; p->env && p->env[n]; n++)
		if (!strncmp(p->env[n], entry, klen)) {
			p->env[n] = entry; /* the old one belongs to the parent's copy of the spec */
			return;
		}
	char **env = xmalloc((n + 2) * sizeof(*env));
	if (n)
		memcpy(env, p->env, n * sizeof(*env));
	env[n] = entry;
	env[n + 1] = NULL;
	p->env = env;
}

void listen_fds_set_env(const struct spec_process *cp, int n)
{
	struct spec_process *p = (struct spec_process *)cp; /* our own copy, after clone */
	const char *names = getenv("LISTEN_FDNAMES");

	if (n <= 0)
		return;
	env_put(p, xasprintf("LISTEN_FDS=%d", n));
	env_put(p, xasprintf("LISTEN_PID=%d", (int)getpid()));
	if (names)
		env_put(p, xasprintf("LISTEN_FDNAMES=%s", names));
}
