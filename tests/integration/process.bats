#!/usr/bin/env bats
# process.*: args, env, cwd, user, umask, groups, capabilities, noNewPrivileges, rlimits, oomScoreAdj,
# terminal. Each test changes config.json and checks the effect from inside the container.

load helpers

setup_file() {
	# The console-socket receiver, built once per file.
	RECVTTY=$(build_helper recvtty)
	export RECVTTY
}

setup() {
	setup_bundle
	RECVTTY_PID=
}

teardown() {
	# A receiver left by a failed terminal test would listen forever.
	[ -z "$RECVTTY_PID" ] || kill "$RECVTTY_PID" 2>/dev/null || true
	teardown_containers
}

# Set every capability set to the given JSON array, then override single sets with caps_set.
caps_all() {
	cfg --argjson c "$1" '.process.capabilities = {bounding: $c, effective: $c, permitted: $c,
		inheritable: $c, ambient: $c}'
}

caps_set() {
	cfg --arg s "$1" --argjson c "$2" '.process.capabilities[$s] = $c'
}

# Print one capability line of the container's /proc/self/status: cap_line CapEff
cap_of() {
	echo "$output" | awk -v k="$1:" '$1 == k { print $2 }'
}

read_caps() {
	run run_ctr sh -c 'grep ^Cap /proc/self/status'
	[ "$status" -eq 0 ]
}

# --- args -------------------------------------------------------------------------------------------

@test "process.args: the command and its arguments run" {
	run run_ctr echo hello "two words"
	[ "$status" -eq 0 ]
	[ "$output" = "hello two words" ]
}

@test "process.args: argv is passed verbatim, without a shell" {
	run run_ctr sh -c 'for a in "$@"; do echo "<$a>"; done' argv0 'a b' '$HOME' '*'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "<a b>" ]
	[ "${lines[1]}" = '<$HOME>' ]
	[ "${lines[2]}" = "<*>" ]
}

@test "process.args: a missing executable fails and is named" {
	run run_ctr /bin/h4-no-such-program
	[ "$status" -ne 0 ]
	[[ "$output" == *h4-no-such-program* ]]
}

@test "process.args: exit status of the process is returned by run" {
	run run_ctr sh -c 'exit 7'
	[ "$status" -eq 7 ]
}

# --- env --------------------------------------------------------------------------------------------

@test "process.env: a variable is visible, value kept with spaces" {
	cfg '.process.env += ["H4_VAR=bar baz", "H4_EMPTY="]'
	run run_ctr sh -c 'echo "[$H4_VAR]"; env | grep -c "^H4_EMPTY=$"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "[bar baz]" ]
	[ "${lines[1]}" = "1" ]
}

@test "process.env: the caller's environment does not leak in" {
	export H4_HOST_ONLY=leaked
	run run_ctr sh -c 'env'
	[ "$status" -eq 0 ]
	[[ "$output" != *H4_HOST_ONLY* ]]
	[[ "$output" == *PATH=* ]]
}

@test "process.env: PATH from the config is used to find args[0]" {
	cfg '.root.readonly = false'
	mkdir -p "$BUNDLE/rootfs/opt/h4bin"
	printf '#!/bin/sh\necho from-opt "$@"\n' >"$BUNDLE/rootfs/opt/h4bin/h4prog"
	chmod 755 "$BUNDLE/rootfs/opt/h4bin/h4prog"
	cfg '.process.env = ["PATH=/opt/h4bin:/bin"]'
	run run_ctr h4prog x
	[ "$status" -eq 0 ]
	[ "$output" = "from-opt x" ]
}

@test "process.env: a program outside PATH is not found" {
	mkdir -p "$BUNDLE/rootfs/opt/h4bin"
	printf '#!/bin/sh\necho from-opt\n' >"$BUNDLE/rootfs/opt/h4bin/h4prog"
	chmod 755 "$BUNDLE/rootfs/opt/h4bin/h4prog"
	cfg '.process.env = ["PATH=/bin"]'
	run run_ctr h4prog
	[ "$status" -ne 0 ]
	[[ "$output" != *from-opt* ]]
	[[ "$output" == *h4prog* ]]
}

