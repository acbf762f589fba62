#include "runtime/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "runtime/util.h"

struct json_out {
	yajl_gen gen;
};

struct json_out *json_out_new(bool pretty)
{
	struct json_out *j = xzalloc(sizeof(*j));

	j->gen = yajl_gen_alloc(NULL);
	if (!j->gen)
		abort();
	yajl_gen_config(j->gen, yajl_gen_beautify, pretty ? 1 : 0);
	yajl_gen_config(j->gen, yajl_gen_validate_utf8, 0);
	return j;
}

void json_out_free(struct json_out *j)
{
	if (!j)
		return;
	yajl_gen_free(j->gen);
	free(j);
}

char *json_out_take(struct json_out *j)
{
	const unsigned char *buf;
	size_t len;

	yajl_gen_get_buf(j->gen, &buf, &len);
	return xstrndup((const char *)buf, len);
}

void json_map_open(struct json_out *j)
{
	yajl_gen_map_open(j->gen);
}

void json_map_close(struct json_out *j)
{
	yajl_gen_map_close(j->gen);
}

void json_array_open(struct json_out *j)
{
	yajl_gen_array_open(j->gen);
}

void json_array_close(struct json_out *j)
{
	yajl_gen_array_close(j->gen);
}

void json_string(struct json_out *j, const char *s)
{
	if (!s)
		yajl_gen_null(j->gen);
	else
		yajl_gen_string(j->gen, (const unsigned char *)s, strlen(s));
}

void json_int(struct json_out *j, long long v)
{
	yajl_gen_integer(j->gen, v);
}

void json_uint(struct json_out *j, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%" PRIu64, v);

	/* yajl_gen_integer takes a long long; a number token keeps values above INT64_MAX intact */
	yajl_gen_number(j->gen, buf, (size_t)n);
}

void json_bool(struct json_out *j, bool v)
{
	yajl_gen_bool(j->gen, v);
}

void json_null(struct json_out *j)
{
	yajl_gen_null(j->gen);
}

void json_key(struct json_out *j, const char *key)
{
	json_string(j, key);
}

void json_kv_string(struct json_out *j, const char *key, const char *value)
{
	json_key(j, key);
	json_string(j, value);
}

void json_kv_int(struct json_out *j, const char *key, long long value)
{
	json_key(j, key);
	json_int(j, value);
}

void json_kv_uint(struct json_out *j, const char *key, uint64_t value)
{
	json_key(j, key);
	json_uint(j, value);
}

void json_kv_bool(struct json_out *j, const char *key, bool value)
{
	json_key(j, key);
	json_bool(j, value);
}
