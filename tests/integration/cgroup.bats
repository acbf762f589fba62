#!/usr/bin/env bats
# cgroups: the effect of linux.resources seen from inside the container, and pause, resume, update,
# events, ps and kill --all. The same file runs on the hybrid host (v1 backend) and, from
# tests/vm/cgroup.sh, in a VM with pure cgroup v2 (v2 backend).

load helpers

setup() {
	setup_bundle
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then V2=1; else V2=0; fi
}

# The host path of a cgroup file of this container: cg_file memory.max
cg_file() {
	local f=$1 path=${2:-/berth/$CID}
	if [ $V2 -eq 1 ]; then echo "/sys/fs/cgroup$path/$f"; else echo "/sys/fs/cgroup/${f%%.*}$path/$f"; fi
}

# Every cgroup directory (any hierarchy) whose name holds the container id.
cg_dirs() {
	find /sys/fs/cgroup -maxdepth 4 -type d -name "*$CID*" 2>/dev/null
}

stats() {
	rt events --stats "$CID"
}

@test "cgroup: the init and an exec'd process are in the container's cgroup, seen as / inside" {
	set_args sleep 100
	run_detached
	local pid
	pid=$(rt state "$CID" | jq -r .pid)
	grep -q "/berth/$CID\$" "/proc/$pid/cgroup"
	run rt exec "$CID" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	# cgroup namespace: the container's own cgroup is its root
	if [ $V2 -eq 1 ]; then [ "$output" = "0::/" ]; else grep -q '^[0-9]*:memory:/$' <<<"$output"; fi
	# seen from the host, an exec'd process is in the container's cgroup in every hierarchy
	rt exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$CID" sleep 5
	local lines_in
	lines_in=$(grep -c "/berth/$CID\$" "/proc/$(cat "$BATS_TEST_TMPDIR/exec.pid")/cgroup")
	[ "$lines_in" -eq "$(grep -c "/berth/$CID\$" "/proc/$pid/cgroup")" ]
	[ "$lines_in" -ge 1 ]
	# read-only: the mount says so, and nothing can be written (EROFS, or EACCES first on 6.1 for exec)
	run rt exec "$CID" sh -c 'grep " /sys/fs/cgroup " /proc/self/mountinfo | cut -d" " -f6'
	[[ "$output" =~ ^ro, ]]
	run rt exec "$CID" touch /sys/fs/cgroup/x
	[ "$status" -ne 0 ]
	[[ "$output" =~ "Read-only file system" || "$output" =~ "Permission denied" ]]
}

@test "cgroup: the container has its own cgroup in the named name=systemd hierarchy (v1), gone at delete" {
	[ $V2 -eq 0 ] || skip "no named hierarchy on cgroup v2"
	grep -q ' - cgroup [^ ]* [^ ]*name=systemd' /proc/self/mountinfo || skip "no name=systemd hierarchy here"
	set_args sleep 100
	cfg '.root.readonly = false'
	run_detached
	local pid
	pid=$(rt state "$CID" | jq -r .pid)
	grep -q "^[0-9]*:name=systemd:/berth/$CID\$" "/proc/$pid/cgroup"
	# inside, its own cgroup namespace roots it there; the mount shows its own cgroup, not the host's tree
	run rt exec "$CID" cat /proc/self/cgroup
	grep -q '^[0-9]*:name=systemd:/$' <<<"$output"
	run rt exec "$CID" sh -c 'ls -d /sys/fs/cgroup/systemd/*/ 2>/dev/null | wc -l; cat /sys/fs/cgroup/systemd/cgroup.procs'
	[ "${lines[0]}" -eq 0 ]
	grep -qx 1 <<<"$output"
	rt delete --force "$CID"
	[ ! -e "/sys/fs/cgroup/systemd/berth/$CID" ]
	[ -z "$(cg_dirs)" ]
	# without a cgroup namespace: the path as the host sees it, and the bind shows that cgroup only
	cfg 'del(.linux.namespaces[] | select(.type == "cgroup"))'
	run run_ctr sh -c 'cat /proc/self/cgroup; ls -d /sys/fs/cgroup/systemd/*/ 2>/dev/null | wc -l'
	[ "$status" -eq 0 ]
	grep -q "^[0-9]*:name=systemd:/berth/$CID\$" <<<"$output"
	[ "${lines[-1]}" -eq 0 ]
	[ -z "$(cg_dirs)" ]
}

