#!/usr/bin/env bats
# A hostile rootfs: symlinks planted where the runtime mounts, creates devices or writes procfs,
# and fds or a cwd that would leak the host. Each test is a regression test for a CVE class.

load helpers

setup() {
	setup_bundle
	echo inside >"$BUNDLE/rootfs/etc/h6-where"
}

# Drop the config's mount at DEST: drop_mount /dev
drop_mount() {
	cfg --arg d "$1" '.mounts |= map(select(.destination != $d))'
}

# A relative symlink target that climbs from DIR (inside the rootfs) to the host's / and on to PATH,
# with two spare ".." a careless resolver would also follow: climb_to DIR PATH
climb_to() {
	local dir=$1 path=$2 up="../../" d
	d=$dir
	while [ "$d" != / ]; do
		up="$up../"
		d=$(dirname "$d")
	done
	echo "$up${path#/}"
}

# The directory holds exactly the listed names: only_has DIR name...
only_has() {
	local want have
	want=$(printf '%s\n' "${@:2}" | sort)
	have=$(ls -A "$1" | sort)
	[ "$have" = "$want" ] || { echo "$1 holds: $have"; return 1; }
}

@test "hostile: a mount destination symlinked out of the rootfs stays inside (CVE-2021-30465)" {
	local hx=$BATS_TEST_TMPDIR/host-x hy=$BATS_TEST_TMPDIR/host-y
	mkdir "$hx" "$hy"
	echo orig >"$hx/orig"
	echo orig >"$hy/orig"
	ln -s "$hx" "$BUNDLE/rootfs/dst-abs"
	# relative: rootfs/../../host-y is the host's host-y when followed naively
	ln -s ../../host-y "$BUNDLE/rootfs/dst-rel"
	ln -s "$(climb_to "$BUNDLE/rootfs" "$hy")" "$BUNDLE/rootfs/dst-climb"
	cfg '.mounts += [{"destination": "/dst-abs", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/dst-rel", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/dst-climb", "type": "tmpfs", "source": "tmpfs"}]'
	run run_ctr sh -c 'for d in /dst-abs /dst-rel /dst-climb; do
		[ -e $d/orig ] && echo "LEAK $d";
		echo pwned >$d/written || echo "cannot write $d";
		echo "$d $(stat -f -c %T $d/)"; done'
	[ "$status" -eq 0 ]
	[[ "$output" != *LEAK* ]]
	[[ "$output" != *"cannot write"* ]]
	[[ "$output" == *"/dst-abs tmpfs"* ]]
	[[ "$output" == *"/dst-rel tmpfs"* ]]
	[[ "$output" == *"/dst-climb tmpfs"* ]]
	only_has "$hx" orig
	only_has "$hy" orig
	[ "$(cat "$hx/orig")" = orig ]
	[ -z "$(host_mounts_here)" ]
}

# Run with rootfs/dev being the symlink TARGET; nothing may appear in HOSTDIR.
dev_symlink_run() {
	local target=$1 hostdir=$2
	rm -rf "$BUNDLE/rootfs/dev"
	ln -s "$target" "$BUNDLE/rootfs/dev"
	run run_ctr sh -c 'echo hi >/dev/null && echo null-ok; ls /dev/'
	echo "status $status: $output"
	only_has "$hostdir"
	[ -z "$(host_mounts_here)" ]
	[ "$status" -eq 0 ]
	[[ "$output" == *null-ok* ]]
}

