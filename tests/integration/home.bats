#!/usr/bin/env bats
# HOME when process.env has none: the container's /etc/passwd entry for the process uid, else "/",
# for the init and for exec; a hostile /etc/passwd (FIFO, device, symlink out) is never read.

load helpers

setup() {
	setup_bundle
	cfg '.process.env = ["PATH=/bin:/sbin"]'
	printf 'root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000:user:/home/u:/bin/sh\n' >"$BUNDLE/rootfs/etc/passwd"
}

@test "home: taken from /etc/passwd for the init's uid, root and non-root" {
	run run_ctr sh -c 'echo "$HOME"'
	[ "$status" -eq 0 ]
	[ "$output" = /root ]
	cfg '.process.user = {uid: 1000, gid: 1000}'
	run run_ctr sh -c 'echo "$HOME"'
	[ "$status" -eq 0 ] && [ "$output" = /home/u ]
}

@test "home: / for a uid /etc/passwd does not know, and a HOME in env is kept" {
	cfg '.process.user = {uid: 4242, gid: 4242}'
	run run_ctr sh -c 'echo "$HOME"'
	[ "$status" -eq 0 ]
	[ "$output" = / ]
	cfg '.process.env += ["HOME=/mine"]'
	run run_ctr sh -c 'echo "$HOME"; env | grep -c ^HOME='
	[ "$status" -eq 0 ] && [ "${lines[0]}" = /mine ] && [ "${lines[1]}" = 1 ]
}

@test "home: berth exec sets it for its own user too" {
	set_args sleep 1000
	run_detached
	run rt exec --env PATH=/bin "$CID" sh -c 'echo "$HOME"'
	[ "$status" -eq 0 ]
	[ "$output" = /root ]
	run rt exec --user 1000:1000 "$CID" sh -c 'echo "$HOME"'
	[ "$status" -eq 0 ]
	[ "$output" = /home/u ]
	run rt exec --env HOME=/x "$CID" sh -c 'echo "$HOME"'
	[ "$status" -eq 0 ] && [ "$output" = /x ]
}

@test "home: a FIFO, a device or a symlink out as /etc/passwd is not read: HOME is /" {
	local p=$BUNDLE/rootfs/etc/passwd
	echo 'root:x:0:0:root:/from-host:/bin/sh' >"$BATS_TEST_TMPDIR/host-passwd"
	set_args sh -c 'echo "$HOME"'
	rm "$p" && mkfifo "$p"
	run timeout 10 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = / ]
	rm "$p" && mknod "$p" c 1 5 # /dev/zero: endless
	run timeout 10 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID-2"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = / ]
	rm "$p" && ln -s "../../../../../../../../$BATS_TEST_TMPDIR/host-passwd" "$p"
	run timeout 10 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID-3"
	echo "$output"
	[ "$status" -eq 0 ] && [ "$output" = / ]
}
