/* Tar entry names inside a layer: normalisation, confinement and whiteout classification. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs/image.h"
#include "runtime/util.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

int layer_path_clean(const char *name, char **out, struct error *err)
{
	size_t n = strlen(name);
	char *buf = xmalloc(n + 1), *o = buf;
	const char *p = name;

	*out = NULL;
	while (*p) {
		const char *e = strchrnul(p, '/');
		size_t len = (size_t)(e - p);

		if (len == 2 && p[0] == '.' && p[1] == '.') {
			free(buf);
			return error_set(err, EPERM, "layer entry %s: '..' component", name);
		}
		if (len > 0 && !(len == 1 && p[0] == '.')) {
			if (o != buf)
				*o++ = '/';
			memcpy(o, p, len);
			o += len;
		}
		p = *e ? e + 1 : e;
	}
	*o = '\0';
	*out = buf;
	return 0;
}

int layer_check_ids(const char *path, int64_t uid, int64_t gid, struct error *err)
{
	if (uid < 0 || uid >= (int64_t)UINT32_MAX)
		return error_set(err, 0, "layer entry %s: uid %lld out of range (0 to %u)", path,
				 (long long)uid, UINT32_MAX - 1);
	if (gid < 0 || gid >= (int64_t)UINT32_MAX)
		return error_set(err, 0, "layer entry %s: gid %lld out of range (0 to %u)", path,
				 (long long)gid, UINT32_MAX - 1);
	return 0;
}

void layer_path_split(const char *clean, char **parent, char **base)
{
	const char *slash = strrchr(clean, '/');

	if (!slash) {
		*parent = xstrdup("");
		*base = xstrdup(clean);
		return;
	}
	*parent = xstrndup(clean, (size_t)(slash - clean));
	*base = xstrdup(slash + 1);
}

int layer_path_whiteout(const char *clean, enum layer_whiteout *kind, char **target, struct error *err)
{
	cleanup_free char *parent = NULL, *base = NULL;

	*kind = LAYER_WH_NONE;
	*target = NULL;
	layer_path_split(clean, &parent, &base);
	if (strncmp(base, WH_PREFIX, strlen(WH_PREFIX)) != 0)
		return 0;
	if (strcmp(base, WH_OPAQUE) == 0) {
		*kind = LAYER_WH_OPAQUE;
		*target = steal_pointer(&parent);
		return 0;
	}
	const char *victim = base + strlen(WH_PREFIX);
	if (!*victim || strcmp(victim, ".") == 0 || strcmp(victim, "..") == 0)
		return error_set(err, EPERM, "layer entry %s: invalid whiteout", clean);
	*kind = LAYER_WH_FILE;
	*target = *parent ? xasprintf("%s/%s", parent, victim) : xstrdup(victim);
	return 0;
}
