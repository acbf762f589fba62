/* linux.memoryPolicy applied: one set_mempolicy(2) in the process that will exec the container's. */
#include "runtime/mempolicy.h"

#include <errno.h>
#include <linux/mempolicy.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/util.h"

/* indexed by MPOL_*: Debian 12's headers stop before MPOL_WEIGHTED_INTERLEAVE (6) */
const char *const mempolicy_mode_names[] = { "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND",
					     "MPOL_INTERLEAVE", "MPOL_LOCAL", "MPOL_PREFERRED_MANY",
					     "MPOL_WEIGHTED_INTERLEAVE" };
const size_t mempolicy_n_modes = ARRAY_SIZE(mempolicy_mode_names);
const char *const mempolicy_flag_names[] = { "MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES",
					     "MPOL_F_NUMA_BALANCING" };
const size_t mempolicy_n_flags = ARRAY_SIZE(mempolicy_flag_names);

/* "Mems_allowed_list:\t0-1" of /proc/self/status, for the error; "?" when unreadable */
static void allowed_nodes(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[512];

	snprintf(buf, len, "?");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Mems_allowed_list:", 18)) {
			snprintf(buf, len, "%s", line + 18 + strspn(line + 18, " \t"));
			buf[strcspn(buf, "\n")] = '\0';
		}
	if (f)
		fclose(f);
}

int mempolicy_apply(const struct spec_mempolicy *mp, struct error *err)
{
	const char *mode = mempolicy_mode_names[mp->mode];
	char allowed[256];
	int e;

	/* maxnode counts one more than the mask's bits: the kernel drops the last one */
	if (syscall(SYS_set_mempolicy, mp->mode | (int)mp->flags, mp->nodes ? mp->mask : NULL,
		    mp->nodes ? SPEC_MPOL_MAX_NODES + 1 : 0) == 0)
		return 0;
	e = errno;
	if (e == EINVAL && mp->nodes) {
		allowed_nodes(allowed, sizeof(allowed));
		return error_set(err, e, "linux.memoryPolicy.nodes \"%s\": no node of it this process may allocate "
				 "from with %s%s (allowed here: %s)", mp->nodes, mode,
				 mp->flags & MPOL_F_STATIC_NODES ? " and MPOL_F_STATIC_NODES" : "", allowed);
	}
	if (e == ENOSYS)
		return error_set(err, e, "linux.memoryPolicy: this kernel has no NUMA support");
	return error_set(err, e, "linux.memoryPolicy: set_mempolicy %s", mode);
}
