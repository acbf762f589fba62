/* Unit tests for config.json parsing: every field, mount option decoding, spec_load, the default spec. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/spec.h"
#include "runtime/spec_internal.h"
#include "runtime/util.h"

/* Documents are written with ' for " to stay readable; no test value needs a single quote. */
static char *q(const char *s)
{
	char *out = xstrdup(s);

	for (char *p = out; *p; p++)
		if (*p == '\'')
			*p = '"';
	return out;
}

static struct spec *parse_ok(const char *doc)
{
	cleanup_free char *json = q(doc);
	struct error err = { 0 };
	struct spec *s = NULL;
	int r = spec_parse(json, strlen(json), &s, &err);

	ck_assert_msg(r == 0, "parse failed: %s\n%s", err.msg, json);
	ck_assert_ptr_nonnull(s);
	return s;
}

#define CAP(c) (UINT64_C(1) << (c))

static const char full_doc[] =
	"{'ociVersion':'1.3.0', 'root':{'path':'rootfs','readonly':true},"
	" 'hostname':'h1', 'domainname':'example.org', 'annotations':{'a':'1','b':'two'},"
	" 'unknownTopLevel':[1,2,{}],"
	" 'process':{'terminal':true, 'consoleSize':{'height':24,'width':80},"
	"   'user':{'uid':1000,'gid':100,'umask':18,'additionalGids':[5,4294967295],'username':'ignored'},"
	"   'args':['sh','-c','true'], 'env':['PATH=/bin','EMPTY='], 'cwd':'/home',"
	"   'capabilities':{'bounding':['CAP_CHOWN','CAP_KILL'],'effective':['CAP_KILL'],'inheritable':[],"
	"     'permitted':['CAP_SYS_ADMIN'],'ambient':['CAP_NET_RAW']},"
	"   'rlimits':[{'type':'RLIMIT_NOFILE','soft':1024,'hard':4096},"
	"     {'type':'RLIMIT_CORE','soft':18446744073709551615,'hard':18446744073709551615}],"
	"   'noNewPrivileges':true, 'oomScoreAdj':-1000, 'apparmorProfile':'prof', 'selinuxLabel':'lbl',"
	"   'unknownField':{'x':1}},"
	" 'hooks':{'prestart':[{'path':'/bin/a'}],"
	"   'createRuntime':[{'path':'/bin/b','args':['b','1'],'env':['X=1'],'timeout':5}],"
	"   'createContainer':[{'path':'/c'}], 'startContainer':[], 'poststart':[{'path':'/p'}],"
	"   'poststop':[{'path':'/q'},{'path':'/r','timeout':1}]},"
	" 'mounts':[{'destination':'//dev/./pts/../shm/','type':'tmpfs','source':'shm',"
	"     'options':['nosuid','mode=1777','size=64k']},"
	"   {'destination':'/data','type':'bind','source':'/host','options':['rbind','ro'],"
	"     'uidMappings':[{'containerID':0,'hostID':1000,'size':10}],"
	"     'gidMappings':[{'containerID':1,'hostID':2000,'size':20}]},"
	"   {'destination':'/b','source':'/x','options':['bind']},"
	"   {'destination':'/'}],"
	" 'linux':{'namespaces':[{'type':'pid'},{'type':'network','path':'/proc/1/ns/net'},{'type':'mount'},"
	"     {'type':'ipc'},{'type':'uts'},{'type':'user'},{'type':'cgroup'},{'type':'time'}],"
	"   'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
	"   'gidMappings':[{'containerID':0,'hostID':200000,'size':65536},"
	"     {'containerID':65536,'hostID':5,'size':1}],"
	"   'timeOffsets':{'boottime':{'secs':-5,'nanosecs':7},'monotonic':{'secs':100}},"
	"   'devices':[{'path':'/dev/fuse','type':'c','major':10,'minor':229,'fileMode':8630,"
	"     'uid':1,'gid':2},"
	"     {'path':'/dev//fifo','type':'p'}],"
	"   'cgroupsPath':'/berth/x', 'sysctl':{'net.ipv4.ip_forward':'1','kernel.shmmax':'100'},"
	"   'maskedPaths':['/proc/kcore'], 'readonlyPaths':['/proc/sys/','/proc//bus'],"
	"   'rootfsPropagation':'rslave', 'mountLabel':'ml', 'personality':{'domain':'LINUX32','flags':[]},"
	"   'resources':{'memory':{'limit':1}}, 'seccomp':{'defaultAction':'SCMP_ACT_ALLOW'},"
	"   'intelRdt':{}}}";

