#!/usr/bin/env bats
# The image store: berth image load/ls/rm, layers shared by digest, and `berth run --image` on an
# overlay of the stored layers (or a copy with BERTH_IMAGE_COPY=1), checked from inside real containers.

load helpers
load image_corpus

MKIMAGE=$TESTS_TOP/tests/data/mkimage.sh

# OUT.tar: the OCI archive SRC.tar under another ref name, and with USER as config.User when given
# (a new image id sharing every layer of SRC): derive SRC OUT REF [USER]
derive() {
	local src=$1 out=$2 ref=$3 user=${4:-} d m c h
	d=$(mktemp -d "$BATS_FILE_TMPDIR/derive.XXXXXX")
	tar -xf "$src" -C "$d"
	m=$(jq -r '.manifests[0].digest' "$d/index.json")
	if [ -n "$user" ]; then
		c=$(jq -r .config.digest "$d/blobs/sha256/${m#sha256:}")
		jq -c --arg u "$user" '.config.User = $u' "$d/blobs/sha256/${c#sha256:}" >"$d/c"
		h=$(sha256sum <"$d/c" | cut -d' ' -f1)
		mv "$d/c" "$d/blobs/sha256/$h"
		jq -c --arg c "sha256:$h" --argjson s "$(stat -c %s "$d/blobs/sha256/$h")" \
			'.config.digest = $c | .config.size = $s' "$d/blobs/sha256/${m#sha256:}" >"$d/m"
		h=$(sha256sum <"$d/m" | cut -d' ' -f1)
		mv "$d/m" "$d/blobs/sha256/$h"
		m=sha256:$h
	fi
	jq -c --arg m "$m" --argjson s "$(stat -c %s "$d/blobs/sha256/${m#sha256:}")" --arg r "$ref" \
		'.manifests[0].digest = $m | .manifests[0].size = $s |
		 .manifests[0].annotations["org.opencontainers.image.ref.name"] = $r' "$d/index.json" >"$d/i"
	mv "$d/i" "$d/index.json"
	tar --numeric-owner -C "$d" -cf "$out" .
	rm -rf "$d"
}

setup_file() {
	BERTH=$BERTH "$MKIMAGE" "$BATS_FILE_TMPDIR/a.tar" busybox >/dev/null
	# the same two layers under another config (User differs): two images sharing every layer
	derive "$BATS_FILE_TMPDIR/a.tar" "$BATS_FILE_TMPDIR/b.tar" busybox:nobody nobody
	# the same image under another name
	derive "$BATS_FILE_TMPDIR/a.tar" "$BATS_FILE_TMPDIR/n.tar" busybox:other
	BERTH=$BERTH "$MKIMAGE" --format docker --ref busybox:docker "$BATS_FILE_TMPDIR/d.tar" busybox \
		>/dev/null
}

setup() {
	ROOT=$BATS_TEST_TMPDIR/state
	A=$BATS_FILE_TMPDIR/a.tar
	B=$BATS_FILE_TMPDIR/b.tar
	STORE=$ROOT/.images
	CID=is$$-$BATS_TEST_NUMBER-$RANDOM
}

teardown() {
	local id
	for id in $(ls "$ROOT" 2>/dev/null) $(ls "$STORE/containers" 2>/dev/null); do
		"$BERTH" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
	# a failed test must not leave an overlay mounted under the temp dir
	for m in $(host_mounts_here | sort -r); do umount -l "$m" 2>/dev/null || true; done
	[ -z "${SUID_TOP:-}" ] || rm -rf "$SUID_TOP"
}

# Nothing of container $1 left: no store dir, no state dir, no mount.
assert_gone() {
	[ ! -e "$STORE/containers/$1" ] || { echo "left: $(ls -la "$STORE/containers/$1")"; return 1; }
	[ ! -e "$ROOT/$1" ] || { echo "state dir left"; return 1; }
	[ -z "$(host_mounts_here)" ] || { echo "mounts left: $(host_mounts_here)"; return 1; }
}

# A container in the background with its stdio on files: bg_run ARGS... (after `run`)
bg_run() {
	rt run -d "$@" </dev/null >"$BATS_TEST_TMPDIR/bg.out" 2>"$BATS_TEST_TMPDIR/bg.err" 3>&- ||
		{ cat "$BATS_TEST_TMPDIR/bg.err"; return 1; }
}

@test "image load: prints the id and names; ls as a table, as json and -q; a second load is a no-op" {
	run rt image load "$A"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == "Loaded image sha256:"*" busybox:test" ]]
	id=$(echo "$output" | grep -o 'sha256:[0-9a-f]*')
	run rt image load "$A"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Already loaded"*"$id"* ]]
	run rt image ls
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -n 1 | tr -s ' ')" = "ID NAMES LAYERS SIZE CREATED" ]
	[[ "$(echo "$output" | sed -n 2p)" == "${id:7:12}  busybox:test"*" 2 "* ]]
	[ "$(echo "$output" | wc -l)" -eq 2 ]
	run rt image ls -q
	[ "$output" = "${id:7:12}" ]
	run rt image ls --format json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.[0].id')" = "$id" ]
	[ "$(echo "$output" | jq -r '.[0].names[0]')" = busybox:test ]
	[ "$(echo "$output" | jq -r '.[0].layers | length')" = 2 ]
	[ "$(echo "$output" | jq -r '.[0].size')" -gt 1000000 ]
	[ "$(jq -r .id "$STORE/images/${id:7}/image.json")" = "$id" ]
	[ "$(sha256sum <"$STORE/images/${id:7}/config.json" | cut -d' ' -f1)" = "${id:7}" ]
}

