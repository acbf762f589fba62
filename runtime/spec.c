/* config.json -> struct spec: the document, root, mounts, hooks, annotations, and the typed JSON readers. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <yajl/yajl_tree.h>

#include "runtime/spec.h"
#include "runtime/spec_internal.h"
#include "runtime/util.h"

#define SPEC_MAX_SIZE (16u << 20)

int spec_fail(struct error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->errnum = EINVAL;
	return -EINVAL;
}

yajl_val sj_get(yajl_val obj, const char *key)
{
	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	/* The last duplicate wins, as in encoding/json. */
	for (size_t i = obj->u.object.len; i-- > 0;)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return YAJL_IS_NULL(obj->u.object.values[i]) ? NULL : obj->u.object.values[i];
	return NULL;
}

yajl_val sj_require(yajl_val obj, const char *path, const char *key, struct error *err)
{
	yajl_val v = sj_get(obj, key);

	if (!v)
		spec_fail(err, "%s%s%s: is required", path, *path ? "." : "", key);
	return v;
}

int sj_object(yajl_val v, const char *path, struct error *err)
{
	return YAJL_IS_OBJECT(v) ? 0 : spec_fail(err, "%s: expected an object", path);
}

int sj_array(yajl_val v, const char *path, struct error *err)
{
	return YAJL_IS_ARRAY(v) ? 0 : spec_fail(err, "%s: expected an array", path);
}

int sj_string(yajl_val v, const char *path, char **out, struct error *err)
{
	if (!YAJL_IS_STRING(v))
		return spec_fail(err, "%s: expected a string", path);
	free(*out);
	*out = xstrdup(v->u.string);
	return 0;
}

int sj_bool(yajl_val v, const char *path, bool *out, struct error *err)
{
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return spec_fail(err, "%s: expected a boolean", path);
	*out = YAJL_IS_TRUE(v);
	return 0;
}

int sj_int_range(yajl_val v, const char *path, long long min, long long max, long long *out,
		 struct error *err)
{
	if (!YAJL_IS_INTEGER(v) || v->u.number.i < min || v->u.number.i > max)
		return spec_fail(err, "%s: expected an integer between %lld and %lld", path, min, max);
	*out = v->u.number.i;
	return 0;
}

int sj_u32(yajl_val v, const char *path, uint32_t *out, struct error *err)
{
	if (!YAJL_IS_INTEGER(v) || v->u.number.i < 0 || v->u.number.i > UINT32_MAX)
		return spec_fail(err, "%s: expected an unsigned 32-bit integer", path);
	*out = (uint32_t)v->u.number.i;
	return 0;
}

int sj_i64(yajl_val v, const char *path, int64_t *out, struct error *err)
{
	if (!YAJL_IS_INTEGER(v))
		return spec_fail(err, "%s: expected a 64-bit integer", path);
	*out = v->u.number.i;
	return 0;
}

int sj_u64(yajl_val v, const char *path, uint64_t *out, struct error *err)
{
	/* The raw text: values above LLONG_MAX (RLIM_INFINITY) do not fit yajl's long long. */
	if (!YAJL_IS_NUMBER(v) || parse_u64(v->u.number.r, out) < 0)
		return spec_fail(err, "%s: expected an unsigned 64-bit integer", path);
	return 0;
}

int sj_strv(yajl_val v, const char *path, char ***out, struct error *err)
{
	char **vec;
	size_t n;

	if (sj_array(v, path, err) < 0)
		return -EINVAL;
	n = v->u.array.len;
	strv_free(*out);
	vec = *out = xzalloc((n + 1) * sizeof(*vec));
	for (size_t i = 0; i < n; i++) {
		yajl_val e = v->u.array.values[i];

		if (!YAJL_IS_STRING(e))
			return spec_fail(err, "%s[%zu]: expected a string", path, i);
		vec[i] = xstrdup(e->u.string);
	}
	return 0;
}

