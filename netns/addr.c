#include "netns/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/util.h"

size_t netns_addr_bytes(int family)
{
	return family == AF_INET ? 4 : 16;
}

int netns_addr_parse(const char *s, struct netns_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->b) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->b) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static void mask_host_bits(struct netns_addr *a, unsigned len)
{
	size_t n = netns_addr_bytes(a->family);

	for (size_t i = 0; i < n; i++) {
		unsigned bits = len >= 8 * (i + 1) ? 8 : len > 8 * i ? len - 8 * i : 0;

		a->b[i] &= (unsigned char)(0xff00u >> bits);
	}
}

int netns_prefix_parse(const char *s, struct netns_prefix *p, struct error *err)
{
	const char *slash = strchr(s, '/');
	cleanup_free char *host = NULL;
	uint64_t len;
	char buf[NETNS_ADDR_STRLEN + 8];

	memset(p, 0, sizeof(*p));
	if (!slash || slash == s)
		return error_set(err, 0, "%s: expected ADDRESS/LENGTH", s);
	host = xstrndup(s, slash - s);
	if (netns_addr_parse(host, &p->a) < 0)
		return error_set(err, 0, "%s: not an IP address: %s", s, host);
	if (parse_u64(slash + 1, &len) < 0 || len > 8 * netns_addr_bytes(p->a.family))
		return error_set(err, 0, "%s: invalid prefix length \"%s\"", s, slash + 1);
	p->len = (unsigned)len;
	struct netns_addr masked = p->a;

	mask_host_bits(&masked, p->len);
	if (!netns_addr_equal(&masked, &p->a)) {
		p->a = masked;
		return error_set(err, 0, "%s: host bits set (the network is %s)", s,
				 netns_prefix_format(p, buf, sizeof(buf)));
	}
	return 0;
}

const char *netns_addr_format(const struct netns_addr *a, char buf[NETNS_ADDR_STRLEN])
{
	if (!inet_ntop(a->family, a->b, buf, NETNS_ADDR_STRLEN))
		snprintf(buf, NETNS_ADDR_STRLEN, "?");
	return buf;
}

const char *netns_prefix_format(const struct netns_prefix *p, char *buf, size_t len)
{
	char a[NETNS_ADDR_STRLEN];

	snprintf(buf, len, "%s/%u", netns_addr_format(&p->a, a), p->len);
	return buf;
}

bool netns_addr_equal(const struct netns_addr *x, const struct netns_addr *y)
{
	return x->family == y->family && memcmp(x->b, y->b, netns_addr_bytes(x->family)) == 0;
}

bool netns_prefix_contains(const struct netns_prefix *p, const struct netns_addr *a)
{
	struct netns_addr m = *a;

	if (a->family != p->a.family)
		return false;
	mask_host_bits(&m, p->len);
	return netns_addr_equal(&m, &p->a);
}

bool netns_prefix_overlap(const struct netns_prefix *x, const struct netns_prefix *y)
{
	/* two prefixes overlap exactly when the shorter one contains the other's base */
	if (x->a.family != y->a.family)
		return false;
	return x->len <= y->len ? netns_prefix_contains(x, &y->a) : netns_prefix_contains(y, &x->a);
}

uint64_t netns_prefix_size(const struct netns_prefix *p)
{
	unsigned host = 8 * netns_addr_bytes(p->a.family) - p->len;

	return host >= 32 ? (uint64_t)1 << 32 : (uint64_t)1 << host;
}

void netns_prefix_nth(const struct netns_prefix *p, uint64_t n, struct netns_addr *out)
{
	size_t i = netns_addr_bytes(p->a.family);

	*out = p->a;
	/* add n to the last bytes, carrying */
	while (n && i > 0) {
		uint64_t v = out->b[--i] + (n & 0xff);

		out->b[i] = v & 0xff;
		n = (n >> 8) + (v >> 8);
	}
}

uint64_t netns_prefix_offset(const struct netns_prefix *p, const struct netns_addr *a)
{
	size_t n = netns_addr_bytes(p->a.family);
	uint64_t off = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char d = a->b[i] ^ p->a.b[i]; /* host bits: p's are zero */

		if (off >> 32)
			return (uint64_t)1 << 32;
		off = (off << 8) | d;
	}
	return off > ((uint64_t)1 << 32) ? (uint64_t)1 << 32 : off;
}
