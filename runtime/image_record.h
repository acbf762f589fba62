/* The image store's record of one image (<root>/.images/images/<hex>/image.json). yajl stays in runtime/. */
#ifndef BERTH_IMAGE_RECORD_H
#define BERTH_IMAGE_RECORD_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "runtime/error.h"

struct image_record {
	char *id;		/* config digest "sha256:<hex>" */
	char **names;		/* ref names / RepoTags, NULL-terminated (maybe empty) */
	char **layers;		/* diff_ids bottom-up, NULL-terminated */
	char *created;		/* the config's "created", or the load time (RFC 3339) */
	uint64_t size;		/* bytes of the unpacked layers */
};

int image_record_parse(const char *json, struct image_record *r, struct error *err);
/* image.json, pretty when asked. */
char *image_record_json(const struct image_record *r, bool pretty);
/* The "created" string of an image config, or NULL. */
char *image_record_config_created(const char *config_json);
void image_record_free(struct image_record *r);

#endif
