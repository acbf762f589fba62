#!/usr/bin/env bash
# Install what berth's build, tests and bench need on Debian 12. Idempotent; quiet unless it fails.
set -euo pipefail

pkgs=(
	# libclang-rt-14-dev: the sanitizer runtimes, only a Recommends of clang
	build-essential autoconf automake libtool pkg-config clang libclang-rt-14-dev
	libseccomp-dev libcap-dev libmnl-dev libnftnl-dev libyajl-dev libarchive-dev nettle-dev check
	bats jq busybox-static runc
	zstd libcap2-bin strace
	podman skopeo umoci
	iproute2 procps util-linux valgrind systemd
	python3 clang libclang-rt-14-dev
	docker.io containerd python3-grpcio python3-grpc-tools tmux conmon containernetworking-plugins iptables
)

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}; run as root (or: apt-get install ${missing[*]})" >&2
	exit 1
fi

log=$(mktemp /tmp/berth-deps.XXXXXX)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -q &&
	apt-get install -y -q --no-install-recommends "${missing[@]}"; } </dev/null >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "deps.sh: installing ${missing[*]} failed" >&2
	exit 1
fi