@test "cgroup: with a new user namespace berth moves the init into its cgroup, every hierarchy" {
	# the VM runs its command chrooted, where the kernel refuses CLONE_NEWUSER
	unshare -U true 2>/dev/null || skip "user namespaces cannot be made here (a chroot?)"
	cfg '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.resources.pids = {limit: 7}'
	local d=$BUNDLE
	while [ "$d" != / ]; do chmod o+x "$d"; d=$(dirname "$d"); done
	set_args sh -c 'cat /proc/self/cgroup; (for i in $(seq 20); do sleep 5 & done) 2>/dev/null
		n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo "n=$n"'
	run run_ctr
	[ "$status" -eq 0 ]
	# inside its own cgroup namespace, rooted at the container's cgroup
	if [ $V2 -eq 1 ]; then [ "${lines[0]}" = "0::/" ]; else grep -q '^[0-9]*:pids:/$' <<<"$output"; fi
	[[ "$output" =~ n=[1-7]$ ]]
}

@test "cgroup: a process allocating past memory.limit is OOM-killed and events reports it" {
	install_helper memhog
	cfg '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
	set_args sh -c 'while [ ! -e /go ]; do sleep 0.05; done; memhog 200 >/memhog.out; echo "rc=$?" >/rc; sleep 100'
	cfg '.root.readonly = false'
	run_detached
	rt events --interval 1s "$CID" >"$BATS_TEST_TMPDIR/events" 2>&1 &
	local ev=$!
	sleep 0.3
	touch "$BUNDLE/rootfs/go"
	for _ in $(seq 100); do [ -e "$BUNDLE/rootfs/rc" ] && break; sleep 0.1; done
	[ "$(cat "$BUNDLE/rootfs/rc")" = "rc=137" ]
	# it got near the limit, not past it
	local got
	got=$(tail -n1 "$BUNDLE/rootfs/memhog.out")
	[ "$got" -ge 10 ]
	[ "$got" -le 33 ]
	for _ in $(seq 50); do grep -q '"type":"oom"' "$BATS_TEST_TMPDIR/events" && break; sleep 0.1; done
	kill $ev
	grep -q "{\"type\":\"oom\",\"id\":\"$CID\"}" "$BATS_TEST_TMPDIR/events"
	run stats
	[ "$status" -eq 0 ]
	[ "$(jq .data.memory.oomKills <<<"$output")" -ge 1 ]
	[ "$(jq .data.memory.usage.limit <<<"$output")" -eq 33554432 ]
}

@test "cgroup: a fork loop stops at pids.limit" {
	cfg '.linux.resources.pids = {limit: 12}'
	# busybox sh gives up at the first failed fork: loop in a subshell; count with builtins only
	run run_ctr sh -c '(for i in $(seq 30); do sleep 5 & done) 2>/dev/shm/err
		n=0; for d in /proc/[0-9]*; do n=$((n+1)); done; echo $n; cat /dev/shm/err'
	[ "$status" -eq 0 ]
	# sh and at most 11 sleeps: 30 were asked for
	[ "${lines[0]}" -le 12 ]
	[ "${lines[0]}" -ge 9 ]
	[[ "$output" =~ "can't fork" ]]
}

