#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# resources.sh: linux.resources on this host's real cgroups, checked from inside the container (its cgroup
# mount) and in the host's files: memory, cpu, cpuset, pids, blockIO, hugetlb (unified hierarchy on a
# hybrid host), and the clear errors for what the host lacks or the spec forbids.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 27

CG=/sys/fs/cgroup
if [ "$(stat -f -c %T $CG)" = cgroup2fs ] || [ ! -d $CG/memory ]; then
  echo "1..0 # SKIP needs v1 memory, cpu, pids and blkio hierarchies (this host: $(ls $CG | tr '\n' ' '))"
  exit 0
fi
PARENT=/cell-test-res-$$
on_exit "find $CG/*/${PARENT#/} -depth -type d -exec rmdir {} \\; 2>/dev/null"
# hugetlb on the unified hierarchy: cell enables it on the container's path; put the root back as it was.
U=$CG/unified
U_SAVED=$(cat $U/cgroup.subtree_control 2>/dev/null)
on_exit "grep -qw hugetlb <<<'$U_SAVED' || echo -hugetlb > $U/cgroup.subtree_control"

B=$(make_bundle res)

# A container that runs `cmd` with resources `res` (jq JSON) in cgroup $PARENT/<name>; prints stdout.
run_res() {
  local name=$1 res=$2
  shift 2
  bundle_set "$B" '.linux.cgroupsPath = $p | .linux.resources = ($r | fromjson)' --arg p "$PARENT/$name" --arg r "$res"
  run_in "$B" "$@"
}

# memory (v1): every file, read through the container's own cgroup mount
out=$(run_res mem '{"memory": {"limit": 67108864, "swap": 134217728, "reservation": 33554432,
  "kernelTCP": 16777216, "swappiness": 33, "disableOOMKiller": true}}' \
  sh -c 'cd /sys/fs/cgroup/memory && cat memory.limit_in_bytes memory.memsw.limit_in_bytes \
    memory.soft_limit_in_bytes memory.kmem.tcp.limit_in_bytes memory.swappiness && grep oom_kill_disable memory.oom_control' |
  tr '\n' ' ')
tap_is "$out" "67108864 134217728 33554432 16777216 33 oom_kill_disable 1 " \
  "memory: limit, swap, reservation, kernelTCP, swappiness, disableOOMKiller seen from inside"

# ... and in the host's files while it runs
ID=mem-$$
bundle_set "$B" '.process.args = ["sleep", "100"]'
cellr create --bundle "$B" "$ID" </dev/null
tap_is "$(cat $CG/memory$PARENT/mem/memory.limit_in_bytes $CG/memory$PARENT/mem/memory.kmem.tcp.limit_in_bytes | tr '\n' ' ')" \
  "67108864 16777216 " "memory: the host's files hold the limits"
cellr delete --force "$ID"

# kernel memory: accepted by this kernel and not enforced: a warning, and the container runs
bundle_set "$B" '.linux.cgroupsPath = $p | .linux.resources = {"memory": {"kernel": 50331648}}
  | .process.args = ["true"]' --arg p "$PARENT/kmem"
out=$(cellr run --bundle "$B" "kmem-$$" </dev/null 2>&1; echo "rc=$?")
tap_like "$out" "/linux/resources/memory/kernel: .*ignored" "memory.kernel: a warning naming the field"
tap_like "$out" "rc=0" "... and the container runs"

# memory limit as behaviour: 256 MiB in a 32 MiB container (memory+swap too) gets the OOM killer
out=$(run_res oom '{"memory": {"limit": 33554432, "swap": 33554432}}' \
  sh -c 'dd if=/dev/zero of=/dev/null bs=256M count=1 2>/dev/null; echo "dd=$?"')
tap_is "$out" "dd=137" "memory: a 256 MiB buffer in a 32 MiB container is OOM-killed"

# cpu (v1 cpu hierarchy) and cpuset
out=$(run_res cpu '{"cpu": {"shares": 777, "quota": 33000, "period": 110000, "burst": 1000,
  "realtimePeriod": 900000, "cpus": "0", "mems": "0"}}' \
  sh -c 'cd /sys/fs/cgroup/cpu && cat cpu.shares cpu.cfs_quota_us cpu.cfs_period_us cpu.cfs_burst_us \
    cpu.rt_period_us /sys/fs/cgroup/cpuset/cpuset.cpus; nproc' | tr '\n' ' ')
tap_is "$out" "777 33000 110000 1000 900000 0 1 " \
  "cpu: shares, quota, period, burst, realtimePeriod, cpus from inside (nproc 1)"
out=$(run_res idle '{"cpu": {"idle": 1}}' cat /sys/fs/cgroup/cpu/cpu.idle)
tap_is "$out" "1" "cpu.idle"
# realtimeRuntime needs runtime in the parent: give our parent some, as an administrator would
mkdir -p $CG/cpu$PARENT && echo 20000 >$CG/cpu$PARENT/cpu.rt_runtime_us
out=$(run_res rt '{"cpu": {"realtimeRuntime": 12345}}' cat /sys/fs/cgroup/cpu/cpu.rt_runtime_us)
tap_is "$out" "12345" "cpu.realtimeRuntime"

