/* linux.seccomp -> a BPF program through libseccomp, compiled (or taken from the cache) by berth
 * before clone, and loaded by the init last before execve. */
#ifndef BERTH_SECCOMP_H
#define BERTH_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/error.h"

struct spec_seccomp; /* runtime/spec.h; parsed by runtime/spec_seccomp.c */
struct json_out;

struct seccomp_program {
	void *bpf;	     /* struct sock_filter[], as seccomp_export_bpf writes it */
	size_t len;	     /* bytes */
	unsigned int flags;  /* SECCOMP_FILTER_FLAG_* for seccomp(2), incl. NEW_LISTENER when notifying */
};

/* Parent, before clone: compile the profile, or read it from cache_dir (keyed by a hash of the
 * profile and the libseccomp version; a corrupt or foreign file is ignored and rewritten). */
int seccomp_prepare(const struct spec_seccomp *profile, const char *cache_dir, struct seccomp_program *prog,
		    struct error *err);
void seccomp_program_release(struct seccomp_program *prog);

/* Init, last before execve: seccomp(SECCOMP_SET_MODE_FILTER). *notify_fd gets the listener fd when
 * the program asked for one, else -1. Needs no_new_privs or CAP_SYS_ADMIN. */
int seccomp_load_program(const struct seccomp_program *prog, int *notify_fd, struct error *err);

/* Send the notify fd to the listener (sock, connected to linux.seccomp.listenerPath by the parent)
 * with the container state as runc does: SCM_RIGHTS, payload = the state JSON with "fds":["seccompFd"]
 * and "metadata" = listenerMetadata. */
int seccomp_send_listener(int sock, int notify_fd, const char *state_json, struct error *err);
/* runc's listener document: {"ociVersion","fds":["seccompFd"],"pid","metadata","state":state_json}. */
char *seccomp_listener_payload(const char *oci_version, const char *metadata, const char *state_json);
/* berth, before clone: a unix stream connection to listenerPath (O_CLOEXEC), or -errno. */
int seccomp_listener_connect(const char *path, struct error *err);

/* The default profile `berth spec` writes under "linux.seccomp" (moby's and podman's allowlist). */
void seccomp_default_profile_json(struct json_out *j);

#endif
