/* berth image unpack: an image source applied flat into bundle/rootfs, with config.json from its config. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/image.h"
#include "runtime/util.h"

/* starttime of pid (field 22 of /proc/PID/stat), 0 when there is no such process. */
static unsigned long long pid_start(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* after the command name in parentheses, which may hold anything */
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &start) != 1)
		return 0;
	return start;
}

char *image_tmp_name(const char *dir, const char *prefix)
{
	pid_t me = getpid();

	return xasprintf("%s/%s%d.%llu-XXXXXX", dir, prefix, (int)me, pid_start(me));
}

void image_remove_stale_tmp(int dirfd, const char *prefix)
{
	int dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	size_t plen = strlen(prefix);

	if (!d) {
		close_quietly(dfd);
		return;
	}
	while ((de = readdir(d))) {
		int pid;
		unsigned long long start;
		struct error ignored;

		if (strncmp(de->d_name, prefix, plen) != 0)
			continue;
		if (sscanf(de->d_name + plen, "%d.%llu-", &pid, &start) == 2 && pid > 0 &&
		    pid_start((pid_t)pid) == start)
			continue; /* its owner still runs */
		layer_remove_tree(dirfd, de->d_name, &ignored);
	}
}

int image_parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	char *end;
	unsigned long long n;
	const char *u;

	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	n = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end) {
		if (end[1] && !(end[1] == 'i' && end[2] == 'B' && !end[3]) && !(end[1] == 'B' && !end[2]))
			return -EINVAL;
		if (!(u = strchr(units, end[0] & ~0x20)) || !*u)
			return -EINVAL;
		for (const char *k = units; k <= u; k++) {
			if (n > UINT64_MAX / 1024)
				return -ERANGE;
			n *= 1024;
		}
	}
	*out = n;
	return 0;
}

static int unpack_into(struct image_source *src, const struct image_unpack_opts *opt, int bundlefd,
		       const char *tmpname, struct error *err)
{
	struct layer_limits lim = { .max_size = opt->max_size };
	cleanup_close int rootfd = -1, cfd = -1;
	cleanup_free char *json = NULL;
	cleanup_free uint32_t *gids = NULL;
	size_t n_gids;
	uint32_t uid, gid;
	int r = 0;

	rootfd = openat(bundlefd, tmpname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0 || fchmod(rootfd, 0755) < 0)
		return error_sys(err, "%s/%s", opt->bundle, tmpname);
	for (size_t i = 0; i < image_source_n_layers(src) && r == 0; i++)
		r = image_source_apply_layer(src, i, rootfd, LAYER_MODE_FLAT, NULL, 0, &lim, err);
	if (r < 0)
		return r;
	r = image_resolve_user(rootfd, image_source_config(src)->user, &uid, &gid, &gids, &n_gids, err);
	if (r < 0)
		return r;
	json = image_json_bundle(image_source_config(src), opt->cmd, uid, gid, gids, n_gids);
	/* named after the rootfs temporary: a stale one goes with it */
	cleanup_free char *ctmp = xasprintf("%s.json", tmpname);
	cfd = openat(bundlefd, ctmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (cfd < 0 || write_all(cfd, json, strlen(json)) < 0 || write_all(cfd, "\n", 1) < 0) {
		r = error_sys(err, "%s/config.json", opt->bundle);
		unlinkat(bundlefd, ctmp, 0);
		return r;
	}
	/* config.json first: a rootfs there means a complete bundle */
	if (renameat(bundlefd, ctmp, bundlefd, "config.json") < 0) {
		r = error_sys(err, "%s/config.json", opt->bundle);
		unlinkat(bundlefd, ctmp, 0);
		return r;
	}
	/* The rename is what makes the checked rootfs visible. */
	if (renameat(bundlefd, tmpname, bundlefd, "rootfs") < 0) {
		r = error_sys(err, "renaming %s/%s to rootfs", opt->bundle, tmpname);
		unlinkat(bundlefd, "config.json", 0);
		return r;
	}
	return 0;
}

int image_unpack(const struct image_unpack_opts *opt, struct error *err)
{
	struct image_source_opts so = { .archive = opt->archive, .ref = opt->ref, .max_size = opt->max_size };
	struct image_source *src = NULL;
	struct stat st;
	cleanup_free char *tmp = image_tmp_name(opt->bundle, ".rootfs.tmp-");
	const char *tmpname;
	int r;

	if (mkdir_p(opt->bundle, 0755) < 0)
		return error_sys(err, "creating bundle %s", opt->bundle);
	cleanup_close int bundlefd = open(opt->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bundlefd < 0)
		return error_sys(err, "%s", opt->bundle);
	/* what an unpack killed on this bundle left */
	image_remove_stale_tmp(bundlefd, ".rootfs.tmp-");
	if (fstatat(bundlefd, "rootfs", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return error_set(err, EEXIST, "%s/rootfs: already exists", opt->bundle);
	r = image_source_open(&so, &src, err);
	if (r < 0)
		return r;
	if (!mkdtemp(tmp)) {
		r = error_sys(err, "creating %s", tmp);
		goto out;
	}
	tmpname = strrchr(tmp, '/') + 1;
	r = unpack_into(src, opt, bundlefd, tmpname, err);
	if (r < 0) {
		/* A failed unpack leaves nothing behind. */
		struct error e2 = { 0 };
		layer_remove_tree(bundlefd, tmpname, &e2);
	}
out:
	image_source_free(src);
	return r;
}
