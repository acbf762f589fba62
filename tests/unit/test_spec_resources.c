/* Unit tests for linux.resources: every field parsed, malformed documents fail naming the field and value. */
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

#define RES(x) "{'ociVersion':'1.3.0','root':{'path':'rootfs'},'linux':{'resources':{" x "}}}"

static struct spec *parse_ok(const char *doc)
{
	cleanup_free char *json = q(doc);
	struct error err = { 0 };
	struct spec *s = NULL;
	int r = spec_parse(json, strlen(json), &s, &err);

	ck_assert_msg(r == 0, "parse failed: %s\n%s", err.msg, json);
	return s;
}

static const char full_doc[] = RES(
	"'devices':[{'allow':false,'access':'rwm'},"
	"  {'allow':true,'type':'c','major':1,'minor':3,'access':'mr'},"
	"  {'allow':true,'type':'b','major':8,'access':'w'},{'allow':true,'type':'a','minor':-1}],"
	"'memory':{'limit':1073741824,'reservation':536870912,'swap':2147483648,'kernel':-1,'kernelTCP':4096,"
	"  'swappiness':60,'disableOOMKiller':true,'useHierarchy':false,'checkBeforeUpdate':true,'x':[]},"
	"'cpu':{'shares':1024,'quota':50000,'burst':10000,'period':100000,'realtimeRuntime':950000,"
	"  'realtimePeriod':1000000,'cpus':'0-2,4','mems':'0','idle':1},"
	"'pids':{'limit':-1},"
	"'blockIO':{'weight':500,'leafWeight':0,"
	"  'weightDevice':[{'major':8,'minor':0,'weight':300,'leafWeight':10},"
	"    {'major':8,'minor':16,'weight':10}],"
	"  'throttleReadBpsDevice':[{'major':8,'minor':0,'rate':1048576}],"
	"  'throttleWriteBpsDevice':[{'major':8,'minor':0,'rate':18446744073709551615}],"
	"  'throttleReadIOPSDevice':[{'major':8,'minor':0,'rate':100},{'major':8,'minor':16,'rate':200}],"
	"  'throttleWriteIOPSDevice':[]},"
	"'hugepageLimits':[{'pageSize':'2MB','limit':209715200},{'pageSize':'1GB','limit':0},"
	"  {'pageSize':'64KB','limit':65536}],"
	"'network':{'classID':1048577,"
	"  'priorities':[{'name':'eth0','priority':500},{'name':'lo','priority':1}]},"
	"'rdma':{'mlx5_1':{'hcaHandles':3,'hcaObjects':10000},'mlx4_0':{'hcaObjects':7}},"
	"'unified':{'memory.high':'1G','io.bfq.weight':'100','cpu.max.burst':'1000'},"
	"'unknownExtension':{'a':1}");

