/* IP addresses and prefixes: parsing, formatting, overlap and arithmetic (pure, unit-tested). */
#ifndef BERTH_NETNS_ADDR_H
#define BERTH_NETNS_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <stddef.h>

#include "runtime/error.h"

struct netns_addr {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char b[16];	/* network order; 4 bytes used for AF_INET */
};

struct netns_prefix {
	struct netns_addr a;	/* host bits zero */
	unsigned len;
};

#define NETNS_ADDR_STRLEN 46

int netns_addr_parse(const char *s, struct netns_addr *a);
/* "10.0.0.0/24": fails when the host bits are set, naming the prefix it meant. */
int netns_prefix_parse(const char *s, struct netns_prefix *p, struct error *err);
size_t netns_addr_bytes(int family);
const char *netns_addr_format(const struct netns_addr *a, char buf[NETNS_ADDR_STRLEN]);
/* "10.0.0.0/24" into buf (NETNS_ADDR_STRLEN + 4). */
const char *netns_prefix_format(const struct netns_prefix *p, char *buf, size_t len);
bool netns_addr_equal(const struct netns_addr *x, const struct netns_addr *y);
bool netns_prefix_contains(const struct netns_prefix *p, const struct netns_addr *a);
bool netns_prefix_overlap(const struct netns_prefix *x, const struct netns_prefix *y);
/* Number of addresses in the prefix, saturated at 2^32. */
uint64_t netns_prefix_size(const struct netns_prefix *p);
/* The address n after the prefix's base (n < size). */
void netns_prefix_nth(const struct netns_prefix *p, uint64_t n, struct netns_addr *out);
/* a - base, for a inside p (saturated at 2^32). */
uint64_t netns_prefix_offset(const struct netns_prefix *p, const struct netns_addr *a);

#endif
