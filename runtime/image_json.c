/* Image JSON documents (index.json, manifests, image config) and the generated config.json. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "runtime/image_json.h"
#include "runtime/json.h"
#include "runtime/spec.h"
#include "runtime/util.h"

static yajl_val jget(yajl_val obj, const char *key)
{
	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	for (size_t i = obj->u.object.len; i-- > 0;)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return YAJL_IS_NULL(obj->u.object.values[i]) ? NULL : obj->u.object.values[i];
	return NULL;
}

static const char *jstr(yajl_val obj, const char *key)
{
	yajl_val v = jget(obj, key);
	return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

static int jparse(const char *json, const char *what, yajl_val *out, struct error *err)
{
	char ebuf[256] = "";

	*out = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	if (!*out)
		return error_set(err, 0, "%s: invalid JSON: %s", what, strtok(ebuf, "\n") ?: "");
	return 0;
}

/* A string array, or NULL; non-strings are an error. */
static int jstrv(yajl_val v, const char *what, char ***out, struct error *err)
{
	*out = NULL;
	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v))
		return error_set(err, 0, "%s: expected an array of strings", what);
	char **r = xzalloc((v->u.array.len + 1) * sizeof(char *));
	for (size_t i = 0; i < v->u.array.len; i++) {
		if (!YAJL_IS_STRING(v->u.array.values[i])) {
			strv_free(r);
			return error_set(err, 0, "%s[%zu]: expected a string", what, i);
		}
		r[i] = xstrdup(v->u.array.values[i]->u.string);
	}
	*out = r;
	return 0;
}

static int jdesc(yajl_val v, const char *what, struct image_desc *d, struct error *err)
{
	const char *digest = jstr(v, "digest"), *mt = jstr(v, "mediaType");
	yajl_val size = jget(v, "size");

	memset(d, 0, sizeof(*d));
	if (!digest || strncmp(digest, "sha256:", 7) != 0 || strlen(digest) != 7 + 64)
		return error_set(err, 0, "%s.digest: expected sha256:<64 hex>, got %s", what, digest ?: "nothing");
	if (strspn(digest + 7, "0123456789abcdef") != 64)
		return error_set(err, 0, "%s.digest: %s is not lowercase hex", what, digest);
	if (!YAJL_IS_INTEGER(size) || YAJL_GET_INTEGER(size) < 0)
		return error_set(err, 0, "%s.size: expected a non-negative integer", what);
	d->digest = xstrdup(digest);
	d->size = (uint64_t)YAJL_GET_INTEGER(size);
	d->media_type = xstrdup(mt ?: "");
	return 0;
}

void image_desc_free(struct image_desc *d)
{
	free(d->digest);
	free(d->media_type);
	memset(d, 0, sizeof(*d));
}

static char *jdup(yajl_val obj, const char *key)
{
	const char *v = jstr(obj, key);
	return v ? xstrdup(v) : NULL;
}

int image_json_index_entries(const char *json, const char *what, struct image_index_entry **out, size_t *n,
			     struct error *err)
{
	yajl_val root;
	int r = jparse(json, what, &root, err);

	*out = NULL;
	*n = 0;
	if (r < 0)
		return r;
	yajl_val m = jget(root, "manifests");
	if (!YAJL_IS_ARRAY(m)) {
		yajl_tree_free(root);
		return error_set(err, 0, "%s: manifests: expected an array", what);
	}
	struct image_index_entry *e = xzalloc((m->u.array.len + 1) * sizeof(*e));
	for (size_t i = 0; i < m->u.array.len; i++) {
		yajl_val v = m->u.array.values[i], p = jget(v, "platform");
		cleanup_free char *sub = xasprintf("%s manifests[%zu]", what, i);
		r = jdesc(v, sub, &e[i].d, err);
		if (r < 0) {
			image_index_entries_free(e, i);
			yajl_tree_free(root);
			return r;
		}
		e[i].ref_name = jdup(jget(v, "annotations"), "org.opencontainers.image.ref.name");
		e[i].os = jdup(p, "os");
		e[i].arch = jdup(p, "architecture");
		e[i].variant = jdup(p, "variant");
	}
	*out = e;
	*n = m->u.array.len;
	yajl_tree_free(root);
	return 0;
}

void image_index_entries_free(struct image_index_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++) {
		image_desc_free(&e[i].d);
		free(e[i].ref_name);
		free(e[i].os);
		free(e[i].arch);
		free(e[i].variant);
	}
	free(e);
}

bool image_json_is_index(const char *json)
{
	yajl_val root = yajl_tree_parse(json, NULL, 0);
	bool r = YAJL_IS_ARRAY(jget(root, "manifests"));

	yajl_tree_free(root);
	return r;
}

