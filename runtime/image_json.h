/* The JSON documents of an image: index.json, manifests, docker manifest.json, the image config, and
 * the bundle's config.json made from it. yajl stays in runtime/; rootfs/image*.c use these. */
#ifndef BERTH_IMAGE_JSON_H
#define BERTH_IMAGE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/error.h"

struct image_desc {
	char *digest;		/* "sha256:<hex>" */
	uint64_t size;
	char *media_type;
};

struct image_manifest {
	struct image_desc config;
	struct image_desc *layers;
	size_t n_layers;
};

struct image_config {
	char **diff_ids;
	size_t n_diff_ids;
	char **entrypoint, **cmd, **env;	/* NULL-terminated, NULL when absent */
	char *workdir, *user, *stop_signal;
	char **labels;				/* key, value, key, value, ..., NULL */
};

/* One descriptor of an index's manifests[], with what selection needs. */
struct image_index_entry {
	struct image_desc d;
	char *ref_name;			/* org.opencontainers.image.ref.name, or NULL */
	char *os, *arch, *variant;	/* platform, NULL when absent */
};

/* Every entry of an OCI index (index.json or a nested index blob). */
int image_json_index_entries(const char *json, const char *what, struct image_index_entry **out, size_t *n,
			     struct error *err);
void image_index_entries_free(struct image_index_entry *e, size_t n);
/* True when the document is an index (has a manifests array) rather than a manifest. */
bool image_json_is_index(const char *json);
int image_json_manifest(const char *json, struct image_manifest *m, struct error *err);
/* docker-archive manifest.json: the only image, or the one with ref among its RepoTags; *tags gets its
 * RepoTags (NULL-terminated, maybe empty). */
int image_json_docker(const char *json, const char *ref, char **config, char ***layers, char ***tags,
		      struct error *err);
int image_json_config(const char *json, struct image_config *c, struct error *err);
/* config.json: spec_default_json() with process and annotations from the image config. cmd_override
 * (NULL: none) replaces Cmd and keeps Entrypoint, as docker run does. */
char *image_json_bundle(const struct image_config *c, char *const *cmd_override, uint32_t uid, uint32_t gid,
			const uint32_t *gids, size_t n_gids);
void image_desc_free(struct image_desc *d);
void image_manifest_free(struct image_manifest *m);
void image_config_free(struct image_config *c);

#endif
