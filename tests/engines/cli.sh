# User cases shared by the docker-style CLIs (podman and docker). The engine file defines:
#   E ARGS...       the engine CLI with its private flags
#   RT_OPTS         run/create options selecting the runtime under test (docker: --runtime NAME)
#   ENGINE          podman or docker
# Every container runs with --network none unless the case is about networking.

cli_cases() {
	echo run-exit run-signal exec exec-tty run-tty logs stop stop-timeout kill pause restart rm-f run-rm \
		memory oom pids cpus update read-only caps privileged seccomp-unconfined seccomp-custom user \
		workdir env volume tmpfs net-none port uidmap sysctl ulimit ps top stats inspect events pod \
		healthcheck
}

E_EXEC=
TMO=(timeout 60)
R() { E run "${RT_OPTS[@]}" --network none "$@"; }
cname() { echo "c-${FUNCNAME[1]#case_}-$$-$RANDOM"; }
# detached: start NAME [OPTIONS...] -- a long sleep, waiting until it runs.
detached() {
	local n=$1
	shift
	R -d --name "$n" "$@" "$IMAGE" sleep 1000 >/dev/null || { why "run -d failed"; return 1; }
}
state_of() { E inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }
in_ctr() { R --rm "$@"; }
rmf() { E rm -f "${RMF_OPTS[@]}" "$@"; }
gone() { ! E inspect "$1" >/dev/null 2>&1; }

case_run_exit() {
	local out
	out=$(in_ctr "$IMAGE" echo hello 2>&1) || { why "run: $out"; return 1; }
	expect output "$out" hello || return 1
	in_ctr "$IMAGE" sh -c 'exit 42' >/dev/null 2>"$W/err"
	expect "exit code of run" "$?" 42 || { cat "$W/err" >&2; return 1; }
}

case_run_signal() {
	# The CLI forwards SIGTERM to the container (sig-proxy); the container's trap decides the exit code.
	local n rc
	n=$(cname)
	# The CLI itself (no timeout in between, which would die of the signal too) gets the SIGTERM.
	(
		E_EXEC=exec TMO=()
		R --name "$n" "$IMAGE" sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done' >/dev/null 2>&1
	) &
	local pid=$!
	retry 100 eval '[ "$(state_of "$n")" = running ]' || { why "never running"; kill "$pid"; return 1; }
	sleep 0.5
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	rmf "$n" >/dev/null 2>&1
	expect "exit code after SIGTERM to the client" "$rc" 7
}

case_exec() {
	local n out rc
	n=$(cname)
	detached "$n" || return 1
	out=$(E exec "$n" sh -c 'echo $((40+2))' 2>&1)
	expect "exec output" "$out" 42 || return 1
	E exec "$n" sh -c 'exit 3' >/dev/null 2>&1
	rc=$?
	rmf "$n" >/dev/null 2>&1
	expect "exec exit code" "$rc" 3
}

case_exec_tty() {
	local n rc
	n=$(cname)
	detached "$n" || return 1
	in_tmux "$(E_cmdline) exec -it $n sh"
	rc=$?
	rmf "$n" >/dev/null 2>&1
	return $rc
}

case_run_tty() {
	in_tmux "$(E_cmdline) run ${RT_OPTS[*]} --network none --rm -it $IMAGE sh"
}

case_logs() {
	local n out
	n=$(cname)
	R --name "$n" "$IMAGE" sh -c 'echo out1; echo err1 >&2' >/dev/null 2>&1 || return 1
	out=$(E logs "$n" 2>&1)
	rmf "$n" >/dev/null 2>&1
	expect_match logs "$out" 'out1' && expect_match logs "$out" 'err1'
}

case_stop() {
	local n t0 code
	n=$(cname)
	R -d --name "$n" "$IMAGE" sh -c 'trap "exit 3" TERM; while :; do sleep 0.1; done' >/dev/null || return 1
	sleep 0.3
	t0=$SECONDS
	E stop -t 20 "$n" >/dev/null || { why "stop failed"; return 1; }
	code=$(E inspect -f '{{.State.ExitCode}}' "$n")
	rmf "$n" >/dev/null 2>&1
	[ $((SECONDS - t0)) -lt 10 ] || { why "stop took $((SECONDS - t0)) s"; return 1; }
	expect "exit code after SIGTERM" "$code" 3
}

case_stop_timeout() {
	# PID 1 ignores SIGTERM: the engine kills it after the timeout.
	local n t0 code
	n=$(cname)
	detached "$n" || return 1
	t0=$SECONDS
	E stop -t 1 "$n" >/dev/null || { why "stop failed"; return 1; }
	code=$(E inspect -f '{{.State.ExitCode}}' "$n")
	rmf "$n" >/dev/null 2>&1
	[ $((SECONDS - t0)) -lt 10 ] || { why "stop took $((SECONDS - t0)) s"; return 1; }
	expect "exit code after the timeout kill" "$code" 137
}

