#include "runtime/exec_stub.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/util.h"

#define STUB_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

#ifdef BERTH_EXE_PROTECTION
extern const char berth_exec_stub[], berth_exec_stub_end[];

int exec_stub_open(int *out, struct error *err)
{
	size_t len = berth_exec_stub_end - berth_exec_stub;
	int fd = memfd_create("berth-exec-stub", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	*out = -1;
	if (fd < 0)
		return error_sys(err, "exec stub: memfd_create");
	if (write_all(fd, berth_exec_stub, len) < 0 || fchmod(fd, 0555) < 0 ||
	    fcntl(fd, F_ADD_SEALS, STUB_SEALS) < 0) {
		int r = error_sys(err, "exec stub: fill and seal the memfd");

		close(fd);
		return r;
	}
	*out = fd;
	return 0;
}
#else
int exec_stub_open(int *out, struct error *err)
{
	(void)err;
	*out = -1;
	return 0;
}
#endif

char **exec_stub_argv(int report_fd, const char *path, char *const *argv, char numbuf[16])
{
	size_t n = strv_length(argv);
	char **v = xmalloc((n + 3) * sizeof(char *));

	snprintf(numbuf, 16, "%d", report_fd);
	v[0] = numbuf;
	v[1] = (char *)path;
	for (size_t i = 0; i < n; i++)
		v[i + 2] = argv[i];
	v[n + 2] = NULL;
	return v;
}

int exec_stub_exec(int stub_fd, char *const *stub_argv, char *const *envp)
{
	char path[32];
	int first;

	syscall(SYS_execveat, stub_fd, "", stub_argv, envp, AT_EMPTY_PATH);
	first = errno;
	/* an ELF needs no path of its own: a close-on-exec fd is fine here */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", stub_fd);
	execve(path, stub_argv, envp);
	return -first;
}