@test "hostile: a symlink planted by an earlier mount cannot redirect a later one (CVE-2021-30465)" {
	# The volume (a host dir shared with other containers) holds a symlink to a host path; the next
	# mount lands under it. Resolved by fd in the root, it must end up inside the rootfs.
	local vol=$BATS_TEST_TMPDIR/volume victim=$BATS_TEST_TMPDIR/victim
	mkdir "$vol" "$victim"
	echo orig >"$victim/orig"
	ln -s "$victim" "$vol/sub"
	cfg '.mounts += [{"destination": "/vol", "type": "bind", "source": "'"$vol"'", "options": ["rbind"]},
		{"destination": "/vol/sub", "type": "tmpfs", "source": "tmpfs"}]'
	run run_ctr sh -c 'echo pwned >/vol/sub/written && stat -f -c %T /vol/sub/ && ls /vol/sub'
	[ "$status" -eq 0 ]
	[[ "$output" == *tmpfs* ]]
	[[ "$output" != *orig* ]]
	only_has "$victim" orig
	[ "$(grep -c " $victim " /proc/self/mountinfo)" -eq 0 ]
}

@test "hostile: rootfs /dev as an absolute symlink to a host dir creates nothing there" {
	local hd=$BATS_TEST_TMPDIR/host-dev
	mkdir "$hd"
	dev_symlink_run "$hd" "$hd"
}

@test "hostile: rootfs /dev as a climbing relative symlink creates nothing on the host" {
	local hd=$BATS_TEST_TMPDIR/host-dev
	mkdir "$hd"
	dev_symlink_run "$(climb_to "$BUNDLE/rootfs" "$hd")" "$hd"
}

@test "hostile: rootfs /dev symlinked out, without a /dev tmpfs, creates nothing on the host" {
	local hd=$BATS_TEST_TMPDIR/host-dev
	mkdir "$hd"
	drop_mount /dev
	dev_symlink_run "$(climb_to "$BUNDLE/rootfs" "$hd")" "$hd"
}

@test "hostile: rootfs /dev absolute symlink, without a /dev tmpfs, creates nothing on the host" {
	local hd=$BATS_TEST_TMPDIR/host-dev
	mkdir "$hd"
	drop_mount /dev
	dev_symlink_run "$hd" "$hd"
}

@test "hostile: rootfs /dev/pts, /dev/shm, /dev/mqueue symlinked out, without a /dev tmpfs, stay inside" {
	local h=$BATS_TEST_TMPDIR d
	mkdir "$h/host-pts" "$h/host-shm" "$h/host-mq"
	for d in host-pts host-shm host-mq; do echo orig >"$h/$d/orig"; done
	drop_mount /dev
	ln -s "$h/host-pts" "$BUNDLE/rootfs/dev/pts"
	ln -s "$(climb_to "$BUNDLE/rootfs/dev" "$h/host-shm")" "$BUNDLE/rootfs/dev/shm"
	ln -s ../../../host-mq "$BUNDLE/rootfs/dev/mqueue"
	# filesystem magic numbers: devpts 1cd1, tmpfs 1021994, mqueue 19800202
	run run_ctr sh -c 'for d in /dev/pts /dev/shm /dev/mqueue; do
		[ -e $d/orig ] && echo "LEAK $d"; echo "$d $(stat -f -c %t $d/)"; done'
	echo "status $status: $output"
	for d in host-pts host-shm host-mq; do only_has "$h/$d" orig; done
	[ -z "$(host_mounts_here)" ]
	[ "$status" -eq 0 ]
	[[ "$output" != *LEAK* ]]
	[[ "$output" == *"/dev/pts 1cd1"* ]]
	[[ "$output" == *"/dev/shm 1021994"* ]]
	[[ "$output" == *"/dev/mqueue 19800202"* ]]
}

