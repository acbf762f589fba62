#!/usr/bin/env bats
# Networking (netns/): bridges, veth pairs, IPAM, NAT, published ports, isolation.
# Every test makes its own network namespaces: "host" (where berth runs, its bridges and rules live)
# and, when needed, "outside" (a second machine routed from host over a veth pair, 192.0.2.0/24).
# The machine's own network is never touched, and traffic only goes to namespaces the test made.

load helpers

setup_file() {
	export NET_IMAGE=$BATS_FILE_TMPDIR/bb.tar
	"$TESTS_TOP/tests/data/mkimage.sh" "$NET_IMAGE" busybox >/dev/null
}

# A process sleeping in a fresh network namespace; prints its pid once the namespace is its own.
new_netns() {
	local self pid
	self=$(readlink /proc/self/ns/net)
	unshare -n sleep 3600 >/dev/null 2>&1 &
	pid=$!
	while [ "$(readlink /proc/$pid/ns/net 2>/dev/null)" = "$self" ]; do sleep 0.01; done
	nsenter -t "$pid" -n ip link set lo up
	echo "$pid"
}

setup() {
	ROOT=$BATS_TEST_TMPDIR/state
	HOSTPID=$(new_netns)
	OUTPID=
	hx berth image load "$NET_IMAGE" >/dev/null
}

# Run in the host namespace; "berth" means the runtime under test with this test's root.
hx() {
	if [ "$1" = berth ]; then
		shift
		nsenter -t "$HOSTPID" -n "$BERTH" --root "$ROOT" "$@"
	else
		nsenter -t "$HOSTPID" -n "$@"
	fi
}

ox() {
	nsenter -t "$OUTPID" -n "$@"
}

# The outside machine: 192.0.2.2, reached from host's 192.0.2.1; it has no route to the containers.
make_outside() {
	OUTPID=$(new_netns)
	hx ip link add vout type veth peer name vin netns "$OUTPID"
	hx ip addr add 192.0.2.1/24 dev vout
	hx ip link set vout up
	ox ip addr add 192.0.2.2/24 dev vin
	ox ip link set vin up
}

teardown() {
	local id
	if [ -d "$ROOT" ]; then
		for id in $(ls "$ROOT"); do hx berth delete --force "$id" >/dev/null 2>&1 || true; done
	fi
	[ -z "${OUTPID:-}" ] || kill "$OUTPID" 2>/dev/null || true
	kill "$HOSTPID" 2>/dev/null || true
}

# run -d a container on the image: start NAME [run flags...] -- CMD...
start() {
	local name=$1
	shift
	hx berth run -d --image busybox:test --name "$name" "$@"
}

# Retry a command for up to 5 s (a server in another container may not listen yet).
retry() {
	local i
	for i in $(seq 50); do
		if "$@"; then return 0; fi
		sleep 0.1
	done
	"$@"
}

ip_of() {
	hx berth network inspect "${2:-berth}" | jq -r ".containers[] | select(.id == \"$1\") | .ipv4"
}

# Nothing of berth's left: no veth, no container rule, no lease, no port reservation.
assert_clean() {
	local i
	# the host end of a veth goes in the background (berth does not wait for the kernel's RCU grace period)
	for i in $(seq 50); do
		run hx ip -o link show
		[[ "$output" == *" vb"* ]] || break
		sleep 0.1
	done
	[[ "$output" != *" vb"* ]] || { echo "leftover link: $output"; return 1; }
	run hx nft list ruleset
	[[ "$output" != *"berth:ctr:"* ]] || { echo "leftover rule: $output"; return 1; }
	local leases
	leases=$(find "$ROOT/.networks" -path '*/leases/*' -o -path '*/.ports/*' 2>/dev/null)
	[ -z "$leases" ] || { echo "leftover lease: $leases"; return 1; }
}

web() {
	start "$@" -- sh -c 'mkdir -p /www; echo hello > /www/index.html; exec httpd -f -p 80 -h /www'
}

@test "network: two containers on one network reach each other (TCP with nc, and ping)" {
	start a -- sh -c 'while true; do echo pong | nc -l -p 5000; done'
	start b -- sleep 100
	a=$(ip_of a)
	[[ "$a" == 10.88.0.* ]]
	run retry hx berth exec b sh -c "nc $a 5000 </dev/null"
	[ "$status" -eq 0 ]
	[ "$output" = pong ]
	run hx berth exec --cap CAP_NET_RAW b ping -c 1 -W 2 "$a"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 packets received"* ]]
	# the container's own view: eth0 with its lease, default route via the gateway
	run hx berth exec b ip route
	[[ "$output" == *"default via 10.88.0.1 dev eth0"* ]]
}