case_kill() {
	local n code
	n=$(cname)
	detached "$n" || return 1
	E kill "$n" >/dev/null || { why "kill failed"; return 1; }
	code=$(E wait "$n" 2>&1 | tail -n 1)
	rmf "$n" >/dev/null 2>&1
	expect "exit code after kill" "$code" 137
}

case_pause() {
	local n s1 s2 out
	n=$(cname)
	detached "$n" || return 1
	E pause "$n" >/dev/null || { why "pause failed"; rmf "$n" >/dev/null 2>&1; return 1; }
	s1=$(state_of "$n")
	E unpause "$n" >/dev/null || why "unpause failed"
	s2=$(state_of "$n")
	out=$(E exec "$n" echo alive 2>&1)
	rmf "$n" >/dev/null 2>&1
	expect "state after pause" "$s1" paused && expect "state after unpause" "$s2" running &&
		expect "exec after unpause" "$out" alive
}

case_restart() {
	local n p1 p2 s
	n=$(cname)
	detached "$n" || return 1
	p1=$(E inspect -f '{{.State.Pid}}' "$n")
	E restart -t 1 "$n" >/dev/null || { why "restart failed"; rmf "$n" >/dev/null 2>&1; return 1; }
	p2=$(E inspect -f '{{.State.Pid}}' "$n")
	s=$(state_of "$n")
	rmf "$n" >/dev/null 2>&1
	expect "state after restart" "$s" running || return 1
	[ "$p1" != "$p2" ] && [ "$p2" != 0 ] || { why "pid did not change: $p1 $p2"; return 1; }
}

case_rm_f() {
	local n
	n=$(cname)
	detached "$n" || return 1
	rmf "$n" >/dev/null || { why "rm -f failed"; return 1; }
	gone "$n" || { why "container still there"; return 1; }
}

case_run_rm() {
	local n
	n=$(cname)
	in_ctr --name "$n" "$IMAGE" true || { why "run failed"; return 1; }
	retry 50 gone "$n" || { why "container still there after --rm"; return 1; }
}

case_memory() {
	local out
	out=$(in_ctr --memory 64m "$IMAGE" cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>&1)
	expect "memory limit inside" "$out" 67108864
}

case_oom() {
	local n rc oom
	n=$(cname)
	# tail keeps a line that never ends: /dev/zero has no newline.
	if [ "$ENGINE" = podman ]; then
		# conmon 2.1.6 writes its cgroup v1 OOM mark to "oom" in its cwd (podman's), podman 4.3 reads
		# it in the container's userdata dir: start from there or any OOM reads as false.
		E create --name "$n" --network none --memory 32m --memory-swap 32m "$IMAGE" tail /dev/zero >/dev/null 2>&1
		(cd "$(E inspect -f '{{.StaticDir}}' "$n")" && E start -a "$n") >/dev/null 2>&1
	else
		R --name "$n" --memory 32m --memory-swap 32m "$IMAGE" tail /dev/zero >/dev/null 2>&1
	fi
	rc=$?
	oom=$(E inspect -f '{{.State.OOMKilled}}' "$n" 2>&1)
	rmf "$n" >/dev/null 2>&1
	expect "exit code" "$rc" 137 && expect "OOMKilled" "$oom" true
}

