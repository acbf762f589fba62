/* Call one syscall and print the outcome: `sysc NAME|NR [ARG...]` prints "ok RET" or "errno N".
 * `sysc ptrace-parent` tries PTRACE_ATTACH on the parent (not our child); `sysc thread` starts a
 * thread through libc (clone3 first, clone when that says ENOSYS). Static, for the rootfs. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	long nr;
} names[] = {
	{ "getppid", SYS_getppid },
	{ "dup", SYS_dup },
	{ "unshare", SYS_unshare },
	{ "keyctl", SYS_keyctl },
	{ "add_key", SYS_add_key },
	{ "kexec_load", SYS_kexec_load },
	{ "open_by_handle_at", SYS_open_by_handle_at },
	{ "mount", SYS_mount },
	{ "ptrace", SYS_ptrace },
	{ "personality", SYS_personality },
	{ "clone", SYS_clone },
	{ "setns", SYS_setns },
	{ "bpf", SYS_bpf },
	{ "getpid", SYS_getpid },
};

static void *thread_main(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	long nr = -1, a[6] = { 0 }, r;

	if (argc < 2) {
		fprintf(stderr, "usage: sysc NAME|NR [ARG...] | sysc ptrace-parent\n");
		return 2;
	}
	if (strcmp(argv[1], "thread") == 0) {
		pthread_t t;
		void *ret = NULL;

		r = pthread_create(&t, NULL, thread_main, argv);
		if (r == 0)
			r = pthread_join(t, &ret);
		printf(r ? "thread errno %ld\n" : "thread ok\n", r);
		return 0;
	}
	if (strcmp(argv[1], "ptrace-parent") == 0) {
		r = ptrace(PTRACE_ATTACH, getppid(), 0, 0);
	} else {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(names[i].name, argv[1]) == 0)
				nr = names[i].nr;
		if (nr < 0)
			nr = strtol(argv[1], NULL, 0);
		for (int i = 2; i < argc && i < 8; i++)
			a[i - 2] = (long)strtoull(argv[i], NULL, 0);
		r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	if (r < 0)
		printf("errno %d\n", errno);
	else
		printf("ok %ld\n", r);
	return 0;
}