@test "image load: two parallel loads of the same archive both succeed, one image" {
	rt image load "$A" >"$BATS_TEST_TMPDIR/1" 2>&1 &
	p1=$!
	rt image load "$A" >"$BATS_TEST_TMPDIR/2" 2>&1 &
	p2=$!
	wait $p1 || { cat "$BATS_TEST_TMPDIR/1"; return 1; }
	wait $p2 || { cat "$BATS_TEST_TMPDIR/2"; return 1; }
	[ "$(rt image ls -q | wc -l)" -eq 1 ]
	[ "$(ls "$STORE/layers" | wc -l)" -eq 2 ]
	[ -z "$(ls -A "$STORE/layers" "$STORE/images" | grep '^\.tmp')" ]
}

@test "image load: unpacks without the store lock; image ls and a second load do not wait for it" {
	local l=$BATS_TEST_TMPDIR/l t=$BATS_TEST_TMPDIR/big.tar pid i
	mkdir -p "$l"
	head -c 300M /dev/urandom >"$l/big" && chmod 755 "$l"
	BERTH=$BERTH "$MKIMAGE" --layer "$l" --ref big:test "$t" busybox >/dev/null
	rm -rf "$l"
	"$BERTH" --root "$ROOT" image load "$t" >"$BATS_TEST_TMPDIR/big.out" 2>&1 &
	pid=$!
	# the load is unpacking once its private directory is there
	for i in $(seq 200); do
		[ -z "$(find "$STORE/layers" -maxdepth 1 -name '.tmp-*' 2>/dev/null)" ] || break
		sleep 0.05
	done
	run timeout 20 "$BERTH" --root "$ROOT" image ls -q
	[ "$status" -eq 0 ] || { echo "ls: $output"; return 1; }
	run timeout 20 "$BERTH" --root "$ROOT" image load "$A"
	[ "$status" -eq 0 ] || { echo "load: $output"; return 1; }
	# neither waited for the big load
	kill -0 $pid || { echo "image ls or the second load waited for the unpack"; return 1; }
	wait $pid || { cat "$BATS_TEST_TMPDIR/big.out"; return 1; }
	[ "$(rt image ls -q | wc -l)" -eq 2 ]
	[ -z "$(ls -A "$STORE/layers" "$STORE/images" | grep '^\.tmp')" ]
	[ ! -e "$STORE/dirty" ]
	run rt run --image big:test -- stat -c %s /big
	[ "$status" -eq 0 ] && [ "$output" = 314572800 ] || { echo "$output"; return 1; }
}

@test "image load: two images sharing their layers unpack them once; a lower file has one inode in both" {
	rt image load "$A"
	rt image load "$B"
	[ "$(rt image ls -q | wc -l)" -eq 2 ]
	[ "$(ls "$STORE/layers" | wc -l)" -eq 2 ]
	run rt run --image busybox:test -- stat -c %i /bin/busybox
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	ino1=$output
	run rt run --image busybox:nobody -- stat -c %i /bin/busybox
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$output" = "$ino1" ]
	[ "$(stat -c %i "$STORE"/layers/*/bin/busybox)" = "$ino1" ]
}

