/* cgroup v2 has no devices.allow/deny: linux.resources.devices becomes a BPF_PROG_TYPE_CGROUP_DEVICE
 * program with the same decisions as v1 would take, attached to the container cgroup. No libbpf:
 * raw bpf(2) and struct bpf_insn. */
#ifndef BERTH_CGROUP_DEVICES_BPF_H
#define BERTH_CGROUP_DEVICES_BPF_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>

#include "runtime/error.h"
#include "runtime/spec_resources.h"

/* Access bits as in the program's context (BPF_DEVCG_ACC_*) from an "rwm" subset; 0 if s has
 * another letter. */
unsigned devices_bpf_access_mask(const char *s);

/* Rules -> program, v1 semantics: rules in order, the last one matching wins; "a *:* rwm" resets
 * the default to its decision (rules before it no longer matter); a rule matches a request when it
 * covers the device type, major and minor and, for an allow, every requested access bit (for a deny,
 * any of them, as v1 checks deny exceptions); type 'a' covers b and c.
 * default_allow is the decision when nothing matches (and no reset rule is present).
 * The program uses only: LDX W, ALU32 AND/RSH K, ALU32 MOV X, JMP JNE/JEQ K, ALU64 MOV K, EXIT.
 * -EINVAL for a major/minor above INT32_MAX or a bad type. */
int devices_bpf_generate(const struct spec_device_rule *rules, size_t n, bool default_allow,
			 struct bpf_insn **out, size_t *n_insns);

/* bpf(BPF_PROG_LOAD): an O_CLOEXEC program fd, or a negative errno with the verifier's reason. */
int devices_bpf_load(const struct bpf_insn *insns, size_t n, struct error *err);

/* Generate, load and attach (BPF_F_ALLOW_MULTI) the program for rules to the cgroup directory fd,
 * then detach every other device program attached to it directly (an update replaces the old one;
 * in between both apply, so the device set never widens). */
int devices_bpf_apply(int cgroup_fd, const struct spec_device_rule *rules, size_t n, bool default_allow,
		      struct error *err);

/* Ids of the device programs attached directly to the cgroup (malloc'ed). */
int devices_bpf_query(int cgroup_fd, uint32_t **ids, size_t *n, struct error *err);

#endif
