/* libFuzzer target: a layer tar read by libarchive, each entry through the checks layer.c makes before it
 * writes anything (name cleaned and confined, whiteout kind, owner range, hardlink target cleaned).
 * Nothing is written to the filesystem. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs/image.h"
#include "runtime/util.h"

static void check(const char *name, struct archive_entry *e)
{
	struct error err = { 0 };
	char *clean = NULL, *target = NULL, *parent = NULL, *base = NULL;
	enum layer_whiteout kind;

	if (layer_path_clean(name, &clean, &err) == 0) {
		/* a cleaned path never climbs: no ".." component, no leading "/" */
		if (clean[0] == '/' || strcmp(clean, "..") == 0 || strncmp(clean, "../", 3) == 0 ||
		    strstr(clean, "/../") || (strlen(clean) >= 3 && strcmp(clean + strlen(clean) - 3, "/..") == 0))
			abort();
		if (layer_path_whiteout(clean, &kind, &target, &err) == 0 && kind == LAYER_WH_FILE &&
		    (!target || !*target))
			abort();
		layer_path_split(clean, &parent, &base);
	}
	if (e)
		layer_check_ids(clean ? clean : name, archive_entry_uid(e), archive_entry_gid(e), &err);
	free(clean);
	free(target);
	free(parent);
	free(base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int n = 0;

	/* the raw bytes as one entry name too: the checks must hold for any string */
	char *s = xstrndup((const char *)data, size < 4096 ? size : 4096);
	check(s, NULL);
	free(s);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_memory(a, data, size) == ARCHIVE_OK) {
		while (n++ < 1000 && archive_read_next_header(a, &e) == ARCHIVE_OK) {
			const char *name = archive_entry_pathname(e), *hl = archive_entry_hardlink(e);
			if (name)
				check(name, e);
			if (hl)
				check(hl, NULL);
			archive_read_data_skip(a);
		}
	}
	archive_read_free(a);
	return 0;
}
