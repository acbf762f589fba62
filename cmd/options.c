#include "cmd/options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/util.h"

static const struct opt *find_long(const struct opt *opts, const char *name, size_t len)
{
	for (; opts->name; opts++)
		if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
			return opts;
	return NULL;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
	for (; opts->name; opts++)
		if (opts->short_name && opts->short_name == c)
			return opts;
	return NULL;
}

static int set_value(const struct opt *o, const char *value, struct error *err)
{
	uint64_t v;

	switch (o->type) {
	case OPT_BOOL:
		if (!value || strcmp(value, "true") == 0)
			*(bool *)o->dest = true;
		else if (strcmp(value, "false") == 0)
			*(bool *)o->dest = false;
		else
			return error_set(err, EINVAL, "--%s: expected true or false, got \"%s\"", o->name, value);
		return 0;
	case OPT_STRING:
		*(const char **)o->dest = value;
		return 0;
	case OPT_STRV: {
		char ***list = o->dest;
		size_t n = *list ? strv_length(*list) : 0;

		*list = xrealloc(*list, (n + 2) * sizeof(char *));
		(*list)[n] = xstrdup(value);
		(*list)[n + 1] = NULL;
		return 0;
	}
	case OPT_INT:
		if (parse_u64(value, &v) < 0 || v > 1 << 20)
			return error_set(err, EINVAL, "--%s: expected a non-negative number, got \"%s\"", o->name,
					 value);
		*(int *)o->dest = (int)v;
		return 0;
	}
	return 0;
}

int options_parse(const struct opt *opts, int argc, char **argv, int *i, bool *help, struct error *err)
{
	while (*i < argc) {
		const char *arg = argv[*i], *name, *eq, *value = NULL;
		const struct opt *o;
		size_t len;

		if (strcmp(arg, "--") == 0) {
			(*i)++;
			return 0;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			return 0;
		name = arg + (arg[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		if ((len == 4 && strncmp(name, "help", 4) == 0) || (len == 1 && name[0] == 'h')) {
			*help = true;
			(*i)++;
			continue;
		}
		o = len == 1 ? find_short(opts, name[0]) : find_long(opts, name, len);
		if (!o)
			return error_set(err, EINVAL, "flag provided but not defined: %.*s%.*s",
					 (int)(name - arg), arg, (int)len, name);
		(*i)++;
		if (eq)
			value = eq + 1;
		else if (o->type != OPT_BOOL) {
			if (*i >= argc)
				return error_set(err, EINVAL, "flag needs an argument: --%s", o->name);
			value = argv[(*i)++];
		}
		if (set_value(o, value, err) < 0)
			return -EINVAL;
	}
	return 0;
}

void options_print(const struct opt *opts)
{
	if (!opts->name)
		return;
	printf("\nOPTIONS:\n");
	for (; opts->name; opts++) {
		char left[64];

		if (opts->short_name)
			snprintf(left, sizeof(left), "--%s, -%c%s", opts->name, opts->short_name,
				 opts->type == OPT_BOOL ? "" : " value");
		else
			snprintf(left, sizeof(left), "--%s%s", opts->name, opts->type == OPT_BOOL ? "" : " value");
		printf("   %-32s %s\n", left, opts->help);
	}
}