@test "hostile: maskedPaths and readonlyPaths that are symlinks out never expose the host" {
	local hd=$BATS_TEST_TMPDIR/host-paths
	mkdir "$hd"
	echo host-secret >"$hd/secret"
	ln -s "$hd" "$BUNDLE/rootfs/masked-abs"
	ln -s ../../host-paths "$BUNDLE/rootfs/masked-rel"
	ln -s "$hd" "$BUNDLE/rootfs/ro-abs"
	ln -s ../../host-paths "$BUNDLE/rootfs/ro-rel"
	cfg '.linux.maskedPaths += ["/masked-abs", "/masked-rel"]
		| .linux.readonlyPaths += ["/ro-abs", "/ro-rel"]
		| .root.readonly = false'
	run run_ctr sh -c 'for d in /masked-abs /masked-rel /ro-abs /ro-rel; do
		cat $d/secret 2>/dev/null; echo pwned >$d/new 2>/dev/null && echo "wrote $d"; done; echo end'
	echo "status $status: $output"
	only_has "$hd" secret
	[ "$(cat "$hd/secret")" = host-secret ]
	[ -z "$(host_mounts_here)" ]
	[[ "$output" != *host-secret* ]]
	if [ "$status" -eq 0 ]; then
		[[ "$output" == *end* ]]
	fi
}

# Mask /etc/h6-secret and /proc/timer_list: both must be the real null device, HOSTFILE untouched.
masked_check() {
	local hostfile=$1
	echo secret >"$BUNDLE/rootfs/etc/h6-secret"
	cfg '.linux.maskedPaths = ["/etc/h6-secret", "/proc/timer_list"]'
	run run_ctr sh -c 'echo pwned >/etc/h6-secret; echo pwned >/dev/null;
		echo "secret=$(stat -c %F:%t:%T /etc/h6-secret) timer_list=$(stat -c %t:%T /proc/timer_list)";
		echo "null=$(stat -c %t:%T /dev/null)"; echo "content=[$(cat /etc/h6-secret)]"'
	echo "status $status: $output"
	[ "$(cat "$hostfile")" = precious ]
	[ "$status" -eq 0 ]
	[[ "$output" == *"secret=character special file:1:3 timer_list=1:3"* ]]
	[[ "$output" == *"null=1:3"* ]]
	[[ "$output" == *"content=[]"* ]]
}

@test "hostile: maskedPaths with the default /dev tmpfs are the null device" {
	local hf=$BATS_TEST_TMPDIR/host-null
	echo precious >"$hf"
	ln -sf "$hf" "$BUNDLE/rootfs/dev/null"
	masked_check "$hf"
}

@test "hostile: maskedPaths when rootfs /dev/null links to a host file (CVE-2025-31133)" {
	local hf=$BATS_TEST_TMPDIR/host-null
	echo precious >"$hf"
	drop_mount /dev
	ln -sf "$hf" "$BUNDLE/rootfs/dev/null"
	masked_check "$hf"
}

@test "hostile: maskedPaths when rootfs /dev/null is a relative symlink out (CVE-2025-31133)" {
	local hf=$BATS_TEST_TMPDIR/host-null
	echo precious >"$hf"
	drop_mount /dev
	ln -sf "$(climb_to "$BUNDLE/rootfs/dev" "$hf")" "$BUNDLE/rootfs/dev/null"
	masked_check "$hf"
}

@test "hostile: maskedPaths when rootfs /dev/null is a regular file (CVE-2025-31133)" {
	local hf=$BATS_TEST_TMPDIR/host-null
	echo precious >"$hf"
	drop_mount /dev
	echo precious >"$BUNDLE/rootfs/dev/null"
	masked_check "$hf"
}

# Run a terminal container with rootfs /dev/console -> TARGET; print what it saw on the pty.
console_run() {
	local cs sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/console.out receiver i
	ln -sf "$1" "$BUNDLE/rootfs/dev/console"
	cs=$(build_helper consock)
	"$cs" "$sock" >"$out" 3>&- &
	receiver=$!
	for ((i = 0; i < 50; i++)); do [ -S "$sock" ] && break; sleep 0.1; done
	cfg '.process.terminal = true'
	set_args sh -c 'echo pwned >/dev/console; echo "console=$(stat -L -c %t:%T /dev/console)";
		echo "tty=$(stat -L -c %t:%T $(tty))"; echo end'
	create_ctr --console-socket "$sock" || return 1
	rt start "$CID"
	wait_status stopped
	for ((i = 0; i < 50; i++)); do kill -0 "$receiver" 2>/dev/null || break; sleep 0.1; done
	kill "$receiver" 2>/dev/null || true
	tr -d '\r' <"$out"
}