START_TEST(full_document_top_level)
{
	struct spec *s = parse_ok(full_doc);

	ck_assert_str_eq(s->oci_version, "1.3.0");
	ck_assert_str_eq(s->root_path, "rootfs");
	ck_assert(s->root_readonly);
	ck_assert_str_eq(s->hostname, "h1");
	ck_assert_str_eq(s->domainname, "example.org");
	ck_assert_uint_eq(s->n_annotations, 2);
	ck_assert_str_eq(s->annotations[0].key, "a");
	ck_assert_str_eq(s->annotations[0].value, "1");
	ck_assert_str_eq(s->annotations[1].key, "b");
	ck_assert_str_eq(s->annotations[1].value, "two");
	ck_assert(s->has_process);
	ck_assert(s->has_linux);
	spec_free(s);
}
END_TEST

START_TEST(full_document_process)
{
	struct spec *s = parse_ok(full_doc);
	const struct spec_process *p = &s->process;

	ck_assert(p->terminal);
	ck_assert(p->has_console_size);
	ck_assert_uint_eq(p->console_height, 24);
	ck_assert_uint_eq(p->console_width, 80);
	ck_assert_uint_eq(p->user.uid, 1000);
	ck_assert_uint_eq(p->user.gid, 100);
	ck_assert(p->user.has_umask);
	ck_assert_uint_eq(p->user.umask, 18);
	ck_assert_uint_eq(p->user.n_additional_gids, 2);
	ck_assert_uint_eq(p->user.additional_gids[0], 5);
	ck_assert_uint_eq(p->user.additional_gids[1], 4294967295u);
	ck_assert_uint_eq(strv_length(p->args), 3);
	ck_assert_str_eq(p->args[2], "true");
	ck_assert_uint_eq(strv_length(p->env), 2);
	ck_assert_str_eq(p->env[1], "EMPTY=");
	ck_assert_str_eq(p->cwd, "/home");
	ck_assert(p->has_capabilities);
	ck_assert_uint_eq(p->capabilities.bounding, CAP(CAP_CHOWN) | CAP(CAP_KILL));
	ck_assert_uint_eq(p->capabilities.effective, CAP(CAP_KILL));
	ck_assert_uint_eq(p->capabilities.inheritable, 0);
	ck_assert_uint_eq(p->capabilities.permitted, CAP(CAP_SYS_ADMIN));
	ck_assert_uint_eq(p->capabilities.ambient, CAP(CAP_NET_RAW));
	ck_assert_uint_eq(p->n_rlimits, 2);
	ck_assert_int_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_str_eq(p->rlimits[0].type, "RLIMIT_NOFILE");
	ck_assert_uint_eq(p->rlimits[0].soft, 1024);
	ck_assert_uint_eq(p->rlimits[0].hard, 4096);
	ck_assert_int_eq(p->rlimits[1].resource, RLIMIT_CORE);
	ck_assert_uint_eq(p->rlimits[1].soft, UINT64_MAX);
	ck_assert_uint_eq(p->rlimits[1].hard, UINT64_MAX);
	ck_assert(p->no_new_privileges);
	ck_assert(p->has_oom_score_adj);
	ck_assert_int_eq(p->oom_score_adj, -1000);
	ck_assert_str_eq(p->apparmor_profile, "prof");
	ck_assert_str_eq(p->selinux_label, "lbl");
	spec_free(s);
}
END_TEST

