/* Unit tests for config.json parsing: malformed documents fail with the JSON path and the reason. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/spec.h"
#include "runtime/spec_resources.h"
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

#define BASE	 "'ociVersion':'1.3.0','root':{'path':'rootfs'}"
#define DOC(x)	 "{" BASE "," x "}"
#define PROC(x)	 DOC("'process':{'user':{'uid':0,'gid':0},'args':['sh'],'cwd':'/'," x "}")
#define LINUX(x) DOC("'linux':{" x "}")
#define MOUNT(x) DOC("'mounts':[" x "]")
#define HOOKS(x) DOC("'hooks':{" x "}")
#define USERNS	 "'namespaces':[{'type':'user'}]"

static const struct {
	const char *doc;
	const char *msg;
} bad_docs[] = {
	/* process.scheduler, ioPriority, execCPUAffinity */
	{ PROC("'scheduler':{'nice':1}"), "process.scheduler.policy: is required" },
	{ PROC("'scheduler':{'policy':'SCHED_ISO'}"), "process.scheduler.policy: unknown value \"SCHED_ISO\"" },
	{ PROC("'scheduler':{'policy':'SCHED_OTHER','nice':20}"), "process.scheduler.nice" },
	{ PROC("'scheduler':{'policy':'SCHED_FIFO','priority':0}"),
	  "process.scheduler.priority: 0 is out of range 1..99 for SCHED_FIFO" },
	{ PROC("'scheduler':{'policy':'SCHED_OTHER','priority':5}"),
	  "process.scheduler.priority: must be 0 unless the policy is real-time" },
	{ PROC("'scheduler':{'policy':'SCHED_OTHER','flags':['SCHED_FLAG_X']}"),
	  "process.scheduler.flags[0]: unknown value \"SCHED_FLAG_X\"" },
	{ PROC("'ioPriority':{'priority':1}"), "process.ioPriority.class: is required" },
	{ PROC("'ioPriority':{'class':'IOPRIO_CLASS_BE','priority':8}"), "process.ioPriority.priority" },
	{ PROC("'execCPUAffinity':{'initial':'3-1'}"),
	  "process.execCPUAffinity.initial: invalid CPU list \"3-1\"" },
	{ PROC("'execCPUAffinity':{'final':'0,x'}"), "process.execCPUAffinity.final: invalid CPU list" },
	{ PROC("'execCPUAffinity':{'final':'2000'}"), "process.execCPUAffinity.final: CPU 2000 is beyond" },
	{ LINUX("'memoryPolicy':[]"), "linux.memoryPolicy: expected an object" },
	/* syntax and shape */
	{ "not json", "invalid JSON at line 1, column 1" },
	{ "{'ociVersion': }", "invalid JSON at line 1, column 16: parse error: unallowed token" },
	{ "{\n  'ociVersion': tru\n}", "invalid JSON at line 2, column 19: lexical error" },
	{ "", "invalid JSON at line 1, column 1: parse error: premature EOF" },
	{ "{'a':1", "invalid JSON" },
	{ "[]", "expected a JSON object at the top level" },
	{ "'string'", "expected a JSON object at the top level" },
	/* ociVersion and root */
	{ "{'root':{'path':'r'}}", "ociVersion: is required" },
	{ "{'ociVersion':1,'root':{'path':'r'}}", "ociVersion: expected a string" },
	{ "{'ociVersion':'2.0.0','root':{'path':'r'}}", "ociVersion: unsupported version \"2.0.0\"" },
	{ "{'ociVersion':'1.3.0'}", "root: is required" },
	{ "{'ociVersion':'1.3.0','root':'rootfs'}", "root: expected an object" },
	{ "{'ociVersion':'1.3.0','root':{}}", "root.path: is required" },
	{ "{'ociVersion':'1.3.0','root':{'path':5}}", "root.path: expected a string" },
	{ "{'ociVersion':'1.3.0','root':{'path':''}}", "root.path: must not be empty" },
	{ DOC("'root':{'path':'r','readonly':'yes'}"), "root.readonly: expected a boolean" },
	/* process */
	{ DOC("'process':[]"), "process: expected an object" },
	{ DOC("'process':{'user':{'uid':0,'gid':0},'cwd':'/'}"), "process.args: is required" },
	{ PROC("'args':[]"), "process.args: must not be empty" },
	{ PROC("'args':[1]"), "process.args[0]: expected a string" },
	{ PROC("'args':['sh',null]"), "process.args[1]: expected a string" },
	{ PROC("'args':'sh'"), "process.args: expected an array" },
	{ PROC("'cwd':'home'"), "process.cwd: must be an absolute path" },
	{ DOC("'process':{'user':{'uid':0,'gid':0},'args':['sh']}"), "process.cwd: is required" },
	{ DOC("'process':{'args':['sh'],'cwd':'/'}"), "process.user: is required" },
	{ PROC("'user':{'gid':0}"), "process.user.uid: is required" },
	{ PROC("'user':{'uid':0}"), "process.user.gid: is required" },
	{ PROC("'user':{'uid':-1,'gid':0}"), "process.user.uid: expected an unsigned 32-bit integer" },
	{ PROC("'user':{'uid':4294967296,'gid':0}"),
	  "process.user.uid: expected an unsigned 32-bit integer" },
	{ PROC("'user':{'uid':1.5,'gid':0}"), "process.user.uid: expected an unsigned 32-bit integer" },
	{ PROC("'user':{'uid':0,'gid':'0'}"), "process.user.gid: expected an unsigned 32-bit integer" },
	{ PROC("'user':{'uid':0,'gid':0,'umask':512}"), "process.user.umask: 01000 is not a umask" },
	{ PROC("'user':{'uid':0,'gid':0,'additionalGids':[1,'x']}"),
	  "process.user.additionalGids[1]: expected" },
	{ PROC("'user':{'uid':0,'gid':0,'additionalGids':5}"),
	  "process.user.additionalGids: expected an array" },
	{ PROC("'user':5"), "process.user: expected an object" },
	{ PROC("'env':['A=1','FOO']"), "process.env[1]: expected KEY=value, got \"FOO\"" },
	{ PROC("'env':['=x']"), "process.env[0]: expected KEY=value" },
	{ PROC("'env':[1]"), "process.env[0]: expected a string" },
	{ PROC("'terminal':'true'"), "process.terminal: expected a boolean" },
	{ PROC("'consoleSize':{'height':1}"), "process.consoleSize.width: is required" },
	{ PROC("'consoleSize':{'height':-1,'width':1}"), "process.consoleSize.height: expected an unsigned" },
	{ PROC("'capabilities':{'bounding':['CAP_CHOWN','CAP_KILL','CAP_SETUID','CAP_FOO']}"),
	  "process.capabilities.bounding[3]: unknown capability \"CAP_FOO\"" },
	{ PROC("'capabilities':{'effective':['chown']}"),
	  "process.capabilities.effective[0]: unknown capability" },
	{ PROC("'capabilities':{'permitted':['12']}"),
	  "process.capabilities.permitted[0]: unknown capability" },
	{ PROC("'capabilities':{'ambient':['CAP_CHOWNX']}"),
	  "process.capabilities.ambient[0]: unknown capability" },
	{ PROC("'capabilities':{'inheritable':[1]}"),
	  "process.capabilities.inheritable[0]: expected a string" },
	{ PROC("'capabilities':'all'"), "process.capabilities: expected an object" },
	{ PROC("'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]"),
	  "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"" },
	{ PROC("'rlimits':[{'type':'RLIMIT_NOFILE','soft':2,'hard':1}]"),
	  "process.rlimits[0]: RLIMIT_NOFILE: soft limit 2 is above the hard limit 1" },
	{ PROC("'rlimits':[{'type':'RLIMIT_CORE','soft':1,'hard':1},"
	       "{'type':'RLIMIT_CORE','soft':1,'hard':1}]"),
	  "process.rlimits[1].type: duplicate rlimit \"RLIMIT_CORE\" (also [0])" },
	{ PROC("'rlimits':[{'type':'RLIMIT_CORE','soft':-1,'hard':1}]"),
	  "process.rlimits[0].soft: expected an unsigned 64-bit integer" },
	{ PROC("'rlimits':[{'type':'RLIMIT_CORE','soft':1,'hard':18446744073709551616}]"),
	  "process.rlimits[0].hard: expected an unsigned 64-bit integer" },
	{ PROC("'rlimits':[{'type':'RLIMIT_CORE','soft':1}]"), "process.rlimits[0].hard: is required" },
	{ PROC("'rlimits':[{'soft':1,'hard':1}]"), "process.rlimits[0].type: is required" },
	{ PROC("'rlimits':{}"), "process.rlimits: expected an array" },
	{ PROC("'oomScoreAdj':1001"), "process.oomScoreAdj: expected an integer between -1000 and 1000" },
	{ PROC("'oomScoreAdj':-1001"), "process.oomScoreAdj: expected an integer between -1000 and 1000" },
	{ PROC("'noNewPrivileges':1"), "process.noNewPrivileges: expected a boolean" },
	{ PROC("'apparmorProfile':1"), "process.apparmorProfile: expected a string" },
	{ PROC("'selinuxLabel':[]"), "process.selinuxLabel: expected a string" },
	/* hostname, annotations, hooks */
	{ DOC("'hostname':5"), "hostname: expected a string" },
	{ DOC("'domainname':true"), "domainname: expected a string" },
	{ DOC("'annotations':{'a':'x','b':1}"), "annotations.b: expected a string" },
	{ DOC("'annotations':[]"), "annotations: expected an object" },
	{ DOC("'hooks':[]"), "hooks: expected an object" },
	{ HOOKS("'prestart':[{'args':[]}]"), "hooks.prestart[0].path: is required" },
	{ HOOKS("'poststop':[{'path':'/a'},{'path':'rel'}]"),
	  "hooks.poststop[1].path: must be an absolute path" },
	{ HOOKS("'createRuntime':[{'path':'/a','timeout':0}]"),
	  "hooks.createRuntime[0].timeout: expected an integer between 1 and" },
	{ HOOKS("'createContainer':[{'path':'/a','args':[1]}]"),
	  "hooks.createContainer[0].args[0]: expected a string" },
	{ HOOKS("'poststart':{}"), "hooks.poststart: expected an array" },
	{ HOOKS("'startContainer':[{'path':'/a','env':['NOEQ']}]"),
	  "hooks.startContainer[0].env[0]: expected KEY=value" },
	{ HOOKS("'prestart':['x']"), "hooks.prestart[0]: expected an object" },
	/* mounts */
	{ DOC("'mounts':{}"), "mounts: expected an array" },
	{ MOUNT("{'destination':'/a'},{'destination':'b'}"),
	  "mounts[1].destination: must be an absolute path" },
	{ MOUNT("{'type':'tmpfs'}"), "mounts[0].destination: is required" },
	{ MOUNT("{'destination':'/a','options':'ro'}"), "mounts[0].options: expected an array" },
	{ MOUNT("{'destination':'/a','options':['ro','']}"), "mounts[0].options: option 1 is empty" },
	{ MOUNT("{'destination':'/a','options':['shared','slave','private','shared','rslave']}"),
	  "mounts[0].options: \"rslave\": more than 4 propagation options" },
	{ MOUNT("{'destination':'/a','uidMappings':[{'containerID':0,'hostID':0,'size':-1}]}"),
	  "mounts[0].uidMappings[0].size: expected an unsigned 32-bit integer" },
	{ MOUNT("{'destination':'/a','gidMappings':[{'containerID':0,'hostID':0,'size':0}]}"),
	  "mounts[0].gidMappings[0].size: must be greater than 0" },
	{ MOUNT("{'destination':'/a','type':5}"), "mounts[0].type: expected a string" },
	{ MOUNT("{'destination':'/a','source':{}}"), "mounts[0].source: expected a string" },
	{ MOUNT("'/a'"), "mounts[0]: expected an object" },
	/* linux */
	{ DOC("'linux':[]"), "linux: expected an object" },
	{ LINUX("'namespaces':[{'type':'pid'},{'type':'mount'},{'type':'foo'}]"),
	  "linux.namespaces[2].type: unknown namespace type \"foo\"" },
	{ LINUX("'namespaces':[{'type':'pid'},{'type':'pid'}]"),
	  "linux.namespaces[1].type: duplicate namespace type \"pid\"" },
	{ LINUX("'namespaces':[{'type':'net','path':'/x'}]"),
	  "linux.namespaces[0].type: unknown namespace type" },
	{ LINUX("'namespaces':[{'type':'network','path':'proc/1/ns/net'}]"),
	  "linux.namespaces[0].path: must be an absolute path" },
	{ LINUX("'namespaces':[{'path':'/x'}]"), "linux.namespaces[0].type: is required" },
	{ LINUX("'namespaces':{'type':'pid'}"), "linux.namespaces: expected an array" },
	{ LINUX("'uidMappings':[{'containerID':0,'hostID':0,'size':4294967296}]"),
	  "linux.uidMappings[0].size: expected an unsigned 32-bit integer" },
	{ LINUX("'uidMappings':[{'containerID':0,'size':1}]"), "linux.uidMappings[0].hostID: is required" },
	{ LINUX("'gidMappings':[{'containerID':-5,'hostID':0,'size':1}]"),
	  "linux.gidMappings[0].containerID: expected an unsigned 32-bit integer" },
	{ LINUX(USERNS), "linux.uidMappings: a new user namespace needs uidMappings and gidMappings" },
	{ LINUX(USERNS ",'uidMappings':[{'containerID':0,'hostID':1000,'size':1}]"),
	  "linux.gidMappings: a new user namespace needs" },
	{ LINUX("'timeOffsets':{'boottime':{'secs':1}}"), "linux.timeOffsets: needs a time namespace" },
	{ LINUX("'namespaces':[{'type':'time','path':'/t'}],'timeOffsets':{'boottime':{'secs':1}}"),
	  "linux.timeOffsets: cannot set the offsets of a joined time namespace" },
	{ LINUX("'namespaces':[{'type':'time'}],'timeOffsets':{'realtime':{'secs':1}}"),
	  "linux.timeOffsets.realtime: unknown clock \"realtime\"" },
	{ LINUX("'namespaces':[{'type':'time'}],'timeOffsets':{'boottime':{'nanosecs':1000000000}}"),
	  "linux.timeOffsets.boottime.nanosecs: 1000000000 is not below one second" },
	{ LINUX("'namespaces':[{'type':'time'}],'timeOffsets':{'monotonic':{'secs':'1'}}"),
	  "linux.timeOffsets.monotonic.secs: expected a 64-bit integer" },
	{ LINUX("'devices':[{'path':'/dev/x','type':'x','major':1,'minor':1}]"),
	  "linux.devices[0].type: unknown device type \"x\"" },
	{ LINUX("'devices':[{'path':'/dev/p','type':'p'},{'path':'/dev/x','type':'c','minor':1}]"),
	  "linux.devices[1].major: is required" },
	{ LINUX("'devices':[{'path':'/dev/x','type':'b','major':1}]"),
	  "linux.devices[0].minor: is required" },
	{ LINUX("'devices':[{'path':'dev/x','type':'c','major':1,'minor':1}]"),
	  "linux.devices[0].path: must be an absolute path" },
	{ LINUX("'devices':[{'type':'c','major':1,'minor':1}]"), "linux.devices[0].path: is required" },
	{ LINUX("'devices':[{'path':'/dev/x','type':'c','major':1,'minor':1,'fileMode':-1}]"),
	  "linux.devices[0].fileMode: expected an unsigned 32-bit integer" },
	{ LINUX("'devices':[{'path':'/dev/x','type':'u','major':-1,'minor':1}]"),
	  "linux.devices[0].major: -1 is not a device major number" },
	{ LINUX("'rootfsPropagation':'bogus'"), "linux.rootfsPropagation: unknown propagation \"bogus\"" },
	{ LINUX("'rootfsPropagation':1"), "linux.rootfsPropagation: expected a string" },
	{ LINUX("'personality':{'domain':'LINUX64'}"),
	  "linux.personality.domain: unknown domain \"LINUX64\"" },
	{ LINUX("'personality':{}"), "linux.personality.domain: is required" },
	{ LINUX("'personality':{'domain':'LINUX','flags':[1]}"),
	  "linux.personality.flags[0]: expected a string" },
	{ LINUX("'sysctl':{'a':1}"), "linux.sysctl.a: expected a string" },
	{ LINUX("'maskedPaths':['/ok','proc/kcore']"), "linux.maskedPaths[1]: must be an absolute path" },
	{ LINUX("'readonlyPaths':'x'"), "linux.readonlyPaths: expected an array" },
	{ LINUX("'resources':[]"), "linux.resources: expected an object" },
	{ LINUX("'seccomp':'x'"), "linux.seccomp: expected an object" },
	{ LINUX("'intelRdt':1"), "linux.intelRdt: expected an object" },
	{ LINUX("'cgroupsPath':5"), "linux.cgroupsPath: expected a string" },
	{ LINUX("'mountLabel':5"), "linux.mountLabel: expected a string" },
	/* \u0000 inside a string or key: the tree would cut it short, so a policy tool and berth disagree */
	{ PROC("'capabilities':{'bounding':['CAP_CHOWN','CAP_SYS_ADMIN\\u0000junk']}"),
	  "process.capabilities.bounding[1]: the string holds a NUL character (\\u0000), which is not allowed" },
	{ MOUNT("{'destination':'/a','type':'tmpfs'},{'destination':'/mnt\\u0000/../../x','type':'tmpfs'}"),
	  "mounts[1].destination: the string holds a NUL character" },
	{ PROC("'args':['sh','-c','x\\u0000'],'env':['A=1']"), "process.args[2]: the string holds a NUL" },
	{ DOC("'hostname':'\\u0000'"), "hostname: the string holds a NUL character" },
	{ DOC("'annotations':{'a':'b','c\\u0000d':'e'}"), "annotations: an object key holds a NUL character" },
	{ LINUX("'sysctl':{'net.ipv4.ip_forward':'1\\u0000'}"),
	  "linux.sysctl.net.ipv4.ip_forward: the string holds a NUL" },
	{ LINUX("'resources':{'unified':{'memory.max':'1\\u0000'}}"),
	  "linux.resources.unified.memory.max: the string holds a NUL" },
	{ HOOKS("'prestart':[{'path':'/bin/true'},{'path':'/x','args':['a','b\\u0000']}]"),
	  "hooks.prestart[1].args[1]: the string holds a NUL" },
	{ "{'ociVersion\\u0000':'1.3.0'}", "an object key holds a NUL character" },
	{ "['a',['b',{'c':[1,'\\u0000']}]]", "[1][1].c[1]: the string holds a NUL" },
};