char *spec_clean_path(const char *path)
{
	size_t len = strlen(path);
	char *out = xmalloc(len + 2);
	size_t o = 0;
	const char *p = path;

	while (*p) {
		const char *end;
		size_t n;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		n = end - p;
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p = end;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

int sj_abs_path(yajl_val v, const char *path, bool clean, char **out, struct error *err)
{
	if (!YAJL_IS_STRING(v))
		return spec_fail(err, "%s: expected a string", path);
	if (v->u.string[0] != '/')
		return spec_fail(err, "%s: must be an absolute path, got \"%s\"", path, v->u.string);
	free(*out);
	*out = clean ? spec_clean_path(v->u.string) : xstrdup(v->u.string);
	return 0;
}

void spec_kv_free(struct spec_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

int sj_kv_object(yajl_val v, const char *path, struct spec_kv **out, size_t *n, struct error *err)
{
	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	spec_kv_free(*out, *n);
	*n = v->u.object.len;
	*out = xzalloc((*n + 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++) {
		yajl_val e = v->u.object.values[i];

		(*out)[i].key = xstrdup(v->u.object.keys[i]);
		if (!YAJL_IS_STRING(e))
			return spec_fail(err, "%s.%s: expected a string", path, v->u.object.keys[i]);
		(*out)[i].value = xstrdup(e->u.string);
	}
	return 0;
}

int sj_id_mappings(yajl_val v, const char *path, struct spec_id_mapping **out, size_t *n, struct error *err)
{
	static const char *const keys[] = { "containerID", "hostID", "size" };

	if (sj_array(v, path, err) < 0)
		return -EINVAL;
	free(*out);
	*n = v->u.array.len;
	*out = xzalloc((*n + 1) * sizeof(**out));
	for (size_t i = 0; i < *n; i++) {
		yajl_val e = v->u.array.values[i];
		uint32_t *fields[] = { &(*out)[i].container_id, &(*out)[i].host_id, &(*out)[i].size };
		cleanup_free char *p = xasprintf("%s[%zu]", path, i);

		if (sj_object(e, p, err) < 0)
			return -EINVAL;
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			cleanup_free char *fp = xasprintf("%s.%s", p, keys[k]);
			yajl_val f = sj_require(e, p, keys[k], err);

			if (!f || sj_u32(f, fp, fields[k], err) < 0)
				return -EINVAL;
		}
		if ((*out)[i].size == 0)
			return spec_fail(err, "%s.size: must be greater than 0", p);
	}
	return 0;
}

int sj_check_env(char *const *env, const char *path, struct error *err)
{
	for (size_t i = 0; env && env[i]; i++)
		if (!strchr(env[i], '=') || env[i][0] == '=')
			return spec_fail(err, "%s[%zu]: expected KEY=value, got \"%s\"", path, i, env[i]);
	return 0;
}

static const char *const hook_names[SPEC_HOOK_COUNT] = {
	[SPEC_HOOK_PRESTART] = "prestart",
	[SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
	[SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
	[SPEC_HOOK_START_CONTAINER] = "startContainer",
	[SPEC_HOOK_POSTSTART] = "poststart",
	[SPEC_HOOK_POSTSTOP] = "poststop",
};

const char *spec_hook_kind_name(enum spec_hook_kind kind)
{
	return (unsigned)kind < SPEC_HOOK_COUNT ? hook_names[kind] : "unknown";
}

static int parse_hook(yajl_val v, const char *path, struct spec_hook *h, struct error *err)
{
	cleanup_free char *p_path = xasprintf("%s.path", path);
	cleanup_free char *p_args = xasprintf("%s.args", path);
	cleanup_free char *p_env = xasprintf("%s.env", path);
	cleanup_free char *p_timeout = xasprintf("%s.timeout", path);
	yajl_val f;
	long long timeout = 0;

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, path, "path", err)) || sj_abs_path(f, p_path, false, &h->path, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "args")) && sj_strv(f, p_args, &h->args, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "env")) &&
	    (sj_strv(f, p_env, &h->env, err) < 0 || sj_check_env(h->env, p_env, err) < 0))
		return -EINVAL;
	if ((f = sj_get(v, "timeout"))) {
		if (sj_int_range(f, p_timeout, 1, INT_MAX, &timeout, err) < 0)
			return -EINVAL;
		h->has_timeout = true;
		h->timeout = (int)timeout;
	}
	return 0;
}