START_TEST(full_resources)
{
	struct spec *s = parse_ok(full_doc);
	const struct spec_resources *r = s->linux_.resources;

	ck_assert_ptr_nonnull(r);
	/* devices */
	ck_assert(r->has_devices);
	ck_assert_uint_eq(r->n_devices, 4);
	ck_assert(!r->devices[0].allow);
	ck_assert_int_eq(r->devices[0].type, 'a');
	ck_assert_int_eq(r->devices[0].major, -1);
	ck_assert_int_eq(r->devices[0].minor, -1);
	ck_assert_str_eq(r->devices[0].access, "rwm");
	ck_assert(r->devices[1].allow);
	ck_assert_int_eq(r->devices[1].type, 'c');
	ck_assert_int_eq(r->devices[1].major, 1);
	ck_assert_int_eq(r->devices[1].minor, 3);
	ck_assert_str_eq(r->devices[1].access, "rm");
	ck_assert_int_eq(r->devices[2].type, 'b');
	ck_assert_int_eq(r->devices[2].major, 8);
	ck_assert_int_eq(r->devices[2].minor, -1);
	ck_assert_str_eq(r->devices[2].access, "w");
	ck_assert_str_eq(r->devices[3].access, "rwm");
	/* memory */
	ck_assert(r->has_memory);
	ck_assert(r->memory.limit.set);
	ck_assert_int_eq(r->memory.limit.v, 1073741824);
	ck_assert(r->memory.reservation.set && r->memory.reservation.v == 536870912);
	ck_assert(r->memory.swap.set && r->memory.swap.v == 2147483648);
	ck_assert(r->memory.kernel.set && r->memory.kernel.v == -1);
	ck_assert(r->memory.kernel_tcp.set && r->memory.kernel_tcp.v == 4096);
	ck_assert(r->memory.swappiness.set && r->memory.swappiness.v == 60);
	ck_assert(r->memory.has_disable_oom_killer && r->memory.disable_oom_killer);
	ck_assert(r->memory.has_use_hierarchy && !r->memory.use_hierarchy);
	ck_assert(r->memory.check_before_update);
	/* cpu */
	ck_assert(r->has_cpu);
	ck_assert(r->cpu.shares.set && r->cpu.shares.v == 1024);
	ck_assert(r->cpu.quota.set && r->cpu.quota.v == 50000);
	ck_assert(r->cpu.burst.set && r->cpu.burst.v == 10000);
	ck_assert(r->cpu.period.set && r->cpu.period.v == 100000);
	ck_assert(r->cpu.realtime_runtime.set && r->cpu.realtime_runtime.v == 950000);
	ck_assert(r->cpu.realtime_period.set && r->cpu.realtime_period.v == 1000000);
	ck_assert(r->cpu.idle.set && r->cpu.idle.v == 1);
	ck_assert_str_eq(r->cpu.cpus, "0-2,4");
	ck_assert_str_eq(r->cpu.mems, "0");
	/* pids */
	ck_assert(r->has_pids);
	ck_assert(r->pids_limit.set && r->pids_limit.v == -1);
	/* blockIO */
	ck_assert(r->has_blkio);
	ck_assert(r->blkio.weight.set && r->blkio.weight.v == 500);
	ck_assert(!r->blkio.leaf_weight.set); /* 0: not set */
	ck_assert_uint_eq(r->blkio.n_weight_devices, 2);
	ck_assert_int_eq(r->blkio.weight_devices[0].major, 8);
	ck_assert_int_eq(r->blkio.weight_devices[0].minor, 0);
	ck_assert_uint_eq(r->blkio.weight_devices[0].weight.v, 300);
	ck_assert_uint_eq(r->blkio.weight_devices[0].leaf_weight.v, 10);
	ck_assert(r->blkio.weight_devices[0].leaf_weight.set);
	ck_assert_int_eq(r->blkio.weight_devices[1].minor, 16);
	ck_assert(r->blkio.weight_devices[1].weight.set);
	ck_assert(!r->blkio.weight_devices[1].leaf_weight.set);
	ck_assert_uint_eq(r->blkio.n_throttle[SPEC_THROTTLE_READ_BPS], 1);
	ck_assert_uint_eq(r->blkio.throttle[SPEC_THROTTLE_READ_BPS][0].rate, 1048576);
	ck_assert_uint_eq(r->blkio.n_throttle[SPEC_THROTTLE_WRITE_BPS], 1);
	ck_assert(r->blkio.throttle[SPEC_THROTTLE_WRITE_BPS][0].rate == UINT64_MAX);
	ck_assert_uint_eq(r->blkio.n_throttle[SPEC_THROTTLE_READ_IOPS], 2);
	ck_assert_int_eq(r->blkio.throttle[SPEC_THROTTLE_READ_IOPS][1].major, 8);
	ck_assert_int_eq(r->blkio.throttle[SPEC_THROTTLE_READ_IOPS][1].minor, 16);
	ck_assert_uint_eq(r->blkio.throttle[SPEC_THROTTLE_READ_IOPS][1].rate, 200);
	ck_assert_uint_eq(r->blkio.n_throttle[SPEC_THROTTLE_WRITE_IOPS], 0);
	/* hugepageLimits */
	ck_assert_uint_eq(r->n_hugepages, 3);
	ck_assert_str_eq(r->hugepages[0].page_size, "2MB");
	ck_assert_uint_eq(r->hugepages[0].limit, 209715200);
	ck_assert_str_eq(r->hugepages[1].page_size, "1GB");
	ck_assert_uint_eq(r->hugepages[1].limit, 0);
	ck_assert_str_eq(r->hugepages[2].page_size, "64KB");
	/* network */
	ck_assert(r->has_network);
	ck_assert(r->network.has_class_id);
	ck_assert_uint_eq(r->network.class_id, 1048577);
	ck_assert_uint_eq(r->network.n_priorities, 2);
	ck_assert_str_eq(r->network.priorities[0].name, "eth0");
	ck_assert_uint_eq(r->network.priorities[0].priority, 500);
	ck_assert_str_eq(r->network.priorities[1].name, "lo");
	ck_assert_uint_eq(r->network.priorities[1].priority, 1);
	/* rdma */
	ck_assert_uint_eq(r->n_rdma, 2);
	ck_assert_str_eq(r->rdma[0].device, "mlx5_1");
	ck_assert(r->rdma[0].has_hca_handles && r->rdma[0].hca_handles == 3);
	ck_assert(r->rdma[0].has_hca_objects && r->rdma[0].hca_objects == 10000);
	ck_assert_str_eq(r->rdma[1].device, "mlx4_0");
	ck_assert(!r->rdma[1].has_hca_handles);
	ck_assert(r->rdma[1].has_hca_objects && r->rdma[1].hca_objects == 7);
	/* unified */
	ck_assert_uint_eq(r->n_unified, 3);
	ck_assert_str_eq(r->unified[0].key, "memory.high");
	ck_assert_str_eq(r->unified[0].value, "1G");
	ck_assert_str_eq(r->unified[1].key, "io.bfq.weight");
	ck_assert_str_eq(r->unified[2].value, "1000");
	spec_free(s);
}
END_TEST

