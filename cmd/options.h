/* Flag parsing as runc accepts it: --flag value, --flag=value, -flag, and one-letter aliases. */
#ifndef BERTH_CMD_OPTIONS_H
#define BERTH_CMD_OPTIONS_H

#include <stdbool.h>

#include "runtime/error.h"

enum opt_type { OPT_BOOL, OPT_STRING, OPT_INT, OPT_STRV };

struct opt {
	const char *name;
	char short_name; /* 0 if none */
	enum opt_type type;
	void *dest;	 /* bool *, const char **, int *, char *** (repeatable, appended) */
	const char *help;
};

/* Parse flags from argv[*i] on, stopping at the first argument that is not a flag (or after "--").
 * Sets *i to that argument. "--help"/"-h" sets *help when given. */
int options_parse(const struct opt *opts, int argc, char **argv, int *i, bool *help, struct error *err);
void options_print(const struct opt *opts);

#endif
