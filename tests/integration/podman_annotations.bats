#!/usr/bin/env bats
# podman's crun annotations: run.oci.keep_original_groups (podman --group-add keep-groups) and
# run.oci.hooks.stdout / run.oci.hooks.stderr.

load helpers

setup() {
	setup_bundle
}

teardown() {
	teardown_containers
}

# the container process's supplementary groups, from inside
GROUPS_SH='grep ^Groups: /proc/self/status | tr -s "\t " " "'

@test "podman annotations: run.oci.keep_original_groups=1 keeps berth's supplementary groups, for run and exec" {
	cfg '.annotations["run.oci.keep_original_groups"] = "1" | .process.user.additionalGids = [7]'
	set_args sh -c "$GROUPS_SH"
	run setpriv --groups 1234,5678 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "Groups: 1234 5678 " ]
	set_args sleep 1000
	create_ctr
	rt start "$CID"
	run setpriv --groups 4321 "$BERTH" --root "$ROOT" exec "$CID" sh -c "$GROUPS_SH"
	echo "$output"
	[ "$output" = "Groups: 4321 " ]
}

@test "podman annotations: keep_original_groups in a user namespace: berth's unmapped groups read as 65534" {
	unshare -U true 2>/dev/null || skip "user namespaces cannot be made here"
	cfg '.annotations["run.oci.keep_original_groups"] = "1" | .linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	set_args sh -c "$GROUPS_SH"
	run setpriv --groups 1234 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "Groups: 65534 " ]
}

@test "podman annotations: without keep_original_groups, or with it \"0\", additionalGids replace berth's groups" {
	cfg '.process.user.additionalGids = [7]'
	set_args sh -c "$GROUPS_SH"
	run setpriv --groups 1234 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = "Groups: 7 " ]
	cfg '.annotations["run.oci.keep_original_groups"] = "0"'
	run setpriv --groups 1234 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = "Groups: 7 " ]
}

@test "podman annotations: run.oci.hooks.stdout/stderr get every hook's output; the process never holds them" {
	local out=$BATS_TEST_TMPDIR/hooks.out errf=$BATS_TEST_TMPDIR/hooks.err k
	cfg --arg out "$out" --arg err "$errf" '.annotations["run.oci.hooks.stdout"] = $out |
		.annotations["run.oci.hooks.stderr"] = $err | .hooks = {}'
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		cfg --arg k "$k" '.hooks[$k] = [{"path": "/bin/sh", "args": ["sh", "-c", "echo out-" + $k + "; echo err-" + $k + " >&2"]}]'
	done
	echo old >"$out"
	set_args sh -c 'ls -l /proc/self/fd/ 2>/dev/null | grep -c hooks || true'
	run run_ctr
	echo "$output"
	[ "$status" -eq 0 ]
	# the hooks wrote nowhere else, and the process has no fd of those files
	[ "$output" = 0 ]
	cat "$out" "$errf"
	[ "$(paste -sd' ' "$out")" = "old out-prestart out-createRuntime out-createContainer out-startContainer out-poststart out-poststop" ]
	[ "$(paste -sd' ' "$errf")" = "err-prestart err-createRuntime err-createContainer err-startContainer err-poststart err-poststop" ]
	[ "$(stat -c %a "$errf")" = 600 ]
}

@test "podman annotations: a hooks output file that cannot be opened fails create, naming the annotation, leaving nothing" {
	cfg '.annotations["run.oci.hooks.stdout"] = "/nonexistent/dir/out" | .hooks.prestart = [{"path": "/bin/true"}]'
	local rc=0
	# not through `run`: a create that succeeded would hold its stdout open
	rt create --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/c.out" 2>&1 || rc=$?
	output=$(cat "$BATS_TEST_TMPDIR/c.out")
	echo "$output"
	[ "$rc" -ne 0 ]
	[[ "$output" == *"annotation run.oci.hooks.stdout: /nonexistent/dir/out: No such file or directory"* ]]
	[ -z "$(ls "$ROOT")" ]
}

@test "podman annotations: features lists them as potentiallyUnsafeConfigAnnotations" {
	run "$BERTH" features
	[ "$status" -eq 0 ]
	[ "$(jq -c .potentiallyUnsafeConfigAnnotations <<<"$output")" = '["run.oci.keep_original_groups","run.oci.hooks.stdout","run.oci.hooks.stderr"]' ]
}