@test "image rm: refused while a container uses the image, accepted with --force; unused layers go" {
	rt image load "$A"
	rt image load "$B"
	bg_run --image busybox:test --name "$CID" -- sleep 100
	run rt image rm busybox:test
	[ "$status" -ne 0 ]
	[[ "$output" == *"used by container $CID"* ]]
	[ "$(rt image ls -q | wc -l)" -eq 2 ]
	run rt image rm busybox:nobody
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$(ls "$STORE/layers" | wc -l)" -eq 2 ] # still used by busybox:test
	run rt image rm --force busybox:test
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == "Deleted sha256:"* ]]
	[ -z "$(rt image ls -q)" ]
	# the running container keeps its layers until it is deleted
	[ "$(ls "$STORE/layers" | wc -l)" -eq 2 ]
	rt exec "$CID" cat /marker
	rt delete --force "$CID"
	assert_gone "$CID"
	rt image load "$B"
	rt image rm busybox:nobody
	[ -z "$(ls "$STORE/layers")" ]
	run rt image rm busybox:nobody
	[ "$status" -ne 0 ]
	[[ "$output" == *"no image busybox:nobody"* ]]
}

@test "run --image: layers, whiteout, opaque dir, Env, WorkingDir, Cmd; by name, by id prefix, from FILE" {
	run rt run --image "$A" --name "$CID"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$output" = "hello from image" ]
	assert_gone "$CID"
	id=$(rt image ls -q)
	script='cat /marker; ls /opq; [ -e /gone ] || echo gone-is-gone; echo "IMG=$IMG"; pwd; id -u
		ls -n /meta/suid'
	run rt run --image "${id:0:6}" -- sh -c "$script"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "${lines[0]}" = layer2 ]
	[ "${lines[1]}" = new ] # opaque: /opq/old of the lower layer hidden
	[ "${lines[2]}" = gone-is-gone ]
	[ "${lines[3]}" = IMG=1 ]
	[ "${lines[4]}" = /opq ]
	[ "${lines[5]}" = 0 ]
	[[ "${lines[6]}" == "-rwsr-xr-x    2 1000     1000 "* ]]
	[ -z "$(ls "$STORE/containers")" ]
}

@test "run --image: User by name resolved through the image's /etc/passwd" {
	rt image load "$B"
	run rt run --image busybox:nobody -- sh -c 'id -u; id -g'
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "${lines[0]}" = 65534 ] && [ "${lines[1]}" = 65534 ]
}

@test "run --image: containers never modify the shared layers" {
	rt image load "$A"
	sum() { (cd "$STORE/layers" && find . -printf '%p %y %s %m %U %G %T@\n' | sort | sha256sum); }
	before=$(sum)
	rt run --image busybox:test --name "$CID" --keep -- sh -c 'cat /marker; ls /proc/1 >/dev/null'
	BERTH_IMAGE_COPY=1 rt run --image busybox:test -- true
	[ "$(sum)" = "$before" ]
	[ -d "$STORE/containers/$CID/upper" ]
	rt delete "$CID"
	assert_gone "$CID"
}

@test "run --image -d: a random 12-hex id printed; delete unmounts and removes it" {
	rt image load "$A"
	bg_run --image busybox:test -- sleep 100
	id=$(cat "$BATS_TEST_TMPDIR/bg.out")
	[[ "$id" =~ ^[0-9a-f]{12}$ ]]
	[ -d "$STORE/containers/$id/rootfs/bin" ]
	grep -q " $STORE/containers/$id/rootfs .* - overlay " /proc/self/mountinfo
	[ "$(rt state "$id" | jq -r .bundle)" = "$STORE/containers/$id" ]
	rt delete --force "$id"
	assert_gone "$id"
}

@test "run --image --rm: no directory and no mount left; the image file names the image" {
	rt image load "$A"
	id=$(rt image ls --format json | jq -r '.[0].id')
	run rt run --image busybox:test --rm --name "$CID" -- sh -c "cat /proc/self/mountinfo | head -n 1"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *" / "*" - overlay "* ]]
	assert_gone "$CID"
	run rt run --image busybox:test --rm --name "$CID" -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
	assert_gone "$CID"
	bg_run --image busybox:test --name "$CID" -- sleep 100
	[ "$(head -n 1 "$STORE/containers/$CID/image")" = "$id" ]
}

