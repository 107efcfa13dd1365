#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# process.sh: the rest of process and linux: personality, time offsets, ioPriority, scheduler,
# execCPUAffinity, memoryPolicy, netDevices, and the clear errors for what this host lacks (AppArmor,
# SELinux, resctrl). Each is checked from inside the container, with values no default gives.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 37

_make_rootfs_template
ERR=$CELL_TEST_TMP/err
line() { printf '%s\n' "$1" | grep -m1 "^$2="; }
# bad ID FILTER WANT DESC: the config fails with exactly WANT (one line, exit 1) and leaves nothing
B=$(make_bundle proc)
bad() {
  local id=$1 f=$2 want=$3 desc=$4 out
  cp "$B/config.json" "$B/config.json.good"
  bundle_set "$B" "$f"
  out=$(cellr run --bundle "$B" "$id" </dev/null 2>&1)
  tap_is "$?:$out" "1:cell: $want" "$desc"
  mv "$B/config.json.good" "$B/config.json"
}

# ---- personality ----
bundle_set "$B" '.linux.personality = {"domain": "LINUX32"}'
tap_is "$(run_in "$B" busybox uname -m 2>"$ERR")" "i686" "personality LINUX32: uname -m says i686 (the host: $(uname -m))"
bundle_set "$B" 'del(.linux.personality)'

# ---- time offsets ----
T=$(make_bundle timens)
bundle_set "$T" '.linux.namespaces += [{"type": "time"}]
  | .linux.timeOffsets = {"monotonic": {"secs": 1000000, "nanosecs": 0}, "boottime": {"secs": 2000000, "nanosecs": 0}}'
host=$("$CELL_HELPER" clocks)
out=$(run_in "$T" cell-helper clocks 2>"$ERR")
dm=$(($(line "$out" monotonic | cut -d= -f2) - $(line "$host" monotonic | cut -d= -f2)))
db=$(($(line "$out" boottime | cut -d= -f2) - $(line "$host" boottime | cut -d= -f2)))
tap_result "$([ "$dm" -ge 1000000 ] && [ "$dm" -le 1000010 ]; echo $?)" "timeOffsets: CLOCK_MONOTONIC is 1000000 s ahead inside (by $dm)"
tap_result "$([ "$db" -ge 2000000 ] && [ "$db" -le 2000010 ]; echo $?)" "timeOffsets: CLOCK_BOOTTIME is 2000000 s ahead inside (by $db)"
up=$(run_in "$T" cut -d. -f1 /proc/uptime 2>"$ERR")
tap_result "$([ "${up:-0}" -ge 2000000 ]; echo $?)" "timeOffsets: /proc/uptime inside counts from the offset boot time ($up s)"

# ---- ioPriority ----
bundle_set "$B" '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
tap_is "$(line "$(run_in "$B" cell-helper sched 2>"$ERR")" ioprio)" "ioprio=2:6" "ioPriority IOPRIO_CLASS_BE 6: ioprio_get says class 2 level 6"
bundle_set "$B" '.process.ioPriority = {"class": "IOPRIO_CLASS_RT", "priority": 3}'
tap_is "$(line "$(run_in "$B" cell-helper sched 2>"$ERR")" ioprio)" "ioprio=1:3" "ioPriority IOPRIO_CLASS_RT 3 (set while init still has CAP_SYS_ADMIN)"
bundle_set "$B" 'del(.process.ioPriority)'

# ---- scheduler ----
bundle_set "$B" '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7, "flags": ["SCHED_FLAG_RESET_ON_FORK"]}'
out=$(run_in "$B" cell-helper sched 2>"$ERR")
tap_is "$(echo $(line "$out" policy) $(line "$out" nice) $(line "$out" reset_on_fork))" "policy=3 nice=7 reset_on_fork=1" \
  "scheduler SCHED_BATCH, nice 7, SCHED_FLAG_RESET_ON_FORK"
bundle_set "$B" '.process.scheduler = {"policy": "SCHED_IDLE"}'
tap_is "$(line "$(run_in "$B" cell-helper sched 2>"$ERR")" policy)" "policy=5" "scheduler SCHED_IDLE"
# a real-time policy needs real-time bandwidth: the runtime's own cgroup has it, a fresh one does not
bundle_set "$B" '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 7} | .process.args = ["cell-helper", "sched"]'
out=$(cellr --cgroup-manager disabled run --bundle "$B" fifo-$$ </dev/null 2>&1)
tap_is "$(echo $(line "$out" policy) $(line "$out" rtprio))" "policy=1 rtprio=7" "scheduler SCHED_FIFO priority 7"
bad sch1 '.process.scheduler = {"policy": "SCHED_ISO"}' \
  'config.json: /process/scheduler/policy: `SCHED_ISO` is not implemented by Linux' "SCHED_ISO: refused"