# pids: the file, and behaviour: sh plus 4 sleeps are 5 tasks, the fifth sleep cannot be forked (busybox sh
# gives up on a failed fork, so "after" is never printed)
out=$(run_res pids '{"pids": {"limit": 5}}' sh -c 'read m < /sys/fs/cgroup/pids/pids.max; echo "max=$m"
  sleep 5 & sleep 5 & sleep 5 & sleep 5 & sleep 5 & echo after' 2>&1 | tr '\n' ' ')
tap_like "$out" "^max=5 .*can't fork" "pids: pids.max is 5 and the fifth task cannot be forked"
tap_unlike_after=$(grep -c after <<<"$out")
tap_is "$tap_unlike_after" "0" "... and the script stopped there"

# blockIO (v1): weight goes to blkio.bfq.weight where only BFQ's files exist; throttles on vda
DEV=$(cat /sys/block/vda/dev 2>/dev/null || lsblk -dno MAJ:MIN "$(findmnt -no SOURCE /)" 2>/dev/null | tr -d ' ')
out=$(run_res blk "{\"blockIO\": {\"weight\": 333, \"throttleReadBpsDevice\": [{\"major\": ${DEV%:*}, \"minor\": ${DEV#*:}, \"rate\": 1048576}],
  \"throttleWriteIOPSDevice\": [{\"major\": ${DEV%:*}, \"minor\": ${DEV#*:}, \"rate\": 120}]}}" \
  sh -c 'cd /sys/fs/cgroup/blkio; cat blkio.weight blkio.bfq.weight 2>/dev/null; cat blkio.throttle.read_bps_device blkio.throttle.write_iops_device' |
  tr '\n' ' ')
tap_is "$out" "333 $DEV 1048576 $DEV 120 " "blockIO: weight and read bps / write iops throttles from inside"
# a per-device weight on a device whose scheduler is not BFQ: the kernel refuses, the error names the entry
bundle_set "$B" '.linux.resources = {"blockIO": {"weightDevice": [{"major": 254, "minor": 0, "weight": 444}]}}
  | .linux.cgroupsPath = $p | .process.args = ["true"]' --arg p "$PARENT/wd"
out=$(cellr run --bundle "$B" "wd-$$" </dev/null 2>&1)
tap_like "$out" "/linux/resources/blockIO/weightDevice/0: write \`254:0 444\` to .*blkio.bfq.weight_device" \
  "blockIO.weightDevice: the kernel's refusal names the entry"
tap_is "$(ls -d $CG/blkio$PARENT/wd 2>/dev/null)" "" "... and the container's cgroup is gone"

# hugetlb: on this host it lives in the unified hierarchy
if grep -qw hugetlb $U/cgroup.controllers 2>/dev/null; then
  ID=huge-$$
  bundle_set "$B" '.linux.cgroupsPath = $p | .linux.resources = {"hugepageLimits": [{"pageSize": "2MB", "limit": 8388608}]}
    | .process.args = ["sleep", "100"]' --arg p "$PARENT/huge"
  cellr create --bundle "$B" "$ID" </dev/null
  tap_is "$(cat $U$PARENT/huge/hugetlb.2MB.max 2>&1)" "8388608" "hugepageLimits: hugetlb.2MB.max in the unified hierarchy"
  pid=$(cellr state "$ID" | jq -r .pid)
  tap_like "$(cat /proc/$pid/cgroup)" "^0::$PARENT/huge$" "... where the container's init is"
  cellr delete --force "$ID"
  out=$(run_res huge2 '{"unified": {"hugetlb.2MB.max": "10485760"}}' cat /sys/fs/cgroup/unified/hugetlb.2MB.max)
  tap_is "$out" "10485760" "unified: a hugetlb key is written on a hybrid host (seen from inside)"
else
  tap_skip 3 "no hugetlb controller in the unified hierarchy"
fi

# what the host lacks: an error naming the field, nothing left behind
bad() { # bad NAME RESOURCES REGEX DESCRIPTION
  bundle_set "$B" '.linux.cgroupsPath = $p | .linux.resources = ($r | fromjson) | .process.args = ["true"]' \
    --arg p "$PARENT/$1" --arg r "$2"
  out=$(cellr run --bundle "$B" "bad-$1-$$" </dev/null 2>&1; echo "rc=$?")
  tap_like "$out" "$3" "$4"
  left=$(ls -d $CG/*$PARENT/$1 2>/dev/null)
  tap_is "rc=${out##*rc=} left:$left" "rc=1 left:" "... exit 1 and no cgroup left"
}
bad net '{"network": {"classID": 1048577}}' \
  "/linux/resources/network/classID: the \`net_cls\` cgroup controller is not available on this host" \
  "network.classID without net_cls: an error naming the field"
bad rdma '{"rdma": {"mlx5_1": {"hcaHandles": 3}}}' "/linux/resources/rdma: the \`rdma\` cgroup controller is not available" \
  "rdma without the controller: an error naming the field"
bad uni '{"unified": {"memory.high": "1000000"}}' \
  "/linux/resources/unified/memory.high: the \`memory\` controller is bound to cgroup v1" \
  "unified key of a v1-bound controller: an error naming it"
bad cpus '{"cpu": {"cpus": "3-1"}}' "config.json: /linux/resources/cpu/cpus: \`3-1\` is not a CPU list" \
  "a bad cpus list fails validation (config.json and pointer)"
bad neg '{"memory": {"limit": -5}}' "config.json: /linux/resources/memory/limit: -5 is not a limit" \
  "a negative limit other than -1 fails validation"

tap_result "$(state_empty; echo $?)" "nothing is left in the state root"