case_pids() {
	local out
	# One stream (exec 2>&1): docker carries stdout and stderr apart, their order at the client is random.
	out=$(in_ctr --pids-limit 10 "$IMAGE" sh -c 'exec 2>&1; cat /sys/fs/cgroup/pids/pids.max
		for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 2 & done; wait' 2>&1)
	expect_match "pids.max" "$out" '^10' || return 1
	expect_match "fork beyond the limit" "$out" "(can't fork|Resource temporarily unavailable)"
}

case_cpus() {
	local out
	out=$(in_ctr --cpus 0.5 "$IMAGE" sh -c 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us' 2>&1)
	expect "quota period" "$(echo $out)" "50000 100000"
}

case_update() {
	local n out want=100663296 files=/sys/fs/cgroup/memory/memory.limit_in_bytes opts=(--memory 96m --cpus 0.5)
	n=$(cname)
	detached "$n" --memory 64m || return 1
	# podman 4.3's update has no --pids-limit.
	[ "$ENGINE" = podman ] || { opts+=(--pids-limit 20); files+=" /sys/fs/cgroup/pids/pids.max"; want+=" 20"; }
	E update "${opts[@]}" "$n" >/dev/null 2>"$W/err" || {
		cat "$W/err" >&2
		why "update failed: $(tail -n 1 "$W/err")"
		rmf "$n" >/dev/null 2>&1
		return 1
	}
	out=$(E exec "$n" cat $files /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>&1)
	rmf "$n" >/dev/null 2>&1
	expect "limits after update" "$(echo $out)" "$want 50000"
}

case_read_only() {
	local out
	out=$(in_ctr --read-only "$IMAGE" sh -c 'touch /x; echo rc=$?' 2>&1)
	expect_match "write to /" "$out" 'Read-only file system' && expect_match "write to /" "$out" 'rc=1'
}

case_caps() {
	local out
	out=$(in_ctr --cap-drop ALL --cap-add CHOWN "$IMAGE" grep -E '^Cap(Eff|Bnd|Prm)' /proc/self/status 2>&1)
	expect "caps with --cap-drop ALL --cap-add CHOWN" "$(echo $out)" \
		"CapPrm: 0000000000000001 CapEff: 0000000000000001 CapBnd: 0000000000000001" || return 1
	out=$(in_ctr --cap-drop CHOWN "$IMAGE" sh -c 'chown 1 /tmp; echo rc=$?' 2>&1)
	expect_match "chown without CAP_CHOWN" "$out" 'rc=1'
}

case_privileged() {
	local out
	out=$(in_ctr --privileged "$IMAGE" sh -c 'grep CapEff /proc/self/status; mkdir -p /tmp/m; mount -t tmpfs t /tmp/m && echo mounted' 2>&1)
	expect_match "privileged" "$out" 'CapEff:.*[0-9a-f]*f[ef]ffffff' && expect_match "mount in privileged" "$out" mounted
}

case_seccomp_unconfined() {
	local out
	out=$(in_ctr "$IMAGE" grep Seccomp: /proc/self/status 2>&1)
	expect "default seccomp" "$(echo $out)" "Seccomp: 2" || return 1
	out=$(in_ctr --security-opt seccomp=unconfined "$IMAGE" grep Seccomp: /proc/self/status 2>&1)
	expect "unconfined seccomp" "$(echo $out)" "Seccomp: 0"
}

case_seccomp_custom() {
	local out
	out=$(in_ctr --security-opt seccomp="$SECCOMP_PROFILE" "$IMAGE" sh -c 'mkdir /tmp/d; echo rc=$?' 2>&1)
	expect_match "mkdir under the custom profile" "$out" 'Operation not permitted' &&
		expect_match "mkdir rc" "$out" 'rc=1'
}

case_user() {
	local out
	out=$(in_ctr --user 1000:1000 "$IMAGE" id 2>&1)
	expect_match "id as 1000:1000" "$out" '^uid=1000(\(1000\))? gid=1000' || return 1
	out=$(in_ctr --user nobody "$IMAGE" id -u 2>&1)
	expect "id as nobody" "$out" 65534
}

case_workdir() {
	local out
	out=$(in_ctr --workdir /tmp "$IMAGE" pwd 2>&1)
	expect "pwd" "$out" /tmp || return 1
	# podman refuses a workdir that does not exist in the image; docker creates it.
	[ "$ENGINE" = docker ] || return 0
	out=$(in_ctr --workdir /new/dir "$IMAGE" pwd 2>&1)
	expect "pwd in a new dir" "$out" /new/dir
}

case_env() {
	local out
	out=$(in_ctr -e FOO=bar -e 'SPACE=a b' "$IMAGE" sh -c 'echo "$FOO/$SPACE"' 2>&1)
	expect env "$out" "bar/a b"
}

case_volume() {
	local d=$W/vol-$ENGINE out
	mkdir -p "$d"
	echo in >"$d/in"
	rm -f "$d/out"
	out=$(in_ctr -v "$d:/data" "$IMAGE" sh -c 'cat /data/in; echo w >/data/out' 2>&1)
	expect "read through -v" "$out" in || return 1
	expect "written through -v" "$(cat "$d/out" 2>&1)" w || return 1
	out=$(in_ctr -v "$d:/data:ro" "$IMAGE" sh -c 'echo w >/data/out2; echo rc=$?' 2>&1)
	expect_match "write to a :ro volume" "$out" 'rc=[12]'
}

case_tmpfs() {
	local out
	out=$(in_ctr --tmpfs /scratch:size=1m "$IMAGE" sh -c 'grep " /scratch " /proc/mounts' 2>&1)
	expect_match "tmpfs mount" "$out" '^tmpfs /scratch tmpfs .*size=1024k'
}

case_net_none() {
	local out
	out=$(in_ctr "$IMAGE" ls /sys/class/net 2>&1)
	expect "interfaces" "$(echo $out)" lo
}

case_uidmap() {
	[ "$ENGINE" = podman ] || { why "docker has no per-container --uidmap (only the daemon-wide userns-remap)"; return $NA; }
	local out
	out=$(in_ctr --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMAGE" sh -c 'cat /proc/self/uid_map; id -u' 2>&1)
	expect "uid_map" "$(echo $out)" "0 100000 65536 0"
}

case_sysctl() {
	local out
	out=$(in_ctr --sysctl net.ipv4.ip_unprivileged_port_start=100 --sysctl kernel.msgmax=9000 "$IMAGE" \
		cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/msgmax 2>&1)
	expect sysctls "$(echo $out)" "100 9000"
}

case_ulimit() {
	local out
	out=$(in_ctr --ulimit nofile=1024:2048 --ulimit nproc=32768:32768 "$IMAGE" sh -c 'ulimit -n; ulimit -Hn' 2>&1)
	expect "nofile soft hard" "$(echo $out)" "1024 2048"
}

case_ps() {
	local n out
	n=$(cname)
	detached "$n" || return 1
	out=$(E ps --format '{{.Names}} {{.Status}}' 2>&1)
	rmf "$n" >/dev/null 2>&1
	expect_match "ps" "$out" "$n Up"
}

case_top() {
	local n out
	n=$(cname)
	detached "$n" || return 1
	out=$(E top "$n" 2>&1)
	rmf "$n" >/dev/null 2>&1
	expect_match "top" "$out" 'sleep 1000'
}

case_stats() {
	local n out
	n=$(cname)
	detached "$n" --memory 64m || return 1
	out=$(E stats --no-stream --format '{{.Name}} {{.MemUsage}}' "$n" 2>&1)
	rmf "$n" >/dev/null 2>&1
	expect_match "stats" "$out" "$n [0-9.]+[kKMG]i?B / 6[47]"
}

case_inspect() {
	local n out pid
	n=$(cname)
	detached "$n" || return 1
	out=$(E inspect -f '{{.State.Running}} {{.State.Pid}}' "$n" 2>&1)
	pid=${out#* }
	local comm
	comm=$(cat "/proc/$pid/comm" 2>&1)
	rmf "$n" >/dev/null 2>&1
	expect_match "inspect" "$out" '^true [1-9][0-9]*$' && expect "process of .State.Pid" "$comm" sleep
}

case_events() {
	local n out since
	n=$(cname)
	since=$(date +%s)
	in_ctr --name "$n" "$IMAGE" true >/dev/null 2>&1 || { why "run failed"; return 1; }
	sleep 1
	# podman 4.3 lists nothing with --until: it has --stream=false instead.
	local until=(--until "$(date +%s)")
	[ "$ENGINE" = podman ] && until=(--stream=false)
	out=$(E events --since "$since" "${until[@]}" --filter "container=$n" 2>&1)
	expect_match "events" "$out" 'start' && expect_match "events" "$out" '(died|die)'
}

case_pod() {
	[ "$ENGINE" = podman ] || { why "pods are podman's"; return $NA; }
	local p=p-$$-$RANDOM out
	# No pause image here (catatonit is not installed): the infra container is the test image.
	E pod create --name "$p" --network none --infra-image "$IMAGE" >/dev/null 2>"$W/err" || {
		why "pod create: $(tail -n 1 "$W/err")"
		return 1
	}
	E run "${RT_OPTS[@]}" -d --pod "$p" --name "$p-a" "$IMAGE" sh -c 'echo a >/dev/shm/a; hostname >/dev/shm/h; sleep 1000' >/dev/null &&
		E run "${RT_OPTS[@]}" -d --pod "$p" --name "$p-b" "$IMAGE" sleep 1000 >/dev/null || {
		why "run in pod failed"
		E pod rm -f -t 0 "$p" >/dev/null 2>&1
		return 1
	}
	retry 30 E exec "$p-b" test -e /dev/shm/h
	out=$(E exec "$p-b" sh -c 'cat /dev/shm/a; [ "$(hostname)" = "$(cat /dev/shm/h)" ] && echo samehost' 2>&1)
	E pod rm -f -t 0 "$p" >/dev/null 2>&1
	expect "shared ipc and uts in the pod" "$(echo $out)" "a samehost"
}

case_healthcheck() {
	local n s
	n=$(cname)
	R -d --name "$n" --health-cmd 'test -e /tmp/ok' --health-interval 1s --health-retries 1 "$IMAGE" \
		sh -c 'touch /tmp/ok; sleep 1000' >/dev/null || return 1
	if [ "$ENGINE" = podman ]; then
		# podman runs health checks from systemd timers (none here): run one by hand.
		retry 20 E healthcheck run "$n" >/dev/null 2>&1
	fi
	retry 50 eval '[ "$(E inspect -f "$HEALTH_FMT" "$n" 2>/dev/null)" = healthy ]'
	s=$(E inspect -f "$HEALTH_FMT" "$n" 2>&1)
	rmf "$n" >/dev/null 2>&1
	expect "health" "$s" healthy
}
