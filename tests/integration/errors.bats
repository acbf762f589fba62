#!/usr/bin/env bats
# Failures in create: exit 1, a message naming the failing thing, and nothing left behind
# (no state dir, no host mount, no process).

load helpers

setup() {
	setup_bundle
	MARK=$((400000 + RANDOM))
	set_args sleep "$MARK"
}

# Nothing of container ID ($CID by default) is left on the host.
assert_nothing_left() {
	local id=${1:-$CID} i
	[ ! -e "$ROOT/$id" ] || { echo "state dir $ROOT/$id left behind"; return 1; }
	run rt list --quiet
	[ -z "$output" ] || { echo "list shows: $output"; return 1; }
	local mounts
	mounts=$(host_mounts_here)
	[ -z "$mounts" ] || { echo "host mounts left: $mounts"; return 1; }
	# the runtime's half-made init may take a moment to be reaped
	for ((i = 0; i < 30; i++)); do
		[ -z "$(pgrep -f "$MARK")" ] && [ -z "$(pgrep -f -- "$id")" ] && return 0
		sleep 0.1
	done
	echo "processes left: $(pgrep -af "$MARK|$id")"
	return 1
}

# create must fail with exit 1 and a message containing every PATTERN (extended regex).
create_fails() {
	local before
	before=$(host_mounts_here)
	[ -z "$before" ]
	run create_ctr
	echo "create: status $status: $output"
	[ "$status" -eq 1 ]
	local p
	for p in "$@"; do
		grep -Eq -- "$p" <<<"$output" || { echo "message does not match '$p'"; return 1; }
	done
	assert_nothing_left
}

@test "errors: a config.json field of the wrong type names its JSON path" {
	cfg '.process.args = "sleep"'
	create_fails 'process\.args'
}

@test "errors: a wrong type inside an array names the JSON path" {
	cfg '.process.env = ["PATH=/bin", 42]'
	create_fails 'process\.env'
}

@test "errors: a config.json that is not JSON names config.json" {
	echo '{"ociVersion": "1.0.2", "process": ' >"$BUNDLE/config.json"
	create_fails 'config\.json'
}

@test "errors: a missing config.json names it" {
	rm "$BUNDLE/config.json"
	create_fails 'config\.json'
}

@test "errors: a bundle that does not exist is named" {
	BUNDLE=$BATS_TEST_TMPDIR/no-such-bundle
	create_fails 'no-such-bundle'
}

@test "errors: a missing rootfs is named" {
	rm -rf "$BUNDLE/rootfs"
	create_fails 'rootfs'
}

@test "errors: an unknown namespace type is named" {
	cfg '.linux.namespaces += [{"type": "nosuchns"}]'
	create_fails 'nosuchns'
}

@test "errors: a bind mount whose source does not exist names the source" {
	cfg --arg src "$BATS_TEST_TMPDIR/no-such-source" \
		'.mounts += [{"destination": "/mnt", "type": "bind", "source": $src, "options": ["bind"]}]'
	create_fails 'no-such-source'
}

@test "errors: a mount type that does not exist names the mount" {
	cfg '.mounts += [{"destination": "/h6-badtype", "type": "nosuchfs", "source": "none"}]'
	create_fails 'nosuchfs|/h6-badtype'
}

@test "errors: a relative process.cwd is rejected" {
	cfg '.process.cwd = "relative/dir"'
	create_fails '[Cc]wd'
}

@test "errors: a missing executable names it" {
	set_args /no-such-binary-h6 "$MARK"
	create_fails 'no-such-binary-h6'
}

@test "errors: a missing executable in run fails and leaves nothing" {
	set_args /no-such-binary-h6 "$MARK"
	run rt run --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *no-such-binary-h6* ]]
	assert_nothing_left
}

@test "errors: an rlimit above the hard limit names the limit (berth wording)" {
	cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100000, "hard": 100000}]'
	[ "$(ulimit -Hn)" -lt 100000 ] || skip "the hard nofile limit is not below 100000 here"
	create_fails 'RLIMIT_NOFILE'
}

@test "errors: an unknown rlimit type is named" {
	cfg '.process.rlimits = [{"type": "RLIMIT_H6", "soft": 1, "hard": 1}]'
	create_fails 'RLIMIT_H6'
}

@test "errors: a failing createRuntime hook fails create and names the hook" {
	cfg '.hooks.createRuntime = [{"path": "/bin/false", "args": ["false", "h6-hook"]}]'
	create_fails 'hook'
}

@test "errors: a failing prestart hook fails create and names the hook" {
	cfg '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]'
	create_fails 'hook'
}

@test "errors: a hook that does not exist fails create and is named" {
	cfg '.hooks.createRuntime = [{"path": "/no-such-hook-h6"}]'
	create_fails 'no-such-hook-h6'
}

@test "errors: a hostname without a UTS namespace is rejected" {
	cfg '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "h6"'
	create_fails 'hostname|uts|UTS'
}

@test "errors: an unknown sysctl is named" {
	cfg '.linux.sysctl = {"net.ipv4.no_such_h6": "1"}'
	create_fails 'no_such_h6'
}

@test "errors: invalid container ids are rejected and create nothing" {
	local id
	for id in "a/b" ".." "." "../escape-h6" "a b"; do
		run rt create --bundle "$BUNDLE" "$id" </dev/null 3>&-
		echo "id '$id': status $status: $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"id"* ]]
		[ ! -e "$ROOT/a" ]
		[ ! -e "$(dirname "$ROOT")/escape-h6" ]
		[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
	done
	assert_nothing_left
}

@test "errors: an id that is too long is rejected and creates nothing" {
	local id
	id=$(printf 'x%.0s' {1..300})
	run rt create --bundle "$BUNDLE" "$id" </dev/null 3>&-
	echo "status $status: $output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"long"* ]]
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
	assert_nothing_left "$id"
}

@test "errors: a failed create does not block a later create of the same id" {
	cfg '.process.args = "sleep"'
	run create_ctr
	[ "$status" -eq 1 ]
	set_args sleep "$MARK"
	create_ctr
	[ "$(rt state "$CID" | jq -r .status)" = created ]
	rt delete --force "$CID"
	assert_nothing_left
}

@test "errors: an init OOM-killed during setup is reported as such, and nothing is left" {
	# a few dozen KiB: the init's first own pages are past the limit, before it is ready
	cfg '.linux.resources.memory = {limit: 65536}'
	run rt run --bundle "$BUNDLE" "$CID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container init was killed by the OOM killer during setup"* ]]
	[[ "$output" != *"Broken pipe"* ]]
	[ ! -e "$ROOT/$CID" ]
}
