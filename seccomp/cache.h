/* Private to seccomp/: compiled programs on disk, <dir>/<sha256 hex>.bpf. */
#ifndef BERTH_SECCOMP_CACHE_H
#define BERTH_SECCOMP_CACHE_H

#include <stddef.h>

#include "runtime/error.h"

struct spec_seccomp;

#define SECCOMP_CACHE_KEY_HEX 65

/* sha256 of the canonical profile, the libseccomp version and the native arch, as hex. */
void seccomp_cache_key(const struct spec_seccomp *sc, char hex[SECCOMP_CACHE_KEY_HEX]);
/* 0 and the program; -ENOENT when absent; -EBADMSG when corrupt or written for another key. */
int seccomp_cache_read(const char *dir, const char *hex, void **bpf, size_t *len);
/* Atomically (temp file + rename); creates dir (0700). */
int seccomp_cache_write(const char *dir, const char *hex, const void *bpf, size_t len, struct error *err);

#endif
