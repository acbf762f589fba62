#!/usr/bin/env bats
# berth image unpack of archives made by real tools (podman save in both formats, skopeo copy to
# oci-archive) and of the other formats the issue names (docker's newer form with an OCI layout, nested
# indexes, StopSignal), each run and checked from inside the container.

load helpers
load image_corpus

MKIMAGE=$TESTS_TOP/tests/data/mkimage.sh

# podman with a private vfs store under the file's tmpdir, so nothing is left on the host.
pm() {
	podman --root "$PM/root" --runroot "$PM_RUN" --tmpdir "$PM/tmp" --storage-driver vfs \
		--cgroup-manager cgroupfs --events-backend none "$@"
}

setup_file() {
	export PM=$BATS_FILE_TMPDIR/podman
	# podman refuses a runroot longer than 50 characters: a short one of our own
	PM_RUN=$(mktemp -d /tmp/berth-pm.XXXXXX)
	export PM_RUN
	mkdir -p "$PM"
	# podman and skopeo, as root, keep a blob-info cache here whatever --root says: ours goes at the end
	[ -e /var/lib/containers ] || touch "$PM/.remove-var-lib-containers"
	command -v podman >/dev/null && command -v skopeo >/dev/null || return 0
	# A busybox rootfs tarball with a marker file, imported with an Env, a WorkingDir and a Cmd.
	"$TESTS_TOP/tests/data/mkbundle.sh" --berth "$BERTH" "$PM/b" >/dev/null
	echo "from podman" >"$PM/b/rootfs/hello.txt"
	tar --numeric-owner -C "$PM/b/rootfs" -cf "$PM/rootfs.tar" .
	pm import --change 'ENV FOO=bar' --change 'WORKDIR /tmp' \
		--change 'CMD ["/bin/sh", "-c", "cat /hello.txt; echo FOO=$FOO; pwd"]' \
		"$PM/rootfs.tar" localhost/bb:1 >/dev/null
	pm save -q --format docker-archive -o "$PM/docker.tar" localhost/bb:1
	pm save -q --format oci-archive -o "$PM/oci.tar" localhost/bb:1
	skopeo copy -q "containers-storage:[vfs@$PM/root+$PM_RUN]localhost/bb:1" "oci-archive:$PM/skopeo.tar:bb:sk"
	skopeo copy -q "docker-archive:$PM/docker.tar" "oci-archive:$PM/skopeo-d.tar:bb:fromdocker"
}

teardown_file() {
	# vfs leaves plain files only; podman may have made some read-only
	[ -d "$PM/root" ] && chmod -R u+w "$PM/root" 2>/dev/null
	[ ! -e "$PM/.remove-var-lib-containers" ] || rm -rf /var/lib/containers
	rm -rf "$PM" "$PM_RUN"
}

setup() {
	ROOT=$BATS_TEST_TMPDIR/state
	CID=tools$$-$BATS_TEST_NUMBER-$RANDOM
	OUT=$BATS_TEST_TMPDIR/b
}

teardown() {
	"$BERTH" --root "$ROOT" delete --force "$CID" >/dev/null 2>&1 || true
}

need_tools() {
	command -v podman >/dev/null || skip "podman not installed (tests/deps.sh installs it)"
	command -v skopeo >/dev/null || skip "skopeo not installed (tests/deps.sh installs it)"
	[ -f "$PM/docker.tar" ] || skip "podman could not build the image on this host"
}

# Unpack "$@", run the image's own Cmd, check the file, the Env and the WorkingDir from inside.
unpack_run_podman_image() {
	run "$BERTH" image unpack "$@" "$OUT"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	run "$BERTH" --root "$ROOT" run --bundle "$OUT" "$CID"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	echo "$output"
	[ "${lines[0]}" = "from podman" ] && [ "${lines[1]}" = FOO=bar ] && [ "${lines[2]}" = /tmp ]
}

@test "image tools: podman save --format docker-archive unpacks and runs" {
	need_tools
	unpack_run_podman_image "$PM/docker.tar"
	OUT=$BATS_TEST_TMPDIR/b2 unpack_run_podman_image --ref localhost/bb:1 "$PM/docker.tar"
}

@test "image tools: podman save --format oci-archive unpacks and runs" {
	need_tools
	unpack_run_podman_image "$PM/oci.tar"
}

@test "image tools: skopeo copy containers-storage: to oci-archive, picked by its ref name" {
	need_tools
	unpack_run_podman_image --ref bb:sk "$PM/skopeo.tar"
}

@test "image tools: skopeo copy docker-archive: to oci-archive; a wrong ref lists the offer" {
	need_tools
	run "$BERTH" image unpack --ref nope "$PM/skopeo-d.tar" "$OUT"
	[ "$status" -ne 0 ] && [[ "$output" == *"no image named nope"*"fromdocker"* ]] || { echo "$output"; false; }
	unpack_run_podman_image "$PM/skopeo-d.tar"
}