@test "run --image: a failed create (bad CMD) leaves nothing behind" {
	rt image load "$A"
	run rt run --image busybox:test --name "$CID" -- /no/such/binary
	[ "$status" -ne 0 ]
	[[ "$output" == *"/no/such/binary"* ]]
	assert_gone "$CID"
	run rt run --image no-such-image --name "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no image no-such-image"* ]]
	assert_gone "$CID"
	BERTH_IMAGE_COPY=1 run rt run --image busybox:test --name "$CID" -- /no/such/binary
	[ "$status" -ne 0 ]
	assert_gone "$CID"
}

@test "run --image: an existing container id is refused and its rootfs left alone" {
	rt image load "$A"
	bg_run --image busybox:test --name "$CID" -- sleep 100
	run rt run --image busybox:test --name "$CID" -- true
	[ "$status" -ne 0 ]
	[[ "$output" == *exists* ]]
	[ -d "$STORE/containers/$CID/rootfs/bin" ]
	[ "$(rt state "$CID" | jq -r .status)" = running ]
}

# Everything the layers hold, as seen from inside: names, types, owners, modes, link counts, targets.
# /etc and the files run --image mounts in it (hosts, hostname, resolv.conf) are left out
VIEW='cd / && find bin etc opq meta marker -xdev | sort | grep -vxE "etc|etc/(hosts|hostname|resolv.conf)" | while read -r f; do
	stat -c "%n %F %u:%g %a %h %N %Y" "$f"; done; ls /gone 2>&1; true'

@test "run --image with BERTH_IMAGE_COPY=1: the copy gives the same view as the overlay" {
	rt image load "$A"
	run rt run --image busybox:test -- sh -c "$VIEW"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	overlay=$output
	BERTH_IMAGE_COPY=1 run rt run --image busybox:test --keep --name "$CID" -- sh -c "$VIEW"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$output" = "$overlay" ] || { diff <(echo "$overlay") <(echo "$output"); return 1; }
	[[ "$output" == *"opq/new regular file"* ]]
	[[ "$output" != *"opq/old"* ]]
	[[ "$output" == *"meta/suid regular file 1000:1000 4755 2 "* ]]
	[[ "$output" == *"meta/null character special file 0:0 644 1 "* ]]
	! grep -q " $STORE/containers/$CID/rootfs " /proc/self/mountinfo || false
	# the copy keeps the file capability and hardlinks
	r=$STORE/containers/$CID/rootfs
	getcap "$r/meta/cap" | grep -q cap_net_raw
	[ "$(stat -c %i "$r/meta/suid")" = "$(stat -c %i "$r/meta/hard")" ]
	rt delete "$CID"
	assert_gone "$CID"
}

@test "image unpack IMAGE BUNDLE: a loaded image copied out of the store, then run" {
	rt image load "$A"
	run rt image unpack busybox:test "$BATS_TEST_TMPDIR/b"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$(cat "$BATS_TEST_TMPDIR/b/rootfs/marker")" = layer2 ]
	[ ! -e "$BATS_TEST_TMPDIR/b/rootfs/gone" ]
	[ ! -e "$BATS_TEST_TMPDIR/b/rootfs/opq/old" ]
	[ "$(jq -r .process.cwd "$BATS_TEST_TMPDIR/b/config.json")" = /opq ]
	run rt run --bundle "$BATS_TEST_TMPDIR/b" "$CID"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$output" = "hello from image" ]
}

@test "image load: a docker archive; the same image under a second name keeps one image with both names" {
	run rt image load "$BATS_FILE_TMPDIR/d.tar"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *busybox:docker ]]
	run rt run --image busybox:docker -- cat /marker
	[ "$output" = layer2 ]
	rt image load "$A"
	run rt image load "$BATS_FILE_TMPDIR/n.tar"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == "Already loaded"* ]]
	[ "$(rt image ls -q | wc -l)" -eq 2 ]
	id=$(rt image ls --format json | jq -r '.[] | select(.names | index("busybox:test")) | .id')
	names=$(rt image ls --format json |
		jq -r --arg id "$id" '.[] | select(.id == $id) | .names | sort | join(",")')
	[ "$names" = busybox:other,busybox:test ]
	run rt run --image busybox:other -- cat /marker
	[ "$output" = layer2 ]
}

