/* Private to seccomp/: the one file that speaks libseccomp (its names clash with seccomp.h's). */
#ifndef BERTH_SECCOMP_FILTER_H
#define BERTH_SECCOMP_FILTER_H

#include <stddef.h>

#include "runtime/error.h"

struct spec_seccomp;

/* The profile as a classic BPF program (struct sock_filter[]), malloc'd into *bpf. */
int seccomp_filter_compile(const struct spec_seccomp *sc, void **bpf, size_t *len, struct error *err);
/* "libseccomp 2.5.4 x86_64": what else but the profile decides the program, for the cache key. */
const char *seccomp_filter_build_id(void);

#endif
