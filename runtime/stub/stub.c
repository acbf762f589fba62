/* The exec stub: a few hundred bytes of static code, no libc, held by each create in a sealed
 * memfd. The init (and a hook forked from it) execs this stub, which execs the real program, so
 * from the first execve on /proc/self/exe is the sealed stub, never the host's berth binary
 * (CVE-2019-5736): `/proc/self/exe`, a `#!/proc/self/exe` script or a PT_INTERP of /proc/self/exe
 * reach only this stub, which, being static, ignores LD_PRELOAD.
 *
 * argv: REPORT-FD PATH ARGV0 ARGV1 ...; envp: the program's. REPORT-FD (decimal, -1 for none) is
 * made close-on-exec, so it closes exactly when the real execve succeeds; when it fails, the stub
 * writes "e<errno> exec <PATH>" there and exits 127. Anything else (too few arguments: the stub
 * run again from inside the container) exits 127 and does nothing. */
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/prctl.h>

#if defined(__x86_64__)
__asm__(".text\n.globl _start\n_start:\n\txor %rbp, %rbp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n"
	"\tcall stub_main\n\thlt\n");

static long sys3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}
#elif defined(__aarch64__)
__asm__(".text\n.globl _start\n_start:\n\tmov x29, #0\n\tmov x0, sp\n\tbl stub_main\n\tbrk #0\n");

static long sys3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}
#else
#error "the exec stub supports x86_64 and aarch64: configure with --disable-exe-protection"
#endif

static void put(long fd, const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	sys3(__NR_write, fd, (long)s, n);
}

__attribute__((noreturn)) static void leave(void)
{
	for (;;)
		sys3(__NR_exit, 127, 0, 0);
}

__attribute__((noreturn, used)) void stub_main(long *sp)
{
	long argc = sp[0], fd = 0, r;
	char **argv = (char **)(sp + 1), **envp = argv + argc + 1, num[24], *p = num + sizeof(num) - 1;
	const char *s;

	if (argc < 3)
		leave();
	s = argv[0];
	if (s[0] == '-')
		fd = -1;
	else
		for (; *s >= '0' && *s <= '9'; s++)
			fd = fd * 10 + (*s - '0');
	/* nobody may ptrace us or open our fds while we hold the report fd */
	sys3(__NR_prctl, PR_SET_DUMPABLE, 0, 0);
	/* no close-on-exec, no report fd: it must not reach the program */
	if (fd >= 0 && sys3(__NR_fcntl, fd, F_SETFD, FD_CLOEXEC) < 0) {
		sys3(__NR_close, fd, 0, 0);
		fd = -1;
	}
	r = sys3(__NR_execve, (long)argv[1], (long)(argv + 2), (long)envp);
	if (fd >= 0) {
		*p = '\0';
		for (r = -r; r > 0 || p == num + sizeof(num) - 1; r /= 10)
			*--p = (char)('0' + r % 10);
		*--p = 'e';
		put(fd, p);
		put(fd, " exec ");
		put(fd, argv[1]);
	}
	leave();
}
