#include "cgroup/convert.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/util.h"

uint64_t convert_shares_to_weight(uint64_t shares)
{
	double l, exponent;

	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	/* A quadratic in log2(shares) through (2, 1), (1024, 100) and (262144, 10000): the curve runc
	 * and crun converged on, so a container gets the same weight whichever runtime starts it. */
	l = log2((double)shares);
	exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
	return (uint64_t)ceil(pow(10, exponent));
}

uint64_t convert_blkio_weight_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	/* [10, 1000] onto [1, 10000] linearly. */
	return 1 + (weight - 10) * 9999 / 990;
}

int convert_cpu_max(bool has_quota, int64_t quota, bool has_period, uint64_t period, const char *current,
		    char *buf, size_t len)
{
	char qbuf[32];
	int n;

	if (!has_quota && !has_period)
		return -EINVAL;
	if (!has_period || period == 0)
		period = CONVERT_CPU_PERIOD_DEFAULT;
	if (has_quota) {
		if (quota <= 0)
			snprintf(qbuf, sizeof(qbuf), "max");
		else
			snprintf(qbuf, sizeof(qbuf), "%lld", (long long)quota);
	} else {
		size_t w = current ? strcspn(current, " \t\n") : 0;

		if (w == 0 || w >= sizeof(qbuf))
			snprintf(qbuf, sizeof(qbuf), "max");
		else
			snprintf(qbuf, sizeof(qbuf), "%.*s", (int)w, current);
	}
	n = snprintf(buf, len, "%s %llu", qbuf, (unsigned long long)period);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int convert_swap_v2(int64_t swap, int64_t limit, int64_t *out)
{
	if (swap < 0) {
		*out = -1;
		return 0;
	}
	if (limit < 0 || swap < limit)
		return -EINVAL;
	*out = swap - limit;
	return 0;
}

int convert_parse_max(const char *s, uint64_t *out)
{
	char buf[32];
	size_t n = strcspn(s, "\n");

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (strcmp(buf, "max") == 0) {
		*out = UINT64_MAX;
		return 0;
	}
	return parse_u64(buf, out);
}

/* A decimal u64 at *p, advancing p; -EINVAL when there is no digit. */
static int scan_u64(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*out = v;
	return 0;
}

static int parse_io_stat_line(const char *line, size_t len, struct convert_io_stat *st)
{
	cleanup_free char *copy = xstrndup(line, len);
	const char *p = copy;
	uint64_t maj, min;
	char *save = NULL, *tok;

	memset(st, 0, sizeof(*st));
	if (scan_u64(&p, &maj) < 0 || *p++ != ':' || scan_u64(&p, &min) < 0 || (*p != ' ' && *p != '\0'))
		return -EINVAL;
	if (maj > UINT32_MAX || min > UINT32_MAX)
		return -EINVAL;
	st->major = (uint32_t)maj;
	st->minor = (uint32_t)min;
	for (tok = strtok_r(copy + (p - copy), " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');
		uint64_t v;

		if (!eq)
			return -EINVAL;
		*eq = '\0';
		if (parse_u64(eq + 1, &v) < 0)
			continue; /* a future key with a non-numeric value */
		if (strcmp(tok, "rbytes") == 0)
			st->rbytes = v;
		else if (strcmp(tok, "wbytes") == 0)
			st->wbytes = v;
		else if (strcmp(tok, "rios") == 0)
			st->rios = v;
		else if (strcmp(tok, "wios") == 0)
			st->wios = v;
	}
	return 0;
}

int convert_parse_io_stat(const char *text, struct convert_io_stat **out, size_t *n)
{
	cleanup_free struct convert_io_stat *v = NULL;
	size_t count = 0;

	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");

		if (len > 0) {
			int ret;

			v = xrealloc(v, (count + 1) * sizeof(*v));
			ret = parse_io_stat_line(line, len, &v[count]);
			if (ret < 0)
				return ret;
			count++;
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	*out = steal_pointer(&v);
	*n = count;
	return 0;
}

void convert_kv_free(struct cgroup_kv_u64 *kv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(kv[i].key);
	free(kv);
}

/* Split one "key value" line; false when it is not of that form. */
static bool split_kv_line(const char *line, size_t len, char **key, uint64_t *value)
{
	size_t klen = strcspn(line, " \t");
	char num[32];
	const char *v;
	size_t vlen;

	if (klen == 0 || klen >= len)
		return false;
	v = line + klen;
	while (v < line + len && (*v == ' ' || *v == '\t'))
		v++;
	vlen = (size_t)(line + len - v);
	if (vlen == 0 || vlen >= sizeof(num))
		return false;
	memcpy(num, v, vlen);
	num[vlen] = '\0';
	if (parse_u64(num, value) < 0)
		return false;
	if (key)
		*key = xstrndup(line, klen);
	return true;
}

int convert_parse_kv(const char *text, struct cgroup_kv_u64 **out, size_t *n)
{
	struct cgroup_kv_u64 *v = NULL;
	size_t count = 0;

	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");
		char *key;
		uint64_t value;

		if (split_kv_line(line, len, &key, &value)) {
			v = xrealloc(v, (count + 1) * sizeof(*v));
			v[count].key = key;
			v[count].value = value;
			count++;
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	*out = v;
	*n = count;
	return 0;
}

int convert_kv_lookup(const char *text, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);

	for (const char *line = text; *line;) {
		size_t len = strcspn(line, "\n");

		if (len > klen && strncmp(line, key, klen) == 0 && (line[klen] == ' ' || line[klen] == '\t'))
			return split_kv_line(line, len, NULL, out) ? 0 : -EINVAL;
		line += len;
		if (*line == '\n')
			line++;
	}
	return -ENOENT;
}

static const struct {
	const char *unit;
	uint64_t factor;
} page_units[] = {
	{ "GB", 1ULL << 30 },
	{ "MB", 1ULL << 20 },
	{ "KB", 1ULL << 10 },
};

int convert_parse_page_size(const char *s, uint64_t *bytes)
{
	const char *p = s;
	uint64_t v;

	if (scan_u64(&p, &v) < 0 || v == 0)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(page_units); i++) {
		if (strcasecmp(p, page_units[i].unit) != 0)
			continue;
		if (v > UINT64_MAX / page_units[i].factor)
			return -EINVAL;
		*bytes = v * page_units[i].factor;
		return 0;
	}
	return -EINVAL;
}

int convert_format_page_size(uint64_t bytes, char *buf, size_t len)
{
	int n;

	if (bytes == 0)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(page_units); i++) {
		if (bytes % page_units[i].factor != 0)
			continue;
		n = snprintf(buf, len, "%llu%s", (unsigned long long)(bytes / page_units[i].factor),
			     page_units[i].unit);
		return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
	}
	return -EINVAL; /* not a whole number of KB: no kernel page size */
}
