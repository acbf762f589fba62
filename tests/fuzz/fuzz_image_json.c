/* libFuzzer target: the JSON documents of an image archive (index.json and nested indexes, manifests,
 * docker manifest.json, the image config) and the store's image.json. The first byte picks the reader. */
#include <stdlib.h>
#include <string.h>

#include "runtime/image_json.h"
#include "runtime/image_record.h"
#include "runtime/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err = { 0 };
	char *json;

	if (size < 1)
		return 0;
	/* the readers take NUL-terminated text, as the archive code hands them */
	json = xstrndup((const char *)data + 1, size - 1);
	switch (data[0] % 6) {
	case 0: {
		struct image_index_entry *e = NULL;
		size_t n = 0;
		if (image_json_index_entries(json, "index.json", &e, &n, &err) == 0)
			image_index_entries_free(e, n);
		image_json_is_index(json);
		break;
	}
	case 1: {
		struct image_manifest m = { 0 };
		image_json_manifest(json, &m, &err);
		image_manifest_free(&m);
		break;
	}
	case 2: {
		struct image_config c = { 0 };
		if (image_json_config(json, &c, &err) == 0) {
			uint32_t gids[2] = { 1, 2 };
			char *const cmd[] = { "sh", NULL };
			free(image_json_bundle(&c, NULL, 0, 0, NULL, 0));
			free(image_json_bundle(&c, cmd, 1000, 1000, gids, 2));
		}
		image_config_free(&c);
		break;
	}
	case 3:
	case 4: {
		char *config = NULL, **layers = NULL, **tags = NULL;
		if (image_json_docker(json, data[0] % 6 == 3 ? NULL : "busybox:latest", &config, &layers, &tags,
				      &err) == 0) {
			free(config);
			strv_free(layers);
			strv_free(tags);
		}
		break;
	}
	default: {
		struct image_record r = { 0 };
		if (image_record_parse(json, &r, &err) == 0) {
			free(image_record_json(&r, true));
			image_record_free(&r);
		}
		free(image_record_config_created(json));
		break;
	}
	}
	free(json);
	return 0;
}
