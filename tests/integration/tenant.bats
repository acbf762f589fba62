#!/usr/bin/env bats
# Tenants (issue 13): cgroup subtrees whose limits the kernel enforces across their containers, with
# admission. On a v1/hybrid host and on pure v2 (the same tests in the VM).

load helpers

setup() {
	setup_bundle
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then V2=1; else V2=0; fi
	# tenant cgroups are host-wide: a name of this test's own
	T=bt$$-$BATS_TEST_NUMBER
}

teardown() {
	if [ -n "${PD_DIR:-}" ]; then # the podman test: its containers, then its overlay mount
		P rm -af -t 0 >/dev/null 2>&1 || true
		awk -v d="$PD_DIR" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
			while read -r m; do umount "$m" 2>/dev/null || true; done
		rm -rf "$PD_DIR"
	fi
	teardown_containers
	local n
	for n in $(rt tenant ls --format json 2>/dev/null | jq -r '.[].name' | sort -r); do
		rt tenant rm "$n" >/dev/null 2>&1 || true
	done
}

# The host file of a tenant's cgroup: tfile NAME FILE (v1: in the controller's hierarchy).
tfile() {
	local path=/berth/tenants/$1 f=$2 c=${2%%.*}
	if [ $V2 -eq 1 ]; then echo "/sys/fs/cgroup$path/$f"; else echo "/sys/fs/cgroup/$c$path/$f"; fi
}

# A container of the tenant, detached, running args: start_in TENANT ID args...
start_in() {
	local t=$1 id=$2
	shift 2
	set_args "$@"
	"$BERTH" --root "$ROOT" run --detach --tenant "$t" --bundle "$BUNDLE" "$id" </dev/null \
		>"$BATS_TEST_TMPDIR/$id.out" 2>"$BATS_TEST_TMPDIR/$id.err" 3>&-
}

@test "tenant: bad names and values fail naming them and leave nothing" {
	local name
	for name in .. /x "" a/../b "$(printf 'a%.0s' $(seq 70))" 'a b' "$T/nochild/x"; do
		run rt tenant create "$name"
		[ "$status" -ne 0 ]
		[[ "$output" == *"tenant"*"\\\"$name\\\""* ]] || [[ "$output" == *"\\\"$T/nochild\\\""* ]]
	done
	run rt tenant create "$T" --memory 12q
	[ "$status" -ne 0 ]
	[[ "$output" == *'--memory: \"12q\" is not a size'* ]]
	run rt tenant create "$T" --cpus nan
	[[ "$output" == *'--cpus: \"nan\"'* ]]
	run rt tenant create "$T" --pids -3
	[[ "$output" == *'--pids: \"-3\"'* ]]
	run rt tenant create "$T" --io-max 8:0:rbps=x
	[[ "$output" == *'--io-max: \"8:0:rbps=x\"'* ]]
	run rt tenant ls --format json
	[ "$(jq length <<<"$output")" = 0 ]
	[ ! -e "$(tfile "$T" pids.max)" ]
}

@test "tenant: create, show beside the cgroup files, update live, rm" {
	rt tenant create "$T" --memory 64m --memory-swap 64m --cpus 0.5 --pids 40 --containers 3
	[ "$(cat "$(tfile "$T" pids.max)")" = 40 ]
	if [ $V2 -eq 1 ]; then
		[ "$(cat "$(tfile "$T" memory.max)")" = 67108864 ]
		[ "$(cat "$(tfile "$T" cpu.max)")" = "50000 100000" ]
	else
		[ "$(cat "$(tfile "$T" memory.limit_in_bytes)")" = 67108864 ]
		[ "$(cat "$(tfile "$T" cpu.cfs_quota_us)")" = 50000 ]
	fi
	start_in "$T" c1 sleep 100
	run rt tenant show "$T" --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r .limits.memory <<<"$output")" = 64m ]
	[ "$(jq -r .usage.containers <<<"$output")" = 1 ]
	[ "$(jq -r .usage.pids <<<"$output")" = "$(cat "$(tfile "$T" pids.current)")" ]
	[ "$(jq -r .usage.memory <<<"$output")" -gt 0 ]
	run rt tenant show "$T"
	[[ "$output" == *"containers   3"*"1 running"* ]]
	rt tenant update "$T" --pids 60
	[ "$(cat "$(tfile "$T" pids.max)")" = 60 ]
	[ "$(rt tenant ls --format json | jq -r .[0].pids)" = 60 ]
	run rt tenant rm "$T"
	[ "$status" -ne 0 ]
	[[ "$output" == *"has 1 running container"* ]]
	rt delete --force c1
	rt tenant rm "$T"
	[ ! -e "$(tfile "$T" pids.max)" ]
	[ -z "$(rt tenant ls --format json | jq -r .[].name)" ]
}

