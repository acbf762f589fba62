/* linux.memoryPolicy: mode, nodes and flags, refused here for every combination the kernel refuses
 * whatever the host (set_mempolicy(2), mm/mempolicy.c); what depends on the host's nodes is left to
 * mempolicy_apply. */
#include <errno.h>
#include <linux/mempolicy.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/mempolicy.h"
#include "runtime/spec_internal.h"
#include "runtime/util.h"

#ifndef MPOL_F_NUMA_BALANCING
#define MPOL_F_NUMA_BALANCING (1 << 13)
#endif

static const unsigned flag_values[] = { MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING };

static int lookup(const char *const *names, size_t n, yajl_val v, const char *path, size_t *out,
		  struct error *err)
{
	cleanup_free char *name = NULL;

	if (sj_string(v, path, &name, err) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name)) {
			*out = i;
			return 0;
		}
	return spec_fail(err, "%s: unknown value \"%s\"", path, name);
}

/* "0-3,7" -> mask; a malformed list or a node past the kernel's largest possible fails */
static int parse_nodes(const char *list, unsigned long *mask, struct error *err)
{
	const size_t bits = 8 * sizeof(unsigned long);

	for (const char *p = list; *p;) {
		char *end;
		unsigned long lo, hi;

		if (*p < '0' || *p > '9')
			goto bad;
		lo = hi = strtoul(p, &end, 10);
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				goto bad;
			hi = strtoul(p, &end, 10);
			if (hi < lo)
				goto bad;
		}
		if (hi >= SPEC_MPOL_MAX_NODES)
			return spec_fail(err, "linux.memoryPolicy.nodes: node %lu is past the largest possible (%d)",
					 hi, SPEC_MPOL_MAX_NODES - 1);
		for (unsigned long n = lo; n <= hi; n++)
			mask[n / bits] |= 1ul << (n % bits);
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			goto bad;
		p = end;
	}
	return 0;
bad:
	return spec_fail(err, "linux.memoryPolicy.nodes: invalid node list \"%s\" (expected e.g. \"0-3,7\")", list);
}

static bool mask_empty(const unsigned long *mask)
{
	for (size_t i = 0; i < SPEC_MPOL_MAX_NODES / (8 * sizeof(unsigned long)); i++)
		if (mask[i])
			return false;
	return true;
}

static int check_combination(const struct spec_mempolicy *mp, struct error *err)
{
	const char *mode = mempolicy_mode_names[mp->mode];
	bool nodes = !mask_empty(mp->mask), placed = mp->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);

	if ((mp->flags & MPOL_F_STATIC_NODES) && (mp->flags & MPOL_F_RELATIVE_NODES))
		return spec_fail(err, "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES "
				 "exclude each other");
	if ((mp->flags & MPOL_F_NUMA_BALANCING) && mp->mode != MPOL_BIND && mp->mode != MPOL_PREFERRED_MANY)
		return spec_fail(err, "linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING needs mode MPOL_BIND or "
				 "MPOL_PREFERRED_MANY, not %s", mode);
	switch (mp->mode) {
	case MPOL_DEFAULT:
		if (nodes)
			return spec_fail(err, "linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes");
		break;
	case MPOL_LOCAL:
		if (nodes)
			return spec_fail(err, "linux.memoryPolicy.nodes: MPOL_LOCAL takes no nodes");
		if (placed)
			return spec_fail(err, "linux.memoryPolicy.flags: MPOL_LOCAL takes no node flags");
		break;
	case MPOL_PREFERRED:
		/* no nodes means local allocation, which has no nodes to make static or relative */
		if (!nodes && placed)
			return spec_fail(err, "linux.memoryPolicy.flags: %s without nodes is local allocation, "
					 "which takes no node flags", mode);
		break;
	default:
		if (!nodes)
			return spec_fail(err, "linux.memoryPolicy.nodes: %s needs at least one node", mode);
	}
	return 0;
}

int spec_parse_mempolicy(yajl_val v, struct spec_mempolicy *mp, struct error *err)
{
	yajl_val f, flags;
	size_t i;

	if (sj_object(v, "linux.memoryPolicy", err) < 0)
		return -EINVAL;
	if (!(f = sj_require(v, "linux.memoryPolicy", "mode", err)) ||
	    lookup(mempolicy_mode_names, mempolicy_n_modes, f, "linux.memoryPolicy.mode", &i, err) < 0)
		return -EINVAL;
	mp->mode = (int)i;
	if ((f = sj_get(v, "nodes"))) {
		if (sj_string(f, "linux.memoryPolicy.nodes", &mp->nodes, err) < 0 ||
		    parse_nodes(mp->nodes, mp->mask, err) < 0)
			return -EINVAL;
	}
	if ((flags = sj_get(v, "flags"))) {
		if (sj_array(flags, "linux.memoryPolicy.flags", err) < 0)
			return -EINVAL;
		for (size_t k = 0; k < flags->u.array.len; k++) {
			cleanup_free char *path = xasprintf("linux.memoryPolicy.flags[%zu]", k);

			if (lookup(mempolicy_flag_names, mempolicy_n_flags, flags->u.array.values[k], path, &i,
				   err) < 0)
				return -EINVAL;
			mp->flags |= flag_values[i];
		}
	}
	return check_combination(mp, err);
}