bad sch2 '.process.scheduler = {"policy": "SCHED_BATCH", "priority": 5}' \
  'config.json: /process/scheduler/priority: only SCHED_FIFO and SCHED_RR take a priority' "a priority for SCHED_BATCH: refused"
bad sch3 '.process.scheduler = {"policy": "SCHED_OTHER", "nice": 20}' \
  'config.json: /process/scheduler/nice: must be between -20 and 19' "nice 20: refused"
bad sch4 '.process.scheduler = {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_TYPO"]}' \
  'config.json: /process/scheduler/flags/0: unknown flag `SCHED_FLAG_TYPO`' "an unknown scheduler flag: refused"
bundle_set "$B" 'del(.process.scheduler)'

# ---- memoryPolicy ----
bundle_set "$B" '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
out=$(run_in "$B" cell-helper sched 2>"$ERR")
tap_is "$(echo $(line "$out" mempolicy) $(line "$out" mempolicy_flags) $(line "$out" mempolicy_nodes))" \
  "mempolicy=3 mempolicy_flags=0x8000 mempolicy_nodes=0x1" "memoryPolicy MPOL_INTERLEAVE nodes 0 MPOL_F_STATIC_NODES"
bundle_set "$B" '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
tap_is "$(line "$(run_in "$B" cell-helper sched 2>"$ERR")" mempolicy)" "mempolicy=2" "memoryPolicy MPOL_BIND"
bad mp1 '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "63"}' \
  'set_mempolicy MPOL_BIND nodes `63` flags 0x0: Invalid argument' "a node this host lacks: the kernel's refusal, said"
bad mp2 '.linux.memoryPolicy = {"mode": "MPOL_LOCAL", "nodes": "0"}' \
  'config.json: /linux/memoryPolicy/nodes: `MPOL_LOCAL` takes no nodes' "MPOL_LOCAL with nodes: refused"
bad mp3 '.linux.memoryPolicy = {"mode": "MPOL_BIND"}' \
  'config.json: /linux/memoryPolicy/nodes: `MPOL_BIND` needs at least one node' "MPOL_BIND without nodes: refused"
bad mp4 '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}' \
  'config.json: /linux/memoryPolicy/flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other' \
  "static and relative nodes together: refused"
bundle_set "$B" 'del(.linux.memoryPolicy)'

# ---- execCPUAffinity: `exec` only (config.md: not the container's init) ----
if [ "$(nproc)" -ge 2 ]; then
  E=$(make_bundle affinity)
  bundle_set "$E" '.process.args = ["sleep", "60"] | .process.execCPUAffinity = {"final": "1"}
    | .process.scheduler = {"policy": "SCHED_BATCH", "nice": 3} | .linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
  cellr run --detach --bundle "$E" aff-$$ </dev/null 2>"$ERR"
  out=$(cellr exec aff-$$ sh -c 'cell-helper sched; grep Cpus_allowed_list /proc/1/status' 2>"$ERR")
  tap_is "$(line "$out" cpus)" "cpus=1" "execCPUAffinity final 1: an exec'd process runs on cpu 1 only"
  tap_like "$out" "Cpus_allowed_list:.0-" "... while the container's init was left alone"
  tap_is "$(echo $(line "$out" policy) $(line "$out" nice) $(line "$out" mempolicy))" "policy=3 nice=3 mempolicy=2" \
    "an exec'd process takes the scheduler and memory policy too (as with runc)"
  jq -n '{"args": ["cell-helper", "sched"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "execCPUAffinity": {"initial": "1", "final": "0"}}' \
    >"$CELL_TEST_TMP/p.json"
  tap_is "$(line "$(cellr exec --process "$CELL_TEST_TMP/p.json" aff-$$ 2>"$ERR")" cpus)" "cpus=0" \
    "exec --process with initial 1 and final 0: final wins once in the cgroup"
  cellr delete --force aff-$$ >/dev/null 2>&1
  # no cgroup to move into: the initial affinity is what the process keeps
  cellr --cgroup-manager disabled run --detach --bundle "$E" affn-$$ </dev/null 2>"$ERR"
  jq '.execCPUAffinity = {"initial": "1"}' "$CELL_TEST_TMP/p.json" >"$CELL_TEST_TMP/p1.json"
  tap_is "$(line "$(cellr exec --process "$CELL_TEST_TMP/p1.json" affn-$$ 2>"$ERR")" cpus)" "cpus=1" \
    "exec with initial 1 and no cgroup: the process starts (and stays) on cpu 1"
  cellr delete --force affn-$$ >/dev/null 2>&1
else
  tap_skip 5 "execCPUAffinity needs 2 cpus"
fi
bad aff1 '.process.execCPUAffinity = {"final": "1-0"}' \
  'config.json: /process/execCPUAffinity/final: invalid cpu list `1-0`' "an invalid cpu list: refused"

