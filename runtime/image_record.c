/* image.json of the image store: written at load, read at run, ls and rm. */
#include "runtime/image_record.h"

#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "runtime/json.h"
#include "runtime/util.h"

static yajl_val get(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	return yajl_tree_get(obj, path, yajl_t_any);
}

static int strv_of(yajl_val v, const char *what, char ***out, struct error *err)
{
	if (!YAJL_IS_ARRAY(v))
		return error_set(err, 0, "image.json %s: expected an array of strings", what);
	char **r = xzalloc((v->u.array.len + 1) * sizeof(char *));
	for (size_t i = 0; i < v->u.array.len; i++) {
		if (!YAJL_IS_STRING(v->u.array.values[i])) {
			strv_free(r);
			return error_set(err, 0, "image.json %s[%zu]: expected a string", what, i);
		}
		r[i] = xstrdup(v->u.array.values[i]->u.string);
	}
	*out = r;
	return 0;
}

int image_record_parse(const char *json, struct image_record *r, struct error *err)
{
	char ebuf[256] = "";
	yajl_val root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	yajl_val id, created, size;
	int ret;

	memset(r, 0, sizeof(*r));
	if (!root)
		return error_set(err, 0, "image.json: invalid JSON: %s", strtok(ebuf, "\n") ?: "");
	id = get(root, "id");
	created = get(root, "created");
	size = get(root, "size");
	if (!YAJL_IS_STRING(id) || strncmp(id->u.string, "sha256:", 7) != 0 || strlen(id->u.string) != 71) {
		ret = error_set(err, 0, "image.json id: expected sha256:<64 hex>");
		goto out;
	}
	r->id = xstrdup(id->u.string);
	r->created = xstrdup(YAJL_IS_STRING(created) ? created->u.string : "");
	r->size = YAJL_IS_INTEGER(size) && YAJL_GET_INTEGER(size) > 0 ? (uint64_t)YAJL_GET_INTEGER(size) : 0;
	if ((ret = strv_of(get(root, "names"), "names", &r->names, err)) < 0)
		goto out;
	ret = strv_of(get(root, "layers"), "layers", &r->layers, err);
out:
	yajl_tree_free(root);
	if (ret < 0)
		image_record_free(r);
	return ret;
}

static void kv_strv(struct json_out *j, const char *key, char *const *v)
{
	json_key(j, key);
	json_array_open(j);
	for (; v && *v; v++)
		json_string(j, *v);
	json_array_close(j);
}

char *image_record_json(const struct image_record *r, bool pretty)
{
	struct json_out *j = json_out_new(pretty);
	char *s;

	json_map_open(j);
	json_kv_string(j, "id", r->id);
	kv_strv(j, "names", r->names);
	kv_strv(j, "layers", r->layers);
	json_kv_string(j, "created", r->created ? r->created : "");
	json_kv_int(j, "size", (long long)r->size);
	json_map_close(j);
	s = json_out_take(j);
	json_out_free(j);
	return s;
}

char *image_record_config_created(const char *config_json)
{
	yajl_val root = yajl_tree_parse(config_json, NULL, 0);
	yajl_val c = root ? get(root, "created") : NULL;
	char *s = YAJL_IS_STRING(c) && *c->u.string ? xstrdup(c->u.string) : NULL;

	yajl_tree_free(root);
	return s;
}

void image_record_free(struct image_record *r)
{
	free(r->id);
	strv_free(r->names);
	strv_free(r->layers);
	free(r->created);
	memset(r, 0, sizeof(*r));
}
