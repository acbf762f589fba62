# docker (Debian's docker.io 20.10): a private dockerd (data root, exec root, socket, daemon.json, its own
# managed containerd) in the suite's network namespace, without the default bridge and without iptables;
# berth and runc are both added runtimes (--add-runtime), chosen per container with --runtime.
. "$here/cli.sh"

ENGINE=docker
DD=$W/docker
DOCKER=/usr/bin/docker
docker_cases() { cli_cases; }

E() { DOCKER_CONFIG=$DD/client $E_EXEC "${TMO[@]}" "$DOCKER" -H "unix://$DD/sock" "$@"; }
E_cmdline() { echo "env DOCKER_CONFIG=$DD/client $DOCKER -H unix://$DD/sock"; }

docker_start() {
	[ -x "$DOCKER" ] && command -v dockerd >/dev/null || { echo "docker.io not installed"; return 1; }
	mkdir -p "$DD/client"
	echo '{}' >"$DD/daemon.json"
	# No bridge, no iptables: nothing of the network changes, even inside the suite's namespace.
	nsenter --net="$NETNS" -- dockerd --config-file "$DD/daemon.json" --data-root "$DD/root" --exec-root "$DD/exec" \
		-H "unix://$DD/sock" --pidfile "$DD/pid" --bridge=none --iptables=false --ip6tables=false \
		--ip-forward=false --ip-masq=false --storage-driver overlay2 \
		--add-runtime "berth=$BERTH_WRAPPED" ${RUNC:+--add-runtime "runcref=$RUNC"} \
		>"$DD/log" 2>&1 &
	DOCKERD_PID=$!
	pids+=("$DOCKERD_PID")
	wait_socket "$DD/sock" 30 "$DOCKERD_PID" &&
		retry 100 E version >/dev/null 2>&1 || {
		grep -i 'level=\(error\|fatal\)' "$DD/log" | tail -n 1
		echo "dockerd did not start (log: $DD/log)"
		return 1
	}
	E import --change 'CMD ["/bin/sleep","2147483647"]' "$ROOTFS_TAR" "$BASE_IMAGE" >/dev/null 2>"$DD/err" ||
		{ tail -n 1 "$DD/err"; return 1; }
}

docker_use() {
	case $1 in
	berth) RT_OPTS=(--runtime berth) ;;
	runc) RT_OPTS=(--runtime runcref) ;;
	esac
	IMAGE=$BASE_IMAGE
	RMF_OPTS=()
	HEALTH_FMT='{{.State.Health.Status}}'
	local ids
	ids=$(E ps -aq)
	[ -z "$ids" ] || E rm -f $ids >/dev/null 2>&1
}

docker_stop() {
	local ids
	ids=$(E ps -aq)
	[ -z "$ids" ] || E rm -f $ids
	E network rm berth-engines-port
	stop_pid "$DOCKERD_PID"
}

case_port() {
	local n out
	n=$(cname)
	# The default bridge is off: a user bridge network, made in the suite's namespace (docker-proxy
	# publishes the port, no iptables).
	E network inspect berth-engines-port >/dev/null 2>&1 ||
		E network create berth-engines-port >/dev/null 2>"$W/err" ||
		{ why "network create: $(tail -n 1 "$W/err")"; return 1; }
	E run "${RT_OPTS[@]}" -d --name "$n" --network berth-engines-port -p 18081:8080 "$IMAGE" \
		sh -c 'mkdir /www; echo served >/www/index.html; httpd -f -p 8080 -h /www' >/dev/null 2>"$W/err" ||
		{ why "run -p: $(tail -n 1 "$W/err")"; return 1; }
	retry 30 eval 'out=$(http_get 18081) && [[ $out = *served* ]]'
	rmf "$n" >/dev/null 2>&1
	expect_match "published port" "$out" served
}