START_TEST(empty_and_absent)
{
	struct spec *s = parse_ok(RES(""));
	const struct spec_resources *r = s->linux_.resources;

	ck_assert_ptr_nonnull(r);
	ck_assert(!r->has_devices && !r->has_memory && !r->has_cpu && !r->has_pids && !r->has_blkio &&
		  !r->has_network);
	ck_assert_uint_eq(r->n_hugepages + r->n_rdma + r->n_unified + r->n_devices, 0);
	spec_free(s);

	/* null is absent; an empty list of devices is present; zeroes mean unset where runc says so */
	s = parse_ok(RES("'memory':null,'devices':[],'cpu':{'shares':0,'quota':0,'period':0,'cpus':''},"
			 "'pids':{},'memory':{'limit':-1,'swap':-1,'reservation':0}"));
	r = s->linux_.resources;
	ck_assert(r->has_devices);
	ck_assert_uint_eq(r->n_devices, 0);
	ck_assert(r->has_cpu);
	ck_assert(!r->cpu.shares.set && !r->cpu.quota.set && !r->cpu.period.set);
	ck_assert_ptr_null(r->cpu.cpus);
	ck_assert(r->has_pids && !r->pids_limit.set);
	ck_assert(r->has_memory && r->memory.limit.v == -1 && r->memory.swap.v == -1);
	ck_assert(!r->memory.has_disable_oom_killer);
	spec_free(s);

	s = parse_ok(RES("'memory':{'limit':1000,'reservation':1000,'swap':1000},"
			 "'cpu':{'quota':-1,'period':1000,'burst':99999},'blockIO':{'leafWeight':1000},"
			 "'pids':{'limit':0},'unified':{'cgroup.max.depthx':'1','misc.max':'res 1'}"));
	r = s->linux_.resources;
	ck_assert(r->cpu.quota.set && r->cpu.quota.v == -1);
	ck_assert(r->has_pids && !r->pids_limit.set); /* 0: not set, as in runc */
	spec_free(s);

	s = parse_ok("{'ociVersion':'1.3.0','root':{'path':'r'},'linux':{}}");
	ck_assert_ptr_null(s->linux_.resources);
	spec_free(s);
}
END_TEST