@test "tenant: cgroup placement: default, relative, absolute inside, outside, annotation" {
	rt tenant create "$T"
	set_args sleep 100
	rt create --tenant "$T" --bundle "$BUNDLE" c1
	grep -q ":/berth/tenants/$T/c1\$" "/proc/$(rt state c1 | jq .pid)/cgroup"
	cfg '.linux.cgroupsPath = "rel/c2"'
	rt create --tenant "$T" --bundle "$BUNDLE" c2
	grep -q ":/berth/tenants/$T/rel/c2\$" "/proc/$(rt state c2 | jq .pid)/cgroup"
	# an engine's --cgroup-parent: absolute, inside, counted without any flag
	cfg ".linux.cgroupsPath = \"/berth/tenants/$T/libpod-c3\""
	rt create --bundle "$BUNDLE" c3
	grep -q ":/berth/tenants/$T/libpod-c3\$" "/proc/$(rt state c3 | jq .pid)/cgroup"
	[ "$(rt tenant show "$T" --format json | jq .usage.containers)" = 3 ]
	# the tenant is in the state, however the container joined
	[ "$(rt state c1 | jq -r '.annotations["org.berth.tenant"]')" = "$T" ]
	[ "$(rt state c3 | jq -r '.annotations["org.berth.tenant"]')" = "$T" ]
	cfg '.linux.cgroupsPath = "/elsewhere/c4"'
	run rt create --tenant "$T" --bundle "$BUNDLE" c4
	[ "$status" -ne 0 ]
	[[ "$output" == *"\\\"/elsewhere/c4\\\" lies outside tenant \\\"$T\\\""* ]]
	cfg "del(.linux.cgroupsPath) | .annotations[\"org.berth.tenant\"] = \"$T\""
	rt create --bundle "$BUNDLE" c5
	grep -q ":/berth/tenants/$T/c5\$" "/proc/$(rt state c5 | jq .pid)/cgroup"
	run rt create --tenant nosuch --bundle "$BUNDLE" c6
	[[ "$output" == *"differ"* ]]
	cfg 'del(.annotations)'
	run rt create --tenant nosuch --bundle "$BUNDLE" c6
	[[ "$output" == *'tenant \"nosuch\": no such tenant'* ]]
	[ ! -e "$ROOT/c4" ] && [ ! -e "$ROOT/c6" ]
}

@test "tenant: 50 concurrent creates against --containers 10 give exactly 10" {
	rt tenant create "$T" --containers 10
	set_args sleep 100
	local i pids=()
	for i in $(seq 50); do
		"$BERTH" --root "$ROOT" create --tenant "$T" --bundle "$BUNDLE" "k$i" </dev/null \
			>/dev/null 2>"$BATS_TEST_TMPDIR/k$i.err" 3>&- &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || true; done
	[ "$(rt list -q | wc -l)" -eq 10 ]
	[ "$(grep -l 'its limit (--containers 10)' "$BATS_TEST_TMPDIR"/k*.err | wc -l)" -eq 40 ]
	[ "$(rt tenant show "$T" --format json | jq .usage.containers)" = 10 ]
}