@test "network: a published port answers on the host's address, on 127.0.0.1, from outside and from a container (hairpin)" {
	make_outside
	web web -p 8080:80
	start c -- sleep 100
	run retry hx busybox wget -qO- http://192.0.2.1:8080/
	[ "$output" = hello ]
	run hx busybox wget -qO- http://127.0.0.1:8080/
	[ "$output" = hello ]
	run ox busybox wget -qO- http://192.0.2.1:8080/
	[ "$output" = hello ]
	run hx berth exec c wget -qO- http://192.0.2.1:8080/
	[ "$output" = hello ]
	# a port published on one address only
	web web2 -p 127.0.0.1:8081:80
	run retry hx busybox wget -qO- http://127.0.0.1:8081/
	[ "$output" = hello ]
	run ox busybox wget -T 2 -qO- http://192.0.2.1:8081/
	[ "$status" -ne 0 ]
}

# A listener on the outside machine that records the peer address of the first connection.
outside_listener() {
	ox python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.2", 9000)); s.listen(1); s.settimeout(10)
c, a = s.accept(); open(sys.argv[1], "w").write(a[0]); c.close()' "$1" &
	LISTENER=$!
	sleep 0.3
}

@test "network: a published UDP port answers from outside, on 127.0.0.1 and from a container (hairpin)" {
	make_outside
	setup_bundle /bin/udpecho serve 53
	install_helper udpecho
	cfg '.annotations["org.berth.network"] = "berth" | .annotations["org.berth.ports"] = "9053:53/udp"'
	hx berth run -d --bundle "$BUNDLE" "$CID"
	local client
	client=$(build_helper udpecho -static)
	run retry hx "$client" send 192.0.2.1 9053 from-host
	[ "$output" = from-host ]
	run hx "$client" send 127.0.0.1 9053 from-loopback
	[ "$output" = from-loopback ]
	run ox "$client" send 192.0.2.1 9053 from-outside
	[ "$output" = from-outside ]
	run hx berth exec "$CID" /bin/udpecho send 192.0.2.1 9053 hairpin
	[ "$output" = hairpin ]
}

@test "network: egress goes out through NAT; the outside host sees the host's address" {
	make_outside
	outside_listener "$BATS_TEST_TMPDIR/peer"
	start c -- sleep 100
	run hx berth exec c sh -c 'echo x | nc 192.0.2.2 9000'
	[ "$status" -eq 0 ]
	wait "$LISTENER"
	[ "$(cat "$BATS_TEST_TMPDIR/peer")" = 192.0.2.1 ]
}

@test "network: an --internal network has no route out and no NAT" {
	make_outside
	hx berth network create --internal --subnet 10.200.0.0/24 inner
	start c --network inner -- sleep 100
	run hx berth exec c ip route
	[[ "$output" != *default* ]]
	run hx berth exec c sh -c 'echo x | nc -w 2 192.0.2.2 9000'
	[ "$status" -ne 0 ]
	# even with a route added by hand, the host drops what leaves the bridge
	hx berth exec --cap CAP_NET_ADMIN c ip route add default via 10.200.0.1
	outside_listener "$BATS_TEST_TMPDIR/peer"
	run hx berth exec c sh -c 'echo x | nc -w 2 192.0.2.2 9000'
	[ "$status" -ne 0 ]
	kill "$LISTENER" 2>/dev/null || true
	[ ! -s "$BATS_TEST_TMPDIR/peer" ]
	run hx berth network inspect inner
	[[ "$output" == *'"internal": true'* ]]
}

@test "network: containers on two networks cannot reach each other, either way" {
	hx berth network create --subnet 10.201.0.0/24 red
	hx berth network create --subnet 10.202.0.0/24 blue
	start r --network red -- sh -c 'while true; do echo red | nc -l -p 5000; done'
	start b --network blue -- sh -c 'while true; do echo blue | nc -l -p 5000; done'
	start r2 --network red -- sleep 100
	run retry hx berth exec r2 sh -c 'nc 10.201.0.2 5000 </dev/null'
	[ "$output" = red ] # the same network works
	run hx berth exec r sh -c 'nc -w 2 10.202.0.2 5000 </dev/null'
	[ "$output" != blue ]
	run hx berth exec b sh -c 'nc -w 2 10.201.0.2 5000 </dev/null'
	[ "$output" != red ]
}

