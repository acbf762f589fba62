#!/usr/bin/env bats
# config.json files other tools wrote (tests/data/configs/, see sanitise.sh there), run through
# create, start and delete with the busybox rootfs. Host accommodations, each the minimum: the
# process runs `sh -c 'echo ran; id -u'` without a terminal, and rlimits are clamped to the caller's hard
# limit (root here lacks CAP_SYS_RESOURCE, which podman's nproc 32768 and runc's behaviour also need).

load helpers

CONFIGS=$TESTS_TOP/tests/data/configs

setup() {
	setup_bundle
}

# Put the stored config NAME in the bundle, its placeholders filled in, files for its binds made.
use_config() {
	local src=$CONFIGS/$1.json id f
	id=$(printf '%s' "$CID" | sha256sum | cut -c1-64)
	sed -e "s|@BUNDLE@|$BUNDLE|g" -e "s|@ID@|$id|g" "$src" >"$BUNDLE/config.json"
	mkdir -p "$BUNDLE/files"
	for f in $(jq -r '.mounts[].source' "$BUNDLE/config.json" | grep "^$BUNDLE/files/"); do
		case ${f##*/} in
		shm) mkdir -p "$f" ;;
		*) echo "berth-config-test" >"$f" ;;
		esac
	done
	local nofile nproc
	nofile=$(ulimit -Hn)
	nproc=$(ulimit -Hu)
	cfg --argjson nofile "${nofile/unlimited/-1}" --argjson nproc "${nproc/unlimited/-1}" '
		.process.terminal = false
		| .process.args = ["sh", "-c", "echo ran; id -u"]
		| if .process.rlimits then .process.rlimits |= map(
			(if .type == "RLIMIT_NOFILE" then $nofile elif .type == "RLIMIT_NPROC" then $nproc else -1 end) as $h
			| if $h >= 0 and .hard > $h then .hard = $h | .soft = ([.soft, $h] | min) else . end) else . end'
}

# create, start, wait for the exit, delete; the process's output must be "ran" and the config's uid.
lifecycle() {
	local uid
	uid=$(jq -r '.process.user.uid' "$BUNDLE/config.json")
	rt create --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" ||
		{ cat "$BATS_TEST_TMPDIR/err"; return 1; }
	rt start "$CID"
	wait_status stopped 100
	rt delete "$CID"
	[ ! -e "$ROOT/$CID" ]
	run cat "$BATS_TEST_TMPDIR/out"
	[ "$output" = "$(printf 'ran\n%s' "$uid")" ]
}

@test "spec configs: runc 1.1 spec" {
	use_config runc-1.1-spec
	lifecycle
}

@test "spec configs: runc 1.1 spec --rootless (run by root)" {
	use_config runc-1.1-spec-rootless
	lifecycle
}

@test "spec configs: crun 1.27 spec" {
	use_config crun-1.27-spec
	lifecycle
}

@test "spec configs: crun 1.27 spec --rootless has no id mappings: refused naming them, as runc 1.1 does" {
	use_config crun-1.27-spec-rootless
	run rt create --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" =~ "linux.uidMappings" ]]
	[ ! -e "$ROOT/$CID" ]
}

@test "spec configs: containerd 1.6 ctr oci spec" {
	use_config containerd-1.6-ctr-oci-spec
	lifecycle
}

@test "spec configs: podman 4.3 create (plain)" {
	use_config podman-4.3-plain
	lifecycle
}

@test "spec configs: podman 4.3 create (read-only, caps, pids, memory, tmpfs, user, ulimit, nnp, sysctl)" {
	use_config podman-4.3-rich
	lifecycle
}

@test "spec configs: docker 20.10 run (plain)" {
	use_config docker-20.10-plain
	lifecycle
}

@test "spec configs: docker 20.10 run (read-only, caps, pids, memory, tmpfs, user, ulimit, nnp)" {
	use_config docker-20.10-rich
	lifecycle
}

@test "spec configs: runc spec --rootless (user namespace, rbind /sys, cgroup mount): /sys/fs/cgroup is the container's" {
	use_config runc-1.1-spec-rootless
	cfg '.linux.resources.memory = {limit: 67108864} | .process.args = ["sh", "-c",
		"cat /sys/fs/cgroup/memory/memory.limit_in_bytes; cut -d: -f3 /proc/self/cgroup | sort -u"]'
	run run_ctr
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 67108864 ]
	[ "${lines[1]}" = "/berth/$CID" ]
}
