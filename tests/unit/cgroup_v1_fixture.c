/* Fixtures of the cgroup v1 unit tests (test_cgroup_v1.c, test_cgroup_v1_procs.c). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cgroup/backend.h"
#include "runtime/spec.h"
#include "runtime/util.h"
#include "tests/unit/cgroup_v1_fixture.h"

#include "cgroup/backend.h"
#include "runtime/spec.h"
#include "runtime/util.h"

pid_t test_pid; /* the runner's pid, in every cgroup name */

/* The hierarchies this host is expected to have (see the brief): v1 controllers and the unified one. */
const char *const hiers[10] = { "cpu", "cpuacct", "cpuset", "memory", "devices",
				     "freezer", "blkio", "pids", "unified", "systemd" };

bool is_v1_host(void)
{
	return access("/sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK) == 0 && geteuid() == 0;
}

char *top_name(const char *name)
{
	return xasprintf("berth-test-%d-%s", (int)test_pid, name);
}

char *cg_path(const char *name, const char *sub)
{
	cleanup_free char *top = top_name(name);

	return xasprintf("/%s%s%s", top, sub ? "/" : "", sub ? sub : "");
}

/* Kill what is left in a test cgroup tree and rmdir it bottom-up. Only our berth-test-<pid>-* trees. */
void rm_tree(const char *dir)
{
	cleanup_free char *procs = xasprintf("%s/cgroup.procs", dir);
	cleanup_free char *freezer = xasprintf("%s/freezer.state", dir);
	DIR *d;
	struct dirent *e;
	FILE *f;
	int pid;

	if ((f = fopen(freezer, "we"))) {
		fputs("THAWED", f);
		fclose(f);
	}
	if ((d = opendir(dir))) {
		while ((e = readdir(d))) {
			cleanup_free char *sub = NULL;

			if (e->d_type != DT_DIR || e->d_name[0] == '.')
				continue;
			sub = xasprintf("%s/%s", dir, e->d_name);
			rm_tree(sub);
		}
		closedir(d);
	}
	for (int tries = 0; tries < 100; tries++) {
		bool any = false;

		if ((f = fopen(procs, "re"))) {
			while (fscanf(f, "%d", &pid) == 1) {
				kill(pid, SIGKILL);
				any = true;
			}
			fclose(f);
		}
		if (!any && (rmdir(dir) == 0 || errno == ENOENT))
			return;
		usleep(10000);
	}
	rmdir(dir);
}

void cleanup_all(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(hiers); i++) {
		cleanup_free char *pattern =
			xasprintf("/sys/fs/cgroup/%s/berth-test-%d-*", hiers[i], (int)test_pid);
		glob_t g;

		if (glob(pattern, GLOB_ONLYDIR, NULL, &g) != 0)
			continue;
		for (size_t k = 0; k < g.gl_pathc; k++)
			rm_tree(g.gl_pathv[k]);
		globfree(&g);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

void setup(void)
{
	if (!is_v1_host())
		return;
	cleanup_all();
}

void teardown(void)
{
	if (is_v1_host())
		cleanup_all();
}

struct cgroup *new_cg(const char *path)
{
	struct cgroup *cg = xzalloc(sizeof(*cg));

	cg->be = &cgroup_v1_backend;
	cg->path = xstrdup(path);
	cg->leaf_fd = -1;
	return cg;
}

void free_cg(struct cgroup *cg)
{
	if (!cg)
		return;
	cg->be->release(cg);
	free(cg->path);
	free(cg);
}

struct cgroup *create_cg(const char *path)
{
	struct cgroup *cg = new_cg(path);
	struct error err = { 0 };
	int rc = cg->be->create(cg, &err);

	ck_assert_msg(rc == 0, "create %s: %s", path, err.msg);
	return cg;
}

char *read_host(const char *hier, const char *cgpath, const char *file)
{
	cleanup_free char *p = xasprintf("/sys/fs/cgroup/%s%s/%s", hier, cgpath, file);
	char *buf = NULL;
	size_t len = 0;
	int rc = read_file_at(AT_FDCWD, p, &buf, &len, 1 << 20);

	ck_assert_msg(rc == 0, "read %s: %s", p, strerror(-rc));
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return buf;
}


bool exists_in(const char *hier, const char *cgpath)
{
	cleanup_free char *p = xasprintf("/sys/fs/cgroup/%s%s", hier, cgpath);

	return access(p, F_OK) == 0;
}

/* A child that waits for a byte on the pipe (sent once it is in the cgroup), then runs fn. */
pid_t spawn(int (*fn)(void *), void *arg, int *go)
{
	int p[2];
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char c;

		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(99);
		_exit(fn(arg));
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

void release_child(int go)
{
	ck_assert_int_eq(write(go, "x", 1), 1);
	close(go);
}

pid_t spawn_in(struct cgroup *cg, int (*fn)(void *), void *arg)
{
	struct error err = { 0 };
	int go;
	pid_t pid = spawn(fn, arg, &go);
	int rc = cg->be->enter(cg, pid, &err);

	ck_assert_msg(rc == 0, "enter: %s", err.msg);
	release_child(go);
	return pid;
}

int wait_status(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

int sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

void kill_wait(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

void remove_cg(struct cgroup *cg)
{
	struct error err = { 0 };
	int rc = cg->be->remove(cg, &err);

	ck_assert_msg(rc == 0, "remove: %s", err.msg);
}

struct spec_device_rule rule(bool allow, char type, int64_t major, int64_t minor, const char *access)
{
	struct spec_device_rule r = { .allow = allow, .type = type, .major = major, .minor = minor };

	snprintf(r.access, sizeof(r.access), "%s", access);
	return r;
}