@test "network: a container that changes its own address cannot talk from it" {
	start a -- sh -c 'while true; do echo pong | nc -l -p 5000; done'
	start b -- sleep 100
	run retry hx berth exec b sh -c 'nc 10.88.0.2 5000 </dev/null'
	[ "$output" = pong ]
	# busybox nc cannot pick its source: the container moves to another address instead
	hx berth exec --cap CAP_NET_ADMIN b sh -c 'ip addr flush dev eth0 && ip addr add 10.88.0.99/16 dev eth0'
	run hx berth exec b ip -o addr show eth0
	[[ "$output" == *"10.88.0.99/16"* ]]
	run hx berth exec b sh -c 'nc -w 2 10.88.0.2 5000 </dev/null'
	[ "$output" != pong ]
	run hx berth exec b wget -T 2 -qO- http://10.88.0.1:1/
	[[ "$output" != *refused* ]] # the gateway never saw it either
	# back on its lease, it talks again
	hx berth exec --cap CAP_NET_ADMIN b sh -c 'ip addr flush dev eth0 && ip addr add 10.88.0.3/16 dev eth0'
	run retry hx berth exec b sh -c 'nc 10.88.0.2 5000 </dev/null'
	[ "$output" = pong ]
}

@test "network: IPv6 on a network with a v6 subnet" {
	hx berth network create --subnet 10.203.0.0/24 --ipv6-subnet fd00:203::/64 six
	start a --network six -- sh -c 'while true; do echo pong6 | nc -l -p 5000; done'
	start b --network six -- sleep 100
	run hx berth network inspect six
	[[ "$output" == *'"ipv6": "fd00:203::2"'* ]]
	run hx berth exec b ip -6 route
	[[ "$output" == *"default via fd00:203::1"* ]]
	run retry hx berth exec b sh -c 'nc fd00:203::2 5000 </dev/null'
	[ "$output" = pong6 ]
	run hx berth exec --cap CAP_NET_RAW b ping -6 -c 1 -W 2 fd00:203::1
	[ "$status" -eq 0 ]
}

# Every link-local address sends duplicate address detection, router solicitations and MLD reports,
# which the bridge floods to every other container, and each host end's IPv6 multicast route is filed
# beside all the others: with 250 containers, each new one cost more than the last.
@test "network: no IPv6 link-local address on bridge ports, nor in containers of an IPv4-only network" {
	hx berth network create --subnet 10.204.0.0/24 --ipv6-subnet fd00:204::/64 six
	start a -- sleep 100
	start b --network six -- sleep 100
	# the kernel adds a link-local address when the link comes up: give it the time to
	sleep 0.5
	run hx berth exec a cat /proc/net/if_inet6
	[ "$status" -eq 0 ]
	[[ "$output" != *eth0* ]]
	run hx berth exec b cat /proc/net/if_inet6
	[[ "$output" == *"fd000204000000000000000000000002"*eth0* ]]
	[[ "$output" == *fe80*eth0* ]]
	# the host ends have IPv6 off: no address, and no route beside every other port's
	run hx cat /proc/net/if_inet6
	[[ "$output" != *" vb"* ]]
	run hx ip -6 route show table all
	[[ "$output" != *" dev vb"* ]]
	local veth n=0
	for veth in $(hx ip -o link show | awk -F': ' '$2 ~ /^vb/ { sub(/@.*/, "", $2); print $2 }'); do
		[ "$(hx cat "/proc/sys/net/ipv6/conf/$veth/disable_ipv6")" = 1 ]
		n=$((n + 1))
	done
	[ "$n" -eq 2 ]
}