@test "tenant: a container limit above the tenant's fails naming both" {
	rt tenant create "$T" --memory 64m --pids 20 --cpus 0.5
	cfg '.linux.resources.memory = {limit: 134217728}'
	run rt create --tenant "$T" --bundle "$BUNDLE" c1
	[ "$status" -ne 0 ]
	[[ "$output" == *"memory.limit 134217728 exceeds the limit of tenant \\\"$T\\\" (67108864)"* ]]
	cfg '.linux.resources = {pids: {limit: 50}}'
	run rt create --tenant "$T" --bundle "$BUNDLE" c1
	[[ "$output" == *"pids.limit 50 exceeds the limit of tenant \\\"$T\\\" (20)"* ]]
	cfg '.linux.resources = {cpu: {quota: 100000, period: 100000}}'
	run rt create --tenant "$T" --bundle "$BUNDLE" c1
	[[ "$output" == *"(1.00 cores) exceeds the limit of tenant \\\"$T\\\" (0.5 cores)"* ]]
	[ ! -e "$ROOT/c1" ]
}

@test "tenant: aggregate memory: two 40 MiB holders under 64 MiB, one is OOM-killed" {
	install_helper memhold
	rt tenant create "$T" --memory 64m --memory-swap 64m
	cfg '.root.readonly = false'
	start_in "$T" m1 sh -c 'memhold 40 >/m1; echo rc=$? >/m1rc; sleep 1000'
	for _ in $(seq 50); do grep -q held "$BUNDLE/rootfs/m1" 2>/dev/null && break; sleep 0.1; done
	grep -q held "$BUNDLE/rootfs/m1"
	start_in "$T" m2 sh -c 'memhold 40 >/m2; echo rc=$? >/m2rc; sleep 1000'
	for _ in $(seq 100); do cat "$BUNDLE"/rootfs/m?rc 2>/dev/null | grep -q 137 && break; sleep 0.1; done
	# one holder died of the OOM killer; the other holds its 40 MiB
	[ "$(cat "$BUNDLE"/rootfs/m?rc)" = rc=137 ]
	sleep 0.5
	[ "$(ls "$BUNDLE"/rootfs/m?rc | wc -l)" = 1 ]
	[ "$(rt tenant show "$T" --format json | jq .usage.memory)" -ge $((40 << 20)) ]
	# each alone fits: without the tenant both hold
	rt delete --force m1
	rt delete --force m2
	rm -f "$BUNDLE"/rootfs/m?*
	set_args sh -c 'memhold 40 >/mf1; sleep 1000'
	rt run --detach --bundle "$BUNDLE" f1 </dev/null >/dev/null 2>&1 3>&-
	set_args sh -c 'memhold 40 >/mf2; sleep 1000'
	rt run --detach --bundle "$BUNDLE" f2 </dev/null >/dev/null 2>&1 3>&-
	for _ in $(seq 50); do [ "$(cat "$BUNDLE"/rootfs/m* 2>/dev/null | grep -c held)" = 2 ] && break; sleep 0.1; done
	[ "$(cat "$BUNDLE"/rootfs/m* | grep -c held)" = 2 ]
}

@test "tenant: aggregate pids, a live update unblocks a fork, lowering below usage" {
	rt tenant create "$T" --pids 30
	start_in "$T" p1 sh -c 'sleep 1000 & sleep 1000 & sleep 1000'
	start_in "$T" p2 sh -c 'sleep 1000 & sleep 1000'
	local used
	for _ in $(seq 30); do used=$(cat "$(tfile "$T" pids.current)"); [ "$used" -ge 5 ] && break; sleep 0.1; done
	# the tenant is full across both containers: no fork into either
	rt tenant update "$T" --pids "$used"
	run rt exec p1 true
	[ "$status" -ne 0 ]
	run rt exec p2 true
	[ "$status" -ne 0 ]
	rt tenant update "$T" --pids 30
	rt exec p1 true
	# lowering below usage is applied as the kernel does: no new process until usage drops
	rt tenant update "$T" --pids 2
	[ "$(cat "$(tfile "$T" pids.max)")" = 2 ]
	run rt exec p1 true
	[ "$status" -ne 0 ]
}