static const struct {
	const char *doc;
	const char *msg;
} bad_docs[] = {
	{ "{'ociVersion':'1.3.0','root':{'path':'r'},'linux':{'resources':[]}}",
	  "linux.resources: expected an object" },
	/* devices */
	{ RES("'devices':{}"), "linux.resources.devices: expected an array" },
	{ RES("'devices':[1]"), "linux.resources.devices[0]: expected an object" },
	{ RES("'devices':[{'access':'rwm'}]"), "linux.resources.devices[0].allow: is required" },
	{ RES("'devices':[{'allow':'yes'}]"), "linux.resources.devices[0].allow: expected a boolean" },
	{ RES("'devices':[{'allow':true},{'allow':true},{'allow':true,'access':'rwx'}]"),
	  "linux.resources.devices[2].access: \"rwx\": expected a subset of \"rwm\"" },
	{ RES("'devices':[{'allow':true,'access':''}]"),
	  "linux.resources.devices[0].access: \"\": expected a subset of \"rwm\"" },
	{ RES("'devices':[{'allow':true,'type':'p'}]"),
	  "linux.resources.devices[0].type: \"p\": expected a, b or c" },
	{ RES("'devices':[{'allow':true,'type':7}]"), "linux.resources.devices[0].type: expected a string" },
	{ RES("'devices':[{'allow':true,'major':-2}]"),
	  "linux.resources.devices[0].major: -2: must be at least -1" },
	{ RES("'devices':[{'allow':true,'minor':'3'}]"),
	  "linux.resources.devices[0].minor: expected an integer" },
	/* memory */
	{ RES("'memory':1"), "linux.resources.memory: expected an object" },
	{ RES("'memory':{'limit':'1G'}"), "linux.resources.memory.limit: expected an integer" },
	{ RES("'memory':{'limit':1.5}"), "linux.resources.memory.limit: expected an integer" },
	{ RES("'memory':{'limit':99999999999999999999}"),
	  "linux.resources.memory.limit: 99999999999999999999: out of range for a 64-bit integer" },
	{ RES("'memory':{'limit':-2}"),
	  "linux.resources.memory.limit: -2: expected -1 (unlimited) or a byte count" },
	{ RES("'memory':{'kernelTCP':-5}"),
	  "linux.resources.memory.kernelTCP: -5: expected -1 (unlimited) or a byte count" },
	{ RES("'memory':{'limit':1000,'reservation':2000}"),
	  "linux.resources.memory.reservation: 2000: above memory.limit 1000" },
	{ RES("'memory':{'limit':2000,'swap':1000}"),
	  "linux.resources.memory.swap: 1000: below memory.limit 2000 (swap counts memory plus swap)" },
	{ RES("'memory':{'swappiness':101}"), "linux.resources.memory.swappiness: 101: out of range 0..100 (-1: not set)" },
	{ RES("'memory':{'swappiness':-2}"),
	  "linux.resources.memory.swappiness: -2: out of range 0..100 (-1: not set)" },
	{ RES("'memory':{'disableOOMKiller':1}"),
	  "linux.resources.memory.disableOOMKiller: expected a boolean" },
	{ RES("'memory':{'useHierarchy':'true'}"),
	  "linux.resources.memory.useHierarchy: expected a boolean" },
	{ RES("'memory':{'checkBeforeUpdate':[]}"),
	  "linux.resources.memory.checkBeforeUpdate: expected a boolean" },
	/* cpu */
	{ RES("'cpu':[]"), "linux.resources.cpu: expected an object" },
	{ RES("'cpu':{'shares':-1}"), "linux.resources.cpu.shares: -1: must not be negative" },
	{ RES("'cpu':{'quota':999}"),
	  "linux.resources.cpu.quota: 999: expected -1 (unlimited) or at least 1000" },
	{ RES("'cpu':{'quota':-2}"),
	  "linux.resources.cpu.quota: -2: expected -1 (unlimited) or at least 1000" },
	{ RES("'cpu':{'period':999}"), "linux.resources.cpu.period: 999: out of range 1000..1000000" },
	{ RES("'cpu':{'period':1000001}"),
	  "linux.resources.cpu.period: 1000001: out of range 1000..1000000" },
	{ RES("'cpu':{'quota':20000,'burst':20001}"),
	  "linux.resources.cpu.burst: 20001: above cpu.quota 20000" },
	{ RES("'cpu':{'cpus':'0-'}"), "linux.resources.cpu.cpus: \"0-\": bad cpu list" },
	{ RES("'cpu':{'cpus':'3-1'}"), "linux.resources.cpu.cpus: \"3-1\": bad cpu list" },
	{ RES("'cpu':{'cpus':'1,,2'}"), "linux.resources.cpu.cpus: \"1,,2\": bad cpu list" },
	{ RES("'cpu':{'cpus':' 1'}"), "linux.resources.cpu.cpus: \" 1\": bad cpu list" },
	{ RES("'cpu':{'mems':'a'}"), "linux.resources.cpu.mems: \"a\": bad memory node list" },
	{ RES("'cpu':{'mems':0}"), "linux.resources.cpu.mems: expected a string" },
	{ RES("'cpu':{'idle':2}"), "linux.resources.cpu.idle: 2: out of range 0..1" },
	{ RES("'cpu':{'realtimeRuntime':true}"), "linux.resources.cpu.realtimeRuntime: expected an integer" },
	{ RES("'cpu':{'realtimePeriod':-1}"),
	  "linux.resources.cpu.realtimePeriod: -1: must not be negative" },
	/* pids */
	{ RES("'pids':{'limit':'max'}"), "linux.resources.pids.limit: expected an integer" },
	{ RES("'pids':5"), "linux.resources.pids: expected an object" },
	/* blockIO */
	{ RES("'blockIO':{'weight':5}"), "linux.resources.blockIO.weight: 5: out of range 10..1000 (0: not set)" },
	{ RES("'blockIO':{'leafWeight':9}"),
	  "linux.resources.blockIO.leafWeight: 9: out of range 10..1000 (0: not set)" },
	{ RES("'blockIO':{'weightDevice':{}}"), "linux.resources.blockIO.weightDevice: expected an array" },
	{ RES("'blockIO':{'weightDevice':[{'minor':0,'weight':10}]}"),
	  "linux.resources.blockIO.weightDevice[0].major: is required" },
	{ RES("'blockIO':{'weightDevice':[{'major':8,'minor':0,'weight':10},"
	      "{'major':8,'minor':1,'weight':1001}]}"),
	  "linux.resources.blockIO.weightDevice[1].weight: 1001: out of range 10..1000 (0: not set)" },
	{ RES("'blockIO':{'weightDevice':[{'major':8,'minor':0,'leafWeight':5}]}"),
	  "linux.resources.blockIO.weightDevice[0].leafWeight: 5: out of range 10..1000 (0: not set)" },
	{ RES("'blockIO':{'throttleReadBpsDevice':[{'major':8,'minor':0}]}"),
	  "linux.resources.blockIO.throttleReadBpsDevice[0].rate: is required" },
	{ RES("'blockIO':{'throttleWriteIOPSDevice':[{'major':8,'minor':-1,'rate':1}]}"),
	  "linux.resources.blockIO.throttleWriteIOPSDevice[0].minor: -1: must be at least 0" },
	{ RES("'blockIO':{'throttleWriteBpsDevice':[{'major':8,'minor':0,'rate':-1}]}"),
	  "linux.resources.blockIO.throttleWriteBpsDevice[0].rate: -1: must not be negative" },
	{ RES("'blockIO':{'throttleReadIOPSDevice':[[]]}"),
	  "linux.resources.blockIO.throttleReadIOPSDevice[0]: expected an object" },
	/* hugepageLimits */
	{ RES("'hugepageLimits':{}"), "linux.resources.hugepageLimits: expected an array" },
	{ RES("'hugepageLimits':[{'limit':1}]"), "linux.resources.hugepageLimits[0].pageSize: is required" },
	{ RES("'hugepageLimits':[{'pageSize':'2M','limit':1}]"),
	  "linux.resources.hugepageLimits[0].pageSize: \"2M\": expected a size like \"2MB\" or \"1GB\"" },
	{ RES("'hugepageLimits':[{'pageSize':'../2MB','limit':1}]"),
	  "linux.resources.hugepageLimits[0].pageSize: \"../2MB\": expected a size like \"2MB\" or \"1GB\"" },
	{ RES("'hugepageLimits':[{'pageSize':'2MB'}]"),
	  "linux.resources.hugepageLimits[0].limit: is required" },
	{ RES("'hugepageLimits':[{'pageSize':'2MB','limit':1},{'pageSize':'2MB','limit':2}]"),
	  "linux.resources.hugepageLimits[1].pageSize: \"2MB\": duplicate page size" },
	/* network */
	{ RES("'network':{'classID':-1}"),
	  "linux.resources.network.classID: -1: out of range 0..4294967295" },
	{ RES("'network':{'priorities':[{'priority':1}]}"),
	  "linux.resources.network.priorities[0].name: is required" },
	{ RES("'network':{'priorities':[{'name':'eth0 1','priority':1}]}"),
	  "linux.resources.network.priorities[0].name: \"eth0 1\": expected a name without blanks" },
	{ RES("'network':{'priorities':[{'name':'eth0','priority':4294967296}]}"),
	  "linux.resources.network.priorities[0].priority: 4294967296: out of range 0..4294967295" },
	/* rdma */
	{ RES("'rdma':[]"), "linux.resources.rdma: expected an object" },
	{ RES("'rdma':{'mlx5_1':5}"), "linux.resources.rdma.mlx5_1: expected an object" },
	{ RES("'rdma':{'mlx5_1':{'hcaHandles':'3'}}"),
	  "linux.resources.rdma.mlx5_1.hcaHandles: expected an integer" },
	{ RES("'rdma':{'mlx 5':{'hcaHandles':3}}"),
	  "linux.resources.rdma.mlx 5: \"mlx 5\": expected a name without blanks" },
	/* unified */
	{ RES("'unified':[]"), "linux.resources.unified: expected an object" },
	{ RES("'unified':{'memory.high':1}"), "linux.resources.unified.memory.high: expected a string" },
	{ RES("'unified':{'cgroup.procs':'1'}"),
	  "linux.resources.unified.cgroup.procs: \"cgroup.procs\": managed by berth, cannot be set" },
	{ RES("'unified':{'cgroup.threads':'1'}"), "\"cgroup.threads\": managed by berth" },
	{ RES("'unified':{'cgroup.subtree_control':'+memory'}"),
	  "\"cgroup.subtree_control\": managed by berth" },
	{ RES("'unified':{'cgroup.type':'threaded'}"), "\"cgroup.type\": managed by berth" },
	{ RES("'unified':{'cgroup.kill':'1'}"), "\"cgroup.kill\": managed by berth" },
	{ RES("'unified':{'memory':'1'}"),
	  "linux.resources.unified.memory: \"memory\": expected a cgroup file name like \"memory.high\"" },
	{ RES("'unified':{'../memory.max':'1'}"), "\"../memory.max\": expected a cgroup file name" },
	{ RES("'unified':{'sub/memory.max':'1'}"), "\"sub/memory.max\": expected a cgroup file name" },
	{ RES("'unified':{'.memory':'1'}"), "\".memory\": expected a cgroup file name" },
	{ RES("'unified':{'memory.':'1'}"), "\"memory.\": expected a cgroup file name" },
	{ RES("'unified':{'memory..max':'1'}"), "\"memory..max\": expected a cgroup file name" },
};

