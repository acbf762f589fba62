#!/usr/bin/env bats
# process.scheduler with SCHED_DEADLINE: applied as asked, and each field the kernel would refuse
# named in the error instead of a bare "Invalid argument".

load helpers

setup() {
	setup_bundle
}

@test "sched deadline: runtime/deadline/period applied, seen in /proc/self/sched" {
	# a deadline task may not fork: the container's process reads its own file directly
	cfg '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 10000000, deadline: 30000000,
		period: 100000000, flags: ["SCHED_FLAG_RECLAIM"]}'
	run run_ctr cat /proc/self/sched
	[ "$status" -eq 0 ]
	grep -Eq '^policy +: +6$' <<<"$output"
	grep -Eq '^dl\.runtime +: +[0-9]+$' <<<"$output"
}

# The config, then the words the error must hold.
refused() {
	cfg ".process.scheduler = $1"
	run run_ctr echo should-not-run
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" != *should-not-run* ]]
	[[ "$output" == *"$2"* ]]
	[[ "$output" != *"scheduler: Invalid argument"* ]]
}

@test "sched deadline: each bad field is named" {
	refused '{policy: "SCHED_DEADLINE", runtime: 30000000, deadline: 10000000, period: 100000000}' \
		"process.scheduler.runtime: 30000000 ns is above the deadline"
	refused '{policy: "SCHED_DEADLINE", runtime: 10000, deadline: 20000, period: 10000}' \
		"process.scheduler.deadline: 20000 ns is above the period"
	refused '{policy: "SCHED_DEADLINE", runtime: 100, deadline: 10000000}' \
		"process.scheduler.runtime: 100 ns is below the kernel's minimum"
	refused '{policy: "SCHED_DEADLINE", runtime: 10000}' "process.scheduler.deadline"
	refused '{policy: "SCHED_DEADLINE", runtime: 10000000, deadline: 10000000, period: 10000000000}' \
		"process.scheduler.period: 10000000000 ns is outside the host's range"
	refused '{policy: "SCHED_OTHER", deadline: 10000}' \
		"process.scheduler.deadline: only SCHED_DEADLINE takes it, the policy is SCHED_OTHER"
	refused '{policy: "SCHED_BATCH", flags: ["SCHED_FLAG_DL_OVERRUN"]}' \
		"process.scheduler.flags: SCHED_FLAG_DL_OVERRUN is for SCHED_DEADLINE"
	refused '{policy: "SCHED_OTHER", flags: ["SCHED_FLAG_UTIL_CLAMP_MIN"]}' \
		"process.scheduler.flags: SCHED_FLAG_UTIL_CLAMP_MIN needs a utilization value"
}