@test "cgroup: a cpu quota throttles: usage stays within the quota of the periods the cgroup counted" {
	# measured on the cgroup's own counters over a window of periods, not wall-clock time: on a loaded
	# 2-core machine or in an emulated VM the loop may get the CPU late or seldom
	cfg '.linux.resources.cpu = {quota: 10000, period: 100000}'
	set_args sh -c 'while :; do :; done'
	run_detached
	local s p0 t0 u0 p1 t1 u1 dp dt du
	s=$(stats)
	p0=$(jq .data.cpu.throttling.periods <<<"$s")
	t0=$(jq .data.cpu.throttling.throttledPeriods <<<"$s")
	u0=$(jq .data.cpu.usage.total <<<"$s")
	for _ in $(seq 600); do
		sleep 0.1
		s=$(stats)
		p1=$(jq .data.cpu.throttling.periods <<<"$s")
		[ $((p1 - p0)) -ge 15 ] && break
	done
	t1=$(jq .data.cpu.throttling.throttledPeriods <<<"$s")
	u1=$(jq .data.cpu.usage.total <<<"$s")
	dp=$((p1 - p0)) dt=$((t1 - t0)) du=$((u1 - u0))
	echo "over $dp periods: $dt throttled, $du ns of CPU"
	[ "$dp" -ge 15 ]
	[ "$du" -gt 0 ]
	[ "$dt" -ge 1 ]
	[ "$dt" -le "$dp" ]
	# at most the quota (10 ms) per period counted, with 10% and three periods' worth for the
	# runtime a CPU keeps between periods and the edges of the window (unthrottled: ~100 ms a period)
	[ "$du" -le $(((dp * 11 / 10 + 3) * 10000 * 1000)) ]
}

@test "cgroup: cpu shares become the converted weight; cpus and mems are applied" {
	cfg '.linux.resources.cpu = {shares: 1024, cpus: "0", mems: "0"}'
	run run_ctr sh -c 'grep Cpus_allowed_list /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" =~ Cpus_allowed_list:[[:space:]]+0$ ]]
	set_args sleep 100
	run_detached
	if [ $V2 -eq 1 ]; then
		[ "$(cat "$(cg_file cpu.weight)")" = 100 ]
	else
		[ "$(cat "$(cg_file cpu.shares)")" = 1024 ]
	fi
}

@test "cgroup: a denied device can be neither opened nor created" {
	cfg '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]'
	cfg '.mounts += [{destination: "/dev/kmsg", type: "bind", source: "/dev/kmsg", options: ["bind"]}]'
	cfg '.root.readonly = false'
	run run_ctr sh -c 'echo berth-devtest >/dev/kmsg; echo "write=$?"; mknod /mk c 1 11; echo "mknod=$?";
		echo x >/dev/null && echo null-ok'
	[[ "$output" =~ "write=1" ]]
	[[ "$output" =~ "mknod=1" ]]
	[[ "$output" =~ "null-ok" ]]
	[[ "$output" =~ "Operation not permitted" ]]
	# allowed by a rule: both work
	cfg '.linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 11, access: "wm"}]'
	run run_ctr sh -c 'echo berth-devtest >/dev/kmsg; echo "write=$?"; mknod /mk2 c 1 11; echo "mknod=$?"'
	[[ "$output" =~ "write=0" ]]
	[[ "$output" =~ "mknod=0" ]]
}

@test "cgroup: pause freezes the container and resume continues it" {
	cfg '.root.readonly = false'
	# the counter is the size of a file the container keeps appending to
	set_args sh -c 'while :; do echo x >>/count; done'
	run_detached
	sleep 0.3
	rt pause "$CID"
	[ "$(rt state "$CID" | jq -r .status)" = paused ]
	run rt list
	[[ "$output" =~ paused ]]
	local a b c
	a=$(stat -c %s "$BUNDLE/rootfs/count")
	sleep 0.5
	b=$(stat -c %s "$BUNDLE/rootfs/count")
	[ "$a" -gt 0 ]
	[ "$a" = "$b" ]
	run rt exec "$CID" true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "paused" ]]
	run rt pause "$CID"
	[ "$status" -ne 0 ]
	rt resume "$CID"
	[ "$(rt state "$CID" | jq -r .status)" = running ]
	sleep 0.3
	c=$(stat -c %s "$BUNDLE/rootfs/count")
	[ "$c" -gt "$b" ]
	run rt resume "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" =~ "not paused" ]]
}

