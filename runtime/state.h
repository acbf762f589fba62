/* The per-container state directory under --root: a lock, state.json, the exec fifo. */
#ifndef BERTH_STATE_H
#define BERTH_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "runtime/spec.h"

enum container_status {
	STATUS_CREATING,
	STATUS_CREATED,
	STATUS_RUNNING,
	STATUS_PAUSED,
	STATUS_STOPPED,
};

/* What berth remembers about a container (state.json in its directory). */
struct state {
	char *id;
	char *bundle;	       /* absolute */
	char *rootfs;	       /* absolute */
	pid_t pid;	       /* init pid in the host pid namespace; 0 before it exists */
	uint64_t pid_start;    /* starttime of pid (field 22 of /proc/PID/stat): tells a reused pid apart */
	char *created;	       /* RFC 3339 UTC with nanoseconds, as runc writes it */
	uid_t owner;
	bool has_own_pidns;    /* killing init kills everything */
	bool use_terminal;
	struct spec_kv *annotations;
	size_t n_annotations;
	char *config_json;     /* the bundle's config.json as read at create: poststop hooks at delete */
	char *cgroup_path;     /* below every hierarchy's root; NULL with --cgroup-manager=disabled */
	int cgroup_levels;     /* trailing levels of cgroup_path berth made, removed at delete */
	enum container_status status; /* stored: creating or created; live status comes from state_status() */
};

/* Ids: 1..1024 chars of [A-Za-z0-9_.+-], not "." or "..". */
int state_validate_id(const char *id, struct error *err);

/* Open (creating with mode 0700, as runc) the root directory; returns a directory fd. */
int state_root_open(const char *root, struct error *err);

/* Create <root>/<id> exclusively (EEXIST -> "container "x" already exists") with its lock taken and
 * st written (st may be NULL): built as <root>/.tmp-* and renamed into place, so <id> never exists
 * half made. Returns the directory fd; the lock lives as long as *lock_fd stays open. */
int state_dir_create(int rootfd, const char *id, const struct state *st, int *lock_fd, struct error *err);
/* Remove the .tmp-* dirs of creates that died before their rename (create and delete call it). */
void state_sweep_tmp(int rootfd);
/* Whether another process holds the container's lock: a "creating" state whose creator is gone is a
 * crashed create. Not while holding the lock ourselves (closing a second fd would drop it). */
bool state_creator_alive(int dirfd);
/* Open an existing container dir and take its lock (blocking). ENOENT -> "container "x" does not exist". */
int state_dir_open(int rootfd, const char *id, int *lock_fd, struct error *err);
/* Remove the container's directory and everything in it. */
int state_dir_remove(int rootfd, const char *id, struct error *err);

int state_write(int dirfd, const struct state *st, struct error *err);
int state_read(int dirfd, struct state *st, struct error *err);
void state_release(struct state *st);

/* The live status: stopped if pid is gone or reused, created while the exec fifo exists, else paused
 * when the cgroup is frozen, else running. */
enum container_status state_status(int dirfd, const struct state *st);
const char *state_status_name(enum container_status s);

/* The runtime-spec state document (ociVersion, id, status, pid, bundle, annotations), for hooks. */
char *state_spec_json(const struct state *st, enum container_status status);
/* runc's `state` output (adds rootfs, created, owner), pretty-printed. */
char *state_runc_json(const struct state *st, enum container_status status, bool pretty);

/* --pid-file: the pid written atomically (a temporary file renamed over the path). */
int state_write_pid_file(const char *path, pid_t pid, struct error *err);

/* starttime of a pid from /proc/PID/stat; 0 if it does not exist. */
uint64_t state_pid_starttime(pid_t pid);
/* RFC 3339 now, UTC with nanoseconds. */
char *state_now_rfc3339(void);

#define STATE_EXEC_FIFO "exec.fifo"
/* NOTIFY_SOCKET: the directory bound into the container, and the socket in it */
#define STATE_NOTIFY_DIR "notify"
#define STATE_NOTIFY_SOCKET "notify.sock"

#endif
