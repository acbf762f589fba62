/* The flags create and run share, as runc spells them. */
#ifndef BERTH_CMD_CREATE_FLAGS_H
#define BERTH_CMD_CREATE_FLAGS_H

#define CREATE_FLAGS(o)                                                                                   \
	{ "bundle", 'b', OPT_STRING, &(o).bundle, "path to the bundle directory (default: current directory)" }, \
	{ "config", 0, OPT_STRING, &(o).config, "use this config.json instead of the bundle's (crun)" },         \
	{ "pid-file", 0, OPT_STRING, &(o).pid_file, "write the init's pid to this file" },                       \
	{ "console-socket", 0, OPT_STRING, &(o).console_socket, "unix socket that receives the pty master" },   \
	{ "preserve-fds", 0, OPT_INT, &(o).preserve_fds, "pass N more fds (from fd 3) to the container" },       \
	{ "no-pivot", 0, OPT_BOOL, &(o).no_pivot, "do not use pivot_root (for ramdisk roots)" },                 \
	{ "no-new-keyring", 0, OPT_BOOL, &(o).no_new_keyring, "keep the caller's session keyring" },          \
	{ "tenant", 0, OPT_STRING, &(o).tenant, "join this tenant (berth tenant create)" }

#endif
