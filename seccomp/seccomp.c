/* seccomp_prepare in berth (compile or cache), seccomp_load_program in the init (raw seccomp(2)). */
#include "seccomp/seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/log.h"
#include "runtime/spec.h"
#include "runtime/util.h"
#include "seccomp/cache.h"
#include "seccomp/filter.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* With a NULL program the kernel checks the flags first: EFAULT means it knows them. */
static bool kernel_has_flags(unsigned int flags)
{
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT;
}

static unsigned int load_flags(const struct spec_seccomp *sc)
{
	static const unsigned int optional[] = { SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW,
						 SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV };
	unsigned int flags = sc->flags;

	if (sc->uses_notify)
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	/* the init is single-threaded, and TSYNC with a listener needs TSYNC_ESRCH */
	if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
		flags &= ~SECCOMP_FILTER_FLAG_TSYNC;
	/* WAIT_KILLABLE_RECV only means something with a listener */
	if (!(flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	for (size_t i = 0; i < ARRAY_SIZE(optional); i++) {
		unsigned int f = optional[i];
		unsigned int with = 0;

		if (f == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
			with = SECCOMP_FILTER_FLAG_NEW_LISTENER;

		if ((flags & f) && !kernel_has_flags(f | with)) {
			log_debug("linux.seccomp.flags: the kernel lacks flag %#x, ignored", f);
			flags &= ~f;
		}
	}
	return flags;
}

static int prepare_cached(const struct spec_seccomp *sc, const char *dir, struct seccomp_program *prog,
			  struct error *err)
{
	char key[SECCOMP_CACHE_KEY_HEX];
	struct error werr = { 0 };
	int r;

	seccomp_cache_key(sc, key);
	r = seccomp_cache_read(dir, key, &prog->bpf, &prog->len);
	if (r == 0) {
		log_debug("seccomp: program %s from the cache", key);
		return 0;
	}
	if (r == -EBADMSG)
		log_debug("seccomp: cached program %s/%s.bpf is corrupt, recompiling", dir, key);
	r = seccomp_filter_compile(sc, &prog->bpf, &prog->len, err);
	if (r < 0)
		return r;
	/* a cache that cannot be written costs time, not correctness */
	if (seccomp_cache_write(dir, key, prog->bpf, prog->len, &werr) < 0)
		log_debug("%s", werr.msg);
	return 0;
}

int seccomp_prepare(const struct spec_seccomp *profile, const char *cache_dir, struct seccomp_program *prog,
		    struct error *err)
{
	int r;

	memset(prog, 0, sizeof(*prog));
	if (cache_dir)
		r = prepare_cached(profile, cache_dir, prog, err);
	else
		r = seccomp_filter_compile(profile, &prog->bpf, &prog->len, err);
	if (r < 0)
		return error_prefix(err, "seccomp");
	if (prog->len == 0 || prog->len % sizeof(struct sock_filter) != 0 ||
	    prog->len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		seccomp_program_release(prog);
		return error_set(err, E2BIG, "seccomp: program of %zu bytes cannot be loaded", prog->len);
	}
	prog->flags = load_flags(profile);
	return 0;
}

void seccomp_program_release(struct seccomp_program *prog)
{
	free(prog->bpf);
	prog->bpf = NULL;
	prog->len = 0;
}

int seccomp_load_program(const struct seccomp_program *prog, int *notify_fd, struct error *err)
{
	struct sock_fprog fprog = { .len = prog->len / sizeof(struct sock_filter), .filter = prog->bpf };
	long r;

	if (notify_fd)
		*notify_fd = -1;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, prog->flags, &fprog);
	if (r < 0)
		return error_sys(err, "load seccomp filter (flags %#x)", prog->flags);
	if (prog->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
		if (notify_fd)
			*notify_fd = (int)r;
		else
			close((int)r);
	}
	return 0;
}