@test "hostile: terminal /dev/console is the pts though rootfs /dev/console links out (CVE-2025-52565)" {
	local hf=$BATS_TEST_TMPDIR/host-console
	echo precious >"$hf"
	drop_mount /dev
	run console_run "$hf"
	echo "$output"
	[ "$(cat "$hf")" = precious ]
	[[ "$output" == *"console=88:0"* ]]
	[[ "$output" == *"tty=88:0"* ]]
	[[ "$output" == *end* ]]
}

@test "hostile: terminal /dev/console with a climbing relative symlink out (CVE-2025-52565)" {
	local hf=$BATS_TEST_TMPDIR/host-console
	echo precious >"$hf"
	drop_mount /dev
	run console_run "$(climb_to "$BUNDLE/rootfs/dev" "$hf")"
	echo "$output"
	[ "$(cat "$hf")" = precious ]
	[[ "$output" == *"console=88:0"* ]]
	[[ "$output" == *end* ]]
}

# rootfs /proc -> TARGET, no /proc mount but a real one at /realproc; sysctl and oomScoreAdj set.
proc_symlink_run() {
	drop_mount /proc
	rm -rf "$BUNDLE/rootfs/proc"
	ln -s "$1" "$BUNDLE/rootfs/proc"
	cfg '.mounts += [{"destination": "/realproc", "type": "proc", "source": "proc"}]
		| .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"} | .process.oomScoreAdj = 321'
	run run_ctr sh -c 'echo "fwd=$(cat /realproc/sys/net/ipv4/ip_forward)";
		echo "oom=$(cat /realproc/self/oom_score_adj)"'
	echo "status $status: $output"
}

# A fake procfs tree under DIR whose files say "fake".
make_fake_proc() {
	mkdir -p "$1/sys/net/ipv4" "$1/self"
	echo fake >"$1/sys/net/ipv4/ip_forward"
	echo fake >"$1/self/oom_score_adj"
}

assert_fake_proc_untouched() {
	[ "$(cat "$1/sys/net/ipv4/ip_forward")" = fake ]
	[ "$(cat "$1/self/oom_score_adj")" = fake ]
	only_has "$1/sys/net/ipv4" ip_forward
	only_has "$1/self" oom_score_adj
}

@test "hostile: sysctl and oomScoreAdj reach the real procfs though rootfs /proc links (CVE-2025-52881)" {
	make_fake_proc "$BUNDLE/rootfs/fakeproc"
	proc_symlink_run /fakeproc
	assert_fake_proc_untouched "$BUNDLE/rootfs/fakeproc"
	[ "$status" -eq 0 ]
	[[ "$output" == *"fwd=1"* ]]
	[[ "$output" == *"oom=321"* ]]
}

@test "hostile: sysctl and oomScoreAdj never write a host tree that rootfs /proc points to (CVE-2025-52881)" {
	local hp=$BATS_TEST_TMPDIR/host-proc
	make_fake_proc "$hp"
	proc_symlink_run "$(climb_to "$BUNDLE/rootfs" "$hp")"
	assert_fake_proc_untouched "$hp"
	[ "$status" -eq 0 ]
	[[ "$output" == *"fwd=1"* ]]
	[[ "$output" == *"oom=321"* ]]
}

# Run the rest with fd 5 on a host file and fd 6 on a host directory open (no close-on-exec).
with_host_fds() {
	exec 5</etc/hostname 6<"$BATS_TEST_TMPDIR"
	"$@"
}

