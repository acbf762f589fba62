#!/usr/bin/env bats
# linux.resources fields cgroup.bats does not reach, each checked from inside the container (hybrid
# host: v1 hierarchies mounted at /sys/fs/cgroup/CONTROLLER, hugetlb only in /sys/fs/cgroup/unified).

load helpers

setup() {
	setup_bundle
	[ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] || skip "v1 file names (hybrid host)"
}

# Every cgroup directory (any hierarchy) whose name holds the container id.
cg_dirs() {
	find /sys/fs/cgroup -maxdepth 4 -type d -name "*$CID*" 2>/dev/null
}

# The major:minor of a block device of this host.
blkdev() {
	lsblk -dno MAJ:MIN | head -1 | tr -d ' '
}

@test "spec resources: memory.swappiness and memory.reservation are seen inside" {
	cfg '.linux.resources.memory = {limit: 134217728, reservation: 50331648, swappiness: 33}'
	run run_ctr sh -c 'cd /sys/fs/cgroup/memory; cat memory.swappiness memory.soft_limit_in_bytes memory.limit_in_bytes'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '33\n50331648\n134217728')" ]
}

@test "spec resources: cpu.burst is seen inside" {
	[ -e /sys/fs/cgroup/cpu/cpu.cfs_burst_us ] || skip "no cpu.cfs_burst_us"
	cfg '.linux.resources.cpu = {quota: 50000, period: 100000, burst: 1000}'
	run run_ctr sh -c 'cd /sys/fs/cgroup/cpu; cat cpu.cfs_quota_us cpu.cfs_period_us cpu.cfs_burst_us'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '50000\n100000\n1000')" ]
}

@test "spec resources: cpu.idle is seen inside" {
	[ -e /sys/fs/cgroup/cpu/cpu.idle ] || skip "no cpu.idle"
	cfg '.linux.resources.cpu = {idle: 1}'
	run run_ctr cat /sys/fs/cgroup/cpu/cpu.idle
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "spec resources: the four blockIO throttles are seen inside" {
	local d
	d=$(blkdev)
	[ -n "$d" ] || skip "no block device"
	local maj=${d%:*} min=${d#*:}
	cfg --argjson ma "$maj" --argjson mi "$min" '.linux.resources.blockIO = {
		throttleReadBpsDevice: [{major: $ma, minor: $mi, rate: 1048576}],
		throttleWriteBpsDevice: [{major: $ma, minor: $mi, rate: 2097152}],
		throttleReadIOPSDevice: [{major: $ma, minor: $mi, rate: 100}],
		throttleWriteIOPSDevice: [{major: $ma, minor: $mi, rate: 200}]}'
	run run_ctr sh -c 'cd /sys/fs/cgroup/blkio; for f in read_bps write_bps read_iops write_iops; do cat blkio.throttle.${f}_device; done'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s 1048576\n%s 2097152\n%s 100\n%s 200' "$d" "$d" "$d" "$d")" ]
}

@test "spec resources: blockIO weights fail naming the field without a proportional scheduler, leaving nothing" {
	[ ! -e /sys/fs/cgroup/blkio/blkio.weight ] && [ ! -e /sys/fs/cgroup/blkio/blkio.bfq.weight ] ||
		skip "this host has blkio weights"
	cfg '.linux.resources.blockIO = {weight: 500}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "linux.resources.blockIO.weight" ]]
	[ -z "$(cg_dirs)" ]
	local d
	d=$(blkdev)
	cfg --argjson ma "${d%:*}" --argjson mi "${d#*:}" \
		'.linux.resources.blockIO = {weightDevice: [{major: $ma, minor: $mi, weight: 500}]}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "linux.resources.blockIO.weightDevice[0]" ]]
	[ -z "$(cg_dirs)" ]
	cfg '.linux.resources.blockIO = {leafWeight: 500}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "linux.resources.blockIO.leafWeight" ]]
	[ -z "$(cg_dirs)" ]
	[ ! -e "$ROOT/$CID" ]
}

@test "spec resources: hugepageLimits reach the hugetlb controller, seen inside" {
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
	cfg '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 4194304}]'
	run run_ctr sh -c 'cat /sys/fs/cgroup/unified/hugetlb.2MB.max 2>/dev/null || cat /sys/fs/cgroup/hugetlb/hugetlb.2MB.limit_in_bytes'
	[ "$status" -eq 0 ]
	[ "$output" = 4194304 ]
	cfg '.linux.resources.hugepageLimits = [{pageSize: "3MB", limit: 4194304}]'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "hugepageLimits" ]]
}

@test "spec resources: network.classID, network.priorities and rdma fail naming the field when the controller is absent" {
	local f
	for f in 'network = {classID: 1048577}|net_cls|linux.resources.network.classID' \
		'network = {priorities: [{name: "eth0", priority: 5}]}|net_prio|linux.resources.network.priorities' \
		'rdma = {"mlx5_1": {hcaHandles: 3, hcaObjects: 10000}}|rdma|linux.resources.rdma'; do
		local expr=${f%%|*} rest=${f#*|}
		local ctrl=${rest%%|*} field=${rest#*|}
		if [ -d "/sys/fs/cgroup/$ctrl" ] || grep -qw "$ctrl" /sys/fs/cgroup/unified/cgroup.controllers; then
			continue
		fi
		cfg ".linux.resources = {} | .linux.resources.$expr"
		run run_ctr true
		[ "$status" -ne 0 ]
		[[ "$output" =~ $field ]]
		[ -z "$(cg_dirs)" ]
	done
}

@test "spec resources: memory.kernel and kernelTCP are ignored with a warning, as runc 1.1 does" {
	cfg '.linux.resources.memory = {kernel: 2097152, kernelTCP: 1048576}'
	run run_ctr sh -c 'cd /sys/fs/cgroup/memory; cat memory.kmem.limit_in_bytes memory.kmem.tcp.limit_in_bytes 2>/dev/null; echo ok'
	[ "$status" -eq 0 ]
	[[ "$output" =~ "memory.kernel is deprecated" ]]
	[[ "$output" =~ "memory.kernelTCP is deprecated" ]]
	[[ "$output" != *1048576* ]]
	[[ "$output" != *2097152* ]]
	[[ "$output" =~ ok$ ]]
}

@test "spec resources: memory.useHierarchy is accepted, the hierarchy is on inside" {
	cfg '.linux.resources.memory = {limit: 67108864, useHierarchy: true}'
	run run_ctr cat /sys/fs/cgroup/memory/memory.use_hierarchy
	[ "$status" -eq 0 ]
	[[ "$output" =~ 1$ ]]
}

@test "spec resources: memory.checkBeforeUpdate refuses an update below the current usage" {
	cfg '.linux.resources.memory = {limit: 134217728, checkBeforeUpdate: true}'
	set_args sh -c 'head -c 16000000 /dev/zero >/dev/shm/fill; echo >/dev/shm/ready; sleep 100'
	run_detached
	local i
	for i in $(seq 50); do rt exec "$CID" test -e /dev/shm/ready && break; sleep 0.1; done
	echo '{"memory": {"limit": 4194304, "checkBeforeUpdate": true}}' >"$BATS_TEST_TMPDIR/r.json"
	run rt update -r "$BATS_TEST_TMPDIR/r.json" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" =~ "checkBeforeUpdate" ]]
	run rt exec "$CID" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	[ "$output" = 134217728 ]
}