int image_json_manifest(const char *json, struct image_manifest *m, struct error *err)
{
	yajl_val root;
	int r = jparse(json, "manifest", &root, err);
	if (r < 0)
		return r;
	memset(m, 0, sizeof(*m));
	r = jdesc(jget(root, "config"), "manifest.config", &m->config, err);
	yajl_val l = jget(root, "layers");
	if (r == 0 && !YAJL_IS_ARRAY(l))
		r = error_set(err, 0, "manifest.layers: expected an array");
	if (r == 0) {
		m->layers = xzalloc((l->u.array.len + 1) * sizeof(*m->layers));
		for (size_t i = 0; i < l->u.array.len && r == 0; i++, m->n_layers++)
			r = jdesc(l->u.array.values[i], "manifest.layers", &m->layers[i], err);
	}
	yajl_tree_free(root);
	if (r < 0)
		image_manifest_free(m);
	return r;
}

void image_manifest_free(struct image_manifest *m)
{
	image_desc_free(&m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		image_desc_free(&m->layers[i]);
	free(m->layers);
	memset(m, 0, sizeof(*m));
}

int image_json_docker(const char *json, const char *ref, char **config, char ***layers, char ***repo_tags,
		      struct error *err)
{
	yajl_val root;
	int r = jparse(json, "manifest.json", &root, err);
	if (r < 0)
		return r;
	size_t n = YAJL_IS_ARRAY(root) ? root->u.array.len : 0, found = 0, pick = 0;
	for (size_t i = 0; i < n; i++) {
		yajl_val tags = jget(root->u.array.values[i], "RepoTags");
		bool match = !ref;
		for (size_t t = 0; ref && YAJL_IS_ARRAY(tags) && t < tags->u.array.len; t++)
			match |= YAJL_IS_STRING(tags->u.array.values[t]) &&
				 strcmp(tags->u.array.values[t]->u.string, ref) == 0;
		if (match) {
			found++;
			pick = i;
		}
	}
	if (found != 1) {
		char offer[1024] = "";
		for (size_t i = 0; i < n; i++) {
			yajl_val tags = jget(root->u.array.values[i], "RepoTags");
			size_t nt = YAJL_IS_ARRAY(tags) ? tags->u.array.len : 0;
			for (size_t t = 0; t <= nt; t++) {
				const char *name = t < nt && YAJL_IS_STRING(tags->u.array.values[t])
							   ? tags->u.array.values[t]->u.string : NULL;
				if (!name && (t < nt || nt))
					continue;
				size_t l = strlen(offer);
				snprintf(offer + l, sizeof(offer) - l, "%s%s", l ? ", " : "",
					 name ?: jstr(root->u.array.values[i], "Config") ?: "?");
			}
		}
		yajl_tree_free(root);
		return error_set(err, found ? EINVAL : ENOENT, "manifest.json: %s%s%s; the archive offers: %s%s",
				 found ? "several images" : "no image", ref ? " named " : "", ref ?: "",
				 *offer ? offer : "nothing", found > 1 ? " (use --ref REPO:TAG)" : "");
	}
	yajl_val img = root->u.array.values[pick];
	const char *cfg = jstr(img, "Config");
	if (!cfg)
		r = error_set(err, 0, "manifest.json[%zu].Config: expected a string", pick);
	if (r == 0)
		r = jstrv(jget(img, "Layers"), "manifest.json Layers", layers, err);
	if (r == 0 && !*layers)
		r = error_set(err, 0, "manifest.json[%zu].Layers: missing", pick);
	if (r == 0)
		r = jstrv(jget(img, "RepoTags"), "manifest.json RepoTags", repo_tags, err);
	if (r == 0 && !*repo_tags)
		*repo_tags = xzalloc(sizeof(char *));
	if (r == 0)
		*config = xstrdup(cfg);
	if (r < 0) {
		strv_free(*layers);
		*layers = NULL;
	}
	yajl_tree_free(root);
	return r;
}

int image_json_config(const char *json, struct image_config *c, struct error *err)
{
	yajl_val root;
	int r = jparse(json, "image config", &root, err);
	if (r < 0)
		return r;
	memset(c, 0, sizeof(*c));
	yajl_val cfg = jget(root, "config");
	r = jstrv(jget(jget(root, "rootfs"), "diff_ids"), "config rootfs.diff_ids", &c->diff_ids, err);
	if (r == 0 && !c->diff_ids)
		r = error_set(err, 0, "image config rootfs.diff_ids: missing");
	if (r == 0)
		c->n_diff_ids = strv_length(c->diff_ids);
	if (r == 0)
		r = jstrv(jget(cfg, "Entrypoint"), "config.Entrypoint", &c->entrypoint, err);
	if (r == 0)
		r = jstrv(jget(cfg, "Cmd"), "config.Cmd", &c->cmd, err);
	if (r == 0)
		r = jstrv(jget(cfg, "Env"), "config.Env", &c->env, err);
	if (r == 0) {
		const char *w = jstr(cfg, "WorkingDir"), *u = jstr(cfg, "User"), *sig = jstr(cfg, "StopSignal");
		c->workdir = w && *w ? xstrdup(w) : NULL;
		c->user = u && *u ? xstrdup(u) : NULL;
		c->stop_signal = sig && *sig ? xstrdup(sig) : NULL;
		yajl_val l = jget(cfg, "Labels");
		size_t n = YAJL_IS_OBJECT(l) ? l->u.object.len : 0, k = 0;
		c->labels = xzalloc((2 * n + 1) * sizeof(char *));
		for (size_t i = 0; i < n; i++) {
			if (!YAJL_IS_STRING(l->u.object.values[i]))
				continue;
			c->labels[k++] = xstrdup(l->u.object.keys[i]);
			c->labels[k++] = xstrdup(l->u.object.values[i]->u.string);
		}
	}
	yajl_tree_free(root);
	if (r < 0)
		image_config_free(c);
	return r;
}

void image_config_free(struct image_config *c)
{
	strv_free(c->diff_ids);
	strv_free(c->entrypoint);
	strv_free(c->cmd);
	strv_free(c->env);
	strv_free(c->labels);
	free(c->workdir);
	free(c->user);
	free(c->stop_signal);
	memset(c, 0, sizeof(*c));
}

static void emit_strv(struct json_out *j, char *const *a, char *const *b)
{
	json_array_open(j);
	for (size_t i = 0; a && a[i]; i++)
		json_string(j, a[i]);
	for (size_t i = 0; b && b[i]; i++)
		json_string(j, b[i]);
	json_array_close(j);
}

/* Where podman puts the image's StopSignal. */
#define STOP_SIGNAL_KEY "org.opencontainers.image.stopSignal"

struct bundle_ctx {
	const struct image_config *c;
	char *const *cmd;
	uint32_t uid, gid;
	const uint32_t *gids;
	size_t n_gids;
};

/* Re-emit the default document, replacing what the image config decides. */
static void emit(struct json_out *j, yajl_val v, const char *path, const struct bundle_ctx *b)
{
	if (YAJL_IS_STRING(v)) {
		json_string(j, v->u.string);
	} else if (YAJL_IS_INTEGER(v)) {
		json_int(j, YAJL_GET_INTEGER(v));
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		json_bool(j, YAJL_IS_TRUE(v));
	} else if (YAJL_IS_ARRAY(v)) {
		json_array_open(j);
		cleanup_free char *sub = xasprintf("%s[]", path);
		for (size_t i = 0; i < v->u.array.len; i++)
			emit(j, v->u.array.values[i], sub, b);
		json_array_close(j);
	} else if (YAJL_IS_OBJECT(v)) {
		bool top = strcmp(path, "") == 0, proc = strcmp(path, "process") == 0;
		const struct image_config *c = b->c;
		json_map_open(j);
		for (size_t i = 0; i < v->u.object.len; i++) {
			const char *k = v->u.object.keys[i];
			cleanup_free char *sub = xasprintf("%s%s%s", path, *path ? "." : "", k);
			json_key(j, k);
			/* a container made from an image writes to its own rootfs, as with docker and podman */
			if (strcmp(path, "root") == 0 && strcmp(k, "readonly") == 0)
				json_bool(j, false);
			else if (proc && strcmp(k, "args") == 0 && (c->entrypoint || b->cmd))
				emit_strv(j, c->entrypoint, b->cmd);
			else if (proc && strcmp(k, "env") == 0 && c->env)
				emit_strv(j, c->env, NULL);
			else if (proc && strcmp(k, "cwd") == 0 && c->workdir)
				json_string(j, c->workdir);
			else if (proc && strcmp(k, "terminal") == 0)
				json_bool(j, false);
			else if (proc && strcmp(k, "user") == 0) {
				json_map_open(j);
				json_kv_int(j, "uid", b->uid);
				json_kv_int(j, "gid", b->gid);
				if (b->n_gids) {
					json_key(j, "additionalGids");
					json_array_open(j);
					for (size_t g = 0; g < b->n_gids; g++)
						json_int(j, b->gids[g]);
					json_array_close(j);
				}
				json_map_close(j);
			} else
				emit(j, v->u.object.values[i], sub, b);
		}
		if (top && ((c->labels && c->labels[0]) || c->stop_signal)) {
			json_key(j, "annotations");
			json_map_open(j);
			for (size_t l = 0; c->labels && c->labels[l]; l += 2)
				if (!c->stop_signal || strcmp(c->labels[l], STOP_SIGNAL_KEY) != 0)
					json_kv_string(j, c->labels[l], c->labels[l + 1]);
			if (c->stop_signal)
				json_kv_string(j, STOP_SIGNAL_KEY, c->stop_signal);
			json_map_close(j);
		}
		json_map_close(j);
	} else {
		json_null(j);
	}
}

char *image_json_bundle(const struct image_config *c, char *const *cmd_override, uint32_t uid, uint32_t gid,
			const uint32_t *gids, size_t n_gids)
{
	cleanup_free char *def = spec_default_json(false);
	struct bundle_ctx b = {
		.c = c, .cmd = cmd_override ?: c->cmd, .uid = uid, .gid = gid, .gids = gids, .n_gids = n_gids,
	};
	yajl_val root = yajl_tree_parse(def, NULL, 0);

	if (!root)
		abort(); /* our own default document always parses */
	struct json_out *j = json_out_new(true);
	emit(j, root, "", &b);
	yajl_tree_free(root);
	char *out = json_out_take(j);
	json_out_free(j);
	return out;
}
