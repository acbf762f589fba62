/* The tenant store and the limits a definition gives. */
#include "runtime/tenant.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "cgroup/cgroup.h"
#include "cgroup/convert.h"
#include "netns/network.h"
#include "runtime/json.h"
#include "runtime/util.h"

#define NAME_PART_MAX 64
#define NAME_DEPTH_MAX 8
#define DEF_FILE "tenant.json"
#define CPU_PERIOD 100000

const char *const tenant_key_names[TENANT_KEY_COUNT] = {
	[TENANT_MEMORY] = "memory",	[TENANT_MEMORY_SWAP] = "memory-swap", [TENANT_CPUS] = "cpus",
	[TENANT_CPU_WEIGHT] = "cpu-weight", [TENANT_PIDS] = "pids",	      [TENANT_IO_WEIGHT] = "io-weight",
	[TENANT_IO_MAX] = "io-max",	[TENANT_CONTAINERS] = "containers",   [TENANT_NETWORK] = "network",
};

int tenant_name_check(const char *name, struct error *err)
{
	int depth = 0;

	if (!*name)
		return error_set(err, 0, "tenant name \"\": empty");
	if (name[0] == '/')
		return error_set(err, 0, "tenant name \"%s\": must not start with '/'", name);
	for (const char *c = name;; c++) {
		const char *end = strchrnul(c, '/');
		size_t len = end - c;

		if (len == 0)
			return error_set(err, 0, "tenant name \"%s\": empty component", name);
		if (len > NAME_PART_MAX)
			return error_set(err, 0, "tenant name \"%s\": component longer than %d characters", name,
					 NAME_PART_MAX);
		if (c[0] == '.')
			return error_set(err, 0, "tenant name \"%s\": a component starts with '.' (\".\", \"..\" "
					 "and hidden names are refused)", name);
		for (const char *p = c; p < end; p++)
			if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
				return error_set(err, 0, "tenant name \"%s\": character '%c' not allowed "
						 "(components of [a-zA-Z0-9_.-] joined by '/')", name, *p);
		if (++depth > NAME_DEPTH_MAX)
			return error_set(err, 0, "tenant name \"%s\": more than %d levels", name, NAME_DEPTH_MAX);
		if (!*end)
			return 0;
		c = end;
	}
}

char *tenant_cgroup_path(const char *name)
{
	return xasprintf("/berth/tenants/%s", name);
}

static char *store_dir(const char *root)
{
	return xasprintf("%s/.tenants", root);
}

static char *tenant_dir(const char *root, const char *name)
{
	char *d = xasprintf("%s/.tenants/%s", root, name), *key = d + strlen(root) + strlen("/.tenants/");

	for (char *p = key; *p; p++)
		if (*p == '/')
			*p = '+';
	return d;
}

/* runc's sizes: digits with an optional k, m, g, t (powers of 1024) and an optional "b"/"ib". */
static int parse_size_flag(const char *flag, const char *s, int64_t *out, struct error *err)
{
	if (parse_size(s, out) < 0)
		return error_set(err, 0, "--%s: \"%s\" is not a size (e.g. 64m, 1g)", flag, s);
	return 0;
}

static int parse_range(const char *flag, const char *s, int64_t min, int64_t max, int64_t *out, struct error *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end || errno || v < min || v > max || !isdigit((unsigned char)*s))
		return error_set(err, 0, "--%s: \"%s\" is not an integer in %lld..%lld", flag, s, (long long)min,
				 (long long)max);
	*out = v;
	return 0;
}

