#include "netns/etc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/util.h"

static void append(char **buf, const char *fmt, const char *a, const char *b)
{
	char *s = xasprintf(fmt, a, b);
	char *t = xasprintf("%s%s", *buf, s);

	free(s);
	free(*buf);
	*buf = t;
}

int netns_etc_hosts(const char *hostname, const struct netns_addr *addr, const struct netns_addr *addr6,
		    char *const *add_hosts, char **out, struct error *err)
{
	char *buf = xstrdup("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	char s[NETNS_ADDR_STRLEN];

	if (addr && addr->family)
		append(&buf, "%s\t%s\n", netns_addr_format(addr, s), hostname);
	if (addr6 && addr6->family)
		append(&buf, "%s\t%s\n", netns_addr_format(addr6, s), hostname);
	if (!(addr && addr->family) && !(addr6 && addr6->family))
		append(&buf, "%s\t%s\n", "127.0.1.1", hostname);
	for (size_t i = 0; add_hosts && add_hosts[i]; i++) {
		const char *colon = strchr(add_hosts[i], ':');
		cleanup_free char *name = colon ? xstrndup(add_hosts[i], colon - add_hosts[i]) : NULL;
		struct netns_addr a;

		if (!colon || colon == add_hosts[i] || strpbrk(name, " \t\n#") ||
		    netns_addr_parse(colon + 1, &a) < 0) {
			free(buf);
			return error_set(err, 0, "--add-host %s: expected NAME:IP", add_hosts[i]);
		}
		append(&buf, "%s\t%s\n", netns_addr_format(&a, s), name);
	}
	*out = buf;
	return 0;
}

static bool loopback_nameserver(const char *line)
{
	char ip[NETNS_ADDR_STRLEN];
	struct netns_addr a;

	if (sscanf(line, " nameserver %45s", ip) != 1 || netns_addr_parse(ip, &a) < 0)
		return false;
	return a.family == AF_INET ? a.b[0] == 127
				   : !memcmp(a.b, (unsigned char[16]){ [15] = 1 }, 16);
}

int netns_etc_resolv(char *const *dns, const char *host_resolv, bool keep_loopback, char **out,
		     struct error *err)
{
	char *buf = xstrdup("");

	if (dns && dns[0]) {
		for (size_t i = 0; dns[i]; i++) {
			struct netns_addr a;

			if (netns_addr_parse(dns[i], &a) < 0) {
				free(buf);
				return error_set(err, 0, "--dns %s: not an IP address", dns[i]);
			}
			append(&buf, "nameserver %s%s\n", dns[i], "");
		}
		*out = buf;
		return 0;
	}
	cleanup_free char *copy = xstrdup(host_resolv ? host_resolv : "");
	char *save = NULL;

	/* a loopback resolver of the host (systemd-resolved, dnsmasq) is not reachable from inside */
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (keep_loopback || !loopback_nameserver(line))
			append(&buf, "%s%s\n", line, "");
	*out = buf;
	return 0;
}