START_TEST(bad_document)
{
	cleanup_free char *json = q(bad_docs[_i].doc);
	struct error err = { 0 };
	struct spec *s = NULL;
	int r = spec_parse(json, strlen(json), &s, &err);

	ck_assert_msg(r == -EINVAL, "accepted: %s", json);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err.msg, bad_docs[_i].msg), "got \"%s\"\nwant \"%s\"", err.msg,
		      bad_docs[_i].msg);
	/* The full-path cases are exact: no trailing text after the reason. */
	if (strncmp(bad_docs[_i].msg, "linux.resources", 15) == 0)
		ck_assert_str_eq(err.msg, bad_docs[_i].msg);
	ck_assert_int_eq(err.errnum, EINVAL);
}
END_TEST

static struct spec_resources *standalone_ok(const char *doc, const char *prefix)
{
	cleanup_free char *json = q(doc);
	struct spec_resources *r = NULL;
	struct error err = { 0 };

	ck_assert_msg(spec_resources_parse(json, strlen(json), prefix, &r, &err) == 0, "failed: %s", err.msg);
	ck_assert_ptr_nonnull(r);
	return r;
}

static void standalone_bad(const char *doc, const char *prefix, const char *msg)
{
	cleanup_free char *json = q(doc);
	struct spec_resources *r = NULL;
	struct error err = { 0 };

	ck_assert_msg(spec_resources_parse(json, strlen(json), prefix, &r, &err) == -EINVAL, "accepted %s",
		      json);
	ck_assert_ptr_null(r);
	ck_assert_str_eq(err.msg, msg);
}