static int parse_io_max(const char *entry, struct spec_blkio *b, struct error *err)
{
	static const char *const keys[SPEC_THROTTLE_COUNT] = { "rbps", "wbps", "riops", "wiops" };
	unsigned maj, min;
	int off = 0;
	bool any = false;
	cleanup_free char *list = NULL;
	char *save = NULL;

	if (sscanf(entry, "%u:%u:%n", &maj, &min, &off) != 2 || !off)
		goto bad;
	list = xstrdup(entry + off);
	for (char *kv = strtok_r(list, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		int64_t v;
		int k;

		if (!eq)
			goto bad;
		*eq = '\0';
		for (k = 0; k < SPEC_THROTTLE_COUNT && strcmp(kv, keys[k]); k++)
			;
		if (k == SPEC_THROTTLE_COUNT || parse_range("io-max", eq + 1, 1, INT64_MAX, &v, err) < 0)
			goto bad;
		b->throttle[k] = xrealloc(b->throttle[k], (b->n_throttle[k] + 1) * sizeof(*b->throttle[k]));
		b->throttle[k][b->n_throttle[k]++] = (struct spec_throttle_device){ maj, min, (uint64_t)v };
		any = true;
	}
	if (any)
		return 0;
bad:
	return error_set(err, 0, "--io-max: \"%s\" is not MAJ:MIN:rbps=N,wbps=N,riops=N,wiops=N", entry);
}

int tenant_resources(const struct tenant *t, struct spec_resources *r, struct error *err)
{
	const char *const *v = (const char *const *)t->v;
	int64_t n;
	int ret;

	memset(r, 0, sizeof(*r));
	if (v[TENANT_MEMORY]) {
		if ((ret = parse_size_flag("memory", v[TENANT_MEMORY], &n, err)) < 0)
			return ret;
		if (n < 4096)
			return error_set(err, 0, "--memory: \"%s\" is below the minimum of 4k", v[TENANT_MEMORY]);
		r->has_memory = true;
		r->memory.limit = (struct spec_opt_i64){ true, n };
	}
	if (v[TENANT_MEMORY_SWAP]) {
		if ((ret = parse_size_flag("memory-swap", v[TENANT_MEMORY_SWAP], &n, err)) < 0)
			return ret;
		if (!r->memory.limit.set || n < r->memory.limit.v)
			return error_set(err, 0, "--memory-swap: \"%s\" needs --memory and must be at least it "
					 "(memory plus swap)", v[TENANT_MEMORY_SWAP]);
		r->memory.swap = (struct spec_opt_i64){ true, n };
	}
	if (v[TENANT_CPUS]) {
		char *end;
		double c;

		errno = 0;
		c = strtod(v[TENANT_CPUS], &end);
		if (end == v[TENANT_CPUS] || *end || errno || c != c || c < 0.01 || c > 4096)
			return error_set(err, 0, "--cpus: \"%s\" is not a number of cores in 0.01..4096",
					 v[TENANT_CPUS]);
		r->has_cpu = true;
		r->cpu.period = (struct spec_opt_u64){ true, CPU_PERIOD };
		r->cpu.quota = (struct spec_opt_i64){ true, (int64_t)(c * CPU_PERIOD + 0.5) };
	}
	if (v[TENANT_CPU_WEIGHT]) {
		if ((ret = parse_range("cpu-weight", v[TENANT_CPU_WEIGHT], 1, 10000, &n, err)) < 0)
			return ret;
		r->has_cpu = true;
		/* the fewest shares that cgroup/convert.c's shares -> weight curve (runc's) maps to >= n:
		 * v2 gets weight n, v1 the shares of the same share of the CPU */
		uint64_t lo = 2, hi = 262144;
		while (lo < hi) {
			uint64_t mid = lo + (hi - lo) / 2;

			if (convert_shares_to_weight(mid) >= (uint64_t)n)
				hi = mid;
			else
				lo = mid + 1;
		}
		r->cpu.shares = (struct spec_opt_u64){ true, lo };
	}
	if (v[TENANT_PIDS]) {
		if ((ret = parse_range("pids", v[TENANT_PIDS], 1, INT32_MAX, &n, err)) < 0)
			return ret;
		r->has_pids = true;
		r->pids_limit = (struct spec_opt_i64){ true, n };
	}
	if (v[TENANT_IO_WEIGHT]) {
		if ((ret = parse_range("io-weight", v[TENANT_IO_WEIGHT], 10, 1000, &n, err)) < 0)
			return ret;
		r->has_blkio = true;
		r->blkio.weight = (struct spec_opt_u64){ true, (uint64_t)n };
	}
	if (v[TENANT_IO_MAX]) {
		cleanup_free char *list = xstrdup(v[TENANT_IO_MAX]);
		char *save = NULL;

		r->has_blkio = true;
		for (char *e = strtok_r(list, " ", &save); e; e = strtok_r(NULL, " ", &save))
			if ((ret = parse_io_max(e, &r->blkio, err)) < 0)
				return ret;
	}
	if (v[TENANT_CONTAINERS] && (ret = parse_range("containers", v[TENANT_CONTAINERS], 0, INT32_MAX, &n, err)) < 0)
		return ret;
	return 0;
}

void tenant_resources_release(struct spec_resources *r)
{
	for (int k = 0; k < SPEC_THROTTLE_COUNT; k++)
		free(r->blkio.throttle[k]);
	memset(r, 0, sizeof(*r));
}

int64_t tenant_container_limit(const struct tenant *t)
{
	return t->v[TENANT_CONTAINERS] ? strtoll(t->v[TENANT_CONTAINERS], NULL, 10) : -1;
}

void tenant_release(struct tenant *t)
{
	free(t->name);
	for (int k = 0; k < TENANT_KEY_COUNT; k++)
		free(t->v[k]);
	memset(t, 0, sizeof(*t));
}

bool tenant_exists(const char *root, const char *name)
{
	struct error ignored = { 0 };
	cleanup_free char *dir = NULL, *path = NULL;

	if (tenant_name_check(name, &ignored) < 0)
		return false;
	dir = tenant_dir(root, name);
	path = xasprintf("%s/" DEF_FILE, dir);
	return access(path, F_OK) == 0;
}

int tenant_load(const char *root, const char *name, struct tenant *t, struct error *err)
{
	cleanup_free char *dir = NULL, *text = NULL, *path = NULL;
	char ebuf[256];
	size_t len;
	int r;

	memset(t, 0, sizeof(*t));
	if ((r = tenant_name_check(name, err)) < 0)
		return r;
	dir = tenant_dir(root, name);
	path = xasprintf("%s/" DEF_FILE, dir);
	if ((r = read_file_at(AT_FDCWD, path, &text, &len, 1 << 20)) < 0)
		return r == -ENOENT ? error_set(err, 0, "tenant \"%s\": no such tenant", name) : error_set(err, -r, "tenant \"%s\": %s", name, path);
	yajl_val doc = yajl_tree_parse(text, ebuf, sizeof(ebuf));
	if (!doc || !YAJL_IS_OBJECT(doc)) {
		yajl_tree_free(doc);
		return error_set(err, 0, "tenant \"%s\": %s/" DEF_FILE ": not a JSON object", name, dir);
	}
	t->name = xstrdup(name);
	for (int k = 0; k < TENANT_KEY_COUNT; k++) {
		const char *key[] = { tenant_key_names[k], NULL };
		yajl_val v = yajl_tree_get(doc, key, yajl_t_string);

		if (v)
			t->v[k] = xstrdup(YAJL_GET_STRING(v));
	}
	yajl_tree_free(doc);
	return 0;
}

static int save(const char *dir, const struct tenant *t, struct error *err)
{
	struct json_out *j = json_out_new(true);
	cleanup_free char *tmp = xasprintf("%s/" DEF_FILE ".tmp", dir), *path = xasprintf("%s/" DEF_FILE, dir);

	json_map_open(j);
	json_kv_string(j, "name", t->name);
	for (int k = 0; k < TENANT_KEY_COUNT; k++)
		if (t->v[k])
			json_kv_string(j, tenant_key_names[k], t->v[k]);
	json_map_close(j);
	cleanup_free char *doc = json_out_take(j);
	json_out_free(j);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write_all(fd, doc, strlen(doc)) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		int r = error_sys(err, "%s", path);

		unlink(tmp);
		return r;
	}
	return 0;
}

