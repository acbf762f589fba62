/* The parent opens bind sources as detached mounts (open_tree) with its own credentials; the init
 * only attaches them, which needs no path lookup on the host. */
#include "runtime/mount_sources.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "runtime/log.h"
#include "runtime/util.h"

void mount_sources_open(const struct spec *spec, const char *bundle, int **trees)
{
	cleanup_close int dir = -1;
	int *t = NULL;

	*trees = NULL;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct spec_mount *m = &spec->mounts[i];
		unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;

		/* an idmapped mount is made by the init: the kernel wants its own user namespace then */
		if (!m->opts.bind || m->opts.idmap || !m->source)
			continue;
		if (!t) {
			t = xmalloc(spec->n_mounts * sizeof(*t));
			for (size_t j = 0; j < spec->n_mounts; j++)
				t[j] = -1;
			dir = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
		}
		if (m->opts.recursive)
			flags |= AT_RECURSIVE;
		t[i] = open_tree(m->source[0] == '/' || dir < 0 ? AT_FDCWD : dir, m->source, flags);
		if (t[i] < 0)
			log_debug("mounts[%zu]: open_tree %s failed: the init will try", i, m->source);
	}
	*trees = t;
}

void mount_sources_close(const struct spec *spec, int **trees)
{
	if (!*trees)
		return;
	for (size_t i = 0; i < spec->n_mounts; i++)
		close_quietly((*trees)[i]);
	free(*trees);
	*trees = NULL;
}
