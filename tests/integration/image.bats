#!/usr/bin/env bats
# berth image unpack: OCI and docker archives built by tests/data/mkimage.sh, run, digest and size
# mismatches, hostile layers (confined or rejected, the host untouched, no rootfs left on failure).

load helpers

MKIMAGE=$TESTS_TOP/tests/data/mkimage.sh

setup() {
	ROOT=$BATS_TEST_TMPDIR/state
	CID=img$$-$BATS_TEST_NUMBER-$RANDOM
	OUT=$BATS_TEST_TMPDIR/b
	HOST=/tmp/berth-hostile
	mkdir -p "$HOST"
	echo keep >"$HOST/victim"
}

teardown() {
	"$BERTH" --root "$ROOT" delete --force "$CID" >/dev/null 2>&1 || true
	rm -rf "$HOST/x" "$HOST/pwned"
}

mkimage() {
	BERTH=$BERTH "$MKIMAGE" "$@"
}

# The unpack failed: nothing of the bundle's rootfs, no temporary directory left.
assert_no_rootfs() {
	[ ! -e "$OUT/rootfs" ] || { echo "rootfs left behind"; return 1; }
	[ -z "$(ls -A "$OUT" 2>/dev/null | grep rootfs)" ] || { echo "left: $(ls -A "$OUT")"; return 1; }
}

assert_host_untouched() {
	[ "$(cat "$HOST/victim")" = keep ] || { echo "host victim changed"; return 1; }
	[ ! -e "$HOST/x" ] && [ ! -e "$HOST/pwned" ] || { echo "host written: $(ls "$HOST")"; return 1; }
	[ "$(stat -c %h /etc/passwd)" = 1 ] || { echo "/etc/passwd hardlinked"; return 1; }
}

unpack_and_run() {
	run "$BERTH" image unpack "$@" "$OUT"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ -f "$OUT/config.json" ] && [ -d "$OUT/rootfs" ]
	# layer 2 whited out /gone and made /opq opaque
	[ ! -e "$OUT/rootfs/gone" ] && [ ! -e "$OUT/rootfs/opq/old" ] && [ -f "$OUT/rootfs/opq/new" ]
	[ "$(jq -r '.annotations["org.test.label"]' "$OUT/config.json")" = yes ]
	[ "$(jq -r .process.cwd "$OUT/config.json")" = /opq ]
	[ "$(jq -r .process.terminal "$OUT/config.json")" = false ]
	run "$BERTH" --root "$ROOT" run --bundle "$OUT" "$CID"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *"hello from image"* ]]
}

@test "image unpack: OCI layout archive, 2 layers with whiteout and opaque dir, then run" {
	mkimage "$BATS_TEST_TMPDIR/i.tar" busybox
	unpack_and_run "$BATS_TEST_TMPDIR/i.tar"
}

@test "image unpack: docker archive, then run" {
	mkimage --format docker "$BATS_TEST_TMPDIR/i.tar" busybox
	unpack_and_run "$BATS_TEST_TMPDIR/i.tar"
}

@test "image unpack: owner, setuid, security.capability, fifo, device, hardlink, symlink kept" {
	mkimage "$BATS_TEST_TMPDIR/i.tar" busybox
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	local m=$OUT/rootfs/meta
	[ "$(stat -c '%u:%g %a %h' "$m/suid")" = "1000:1000 4755 2" ]
	[ "$(stat -c %i "$m/suid")" = "$(stat -c %i "$m/hard")" ]
	[ -p "$m/fifo" ]
	[ -c "$m/null" ]
	[ "$(stat -c '%t:%T' "$m/null")" = 1:3 ]
	[ "$(readlink "$m/sym")" = suid ]
	getcap "$m/cap" | grep -q cap_net_raw
	[ "$(stat -c %Y "$OUT/rootfs/bin")" = 1700000000 ]
}

@test "image unpack: zstd layer, User name:group resolved through the image's passwd and group" {
	mkimage --zstd --user nobody:tty "$BATS_TEST_TMPDIR/i.tar" busybox
	unpack_and_run "$BATS_TEST_TMPDIR/i.tar"
	[ "$(jq -c .process.user "$OUT/config.json")" = '{"uid":65534,"gid":5}' ]
}

