# podman 4.3 with a private root, runroot, tmpdir, containers.conf and storage.conf; every podman
# command runs in the suite's network namespace (the CNI bridge of the port case is made there).
. "$here/cli.sh"

ENGINE=podman
PD=$W/podman
podman_cases() { cli_cases; }

E() {
	CONTAINERS_CONF=$PD/containers.conf CONTAINERS_STORAGE_CONF=$PD/storage.conf \
		CONTAINERS_REGISTRIES_CONF=$PD/registries.conf \
		$E_EXEC "${TMO[@]}" nsenter --net="$NETNS" -- podman --root "$PD/root" --runroot "$PD/run" \
		--tmpdir "$PD/tmp" --runtime "$PODMAN_RUNTIME" --cgroup-manager cgroupfs --events-backend file \
		--network-config-dir "$PD/net" "$@"
}
# The same command line for tmux (a string).
E_cmdline() {
	echo "env CONTAINERS_CONF=$PD/containers.conf CONTAINERS_STORAGE_CONF=$PD/storage.conf" \
		"CONTAINERS_REGISTRIES_CONF=$PD/registries.conf nsenter --net=$NETNS --" \
		"podman --root $PD/root --runroot $PD/run --tmpdir $PD/tmp --runtime $PODMAN_RUNTIME" \
		"--cgroup-manager cgroupfs --events-backend file --network-config-dir $PD/net"
}

podman_start() {
	command -v podman >/dev/null || { echo "podman not installed"; return 1; }
	command -v conmon >/dev/null || { echo "conmon not installed"; return 1; }
	mkdir -p "$PD/net" "$PD/tmp"
	# Root may not raise rlimits here (no CAP_SYS_RESOURCE): podman's default nofile/nproc are too high.
	cat >"$PD/containers.conf" <<-EOF
	[containers]
	default_ulimits = ["nofile=20000:20000","nproc=32768:32768"]
	[engine]
	events_logfile_path = "$PD/tmp/events.log"
	static_dir = "$PD/root/libpod"
	volume_path = "$PD/root/volumes"
	[network]
	network_backend = "cni"
	cni_plugin_dirs = ["/usr/lib/cni"]
	network_config_dir = "$PD/net"
	EOF
	cat >"$PD/storage.conf" <<-EOF
	[storage]
	driver = "overlay"
	runroot = "$PD/run"
	graphroot = "$PD/root"
	EOF
	echo 'unqualified-search-registries = []' >"$PD/registries.conf"
	PODMAN_RUNTIME=$BERTH_WRAPPED
	E import --change 'CMD ["/bin/sleep","2147483647"]' "$ROOTFS_TAR" "$BASE_IMAGE" >/dev/null 2>"$PD/err" ||
		{ tail -n 1 "$PD/err"; return 1; }
}

podman_use() {
	case $1 in
	berth) PODMAN_RUNTIME=$BERTH_WRAPPED ;;
	runc) PODMAN_RUNTIME=$RUNC ;;
	esac
	RT_OPTS=()
	IMAGE=localhost/$BASE_IMAGE
	RMF_OPTS=(-t 0)
	HEALTH_FMT='{{.State.Healthcheck.Status}}'
	E rm -af -t 0 >/dev/null 2>&1
	E pod rm -af >/dev/null 2>&1
}

podman_stop() {
	E rm -af -t 0
	E pod rm -af
}

case_port() {
	local n out
	n=$(cname)
	E run "${RT_OPTS[@]}" -d --name "$n" -p 18080:8080 "$IMAGE" \
		sh -c 'mkdir /www; echo served >/www/index.html; httpd -f -p 8080 -h /www' >/dev/null 2>"$W/err" ||
		{ why "run -p: $(tail -n 1 "$W/err")"; return 1; }
	retry 30 eval 'out=$(http_get 18080) && [[ $out = *served* ]]'
	E rm -f -t 0 "$n" >/dev/null 2>&1
	expect_match "published port" "$out" served
}