# ---- netDevices: a veth end moved in, renamed, its address kept, up ----
V=cv$$
if ip link add "${V}a" type veth peer name "${V}b" 2>/dev/null; then
  on_exit "ip link del ${V}a; ip link del ${V}b"
  ip addr add 10.254.77.2/24 dev "${V}a" && ip link set "${V}b" up
  N=$(make_bundle netdev)
  bundle_set "$N" '.linux.netDevices = {($d): {"name": "eth7"}}' --arg d "${V}a"
  out=$(run_in "$N" sh -c 'cat /sys/class/net/eth7/operstate; grep -q "|-- 10.254.77.2$" /proc/net/fib_trie && echo addr; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort' 2>"$ERR")
  tap_is "$(echo $out)" "up addr eth7 lo" "netDevices: the device is in the container as eth7, up, with its address"
  tap_result "$(! ip link show "${V}a" >/dev/null 2>&1; echo $?)" \
    "... and it does not come back: the namespace took the veth with it"
else
  tap_skip 2 "no veth devices on this host"
fi
N=$(make_bundle netdev-bad)
bundle_set "$N" '.linux.netDevices = {"cellnope0": {}}'
out=$(cellr run --bundle "$N" nd-$$ </dev/null 2>&1)
tap_is "$?:$out" "1:cell: config.json: /linux/netDevices/cellnope0: no such network device on the host" \
  "netDevices: a device the host lacks: refused before anything is created"
bundle_set "$N" '.linux.netDevices = {"lo": {"name": "a/b"}}'
out=$(cellr run --bundle "$N" nd-$$ </dev/null 2>&1)
tap_is "$?:$out" '1:cell: config.json: /linux/netDevices/lo/name: invalid interface name `a/b`' "netDevices: an invalid name: refused"
bundle_set "$N" '.linux.netDevices = {"lo": {}} | .linux.namespaces -= [{"type": "network"}]'
out=$(cellr run --bundle "$N" nd-$$ </dev/null 2>&1)
tap_is "$?:$out" "1:cell: config.json: /linux/netDevices: needs a network namespace of the container's own" \
  "netDevices without a network namespace: refused"

# ---- what this host lacks: a clear error, nothing left ----
if cell_lsm=$(cat /sys/kernel/security/lsm 2>/dev/null) && [[ ",$cell_lsm," == *,apparmor,* ]]; then
  tap_skip 2 "AppArmor is active here"
else
  bad lsm1 '.process.apparmorProfile = "cell-test"' \
    'config.json: /process/apparmorProfile: AppArmor is not enabled on this host: profile `cell-test` cannot be applied' \
    "apparmorProfile without AppArmor: a clear error"
  bundle_set "$B" '.process.args = ["sleep", "30"]'
  cellr run --detach --bundle "$B" lsm-$$ </dev/null 2>"$ERR"
  out=$(cellr exec --apparmor cell-test lsm-$$ true 2>&1)
  tap_is "$?:$out" '1:cell: exec: --apparmor: AppArmor is not enabled on this host: profile `cell-test` cannot be applied' \
    "exec --apparmor without AppArmor: a clear error"
fi
if [[ ",$cell_lsm," == *,selinux,* ]] || [ -e /sys/fs/selinux/enforce ]; then
  tap_skip 3 "SELinux is active here"
else
  bad lsm2 '.process.selinuxLabel = "system_u:system_r:container_t:s0"' \
    'config.json: /process/selinuxLabel: SELinux is not enabled on this host: label `system_u:system_r:container_t:s0` cannot be applied' \
    "selinuxLabel without SELinux: a clear error"
  bad lsm3 '.linux.mountLabel = "system_u:object_r:container_file_t:s0"' \
    'config.json: /linux/mountLabel: SELinux is not enabled on this host: label `system_u:object_r:container_file_t:s0` cannot be applied' \
    "mountLabel without SELinux: a clear error"
  out=$(cellr exec --process-label system_u:system_r:container_t:s0 lsm-$$ true 2>&1)
  tap_is "$?:$out" '1:cell: exec: --process-label: SELinux is not enabled on this host: label `system_u:system_r:container_t:s0` cannot be applied' \
    "exec --process-label without SELinux: a clear error"
fi
cellr delete --force lsm-$$ >/dev/null 2>&1
if [ "$(stat -f -c %t /sys/fs/resctrl 2>/dev/null)" = "7655821" ]; then
  tap_skip 1 "resctrl is mounted here"
else
  bad rdt '.linux.intelRdt = {"closID": "cell-test", "l3CacheSchema": "L3:0=f"}' \
    'config.json: /linux/intelRdt: not supported on this host (no resctrl filesystem at /sys/fs/resctrl)' \
    "intelRdt without resctrl: a clear error"
fi
tap_result "$(state_empty; echo $?)" "nothing is left in the state root"
exit $((TAP_FAILED != 0))