@test "image unpack: numeric User, unknown user fails naming it" {
	mkimage --format docker --user 7:8 "$BATS_TEST_TMPDIR/i.tar" busybox
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -eq 0 ]
	[ "$(jq -c .process.user "$OUT/config.json")" = '{"uid":7,"gid":8}' ]
	mkimage --user nosuch "$BATS_TEST_TMPDIR/j.tar" busybox
	OUT=$BATS_TEST_TMPDIR/c
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/j.tar" "$OUT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"User nosuch: no user nosuch"* ]]
	assert_no_rootfs
}

@test "image unpack: --ref picks the image, a wrong ref lists what the archive offers" {
	mkimage --ref demo:1 "$BATS_TEST_TMPDIR/i.tar" busybox
	run "$BERTH" image unpack --ref nope "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no image named nope"*"demo:1"* ]]
	assert_no_rootfs
	mkimage --format docker --ref demo:2 "$BATS_TEST_TMPDIR/d.tar" busybox
	run "$BERTH" image unpack --ref nope "$BATS_TEST_TMPDIR/d.tar" "$OUT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no image named nope"*"demo:2"* ]]
	assert_no_rootfs
	unpack_and_run --ref demo:1 "$BATS_TEST_TMPDIR/i.tar"
}

@test "image unpack: layer digest mismatch names the blob, leaves nothing" {
	mkimage --corrupt digest "$BATS_TEST_TMPDIR/i.tar" busybox
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"layer sha256:"*"digest mismatch"* ]]
	assert_no_rootfs
}

@test "image unpack: layer size mismatch names the blob, leaves nothing" {
	mkimage --corrupt size "$BATS_TEST_TMPDIR/i.tar" busybox
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"layer sha256:"*"size mismatch"* ]]
	assert_no_rootfs
}

@test "image unpack: uncompressed digest not matching the config's diff_ids fails, leaves nothing" {
	mkimage --format docker --corrupt diffid "$BATS_TEST_TMPDIR/i.tar" busybox
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"layer.tar: diff_id mismatch (config says sha256:0000"* ]]
	assert_no_rootfs
}

@test "image unpack: --max-size cap and a truncated archive fail, leave nothing" {
	mkimage "$BATS_TEST_TMPDIR/i.tar" busybox
	run "$BERTH" image unpack --max-size 100000 "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"the cap"* ]]
	assert_no_rootfs
	head -c 600000 "$BATS_TEST_TMPDIR/i.tar" >"$BATS_TEST_TMPDIR/t.tar"
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/t.tar" "$OUT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"runcated"* ]]
	assert_no_rootfs
}

@test "image unpack: hostile '../x' entry is rejected naming it" {
	mkimage "$BATS_TEST_TMPDIR/i.tar" dotdot
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"layer entry ../"*"berth-hostile/x"* ]]
	assert_no_rootfs
	assert_host_untouched
}

@test "image unpack: hostile absolute entry is confined to the rootfs" {
	mkimage "$BATS_TEST_TMPDIR/i.tar" abs
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -eq 0 ]
	[ -f "$OUT/rootfs/tmp/berth-hostile/x" ]
	assert_host_untouched
}

@test "image unpack: hostile '.' -> '/' symlink then a write through it is confined" {
	mkimage "$BATS_TEST_TMPDIR/i.tar" dotlink
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -eq 0 ]
	[ -f "$OUT/rootfs/tmp/berth-hostile/x" ]
	assert_host_untouched
}

@test "image unpack: hostile hardlink to /etc/passwd is rejected" {
	mkimage "$BATS_TEST_TMPDIR/i.tar" hardlink
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"layer entry b: hardlink"* ]]
	assert_no_rootfs
	assert_host_untouched
}

@test "image unpack: hostile whiteout through a symlinked parent is confined" {
	mkimage "$BATS_TEST_TMPDIR/i.tar" whsymlink
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -eq 0 ]
	[ -L "$OUT/rootfs/p" ]
	assert_host_untouched
}

@test "image unpack: hostile bare .wh. entry is rejected" {
	mkimage "$BATS_TEST_TMPDIR/i.tar" barewh
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"layer entry .wh.: invalid whiteout"* ]]
	assert_no_rootfs
}

@test "image unpack: hostile directory replaced by a symlink, then written under, is confined" {
	mkimage "$BATS_TEST_TMPDIR/i.tar" dirsymlink
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -eq 0 ]
	[ -L "$OUT/rootfs/d" ]
	[ -f "$OUT/rootfs/tmp/berth-hostile/pwned" ]
	assert_host_untouched
}