START_TEST(full_document_hooks)
{
	struct spec *s = parse_ok(full_doc);
	const struct spec_hook *h;

	ck_assert_uint_eq(s->hooks[SPEC_HOOK_PRESTART].n, 1);
	ck_assert_str_eq(s->hooks[SPEC_HOOK_PRESTART].hooks[0].path, "/bin/a");
	ck_assert_ptr_null(s->hooks[SPEC_HOOK_PRESTART].hooks[0].args);
	ck_assert(!s->hooks[SPEC_HOOK_PRESTART].hooks[0].has_timeout);
	h = &s->hooks[SPEC_HOOK_CREATE_RUNTIME].hooks[0];
	ck_assert_str_eq(h->path, "/bin/b");
	ck_assert_str_eq(h->args[0], "b");
	ck_assert_str_eq(h->args[1], "1");
	ck_assert_ptr_null(h->args[2]);
	ck_assert_str_eq(h->env[0], "X=1");
	ck_assert(h->has_timeout);
	ck_assert_int_eq(h->timeout, 5);
	ck_assert_uint_eq(s->hooks[SPEC_HOOK_CREATE_CONTAINER].n, 1);
	ck_assert_uint_eq(s->hooks[SPEC_HOOK_START_CONTAINER].n, 0);
	ck_assert_str_eq(s->hooks[SPEC_HOOK_POSTSTART].hooks[0].path, "/p");
	ck_assert_uint_eq(s->hooks[SPEC_HOOK_POSTSTOP].n, 2);
	ck_assert_str_eq(s->hooks[SPEC_HOOK_POSTSTOP].hooks[1].path, "/r");
	ck_assert_int_eq(s->hooks[SPEC_HOOK_POSTSTOP].hooks[1].timeout, 1);
	spec_free(s);
}
END_TEST

START_TEST(full_document_mounts)
{
	struct spec *s = parse_ok(full_doc);
	const struct spec_mount *m = s->mounts;

	ck_assert_uint_eq(s->n_mounts, 4);
	ck_assert_str_eq(m[0].destination, "/dev/shm");
	ck_assert_str_eq(m[0].type, "tmpfs");
	ck_assert_str_eq(m[0].source, "shm");
	ck_assert_str_eq(m[0].options[1], "mode=1777");
	ck_assert_uint_eq(m[0].opts.flags, MS_NOSUID);
	ck_assert_str_eq(m[0].opts.data, "mode=1777,size=64k");
	ck_assert(!m[0].opts.bind);

	ck_assert_str_eq(m[1].destination, "/data");
	ck_assert(m[1].opts.bind);
	ck_assert(m[1].opts.recursive);
	ck_assert_uint_eq(m[1].opts.flags, MS_BIND | MS_REC | MS_RDONLY);
	ck_assert_ptr_null(m[1].opts.data);
	ck_assert_uint_eq(m[1].n_uid_mappings, 1);
	ck_assert_uint_eq(m[1].uid_mappings[0].container_id, 0);
	ck_assert_uint_eq(m[1].uid_mappings[0].host_id, 1000);
	ck_assert_uint_eq(m[1].uid_mappings[0].size, 10);
	ck_assert_uint_eq(m[1].n_gid_mappings, 1);
	ck_assert_uint_eq(m[1].gid_mappings[0].container_id, 1);
	ck_assert_uint_eq(m[1].gid_mappings[0].host_id, 2000);
	ck_assert_uint_eq(m[1].gid_mappings[0].size, 20);

	ck_assert_ptr_null(m[2].type);
	ck_assert(m[2].opts.bind);
	ck_assert(!m[2].opts.recursive);
	ck_assert_uint_eq(m[2].opts.flags, MS_BIND);

	ck_assert_str_eq(m[3].destination, "/");
	ck_assert_ptr_null(m[3].source);
	ck_assert_ptr_null(m[3].options);
	spec_free(s);
}
END_TEST

