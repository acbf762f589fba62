/* The container rootfs of `run --image`: an overlay of the image's layers, mounted with the new mount API. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "rootfs/image_store.h"
#include "runtime/util.h"

/* Kernels before 6.8 lack "lowerdir+": give the whole list, ':' separated, with ':' and '\' escaped. */
static int set_lowers_joined(int fs, char *const *lowers, struct error *err)
{
	size_t len = 1;
	char *o;

	for (char *const *l = lowers; *l; l++)
		len += 2 * strlen(*l) + 1;
	cleanup_free char *all = o = xmalloc(len);
	for (char *const *l = lowers; *l; l++) {
		if (l != lowers)
			*o++ = ':';
		for (const char *c = *l; *c; c++) {
			if (*c == ':' || *c == '\\' || *c == ',')
				*o++ = '\\';
			*o++ = *c;
		}
	}
	*o = '\0';
	if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", all, 0) < 0)
		return error_sys(err, "overlay lowerdir (%zu layers)", strv_length(lowers));
	return 0;
}

int image_overlay_open(void)
{
	return fsopen("overlay", FSOPEN_CLOEXEC);
}

int image_overlay_mount(int fs, char *const *lowers, const char *upper, const char *work, int target_fd,
			struct error *err)
{
	cleanup_close int mnt = -1;

	if (!lowers || !*lowers)
		return error_set(err, EINVAL, "overlay: the image has no layer");
	/* "lowerdir+" takes one path each, unescaped, with no length limit on the list */
	for (char *const *l = lowers; *l; l++) {
		if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", *l, 0) == 0)
			continue;
		if (errno != EINVAL || l != lowers)
			return error_sys(err, "overlay lowerdir+ %s", *l);
		if (set_lowers_joined(fs, lowers, err) < 0)
			return -err->errnum;
		break;
	}
	if (upper && fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0)
		return error_sys(err, "overlay upperdir %s", upper);
	if (work && fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0)
		return error_sys(err, "overlay workdir %s", work);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		int e = errno;
		char msg[256];
		ssize_t n = read(fs, msg, sizeof(msg) - 1); /* the kernel's reason, "e overlayfs: ..." */

		msg[n > 0 ? n : 0] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		return error_set(err, e, "create the overlay (upper %s)%s%s", upper ? upper : "none",
				 n > 2 ? ": " : "", n > 2 ? msg + 2 : "");
	}
	if ((mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0)) < 0)
		return error_sys(err, "fsmount overlay");
	if (move_mount(mnt, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return error_sys(err, "move_mount overlay");
	return 0;
}

int image_tmpfs_mount(int target_fd, struct error *err)
{
	cleanup_close int fs = fsopen("tmpfs", FSOPEN_CLOEXEC), mnt = -1;

	if (fs < 0)
		return error_sys(err, "fsopen tmpfs");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return error_sys(err, "create a tmpfs");
	if ((mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID)) < 0)
		return error_sys(err, "fsmount tmpfs");
	if (move_mount(mnt, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return error_sys(err, "move_mount tmpfs");
	return 0;
}
