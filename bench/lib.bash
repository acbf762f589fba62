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