static int parse_hooks(yajl_val v, struct spec *s, struct error *err)
{
	if (sj_object(v, "hooks", err) < 0)
		return -EINVAL;
	for (int k = 0; k < SPEC_HOOK_COUNT; k++) {
		cleanup_free char *path = xasprintf("hooks.%s", hook_names[k]);
		yajl_val list = sj_get(v, hook_names[k]);
		struct spec_hook_list *hl = &s->hooks[k];

		if (!list)
			continue;
		if (sj_array(list, path, err) < 0)
			return -EINVAL;
		hl->n = list->u.array.len;
		hl->hooks = xzalloc((hl->n + 1) * sizeof(*hl->hooks));
		for (size_t i = 0; i < hl->n; i++) {
			cleanup_free char *p = xasprintf("%s[%zu]", path, i);

			if (parse_hook(list->u.array.values[i], p, &hl->hooks[i], err) < 0)
				return -EINVAL;
		}
	}
	return 0;
}

static int parse_mount(yajl_val v, const char *path, struct spec_mount *m, struct error *err)
{
	static char *const no_options[] = { NULL };
	cleanup_free char *p_dest = xasprintf("%s.destination", path);
	cleanup_free char *p_type = xasprintf("%s.type", path);
	cleanup_free char *p_source = xasprintf("%s.source", path);
	cleanup_free char *p_options = xasprintf("%s.options", path);
	cleanup_free char *p_uid = xasprintf("%s.uidMappings", path);
	cleanup_free char *p_gid = xasprintf("%s.gidMappings", path);
	yajl_val f;

	if (sj_object(v, path, err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, path, "destination", err)) ||
	    sj_abs_path(f, p_dest, true, &m->destination, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "type")) && sj_string(f, p_type, &m->type, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "source")) && sj_string(f, p_source, &m->source, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "options")) && sj_strv(f, p_options, &m->options, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "uidMappings")) &&
	    sj_id_mappings(f, p_uid, &m->uid_mappings, &m->n_uid_mappings, err) < 0)
		return -EINVAL;
	if ((f = sj_get(v, "gidMappings")) &&
	    sj_id_mappings(f, p_gid, &m->gid_mappings, &m->n_gid_mappings, err) < 0)
		return -EINVAL;
	if (spec_mount_opts_parse(m->options ? m->options : no_options, &m->opts, err) < 0)
		return error_prefix(err, "%s", p_options);
	if (m->type && strcmp(m->type, "bind") == 0) {
		m->opts.bind = true;
		m->opts.flags |= MS_BIND;
	}
	return 0;
}

static int parse_mounts(yajl_val v, struct spec *s, struct error *err)
{
	if (sj_array(v, "mounts", err) < 0)
		return -EINVAL;
	s->n_mounts = v->u.array.len;
	s->mounts = xzalloc((s->n_mounts + 1) * sizeof(*s->mounts));
	for (size_t i = 0; i < s->n_mounts; i++) {
		cleanup_free char *p = xasprintf("mounts[%zu]", i);

		if (parse_mount(v->u.array.values[i], p, &s->mounts[i], err) < 0)
			return -EINVAL;
	}
	return 0;
}

static int parse_root(yajl_val doc, struct spec *s, struct error *err)
{
	yajl_val root = sj_require(doc, "", "root", err), f;

	if (!root || sj_object(root, "root", err) < 0)
		return -EINVAL;
	if (!(f = sj_require(root, "root", "path", err)) || sj_string(f, "root.path", &s->root_path, err) < 0)
		return -EINVAL;
	if (!s->root_path[0])
		return spec_fail(err, "root.path: must not be empty");
	if ((f = sj_get(root, "readonly")) && sj_bool(f, "root.readonly", &s->root_readonly, err) < 0)
		return -EINVAL;
	return 0;
}

