/* A streaming pass over a JSON document before its tree is built: syntax errors with their position,
 * and strings or object keys holding NUL (\u0000), which the tree would silently cut short. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "runtime/spec_internal.h"
#include "runtime/util.h"

struct frame {
	bool array;
	size_t index; /* of the current element; SIZE_MAX before the first */
	char *key;    /* of the current member */
};

struct scan {
	const char *prefix;
	struct frame *stack;
	size_t depth, cap;
	struct error *err;
};

/* "<prefix>.<key>[<i>]..." down to the value being read. */
static char *current_path(const struct scan *s)
{
	char *path = xstrdup(s->prefix);

	for (size_t i = 0; i < s->depth; i++) {
		const struct frame *f = &s->stack[i];
		char *next;

		if (f->array)
			next = xasprintf("%s[%zu]", path, f->index);
		else if (f->key)
			next = xasprintf("%s%s%s", path, *path ? "." : "", f->key);
		else
			continue;
		free(path);
		path = next;
	}
	return path;
}

static int fail_nul(struct scan *s, const char *what)
{
	cleanup_free char *path = current_path(s);

	spec_fail(s->err, "%s%s%s holds a NUL character (\\u0000), which is not allowed", *path ? path : "",
		  *path ? ": " : "", what);
	return 0; /* stops the parser: yajl_status_client_canceled */
}

static void value_begins(struct scan *s)
{
	if (s->depth && s->stack[s->depth - 1].array)
		s->stack[s->depth - 1].index++;
}

static int on_scalar(void *ctx)
{
	value_begins(ctx);
	return 1;
}

static int on_bool(void *ctx, int b)
{
	(void)b;
	return on_scalar(ctx);
}

static int on_number(void *ctx, const char *num, size_t len)
{
	(void)num;
	(void)len;
	return on_scalar(ctx);
}

static int on_string(void *ctx, const unsigned char *str, size_t len)
{
	struct scan *s = ctx;

	value_begins(s);
	return memchr(str, '\0', len) ? fail_nul(s, "the string") : 1;
}

static int push(struct scan *s, bool array)
{
	value_begins(s);
	if (s->depth == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->stack = xrealloc(s->stack, s->cap * sizeof(*s->stack));
	}
	s->stack[s->depth++] = (struct frame){ .array = array, .index = SIZE_MAX };
	return 1;
}

static int on_start_map(void *ctx)
{
	return push(ctx, false);
}

static int on_start_array(void *ctx)
{
	return push(ctx, true);
}

static int on_end(void *ctx)
{
	struct scan *s = ctx;

	free(s->stack[--s->depth].key);
	return 1;
}

static int on_key(void *ctx, const unsigned char *key, size_t len)
{
	struct scan *s = ctx;
	struct frame *f = &s->stack[s->depth - 1];

	free(f->key);
	f->key = NULL;
	if (memchr(key, '\0', len))
		return fail_nul(s, "an object key");
	f->key = xstrndup((const char *)key, len);
	return 1;
}

static const yajl_callbacks scan_callbacks = {
	.yajl_null = on_scalar,
	.yajl_boolean = on_bool,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_end,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end,
};

/* yajl stops just past the offending token: report the line and column of its last character. */
static int syntax_error(yajl_handle h, bool at_end, const char *buf, size_t len, struct error *err)
{
	size_t offset = at_end ? len : yajl_get_bytes_consumed(h), line = 1, col = 1;
	unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
	char text[256];

	snprintf(text, sizeof(text), "%s", msg ? (char *)msg : "parse error");
	if (msg)
		yajl_free_error(h, msg);
	text[strcspn(text, "\n")] = '\0';
	if (offset > 0)
		offset--;
	for (size_t i = 0; i < offset && i < len; i++) {
		if (buf[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return spec_fail(err, "invalid JSON at line %zu, column %zu: %s", line, col,
			 text[0] ? text : "parse error");
}

int spec_json_scan(const char *buf, size_t len, const char *prefix, struct error *err)
{
	struct scan s = { .prefix = prefix ? prefix : "", .err = err };
	yajl_handle h = yajl_alloc(&scan_callbacks, NULL, &s);
	bool in_complete = false;
	yajl_status st;
	int r = 0;

	if (!h)
		abort();
	/* as yajl_tree_parse, which builds the tree afterwards */
	yajl_config(h, yajl_allow_comments, 1);
	st = yajl_parse(h, (const unsigned char *)buf, len);
	if (st == yajl_status_ok) {
		in_complete = true;
		st = yajl_complete_parse(h);
	}
	if (st == yajl_status_client_canceled)
		r = -EINVAL;
	else if (st != yajl_status_ok)
		r = syntax_error(h, in_complete, buf, len, err);
	while (s.depth)
		free(s.stack[--s.depth].key);
	free(s.stack);
	yajl_free(h);
	return r;
}