@test "tenant: aggregate CPU: two busy loops under --cpus 0.5 use at most ~0.6 core" {
	rt tenant create "$T" --cpus 0.5
	start_in "$T" b1 sh -c 'while :; do :; done'
	start_in "$T" b2 sh -c 'while :; do :; done'
	sleep 0.5
	local f u0 u1 t0 t1
	if [ $V2 -eq 1 ]; then f=$(tfile "$T" cpu.stat); else f=$(tfile "$T" cpuacct.usage); fi
	read_us() { if [ $V2 -eq 1 ]; then awk '/usage_usec/ { print $2 }' "$f"; else echo $(($(cat "$f") / 1000)); fi; }
	u0=$(read_us); t0=$(date +%s%N)
	sleep 3
	u1=$(read_us); t1=$(date +%s%N)
	local milli=$(( (u1 - u0) * 1000000 / ((t1 - t0) / 1000) / 1000 ))
	echo "tenant used $milli millicores" >&2
	[ "$milli" -le 600 ]
	[ "$milli" -ge 300 ]
}

@test "tenant: nesting: a sub-tenant's containers are capped by the parent's pids" {
	rt tenant create "$T" --pids 6
	rt tenant create "$T/web" --pids 100
	[ "$(cat "$(tfile "$T/web" pids.max)")" = 100 ]
	cfg '.root.readonly = false'
	start_in "$T/web" n1 sh -c '(for i in $(seq 20); do sleep 1000 & done) 2>/dev/null; : >/done; sleep 1000'
	for _ in $(seq 50); do [ -e "$BUNDLE/rootfs/done" ] && break; sleep 0.1; done
	[ "$(cat "$(tfile "$T/web" pids.current)")" -le 6 ]
	run rt tenant rm "$T"
	[[ "$output" == *"has sub-tenant \\\"$T/web\\\""* ]]
	# a sub-tenant is not counted as a container of its parent
	[ "$(rt tenant show "$T" --format json | jq .usage.containers)" = 0 ]
}

@test "tenant: SIGKILL of berth during create leaves the count right" {
	rt tenant create "$T" --containers 1
	set_args sleep 100
	cfg '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", "5"]}]'
	"$BERTH" --root "$ROOT" create --tenant "$T" --bundle "$BUNDLE" k1 </dev/null >/dev/null 2>&1 3>&- &
	local pid=$!
	for _ in $(seq 50); do [ -e "$ROOT/k1" ] && break; sleep 0.05; done
	sleep 0.3
	kill -9 $pid
	wait $pid || true
	sleep 0.2
	[ "$(rt tenant show "$T" --format json | jq .usage.containers)" = 0 ]
	cfg 'del(.hooks)'
	rt delete --force k1 || true
	rt create --tenant "$T" --bundle "$BUNDLE" k2
	[ "$(rt tenant show "$T" --format json | jq .usage.containers)" = 1 ]
}

