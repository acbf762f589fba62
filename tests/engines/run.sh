#!/usr/bin/env bash
# Engine suite: podman, docker, containerd (ctr + runc.v2 shim) and its CRI plugin, each started here with
# a private root, state dir and socket inside a private network namespace, run the same user cases with
# berth and (for reference) runc.
#
# usage: tests/engines/run.sh [--runtime berth|runc|both] [--engine podman|docker|ctr|cri]... [-v]
#   --runtime  which runtime runs the cases (default berth); runc results are a reference only.
#   --engine   run only these engines (default all).
#   --case RE  run only cases whose name matches the regex RE.
#   -v         print the error output of failed cases.
#   --drop-zero  diagnosis: the berth wrapper drops blockIO.weight 0 (docker's "unset") from config.json
#              and update's stdin, to see what fails behind it.
# env: BERTH (default: the berth of this tree), RUNC (default: runc in PATH), ENGINES_KEEP=1 keeps the
# work dir (the berth call log is in WORK/berth-log: argv, stdin, config.json, exit code, stderr).
# Prints a matrix (case x engine, berth and runc) and `engines: N passed, N failed, N skipped` (berth).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
prog=${0##*/}
die() {
	echo "$prog: $*" >&2
	exit 1
}

runtimes=(berth)
engines=()
CASE_RE=.
VERBOSE=
DROPZERO=0
while [ $# -gt 0 ]; do
	case $1 in
	--runtime)
		case ${2:-} in
		berth) runtimes=(berth) ;;
		runc) runtimes=(runc) ;;
		both) runtimes=(berth runc) ;;
		*) die "--runtime: berth, runc or both" ;;
		esac
		shift 2 ;;
	--engine)
		case ${2:-} in
		podman | docker | ctr | cri) engines+=("$2") ;;
		*) die "--engine: podman, docker, ctr or cri" ;;
		esac
		shift 2 ;;
	--case) CASE_RE=$2; shift 2 ;;
	-v) VERBOSE=1; shift ;;
	--drop-zero) DROPZERO=1; shift ;;
	-h | --help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown argument: $1" ;;
	esac
