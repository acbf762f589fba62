/* Fixtures of the rootfs unit tests (test_rootfs.c, test_rootfs_pivot.c). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/rootfs.h"
#include "runtime/util.h"
#include "tests/unit/rootfs_fixture.h"

char base[] = "/tmp/berth-test-rootfs-XXXXXX";


char *at(const char *dir, const char *rel)
{
	static char buf[4][PATH_MAX];
	static int n;
	char *p = buf[n++ % 4];

	snprintf(p, PATH_MAX, "%s/%s", dir, rel);
	return p;
}

void write_file(const char *path, const char *data)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);

	ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
	ck_assert_int_ge(write_all(fd, data, strlen(data)), 0);
	close(fd);
}

void copy_file(const char *from, const char *to)
{
	char *data = NULL;
	size_t len = 0;
	int fd;

	ck_assert_int_eq(read_file_at(AT_FDCWD, from, &data, &len, 64 << 20), 0);
	fd = open(to, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0755);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, data, len), (ssize_t)len);
	close(fd);
	free(data);
}

void mkdirs(const char *path)
{
	ck_assert_msg(mkdir_p(path, 0755) == 0, "mkdir %s", path);
}

size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

/* LeakSanitizer cannot check a process that left its user, pid or mount namespace (its tracer can
 * neither attach nor find it in /proc): check now, which also skips the check at exit. */
void __lsan_do_leak_check(void) __attribute__((weak));
void leak_check_now(void)
{
	if (__lsan_do_leak_check)
		__lsan_do_leak_check();
}

/* Root of a new user namespace mapping only ourselves, as an unprivileged runtime would be. */
void enter_userns(void)
{
	ck_assert_int_eq(unshare(CLONE_NEWUSER | CLONE_NEWNS), 0);
	ck_assert_int_eq(write_file_at(AT_FDCWD, "/proc/self/setgroups", "deny", 4), 0);
	ck_assert_int_eq(write_file_at(AT_FDCWD, "/proc/self/uid_map", "0 0 1\n", 6), 0);
	ck_assert_int_eq(write_file_at(AT_FDCWD, "/proc/self/gid_map", "0 0 1\n", 6), 0);
}

/* A fresh busybox rootfs and a private mount namespace, slave to the host so nothing leaks back. */
void world_init_ns(struct world *w, bool userns)
{
	char tmpl[PATH_MAX];

	snprintf(tmpl, sizeof(tmpl), "%s/w-XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(w->bundle, sizeof(w->bundle), "%s", tmpl);
	snprintf(w->root, sizeof(w->root), "%s/rootfs", tmpl);
	snprintf(w->out, sizeof(w->out), "%s/outside", tmpl);
	static const char *const dirs[] = { "bin", "proc", "sys", "dev", "tmp", "etc", "opt/sub" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		mkdirs(at(w->root, dirs[i]));
	mkdirs(w->out);
	copy_file("/bin/busybox", at(w->root, "bin/busybox"));
	ck_assert_int_eq(symlink("busybox", at(w->root, "bin/sh")), 0);
	write_file(at(w->root, "etc/hostname"), "image\n");
	write_file(at(w->root, "opt/sub/data"), "copied up\n");
	write_file(at(w->bundle, "hostname"), "from the bundle\n");
	leak_check_now();
	if (userns)
		enter_userns();
	else
		ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL), 0);
	ck_assert_int_eq(chdir(w->bundle), 0);
	w->spec.mounts = w->mounts;
	w->spec.linux_.devices = w->devices;
	/* the test's own namespace stands for the container's; without it rootfs/ would mount nothing */
	w->spec.linux_.namespaces[SPEC_NS_MOUNT].present = true;
}

void world_init(struct world *w)
{
	world_init_ns(w, false);
}

struct spec_mount *add_mount(struct world *w, const char *dest, const char *type, const char *source,
				    unsigned long flags, const char *data)
{
	struct spec_mount *m = &w->mounts[w->spec.n_mounts++];

	memset(m, 0, sizeof(*m));
	m->destination = (char *)dest;
	m->type = (char *)type;
	m->source = (char *)source;
	m->opts.flags = flags;
	m->opts.data = (char *)data;
	return m;
}

