#!/usr/bin/env bats
# berth features, --version, and the runc commands and flags berth accepts but does not implement.

load helpers

setup() {
	ROOT=$BATS_TEST_TMPDIR/state
}

@test "features: a runtime-spec features document" {
	run "$BERTH" features
	[ "$status" -eq 0 ]
	echo "$output" | jq -e . >/dev/null
	local doc=$output
	[ "$(jq -r .ociVersionMin <<<"$doc")" = 1.0.0 ]
	[ "$(jq -r .ociVersionMax <<<"$doc")" = 1.3.0 ]
	[ "$(jq -c .hooks <<<"$doc")" = \
		'["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' ]
	for o in bind rbind ro rw nosuid rro idmap ridmap tmpcopyup rprivate; do
		jq -e --arg o "$o" '.mountOptions | index($o)' <<<"$doc" >/dev/null || { echo "no $o"; return 1; }
	done
	for ns in cgroup ipc mount network pid user uts; do
		jq -e --arg n "$ns" '.linux.namespaces | index($n)' <<<"$doc" >/dev/null
	done
	jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") and index("CAP_CHOWN")' <<<"$doc" >/dev/null
	[ "$(jq '.linux.capabilities | length' <<<"$doc")" -eq $(($(cat /proc/sys/kernel/cap_last_cap) + 1)) ]
	[ "$(jq -c .linux.cgroup <<<"$doc")" = '{"v1":true,"v2":true,"systemd":false,"systemdUser":false,"rdma":true}' ]
	[ "$(jq .linux.seccomp.enabled <<<"$doc")" = true ]
	jq -e '.linux.seccomp.actions | index("SCMP_ACT_ERRNO") and index("SCMP_ACT_NOTIFY")' <<<"$doc" >/dev/null
	jq -e '.linux.seccomp.operators | index("SCMP_CMP_MASKED_EQ")' <<<"$doc" >/dev/null
	jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64")' <<<"$doc" >/dev/null
	[ "$(jq .linux.apparmor.enabled <<<"$doc")" = false ]
	[ "$(jq .linux.selinux.enabled <<<"$doc")" = false ]
	[ "$(jq .linux.intelRdt.enabled <<<"$doc")" = false ]
	[ "$(jq .linux.mountExtensions.idmap.enabled <<<"$doc")" = true ]
	[ -n "$(jq -r '.annotations["io.github.berth.version"]' <<<"$doc")" ]
}

@test "features: rejects arguments" {
	run "$BERTH" features extra
	[ "$status" -ne 0 ]
}

@test "--version: version, commit, spec, libseccomp, compiled-in features" {
	run "$BERTH" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^"berth version " ]]
	[[ "${lines[1]}" =~ ^"commit: " ]]
	[ "${lines[2]}" = "spec: 1.3.0" ]
	[[ "${lines[3]}" =~ ^"libseccomp: "[0-9]+\.[0-9]+\.[0-9]+$ ]]
	[[ "${lines[4]}" =~ ^"features: " ]]
	[[ "${lines[4]}" =~ "+SECCOMP" ]]
	[[ "${lines[4]}" =~ "+CAP" ]]
	[[ "${lines[4]}" =~ "+CGROUP" ]]
	run "$BERTH" -v
	[ "$status" -eq 0 ]
}

@test "compat: checkpoint and restore fail with 'not supported' (CRIU)" {
	for cmd in checkpoint restore; do
		run "$BERTH" --root "$ROOT" "$cmd" someid
		[ "$status" -eq 1 ]
		[[ "$output" =~ "not supported: $cmd (CRIU)" ]]
	done
}

@test "compat: pause, resume, ps, update, events name a missing container" {
	for cmd in pause resume ps update events; do
		run "$BERTH" --root "$ROOT" "$cmd" someid
		[ "$status" -eq 1 ]
		[[ "$output" =~ someid.*" does not exist" ]] || { echo "$cmd: $output"; return 1; }
	done
}

@test "compat: runc's and crun's global flags are accepted" {
	run "$BERTH" --root "$ROOT" --criu /usr/sbin/criu --systemd-cgroup --rootless auto list
	[ "$status" -eq 0 ]
	for m in cgroupfs systemd disabled; do
		run "$BERTH" --root "$ROOT" --cgroup-manager "$m" list
		[ "$status" -eq 0 ]
	done
	run "$BERTH" --root "$ROOT" --cgroup-manager bogus list
	[ "$status" -eq 1 ]
	[[ "$output" =~ "cgroup-manager" ]]
	run "$BERTH" --root "$ROOT" --rootless maybe list
	[ "$status" -eq 1 ]
}

@test "compat: every runc 1.1 command is listed in --help" {
	run "$BERTH" --help
	for cmd in checkpoint create delete events exec kill list pause ps restore resume run spec start state \
		update features; do
		[[ "$output" =~ "   $cmd " ]] || { echo "missing $cmd"; return 1; }
	done
}

@test "run --config FILE uses that config instead of the bundle's" {
	setup_bundle
	cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/other.json"
	jq '.process.args = ["echo", "from-other-config"]' "$BATS_TEST_TMPDIR/other.json" >"$BATS_TEST_TMPDIR/o2.json"
	run "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" --config "$BATS_TEST_TMPDIR/o2.json" "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = from-other-config ]
}
