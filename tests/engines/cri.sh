# containerd's CRI plugin (the daemon of ctr.sh), driven by cri_client.py over the CRI v1 API: a pod
# sandbox per runtime (runtime_handler berth or runc, containerd.runtimes.NAME with its BinaryName),
# containers in it, ExecSync, stats, update, stop, remove. The pause image is the test image.
. "$here/ctr.sh"

cri_cases() {
	echo run-exit exec logs stop stop-timeout rm-f memory cpus update read-only caps privileged user \
		workdir env volume net-none sysctl stats inspect pod
}

cri() { /usr/bin/python3 "$here/cri_client.py" "$W/cri-pb" "$CD/sock" "$@"; }

cri_start() {
	python3_ok=$(/usr/bin/python3 -c 'import grpc, grpc_tools' 2>&1) ||
		{ echo "python3-grpcio/python3-grpc-tools missing: $python3_ok"; return 1; }
	mkdir -p "$W/cri-pb" "$W/cri-logs"
	/usr/bin/python3 -m grpc_tools.protoc -I "$here" --python_out="$W/cri-pb" "$here/cri.proto" ||
		{ echo "cannot compile cri.proto"; return 1; }
	containerd_up || return 1
	cri Version '{"version":"v1"}' >/dev/null || { echo "the CRI plugin does not answer"; return 1; }
}

# pod_config NAME [SYSCTLS_JSON]: a PodSandboxConfig.
pod_config() {
	jq -nc --arg n "$1" --arg logs "$W/cri-logs" --argjson s "${2:-{\}}" \
		'{metadata:{name:$n, uid:$n, namespace:"engines"}, hostname:$n, log_directory:$logs,
		  linux:{sysctls:$s}} | if env.POD_PRIV == "1" then .linux.securityContext.privileged = true else . end'
}

# run_pod NAME [SYSCTLS_JSON]: print the sandbox id.
run_pod() {
	local cfg
	cfg=$(pod_config "$@")
	cri RunPodSandbox "$(jq -nc --argjson c "$cfg" --arg h "$CRI_HANDLER" '{config:$c, runtimeHandler:$h}')" |
		jq -r .podSandboxId
}

rm_pod() {
	cri StopPodSandbox "{\"podSandboxId\":\"$1\"}" >/dev/null
	cri RemovePodSandbox "{\"podSandboxId\":\"$1\"}" >/dev/null
}

cri_use() {
	[ -z "${POD:-}" ] || rm_pod "$POD"
	CRI_HANDLER=$1
	POD_NAME=pod-$1-$$
	POD=$(run_pod "$POD_NAME" 2>"$W/err")
	[ -n "$POD" ] || POD_ERR=$(tail -n 1 "$W/err")
}

cri_stop() { [ -z "${POD:-}" ] || rm_pod "$POD"; }

# ccreate NAME COMMAND_JSON [LINUX_JSON] [EXTRA_JSON]: create and start a container in $POD, print its id.
ccreate() {
	[ -n "$POD" ] || { why "no pod sandbox: $POD_ERR"; return 1; }
	local cfg id
	cfg=$(jq -nc --arg n "$1" --argjson cmd "$2" --argjson lx "${3:-{\}}" --argjson x "${4:-{\}}" \
		--arg img "docker.io/library/$BASE_IMAGE" \
		'{metadata:{name:$n}, image:{image:$img}, command:$cmd, logPath:($n + ".log"), linux:$lx} + $x')
	id=$(cri CreateContainer "$(jq -nc --arg p "$POD" --argjson c "$cfg" --argjson s "$(pod_config "$POD_NAME")" \
		'{podSandboxId:$p, config:$c, sandboxConfig:$s}')" 2>"$W/err" | jq -r .containerId)
	[ -n "$id" ] || { why "CreateContainer: $(tail -n 1 "$W/err")"; return 1; }
	cri StartContainer "{\"containerId\":\"$id\"}" >/dev/null 2>"$W/err" ||
		{ why "StartContainer: $(tail -n 1 "$W/err")"; crm_cri "$id"; return 1; }
	echo "$id"
}
crm_cri() {
	cri StopContainer "{\"containerId\":\"$1\",\"timeout\":0}" >/dev/null 2>&1
	cri RemoveContainer "{\"containerId\":\"$1\"}" >/dev/null 2>&1
}
cstatus() { cri ContainerStatus "{\"containerId\":\"$1\"}" | jq -r "$2"; }
# cwait ID: wait for the container to exit, print its exit code.
cwait() {
	local cid_=$1
	retry 100 eval '[ "$(cstatus "$cid_" .status.state)" = CONTAINER_EXITED ]' || { echo timeout; return; }
	cstatus "$1" '.status.exitCode // 0'
}
# cexec ID CMD...: ExecSync, print stdout and stderr, return the exit code.
cexec() {
	local id=$1 r
	shift
	# The command as a JSON array without jq --args (jq 1.6 would take a "-c" for its own option).
	r=$(cri ExecSync "$(printf '%s\n' "$@" | jq -R . | jq -sc --arg id "$id" '{containerId:$id, cmd:., timeout:30}')") ||
		return 125
	jq -r '(.stdout // "" | @base64d), (.stderr // "" | @base64d)' <<<"$r" | grep -v '^$'
	return "$(jq -r '.exitCode // 0' <<<"$r")"
}
# in_pod NAME COMMAND_JSON [LINUX_JSON] [EXTRA]: run to the end, print the log's text, return the exit code.
in_pod() {
	local id rc
	id=$(ccreate "$@") || return 1
	rc=$(cwait "$id")
	# The shim writes the log after the exit is reported: wait for its last line.
	retry 20 test -s "$W/cri-logs/$1.log"
	sleep 0.1
	sed -E 's/^[^ ]+ (stdout|stderr) [FP] //' "$W/cri-logs/$1.log" 2>/dev/null
	crm_cri "$id"
	return "$rc"
}
cname_cri() { echo "c-${FUNCNAME[1]#case_}-$RANDOM"; }
sleeper() { ccreate "$(cname_cri)" '["sleep","1000"]' "$@"; }