@test "network: a published port answers over IPv6 on a network with a v6 subnet" {
	make_outside
	hx ip addr add 2001:db8:2::1/64 dev vout nodad
	ox ip addr add 2001:db8:2::2/64 dev vin nodad
	hx berth network create --subnet 10.204.0.0/24 --ipv6-subnet fd00:204::/64 six
	web web --network six -p 8086:80
	# Debian's busybox wget crashes (SIGSEGV) with a v6 address on the host: HTTP by hand over nc
	get() { printf 'GET / HTTP/1.0\r\n\r\n' | "$1" timeout 3 busybox nc "$2" 8086 | grep -x hello; }
	run retry get ox 2001:db8:2::1
	[ "$output" = hello ]
	run get hx 2001:db8:2::1
	[ "$output" = hello ]
	# and still over IPv4
	run get ox 192.0.2.1
	[ "$output" = hello ]
}

@test "network: 100 containers created and deleted leave no link, rule or lease" {
	for i in $(seq 100); do start "c$i" -- sleep 100; done
	run hx berth network ls
	[[ "$output" == *"berth0"*"100"* ]]
	for i in $(seq 100); do hx berth delete --force "c$i"; done
	assert_clean
}

# Releasing a netfilter socket after a batch that deleted rules waits for nf_tables to free them (an RCU
# grace period, 5 to 9 ms): a detached process holding the socket must close it after berth is gone,
# or berth itself pays that wait whenever the process happens to exit first. One process: it deletes
# the veth too (each fork costs berth about 0.3 ms).
@test "network: delete leaves its nftables socket's last reference to a process that outlives berth" {
	command -v strace >/dev/null || skip "no strace"
	start a -- sleep 100
	# LeakSanitizer (the ASan build) cannot stop the world under ptrace
	hx env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -q -e trace=execve,close_range \
		-o "$BATS_TEST_TMPDIR/trace" "$BERTH" --root "$ROOT" delete --force a
	local main holder
	main=$(head -n 1 "$BATS_TEST_TMPDIR/trace" | awk '{ print $1 }')
	# the holder keeps one fd: it closes below it, then above it (the link's deleter keeps none)
	holder=$(awk '/close_range\(0, [0-9]+, 0/ && $0 !~ /4294967295/ { print $1; exit }' "$BATS_TEST_TMPDIR/trace")
	[ -n "$main" ] && [ -n "$holder" ] && [ "$holder" != "$main" ] || { cat "$BATS_TEST_TMPDIR/trace"; false; }
	grep -n '+++ exited' "$BATS_TEST_TMPDIR/trace"
	local main_exit holder_exit
	# strace pads pids to five columns
	main_exit=$(grep -nE "^$main +[+]{3} exited" "$BATS_TEST_TMPDIR/trace" | cut -d: -f1)
	holder_exit=$(grep -nE "^$holder +[+]{3} exited" "$BATS_TEST_TMPDIR/trace" | cut -d: -f1)
	[ "$holder_exit" -gt "$main_exit" ]
	# and it is the only one
	[ "$(awk '/close_range/ { print $1 }' "$BATS_TEST_TMPDIR/trace" | sort -u | wc -l)" -eq 1 ]
}

@test "network: an id deleted and run again at once gets its link back (the old one goes in the background)" {
	for i in $(seq 10); do
		start again -- true
		hx berth delete --force again
	done
	assert_clean
}

@test "network: SIGKILL of berth during create, then delete --force, leaves nothing" {
	setup_bundle sleep 100
	# a createRuntime hook kills berth once the network is wired
	cfg '.annotations["org.berth.network"] = "berth" | .annotations["org.berth.ports"] = "8085:80" |
	     .hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "kill -9 $PPID"]}]'
	run hx berth run -d --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[ -n "$(ls "$ROOT/.networks/berth/leases")" ]
	hx berth delete --force "$CID"
	assert_clean
	# and the address and the port can be used again
	web again -p 8085:80 --ip 10.88.0.2
}

@test "network: bundle annotations opt in; a bundle without them keeps only loopback" {
	setup_bundle ip -o addr
	run hx berth run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" != *eth0* ]]
	[ ! -d "$ROOT/.networks" ]
	cfg '.annotations["org.berth.network"] = "berth" | .annotations["org.berth.ip"] = "10.88.0.77"'
	run hx berth run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"eth0"*"10.88.0.77/16"* ]]
	assert_clean
}

