#!/usr/bin/env bats
# The remaining fields: hostname, domainname, linux.sysctl, linux.personality, annotations,
# process.oomScoreAdj and more rlimits.

load helpers

setup() {
	setup_bundle
}

ns_drop() {
	cfg --arg t "$1" 'del(.linux.namespaces[] | select(.type == $t))'
}

# --- hostname / domainname --------------------------------------------------------------------------

@test "hostname: set in the container" {
	cfg '.hostname = "h4-misc"'
	run run_ctr sh -c 'hostname; cat /proc/sys/kernel/hostname'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "h4-misc" ]
	[ "${lines[1]}" = "h4-misc" ]
}

@test "hostname: without a uts namespace it is refused (the host's must not change)" {
	local before
	before=$(hostname)
	ns_drop uts
	cfg '.hostname = "h4-must-not-be-set"'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "${output,,}" == *hostname* || "${output,,}" == *uts* ]]
	[ "$(hostname)" = "$before" ]
}

@test "domainname: set in the container (berth-only: runc 1.1 ignores domainname)" {
	cfg '.domainname = "h4.example"'
	run run_ctr cat /proc/sys/kernel/domainname
	[ "$status" -eq 0 ]
	[ "$output" = "h4.example" ]
}

@test "domainname: without a uts namespace it is refused, host unchanged (berth-only)" {
	local before
	before=$(cat /proc/sys/kernel/domainname)
	ns_drop uts
	cfg 'del(.hostname) | .domainname = "h4-must-not-be-set"'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "${output,,}" == *domainname* || "${output,,}" == *uts* ]]
	[ "$(cat /proc/sys/kernel/domainname)" = "$before" ]
}

# --- linux.sysctl -----------------------------------------------------------------------------------

@test "linux.sysctl: net.ipv4.ip_forward=1 in a new network namespace" {
	cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run run_ctr cat /proc/sys/net/ipv4/ip_forward
	[ "$status" -eq 0 ]
	[ "$output" = "1" ]
}

@test "linux.sysctl: kernel.shmmax in a new ipc namespace" {
	cfg '.linux.sysctl = {"kernel.shmmax": "12345678"}'
	run run_ctr cat /proc/sys/kernel/shmmax
	[ "$status" -eq 0 ]
	[ "$output" = "12345678" ]
	[ "$(cat /proc/sys/kernel/shmmax)" != "12345678" ]
}

@test "linux.sysctl: several keys at once, including a multi-value one" {
	cfg '.linux.sysctl = {"kernel.msgmax": "12345", "net.core.somaxconn": "1234",
		"net.ipv4.ip_local_port_range": "20000 30000"}'
	run run_ctr sh -c 'cat /proc/sys/kernel/msgmax /proc/sys/net/core/somaxconn
		cat /proc/sys/net/ipv4/ip_local_port_range | xargs'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "12345" ]
	[ "${lines[1]}" = "1234" ]
	[ "${lines[2]}" = "20000 30000" ]
}

@test "linux.sysctl: a net.* key without a network namespace is refused" {
	# The host's own value, so even a runtime that wrongly writes it leaves the host unchanged.
	local cur
	cur=$(cat /proc/sys/net/ipv4/ip_forward)
	ns_drop network
	cfg --arg v "$cur" '.linux.sysctl = {"net.ipv4.ip_forward": $v}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *net.ipv4.ip_forward* ]]
}

@test "linux.sysctl: an ipc key without an ipc namespace is refused" {
	local cur
	cur=$(cat /proc/sys/kernel/shmmax)
	ns_drop ipc
	cfg --arg v "$cur" '.linux.sysctl = {"kernel.shmmax": $v}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *kernel.shmmax* ]]
}

@test "linux.sysctl: a key no namespace isolates (kernel.panic) is refused" {
	local cur
	cur=$(cat /proc/sys/kernel/panic)
	cfg --arg v "$cur" '.linux.sysctl = {"kernel.panic": $v}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *kernel.panic* ]]
}

@test "linux.sysctl: kernel.hostname is refused, it conflicts with the hostname field" {
	cfg '.hostname = "h4-field" | .linux.sysctl = {"kernel.hostname": "h4-sysctl"}'
	run run_ctr hostname
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *'kernel.hostname'*'conflicts with the hostname field'* ]]
	cfg 'del(.hostname)'
	run run_ctr hostname
	[ "$status" -ne 0 ]
	[[ "$output" == *'kernel.hostname'*'conflicts with the hostname field'* ]]
}

