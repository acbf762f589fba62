/* berth image unpack: an image source applied flat into bundle/rootfs, with config.json from its config. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/image.h"
#include "runtime/util.h"

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
	cfd = openat(bundlefd, ".config.json.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (cfd < 0 || write_all(cfd, json, strlen(json)) < 0 || write_all(cfd, "\n", 1) < 0) {
		r = error_sys(err, "%s/config.json", opt->bundle);
		unlinkat(bundlefd, ".config.json.tmp", 0);
		return r;
	}
	/* The rename is what makes the checked rootfs visible. */
	if (renameat(bundlefd, tmpname, bundlefd, "rootfs") < 0) {
		r = error_sys(err, "renaming %s/%s to rootfs", opt->bundle, tmpname);
		unlinkat(bundlefd, ".config.json.tmp", 0);
		return r;
	}
	if (renameat(bundlefd, ".config.json.tmp", bundlefd, "config.json") < 0)
		return error_sys(err, "%s/config.json", opt->bundle);
	return 0;
}

int image_unpack(const struct image_unpack_opts *opt, struct error *err)
{
	struct image_source_opts so = { .archive = opt->archive, .ref = opt->ref, .max_size = opt->max_size };
	struct image_source *src = NULL;
	struct stat st;
	char tmpname[] = ".rootfs.tmp-XXXXXX";
	cleanup_free char *tmp = xasprintf("%s/%s", opt->bundle, tmpname);
	int r;

	if (mkdir_p(opt->bundle, 0755) < 0)
		return error_sys(err, "creating bundle %s", opt->bundle);
	cleanup_close int bundlefd = open(opt->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bundlefd < 0)
		return error_sys(err, "%s", opt->bundle);
	if (fstatat(bundlefd, "rootfs", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return error_set(err, EEXIST, "%s/rootfs: already exists", opt->bundle);
	r = image_source_open(&so, &src, err);
	if (r < 0)
		return r;
	if (!mkdtemp(tmp)) {
		r = error_sys(err, "creating %s", tmp);
		goto out;
	}
	memcpy(tmpname, tmp + strlen(tmp) - strlen(tmpname), strlen(tmpname));
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
