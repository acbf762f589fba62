#!/usr/bin/env bats
# LSM labels and intelRdt: berth applies none of them; a request the host cannot honour is refused
# naming the field (as runc 1.1 does), never silently dropped, and leaves nothing behind.

load helpers

setup() {
	setup_bundle
}

lsm_on() {
	case $1 in
	apparmor) grep -qs '^Y' /sys/module/apparmor/parameters/enabled ;;
	selinux) [ -e /sys/fs/selinux/enforce ] ;;
	esac
}

# The config edit must fail naming the field, leaving no state dir and no cgroup.
refused() {
	local field=$1
	shift
	cfg "$@"
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "$field: " ]]
	[ ! -e "$ROOT/$CID" ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$CID*" 2>/dev/null)" ]
}

@test "spec security: process.apparmorProfile is refused naming the field; \"unconfined\" runs unconfined" {
	refused process.apparmorProfile '.process.apparmorProfile = "berth-test-profile"'
	lsm_on apparmor || [[ "$output" =~ "AppArmor is not enabled" ]]
	cfg '.process.apparmorProfile = "unconfined"'
	run run_ctr sh -c 'cat /proc/self/attr/apparmor/current 2>/dev/null || echo unconfined'
	[ "$status" -eq 0 ]
	[[ "$output" =~ unconfined ]]
	cfg '.process.apparmorProfile = ""'
	run run_ctr true
	[ "$status" -eq 0 ]
}

@test "spec security: process.selinuxLabel is refused naming the field" {
	refused process.selinuxLabel '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	lsm_on selinux || [[ "$output" =~ "SELinux is not enabled" ]]
}

@test "spec security: linux.mountLabel is refused naming the field" {
	refused linux.mountLabel '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	lsm_on selinux || [[ "$output" =~ "SELinux is not enabled" ]]
}

@test "spec security: linux.intelRdt is refused naming the field" {
	refused linux.intelRdt '.linux.intelRdt = {closID: "berth", l3CacheSchema: "L3:0=f"}'
}

@test "spec security: exec refuses a process.json label and --apparmor/--process-label, naming them" {
	set_args sleep 100
	run_detached
	jq '.process | .args = ["true"] | .apparmorProfile = "berth-test-profile"' "$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/p.json"
	run rt exec --process "$BATS_TEST_TMPDIR/p.json" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" =~ "process.apparmorProfile: " ]]
	jq '.process | .args = ["true"] | .selinuxLabel = "system_u:system_r:container_t:s0"' "$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/p.json"
	run rt exec --process "$BATS_TEST_TMPDIR/p.json" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" =~ "process.selinuxLabel: " ]]
	run rt exec --apparmor berth-test-profile "$CID" true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "process.apparmorProfile: " ]]
	run rt exec --process-label system_u:system_r:container_t:s0 "$CID" true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "process.selinuxLabel: " ]]
	run rt exec --apparmor unconfined "$CID" echo ran
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
}