@test "linux.sysctl: kernel.domainname is refused with the domainname field, set without it" {
	cfg '.domainname = "h4.field" | .linux.sysctl = {"kernel.domainname": "h4.sysctl"}'
	run run_ctr cat /proc/sys/kernel/domainname
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *'kernel.domainname'*'conflicts with the domainname field'* ]]
	cfg 'del(.domainname)'
	run run_ctr cat /proc/sys/kernel/domainname
	[ "$status" -eq 0 ]
	[ "$output" = h4.sysctl ]
}

# A network namespace made for the test, held by a sleeping process: NETNS_PID, NETNS_PATH.
hold_netns() {
	unshare -n sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	NETNS_PID=$!
	NETNS_PATH=/proc/$NETNS_PID/ns/net
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(readlink "$NETNS_PATH")" != "$(readlink /proc/self/ns/net)" ] && return 0
		sleep 0.02
	done
	return 1
}

@test "linux.sysctl: a net.* key in a network namespace joined by path is set there (podman, CRI)" {
	local before
	before=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
	hold_netns
	cfg --arg p "$NETNS_PATH" '(.linux.namespaces[] | select(.type == "network")) |= {type: "network", path: $p}
		| .linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "80"}'
	run run_ctr sh -c 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; readlink /proc/self/ns/net'
	echo "$output"
	local seen
	seen=$(nsenter --net="$NETNS_PATH" cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
	local want_ns
	want_ns=$(readlink "$NETNS_PATH")
	kill "$NETNS_PID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 80 ]
	[ "${lines[1]}" = "$want_ns" ]
	[ "$seen" = 80 ]
	[ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" = "$before" ]
}

@test "linux.sysctl: a net.* key in the host's own network namespace joined by path is refused" {
	local before p
	before=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
	for p in /proc/self/ns/net "/proc/$$/ns/net"; do
		cfg --arg p "$p" '(.linux.namespaces[] | select(.type == "network")) |= {type: "network", path: $p}
			| .linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "81"}'
		run run_ctr true
		echo "$output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"net.ipv4.ip_unprivileged_port_start"*": the network namespace $p is the host's own"* ]]
	done
	[ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" = "$before" ]
}

@test "linux.sysctl: an unknown key fails and is named" {
	cfg '.linux.sysctl = {"net.ipv4.h4_no_such_key": "1"}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *h4_no_such_key* ]]
}

# --- linux.personality ------------------------------------------------------------------------------

@test "linux.personality: LINUX32 -> uname -m prints i686 (berth-only: runc 1.1 lacks personality)" {
	[ "$(uname -m)" = x86_64 ] || skip "LINUX32 check written for x86_64 hosts"
	cfg '.linux.personality = {domain: "LINUX32"}'
	run run_ctr uname -m
	[ "$status" -eq 0 ]
	[ "$output" = "i686" ]
}

@test "linux.personality: LINUX -> uname -m is the host's" {
	cfg '.linux.personality = {domain: "LINUX"}'
	run run_ctr uname -m
	[ "$status" -eq 0 ]
	[ "$output" = "$(uname -m)" ]
}

@test "linux.personality: an unknown domain is refused and named (berth-only)" {
	cfg '.linux.personality = {domain: "H4BOGUS"}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *H4BOGUS* ]]
}

# --- annotations ------------------------------------------------------------------------------------

@test "annotations: appear in the state JSON" {
	cfg '.annotations = {"org.h4.one": "1", "org.h4.text": "hello world"}'
	set_args sleep 100
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	run rt state "$CID"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.annotations["org.h4.one"]')" = "1" ]
	[ "$(echo "$output" | jq -r '.annotations["org.h4.text"]')" = "hello world" ]
}

@test "annotations: state JSON carries the runtime-spec fields" {
	cfg '.annotations = {"org.h4.k": "v"}'
	set_args sleep 100
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	run rt state "$CID"
	[ "$status" -eq 0 ]
	echo "$output" | jq -e --arg id "$CID" --arg b "$BUNDLE" \
		'.id == $id and .status == "created" and .pid > 0 and .bundle == $b and (.ociVersion | type) == "string"'
}

# --- oomScoreAdj ------------------------------------------------------------------------------------

@test "process.oomScoreAdj: 1000" {
	cfg '.process.oomScoreAdj = 1000'
	run run_ctr cat /proc/self/oom_score_adj
	[ "$status" -eq 0 ]
	[ "$output" = "1000" ]
}

@test "process.oomScoreAdj: absent -> inherited from the caller" {
	cfg 'del(.process.oomScoreAdj)'
	set_args cat /proc/self/oom_score_adj
	run sh -c 'echo 123 >/proc/self/oom_score_adj && exec "$@"' sh \
		"$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = "123" ]
}

@test "process.oomScoreAdj: 0 is applied, not treated as absent" {
	cfg '.process.oomScoreAdj = 0'
	set_args cat /proc/self/oom_score_adj
	run sh -c 'echo 123 >/proc/self/oom_score_adj && exec "$@"' sh \
		"$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	# Lowering 123 -> 0 needs CAP_SYS_RESOURCE unless the runtime keeps oom_score_adj_min at 0.
	if [ "$status" -ne 0 ]; then
		[[ "$output" == *oom_score_adj* || "$output" == *oomScoreAdj* ]]
	else
		[ "$output" = "0" ]
	fi
}

# --- more rlimits -----------------------------------------------------------------------------------

@test "process.rlimits: RLIMIT_MEMLOCK and RLIMIT_STACK lowered" {
	cfg '.process.rlimits = [{type: "RLIMIT_MEMLOCK", soft: 65536, hard: 65536},
		{type: "RLIMIT_STACK", soft: 1048576, hard: 2097152}]'
	run run_ctr cat /proc/self/limits
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '/^Max locked memory/ { print $4, $5 }')" = "65536 65536" ]
	[ "$(echo "$output" | awk '/^Max stack size/ { print $4, $5 }')" = "1048576 2097152" ]
}

