# Shared by the bench scripts: sourced, never run.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() {
	echo "bench: $*" >&2
	exit 1
}

# BERTH: the built ./berth, else berth in PATH; made absolute.
find_berth() {
	if [ -z "${BERTH:-}" ]; then
		if [ -x "$top/berth" ]; then BERTH=$top/berth; else BERTH=$(command -v berth || true); fi
	fi
	[ -n "$BERTH" ] && [ -x "$BERTH" ] || die "no berth binary (run make, or set BERTH)"
	BERTH=$(realpath "$BERTH")
}

# runs_from NAME DEFAULT: the positive number in $NAME, or DEFAULT.
runs_from() {
	local v=${!1:-$2}
	[[ $v =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive number, not '$v'"
	echo "$v"
}

# Re-run the calling script (with its arguments) in a network namespace of its own, lo up: the
# machine's network stays untouched. Call it with "$@".
in_own_netns() {
	if [ -z "${BERTH_BENCH_NETNS:-}" ]; then
		BERTH_BENCH_NETNS=1 BERTH=$BERTH exec unshare -n "$0" "$@"
	fi
	ip link set lo up
}

# Delete every container of state root $1, those run from images too, ignoring errors: a cleanup.
delete_containers() {
	local d
	for d in "$1"/* "$1"/.images/containers/*; do
		[ -d "$d" ] || continue
		"$BERTH" --root "$1" delete --force "${d##*/}" >/dev/null 2>&1 || true
	done
}

# A busybox image tagged bench:latest, built at $2 and loaded into state root $1.
load_bench_image() {
	BERTH=$BERTH "$top/tests/data/mkimage.sh" --ref bench:latest "$2" busybox >/dev/null ||
		die "mkimage.sh failed"
	"$BERTH" --root "$1" image load "$2" >/dev/null || die "berth image load failed"
}
