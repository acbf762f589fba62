/* HOME as runc and crun set it. /etc/passwd comes from the image: it is read inside the root, not
 * through symlinks out of it, only if it is a regular file, and only its first 4 MiB. */
#include "runtime/home.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/util.h"

#define PASSWD_MAX (4 << 20)

char *home_from_passwd(const char *buf, size_t len, uid_t uid)
{
	const char *end = buf + len;

	for (const char *line = buf; line < end;) {
		const char *nl = memchr(line, '\n', end - line), *f[7] = { line };
		const char *eol = nl ? nl : end;
		int n = 1;

		for (const char *p = line; p < eol && n < 7; p++)
			if (*p == ':')
				f[n++] = p + 1;
		line = eol + 1;
		/* name:passwd:uid:gid:gecos:home:shell */
		if (n < 7 || f[2] == f[3] - 1)
			continue;
		char *num_end;
		cleanup_free char *num = xstrndup(f[2], f[3] - 1 - f[2]);
		unsigned long v = strtoul(num, &num_end, 10);
		if (*num_end || num[0] == '-' || v != (unsigned long)uid)
			continue;
		if (f[6] - 1 == f[5] || *f[5] != '/')
			return NULL;
		return xstrndup(f[5], f[6] - 1 - f[5]);
	}
	return NULL;
}

static int open_in_root(int root, int flags)
{
	struct open_how how = { .flags = flags | O_NOFOLLOW | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };

	return syscall(SYS_openat2, root, "etc/passwd", &how, sizeof(how));
}

/* /etc/passwd of the root we run in, or NULL: missing, not a regular file, or unreadable. The type
 * is checked on an O_PATH fd first: opening a device may act, and the image chose what is there. */
static char *read_passwd(size_t *len)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), path = -1, fd = -1;
	struct stat st, st2;
	char *buf;
	ssize_t n;

	if (root < 0 || (path = open_in_root(root, O_PATH)) < 0 || fstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	fd = open_in_root(root, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st2) < 0 || !S_ISREG(st2.st_mode) || st2.st_ino != st.st_ino ||
	    st2.st_dev != st.st_dev)
		return NULL;
	buf = xmalloc(PASSWD_MAX);
	if ((n = read_all(fd, buf, PASSWD_MAX)) < 0) {
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

void home_set_default(const struct spec_process *cp)
{
	struct spec_process *p = (struct spec_process *)cp; /* our own copy, after clone */
	size_t n = 0, len = 0;
	cleanup_free char *passwd = NULL, *home = NULL;

	for (; p->env && p->env[n]; n++)
		if (!strncmp(p->env[n], "HOME=", 5))
			return;
	if ((passwd = read_passwd(&len)))
		home = home_from_passwd(passwd, len, p->user.uid);
	char **env = xmalloc((n + 2) * sizeof(*env));
	if (n)
		memcpy(env, p->env, n * sizeof(*env));
	env[n] = xasprintf("HOME=%s", home ? home : "/");
	env[n + 1] = NULL;
	p->env = env;
}