START_TEST(standalone_document)
{
	struct spec_resources *r = standalone_ok("{'memory':{'limit':4096,'swap':-1},'cpu':{'cpus':'1'},"
						 "'pids':{'limit':20},'blockIO':{'weight':100}}",
						 "");

	ck_assert(r->has_memory && r->memory.limit.v == 4096);
	ck_assert(r->memory.swap.set && r->memory.swap.v == -1);
	ck_assert_str_eq(r->cpu.cpus, "1");
	ck_assert(r->pids_limit.set && r->pids_limit.v == 20);
	ck_assert_uint_eq(r->blkio.weight.v, 100);
	ck_assert(!r->has_devices && !r->has_network);
	spec_resources_free(r);
	r = standalone_ok("{}", NULL);
	spec_resources_free(r);
	spec_resources_free(NULL);

	standalone_bad("{'memory':{'limit':'x'}}", "", "memory.limit: expected an integer");
	standalone_bad("{'memory':5}", "", "memory: expected an object");
	standalone_bad("{'devices':[{'allow':true,'access':'q'}]}", "",
		       "devices[0].access: \"q\": expected a subset of \"rwm\"");
	standalone_bad("{'blockIO':{'throttleReadBpsDevice':[{'major':1,'minor':2}]}}", "",
		       "blockIO.throttleReadBpsDevice[0].rate: is required");
	standalone_bad("{'hugepageLimits':[{}]}", "", "hugepageLimits[0].pageSize: is required");
	standalone_bad("{'unified':{'cgroup.procs':'1'}}", "",
		       "unified.cgroup.procs: \"cgroup.procs\": managed by berth, cannot be set");
	standalone_bad("{'cpu':{'cpus':'0-'}}", "resources", "resources.cpu.cpus: \"0-\": bad cpu list");
	standalone_bad("[]", "", "expected a JSON object at the top level");
	standalone_bad("5", "", "expected a JSON object at the top level");
	standalone_bad("[]", "resources", "resources: expected an object");
	standalone_bad("{'memory':", "", "invalid JSON: parse error: premature EOF");
	standalone_bad("", "", "invalid JSON: parse error: premature EOF");
}
END_TEST