static int lock_file(const char *path, struct error *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return error_sys(err, "%s", path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			int r = error_sys(err, "lock %s", path);

			close(fd);
			return r;
		}
	return fd;
}

int tenant_lock(const char *root, const char *name, struct error *err)
{
	cleanup_free char *dir = tenant_dir(root, name), *path = xasprintf("%s/lock", dir);

	return lock_file(path, err);
}

/* Creating and removing tenants is serialised by <root>/.tenants/lock. */
static int lock_store(const char *root, struct error *err)
{
	cleanup_free char *dir = store_dir(root), *path = xasprintf("%s/lock", dir);

	if (mkdir_p(dir, 0700) < 0)
		return error_sys(err, "%s", dir);
	return lock_file(path, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tenant_list(const char *root, char ***names, struct error *err)
{
	cleanup_free char *dir = store_dir(root);
	cleanup_dir DIR *d = opendir(dir);
	char **v = xzalloc(sizeof(*v));
	size_t n = 0;
	struct dirent *e;

	*names = v;
	if (!d)
		return errno == ENOENT ? 0 : error_sys(err, "%s", dir);
	while ((e = readdir(d))) {
		cleanup_free char *def = xasprintf("%s/%s/" DEF_FILE, dir, e->d_name);

		if (e->d_name[0] == '.' || access(def, F_OK) < 0)
			continue;
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n] = xstrdup(e->d_name);
		for (char *p = v[n]; *p; p++)
			if (*p == '+')
				*p = '/';
		v[++n] = NULL;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	*names = v;
	return 0;
}

static void remove_dir(const char *dir)
{
	cleanup_free char *def = xasprintf("%s/" DEF_FILE, dir), *lock = xasprintf("%s/lock", dir);

	unlink(def);
	unlink(lock);
	rmdir(dir);
}

/* The network a tenant names must exist (the default one is made on first use). */
static int check_network(const char *root, const struct tenant *t, struct error *err)
{
	const char *net = t->v[TENANT_NETWORK];
	struct netns_network n;
	int r;

	if (!net || !strcmp(net, NETNS_DEFAULT_NETWORK) || !strcmp(net, "none"))
		return 0;
	if ((r = netns_network_name_check(net, err)) < 0 || (r = netns_network_load(root, net, &n, err)) < 0)
		return error_prefix(err, "tenant \"%s\": --network", t->name);
	return 0;
}

int tenant_create(const char *root, const struct tenant *t, struct error *err)
{
	struct spec_resources res;
	struct cgroup *cg = NULL;
	cleanup_close int store = -1;
	cleanup_free char *dir = NULL, *parent = NULL, *cgpath = NULL;
	int r;

	if ((r = tenant_name_check(t->name, err)) < 0)
		return r;
	if ((r = check_network(root, t, err)) < 0)
		return r;
	if ((r = tenant_resources(t, &res, err)) < 0) {
		tenant_resources_release(&res);
		return error_prefix(err, "tenant \"%s\"", t->name);
	}
	if ((store = lock_store(root, err)) < 0)
		goto out;
	parent = xstrdup(t->name);
	if (strrchr(parent, '/')) {
		*strrchr(parent, '/') = '\0';
		if (!tenant_exists(root, parent)) {
			r = error_set(err, 0, "tenant \"%s\": its parent \"%s\" does not exist", t->name, parent);
			goto out;
		}
	}
	dir = tenant_dir(root, t->name);
	if (mkdir(dir, 0700) < 0) {
		r = errno == EEXIST ? error_set(err, 0, "tenant \"%s\": exists already", t->name)
				    : error_sys(err, "tenant \"%s\": %s", t->name, dir);
		goto out;
	}
	cgpath = tenant_cgroup_path(t->name);
	if ((r = save(dir, t, err)) < 0 || (r = cgroup_create(cgpath, &res, &cg, err)) < 0) {
		remove_dir(dir);
		error_prefix(err, "tenant \"%s\"", t->name);
		goto out;
	}
	cgroup_free(cg);
out:
	tenant_resources_release(&res);
	return r < 0 ? r : 0;
}

int tenant_update(const char *root, const struct tenant *t, struct error *err)
{
	struct tenant cur;
	struct spec_resources res;
	struct cgroup *cg = NULL;
	cleanup_close int lock = -1;
	cleanup_free char *dir = NULL, *cgpath = NULL;
	int r;

	if ((r = tenant_load(root, t->name, &cur, err)) < 0)
		return r;
	if ((r = check_network(root, t, err)) < 0) {
		tenant_release(&cur);
		return r;
	}
	for (int k = 0; k < TENANT_KEY_COUNT; k++)
		if (t->v[k]) {
			free(cur.v[k]);
			cur.v[k] = xstrdup(t->v[k]);
		}
	if ((r = tenant_resources(&cur, &res, err)) < 0)
		goto out;
	if ((lock = tenant_lock(root, t->name, err)) < 0) {
		r = lock;
		goto out;
	}
	cgpath = tenant_cgroup_path(t->name);
	if ((r = cgroup_open(cgpath, 0, &cg, err)) < 0 || (r = cgroup_update(cg, &res, err)) < 0)
		goto out;
	dir = tenant_dir(root, t->name);
	r = save(dir, &cur, err);
out:
	cgroup_free(cg);
	tenant_resources_release(&res);
	tenant_release(&cur);
	return r < 0 ? error_prefix(err, "tenant \"%s\"", t->name) : 0;
}

int tenant_remove(const char *root, const char *name, struct error *err)
{
	struct tenant t;
	struct cgroup *cg = NULL;
	cleanup_close int store = -1, lock = -1;
	cleanup_strv char **all = NULL;
	cleanup_free char *dir = NULL, *cgpath = NULL, *prefix = xasprintf("%s/", name);
	size_t n = 0, plen = strlen(prefix);
	int r;

	if ((r = tenant_load(root, name, &t, err)) < 0)
		return r;
	tenant_release(&t);
	if ((store = lock_store(root, err)) < 0 || (lock = tenant_lock(root, name, err)) < 0)
		return -err->errnum;
	if ((r = tenant_list(root, &all, err)) < 0)
		return r;
	for (char **p = all; *p; p++)
		if (!strncmp(*p, prefix, plen))
			return error_set(err, 0, "tenant \"%s\": has sub-tenant \"%s\"", name, *p);
	if ((r = tenant_count_containers(root, name, &n, err)) < 0)
		return r;
	if (n > 0)
		return error_set(err, 0, "tenant \"%s\": has %zu running container(s)", name, n);
	cgpath = tenant_cgroup_path(name);
	/* the tenant's own level only: /berth/tenants may hold others, and stale empty leaves go with it */
	if (cgroup_open(cgpath, 1, &cg, err) == 0) {
		r = cgroup_destroy(cg, err);
		cgroup_free(cg);
		if (r < 0)
			return error_prefix(err, "tenant \"%s\"", name);
	}
	dir = tenant_dir(root, name);
	remove_dir(dir);
	return 0;
}

int tenant_count_containers(const char *root, const char *name, size_t *n, struct error *err)
{
	cleanup_free char *cgpath = tenant_cgroup_path(name);
	cleanup_strv char **kids = NULL;
	int r;

	*n = 0;
	if ((r = cgroup_children(cgpath, &kids, err)) < 0)
		return r == -ENOENT ? 0 : r;
	for (char **k = kids; *k; k++) {
		cleanup_free char *sub = xasprintf("%s/%s", name, *k), *path = xasprintf("%s/%s", cgpath, *k);
		struct error ignored = { 0 };

		/* podman's --cgroup-parent puts its monitors in <parent>/conmon: not a container */
		if (tenant_exists(root, sub) || !strcmp(*k, "conmon"))
			continue;
		if (cgroup_populated(path, &ignored) > 0)
			(*n)++;
	}
	return 0;
}
