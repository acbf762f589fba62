/* runc/crun mount options -> MS_* flags, propagation, recursive mount_setattr attributes and fs data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "runtime/spec_internal.h"
#include "runtime/util.h"

enum opt_kind {
	OPT_NONE,	 /* accepted, no effect ("defaults") */
	OPT_FLAG,	 /* set an MS_* flag */
	OPT_CLEAR,	 /* clear an MS_* flag */
	OPT_PROPAGATION, /* MS_SHARED etc., applied after the mount */
	OPT_REC_SET,	 /* MOUNT_ATTR_* to set recursively */
	OPT_REC_CLEAR,	 /* MOUNT_ATTR_* to clear recursively */
	OPT_REC_ATIME,	 /* the recursive atime field: clear MOUNT_ATTR__ATIME, set this value */
	OPT_IDMAP,
	OPT_RIDMAP,
	OPT_TMPCOPYUP,
};

struct mount_opt {
	const char *name;
	enum opt_kind kind;
	unsigned long value;
};

static const struct mount_opt mount_opts[] = {
	{ "defaults", OPT_NONE, 0 },
	{ "ro", OPT_FLAG, MS_RDONLY },
	{ "rw", OPT_CLEAR, MS_RDONLY },
	{ "nosuid", OPT_FLAG, MS_NOSUID },
	{ "suid", OPT_CLEAR, MS_NOSUID },
	{ "nodev", OPT_FLAG, MS_NODEV },
	{ "dev", OPT_CLEAR, MS_NODEV },
	{ "noexec", OPT_FLAG, MS_NOEXEC },
	{ "exec", OPT_CLEAR, MS_NOEXEC },
	{ "sync", OPT_FLAG, MS_SYNCHRONOUS },
	{ "async", OPT_CLEAR, MS_SYNCHRONOUS },
	{ "dirsync", OPT_FLAG, MS_DIRSYNC },
	{ "remount", OPT_FLAG, MS_REMOUNT },
	{ "mand", OPT_FLAG, MS_MANDLOCK },
	{ "nomand", OPT_CLEAR, MS_MANDLOCK },
	{ "noatime", OPT_FLAG, MS_NOATIME },
	{ "atime", OPT_CLEAR, MS_NOATIME },
	{ "nodiratime", OPT_FLAG, MS_NODIRATIME },
	{ "diratime", OPT_CLEAR, MS_NODIRATIME },
	{ "relatime", OPT_FLAG, MS_RELATIME },
	{ "norelatime", OPT_CLEAR, MS_RELATIME },
	{ "strictatime", OPT_FLAG, MS_STRICTATIME },
	{ "nostrictatime", OPT_CLEAR, MS_STRICTATIME },
	{ "lazytime", OPT_FLAG, MS_LAZYTIME },
	{ "nolazytime", OPT_CLEAR, MS_LAZYTIME },
	{ "nosymfollow", OPT_FLAG, MS_NOSYMFOLLOW },
	{ "symfollow", OPT_CLEAR, MS_NOSYMFOLLOW },
	{ "silent", OPT_FLAG, MS_SILENT },
	{ "loud", OPT_CLEAR, MS_SILENT },
	{ "bind", OPT_FLAG, MS_BIND },
	{ "rbind", OPT_FLAG, MS_BIND | MS_REC },
	{ "private", OPT_PROPAGATION, MS_PRIVATE },
	{ "rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC },
	{ "shared", OPT_PROPAGATION, MS_SHARED },
	{ "rshared", OPT_PROPAGATION, MS_SHARED | MS_REC },
	{ "slave", OPT_PROPAGATION, MS_SLAVE },
	{ "rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC },
	{ "unbindable", OPT_PROPAGATION, MS_UNBINDABLE },
	{ "runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC },
	{ "rro", OPT_REC_SET, MOUNT_ATTR_RDONLY },
	{ "rrw", OPT_REC_CLEAR, MOUNT_ATTR_RDONLY },
	{ "rnosuid", OPT_REC_SET, MOUNT_ATTR_NOSUID },
	{ "rsuid", OPT_REC_CLEAR, MOUNT_ATTR_NOSUID },
	{ "rnodev", OPT_REC_SET, MOUNT_ATTR_NODEV },
	{ "rdev", OPT_REC_CLEAR, MOUNT_ATTR_NODEV },
	{ "rnoexec", OPT_REC_SET, MOUNT_ATTR_NOEXEC },
	{ "rexec", OPT_REC_CLEAR, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", OPT_REC_SET, MOUNT_ATTR_NODIRATIME },
	{ "rdiratime", OPT_REC_CLEAR, MOUNT_ATTR_NODIRATIME },
	{ "rnosymfollow", OPT_REC_SET, MOUNT_ATTR_NOSYMFOLLOW },
	{ "rsymfollow", OPT_REC_CLEAR, MOUNT_ATTR_NOSYMFOLLOW },
	/* Turning one atime mode off falls back to the kernel default, relatime. */
	{ "rrelatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME },
	{ "rnorelatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME },
	{ "rnoatime", OPT_REC_ATIME, MOUNT_ATTR_NOATIME },
	{ "ratime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME },
	{ "rstrictatime", OPT_REC_ATIME, MOUNT_ATTR_STRICTATIME },
	{ "rnostrictatime", OPT_REC_ATIME, MOUNT_ATTR_RELATIME },
	{ "idmap", OPT_IDMAP, 0 },
	{ "ridmap", OPT_RIDMAP, 0 },
	{ "tmpcopyup", OPT_TMPCOPYUP, 0 },
};

static const struct mount_opt *find_opt(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_opts); i++)
		if (strcmp(mount_opts[i].name, name) == 0)
			return &mount_opts[i];
	return NULL;
}

static void append_data(char **data, const char *opt)
{
	char *joined;

	if (!*data) {
		*data = xstrdup(opt);
		return;
	}
	joined = xasprintf("%s,%s", *data, opt);
	free(*data);
	*data = joined;
}

static int apply_opt(const struct mount_opt *o, const char *name, struct spec_mount_opts *opts,
		     struct error *err)
{
	switch (o->kind) {
	case OPT_NONE:
		break;
	case OPT_FLAG:
		opts->flags |= o->value;
		opts->clear_flags &= ~o->value;
		if (o->value & MS_BIND)
			opts->bind = true;
		if (o->value & MS_REC)
			opts->recursive = true;
		break;
	case OPT_CLEAR:
		opts->flags &= ~o->value;
		opts->clear_flags |= o->value;
		break;
	case OPT_PROPAGATION:
		if (opts->n_propagation == ARRAY_SIZE(opts->propagation))
			return spec_fail(err, "\"%s\": more than %zu propagation options", name,
					 ARRAY_SIZE(opts->propagation));
		opts->propagation[opts->n_propagation++] = o->value;
		break;
	case OPT_REC_SET:
		opts->rec_attr_set |= o->value;
		opts->rec_attr_clr &= ~o->value;
		break;
	case OPT_REC_CLEAR:
		opts->rec_attr_clr |= o->value;
		opts->rec_attr_set &= ~o->value;
		break;
	case OPT_REC_ATIME:
		opts->rec_attr_clr |= MOUNT_ATTR__ATIME;
		opts->rec_attr_set = (opts->rec_attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | o->value;
		break;
	case OPT_IDMAP:
		opts->idmap = true;
		break;
	case OPT_RIDMAP:
		opts->idmap = opts->idmap_recursive = true;
		break;
	case OPT_TMPCOPYUP:
		opts->tmpcopyup = true;
		break;
	}
	return 0;
}

int spec_mount_opts_parse(char *const *options, struct spec_mount_opts *opts, struct error *err)
{
	for (size_t i = 0; options && options[i]; i++) {
		const char *name = options[i];
		const struct mount_opt *o;

		if (!name[0]) {
			free(opts->data);
			opts->data = NULL;
			return spec_fail(err, "option %zu is empty", i);
		}
		o = find_opt(name);
		if (!o) {
			append_data(&opts->data, name);
			continue;
		}
		if (apply_opt(o, name, opts, err) < 0) {
			free(opts->data);
			opts->data = NULL;
			return -EINVAL;
		}
	}
	return 0;
}