START_TEST(full_document_linux)
{
	struct spec *s = parse_ok(full_doc);
	const struct spec_linux *lx = &s->linux_;

	for (int t = 0; t < SPEC_NS_COUNT; t++)
		ck_assert_msg(lx->namespaces[t].present, "%s", spec_ns_name(t));
	ck_assert_str_eq(lx->namespaces[SPEC_NS_NETWORK].path, "/proc/1/ns/net");
	ck_assert_ptr_null(lx->namespaces[SPEC_NS_PID].path);
	ck_assert_uint_eq(lx->n_uid_mappings, 1);
	ck_assert_uint_eq(lx->uid_mappings[0].host_id, 100000);
	ck_assert_uint_eq(lx->uid_mappings[0].size, 65536);
	ck_assert_uint_eq(lx->n_gid_mappings, 2);
	ck_assert_uint_eq(lx->gid_mappings[1].container_id, 65536);
	ck_assert_uint_eq(lx->gid_mappings[1].host_id, 5);
	ck_assert(lx->time_boottime.present);
	ck_assert_int_eq(lx->time_boottime.secs, -5);
	ck_assert_uint_eq(lx->time_boottime.nanosecs, 7);
	ck_assert(lx->time_monotonic.present);
	ck_assert_int_eq(lx->time_monotonic.secs, 100);
	ck_assert_uint_eq(lx->time_monotonic.nanosecs, 0);
	ck_assert_uint_eq(lx->n_devices, 2);
	ck_assert_str_eq(lx->devices[0].path, "/dev/fuse");
	ck_assert_int_eq(lx->devices[0].type, 'c');
	ck_assert_int_eq(lx->devices[0].major, 10);
	ck_assert_int_eq(lx->devices[0].minor, 229);
	ck_assert(lx->devices[0].has_file_mode);
	ck_assert_uint_eq(lx->devices[0].file_mode, 0666);
	ck_assert(lx->devices[0].has_uid && lx->devices[0].has_gid);
	ck_assert_uint_eq(lx->devices[0].uid, 1);
	ck_assert_uint_eq(lx->devices[0].gid, 2);
	ck_assert_str_eq(lx->devices[1].path, "/dev/fifo");
	ck_assert_int_eq(lx->devices[1].type, 'p');
	ck_assert(!lx->devices[1].has_file_mode && !lx->devices[1].has_uid);
	ck_assert_str_eq(lx->cgroups_path, "/berth/x");
	ck_assert_uint_eq(lx->n_sysctl, 2);
	ck_assert_str_eq(lx->sysctl[0].key, "net.ipv4.ip_forward");
	ck_assert_str_eq(lx->sysctl[0].value, "1");
	ck_assert_str_eq(lx->sysctl[1].value, "100");
	ck_assert_str_eq(lx->masked_paths[0], "/proc/kcore");
	ck_assert_ptr_null(lx->masked_paths[1]);
	ck_assert_str_eq(lx->readonly_paths[0], "/proc/sys");
	ck_assert_str_eq(lx->readonly_paths[1], "/proc/bus");
	ck_assert_uint_eq(lx->rootfs_propagation, MS_SLAVE | MS_REC);
	ck_assert_str_eq(lx->mount_label, "ml");
	ck_assert(lx->personality.present);
	ck_assert_uint_eq(lx->personality.domain, PER_LINUX32);
	ck_assert(lx->resources != NULL && lx->resources->memory.limit.v == 1);
	ck_assert(lx->seccomp != NULL);
	ck_assert(lx->has_intel_rdt);
	spec_free(s);
}
END_TEST

