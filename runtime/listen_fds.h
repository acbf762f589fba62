/* systemd socket activation (LISTEN_FDS) passed through to the container process, as runc and crun
 * do: the fds stay at 3..3+N-1 and the process gets LISTEN_FDS=N and LISTEN_PID of its own. */
#ifndef BERTH_LISTEN_FDS_H
#define BERTH_LISTEN_FDS_H

#include "runtime/spec.h"

/* N when our environment has LISTEN_FDS=N and LISTEN_PID names us (sd_listen_fds' rule), else 0. */
int listen_fds_from_env(void);

/* In the init, after pivot_root: LISTEN_FDS=n, LISTEN_PID=our pid (1 in a pid namespace of its own)
 * and the caller's LISTEN_FDNAMES into p->env, replacing what process.env had. Our own copy of the
 * spec only. */
void listen_fds_set_env(const struct spec_process *p, int n);

#endif