@test "image unpack, load, run --image: --max-size caps the expanded layers; a bomb fails clearly, leaves nothing" {
	mkimage "$BATS_TEST_TMPDIR/i.tar" bomb
	run "$BERTH" image unpack --max-size 50000000 "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer sha256:"*"the cap"* ]]
	assert_no_rootfs
	run "$BERTH" image unpack --max-size 100M "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer sha256:"*"expands past the cap"*"cap 104857600, --max-size"* ]]
	assert_no_rootfs
	run "$BERTH" --root "$ROOT" image load --max-size 100M "$BATS_TEST_TMPDIR/i.tar"
	[ "$status" -eq 1 ]
	[[ "$output" == *"the cap"* ]]
	[ -z "$(ls -A "$ROOT/.images/layers")" ]
	[ -z "$(ls -A "$ROOT/.images/images")" ]
	run "$BERTH" --root "$ROOT" run --network none --image "$BATS_TEST_TMPDIR/i.tar" --max-size 100M --name "$CID" -- true
	[ "$status" -eq 1 ]
	[[ "$output" == *"the cap"* ]]
	run "$BERTH" image unpack --max-size 12X "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--max-size 12X: not a size"* ]]
	# a cap the user lifts: 0 is none
	run "$BERTH" image unpack --max-size 0 "$BATS_TEST_TMPDIR/i.tar" "$OUT"
	[ "$status" -eq 0 ]
	[ "$(stat -c %s "$OUT/rootfs/zeros")" = 134217728 ]
}

@test "image unpack, run --image: 64 MiB of zeros (1000:1 gzip) is a legitimate layer under the default cap" {
	mkimage "$BATS_TEST_TMPDIR/z.tar" zeros64
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/z.tar" "$OUT"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(stat -c %s "$OUT/rootfs/zeros")" = 67108864 ]
	run "$BERTH" --root "$ROOT" image load "$BATS_TEST_TMPDIR/z.tar"
	echo "$output"
	[ "$status" -eq 0 ]
}

# An OCI archive whose index points at MANIFEST (a JSON text): malformed_oci OUT.tar MANIFEST
malformed_oci() {
	local d=$BATS_TEST_TMPDIR/mal h
	rm -rf "$d" && mkdir -p "$d/blobs/sha256"
	h=$(printf '%s' "$2" | sha256sum | cut -d' ' -f1)
	printf '%s' "$2" >"$d/blobs/sha256/$h"
	jq -nc --arg d "sha256:$h" --argjson s "${#2}" '{schemaVersion: 2, manifests: [{digest: $d, size: $s,
		mediaType: "application/vnd.oci.image.manifest.v1+json"}]}' >"$d/index.json"
	tar -C "$d" -cf "$1" .
}

@test "image load, unpack, run --image: malformed OCI manifests fail with a clear error, no crash" {
	local m i=0
	for m in '{"schemaVersion": 2, "layers": 5}' 'not json' '{"config": {"digest": "sha256:x"}}' \
		'{"config": {"digest": "sha256:'"$(printf %064d 0)"'", "size": 2}, "layers": []}'; do
		malformed_oci "$BATS_TEST_TMPDIR/m$i.tar" "$m"
		for cmd in "image unpack $BATS_TEST_TMPDIR/m$i.tar $OUT" "image load $BATS_TEST_TMPDIR/m$i.tar" \
			"run --network none --image $BATS_TEST_TMPDIR/m$i.tar --name $CID"; do
			run "$BERTH" --root "$ROOT" $cmd
			echo "$cmd: $status $output"
			[ "$status" -eq 1 ]
			[[ "$output" == *"manifest"* || "$output" == *"config"* ]]
			[[ "$output" != *"free"* ]]
		done
		assert_no_rootfs
		i=$((i + 1))
	done
}

@test "image unpack, run --image: an entry owned by uid or gid 2^32, 2^32-1 or -1 is refused naming it" {
	local kind
	for kind in uid2p32 gid2p32 uidm1 neguid; do
		mkimage "$BATS_TEST_TMPDIR/$kind.tar" $kind
		run "$BERTH" image unpack "$BATS_TEST_TMPDIR/$kind.tar" "$OUT"
		echo "$kind: $status $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"layer entry x: "[ug]"id "*" out of range"* ]]
		assert_no_rootfs
		run "$BERTH" --root "$ROOT" run --network none --image "$BATS_TEST_TMPDIR/$kind.tar" --name "$CID" -- true
		echo "run --image $kind: $status $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"layer entry x: "[ug]"id "*" out of range"* ]]
		[ -z "$(ls -A "$ROOT/.images/layers")" ]
	done
}
