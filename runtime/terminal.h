/* Terminals: send the pty master to --console-socket, or proxy it for a foreground `run`. */
#ifndef BERTH_TERMINAL_H
#define BERTH_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/error.h"

/* In the container (after /dev/pts is mounted): open a new pty from /dev/pts/ptmx (through ptmx_dirfd
 * resolution as the caller gives it), return master and slave fds; set the window size if given. */
int terminal_open_pty(int *master, int *slave, bool has_size, unsigned height, unsigned width,
		      struct error *err);

/* terminal_open_pty, then check that the master really is a pty multiplexer (only that may go to a
 * console socket) and name the slave ("/dev/pts/N") into name. */
int terminal_open_checked(int *master, int *slave, bool has_size, unsigned height, unsigned width, char *name,
			  size_t name_len, struct error *err);

/* Send master (named name) over *console_fd, close that socket, and make slave our controlling
 * terminal and stdio: the last step of giving a container process its terminal. */
int terminal_hand_over(int *console_fd, int master, int slave, const char *name, struct error *err);

/* Make slave the controlling terminal and stdin/stdout/stderr of the caller (after setsid). */
int terminal_setup_slave(int slave, struct error *err);

/* Connect to the unix socket at path (returns the fd). */
int terminal_connect_socket(const char *path, struct error *err);
/* Send fd over a unix socket with SCM_RIGHTS, with a small payload (runc sends the pty name). */
int terminal_send_fd(int sock, int fd, const char *payload, struct error *err);
/* Receive an fd sent by terminal_send_fd. */
int terminal_recv_fd(int sock, struct error *err);

/* Foreground `run` with a terminal and no console socket: copy stdin -> master and master -> stdout
 * (stdin in raw mode when it is a tty, window size forwarded on SIGWINCH) until the master closes
 * or stop_fd becomes readable. */
int terminal_proxy(int master, int stop_fd, struct error *err);

#endif