@test "process.rlimits: an unknown type is refused and named" {
	cfg '.process.rlimits = [{type: "RLIMIT_H4BOGUS", soft: 1, hard: 1}]'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *RLIMIT_H4BOGUS* ]]
}

@test "process.rlimits: soft above hard is refused (berth wording names the limit)" {
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 2048, hard: 1024}]'
	run run_ctr echo should-not-run
	[ "$status" -ne 0 ]
	[[ "$output" != *should-not-run* ]]
	[[ "$output" == *RLIMIT_NOFILE* ]]
}

@test "process.scheduler: SCHED_BATCH with nice 5 (policy 3 and nice in /proc/self/stat)" {
	cfg '.process.scheduler = {policy: "SCHED_BATCH", nice: 5}'
	run run_ctr sh -c 'cut -d" " -f19,41 /proc/self/stat'
	[ "$status" -eq 0 ]
	[ "$output" = "5 3" ]
}

@test "process.scheduler: SCHED_FIFO priority 10 (policy 1, rt priority 10)" {
	cfg '.process.scheduler = {policy: "SCHED_FIFO", priority: 10}'
	# v1 with RT group scheduling: a new cpu cgroup has no realtime budget; give a top-level one some
	if [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]; then
		cfg --arg p "/berth-rt-$CID" '.linux.cgroupsPath = $p
			| .linux.resources.cpu = {realtimeRuntime: 10000, realtimePeriod: 1000000}'
	fi
	run run_ctr sh -c 'cut -d" " -f40,41 /proc/self/stat'
	[ "$status" -eq 0 ]
	[ "$output" = "10 1" ]
}

@test "process.scheduler: an unknown policy and an out-of-range priority are refused and named" {
	cfg '.process.scheduler = {policy: "SCHED_FOO"}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.scheduler.policy: unknown value"*SCHED_FOO* ]]
	cfg '.process.scheduler = {policy: "SCHED_RR", priority: 100}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.scheduler.priority"* ]]
}

@test "process.ioPriority: IOPRIO_CLASS_IDLE shows as idle, BE 6 as best-effort prio 6" {
	cfg '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE"}'
	run run_ctr ionice
	[ "$status" -eq 0 ]
	[[ "$output" == idle* ]]
	cfg '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
	run run_ctr ionice
	[ "$status" -eq 0 ]
	[[ "$output" == "best-effort: prio 6" ]]
}

@test "linux.netDevices is refused as not supported yet, leaving nothing" {
	cfg '.linux.netDevices = {eth0: {}}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.netDevices: not supported yet"* ]]
	[ ! -e "$ROOT/$CID" ]
}