@test "hostile: the container gets only fds 0 1 2, none of the caller's (CVE-2024-21626)" {
	install_helper fds
	set_args sh -c 'fds; echo "cwd1=$(readlink /proc/1/cwd)"; echo "cwd=$(readlink /proc/self/cwd)"'
	run with_host_fds rt run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(grep -E '^[0-9]+ ' <<<"$output" | cut -d' ' -f1 | tr '\n' ' ')" = "0 1 2 " ]
	[[ "$output" == *"cwd1=/"$'\n'* ]]
	[[ "$output" == *"cwd=/"* ]]
	[[ "$output" != *"$BATS_TEST_TMPDIR"* ]]
}

@test "hostile: with --preserve-fds 1 exactly fd 3 is added" {
	install_helper fds
	set_args sh -c 'fds'
	run with_host_fds bash -c 'exec 3</etc/hostname; "$@"' _ \
		"$BERTH" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(cut -d' ' -f1 <<<"$output" | tr '\n' ' ')" = "0 1 2 3 " ]
}

@test "hostile: the init's cwd is the configured one inside the container" {
	install_helper fds
	mkdir -p "$BUNDLE/rootfs/work/dir"
	cfg '.process.cwd = "/work/dir"'
	set_args sh -c 'echo "cwd1=$(readlink /proc/1/cwd)"; cat ../../etc/h6-where'
	run with_host_fds rt run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "cwd1=/work/dir" ]
	[ "${lines[1]}" = inside ]
}

@test "hostile: a cwd of /proc/self/fd/N never lands outside the rootfs (CVE-2024-21626)" {
	local n
	for n in 3 4 5 6 7 8 9 10; do
		cfg --arg c "/proc/self/fd/$n" '.process.cwd = $c'
		set_args sh -c 'cat ../../../../../../../../../../etc/h6-where 2>&1; readlink /proc/self/cwd'
		run with_host_fds rt run --bundle "$BUNDLE" "$CID-$n"
		echo "fd $n: status $status: $output"
		if [ "$status" -eq 0 ]; then
			[ "${lines[0]}" = inside ]
		fi
		[ ! -e "$ROOT/$CID-$n" ] || rt delete --force "$CID-$n"
	done
}