static int parse_document(yajl_val doc, struct spec *s, struct error *err)
{
	yajl_val f;

	if (!YAJL_IS_OBJECT(doc))
		return spec_fail(err, "expected a JSON object at the top level");
	if (!(f = sj_require(doc, "", "ociVersion", err)) ||
	    sj_string(f, "ociVersion", &s->oci_version, err) < 0)
		return -EINVAL;
	if (strncmp(s->oci_version, "1.", 2) != 0)
		return spec_fail(err, "ociVersion: unsupported version \"%s\", expected 1.x", s->oci_version);
	if (parse_root(doc, s, err) < 0)
		return -EINVAL;
	if ((f = sj_get(doc, "mounts")) && parse_mounts(f, s, err) < 0)
		return -EINVAL;
	if ((f = sj_get(doc, "process"))) {
		s->has_process = true;
		if (spec_parse_process(f, &s->process, err) < 0)
			return -EINVAL;
	}
	if ((f = sj_get(doc, "hostname")) && sj_string(f, "hostname", &s->hostname, err) < 0)
		return -EINVAL;
	if ((f = sj_get(doc, "domainname")) && sj_string(f, "domainname", &s->domainname, err) < 0)
		return -EINVAL;
	if ((f = sj_get(doc, "hooks")) && parse_hooks(f, s, err) < 0)
		return -EINVAL;
	if ((f = sj_get(doc, "annotations")) &&
	    sj_kv_object(f, "annotations", &s->annotations, &s->n_annotations, err) < 0)
		return -EINVAL;
	if ((f = sj_get(doc, "linux"))) {
		s->has_linux = true;
		if (spec_parse_linux(f, &s->linux_, err) < 0)
			return -EINVAL;
	}
	return 0;
}

int spec_parse(const char *json, size_t len, struct spec **out, struct error *err)
{
	cleanup_free char *buf = NULL;
	char errbuf[512] = "";
	struct spec *s;
	yajl_val doc;
	int r;

	if (memchr(json, '\0', len))
		return spec_fail(err, "invalid JSON: NUL byte at offset %zu",
				 (size_t)((const char *)memchr(json, '\0', len) - json));
	buf = xstrndup(json, len);
	if (spec_json_scan(buf, len, "", err) < 0)
		return -EINVAL;
	doc = yajl_tree_parse(buf, errbuf, sizeof(errbuf));
	if (!doc) {
		errbuf[strcspn(errbuf, "\n")] = '\0';
		return spec_fail(err, "invalid JSON: %s", errbuf[0] ? errbuf : "parse error");
	}
	s = xzalloc(sizeof(*s));
	r = parse_document(doc, s, err);
	yajl_tree_free(doc);
	if (r < 0) {
		spec_free(s);
		return r;
	}
	*out = s;
	return 0;
}

int spec_load(const char *path, struct spec **out, struct error *err)
{
	cleanup_free char *file = NULL, *buf = NULL;
	const char *name;
	struct stat st;
	size_t len;
	int r;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		file = xasprintf("%s/config.json", path);
	else
		file = xstrdup(path);
	name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	r = read_file_at(AT_FDCWD, file, &buf, &len, SPEC_MAX_SIZE);
	if (r == -EFBIG)
		return error_set(err, EFBIG, "%s: %s is larger than %u bytes", name, file, SPEC_MAX_SIZE);
	if (r < 0)
		return error_set(err, -r, "%s: read %s", name, file);
	r = spec_parse(buf, len, out, err);
	if (r < 0)
		return error_prefix(err, "%s", name);
	return 0;
}

static void free_hooks(struct spec_hook_list *hl)
{
	for (size_t i = 0; i < hl->n; i++) {
		free(hl->hooks[i].path);
		strv_free(hl->hooks[i].args);
		strv_free(hl->hooks[i].env);
	}
	free(hl->hooks);
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->root_path);
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct spec_mount *m = &s->mounts[i];

		free(m->destination);
		free(m->type);
		free(m->source);
		strv_free(m->options);
		free(m->opts.data);
		free(m->uid_mappings);
		free(m->gid_mappings);
	}
	free(s->mounts);
	spec_process_free(&s->process);
	free(s->hostname);
	free(s->domainname);
	for (int k = 0; k < SPEC_HOOK_COUNT; k++)
		free_hooks(&s->hooks[k]);
	spec_kv_free(s->annotations, s->n_annotations);
	spec_linux_free(&s->linux_);
	free(s);
}
