#!/usr/bin/env bats
# linux.memoryPolicy: set_mempolicy(2) in the init (not in exec, as runc and crun), seen with get_mempolicy(2) from
# inside; each combination the kernel refuses is refused with the field named. The suite's machines
# have one NUMA node (0): what one node allows is tested, and a node the host lacks is an error.

load helpers

setup() {
	setup_bundle
	install_helper mempol
	# the default profile allows get_mempolicy only with CAP_SYS_NICE
	cfg "del(.linux.seccomp)"
}

policy() {
	cfg ".linux.memoryPolicy = $1"
	run run_ctr mempol
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "memoryPolicy: each mode with node 0 is what the container's process has" {
	# MPOL_BIND=2 INTERLEAVE=3 PREFERRED=1 LOCAL=4 PREFERRED_MANY=5 WEIGHTED_INTERLEAVE=6
	policy '{mode: "MPOL_BIND", nodes: "0"}'
	[ "$output" = "mode=2 flags=0 nodes=0x1" ]
	policy '{mode: "MPOL_INTERLEAVE", nodes: "0"}'
	[ "$output" = "mode=3 flags=0 nodes=0x1" ]
	policy '{mode: "MPOL_PREFERRED", nodes: "0"}'
	[ "$output" = "mode=1 flags=0 nodes=0x1" ]
	policy '{mode: "MPOL_LOCAL"}'
	[ "$output" = "mode=4 flags=0 nodes=0" ]
	policy '{mode: "MPOL_PREFERRED_MANY", nodes: "0", flags: ["MPOL_F_NUMA_BALANCING"]}'
	[[ "$output" = "mode=5 flags=0x2000 nodes=0x1" ]]
	if [ -d /sys/kernel/mm/mempolicy/weighted_interleave ]; then
		policy '{mode: "MPOL_WEIGHTED_INTERLEAVE", nodes: "0"}'
		[ "$output" = "mode=6 flags=0 nodes=0x1" ]
	fi
	policy '{mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]}'
	[ "$output" = "mode=2 flags=0x8000 nodes=0x1" ]
	policy '{mode: "MPOL_DEFAULT"}'
	[ "$output" = "mode=0 flags=0 nodes=0" ]
}

@test "memoryPolicy: relative nodes fold onto the host's" {
	# node 1 relative to the one allowed node is node 0
	policy '{mode: "MPOL_INTERLEAVE", nodes: "1", flags: ["MPOL_F_RELATIVE_NODES"]}'
	[ "$output" = "mode=3 flags=0x4000 nodes=0x2" ]
}

@test "memoryPolicy: berth exec keeps the default policy, as runc and crun do (the init alone gets it)" {
	cfg '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0"}'
	set_args sh -c 'mempol >/tmp/init; exec sleep 1000'
	cfg '.root.readonly = false'
	run_detached
	for i in $(seq 50); do rt exec "$CID" test -s /tmp/init && break; sleep 0.1; done
	run rt exec "$CID" cat /tmp/init
	[ "$output" = "mode=2 flags=0 nodes=0x1" ]
	run rt exec "$CID" mempol
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "mode=0 flags=0 nodes=0" ]
}

refused() {
	cfg ".linux.memoryPolicy = $1"
	run run_ctr echo should-not-run
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" != *should-not-run* ]]
	[[ "$output" == *"$2"* ]]
	[ ! -e "$ROOT/$CID" ]
}

@test "memoryPolicy: combinations the kernel refuses are named" {
	refused '{mode: "MPOL_BIND"}' "linux.memoryPolicy.nodes: MPOL_BIND needs at least one node"
	refused '{mode: "MPOL_INTERLEAVE", nodes: ""}' "linux.memoryPolicy.nodes: MPOL_INTERLEAVE needs at least one node"
	refused '{mode: "MPOL_DEFAULT", nodes: "0"}' "linux.memoryPolicy.nodes: MPOL_DEFAULT takes no nodes"
	refused '{mode: "MPOL_LOCAL", nodes: "0"}' "linux.memoryPolicy.nodes: MPOL_LOCAL takes no nodes"
	refused '{mode: "MPOL_LOCAL", flags: ["MPOL_F_STATIC_NODES"]}' "linux.memoryPolicy.flags: MPOL_LOCAL takes no node flags"
	refused '{mode: "MPOL_PREFERRED", flags: ["MPOL_F_RELATIVE_NODES"]}' "MPOL_PREFERRED without nodes is local allocation"
	refused '{mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}' \
		"exclude each other"
	refused '{mode: "MPOL_INTERLEAVE", nodes: "0", flags: ["MPOL_F_NUMA_BALANCING"]}' \
		"linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING needs mode MPOL_BIND or MPOL_PREFERRED_MANY, not MPOL_INTERLEAVE"
	refused '{mode: "MPOL_FOO"}' 'linux.memoryPolicy.mode: unknown value'
	refused '{mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_X"]}' 'linux.memoryPolicy.flags[0]: unknown value'
	refused '{mode: "MPOL_BIND", nodes: "3-1"}' 'linux.memoryPolicy.nodes: invalid node list'
	refused '{mode: "MPOL_BIND", nodes: "0,"}' 'linux.memoryPolicy.nodes: invalid node list'
	refused '{mode: "MPOL_BIND", nodes: "1024"}' 'linux.memoryPolicy.nodes: node 1024 is past the largest possible'
	refused '{nodes: "0"}' 'linux.memoryPolicy'
}

@test "memoryPolicy: nodes the host does not have are refused with the nodes allowed here" {
	[ "$(cat /sys/devices/system/node/online)" = 0 ] || skip "this host has more than one NUMA node"
	refused '{mode: "MPOL_BIND", nodes: "1-3"}' 'no node of it this process may allocate from with MPOL_BIND (allowed here: 0)'
	refused '{mode: "MPOL_PREFERRED", nodes: "5", flags: ["MPOL_F_STATIC_NODES"]}' 'and MPOL_F_STATIC_NODES'
}

@test "memoryPolicy: berth features lists every mode and flag" {
	run "$BERTH" features
	[ "$status" -eq 0 ]
	[ "$(jq -c '.linux.memoryPolicy.modes | length' <<<"$output")" = 7 ]
	jq -e '.linux.memoryPolicy.flags == ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES", "MPOL_F_NUMA_BALANCING"]' <<<"$output"
	jq -e '.linux.memoryPolicy.modes | index("MPOL_WEIGHTED_INTERLEAVE")' <<<"$output"
}