@test "cgroup: update changes live limits (pids by flag, memory by -r)" {
	cfg '.linux.resources.pids = {limit: 5}'
	set_args sleep 100
	run_detached
	run rt exec "$CID" sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 2 & done 2>&1; wait'
	[[ "$output" =~ "fork" ]]
	rt update --pids-limit 50 "$CID"
	run rt exec "$CID" sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 0.2 & done 2>&1; wait; echo done'
	[ "$status" -eq 0 ]
	[ "$output" = done ]
	[ "$(stats | jq .data.pids.limit)" -eq 50 ]
	echo '{"memory": {"limit": 67108864}}' >"$BATS_TEST_TMPDIR/r.json"
	rt update -r "$BATS_TEST_TMPDIR/r.json" "$CID"
	[ "$(stats | jq .data.memory.usage.limit)" -eq 67108864 ]
	rt update --memory 96m --cpu-quota 20000 --cpu-period 100000 "$CID"
	[ "$(stats | jq .data.memory.usage.limit)" -eq 100663296 ]
	run rt update --memory lots "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" =~ "--memory" ]]
	echo '{"memory": {"limit": "big"}}' >"$BATS_TEST_TMPDIR/bad.json"
	run rt update -r "$BATS_TEST_TMPDIR/bad.json" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" =~ "memory.limit" ]]
}

@test "cgroup: docker's zeroes mean not set, at create and in update -r (docker's exact documents)" {
	# linux.resources as docker 20.10 writes it for `docker run` (recorded), plus the other zeroes runc
	# reads as "not given": no limit, and nothing refused on a host without a proportional I/O scheduler
	cfg '.linux.resources = {devices: [{allow: false, access: "rwm"},
			{allow: true, type: "c", major: 1, minor: 5, access: "rwm"},
			{allow: true, type: "c", major: 1, minor: 3, access: "rwm"},
			{allow: true, type: "c", major: 1, minor: 9, access: "rwm"},
			{allow: true, type: "c", major: 1, minor: 8, access: "rwm"},
			{allow: true, type: "c", major: 5, minor: 0, access: "rwm"},
			{allow: true, type: "c", major: 5, minor: 1, access: "rwm"},
			{allow: false, type: "c", major: 10, minor: 229, access: "rwm"}],
		memory: {disableOOMKiller: false}, cpu: {shares: 0}, blockIO: {weight: 0}}'
	set_args sleep 100
	run_detached
	rt delete --force "$CID"
	cfg '.linux.resources.memory = {limit: 0, reservation: 0, swap: 0, kernel: 0}
		| .linux.resources.cpu = {shares: 0, quota: 0, period: 0, realtimeRuntime: 0, realtimePeriod: 0,
			cpus: "", mems: ""}
		| .linux.resources.pids = {limit: 0}
		| .linux.resources.blockIO = {weight: 0, leafWeight: 0}'
	run_detached
	[ "$(stats | jq .data.pids.limit)" -eq 0 ] # max
	if [ $V2 -eq 1 ]; then
		[ "$(cat "$(cg_file memory.max)")" = max ]
	else
		[ "$(cat "$(cg_file memory.limit_in_bytes)")" -gt 1099511627776 ]
	fi
	! grep -q "deprecated" "$BATS_TEST_TMPDIR/ctr.err" || false
	# `docker update --memory 64m --memory-swap 128m`, then `docker update --cpus 0.5`, as docker sends them
	rt update -r - "$CID" <<-'EOF'
	{"memory":{"limit":67108864,"reservation":0,"swap":134217728,"kernel":0},"cpu":{"shares":0,"quota":0,"period":0},"blockIO":{"weight":0}}
	EOF
	[ "$(stats | jq .data.memory.usage.limit)" -eq 67108864 ]
	if [ $V2 -eq 1 ]; then
		[ "$(cat "$(cg_file memory.swap.max)")" = 67108864 ]
	else
		[ "$(cat "$(cg_file memory.memsw.limit_in_bytes)")" = 134217728 ]
	fi
	run rt update -r - "$CID" <<-'EOF'
	{"memory":{"limit":0,"reservation":0,"kernel":0},"cpu":{"shares":0,"quota":50000,"period":100000},"blockIO":{"weight":0}}
	EOF
	[ "$status" -eq 0 ]
	[[ ! "$output" =~ "deprecated" ]]
	[ "$(stats | jq .data.memory.usage.limit)" -eq 67108864 ] # limit 0: left as it was
	if [ $V2 -eq 1 ]; then
		[ "$(cat "$(cg_file cpu.max)")" = "50000 100000" ]
	else
		[ "$(cat "$(cg_file cpu.cfs_quota_us)")" = 50000 ]
	fi
	# runc's spelling of the flag
	rt update --cpu-share 512 "$CID"
	if [ $V2 -eq 1 ]; then
		[ "$(cat "$(cg_file cpu.weight)")" = 59 ]
	else
		[ "$(cat "$(cg_file cpu.shares)")" = 512 ]
	fi
	# the flags read a zero the same way
	rt update --memory 0 --pids-limit 0 --blkio-weight 0 --cpu-shares 0 "$CID"
	[ "$(stats | jq .data.memory.usage.limit)" -eq 67108864 ]
	rt update --pids-limit -1 "$CID"
	[ "$(stats | jq .data.pids.limit)" -eq 0 ]
}