START_TEST(minimal_document)
{
	struct spec *s = parse_ok("{'ociVersion':'1.0.2-dev','root':{'path':'r'}}");

	ck_assert(!s->has_process);
	ck_assert(!s->has_linux);
	ck_assert(!s->root_readonly);
	ck_assert_uint_eq(s->n_mounts, 0);
	ck_assert_ptr_null(s->hostname);
	ck_assert_uint_eq(s->linux_.rootfs_propagation, 0);
	spec_free(s);

	/* null is the same as absent */
	s = parse_ok(
		"{'ociVersion':'1.1.0','root':{'path':'r','readonly':null},'hostname':null,'linux':{},"
		"'process':{'user':{'uid':0,'gid':0},'args':['x'],'cwd':'/','env':null,'rlimits':null}}");
	ck_assert(s->has_linux && s->has_process);
	ck_assert_ptr_null(s->process.env);
	ck_assert(!s->process.has_capabilities);
	ck_assert(!s->process.has_oom_score_adj);
	ck_assert(!s->process.has_console_size);
	ck_assert(!s->process.user.has_umask);
	ck_assert(!s->linux_.personality.present);
	ck_assert(s->linux_.resources == NULL);
	ck_assert(!s->linux_.namespaces[SPEC_NS_PID].present);
	spec_free(s);
}
END_TEST

START_TEST(propagation_values)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} cases[] = {
		{ "shared", MS_SHARED },
		{ "rshared", MS_SHARED | MS_REC },
		{ "slave", MS_SLAVE },
		{ "rslave", MS_SLAVE | MS_REC },
		{ "private", MS_PRIVATE },
		{ "rprivate", MS_PRIVATE | MS_REC },
		{ "unbindable", MS_UNBINDABLE },
		{ "runbindable", MS_UNBINDABLE | MS_REC },
		{ "", 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *doc = xasprintf("{'ociVersion':'1.3.0','root':{'path':'r'},"
						   "'linux':{'rootfsPropagation':'%s'}}",
						   cases[i].name);
		struct spec *s = parse_ok(doc);

		ck_assert_msg(s->linux_.rootfs_propagation == cases[i].flags, "%s", cases[i].name);
		spec_free(s);
	}
}
END_TEST

START_TEST(joined_user_namespace_needs_no_mappings)
{
	struct spec *s =
		parse_ok("{'ociVersion':'1.3.0','root':{'path':'r'},'linux':{'namespaces':"
			 "[{'type':'user','path':'/proc/1/ns/user'},{'type':'time'}],"
			 "'timeOffsets':{'monotonic':{'secs':1}},'personality':{'domain':'LINUX'}}}");

	ck_assert_str_eq(s->linux_.namespaces[SPEC_NS_USER].path, "/proc/1/ns/user");
	ck_assert_uint_eq(s->linux_.n_uid_mappings, 0);
	ck_assert(s->linux_.namespaces[SPEC_NS_TIME].present);
	ck_assert_uint_eq(s->linux_.personality.domain, PER_LINUX);
	spec_free(s);
}
END_TEST

START_TEST(names_and_flags)
{
	ck_assert_str_eq(spec_ns_name(SPEC_NS_PID), "pid");
	ck_assert_str_eq(spec_ns_name(SPEC_NS_NETWORK), "network");
	ck_assert_str_eq(spec_ns_name(SPEC_NS_TIME), "time");
	ck_assert_int_eq(spec_ns_clone_flag(SPEC_NS_PID), CLONE_NEWPID);
	ck_assert_int_eq(spec_ns_clone_flag(SPEC_NS_NETWORK), CLONE_NEWNET);
	ck_assert_int_eq(spec_ns_clone_flag(SPEC_NS_MOUNT), CLONE_NEWNS);
	ck_assert_int_eq(spec_ns_clone_flag(SPEC_NS_IPC), CLONE_NEWIPC);
	ck_assert_int_eq(spec_ns_clone_flag(SPEC_NS_UTS), CLONE_NEWUTS);
	ck_assert_int_eq(spec_ns_clone_flag(SPEC_NS_USER), CLONE_NEWUSER);
	ck_assert_int_eq(spec_ns_clone_flag(SPEC_NS_CGROUP), CLONE_NEWCGROUP);
	ck_assert_int_eq(spec_ns_clone_flag(SPEC_NS_TIME), 0x80);
	ck_assert_str_eq(spec_hook_kind_name(SPEC_HOOK_PRESTART), "prestart");
	ck_assert_str_eq(spec_hook_kind_name(SPEC_HOOK_CREATE_RUNTIME), "createRuntime");
	ck_assert_str_eq(spec_hook_kind_name(SPEC_HOOK_CREATE_CONTAINER), "createContainer");
	ck_assert_str_eq(spec_hook_kind_name(SPEC_HOOK_START_CONTAINER), "startContainer");
	ck_assert_str_eq(spec_hook_kind_name(SPEC_HOOK_POSTSTART), "poststart");
	ck_assert_str_eq(spec_hook_kind_name(SPEC_HOOK_POSTSTOP), "poststop");
}
END_TEST

