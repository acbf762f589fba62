/* cgroup statistics as one runc-shaped "stats" event (berth events). */
#ifndef BERTH_STATS_JSON_H
#define BERTH_STATS_JSON_H

#include "cgroup/cgroup.h"

/* The event as one line of JSON (caller frees); counters are unsigned, so "max" is 2^64-1 as in runc. */
char *stats_json_event(const char *id, const struct cgroup_stats *s);

#endif
