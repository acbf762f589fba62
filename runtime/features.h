/* The runtime-spec features document (`berth features`) and the build's feature line (--version). */
#ifndef BERTH_FEATURES_H
#define BERTH_FEATURES_H

/* Pretty JSON, true to this build and this host; caller frees. */
char *features_json(void);
/* "+SECCOMP +CAP +IDMAP -CGROUP ..."; caller frees. */
char *features_line(void);

#endif