START_TEST(clean_path)
{
	static const char *const cases[][2] = {
		{ "/", "/" },
		{ "//", "/" },
		{ "/a/b", "/a/b" },
		{ "/a/b/", "/a/b" },
		{ "//a//b//", "/a/b" },
		{ "/a/./b/.", "/a/b" },
		{ "/a/../b", "/b" },
		{ "/../..", "/" },
		{ "/a/../../etc", "/etc" },
		{ "/a/b/c/../..", "/a" },
		{ "/./", "/" },
		{ "/a/.b/..c", "/a/.b/..c" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cleanup_free char *c = spec_clean_path(cases[i][0]);

		ck_assert_msg(strcmp(c, cases[i][1]) == 0, "%s -> %s, want %s", cases[i][0], c, cases[i][1]);
	}
}
END_TEST

/* --- spec_load --- */

static char *make_tmpdir(void)
{
	char *dir = xstrdup("/tmp/berth-test-spec-XXXXXX");

	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static void write_file(const char *path, const char *text)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, text, strlen(text)), (ssize_t)strlen(text));
}

START_TEST(load_dir_and_file)
{
	cleanup_free char *dir = make_tmpdir();
	cleanup_free char *config = xasprintf("%s/config.json", dir);
	cleanup_free char *other = xasprintf("%s/other.json", dir);
	cleanup_free char *good = q("{'ociVersion':'1.3.0','root':{'path':'rootfs'},'hostname':'x'}");
	cleanup_free char *bad = q("{'ociVersion':'1.3.0','root':{'path':'rootfs'},'hostname':1}");
	struct error err = { 0 };
	struct spec *s = NULL;

	write_file(config, good);
	write_file(other, bad);
	ck_assert_int_eq(spec_load(dir, &s, &err), 0);
	ck_assert_str_eq(s->hostname, "x");
	spec_free(s);
	s = NULL;
	ck_assert_int_eq(spec_load(config, &s, &err), 0);
	spec_free(s);
	s = NULL;
	ck_assert_int_eq(spec_load(other, &s, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "other.json: hostname: expected a string");
	write_file(config, bad);
	ck_assert_int_eq(spec_load(dir, &s, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "config.json: hostname: expected a string");
	unlink(config);
	ck_assert_int_eq(spec_load(dir, &s, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "config.json: read "));
	ck_assert_ptr_nonnull(strstr(err.msg, "No such file or directory"));
	ck_assert_ptr_null(s);
	unlink(other);
	rmdir(dir);
}
END_TEST

START_TEST(load_too_large)
{
	cleanup_free char *dir = make_tmpdir();
	cleanup_free char *config = xasprintf("%s/config.json", dir);
	cleanup_close int fd = open(config, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	struct error err = { 0 };
	struct spec *s = NULL;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (16 << 20) + 1), 0);
	ck_assert_int_eq(spec_load(dir, &s, &err), -EFBIG);
	ck_assert_ptr_nonnull(strstr(err.msg, "config.json: "));
	ck_assert_ptr_nonnull(strstr(err.msg, "is larger than"));
	unlink(config);
	rmdir(dir);
}
END_TEST

/* --- defaults --- */

static struct spec *parse_default(bool rootless)
{
	cleanup_free char *json = spec_default_json(rootless);
	struct error err = { 0 };
	struct spec *s = NULL;

	ck_assert_ptr_nonnull(json);
	ck_assert_ptr_nonnull(strstr(json, "\n    ")); /* pretty-printed */
	ck_assert_msg(spec_parse(json, strlen(json), &s, &err) == 0, "%s\n%s", err.msg, json);
	return s;
}

static const struct spec_mount *find_mount(const struct spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp(s->mounts[i].destination, dest) == 0)
			return &s->mounts[i];
	ck_abort_msg("no mount on %s", dest);
	return NULL;
}

