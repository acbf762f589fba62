/* Shared by the rootfs unit tests: a tiny busybox rootfs in a private mount namespace per test (a
 * "world"), mount and device assertions, and the runner. */
#ifndef BERTH_TEST_ROOTFS_FIXTURE_H
#define BERTH_TEST_ROOTFS_FIXTURE_H

#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/types.h>

#include "rootfs/rootfs.h"
#include "runtime/util.h"

#define PTS_OPTS "newinstance,ptmxmode=0666,mode=0620"
#define RO_NOEXEC (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

extern char base[];

struct world {
	char bundle[PATH_MAX]; /* the cwd while preparing: relative bind sources start here */
	char root[PATH_MAX];
	char out[PATH_MAX];    /* a host directory outside the root that must stay untouched */
	struct spec spec;
	struct spec_mount mounts[16];
	struct spec_device devices[8];
	struct rootfs_ctx ctx;
	struct error err;
};

char *at(const char *dir, const char *rel);
void write_file(const char *path, const char *data);
void copy_file(const char *from, const char *to);
void mkdirs(const char *path);
size_t count_entries(const char *dir);
void leak_check_now(void);
void enter_userns(void);
void world_init_ns(struct world *w, bool userns);
void world_init(struct world *w);
struct spec_mount *add_mount(struct world *w, const char *dest, const char *type, const char *source,
				    unsigned long flags, const char *data);
struct spec_mount *add_bind(struct world *w, const char *dest, const char *source, unsigned long flags);
int prepare(struct world *w);
void mount_optional(const char *path, char *out, size_t size);
bool mount_at(const char *path, char *fstype, char *opts);
bool has_opt(const char *opts, const char *opt);
void assert_chr(const char *path, unsigned maj, unsigned min, mode_t mode);
void assert_link(const char *path, const char *target);
void skip_unless_root(void);
/* main of a rootfs test program */
int rootfs_test_run(Suite *s, const char *prog);

#endif