@test "network: none, host and ns:PATH" {
	run hx berth run --image busybox:test --network none -- ip -o link
	[[ "$output" != *eth0* ]]
	hx ip link add dummy7 type veth peer name dummy7p
	run hx berth run --image busybox:test --network host -- ip -o link
	[[ "$output" == *dummy7* ]]
	other=$(new_netns)
	nsenter -t "$other" -n ip link add dummy8 type veth peer name dummy8p
	run hx berth run --image busybox:test --network "ns:/proc/$other/ns/net" -- ip -o link
	kill "$other"
	[[ "$output" == *dummy8* ]]
	run hx berth run --image busybox:test --network none -p 80:80 -- true
	[ "$status" -ne 0 ]
	[[ "$output" == *"-p and --ip need a berth network, not --network none"* ]]
}

@test "network: create, ls, inspect, rm (refused while in use), prune" {
	run hx berth network create --subnet 10.210.0.0/24 --gateway 10.210.0.254 --mtu 1400 lab
	[ "$status" -eq 0 ]
	start c --network lab --hostname box -- sleep 100
	run hx berth network inspect lab
	[ "$(echo "$output" | jq -r .gateway)" = 10.210.0.254 ]
	[ "$(echo "$output" | jq -r .mtu)" = 1400 ]
	[ "$(echo "$output" | jq -r '.containers[0].ipv4')" = 10.210.0.1 ]
	run hx berth exec c cat /sys/class/net/eth0/mtu
	[ "$output" = 1400 ]
	run hx berth exec c hostname
	[ "$output" = box ]
	run hx berth network ls --format json
	[ "$(echo "$output" | jq -r '.[] | select(.name == "lab") | .bridge')" = berth1 ]
	run hx berth network rm lab
	[ "$status" -ne 0 ]
	[[ "$output" == *'network \"lab\" is in use by container c'* ]]
	# the lease of a container whose state is gone (as a crash with its state dir lost leaves it)
	echo 77 >"$ROOT/.networks/lab/leases/ghost"
	run hx berth network prune
	[[ "$output" == *"released ghost"* ]]
	[[ "$output" != *"released c"* ]]
	[ ! -e "$ROOT/.networks/lab/leases/ghost" ]
	[ -e "$ROOT/.networks/lab/leases/c" ]
	hx berth delete --force c
	hx berth network rm lab
	run hx ip link show berth1
	[ "$status" -ne 0 ]
	run hx nft list ruleset
	[[ "$output" != *"berth:net:lab"* ]]
	[[ "$output" != *"fwd-lab"* ]]
	# a network whose definition is gone: prune removes its bridge and chains, nothing else's
	hx berth network create --subnet 10.211.0.0/24 tmp
	start t --network tmp -- true
	hx ip link add berth7 type bridge
	rm -rf "$ROOT/.networks/tmp"
	run hx berth network prune
	[[ "$output" == *"removed bridge berth1"* ]]
	[[ "$output" != *berth7* ]]
	run hx ip -o link show
	[[ "$output" != *"berth1:"* ]]
	[[ "$output" == *"berth7:"* ]]
	run hx nft list ruleset
	[[ "$output" != *"tmp"* ]]
}

@test "network: a bridge name taken by another state root is refused, not shared" {
	start a -- true
	run hx "$BERTH" --root "$BATS_TEST_TMPDIR/other" run --image "$NET_IMAGE" -- true
	[ "$status" -ne 0 ]
	[[ "$output" == *"link berth0 exists and is not its bridge"* ]]
	[ -z "$(ls "$BATS_TEST_TMPDIR/other/.networks/berth/leases")" ]
}

@test "network: the default subnet avoids the host's routes" {
	hx ip link add d0 type veth peer name d0p
	hx ip addr add 10.88.3.1/24 dev d0
	hx ip link set d0 up
	start c -- sleep 100
	run hx berth network inspect berth
	[ "$(echo "$output" | jq -r .subnet)" = 10.89.0.0/16 ]
}