done
[ ${#engines[@]} -gt 0 ] || engines=(podman docker ctr cri)
[ "$(id -u)" = 0 ] || die "must run as root"

BERTH=$(realpath "${BERTH:-$top/berth}" 2>/dev/null) || true
[ -x "$BERTH" ] || die "berth not built: $BERTH (make, or set BERTH)"
RUNC=$(command -v "${RUNC:-runc}" 2>/dev/null) || RUNC=
CASE_TIMEOUT=${CASE_TIMEOUT:-60}
export BERTH RUNC CASE_TIMEOUT VERBOSE CASE_RE

. "$here/lib.sh"

W=$(mktemp -d /tmp/berth-engines.XXXXXX)
cd "$W" || die "cannot enter $W"
RESULTS=$W/results
: >"$RESULTS"
pids=()
cleanup() {
	local f
	# Each engine registers its own teardown; run them in reverse order.
	for ((f = ${#teardowns[@]} - 1; f >= 0; f--)); do
		"${teardowns[f]}" >/dev/null 2>&1
	done
	for p in "${pids[@]}"; do stop_pid "$p"; done
	if [ -n "${ENGINES_KEEP:-}" ]; then
		echo "$prog: work dir kept: $W" >&2
	else
		# Engines leave read-only or busy mounts below their roots: unmount before removing.
		grep -o " $W/[^ ]*" /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
		rm -rf "$W" 2>/dev/null
	fi
}
teardowns=()
trap cleanup EXIT
trap 'exit 130' INT TERM

t_start=$(date +%s)

# The network namespace every engine daemon and container lives in: the host's network is never touched.
unshare -n sh -c 'ip link set lo up 2>/dev/null || busybox ip link set lo up; exec sleep 2147483647' &
pids+=($!)
NETNS=/proc/$!/ns/net
retry 50 eval '[ "$(readlink "$NETNS" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ]' ||
	die "cannot make a network namespace"
export NETNS

# The logging wrapper the engines call instead of berth (argv, stdin of update, config.json, rc, stderr).
LOG=$W/berth-log
mkdir -p "$LOG"
sed -e "s|@BERTH@|$BERTH|" -e "s|@LOG@|$LOG|" -e "s|@DROPZERO@|$DROPZERO|" "$here/berth-wrapper.in" >"$W/berth"
chmod 0755 "$W/berth"
BERTH_WRAPPED=$W/berth
export LOG BERTH_WRAPPED

# The test image: the busybox-static rootfs of mkbundle.sh as a plain tarball (podman/docker import) and
# as a docker-archive with a config (ctr image import), named busybox:engines.
mkdir -p "$W/img"
"$top/tests/data/mkbundle.sh" --berth "$BERTH" "$W/img/bundle" >/dev/null ||
	die "mkbundle.sh failed"
ROOTFS_TAR=$W/img/rootfs.tar
tar --numeric-owner -C "$W/img/bundle/rootfs" -cf "$ROOTFS_TAR" . || die "cannot tar the rootfs"
IMAGE_ARCHIVE=$W/img/image.tar
(
	set -e
	d=$W/img/archive
	mkdir -p "$d"
	cp "$ROOTFS_TAR" "$d/layer.tar"
	diff=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
	jq -nc --arg d "sha256:$diff" '{architecture:"amd64", os:"linux",
		config:{Cmd:["/bin/sleep","2147483647"], Env:["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},
		rootfs:{type:"layers", diff_ids:[$d]}}' >"$d/config.json"
	c=$(sha256sum "$d/config.json" | cut -d' ' -f1)
	mv "$d/config.json" "$d/$c.json"
	jq -nc --arg c "$c.json" '[{Config:$c, RepoTags:["busybox:engines"], Layers:["layer.tar"]}]' \
		>"$d/manifest.json"
	tar -C "$d" -cf "$IMAGE_ARCHIVE" manifest.json "$c.json" layer.tar
) || die "cannot build the image archive"
IMAGE=busybox:engines
BASE_IMAGE=$IMAGE
export ROOTFS_TAR IMAGE_ARCHIVE IMAGE BASE_IMAGE

# A custom seccomp profile: allow everything but mkdir/mkdirat (EPERM); used by the seccomp case.
cat >"$W/seccomp.json" <<'EOF'
{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],
 "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}
EOF
SECCOMP_PROFILE=$W/seccomp.json
export SECCOMP_PROFILE

for e in "${engines[@]}"; do
	. "$here/$e.sh"
	echo "== $e" >&2
	# Not in a subshell: the engine's start sets the variables its cases use.
	if ! "${e}_start" >"$W/start.err" 2>&1 </dev/null; then
		reason=$(grep -v '^$' "$W/start.err" | tail -n 1)
		for c in $("${e}_cases"); do
			[[ $c =~ $CASE_RE ]] || continue
			for rt in "${runtimes[@]}"; do record "$e" "$c" "$rt" skip "engine did not start: $reason"; done
		done
		echo "  $e skipped: $reason" >&2
		continue
	fi
	for rt in "${runtimes[@]}"; do
		if [ "$rt" = runc ] && [ -z "$RUNC" ]; then
			for c in $("${e}_cases"); do record "$e" "$c" runc skip "runc not installed"; done
			continue
		fi
		"${e}_use" "$rt"
		for c in $("${e}_cases"); do
			[[ $c =~ $CASE_RE ]] || continue
			run_case "$e" "$rt" "$c"
		done
	done
	"${e}_stop" >/dev/null 2>&1
done

# The matrix: one row per case, one column per engine and runtime.
cols=()
for e in "${engines[@]}"; do
	for rt in "${runtimes[@]}"; do cols+=("$e/$rt"); done
done
echo
{
	printf '%-18s' case
	for c in "${cols[@]}"; do printf ' %-13s' "$c"; done
	echo
	cut -f2 "$RESULTS" | awk '!seen[$0]++' | while read -r c; do
		printf '%-18s' "$c"
		for col in "${cols[@]}"; do
			s=$(awk -F'\t' -v e="${col%/*}" -v r="${col#*/}" -v c="$c" \
				'$1==e && $2==c && $3==r {print $4}' "$RESULTS")
			printf ' %-13s' "${s:--}"
		done
		echo
	done
}
echo
echo "notes (fail / skip / n/a):"
awk -F'\t' '$4!="pass" {printf "  %s/%s %s: %s: %s\n", $1, $3, $2, $4, $5}' "$RESULTS"
echo
passed=$(awk -F'\t' '$3=="berth" && $4=="pass"' "$RESULTS" | wc -l)
failed=$(awk -F'\t' '$3=="berth" && $4=="fail"' "$RESULTS" | wc -l)
skipped=$(awk -F'\t' '$3=="berth" && $4=="skip"' "$RESULTS" | wc -l)
if [[ " ${runtimes[*]} " = *" runc "* ]]; then
	rp=$(awk -F'\t' '$3=="runc" && $4=="pass"' "$RESULTS" | wc -l)
	rf=$(awk -F'\t' '$3=="runc" && $4=="fail"' "$RESULTS" | wc -l)
	echo "runc (reference): $rp passed, $rf failed"
fi
echo "engines: $passed passed, $failed failed, $skipped skipped ($(($(date +%s) - t_start)) s)"
[ "$failed" -eq 0 ]
