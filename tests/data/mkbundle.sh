#!/usr/bin/env bash
# Build an OCI bundle (config.json + busybox rootfs) for tests, the bench and the demo.
#
# usage: mkbundle.sh [--berth PATH] [--args a,b,c] [--terminal] DIR
#   --berth PATH  runtime whose `spec` writes the default config.json (default: berth in PATH);
#                 falls back to `runc spec` when that fails.
#   --args LIST   process.args, comma-separated; write `\,` for a literal comma inside an argument.
#   --terminal    set process.terminal to true (default false).
# DIR may exist: its rootfs/ and config.json are replaced. The rootfs is copied from a template
# cached under ${BERTH_TEST_CACHE:-/var/tmp/berth-test-cache}, rebuilt when /bin/busybox changes.
set -euo pipefail

prog=${0##*/}
die() {
	echo "$prog: $*" >&2
	exit 1
}
usage() {
	sed -n '4,8s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

berth=berth
args=
have_args=0
terminal=false
dir=
while [ $# -gt 0 ]; do
	case $1 in
	--berth) [ $# -ge 2 ] || die "--berth needs a value"; berth=$2; shift 2 ;;
	--berth=*) berth=${1#*=}; shift ;;
	--args) [ $# -ge 2 ] || die "--args needs a value"; args=$2; have_args=1; shift 2 ;;
	--args=*) args=${1#*=}; have_args=1; shift ;;
	--terminal) terminal=true; shift ;;
	-h | --help) usage 0 ;;
	--) shift; break ;;
	-*) die "unknown option: $1" ;;
	*) [ -z "$dir" ] || die "more than one DIR: $dir $1"; dir=$1; shift ;;
	esac
done
if [ $# -gt 0 ]; then
	[ -z "$dir" ] && [ $# -eq 1 ] || die "more than one DIR"
	dir=$1
fi
[ -n "$dir" ] || usage 1 >&2

busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || die "$busybox not found: apt-get install busybox-static"
command -v jq >/dev/null || die "jq not found: apt-get install jq (or run tests/deps.sh)"

# The template rootfs, keyed by the busybox binary so an upgrade rebuilds it.
cache=${BERTH_TEST_CACHE:-/var/tmp/berth-test-cache}
key=$(stat -L -c '%s-%Y-%i' "$busybox")
template=$cache/rootfs-v2-$key

build_template() {
	local tmp r a
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.build.XXXXXX")
	r=$tmp/rootfs
	mkdir -p "$r"/{bin,sbin,usr/bin,etc,proc,sys,dev,root}
	mkdir -m 1777 "$r/tmp"
	chmod 1777 "$r/tmp"
	chmod 0700 "$r/root"
	cp "$busybox" "$r/bin/busybox"
	chmod 0755 "$r/bin/busybox"
	# Hard links, not symlinks: creating an inode costs ~0.6 ms on the CI disk, and cp -a keeps the links.
	for a in $("$busybox" --list); do
		[ "$a" = busybox ] || ln "$r/bin/busybox" "$r/bin/$a"
	done
	cat >"$r/etc/passwd" <<-'EOF'
	root:x:0:0:root:/root:/bin/sh
	nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$r/etc/group" <<-'EOF'
	root:x:0:
	tty:x:5:
	nogroup:x:65534:
	EOF
	echo berth >"$r/etc/hostname"
	# Atomic publish: concurrent builders (parallel bats) race harmlessly, the loser cleans up.
	if ! mv -T "$r" "$template" 2>/dev/null; then
		[ -d "$template/bin" ] || { rm -rf "$tmp"; die "cannot create $template"; }
	fi
	rm -rf "$tmp"
}
[ -x "$template/bin/busybox" ] || build_template

mkdir -p "$dir"
rm -rf "$dir/rootfs" "$dir/config.json"
cp -a "$template" "$dir/rootfs"

# Split --args on unescaped commas, keeping empty fields.
argv=()
if [ $have_args = 1 ]; then
	s=${args//\\,/$'\x01'}
	while :; do
		case $s in
		*,*) argv+=("${s%%,*}"); s=${s#*,} ;;
		*) argv+=("$s"); break ;;
		esac
	done
	for i in "${!argv[@]}"; do
		argv[i]=${argv[i]//$'\x01'/,}
	done
fi

# One --arg per element: jq 1.6 would take a "-c" after --args for its own option.
jqargs=(--argjson term "$terminal")
filter='if (.process | type) != "object" then error("no process object") else . end
	| .root.path = "rootfs" | .process.terminal = $term'
if [ $have_args = 1 ]; then
	list=
	for i in "${!argv[@]}"; do
		jqargs+=(--arg "a$i" "${argv[i]}")
		list="$list${list:+, }\$a$i"
	done
	filter="$filter | .process.args = [$list]"
fi
edit_config() {
	jq "${jqargs[@]}" "$filter" "$dir/config.json" >"$dir/config.json.tmp" 2>/dev/null &&
		mv "$dir/config.json.tmp" "$dir/config.json"
}

# The default spec from the runtime under test, else runc's (same shape).
if ! { command -v "$berth" >/dev/null 2>&1 && "$berth" spec --bundle "$dir" >/dev/null 2>&1 && edit_config; }
then
	rm -f "$dir/config.json" "$dir/config.json.tmp"
	command -v runc >/dev/null || die "cannot make config.json: '$berth spec' failed and runc is not installed"
	(cd "$dir" && runc spec) || die "runc spec failed in $dir"
	edit_config || die "cannot edit $dir/config.json"
fi
