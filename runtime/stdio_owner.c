/* runc's fixStdioPermissions, narrowed: a non-root container process must be able to reopen its
 * stdio through /proc/self/fd (`echo > /dev/stdout`), which fails on a pipe berth's root caller owns
 * (mode 0600). Only anonymous pipes and sockets are given away: a regular file, a named FIFO or a
 * terminal on the host stays as it is, or the container's uid would own a host file. */
#include "runtime/stdio_owner.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define PIPEFS_MAGIC 0x50495045
#define SOCKFS_MAGIC 0x534F434B

int stdio_give_to_user(uid_t uid, struct error *err)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;
		struct statfs sfs;

		if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0)
			continue; /* closed */
		if (st.st_uid == uid || st.st_uid != geteuid())
			continue;
		if (sfs.f_type != PIPEFS_MAGIC && sfs.f_type != SOCKFS_MAGIC)
			continue;
		/* EINVAL: uid not mapped in our user namespace; EPERM: the owner is not ours to change */
		if (fchown(fd, uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM)
			return error_sys(err, "give stdio fd %d to uid %u", fd, (unsigned)uid);
	}
	return 0;
}
