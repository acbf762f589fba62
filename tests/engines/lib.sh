# Shared helpers of the engine suite (sourced by run.sh and the per-engine files).

# Result of one case: pass, fail REASON, skip REASON, na REASON (the case does not exist for the engine).
# A case function returns 0 (pass), 1 (fail: last line of $W/case.err is the reason), 2 (skip: the
# reason is on the last line of $W/case.err), 3 (n/a).
SKIP=2
NA=3

# why MSG: the reason a case gives for failing or skipping.
why() { printf '%s\n' "$*" >>"$W/case.err"; }

# expect WHAT GOT WANT: compare, explaining a mismatch.
expect() {
	[ "$2" = "$3" ] && return 0
	why "$1: got '$(printf '%s' "$2" | head -c 200 | tr '\n' ' ')', want '$3'"
	return 1
}

# expect_match WHAT GOT REGEX
expect_match() {
	[[ $2 =~ $3 ]] && return 0
	why "$1: got '$(printf '%s' "$2" | head -c 200 | tr '\n' ' ')', want /$3/"
	return 1
}

# retry N CMD...: run CMD up to N times, 0.1 s apart, until it succeeds.
retry() {
	local _retry_n=$1 _retry_i
	shift
	for ((_retry_i = 0; _retry_i < _retry_n; _retry_i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# record ENGINE CASE RUNTIME STATUS NOTE
record() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RESULTS"
}

# run_case ENGINE RUNTIME CASE: run case_CASE with a time limit, record its result.
run_case() {
	local engine=$1 rt=$2 c=$3 rc note status t0
	: >"$W/case.err"
	t0=$(date +%s%N)
	# A subshell so a case cannot change the suite's state; its own timeout kills runaway cases.
	(
		set +e
		trap 'exit 1' TERM
		# engine helpers (conmon) may drop files in their cwd: never the source tree
		cd "$W" || exit 1
		"case_${c//-/_}"
	) >"$W/case.out" 2>>"$W/case.err" </dev/null &
	local pid=$! waited=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 0.05
		waited=$((waited + 1))
		if [ $waited -gt $((CASE_TIMEOUT * 20)) ]; then
			why "timed out after ${CASE_TIMEOUT}s"
			pkill -TERM -P "$pid" 2>/dev/null
			kill -TERM "$pid" 2>/dev/null
			break
		fi
	done
	wait "$pid"
	rc=$?
	note=$(grep -v '^$' "$W/case.err" | tail -n 1 | tr '\t' ' ' | cut -c1-220)
	case $rc in
	0) status=pass ;;
	"$SKIP") status=skip ;;
	"$NA") status=na ;;
	*) status=fail ;;
	esac
	[ $status = pass ] && note=
	local ms=$((($(date +%s%N) - t0) / 1000000))
	record "$engine" "$c" "$rt" "$status" "$note"
	if [ $status = fail ] && [ -n "$VERBOSE" ]; then
		sed 's/^/    | /' "$W/case.err" | tail -n 15 >&2
	fi
	printf '  %-8s %-18s %-6s %-5s %5d ms %s\n' "$engine" "$c" "$rt" "$status" "$ms" "$note" >&2
}

# wait_socket PATH SECONDS PID: wait for a daemon's socket while the daemon lives.
wait_socket() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ -S "$1" ] && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# in_ns CMD...: run CMD in the suite's private network namespace.
in_ns() { nsenter --net="$NETNS" -- "$@"; }

# stop_pid PID: TERM, then KILL after 10 s, a process the suite started.
stop_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# http_get PORT: GET / from 127.0.0.1:PORT in the suite's network namespace.
http_get() {
	in_ns timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$0 && printf "GET / HTTP/1.0\r\n\r\n" >&3 && cat <&3' "$1" 2>/dev/null
}

# in_tmux CMD: run CMD in a real terminal, type a line into it, return the screen in $W/screen.
in_tmux() {
	local s=berth-engines-$$ i
	local cmd="$1; echo rc=\$?; sleep 60"
	tmux -L "$s" kill-server 2>/dev/null
	tmux -L "$s" new-session -d -x 120 -y 40 "$cmd" || { why "tmux failed"; return 1; }
	for ((i = 0; i < 200; i++)); do
		tmux -L "$s" capture-pane -p >"$W/screen" 2>/dev/null
		grep -q '#' "$W/screen" && break
		sleep 0.05
	done
	tmux -L "$s" send-keys 'tty; echo $((6*7))X; exit 5' Enter
	for ((i = 0; i < 200; i++)); do
		tmux -L "$s" capture-pane -p >"$W/screen" 2>/dev/null
		grep -q '^rc=' "$W/screen" && break
		sleep 0.05
	done
	tmux -L "$s" kill-server 2>/dev/null
	local screen
	screen=$(cat "$W/screen")
	cat "$W/screen" >&2
	expect_match "terminal" "$screen" $'/dev/pts/[0-9]+' || return 1
	expect_match "terminal" "$screen" $'\n42X' || return 1
	expect_match "exit code" "$screen" 'rc=5'
}