# CVE-2019-5736 on the create path: a rootfs holding ld.so, the libraries the host's berth needs and
# a preload library (exe_preload.c) that attacks /proc/self/exe; then process.args and env from
# the arguments. Runs a copy of berth through create + start and checks the copy is unchanged.
exe_attack() {
	local copy=$BATS_TEST_TMPDIR/berth-copy before after lib i
	cp "$BERTH" "$copy"
	before=$(sha256sum <"$copy")
	cc -shared -fPIC -O2 -o "$BUNDLE/rootfs/exe_preload.so" "$TESTS_TOP/tests/integration/exe_preload.c"
	for lib in $(ldd "$copy" | grep -o '/[^ ]*'); do
		mkdir -p "$BUNDLE/rootfs$(dirname "$lib")"
		cp -L "$lib" "$BUNDLE/rootfs$lib"
	done
	cfg 'del(.linux.seccomp) | .root.readonly = false'
	set_args "$@"
	cfg '.process.env += ["LD_PRELOAD=/exe_preload.so"]'
	BERTH=$copy create_ctr
	"$copy" --root "$ROOT" start "$CID" || true
	# the attack's shell retries for 5 s once nothing executes the binary; wait for its verdict
	for ((i = 0; i < 70; i++)); do
		grep -q 'reopen' "$BUNDLE/rootfs/report" 2>/dev/null && break
		[ "$(rt state "$CID" 2>/dev/null | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	cat "$BUNDLE/rootfs/report" 2>/dev/null || echo "(no report: the library never ran)"
	after=$(sha256sum <"$copy")
	! grep -q WROTE "$BUNDLE/rootfs/report" 2>/dev/null || false
	[ "$before" = "$after" ]
}

@test "hostile: process.args /proc/self/exe with LD_PRELOAD cannot rewrite the host's berth (CVE-2019-5736)" {
	exe_attack /proc/self/exe
}

@test "hostile: a #!/proc/self/exe script with LD_PRELOAD cannot rewrite the host's berth (CVE-2019-5736)" {
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/attack.sh"
	chmod 755 "$BUNDLE/rootfs/attack.sh"
	exe_attack /attack.sh
}

@test "hostile: a startContainer hook /proc/self/exe runs the sealed stub, not berth (CVE-2019-5736)" {
	local copy=$BATS_TEST_TMPDIR/berth-copy before
	cp "$BERTH" "$copy"
	before=$(sha256sum <"$copy")
	cc -shared -fPIC -O2 -o "$BUNDLE/rootfs/exe_preload.so" "$TESTS_TOP/tests/integration/exe_preload.c"
	for lib in $(ldd "$copy" | grep -o '/[^ ]*'); do
		mkdir -p "$BUNDLE/rootfs$(dirname "$lib")"
		cp -L "$lib" "$BUNDLE/rootfs$lib"
	done
	cfg '.root.readonly = false | .hooks.startContainer = [{path: "/proc/self/exe", env: ["LD_PRELOAD=/exe_preload.so"]}]'
	BERTH=$copy create_ctr
	run "$copy" --root "$ROOT" start "$CID"
	# the hook is the stub, run with too few arguments: it exits 127 and start names the hook
	[ "$status" -ne 0 ]
	[[ "$output" == *"startContainer hook #0"* ]]
	cat "$BUNDLE/rootfs/report" 2>/dev/null || true
	[ ! -e "$BUNDLE/rootfs/report" ]
	[ "$before" = "$(sha256sum <"$copy")" ]
}

@test "hostile: the process holds no exec stub or fifo fd, and its exe is its own binary" {
	set_args sh -c 'ls /proc/self/fd | tr "\n" " "; echo; readlink /proc/self/exe; readlink /proc/1/exe'
	run run_ctr
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 1 2 3 " ] # 3: ls's own directory
	[[ "${lines[1]}" == /bin/* ]]
	[[ "${lines[2]}" == /bin/* ]]
}

@test "hostile: \\u0000 in a config.json string is refused, never cut short (CAP_SYS_ADMIN\\u0000junk)" {
	cfg '.process.capabilities = {bounding: ["CAP_SYS_ADMIN\u0000junk"], effective: ["CAP_SYS_ADMIN\u0000junk"],
		permitted: ["CAP_SYS_ADMIN\u0000junk"]}'
	run run_ctr sh -c 'grep CapEff /proc/self/status'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *'process.capabilities.bounding[0]: the string holds a NUL character'* ]]
	[[ "$output" != *CapEff* ]]
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "hostile: \\u0000 in a mount destination is refused (/mnt\\u0000/../../x)" {
	cfg '.mounts += [{destination: "/mnt\u0000/../../x", type: "tmpfs", source: "tmpfs"}]'
	run run_ctr sh -c 'stat -f -c %T /mnt'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *'destination: the string holds a NUL character'* ]]
	[[ "$output" != tmpfs ]]
}

@test "hostile: \\u0000 in an exec --process document is refused" {
	set_args sleep 100
	run_detached
	printf '%s\n' '{"args": ["sh", "-c", "echo ran\u0000; id"], "cwd": "/", "user": {"uid": 0, "gid": 0}}' \
		>"$BATS_TEST_TMPDIR/process.json"
	run rt exec --process "$BATS_TEST_TMPDIR/process.json" "$CID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *'process.json: process.args[2]: the string holds a NUL character'* ]]
	[[ "$output" != *ran* ]]
}

# Append a mount (JSON) and print its index: i=$(add_mount '{...}')
add_mount() {
	jq '.mounts | length' "$BUNDLE/config.json"
	cfg --argjson m "$1" '.mounts += [$m]'
}

@test "hostile: a bind over /proc/sys/kernel/core_pattern is refused, naming the mount" {
	local i
	echo '|/tmp/x' >"$BATS_TEST_TMPDIR/pattern"
	i=$(add_mount "{\"destination\": \"/proc/sys/kernel/core_pattern\", \"type\": \"bind\",
		\"source\": \"$BATS_TEST_TMPDIR/pattern\", \"options\": [\"bind\"]}")
	run run_ctr cat /proc/sys/kernel/core_pattern
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"mounts[$i]"*"/proc/sys/kernel/core_pattern is inside /proc"* ]]
	[[ "$output" != *'|/tmp/x'* ]]
	[ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "hostile: a tmpfs over /proc/sys is refused, naming the mount" {
	local i
	i=$(add_mount '{"destination": "/proc/sys", "type": "tmpfs", "source": "tmpfs"}')
	run run_ctr stat -f -c %T /proc/sys
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"mounts[$i]"*"/proc/sys is inside /proc"* ]]
	[[ "$output" != tmpfs ]]
}

@test "hostile: the host's /proc bound over /proc is refused with a new pid namespace" {
	local i
	i=$(add_mount '{"destination": "/proc", "type": "bind", "source": "/proc", "options": ["rbind"]}')
	run run_ctr sh -c 'ls /proc | grep -c "^[0-9]"'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"mounts[$i]"*"/proc is inside /proc"* ]]
	# and a tmpfs in place of procfs is no better
	cfg '.mounts |= map(select(.destination != "/proc"))'
	i=$(add_mount '{"destination": "/proc", "type": "tmpfs", "source": "tmpfs"}')
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *"mounts[$i]"*"only a proc mount may cover /proc"* ]]
}

@test "hostile: a symlink to /proc in the image does not carry a mount into /proc" {
	local i j
	ln -s /proc "$BUNDLE/rootfs/mydir"
	ln -s ../proc/sys/kernel "$BUNDLE/rootfs/mykernel"
	echo '|/tmp/x' >"$BATS_TEST_TMPDIR/pattern"
	i=$(add_mount '{"destination": "/mydir/sys", "type": "tmpfs", "source": "tmpfs"}')
	run run_ctr stat -f -c %T /proc/sys
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"mounts[$i] (/mydir/sys)"*"/proc/sys is inside /proc"* ]]
	cfg '.mounts |= map(select(.destination != "/mydir/sys"))'
	j=$(add_mount "{\"destination\": \"/mykernel/core_pattern\", \"type\": \"bind\",
		\"source\": \"$BATS_TEST_TMPDIR/pattern\", \"options\": [\"bind\"]}")
	run run_ctr cat /proc/sys/kernel/core_pattern
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"mounts[$j] (/mykernel/core_pattern)"*"/proc/sys/kernel/core_pattern is inside /proc"* ]]
}

@test "hostile: a dangling symlink destination climbing out (/x -> ../../../../tmp/evil) is created inside" {
	local evil=/tmp/berth-h5-evil-$$-$RANDOM
	ln -s "../../../../../../../..$evil" "$BUNDLE/rootfs/x"
	ln -s "../../../../../../../..$evil-file" "$BUNDLE/rootfs/y"
	ln -s "$evil-abs/f" "$BUNDLE/rootfs/z"
	echo planted >"$BATS_TEST_TMPDIR/src"
	cfg --arg s "$BATS_TEST_TMPDIR/src" '.mounts += [{destination: "/x", type: "tmpfs", source: "tmpfs"},
		{destination: "/y", type: "bind", source: $s, options: ["bind"]},
		{destination: "/z", type: "bind", source: $s, options: ["bind"]}]'
	run run_ctr sh -c "stat -f -c %T $evil; cat $evil-file $evil-abs/f"
	echo "$output"
	[ ! -e "$evil" ]
	[ ! -e "$evil-file" ]
	[ ! -e "$evil-abs" ]
	[ "$status" -eq 0 ]
	[ "$output" = "tmpfs"$'\n'"planted"$'\n'"planted" ]
	[ -d "$BUNDLE/rootfs$evil" ]
	[ -f "$BUNDLE/rootfs$evil-file" ]
}