# --- cwd --------------------------------------------------------------------------------------------

@test "process.cwd: the process starts in cwd" {
	cfg '.process.cwd = "/tmp"'
	run run_ctr pwd
	[ "$status" -eq 0 ]
	[ "$output" = "/tmp" ]
}

@test "process.cwd: a missing cwd is created inside the rootfs (like runc)" {
	cfg '.process.cwd = "/h4/not/there"'
	run run_ctr pwd
	[ "$status" -eq 0 ]
	[ "$output" = "/h4/not/there" ]
	[ -d "$BUNDLE/rootfs/h4/not/there" ]
}

# --- user -------------------------------------------------------------------------------------------

@test "process.user: uid and gid" {
	cfg '.process.user = {uid: 1000, gid: 1001}'
	run run_ctr sh -c 'id -u; id -g'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1000" ]
	[ "${lines[1]}" = "1001" ]
}

@test "process.user: real, effective, saved and fs ids all switch" {
	cfg '.process.user = {uid: 1234, gid: 4321}'
	run run_ctr sh -c 'grep -E "^(Uid|Gid):" /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '$1 == "Uid:" { print $2, $3, $4, $5 }')" = "1234 1234 1234 1234" ]
	[ "$(echo "$output" | awk '$1 == "Gid:" { print $2, $3, $4, $5 }')" = "4321 4321 4321 4321" ]
}

@test "process.user.umask: 23 prints 0027" {
	cfg '.process.user.umask = 23'
	run run_ctr sh -c umask
	[ "$status" -eq 0 ]
	[ "$output" = "0027" ]
}

@test "process.user.umask: 0 prints 0000 and new files get 0666" {
	cfg '.process.user.umask = 0 | .root.readonly = false'
	run run_ctr sh -c 'umask; rm -f /tmp/h4f; touch /tmp/h4f; stat -c %a /tmp/h4f'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0000" ]
	[ "${lines[1]}" = "666" ]
}

@test "process.user.additionalGids: supplementary groups are set" {
	cfg '.process.user = {uid: 1000, gid: 1000, additionalGids: [10, 20, 30]}'
	run run_ctr sh -c 'grep ^Groups: /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | cut -f2 | xargs -n1 | sort -n | xargs)" = "10 20 30" ]
}

@test "process.user.additionalGids: absent means no supplementary groups (host groups dropped)" {
	cfg '.process.user = {uid: 0, gid: 0}'
	# Run the runtime with a supplementary group of our own, which must not reach the container.
	set_args sh -c 'grep ^Groups: /proc/self/status'
	run setpriv --groups 4242 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | cut -f2 | xargs)" = "" ]
}

# --- capabilities -----------------------------------------------------------------------------------

@test "process.capabilities.bounding: only CAP_NET_BIND_SERVICE -> CapBnd 0000000000000400" {
	caps_all '[]'
	caps_set bounding '["CAP_NET_BIND_SERVICE"]'
	read_caps
	[ "$(cap_of CapBnd)" = "0000000000000400" ]
	[ "$(cap_of CapEff)" = "0000000000000000" ]
	[ "$(cap_of CapPrm)" = "0000000000000000" ]
}

@test "process.capabilities.permitted/effective: root keeps exactly the granted caps after exec" {
	# After execve, root's effective set is recomputed from permitted, so effective alone is not visible.
	caps_all '[]'
	caps_set bounding '["CAP_KILL", "CAP_NET_BIND_SERVICE"]'
	caps_set permitted '["CAP_KILL", "CAP_NET_BIND_SERVICE"]'
	caps_set effective '["CAP_KILL", "CAP_NET_BIND_SERVICE"]'
	read_caps
	[ "$(cap_of CapPrm)" = "0000000000000420" ]
	[ "$(cap_of CapEff)" = "0000000000000420" ]
	[ "$(cap_of CapInh)" = "0000000000000000" ]
	[ "$(cap_of CapAmb)" = "0000000000000000" ]
}

