#!/usr/bin/env bats
# A new user namespace and host paths it cannot search: berth resolves the bundle and the bind
# sources before the init enters it (podman --uidmap keeps its bundle in a 0700 directory).

load helpers

setup() {
	unshare -U true 2>/dev/null || skip "user namespaces cannot be made here (a chroot?)"
	setup_bundle
	# the rootfs where the mapped root can reach it; everything else under root-owned 0700 dirs
	PUB=$(mktemp -d /tmp/berth-userns.XXXXXX)
	chmod 755 "$PUB"
	mv "$BUNDLE/rootfs" "$PUB/rootfs"
	# the rootfs stays owned by the host's root: the mount points exist already
	mkdir "$PUB/rootfs/data" && touch "$PUB/rootfs/abs"
	cfg --arg r "$PUB/rootfs" '.root.path = $r | .linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	chmod 700 "$BATS_TEST_TMPDIR" "$(dirname "$BATS_TEST_TMPDIR")"
	mkdir -p "$BUNDLE/data" "$BATS_TEST_TMPDIR/secret"
	echo in-bundle >"$BUNDLE/data/f"
	echo absolute >"$BATS_TEST_TMPDIR/secret/file"
	cfg --arg s "$BATS_TEST_TMPDIR/secret/file" '.mounts += [
		{destination: "/data", type: "bind", source: "data", options: ["rbind", "ro"]},
		{destination: "/abs", type: "bind", source: $s, options: ["bind"]}]'
}

teardown() {
	teardown_containers
	rm -rf "$PUB"
}

@test "userns paths: a root-owned 0700 bundle under 0700 dirs, binds relative and absolute from inside" {
	chmod 700 "$BUNDLE"
	run run_ctr sh -c 'cat /data/f /abs; cat /proc/self/uid_map; touch /data/x 2>&1 || echo ro'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = in-bundle ]
	[ "${lines[1]}" = absolute ]
	[[ "${lines[2]}" =~ ^\ *0\ +100000\ +65536$ ]]
	[ "${lines[-1]}" = ro ]
}

@test "userns paths: a bundle of mode 0700 owned by the mapped root (podman's userdata)" {
	chown 100000:100000 "$BUNDLE"
	chmod 700 "$BUNDLE"
	run run_ctr sh -c 'cat /data/f /abs'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = in-bundle ]
	[ "${lines[1]}" = absolute ]
}

@test "userns paths: a rootfs below root-owned 0700 dirs, opened before the user namespace" {
	# back under the bundle: $BATS_TEST_TMPDIR and its parent are root's, 0700
	mv "$PUB/rootfs" "$BUNDLE/rootfs"
	cfg --arg r "$BUNDLE/rootfs" '.root.path = $r | .mounts |= map(select(.destination != "/abs"))'
	run run_ctr sh -c 'cat /data/f; cat /proc/self/uid_map; id -u; ls -d /data /proc/1 >/dev/null && echo ok'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = in-bundle ]
	[[ "${lines[1]}" =~ ^\ *0\ +100000\ +65536$ ]]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" = ok ]
	# relative root.path too, with the process as a non-root user of the mapping
	cfg '.root.path = "rootfs" | .process.user = {uid: 1000, gid: 1000}'
	run run_ctr sh -c 'id -u; cat /data/f'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = in-bundle ]
	# the root was attached in the container's mount namespace only, even with shared propagation
	cfg '.linux.rootfsPropagation = "shared" | .process.user = {uid: 0, gid: 0} | del(.linux.seccomp)
		| .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	run run_ctr sh -c 'mount -t tmpfs t /data && echo mounted'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = mounted ]
	[ -z "$(grep -F "$BUNDLE" /proc/self/mountinfo)" ]
	# --no-pivot moves the attached root instead
	cfg '.linux.rootfsPropagation = "rslave"'
	run "$BERTH" --root "$ROOT" run --no-pivot --bundle "$BUNDLE" "$CID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = mounted ]
}

# The real thing: podman with its own root, a busybox image from `podman import`, and --uidmap.
@test "userns paths: podman run --uidmap with berth as its runtime" {
	command -v podman >/dev/null || skip "podman not installed (tests/deps.sh installs it)"
	local pm=$BATS_TEST_TMPDIR/pm run
	run_dir=$(mktemp -d /tmp/berth-pm.XXXXXX) # podman refuses a long runroot
	mkdir -p "$pm"
	# root may not raise rlimits here: podman's defaults ask for more
	printf '[containers]\ndefault_ulimits = ["nofile=20000:20000","nproc=32768:32768"]\n' >"$pm/containers.conf"
	tar --numeric-owner -C "$PUB/rootfs" -cf "$pm/rootfs.tar" .
	pmc() {
		CONTAINERS_CONF=$pm/containers.conf podman --root "$pm/root" --runroot "$run_dir" \
			--tmpdir "$pm/tmp" --storage-driver vfs --cgroup-manager cgroupfs --events-backend none "$@"
	}
	pmc import "$pm/rootfs.tar" localhost/bb:uidmap >/dev/null
	# --network none: podman's default bridge would be made on the host's network
	run pmc run --rm --network none --runtime "$BERTH" --uidmap 0:100000:65536 localhost/bb:uidmap \
		sh -c 'cat /proc/self/uid_map; id -u; cat /etc/hostname >/dev/null && echo ok'
	echo "$output"
	pmc rm -af >/dev/null 2>&1 || true
	chmod -R u+w "$pm/root" 2>/dev/null || true
	rm -rf "$run_dir"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^\ *0\ +100000\ +65536$ ]]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = ok ]
}