@test "cgroup: exec --cgroup runs the process in a sub-cgroup the container made (runc 1.2's forms)" {
	cfg '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |= map(select(. != "ro"))'
	set_args sh -c 'for d in /sys/fs/cgroup /sys/fs/cgroup/*; do
			[ -L "$d" ] || [ ! -e "$d/cgroup.procs" ] || mkdir "$d/sub"
		done
		c=/sys/fs/cgroup/cpuset; [ -e $c/sub/cpuset.cpus ] && cat $c/cpuset.cpus >$c/sub/cpuset.cpus &&
			cat $c/cpuset.mems >$c/sub/cpuset.mems
		touch /dev/shm/ready; sleep 100'
	run_detached
	for _ in $(seq 50); do rt exec "$CID" test -e /dev/shm/ready && break; sleep 0.1; done
	run rt exec --cgroup sub "$CID" cat /proc/self/cgroup
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(grep -v ':/sub$' <<<"$output")" ]
	rt exec -d --cgroup /sub --pid-file "$BATS_TEST_TMPDIR/p" "$CID" sleep 5
	grep -q "/berth/$CID/sub\$" "/proc/$(cat "$BATS_TEST_TMPDIR/p")/cgroup"
	if [ $V2 -eq 0 ]; then
		run rt exec --cgroup memory,pids:sub --cgroup name=systemd:/sub "$CID" cat /proc/self/cgroup
		[ "$status" -eq 0 ]
		grep -q '^[0-9]*:memory:/sub$' <<<"$output"
		grep -q '^[0-9]*:pids:/sub$' <<<"$output"
		grep -q '^[0-9]*:name=systemd:/sub$' <<<"$output"
		grep -q '^[0-9]*:cpu:/$' <<<"$output"
		rt exec "$CID" mkdir /sys/fs/cgroup/cpuset/bare
		run rt exec --cgroup cpuset:bare "$CID" true
		[ "$status" -ne 0 ]
		[[ "$output" =~ "has no cpuset.cpus or cpuset.mems" ]]
		run rt exec --cgroup nosuchctrl:sub "$CID" true
		[ "$status" -ne 0 ]
		[[ "$output" =~ "nosuchctrl" ]]
	else
		run rt exec --cgroup memory:sub "$CID" true
		[ "$status" -ne 0 ]
		[[ "$output" =~ "cgroup v1 only" ]]
	fi
	run rt exec --cgroup nosuch "$CID" true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "--cgroup nosuch" ]]
	run rt exec --cgroup ../x "$CID" true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "--cgroup ../x" ]]
	run rt exec --cgroup sub --cgroup memory:sub "$CID" true
	[ "$status" -ne 0 ]
}

@test "cgroup: ps lists the container's pids, as json and through ps" {
	set_args sh -c 'sleep 100 & sleep 100 & wait'
	run_detached
	local pid
	pid=$(rt state "$CID" | jq -r .pid)
	for _ in $(seq 50); do [ "$(rt ps --format json "$CID" | jq length)" -eq 3 ] && break; sleep 0.1; done
	run rt ps --format json "$CID"
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" -eq 3 ]
	jq -e --argjson p "$pid" 'index($p) != null' <<<"$output"
	run rt ps "$CID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ PID ]]
	[ "${#lines[@]}" -eq 4 ]
	run rt ps "$CID" -o pid,comm
	[ "$status" -eq 0 ]
	[ "$(grep -c sleep <<<"$output")" -eq 2 ]
}