mkimage() {
	BERTH=$BERTH "$MKIMAGE" "$@"
}

run_marker() {
	run "$BERTH" --root "$ROOT" run --bundle "$OUT" "$CID"
	[ "$status" -eq 0 ] && [[ "$output" == *"hello from image"* ]] || { echo "$output"; return 1; }
	[ ! -e "$OUT/rootfs/gone" ] && [ -f "$OUT/rootfs/opq/new" ] && [ ! -e "$OUT/rootfs/opq/old" ]
}

@test "image formats: docker archive that also carries an OCI layout, by tag, RepoTag or none" {
	mkimage --format docker-oci "$BATS_TEST_TMPDIR/i.tar" busybox
	tar -tf "$BATS_TEST_TMPDIR/i.tar" | grep -qx './manifest.json'
	[ "$(tar -xOf "$BATS_TEST_TMPDIR/i.tar" ./manifest.json | jq -r '.[0].Layers[0]')" != null ]
	for ref in "" busybox:test test; do
		rm -rf "$OUT"
		run "$BERTH" image unpack ${ref:+--ref "$ref"} "$BATS_TEST_TMPDIR/i.tar" "$OUT"
		[ "$status" -eq 0 ] || { echo "ref $ref: $output"; false; }
		run_marker
	done
	rm -rf "$OUT"
	run "$BERTH" image unpack --ref busybox:nope "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -ne 0 ] && [[ "$output" == *"busybox:test"* ]] || { echo "$output"; false; }
}

@test "image formats: docker archive with an OCI layout, a corrupt layer blob is named" {
	mkimage --format docker-oci "$BATS_TEST_TMPDIR/i.tar" busybox
	mkdir "$BATS_TEST_TMPDIR/x" && tar -C "$BATS_TEST_TMPDIR/x" -xf "$BATS_TEST_TMPDIR/i.tar"
	layer=$(jq -r '.[0].Layers[1]' "$BATS_TEST_TMPDIR/x/manifest.json")
	printf 'X' | dd of="$BATS_TEST_TMPDIR/x/$layer" bs=1 seek=700 conv=notrunc status=none
	tar -C "$BATS_TEST_TMPDIR/x" -cf "$BATS_TEST_TMPDIR/bad.tar" .
	run "$BERTH" image unpack --ref busybox:test "$BATS_TEST_TMPDIR/bad.tar" "$OUT"
	[ "$status" -ne 0 ] && [[ "$output" == *"${layer#blobs/sha256/}"*"mismatch"* ]] || { echo "$output"; false; }
	[ ! -e "$OUT/rootfs" ]
}

@test "image formats: nested index, the host platform picked among arm64 and unknown/unknown" {
	mkimage --nested "$BATS_TEST_TMPDIR/i.tar" busybox
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	run_marker
	rm -rf "$OUT"
	run "$BERTH" image unpack --ref other "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -ne 0 ] || false
	[[ "$output" == *"busybox:test (linux/arm64/v8)"*"busybox:test (linux/amd64)"* ]] || { echo "$output"; false; }
}

@test "image formats: StopSignal becomes the org.opencontainers.image.stopSignal annotation" {
	mkimage --stop-signal SIGUSR1 "$BATS_TEST_TMPDIR/i.tar" busybox
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(jq -r '.annotations["org.opencontainers.image.stopSignal"]' "$OUT/config.json")" = SIGUSR1 ]
	[ "$(jq -r '.annotations["org.test.label"]' "$OUT/config.json")" = yes ]
}

@test "image tools: run --image gives the tree podman (vfs) gives, layers through symlinks, hardlinks, whiteouts" {
	command -v podman >/dev/null || skip "podman not installed (tests/deps.sh installs it)"
	[ -f "$PM/docker.tar" ] || skip "podman could not build the image on this host"
	ROOT=$BATS_TEST_TMPDIR/state
	mk_corpus
	pm load -q -i "$BATS_TEST_TMPDIR/c.tar" >/dev/null
	# podman writes its own /etc/hostname, hosts, mtab and /run/.containerenv: left out on both sides
	local own='^\./(etc/(hostname|hosts|mtab|resolv\.conf)|run(/[^ ]*)?) '
	pm run --rm --network none --runtime runc --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
		localhost/corpus:test sh -c "$TREE" </dev/null | grep -vE "$own" >"$BATS_TEST_TMPDIR/podman"
	"$BERTH" --root "$ROOT" run --network none --image "$BATS_TEST_TMPDIR/c.tar" -- sh -c "$TREE" </dev/null |
		grep -vE "$own" >"$BATS_TEST_TMPDIR/berth"
	grep -q '^./usr/lib/hello ' "$BATS_TEST_TMPDIR/podman"
	diff -u "$BATS_TEST_TMPDIR/podman" "$BATS_TEST_TMPDIR/berth"
}