@test "network: errors name the value and leave nothing behind" {
	hx ip link add d0 type veth peer name d0p
	hx ip addr add 10.220.0.1/24 dev d0
	hx ip link set d0 up
	hx berth network create --subnet 10.221.0.0/24 used
	check() { # check EXPECTED-MESSAGE berth args...
		local want=$1
		shift
		run hx berth "$@"
		output=${output//\\\"/\"} # the log line escapes quotes
		[ "$status" -ne 0 ] || { echo "succeeded: $*"; return 1; }
		[[ "$output" == *"$want"* ]] || { echo "want: $want"; echo "got: $output"; return 1; }
	}
	check "--subnet: 10.0.0.1/24: host bits set (the network is 10.0.0.0/24)" network create --subnet 10.0.0.1/24 x
	check "--subnet: 10.0.0.0/40: invalid prefix length" network create --subnet 10.0.0.0/40 x
	check "--subnet 10.220.0.0/16 overlaps host route 10.220.0.0/24" network create --subnet 10.220.0.0/16 x
	check "--subnet 10.221.0.128/25 overlaps network used (10.221.0.0/24)" network create --subnet 10.221.0.128/25 x
	check 'network "used" already exists' network create used
	check 'invalid network name "-x"' network create -- -x
	check 'network "nope" does not exist' run --image busybox:test --network nope -- true
	check "--ip 10.222.0.5 is outside network used (10.221.0.0/24)" run --image busybox:test --network used --ip 10.222.0.5 -- true
	check "--ip 10.221.0.1: not a host address" run --image busybox:test --network used --ip 10.221.0.1 -- true
	check "--ip 10.221.0.x: not an IPv4 address" run --image busybox:test --network used --ip 10.221.0.x -- true
	check '-p 70000:80: host port "70000" out of range (1-65535)' run --image busybox:test -p 70000:80 -- true
	check '-p 80:0: container port "0" out of range' run --image busybox:test -p 80:0 -- true
	start held --network used --ip 10.221.0.9 -p 8090:80 -- sleep 100
	check "--ip 10.221.0.9 is already leased in network used" run --image busybox:test --network used --ip 10.221.0.9 -- true
	check "host port 8090/tcp is already published by container held" run --image busybox:test -p 8090:80 -- true
	hx python3 -c 'import socket,time; s=socket.socket(); s.bind(("0.0.0.0", 8091)); s.listen(1); time.sleep(30)' &
	busy=$!
	for i in $(seq 100); do hx ss -ltn | grep -q ':8091 ' && break; sleep 0.1; done
	check "host port 8091/tcp is already bound on this host" run --image busybox:test -p 8091:80 -- true
	kill $busy
	check "--dns 192.0.2.x: not an IP address" run --image busybox:test --dns 192.0.2.x -- true
	check "--add-host nocolon: expected NAME:IP" run --image busybox:test --add-host nocolon -- true
	setup_bundle true
	check "--dns and --add-host go with --image" run --dns 192.0.2.53 --bundle "$BUNDLE" "$CID"
	hx berth delete --force held
	assert_clean
	run hx berth list -q
	[ -z "$output" ]
}

@test "network: run --image gets /etc/hosts, /etc/hostname and /etc/resolv.conf, read-only" {
	run hx berth run --image busybox:test --name etcbox --hostname web1 --dns 192.0.2.53 --dns 2001:db8::53 \
		--add-host db:10.88.7.7 --add-host v6:2001:db8::7 -- \
		sh -c 'cat /etc/hosts; echo ---; cat /etc/hostname; hostname; echo ---; cat /etc/resolv.conf; echo x >> /etc/hosts'
	[ "$status" -ne 0 ] # the last write fails: read-only
	[[ "$output" == *"127.0.0.1	localhost"* ]]
	[[ "$output" == *"10.88.0.2	web1"* ]]
	[[ "$output" == *"10.88.7.7	db"* ]]
	[[ "$output" == *"2001:db8::7	v6"* ]]
	[[ "$output" == *"---"$'\n'"web1"$'\n'"web1"$'\n'"---"* ]]
	[[ "$output" == *"nameserver 192.0.2.53"$'\n'"nameserver 2001:db8::53"* ]]
	[[ "$output" == *"Read-only file system"* ]]
	# without --hostname: the first 12 characters of the id
	run hx berth run --image busybox:test --name abcdefghijklmnop -- hostname
	[ "$output" = abcdefghijkl ]
	assert_clean
}

@test "network: parallel runs on a network made by the first of them get distinct addresses" {
	local pids=() i
	for i in $(seq 8); do
		start "p$i" -- sleep 100 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i"; done
	run hx berth network inspect berth
	[ "$(echo "$output" | jq '.containers | length')" -eq 8 ]
	[ "$(echo "$output" | jq -r '.containers[].ipv4' | sort -u | wc -l)" -eq 8 ]
	run hx berth network ls
	[ "$(echo "$output" | grep -c berth0)" -eq 1 ]
	run hx nft list chain inet berth forward
	[ "$(echo "$output" | grep -c 'jump fwd-berth')" -eq 1 ]
}