struct spec_mount *add_bind(struct world *w, const char *dest, const char *source, unsigned long flags)
{
	struct spec_mount *m = add_mount(w, dest, "bind", source, flags | MS_BIND, NULL);

	m->opts.bind = true;
	return m;
}

int prepare(struct world *w)
{
	rootfs_ctx_init(&w->ctx, &w->spec, w->root);
	error_clear(&w->err);
	return rootfs_prepare(&w->ctx, &w->err);
}

/* The optional fields (shared:N, master:N) of the topmost mount at path, "" if none. */
void mount_optional(const char *path, char *out, size_t size)
{
	char *info = NULL, *save = NULL;

	out[0] = '\0';
	ck_assert_int_eq(read_file_at(AT_FDCWD, "/proc/self/mountinfo", &info, NULL, 4 << 20), 0);
	for (char *line = strtok_r(info, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char mp[PATH_MAX];
		int end = 0;

		if (sscanf(line, "%*s %*s %*s %*s %4095s %*s%n", mp, &end) != 1 || strcmp(mp, path))
			continue;
		snprintf(out, size, "%.*s", (int)(strstr(line, " - ") - line - end), line + end);
	}
	free(info);
}

/* The topmost mount at path in our mountinfo: fstype and per-mount options. */
bool mount_at(const char *path, char *fstype, char *opts)
{
	char *info = NULL, *save = NULL;
	bool found = false;

	ck_assert_int_eq(read_file_at(AT_FDCWD, "/proc/self/mountinfo", &info, NULL, 4 << 20), 0);
	for (char *line = strtok_r(info, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char mp[PATH_MAX], mo[512], ty[64];

		if (sscanf(line, "%*s %*s %*s %*s %4095s %511s", mp, mo) != 2 || strcmp(mp, path))
			continue;
		if (sscanf(strstr(line, " - ") + 3, "%63s", ty) != 1)
			continue;
		found = true;
		if (fstype)
			strcpy(fstype, ty);
		if (opts)
			strcpy(opts, mo);
	}
	free(info);
	return found;
}

bool has_opt(const char *opts, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = opts; (p = strstr(p, opt)); p += n)
		if ((p == opts || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

void assert_chr(const char *path, unsigned maj, unsigned min, mode_t mode)
{
	struct stat st;

	ck_assert_msg(lstat(path, &st) == 0, "stat %s: %s", path, strerror(errno));
	ck_assert_msg(S_ISCHR(st.st_mode), "%s is not a char device", path);
	ck_assert_msg(major(st.st_rdev) == maj && minor(st.st_rdev) == min, "%s is %u:%u", path,
		      major(st.st_rdev), minor(st.st_rdev));
	if (mode)
		ck_assert_msg((st.st_mode & 07777) == mode, "%s mode %o", path, st.st_mode & 07777);
}

void assert_link(const char *path, const char *target)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	ck_assert_msg(n > 0, "readlink %s: %s", path, strerror(errno));
	buf[n] = '\0';
	ck_assert_str_eq(buf, target);
}

void skip_unless_root(void)
{
	if (geteuid() != 0) {
		printf("test_rootfs: SKIP: needs root (mount namespaces, mknod, pivot_root)\n");
		exit(77);
	}
}

/* Run suite s in forked children (each test unshares its mount namespace) below a fresh base dir. */
int rootfs_test_run(Suite *s, const char *prog)
{
	SRunner *sr;
	char *cmd;
	int failed;

	skip_unless_root();
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	/* the mounts lived in the children's namespaces: here the tree is plain directories */
	cmd = xasprintf("rm -rf --one-file-system '%s'", base);
	if (system(cmd) != 0)
		fprintf(stderr, "%s: could not remove %s\n", prog, base);
	free(cmd);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