@test "cgroup: kill --all reaches every process of the container" {
	set_args sh -c 'sleep 100 & sleep 100 & wait'
	run_detached
	for _ in $(seq 50); do [ "$(rt ps --format json "$CID" | jq length)" -eq 3 ] && break; sleep 0.1; done
	rt kill --all "$CID" KILL
	for _ in $(seq 50); do [ "$(rt ps --format json "$CID" | jq length)" -eq 0 ] && break; sleep 0.1; done
	[ "$(rt ps --format json "$CID")" = "[]" ]
	wait_status stopped
}

@test "cgroup: delete leaves no cgroup directory in any hierarchy, also after pause and with a custom path" {
	set_args sleep 100
	run_detached
	[ -n "$(cg_dirs)" ]
	rt pause "$CID"
	rt delete --force "$CID"
	[ -z "$(cg_dirs)" ]
	# an absolute cgroupsPath, two levels made by berth and removed again
	cfg ".linux.cgroupsPath = \"/berth-test-$CID/inner\""
	run_detached
	grep -q "/berth-test-$CID/inner\$" "/proc/$(rt state "$CID" | jq -r .pid)/cgroup"
	rt delete --force "$CID"
	[ -z "$(cg_dirs)" ]
}

@test "cgroup: delete removes the cgroups the container made below its own, a frozen one included" {
	# its own cgroup namespace and a writable cgroup mount: the container makes sub-cgroups, moves a
	# process two levels down and freezes it there
	cfg '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |= map(select(. != "ro"))'
	cfg '.root.readonly = false'
	if [ $V2 -eq 1 ]; then
		set_args sh -c 'mkdir -p /sys/fs/cgroup/sub/deeper /sys/fs/cgroup/empty/a/b
			sleep 1000 & echo $! >/sys/fs/cgroup/sub/deeper/cgroup.procs
			echo 1 >/sys/fs/cgroup/sub/cgroup.freeze; touch /ready; wait'
	else
		set_args sh -c 'for h in freezer memory pids cpu,cpuacct devices blkio systemd; do
				[ -d /sys/fs/cgroup/$h ] && mkdir -p /sys/fs/cgroup/$h/sub/deeper /sys/fs/cgroup/$h/empty/a/b
			done
			sleep 1000 & p=$!
			for h in freezer memory pids; do echo $p >/sys/fs/cgroup/$h/sub/deeper/cgroup.procs; done
			echo FROZEN >/sys/fs/cgroup/freezer/sub/freezer.state; touch /ready; wait'
	fi
	run_detached
	for _ in $(seq 50); do [ -e "$BUNDLE/rootfs/ready" ] && break; sleep 0.1; done
	[ -e "$BUNDLE/rootfs/ready" ]
	local sub
	if [ $V2 -eq 1 ]; then sub=/sys/fs/cgroup/berth/$CID/sub/deeper; else sub=/sys/fs/cgroup/freezer/berth/$CID/sub/deeper; fi
	[ -n "$(cat "$sub/cgroup.procs")" ]
	run rt delete --force "$CID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(cg_dirs)" ]
	[ ! -e "$ROOT/$CID" ]
}

@test "cgroup: a second container into a cgroup that has processes is refused, the first one untouched" {
	cfg ".linux.cgroupsPath = \"/berth-test-$CID/shared\""
	set_args sleep 100
	run_detached
	local first=$CID pid
	pid=$(rt state "$first" | jq -r .pid)
	CID=$first-2
	run run_detached
	[ "$status" -ne 0 ]
	[[ "$output" =~ "cgroup /berth-test-$first/shared is not empty" ]]
	[ ! -e "$ROOT/$CID" ]
	# the first container and its cgroup are as they were
	kill -0 "$pid"
	grep -q "/berth-test-$first/shared\$" "/proc/$pid/cgroup"
	[ "$(rt state "$first" | jq -r .status)" = running ]
	rt delete --force "$first"
	CID=$first
	[ -z "$(cg_dirs)" ]
}