START_TEST(malformed_documents)
{
	cleanup_free char *json = q(bad_docs[_i].doc);
	struct error err = { 0 };
	struct spec *s = NULL;
	int r = spec_parse(json, strlen(json), &s, &err);

	ck_assert_msg(r < 0, "case %d parsed: %s", _i, json);
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_int_eq(err.errnum, EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err.msg, bad_docs[_i].msg), "case %d: got \"%s\", want \"%s\"\n%s", _i, err.msg,
		      bad_docs[_i].msg, json);
}
END_TEST

START_TEST(nul_byte_rejected)
{
	static const char doc[] = "{\"ociVersion\":\"1.3.0\"\0}";
	struct error err = { 0 };
	struct spec *s = NULL;

	ck_assert_int_lt(spec_parse(doc, sizeof(doc) - 1, &s, &err), 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "NUL byte at offset 21"));
}
END_TEST

/* An escaped backslash followed by u0000 is six ordinary characters, not a NUL. */
START_TEST(escaped_backslash_is_not_nul)
{
	cleanup_free char *json = q(PROC("'args':['a\\\\u0000b']"));
	struct error err = { 0 };
	struct spec *s = NULL;

	ck_assert_msg(spec_parse(json, strlen(json), &s, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(s->process.args[0], "a\\u0000b");
	spec_free(s);
}
END_TEST

/* `berth update -r` documents go through the same check. */
START_TEST(update_document_nul)
{
	static const char doc[] = "{\"pids\":{\"limit\":5},\"unified\":{\"pids.max\\u0000x\":\"1\"}}";
	struct spec_resources *r = NULL;
	struct error err = { 0 };

	ck_assert_int_eq(spec_resources_parse(doc, strlen(doc), "", &r, &err), -EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(err.msg, "unified: an object key holds a NUL character"), "%s", err.msg);
}
END_TEST

START_TEST(parse_without_terminator)
{
	cleanup_free char *json = q("{'ociVersion':'1.3.0','root':{'path':'r'}}GARBAGE");
	struct error err = { 0 };
	struct spec *s = NULL;

	/* len stops before the garbage: the parser must not read past it */
	ck_assert_int_eq(spec_parse(json, strlen(json) - 7, &s, &err), 0);
	spec_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("spec_errors");
	TCase *bad = tcase_create("malformed");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(bad, malformed_documents, 0, (int)ARRAY_SIZE(bad_docs));
	tcase_add_test(bad, nul_byte_rejected);
	tcase_add_test(bad, parse_without_terminator);
	tcase_add_test(bad, escaped_backslash_is_not_nul);
	tcase_add_test(bad, update_document_nul);
	suite_add_tcase(s, bad);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