case_run_exit() {
	local out
	out=$(in_pod "$(cname_cri)" '["echo","hello"]')
	expect output "$out" hello || return 1
	in_pod "$(cname_cri)" '["sh","-c","exit 42"]' >/dev/null
	expect "exit code" "$?" 42
}

case_exec() {
	local id out rc
	id=$(sleeper) || return 1
	out=$(cexec "$id" sh -c 'echo $((40+2))')
	cexec "$id" sh -c 'exit 3' >/dev/null
	rc=$?
	crm_cri "$id"
	expect "ExecSync output" "$out" 42 && expect "ExecSync exit code" "$rc" 3
}

case_logs() {
	local out
	out=$(in_pod "$(cname_cri)" '["sh","-c","echo out1; echo err1 >&2"]')
	expect_match logs "$out" out1 && expect_match logs "$out" err1
}

case_stop() {
	local id
	id=$(ccreate "$(cname_cri)" '["sh","-c","trap \"exit 3\" TERM; while :; do sleep 0.1; done"]') || return 1
	sleep 0.3
	cri StopContainer "{\"containerId\":\"$id\",\"timeout\":20}" >/dev/null || { why "StopContainer failed"; return 1; }
	local code
	code=$(cstatus "$id" '.status.exitCode // 0')
	crm_cri "$id"
	expect "exit code after SIGTERM" "$code" 3
}

case_stop_timeout() {
	local id code t0=$SECONDS
	# In the pod's PID namespace the process is not PID 1: it ignores SIGTERM itself.
	id=$(ccreate "$(cname_cri)" '["sh","-c","trap \"\" TERM; while :; do sleep 0.1; done"]') || return 1
	sleep 0.3
	cri StopContainer "{\"containerId\":\"$id\",\"timeout\":1}" >/dev/null || { why "StopContainer failed"; return 1; }
	code=$(cstatus "$id" '.status.exitCode // 0')
	crm_cri "$id"
	[ $((SECONDS - t0)) -lt 10 ] || { why "stop took $((SECONDS - t0)) s"; return 1; }
	expect "exit code after the timeout kill" "$code" 137
}

case_rm_f() {
	local id
	id=$(sleeper) || return 1
	cri RemoveContainer "{\"containerId\":\"$id\"}" >/dev/null 2>"$W/err" ||
		{ why "RemoveContainer of a running container: $(tail -n 1 "$W/err")"; crm_cri "$id"; return 1; }
	! cri ContainerStatus "{\"containerId\":\"$id\"}" >/dev/null 2>&1 || { why "container still there"; return 1; }
}

case_memory() {
	expect "memory limit inside" "$(in_pod "$(cname_cri)" '["cat","/sys/fs/cgroup/memory/memory.limit_in_bytes"]' \
		'{"resources":{"memoryLimitInBytes":67108864}}')" 67108864
}

case_cpus() {
	local out
	out=$(in_pod "$(cname_cri)" '["cat","/sys/fs/cgroup/cpu/cpu.cfs_quota_us","/sys/fs/cgroup/cpu/cpu.cfs_period_us","/sys/fs/cgroup/cpu/cpu.shares"]' \
		'{"resources":{"cpuQuota":50000,"cpuPeriod":100000,"cpuShares":512}}')
	expect "quota period shares" "$(echo $out)" "50000 100000 512"
}

case_update() {
	local id out
	id=$(sleeper '{"resources":{"memoryLimitInBytes":67108864}}') || return 1
	cri UpdateContainerResources "{\"containerId\":\"$id\",\"linux\":{\"memoryLimitInBytes\":100663296,\"cpuQuota\":50000,\"cpuPeriod\":100000}}" \
		>/dev/null 2>"$W/err" || { why "UpdateContainerResources: $(tail -n 1 "$W/err")"; crm_cri "$id"; return 1; }
	out=$(cexec "$id" cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us)
	crm_cri "$id"
	expect "limits after update" "$(echo $out)" "100663296 50000"
}

