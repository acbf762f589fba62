#!/usr/bin/env bash
# Make a config.json an engine wrote storable: engine paths and ids become placeholders that
# tests/integration/spec_configs.bats fills in.  usage: sanitise.sh IN.json ENGINE-DIR... >OUT.json
#   root.path                   -> "rootfs"
#   a mount source under ENGINE-DIR -> "@BUNDLE@/files/BASENAME"
#   a 64-hex container id       -> "@ID@" (cgroupsPath, annotations, hostname keep their shape)
#   hooks whose path is a /proc/PID/exe of the engine (docker's libnetwork-setkey) are dropped
set -euo pipefail
in=$1
shift
dirs=$(if [ $# -gt 0 ]; then printf "%s\n" "$@" | jq -R . | jq -s .; else echo "[]"; fi)
jq --argjson dirs "$dirs" '
	.root.path = "rootfs"
	| .mounts |= map(if (.source // "") as $s | any($dirs[]; . as $d | $s | startswith($d))
		then .source = "@BUNDLE@/files/" + (.source | split("/") | last) else . end)
	| if .hooks then .hooks |= with_entries(.value |= map(select(.path | test("^/proc/[0-9]+/exe$") | not)))
		| .hooks |= with_entries(select(.value | length > 0)) else . end
	| walk(if type == "string" then gsub("[0-9a-f]{64}"; "@ID@") else . end)
' "$in"
