#include "runtime/caps.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "runtime/log.h"
#include "runtime/util.h"

#define CAPS_MASK_BITS 64

int caps_from_name(const char *name)
{
	cap_value_t v;

	/* cap_from_name also takes numbers and bare names: the spec only has "CAP_X" */
	if (!name || strncasecmp(name, "CAP_", 4) != 0 || !name[4])
		return -1;
	if (cap_from_name(name, &v) < 0 || v < 0 || v >= CAPS_MASK_BITS)
		return -1;
	return v;
}

int caps_last_cap(void)
{
	static int cached = -1;
	cleanup_free char *buf = NULL;
	uint64_t v;

	if (cached >= 0)
		return cached;
	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", &buf, NULL, 64) == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (parse_u64(buf, &v) == 0 && v < CAPS_MASK_BITS)
			cached = v;
	}
	if (cached < 0) /* no /proc: libcap probes the kernel with prctl */
		cached = cap_max_bits() - 1;
	if (cached >= CAPS_MASK_BITS)
		cached = CAPS_MASK_BITS - 1;
	return cached;
}

/* "CAP_SYS_ADMIN" for messages; libcap's names are lower case. */
static void cap_name(int cap, char *buf, size_t size)
{
	char *n = cap_to_name(cap);

	snprintf(buf, size, "%s", n ? n : "?");
	cap_free(n);
	for (char *p = buf; *p; p++)
		*p = toupper((unsigned char)*p);
}

static bool has(uint64_t mask, int cap)
{
	return mask & (UINT64_C(1) << cap);
}

int caps_drop_bounding(const struct spec_capabilities *caps, struct error *err)
{
	int last = caps_last_cap();
	char name[64];

	for (int cap = 0; cap <= last; cap++) {
		if (has(caps->bounding, cap))
			continue;
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0)
			continue; /* already gone */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			cap_name(cap, name, sizeof(name));
			return error_sys(err, "drop %s from the bounding set", name);
		}
	}
	return 0;
}

/* Why cap_set_proc refused: the first requested capability the process cannot have. */
static int explain_set_failure(int e, const struct spec_capabilities *caps, uint64_t usable,
			       struct error *err)
{
	cap_t cur = cap_get_proc();
	char name[64];
	int r = -1;

	for (int cap = 0; cur && cap < CAPS_MASK_BITS && r < 0; cap++) {
		cap_flag_value_t p = CAP_CLEAR;

		if (!has(usable, cap))
			continue;
		cap_get_flag(cur, cap, CAP_PERMITTED, &p);
		cap_name(cap, name, sizeof(name));
		if (has(caps->effective, cap) && !has(caps->permitted, cap))
			r = error_set(err, e, "effective %s is not in the permitted set", name);
		else if (has(caps->permitted, cap) && p != CAP_SET)
			r = error_set(err, e, "permitted %s: the process does not have it", name);
	}
	if (cur)
		cap_free(cur);
	if (r < 0)
		return r;
	return error_set(err, e, "set effective, permitted and inheritable capabilities");
}

/* The last capability of Linux 4.x: engines list every capability they know, which older ones
 * (docker 20.10) end here even on newer kernels. */
#define CAPS_PRIVILEGED_MIN_LAST 37

/* A config whose bounding set is every capability from 0 up to the last it names (at least
 * CAP_AUDIT_READ) is a privileged container (docker, ctr and the CRI's --privileged): it gets every
 * capability berth holds, with a warning naming those the host withholds (as podman computes itself);
 * a config naming capabilities still fails on one berth lacks. */
static uint64_t privileged_usable(const struct spec_capabilities *caps, uint64_t usable)
{
	uint64_t held = 0, missing, bset = caps->bounding & usable;
	char name[64], list[512] = "";
	int top = bset ? 63 - __builtin_clzll(bset) : -1;
	cap_t cur;

	if (top < CAPS_PRIVILEGED_MIN_LAST || bset != (top >= 63 ? ~UINT64_C(0) : (UINT64_C(1) << (top + 1)) - 1))
		return usable;
	cur = cap_get_proc();
	if (!cur)
		return usable;
	for (cap_value_t cap = 0; cap < CAPS_MASK_BITS; cap++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (has(usable, cap) && cap_get_flag(cur, cap, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
			held |= UINT64_C(1) << cap;
	}
	cap_free(cur);
	missing = (caps->effective | caps->permitted | caps->inheritable | caps->ambient) & usable & ~held;
	for (int cap = 0; cap < CAPS_MASK_BITS; cap++) {
		if (!has(missing, cap))
			continue;
		cap_name(cap, name, sizeof(name));
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", list[0] ? ", " : "", name);
	}
	if (missing)
		log_warn("process.capabilities: every capability asked for (privileged); %s left out: "
			 "berth does not hold it here", list);
	return held;
}

int caps_apply(const struct spec_capabilities *caps, struct error *err)
{
	int last = caps_last_cap();
	uint64_t all = caps->effective | caps->permitted | caps->inheritable | caps->ambient;
	uint64_t usable = last >= 63 ? ~UINT64_C(0) : (UINT64_C(1) << (last + 1)) - 1;
	static const struct {
		cap_flag_t flag;
		size_t offset;
	} sets[] = {
		{ CAP_EFFECTIVE, offsetof(struct spec_capabilities, effective) },
		{ CAP_PERMITTED, offsetof(struct spec_capabilities, permitted) },
		{ CAP_INHERITABLE, offsetof(struct spec_capabilities, inheritable) },
	};
	char name[64];
	cap_t c;
	int r;

	usable = privileged_usable(caps, usable);
	for (int cap = last + 1; cap < CAPS_MASK_BITS; cap++)
		if (has(all, cap))
			log_debug("capability %d is unknown to this kernel (last is %d): skipped", cap, last);

	c = cap_init();
	if (!c)
		return error_sys(err, "capabilities");
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
		uint64_t mask = *(const uint64_t *)((const char *)caps + sets[s].offset) & usable;

		for (cap_value_t cap = 0; cap <= last; cap++) {
			if (has(mask, cap) && cap_set_flag(c, sets[s].flag, 1, &cap, CAP_SET) < 0) {
				cap_free(c);
				return error_sys(err, "capability %d", cap);
			}
		}
	}
	r = cap_set_proc(c);
	cap_free(c);
	if (r < 0)
		return explain_set_failure(errno, caps, usable, err);

	if (cap_reset_ambient() < 0 && errno != EINVAL)
		return error_sys(err, "clear the ambient set");
	for (int cap = 0; cap <= last; cap++) {
		if (!has(caps->ambient, cap) || !has(usable, cap))
			continue;
		cap_name(cap, name, sizeof(name));
		/* runc's default spec lists ambient caps without inheritable ones; runc and crun skip them */
		if (!has(caps->permitted, cap) || !has(caps->inheritable, cap)) {
			log_debug("ambient %s skipped: it is not both permitted and inheritable", name);
			continue;
		}
		if (cap_set_ambient(cap, CAP_SET) < 0)
			return error_sys(err, "ambient %s", name);
	}
	return 0;
}