case_read_only() {
	local out
	out=$(in_pod "$(cname_cri)" '["sh","-c","touch /x; echo rc=$?"]' '{"securityContext":{"readonlyRootfs":true}}')
	expect_match "write to /" "$out" 'Read-only file system' && expect_match "write to /" "$out" 'rc=1'
}

case_caps() {
	local out
	out=$(in_pod "$(cname_cri)" '["grep","-E","^Cap(Eff|Bnd)","/proc/self/status"]' \
		'{"securityContext":{"capabilities":{"dropCapabilities":["ALL"],"addCapabilities":["CHOWN"]}}}')
	expect "caps with drop ALL add CHOWN" "$(echo $out)" "CapEff: 0000000000000001 CapBnd: 0000000000000001"
}

case_privileged() {
	# A privileged container needs a privileged sandbox: a pod of its own.
	local saved=$POD savedn=$POD_NAME out
	POD_NAME=priv-$CRI_HANDLER-$$
	export POD_PRIV=1
	POD=$(run_pod "$POD_NAME" 2>"$W/err")
	if [ -z "$POD" ]; then
		why "privileged RunPodSandbox: $(tail -n 1 "$W/err")"
		POD=$saved POD_NAME=$savedn POD_PRIV=
		return 1
	fi
	out=$(in_pod "$(cname_cri)" '["sh","-c","grep CapEff /proc/self/status; mkdir -p /tmp/m; mount -t tmpfs t /tmp/m && echo mounted"]' \
		'{"securityContext":{"privileged":true}}')
	rm_pod "$POD"
	POD=$saved POD_NAME=$savedn POD_PRIV=
	expect_match "privileged" "$out" 'CapEff:.*[0-9a-f]*f[ef]ffffff' && expect_match "mount in privileged" "$out" mounted
}

case_user() {
	expect_match "id" "$(in_pod "$(cname_cri)" '["id"]' '{"securityContext":{"runAsUser":{"value":1000},"runAsGroup":{"value":1000}}}')" \
		'^uid=1000(\(1000\))? gid=1000'
}

case_workdir() { expect pwd "$(in_pod "$(cname_cri)" '["pwd"]' '{}' '{"workingDir":"/tmp"}')" /tmp; }

case_env() { expect env "$(in_pod "$(cname_cri)" '["sh","-c","echo $FOO"]' '{}' '{"envs":[{"key":"FOO","value":"bar"}]}')" bar; }

case_volume() {
	local d=$W/vol-cri out
	mkdir -p "$d"
	echo in >"$d/in"
	out=$(in_pod "$(cname_cri)" '["sh","-c","cat /data/in; echo w >/data/out"]' '{}' \
		"$(jq -nc --arg d "$d" '{mounts:[{containerPath:"/data", hostPath:$d}]}')")
	expect "read through the mount" "$out" in && expect "written through the mount" "$(cat "$d/out" 2>&1)" w
}

# The pod's own network namespace (CNI bridge of the suite's namespace): eth0 and lo, never the host's.
case_net_none() { expect "interfaces" "$(echo $(in_pod "$(cname_cri)" '["ls","/sys/class/net"]'))" "eth0 lo"; }

case_sysctl() {
	local saved=$POD savedn=$POD_NAME out
	POD_NAME=sysctl-$CRI_HANDLER-$$
	POD=$(run_pod "$POD_NAME" '{"net.ipv4.ip_unprivileged_port_start":"100","kernel.msgmax":"9000"}' 2>"$W/err")
	if [ -z "$POD" ]; then
		why "RunPodSandbox with sysctls: $(tail -n 1 "$W/err")"
		POD=$saved POD_NAME=$savedn
		return 1
	fi
	out=$(in_pod "$(cname_cri)" '["cat","/proc/sys/net/ipv4/ip_unprivileged_port_start","/proc/sys/kernel/msgmax"]')
	rm_pod "$POD"
	POD=$saved POD_NAME=$savedn
	expect "sysctls in the pod" "$(echo $out)" "100 9000"
}

case_stats() {
	local id out
	id=$(sleeper) || return 1
	out=$(cri ContainerStats "{\"containerId\":\"$id\"}" 2>&1)
	crm_cri "$id"
	expect_match "ContainerStats" "$out" '"workingSetBytes": *\{"value": *"[1-9]'
}

case_inspect() {
	local id s
	id=$(sleeper) || return 1
	s=$(cstatus "$id" .status.state)
	crm_cri "$id"
	expect "ContainerStatus" "$s" CONTAINER_RUNNING
}

case_pod() {
	# Two containers of one pod share its network and IPC namespaces.
	local a b out
	a=$(ccreate "$(cname_cri)" '["sh","-c","echo a >/dev/shm/a; httpd -p 8080 -h /dev/shm; sleep 1000"]') || return 1
	b=$(sleeper) || { crm_cri "$a"; return 1; }
	retry 30 cexec "$b" test -e /dev/shm/a
	out=$(cexec "$b" sh -c 'cat /dev/shm/a; netstat -ltn | grep -c :8080')
	crm_cri "$a"
	crm_cri "$b"
	expect "shared ipc and net" "$(echo $out)" "a 1"
}