@test "run --image, image unpack: an image /etc/passwd that is a FIFO, a device, a symlink or huge is refused" {
	local kind
	mkdir -p /tmp/berth-hostile
	echo 'nobody:x:4242:4242::/:/bin/sh' >/tmp/berth-hostile/passwd
	for kind in fifo dev symlink huge; do
		BERTH=$BERTH "$MKIMAGE" --user nobody --passwd $kind --ref pw:$kind "$BATS_TEST_TMPDIR/$kind.tar" \
			busybox >/dev/null
		# a hang would hold the store lock: image ls must answer meanwhile
		timeout 30 "$BERTH" --root "$ROOT" run --network none --image "$BATS_TEST_TMPDIR/$kind.tar" --name "$CID" -- id \
			>"$BATS_TEST_TMPDIR/out" 2>&1 &
		local pid=$!
		sleep 1
		run timeout 10 "$BERTH" --root "$ROOT" image ls
		[ "$status" -eq 0 ] || { echo "$kind: image ls blocked: $status"; return 1; }
		wait $pid && status=0 || status=$?
		output=$(cat "$BATS_TEST_TMPDIR/out")
		echo "$kind: $status $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"the image's /etc/passwd is "* ]]
		[[ "$output" != *4242* ]]
		assert_gone "$CID"
		run timeout 30 "$BERTH" image unpack "$BATS_TEST_TMPDIR/$kind.tar" "$BATS_TEST_TMPDIR/u-$kind"
		echo "unpack $kind: $status $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"the image's /etc/passwd is "* ]]
		[ ! -e "$BATS_TEST_TMPDIR/u-$kind/rootfs" ]
	done
	rm -f /tmp/berth-hostile/passwd
}

@test "run --image: a host user cannot reach the container's setuid files or devices; setuid works inside" {
	local x=$BATS_TEST_TMPDIR/x top
	mkdir -p "$x/bin" "$x/dev2"
	# sysc 107: geteuid on x86_64
	cp "$(build_helper sysc -static)" "$x/bin/sysc" && chown 0:0 "$x/bin/sysc" && chmod 4755 "$x/bin/sysc"
	mknod -m 666 "$x/dev2/zero" c 1 5 && chmod 755 "$x"
	BERTH=$BERTH "$MKIMAGE" --layer "$x" --ref suid:test "$BATS_TEST_TMPDIR/s.tar" busybox >/dev/null
	# a state root whose parents every user may traverse
	top=$(mktemp -d /tmp/berth-suid.XXXXXX) && chmod 755 "$top" && SUID_TOP=$top
	ROOT=$top/state STORE=$top/state/.images
	bg_run --image "$BATS_TEST_TMPDIR/s.tar" --name "$CID" -- sleep 100
	local r=$STORE/containers/$CID/rootfs
	[ -u "$r/bin/sysc" ]
	[ -c "$r/dev2/zero" ]
	# su, not setpriv: setpriv keeps root's capabilities until its exec, so the lookup would pass
	run su nobody -s /bin/sh -c "$r/bin/sysc 107"
	echo "host exec: $status $output"
	[ "$status" -ne 0 ]
	[[ "$output" != *"ok 0"* ]]
	run su nobody -s /bin/sh -c "head -c 1 $r/dev2/zero | od -An -tx1"
	echo "host device: $status $output"
	[[ "$output" != *00* ]]
	run su nobody -s /bin/sh -c "ls $STORE/layers"
	[ "$status" -ne 0 ]
	[ "$(stat -c %a "$STORE")" = 700 ]
	[ "$(stat -c %a "$STORE/containers/$CID")" = 700 ]
	# inside, a setuid-root file still gives euid 0 to an unprivileged process (without no_new_privs)
	echo '{"args": ["/bin/sysc", "107"], "user": {"uid": 65534, "gid": 65534}, "cwd": "/",
		"noNewPrivileges": false}' >"$BATS_TEST_TMPDIR/p.json"
	run rt exec --process "$BATS_TEST_TMPDIR/p.json" "$CID"
	echo "inside: $status $output"
	[ "$status" -eq 0 ]
	[ "$output" = "ok 0" ]
	run rt exec -u 65534:65534 "$CID" sh -c 'id -u; head -c 1 /dev2/zero | od -An -tx1'
	echo "inside device: $status $output"
	[ "$status" -eq 0 ]
	[[ "$output" == "65534"*"00"* ]]
	rt delete --force "$CID"
	rm -rf "$top"
}