@test "process.capabilities.inheritable: CAP_CHOWN -> CapInh 0000000000000001" {
	caps_all '[]'
	caps_set bounding '["CAP_CHOWN"]'
	caps_set inheritable '["CAP_CHOWN"]'
	read_caps
	[ "$(cap_of CapInh)" = "0000000000000001" ]
	[ "$(cap_of CapBnd)" = "0000000000000001" ]
	[ "$(cap_of CapEff)" = "0000000000000000" ]
}

@test "process.capabilities.ambient: CAP_NET_BIND_SERVICE -> CapAmb 0000000000000400" {
	caps_all '["CAP_NET_BIND_SERVICE"]'
	read_caps
	[ "$(cap_of CapAmb)" = "0000000000000400" ]
	[ "$(cap_of CapInh)" = "0000000000000400" ]
	[ "$(cap_of CapPrm)" = "0000000000000400" ]
	[ "$(cap_of CapEff)" = "0000000000000400" ]
	[ "$(cap_of CapBnd)" = "0000000000000400" ]
}

@test "process.capabilities: ambient caps survive exec as a non-root user" {
	caps_all '["CAP_NET_BIND_SERVICE"]'
	cfg '.process.user = {uid: 1000, gid: 1000}'
	read_caps
	[ "$(cap_of CapEff)" = "0000000000000400" ]
	[ "$(cap_of CapAmb)" = "0000000000000400" ]
}

@test "process.capabilities: without ambient, a non-root user has no caps after exec" {
	caps_all '["CAP_NET_BIND_SERVICE"]'
	caps_set ambient '[]'
	caps_set inheritable '[]'
	cfg '.process.user = {uid: 1000, gid: 1000}'
	read_caps
	[ "$(cap_of CapEff)" = "0000000000000000" ]
	[ "$(cap_of CapPrm)" = "0000000000000000" ]
	[ "$(cap_of CapBnd)" = "0000000000000400" ]
}

@test "process.capabilities: all sets empty -> every mask is zero" {
	caps_all '[]'
	read_caps
	for k in CapInh CapPrm CapEff CapBnd CapAmb; do
		[ "$(cap_of $k)" = "0000000000000000" ]
	done
}

@test "process.capabilities: CAP_SYS_ADMIN alone is bit 21" {
	caps_all '[]'
	caps_set bounding '["CAP_SYS_ADMIN"]'
	caps_set permitted '["CAP_SYS_ADMIN"]'
	caps_set effective '["CAP_SYS_ADMIN"]'
	read_caps
	[ "$(cap_of CapEff)" = "0000000000200000" ]
}

@test "process.capabilities: a dropped capability is really not usable" {
	caps_all '[]'
	cfg '.root.readonly = false'
	run run_ctr sh -c 'touch /tmp/h4c && chown 1:1 /tmp/h4c'
	[ "$status" -ne 0 ]
	[[ "$output" == *"not permitted"* ]]
}

# --- noNewPrivileges --------------------------------------------------------------------------------

@test "process.noNewPrivileges: true -> NoNewPrivs 1" {
	cfg '.process.noNewPrivileges = true'
	run run_ctr sh -c 'grep ^NoNewPrivs: /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '{ print $2 }')" = "1" ]
}

@test "process.noNewPrivileges: false -> NoNewPrivs 0" {
	cfg '.process.noNewPrivileges = false'
	run run_ctr sh -c 'grep ^NoNewPrivs: /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '{ print $2 }')" = "0" ]
}

# --- rlimits ----------------------------------------------------------------------------------------

@test "process.rlimits: RLIMIT_NOFILE soft and hard" {
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1024}]'
	run run_ctr sh -c 'ulimit -Sn; ulimit -Hn; grep "Max open files" /proc/self/limits'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "512" ]
	[ "${lines[1]}" = "1024" ]
	[ "$(echo "${lines[2]}" | awk '{ print $4, $5 }')" = "512 1024" ]
}