@test "cgroup: systemd-style paths map onto cgroupfs" {
	cfg ".linux.cgroupsPath = \"machine.slice:berth:$CID\""
	set_args sleep 100
	"$BERTH" --root "$ROOT" --systemd-cgroup run -d --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	grep -q "/machine.slice/berth-$CID.scope\$" "/proc/$(rt state "$CID" | jq -r .pid)/cgroup"
	rt delete --force "$CID"
	[ -z "$(cg_dirs)" ]
	run "$BERTH" --root "$ROOT" run -d --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" =~ "systemd" ]]
}

@test "cgroup: an invalid or unsupported value fails naming the field and leaves nothing" {
	cfg '.linux.resources.memory = {limit: "lots"}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "linux.resources.memory.limit" ]]
	cfg '.linux.resources.memory = {limit: 33554432, reservation: 67108864}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "linux.resources.memory" ]]
	if [ $V2 -eq 1 ]; then
		cfg '.linux.resources = {network: {classID: 1}}'
		run run_ctr true
		[[ "$output" =~ "linux.resources.network" ]]
	else
		cfg '.linux.resources = {unified: {"memory.high": "100M"}}'
		run run_ctr true
		[[ "$output" =~ "linux.resources.unified" ]]
	fi
	[ "$status" -ne 0 ]
	[ -z "$(cg_dirs)" ]
	[ ! -e "$ROOT/$CID" ]
	run "$BERTH" --root "$ROOT" --cgroup-manager disabled run --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" =~ "disabled" ]]
}

@test "cgroup: --cgroup-manager=disabled runs without a cgroup" {
	cfg 'del(.linux.resources)'
	run "$BERTH" --root "$ROOT" --cgroup-manager disabled run --bundle "$BUNDLE" "$CID" </dev/null
	[ "$status" -eq 0 ]
	[ -z "$(cg_dirs)" ]
}

# /proc/self/mountinfo lists every container's rootfs, and the kernel makes it line by line: reading
# it made each run slower than the one before. With listmount(2) and statmount's mount options
# (Linux 6.11), the cgroup hierarchies come from the mounts below /sys/fs/cgroup alone.
@test "cgroup: create, start and delete never read /proc/self/mountinfo (Linux 6.11 and later)" {
	command -v strace >/dev/null || skip "no strace"
	local major minor
	IFS=. read -r major minor _ <<<"$(uname -r)"
	[ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 11 ]; } || skip "kernel $(uname -r) has no statmount mount options"
	cfg '.mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["ro"]}]'
	set_args sh -c 'ls /sys/fs/cgroup'
	traced -f -qq -e trace=openat,openat2,open -o "$BATS_TEST_TMPDIR/trace" \
		"$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	run grep mountinfo "$BATS_TEST_TMPDIR/trace"
	[ "$status" -eq 1 ]
}

# A fresh cgroup v1 mount drains and walks every cgroup of the host and every cgroup superblock, a
# cost that grew with every running container: the init binds its own cgroup directories instead,
# found before it enters its cgroup namespace. The view inside is the same (the test above).
@test "cgroup: on a v1 or hybrid host the container's cgroup mount binds, it mounts no hierarchy afresh" {
	[ $V2 -eq 0 ] || skip "cgroup v2: one fresh cgroup2 mount"
	command -v strace >/dev/null || skip "no strace"
	cfg '.mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["ro"]}]'
	set_args sh -c 'cat /sys/fs/cgroup/pids/cgroup.procs; ls /sys/fs/cgroup/memory | grep -c "^berth$" || true'
	traced -f -qq -e trace=fsopen -o "$BATS_TEST_TMPDIR/trace" "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID" \
		>"$BATS_TEST_TMPDIR/out"
	# the container's own cgroup: its processes, and no berth/ of the host below
	[ "$(head -n 1 "$BATS_TEST_TMPDIR/out")" = 1 ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" = 0 ]
	run grep '"cgroup"' "$BATS_TEST_TMPDIR/trace"
	[ "$status" -eq 1 ]
}