@test "run --image (overlay and copy), image unpack FILE and IMAGE: the same tree from layers through symlinks, hardlinks, whiteouts" {
	local own='^\./etc/(hostname|hosts|resolv\.conf) '
	mk_corpus
	local u=$BATS_TEST_TMPDIR/u tree
	run rt image load "$BATS_TEST_TMPDIR/c.tar"
	echo "$output"
	[ "$status" -eq 0 ]
	# the reference: the layers applied in order into one directory
	run "$BERTH" image unpack "$BATS_TEST_TMPDIR/c.tar" "$u"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	jq --arg s "$TREE" '.process.args = ["sh", "-c", $s]' "$u/config.json" >"$u/c" && mv "$u/c" "$u/config.json"
	rt run --bundle "$u" "$CID-flat" >"$BATS_TEST_TMPDIR/flat" </dev/null
	grep -q '^./usr/lib/hello ' "$BATS_TEST_TMPDIR/flat"
	grep -q '^./lib2 symbolic link 777 0:0 usr/lib$' "$BATS_TEST_TMPDIR/flat"
	! grep -q '^./usr/wd/victim ' "$BATS_TEST_TMPDIR/flat" || false
	for how in overlay copy store; do
		case $how in
		overlay) rt run --image corpus:test -- sh -c "$TREE" >"$BATS_TEST_TMPDIR/$how" </dev/null ;;
		copy) BERTH_IMAGE_COPY=1 rt run --image corpus:test -- sh -c "$TREE" >"$BATS_TEST_TMPDIR/$how" </dev/null ;;
		store)
			rt image unpack corpus:test "$BATS_TEST_TMPDIR/s"
			jq --arg s "$TREE" '.process.args = ["sh", "-c", $s]' "$BATS_TEST_TMPDIR/s/config.json" \
				>"$BATS_TEST_TMPDIR/s/c" && mv "$BATS_TEST_TMPDIR/s/c" "$BATS_TEST_TMPDIR/s/config.json"
			rt run --bundle "$BATS_TEST_TMPDIR/s" "$CID-store" >"$BATS_TEST_TMPDIR/$how" </dev/null ;;
		esac
		# run --image writes its own /etc/hostname, hosts and resolv.conf: not part of the layers' tree
		diff -u <(grep -vE "$own" "$BATS_TEST_TMPDIR/flat") <(grep -vE "$own" "$BATS_TEST_TMPDIR/$how") ||
			{ echo "$how differs"; return 1; }
	done
}

@test "image load and unpack killed at any moment: the next store command or unpack leaves no temporary and no unused layer" {
	local d l1=$BATS_TEST_TMPDIR/l1 l2=$BATS_TEST_TMPDIR/l2 t=$BATS_TEST_TMPDIR/k.tar pid
	mkdir -p "$l1" "$l2"
	head -c 40M /dev/urandom >"$l1/big1" && head -c 40M /dev/urandom >"$l2/big2" && chmod 755 "$l1" "$l2"
	BERTH=$BERTH "$MKIMAGE" --layer "$l1" --layer "$l2" --ref kill:test "$t" busybox >/dev/null
	for d in 0.02 0.05 0.08 0.1 0.12 0.14 0.16 0.2 0.3 0.5; do
		rm -rf "$ROOT"
		"$BERTH" --root "$ROOT" image load "$t" >/dev/null 2>&1 &
		pid=$!
		sleep $d
		kill -9 $pid 2>/dev/null || true
		wait $pid || true
		run rt image ls -q
		[ "$status" -eq 0 ]
		# no temporary; and every layer belongs to a loaded image
		run find "$STORE/layers" "$STORE/images" -maxdepth 1 -name '.tmp-*'
		[ -z "$output" ] || { echo "load killed after $d s left: $output"; return 1; }
		local n_layers n_images
		n_layers=$(ls "$STORE/layers" | wc -l) n_images=$(ls "$STORE/images" | wc -l)
		echo "after $d s: $n_images images, $n_layers layers"
		[ "$n_images" -eq 1 ] && [ "$n_layers" -eq 4 ] || [ "$n_layers" -eq 0 ]
		[ ! -e "$STORE/dirty" ]
		# an unpack of the archive killed at the same moment, then unpacked again into the same bundle
		local b=$BATS_TEST_TMPDIR/b$d
		"$BERTH" image unpack "$t" "$b" >/dev/null 2>&1 &
		pid=$!
		sleep $d
		kill -9 $pid 2>/dev/null || true
		wait $pid || true
		[ -e "$b/rootfs" ] || { run "$BERTH" image unpack "$t" "$b"; [ "$status" -eq 0 ] || { echo "$output"; return 1; }; }
		run ls -A "$b"
		[ "$output" = "$(printf 'config.json\nrootfs')" ] || { echo "unpack killed after $d s left: $output"; return 1; }
	done
}
