/* JSON output through yajl_gen: the one place besides spec parsing that knows the JSON library. */
#ifndef BERTH_JSON_H
#define BERTH_JSON_H

#include <stdbool.h>
#include <stdint.h>

struct json_out;

struct json_out *json_out_new(bool pretty);
void json_out_free(struct json_out *j);
/* Take the document written so far (NUL-terminated, caller frees). */
char *json_out_take(struct json_out *j);

void json_map_open(struct json_out *j);
void json_map_close(struct json_out *j);
void json_array_open(struct json_out *j);
void json_array_close(struct json_out *j);
void json_string(struct json_out *j, const char *s); /* NULL writes null */
void json_int(struct json_out *j, long long v);
void json_uint(struct json_out *j, uint64_t v); /* the full range: 2^64-1 stays 18446744073709551615 */
void json_bool(struct json_out *j, bool v);
void json_null(struct json_out *j);
/* A key then its value, inside a map. */
void json_key(struct json_out *j, const char *key);
void json_kv_string(struct json_out *j, const char *key, const char *value);
void json_kv_int(struct json_out *j, const char *key, long long value);
void json_kv_uint(struct json_out *j, const char *key, uint64_t value);
void json_kv_bool(struct json_out *j, const char *key, bool value);

#endif