/* What docker 20.10 writes into config.json (`docker run` with no limit) and sends to `runc update -r -`
 * (`docker update --memory 64m --memory-swap 128m`, `--cpus 0.5`), as recorded from a private dockerd. */
static const char docker_create[] = RES(
	"'devices':[{'allow':false,'access':'rwm'},{'allow':true,'type':'c','major':1,'minor':5,'access':'rwm'}],"
	"'memory':{'disableOOMKiller':false},'cpu':{'shares':0},'blockIO':{'weight':0}");
static const char docker_update_memory[] =
	"{'memory':{'limit':67108864,'reservation':0,'swap':134217728,'kernel':0},"
	"'cpu':{'shares':0,'quota':0,'period':0},'blockIO':{'weight':0}}";
static const char docker_update_cpus[] =
	"{'memory':{'limit':0,'reservation':0,'kernel':0},'cpu':{'shares':0,'quota':50000,'period':100000},"
	"'blockIO':{'weight':0}}";

START_TEST(engine_zeroes_mean_not_set)
{
	struct spec *s = parse_ok(docker_create);
	const struct spec_resources *r = s->linux_.resources;
	struct spec_resources *u;

	ck_assert(!r->cpu.shares.set);
	ck_assert(!r->blkio.weight.set);
	ck_assert(!r->has_blkio); /* nothing to write: a host without blkio is fine */
	ck_assert(r->memory.has_disable_oom_killer && !r->memory.disable_oom_killer);
	spec_free(s);

	u = standalone_ok(docker_update_memory, "");
	ck_assert(u->memory.limit.set && u->memory.limit.v == 67108864);
	ck_assert(u->memory.swap.set && u->memory.swap.v == 134217728);
	ck_assert(!u->memory.reservation.set && !u->memory.kernel.set);
	ck_assert(!u->cpu.shares.set && !u->cpu.quota.set && !u->cpu.period.set);
	ck_assert(!u->has_blkio && !u->blkio.weight.set);
	spec_resources_free(u);

	u = standalone_ok(docker_update_cpus, "");
	ck_assert(!u->memory.limit.set && !u->memory.reservation.set && !u->memory.swap.set);
	ck_assert(u->cpu.quota.set && u->cpu.quota.v == 50000);
	ck_assert(u->cpu.period.set && u->cpu.period.v == 100000);
	spec_resources_free(u);

	/* every field runc reads 0 (or -1 for swappiness) as "not given" */
	s = parse_ok(RES("'memory':{'limit':0,'reservation':0,'swap':0,'kernel':0,'kernelTCP':0,'swappiness':-1},"
			 "'cpu':{'shares':0,'quota':0,'period':0,'realtimeRuntime':0,'realtimePeriod':0,"
			 "'cpus':'','mems':''},'pids':{'limit':0},"
			 "'blockIO':{'weight':0,'leafWeight':0,'weightDevice':[{'major':8,'minor':0,'weight':0,"
			 "'leafWeight':0}]},'network':{'classID':0}"));
	r = s->linux_.resources;
	ck_assert(!r->memory.limit.set && !r->memory.reservation.set && !r->memory.swap.set);
	ck_assert(!r->memory.kernel.set && !r->memory.kernel_tcp.set && !r->memory.swappiness.set);
	ck_assert(!r->cpu.shares.set && !r->cpu.quota.set && !r->cpu.period.set);
	ck_assert(!r->cpu.realtime_runtime.set && !r->cpu.realtime_period.set);
	ck_assert_ptr_null(r->cpu.cpus);
	ck_assert_ptr_null(r->cpu.mems);
	ck_assert(r->has_pids && !r->pids_limit.set);
	ck_assert(!r->blkio.weight.set && !r->blkio.leaf_weight.set);
	ck_assert(!r->blkio.weight_devices[0].weight.set && !r->blkio.weight_devices[0].leaf_weight.set);
	ck_assert(!r->network.has_class_id);
	spec_free(s);

	/* swappiness -1 as Go's uint64 conversion writes it; any negative pids limit: unlimited */
	s = parse_ok(RES("'memory':{'swappiness':18446744073709551615},'pids':{'limit':-7}"));
	r = s->linux_.resources;
	ck_assert(!r->memory.swappiness.set);
	ck_assert(r->pids_limit.set && r->pids_limit.v == -1);
	spec_free(s);
}
END_TEST

static Suite *resources_suite(void)
{
	Suite *s = suite_create("spec_resources");
	TCase *tc = tcase_create("resources");

	tcase_add_test(tc, full_resources);
	tcase_add_test(tc, empty_and_absent);
	tcase_add_loop_test(tc, bad_document, 0, ARRAY_SIZE(bad_docs));
	tcase_add_test(tc, standalone_document);
	tcase_add_test(tc, engine_zeroes_mean_not_set);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(resources_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