static void check_default_common(const struct spec *s)
{
	const uint64_t caps = CAP(CAP_AUDIT_WRITE) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE);
	const struct spec_process *p = &s->process;
	const struct spec_mount *m;

	ck_assert_str_eq(s->oci_version, "1.3.0");
	ck_assert_str_eq(s->root_path, "rootfs");
	ck_assert(s->root_readonly);
	ck_assert_str_eq(s->hostname, "berth");
	ck_assert(s->has_process && p->terminal);
	ck_assert_uint_eq(p->user.uid, 0);
	ck_assert_uint_eq(p->user.gid, 0);
	ck_assert_str_eq(p->args[0], "sh");
	ck_assert_ptr_null(p->args[1]);
	ck_assert_str_eq(p->env[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	ck_assert_str_eq(p->env[1], "TERM=xterm");
	ck_assert_str_eq(p->cwd, "/");
	ck_assert_uint_eq(p->capabilities.bounding, caps);
	ck_assert_uint_eq(p->capabilities.effective, caps);
	ck_assert_uint_eq(p->capabilities.permitted, caps);
	ck_assert_uint_eq(p->capabilities.inheritable, 0);
	ck_assert_uint_eq(p->capabilities.ambient, 0);
	ck_assert_uint_eq(p->n_rlimits, 1);
	ck_assert_int_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(p->rlimits[0].soft, 1024);
	ck_assert_uint_eq(p->rlimits[0].hard, 1024);
	ck_assert(p->no_new_privileges);

	ck_assert_uint_eq(s->n_mounts, 7);
	m = find_mount(s, "/proc");
	ck_assert_str_eq(m->type, "proc");
	m = find_mount(s, "/dev");
	ck_assert_str_eq(m->type, "tmpfs");
	ck_assert_uint_eq(m->opts.flags, MS_NOSUID | MS_STRICTATIME);
	ck_assert_str_eq(m->opts.data, "mode=755,size=65536k");
	m = find_mount(s, "/dev/shm");
	ck_assert_uint_eq(m->opts.flags, MS_NOSUID | MS_NOEXEC | MS_NODEV);
	ck_assert_str_eq(m->opts.data, "mode=1777,size=65536k");
	m = find_mount(s, "/dev/mqueue");
	ck_assert_str_eq(m->type, "mqueue");
	m = find_mount(s, "/sys/fs/cgroup");
	ck_assert_str_eq(m->type, "cgroup");
	ck_assert_uint_eq(m->opts.flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY);

	ck_assert(s->has_linux);
	ck_assert_uint_eq(strv_length(s->linux_.masked_paths), 10);
	ck_assert_str_eq(s->linux_.masked_paths[0], "/proc/acpi");
	ck_assert_str_eq(s->linux_.masked_paths[9], "/proc/scsi");
	ck_assert_uint_eq(strv_length(s->linux_.readonly_paths), 5);
	ck_assert_str_eq(s->linux_.readonly_paths[4], "/proc/sysrq-trigger");
	for (int t = 0; t < SPEC_NS_COUNT; t++)
		ck_assert_ptr_null(s->linux_.namespaces[t].path);
	ck_assert(s->linux_.namespaces[SPEC_NS_PID].present);
	ck_assert(s->linux_.namespaces[SPEC_NS_IPC].present);
	ck_assert(s->linux_.namespaces[SPEC_NS_UTS].present);
	ck_assert(s->linux_.namespaces[SPEC_NS_MOUNT].present);
	ck_assert(s->linux_.namespaces[SPEC_NS_CGROUP].present);
	ck_assert(!s->linux_.namespaces[SPEC_NS_TIME].present);
	/* runc's default: one deny-all device rule, nothing else */
	ck_assert(s->linux_.resources != NULL && s->linux_.resources->has_devices);
	ck_assert_uint_eq(s->linux_.resources->n_devices, 1);
	ck_assert(!s->linux_.resources->devices[0].allow && s->linux_.resources->devices[0].type == 'a');
	ck_assert_str_eq(s->linux_.resources->devices[0].access, "rwm");
	ck_assert(!s->linux_.resources->has_memory && !s->linux_.resources->has_cpu);
	ck_assert(s->linux_.seccomp != NULL); /* the default seccomp profile */
}

START_TEST(default_spec_roundtrips)
{
	struct spec *s = parse_default(false);
	const struct spec_mount *m;

	check_default_common(s);
	ck_assert(s->linux_.namespaces[SPEC_NS_NETWORK].present);
	ck_assert(!s->linux_.namespaces[SPEC_NS_USER].present);
	ck_assert_uint_eq(s->linux_.n_uid_mappings, 0);
	m = find_mount(s, "/dev/pts");
	ck_assert_uint_eq(m->opts.flags, MS_NOSUID | MS_NOEXEC);
	ck_assert_str_eq(m->opts.data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	m = find_mount(s, "/sys");
	ck_assert_str_eq(m->type, "sysfs");
	ck_assert(!m->opts.bind);
	ck_assert_uint_eq(m->opts.flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
	spec_free(s);
}
END_TEST

START_TEST(default_spec_rootless_roundtrips)
{
	struct spec *s = parse_default(true);
	const struct spec_mount *m;

	check_default_common(s);
	ck_assert(!s->linux_.namespaces[SPEC_NS_NETWORK].present);
	ck_assert(s->linux_.namespaces[SPEC_NS_USER].present);
	ck_assert_uint_eq(s->linux_.n_uid_mappings, 1);
	ck_assert_uint_eq(s->linux_.uid_mappings[0].container_id, 0);
	ck_assert_uint_eq(s->linux_.uid_mappings[0].host_id, geteuid());
	ck_assert_uint_eq(s->linux_.uid_mappings[0].size, 1);
	ck_assert_uint_eq(s->linux_.n_gid_mappings, 1);
	ck_assert_uint_eq(s->linux_.gid_mappings[0].host_id, getegid());
	m = find_mount(s, "/dev/pts");
	ck_assert_str_eq(m->opts.data, "newinstance,ptmxmode=0666,mode=0620");
	m = find_mount(s, "/sys");
	ck_assert_str_eq(m->source, "/sys");
	ck_assert(m->opts.bind && m->opts.recursive);
	ck_assert_uint_eq(m->opts.flags, MS_BIND | MS_REC | MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
	spec_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("spec");
	TCase *parse = tcase_create("parse");
	TCase *files = tcase_create("load_and_defaults");
	SRunner *sr;
	int failed;

	tcase_add_test(parse, full_document_top_level);
	tcase_add_test(parse, full_document_process);
	tcase_add_test(parse, full_document_hooks);
	tcase_add_test(parse, full_document_mounts);
	tcase_add_test(parse, full_document_linux);
	tcase_add_test(parse, minimal_document);
	tcase_add_test(parse, propagation_values);
	tcase_add_test(parse, joined_user_namespace_needs_no_mappings);
	tcase_add_test(parse, names_and_flags);
	tcase_add_test(parse, clean_path);
	tcase_add_test(files, load_dir_and_file);
	tcase_add_test(files, load_too_large);
	tcase_add_test(files, default_spec_roundtrips);
	tcase_add_test(files, default_spec_rootless_roundtrips);
	suite_add_tcase(s, parse);
	suite_add_tcase(s, files);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
