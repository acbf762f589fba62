/* Private to seccomp/: the ENOSYS prefix. A syscall newer than every syscall a profile names (per
 * architecture) is one the profile's author could not have known: it gets ENOSYS, not the default
 * action, so libc falls back to the older call (glibc tries clone3, close_range, faccessat2... and
 * falls back only on ENOSYS), as runc does. */
#ifndef BERTH_SECCOMP_ENOSYS_H
#define BERTH_SECCOMP_ENOSYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/error.h"

#define SECCOMP_X32_SYSCALL_BIT 0x40000000u

/* One architecture as the kernel reports it in seccomp_data.arch; x86_64 and x32 share
 * AUDIT_ARCH_X86_64 and differ by SECCOMP_X32_SYSCALL_BIT in the number. */
struct seccomp_arch_max {
	uint32_t audit_arch;
	bool x32;	 /* the x32 half of AUDIT_ARCH_X86_64 */
	uint32_t max_nr; /* highest number the profile names (x32: with the x32 bit) */
};

/* A new program: the prefix, then the n-instruction program (struct sock_filter[]). */
int seccomp_enosys_prepend(const struct seccomp_arch_max *archs, size_t n, void **bpf, size_t *len,
			   struct error *err);

#endif