@test "process.rlimits: RLIMIT_CORE and RLIMIT_NPROC" {
	cfg '.process.rlimits = [{type: "RLIMIT_CORE", soft: 4096, hard: 8192},
		{type: "RLIMIT_NPROC", soft: 500, hard: 600}]'
	run run_ctr cat /proc/self/limits
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '/^Max core file size/ { print $5, $6 }')" = "4096 8192" ]
	[ "$(echo "$output" | awk '/^Max processes/ { print $3, $4 }')" = "500 600" ]
}

@test "process.rlimits: raising soft to the caller's hard limit works" {
	local hard
	hard=$(ulimit -Hn)
	cfg --argjson h "$hard" '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: $h, hard: $h}]'
	run run_ctr sh -c 'ulimit -Sn; ulimit -Hn'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$hard" ]
	[ "${lines[1]}" = "$hard" ]
}

@test "process.rlimits: above the caller's hard limit fails naming RLIMIT_NOFILE (berth wording)" {
	local hard
	hard=$(ulimit -Hn)
	if [ "$hard" = unlimited ] || [ "$hard" -ge 100000 ]; then
		skip "the hard nofile limit is already >= 100000"
	fi
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 100000, hard: 100000}]'
	run run_ctr echo should-not-run
	[ "$status" -ne 0 ]
	[[ "$output" != *should-not-run* ]]
	[[ "$output" == *RLIMIT_NOFILE* ]]
	[[ "$output" == *100000* ]]
}

# --- oomScoreAdj ------------------------------------------------------------------------------------

@test "process.oomScoreAdj: 500" {
	cfg '.process.oomScoreAdj = 500'
	run run_ctr cat /proc/self/oom_score_adj
	[ "$status" -eq 0 ]
	[ "$output" = "500" ]
}

@test "process.oomScoreAdj: lowering it without CAP_SYS_RESOURCE fails and says so" {
	if [ $(( 0x$(awk '/^CapEff:/ { print $2 }' /proc/self/status) >> 24 & 1 )) -eq 1 ]; then
		skip "this host grants CAP_SYS_RESOURCE, so lowering is allowed"
	fi
	cfg '.process.oomScoreAdj = -250'
	run run_ctr echo should-not-run
	[ "$status" -ne 0 ]
	[[ "$output" != *should-not-run* ]]
	[[ "$output" == *oom_score_adj* || "$output" == *oomScoreAdj* ]]
}

# --- stdio without a terminal -----------------------------------------------------------------------

@test "process.terminal false: stdin, stdout and stderr are passed through" {
	set_args sh -c 'read l; echo "got:$l"; echo err-line >&2'
	run bash -c "echo piped-in | '$BERTH' --root '$ROOT' run --bundle '$BUNDLE' '$CID' 2>/dev/null"
	[ "$status" -eq 0 ]
	[ "$output" = "got:piped-in" ]
	run bash -c "'$BERTH' --root '$ROOT' run --bundle '$BUNDLE' '$CID-2' </dev/null 2>&1 >/dev/null"
	[ "$status" -eq 0 ]
	[[ "$output" == *err-line* ]]
}

# --- terminal ---------------------------------------------------------------------------------------

# Start recvtty on a fresh socket; its output lands in $TTY_OUT.
# Run args in a terminal through create --console-socket + start; waits for the pty to hang up.
run_tty() {
	cfg '.process.terminal = true'
	set_args "$@"
	start_recvtty
	timeout 20 "$BERTH" --root "$ROOT" create --bundle "$BUNDLE" --console-socket "$SOCK" "$CID" </dev/null
	timeout 20 "$BERTH" --root "$ROOT" start "$CID" </dev/null
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$RECVTTY_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$RECVTTY_PID" 2>/dev/null; then
		kill "$RECVTTY_PID"
		echo "the pty did not hang up" >&2
		return 1
	fi
	wait "$RECVTTY_PID"
	RECVTTY_PID=
	TTY_TEXT=$(tr -d '\r' <"$TTY_OUT")
	echo "$TTY_TEXT"
}