@test "tenant: lowering --memory below usage: v1 refuses with the kernel's EBUSY, v2 applies it" {
	install_helper memhold
	rt tenant create "$T" --memory 64m --memory-swap 64m
	cfg '.root.readonly = false'
	start_in "$T" h1 sh -c 'memhold 20 >/h1; sleep 1000'
	for _ in $(seq 50); do grep -q held "$BUNDLE/rootfs/h1" 2>/dev/null && break; sleep 0.1; done
	run rt tenant update "$T" --memory 8m --memory-swap 8m
	if [ $V2 -eq 0 ]; then
		[ "$status" -ne 0 ]
		[[ "$output" == *"memory.limit_in_bytes: Device or resource busy"* ]]
		[ "$(cat "$(tfile "$T" memory.limit_in_bytes)")" = 67108864 ]
		[ "$(rt tenant show "$T" --format json | jq -r .limits.memory)" = 64m ]
	else
		[ "$status" -eq 0 ]
		[ "$(cat "$(tfile "$T" memory.max)")" = 8388608 ]
		# the kernel OOM-kills the holder
		for _ in $(seq 50); do [ "$(rt state h1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
		[ "$(cat "$(tfile "$T" memory.current)")" -le 8388608 ]
	fi
}

@test "tenant: --network: containers join the tenant's network; two tenants' networks cannot reach each other" {
	local img=$BATS_TEST_TMPDIR/bb.tar self hostpid
	"$TESTS_TOP/tests/data/mkimage.sh" "$img" busybox >/dev/null
	# berth's bridges and rules live in a network namespace of this test's own
	self=$(readlink /proc/self/ns/net)
	unshare -n sleep 3600 >/dev/null 2>&1 &
	hostpid=$!
	while [ "$(readlink /proc/$hostpid/ns/net 2>/dev/null)" = "$self" ]; do sleep 0.01; done
	hx() { nsenter -t "$hostpid" -n "$BERTH" --root "$ROOT" "$@"; }
	nsenter -t "$hostpid" -n ip link set lo up
	# the cgroup v2 VM's 9p root cannot hold an image's whiteouts (mknod): nothing to test there
	run hx image load "$img"
	[ "$status" -eq 0 ] || { kill $hostpid; skip "berth image load fails here: ${output##*: }"; }
	run hx tenant create "$T-a" --network nosuch
	[ "$status" -ne 0 ]
	[[ "$output" == *"--network"*"nosuch"* ]]
	hx network create --subnet 10.211.0.0/24 "tn$$a"
	hx network create --subnet 10.212.0.0/24 "tn$$b"
	hx tenant create "$T-a" --network "tn$$a"
	hx tenant create "$T-b" --network "tn$$b"
	hx run -d --image busybox:test --tenant "$T-a" --name a1 -- sh -c 'while true; do echo A | nc -l -p 5000; done'
	hx run -d --image busybox:test --tenant "$T-b" --name b1 -- sh -c 'while true; do echo B | nc -l -p 5000; done'
	hx run -d --image busybox:test --tenant "$T-a" --name a2 -- sleep 100
	# told otherwise: --network wins over the tenant's
	hx run -d --image busybox:test --tenant "$T-a" --network none --name a3 -- sleep 100
	run hx exec a3 ip -o addr show
	[[ "$output" != *10.211.* ]]
	run hx exec a2 ip -o addr show eth0
	[[ "$output" == *10.211.0.* ]]
	local i
	for i in $(seq 50); do
		run hx exec a2 sh -c 'nc 10.211.0.2 5000 </dev/null'
		[ "$output" = A ] && break
		sleep 0.1
	done
	[ "$output" = A ]
	run hx exec a2 sh -c 'nc -w 2 10.212.0.2 5000 </dev/null'
	[ "$output" != B ]
	run hx exec b1 sh -c 'nc -w 2 10.211.0.2 5000 </dev/null'
	[ "$output" != A ]
	for i in a1 a2 a3 b1; do hx delete --force $i; done
	hx network rm "tn$$a"
	hx network rm "tn$$b"
	kill $hostpid
}

@test "tenant: podman --cgroup-parent=/berth/tenants/NAME (and the annotation) put the container in the tenant" {
	command -v podman >/dev/null || skip "podman not installed"
	command -v conmon >/dev/null || skip "conmon not installed"
	# podman wants a runroot of at most 50 characters: not below BATS_TEST_TMPDIR; vfs works on the
	# VM's overlay root too
	local pd
	pd=$(mktemp -d /tmp/bpd.XXXXXX)
	PD_DIR=$pd
	mkdir -p "$pd/net" "$pd/tmp"
	# a private podman (as tests/engines/podman.sh), berth with this test's root through --runtime-flag
	printf '[containers]\ndefault_ulimits = ["nofile=20000:20000","nproc=32768:32768"]\n[engine]\nevents_logfile_path = "%s"\nstatic_dir = "%s"\nvolume_path = "%s"\n' \
		"$pd/tmp/events.log" "$pd/root/libpod" "$pd/root/volumes" >"$pd/containers.conf"
	printf '[storage]\ndriver = "vfs"\nrunroot = "%s"\ngraphroot = "%s"\n' "$pd/run" "$pd/root" >"$pd/storage.conf"
	echo 'unqualified-search-registries = []' >"$pd/registries.conf"
	P() {
		local pd=$PD_DIR
		CONTAINERS_CONF=$pd/containers.conf CONTAINERS_STORAGE_CONF=$pd/storage.conf \
			CONTAINERS_REGISTRIES_CONF=$pd/registries.conf timeout 60 podman --root "$pd/root" \
			--runroot "$pd/run" --tmpdir "$pd/tmp" --runtime "$BERTH" --runtime-flag "root=$ROOT" \
			--cgroup-manager cgroupfs --events-backend file --network-config-dir "$pd/net" "$@"
	}
	"$TESTS_TOP/tests/data/mkimage.sh" "$pd/bb.tar" busybox >/dev/null
	P load -i "$pd/bb.tar" >"$pd/load.out" 2>&1 || { tail -n 3 "$pd/load.out"; false; }
	rt tenant create "$T" --pids 4096 --containers 1
	run P run --rm --network none --cgroupns=host --cgroup-parent="/berth/tenants/$T" --annotation "org.berth.tenant=$T" \
		localhost/busybox:test cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[[ "$output" == *":pids:/berth/tenants/$T/libpod-"* ]] || [[ "$output" == "0::/berth/tenants/$T/libpod-"* ]]
	# admission holds for the engine's containers too
	P run -d --name p1 --network none --cgroup-parent="/berth/tenants/$T" localhost/busybox:test sleep 100
	[ "$(rt tenant show "$T" --format json | jq .usage.containers)" = 1 ]
	run P run -d --name p2 --network none --cgroup-parent="/berth/tenants/$T" localhost/busybox:test sleep 100
	[ "$status" -ne 0 ]
	[[ "$output" == *"its limit (--containers 1)"* ]]
	# the annotation with podman's own absolute parent (/libpod_parent) is refused naming both
	run P run --rm --network none --annotation "org.berth.tenant=$T" localhost/busybox:test true
	[ "$status" -ne 0 ]
	[[ "$output" == *"/libpod_parent/libpod-"*"lies outside tenant"*"$T"* ]]
}

@test "tenant: --io-max sets the tenant's throttle; --io-weight without BFQ fails naming the file" {
	local dev
	dev=$(lsblk -dno MAJ:MIN | head -n 1 | tr -d ' ')
	[ -n "$dev" ] || skip "no block device"
	rt tenant create "$T" --io-max "$dev:rbps=1048576,wiops=100"
	if [ $V2 -eq 1 ]; then
		grep -q "^$dev rbps=1048576 wbps=max riops=max wiops=100" "$(tfile "$T" io.max)"
	else
		[ "$(cat "$(tfile "$T" blkio.throttle.read_bps_device)")" = "$dev 1048576" ]
		[ "$(cat "$(tfile "$T" blkio.throttle.write_iops_device)")" = "$dev 100" ]
	fi
	if [ ! -e "$(tfile "$T" blkio.weight)" ] && [ ! -e "$(tfile "$T" io.weight)" ] && [ ! -e "$(tfile "$T" io.bfq.weight)" ]; then
		run rt tenant create "$T-w" --io-weight 100
		[ "$status" -ne 0 ]
		[[ "$output" == *"weight"*"exist"* ]]
		[ ! -e "$(tfile "$T-w" pids.max)" ]
		[ ! -e "$(tfile "$T-w" cgroup.procs)" ]
	fi
}