@test "process.terminal: stdio is a pty received over --console-socket" {
	run_tty sh -c 'tty; [ -t 0 ] && echo stdin-is-tty; [ -t 1 ] && echo stdout-is-tty'
	[[ "$TTY_TEXT" == */dev/pts/0* ]]
	[[ "$TTY_TEXT" == *stdin-is-tty* ]]
	[[ "$TTY_TEXT" == *stdout-is-tty* ]]
}

@test "process.consoleSize: stty size prints height and width" {
	cfg '.process.consoleSize = {height: 37, width: 121}'
	run_tty sh -c 'stty size'
	[[ "$TTY_TEXT" == *"37 121"* ]]
}

@test "process.terminal: /dev/console is the container's pts (major 136)" {
	run_tty sh -c 'echo "console=$(stat -c %t:%T /dev/console)"; echo "pts=$(stat -c %t:%T $(tty))"'
	local con pts
	con=$(echo "$TTY_TEXT" | sed -n 's/^console=//p')
	pts=$(echo "$TTY_TEXT" | sed -n 's/^pts=//p')
	[ -n "$con" ]
	[ "$con" = "$pts" ]
	# stat %t is hex: 0x88 = 136, the first Unix98 pty major.
	[ "${con%%:*}" = "88" ]
}

@test "process.terminal: true without --console-socket fails for create" {
	cfg '.process.terminal = true'
	run rt create --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *console* ]]
}

@test "process.capabilities: every capability (docker --privileged) where berth lacks one: it runs with those it holds" {
	# docker, ctr and the CRI ask for every capability the kernel knows; the host may withhold some
	# (no CAP_SYS_RESOURCE on CI): runc fails "unable to apply caps", berth leaves those out and warns.
	local all
	all=$(for ((i = 0; i <= $(cat /proc/sys/kernel/cap_last_cap); i++)); do
		capsh --decode=$(printf '%x' $((1 << i))) | sed 's/.*=//' | tr a-z A-Z
	done | jq -R . | jq -sc .)
	caps_all "$all"
	caps_set ambient '[]'
	read_caps
	own=$(awk '$1 == "CapPrm:" { print $2 }' /proc/self/status)
	[ "$(cap_of CapEff)" = "$own" ]
	[ "$(cap_of CapBnd)" = "$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)" ]
}

@test "process.capabilities: docker 20.10's --privileged (CAP_CHOWN..CAP_AUDIT_READ) where berth lacks one runs" {
	# Debian's docker 20.10 knows the capabilities up to 37 only and asks for all of them.
	local all
	all=$(for ((i = 0; i <= 37; i++)); do
		capsh --decode=$(printf '%x' $((1 << i))) | sed 's/.*=//' | tr a-z A-Z
	done | jq -R . | jq -sc .)
	caps_all "$all"
	caps_set ambient '[]'
	read_caps
	own=$(awk '$1 == "CapPrm:" { print $2 }' /proc/self/status)
	[ "$(cap_of CapEff)" = "$(printf '%016x' $((0x$own & ((1 << 38) - 1))))" ]
}

@test "process.capabilities: a named capability berth lacks still fails, naming it" {
	if grep -q '^CapPrm:.*ffffffffff$' /proc/self/status; then
		skip "berth holds every capability here"
	fi
	local miss=
	for ((i = 0; i <= $(cat /proc/sys/kernel/cap_last_cap); i++)); do
		if ! capsh --has-p="$(capsh --decode=$(printf '%x' $((1 << i))) | sed 's/.*=//')" 2>/dev/null; then
			miss=$(capsh --decode=$(printf '%x' $((1 << i))) | sed 's/.*=//' | tr a-z A-Z)
			break
		fi
	done
	[ -n "$miss" ] || skip "berth holds every capability here"
	caps_all "[\"CAP_CHOWN\",\"$miss\"]"
	caps_set ambient '[]'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *"$miss"* ]]
}
