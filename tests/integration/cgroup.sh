#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# cgroup.sh: cgroupsPath placement (v1, hybrid or v2), the cgroup namespace and mount, delete, kill --all, devices.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 10

# What this host has: v2 alone at /sys/fs/cgroup, or v1 hierarchies (+ cgroup2 at unified = hybrid).
CG=/sys/fs/cgroup
if [ "$(stat -f -c %T $CG)" = cgroup2fs ]; then
  MODE=v2
  PROCS_DIRS=("$CG")
elif [ -d $CG/unified ] && [ "$(stat -f -c %T $CG/unified)" = cgroup2fs ]; then
  MODE=hybrid
  PROCS_DIRS=("$CG/memory" "$CG/unified")
else
  MODE=v1
  PROCS_DIRS=("$CG/memory")
fi
[ -d "${PROCS_DIRS[0]}" ] || PROCS_DIRS=("$CG/pids")
echo "# cgroup mode: $MODE (${PROCS_DIRS[*]})"

PARENT=/cell-test-$$
# Remove what cell may leave of our parent cgroup in every hierarchy (leaf dirs first).
on_exit "find $CG/*/cell-test-$$ $CG/cell-test-$$ -depth -type d -exec rmdir {} \\; 2>/dev/null"

B=$(make_bundle cg)

# 1: placement
ID=cg1-$$
bundle_set "$B" '.linux.cgroupsPath = $p | .process.args = ["sleep", "100"]' --arg p "$PARENT/c1"
cellr create --bundle "$B" "$ID" </dev/null
pid=$(cellr state "$ID" | jq -r .pid)
bad=
for d in "${PROCS_DIRS[@]}"; do
  grep -qx "$pid" "$d$PARENT/c1/cgroup.procs" 2>/dev/null || bad="$bad $d$PARENT/c1"
done
tap_is "pid=$pid missing:$bad" "pid=$pid missing:" "the init pid is in cgroupsPath ($MODE)"

# 4 (checked now, counted below): delete removes the cgroup directories
cellr delete --force "$ID"
left=
for d in "$CG"/*/ "$CG"/; do
  [ -d "$d${PARENT#/}/c1" ] && left="$left $d${PARENT#/}/c1"
done

# 2: /proc/self/cgroup inside: "/" with a cgroup namespace (the default spec), the path without one
bundle_set "$B" '.linux.cgroupsPath = $p' --arg p "$PARENT/c2"
# the line of /proc/self/cgroup to look at: the unified one on v2, the memory controller's on v1
if [ $MODE = v2 ]; then line='0::'; else line='[0-9]+:memory:'; fi
tap_like "$(run_in "$B" cat /proc/self/cgroup)" "^$line/\$" "with a cgroup namespace /proc/self/cgroup shows /"
bundle_set "$B" '.linux.namespaces |= map(select(.type != "cgroup"))'
tap_like "$(run_in "$B" cat /proc/self/cgroup)" "^$line$PARENT/c2\$" \
  "without a cgroup namespace /proc/self/cgroup shows cgroupsPath"
bundle_set "$B" '.linux.namespaces += [{"type": "cgroup"}]'

# 3: the spec's cgroup mount: the hierarchies are there and read-only
if [ $MODE = v2 ]; then
  out=$(run_in "$B" ls /sys/fs/cgroup)
  tap_like "$out" '^cgroup.procs$' "the cgroup mount shows the cgroup2 hierarchy"
  out=$(run_in "$B" sh -c 'cell-helper write /sys/fs/cgroup/cgroup.procs 0; mkdir /sys/fs/cgroup/x 2>/dev/null && echo mkdir=ok')
else
  out=$(run_in "$B" ls /sys/fs/cgroup)
  tap_is "$(grep -cx -E 'memory|pids|devices' <<<"$out")" 3 "the cgroup mount shows the v1 hierarchies (memory, pids, devices)"
  out=$(run_in "$B" sh -c 'cell-helper write /sys/fs/cgroup/pids/cgroup.procs 0; mkdir /sys/fs/cgroup/pids/x 2>/dev/null && echo mkdir=ok')
fi
tap_is "$out" "write=EROFS" "the cgroup mount is read-only (write gives EROFS, mkdir fails)"

tap_is "left:$left" "left:" "delete removes the container's cgroup directories"

# 5: kill --all reaches every process of the cgroup, even without a pid namespace (where killing init
# would not take the others down with it).
ID=cg5-$$
bundle_set "$B" '.linux.cgroupsPath = $p | .linux.namespaces |= map(select(.type != "pid"))
  | .process.args = ["sh", "-c", "sleep 100 & sleep 100 & wait"]' --arg p "$PARENT/k"
cellr create --bundle "$B" "$ID" </dev/null && cellr start "$ID"
procs=
for _ in $(seq 50); do
  procs=$(cat "${PROCS_DIRS[0]}$PARENT/k/cgroup.procs" 2>/dev/null)
  [ "$(wc -l <<<"$procs")" -ge 3 ] && break
  sleep 0.1
done
cellr kill --all "$ID" 9
for _ in $(seq 50); do [ "$(cellr state "$ID" | jq -r .status)" = stopped ] && break; sleep 0.1; done
alive=
for _ in $(seq 30); do
  alive=
  for p in $procs; do [ -d /proc/$p ] && [ "$(awk '{print $3}' /proc/$p/stat)" != Z ] && alive="$alive $p"; done
  [ -z "$alive" ] && break
  sleep 0.1
done
tap_is "$(wc -w <<<"$procs") $(cellr state "$ID" | jq -r .status) alive:$alive" "3 stopped alive:" \
  "kill --all 9 kills every process of the container and it is stopped"
cellr delete --force "$ID"
for p in $alive; do kill -9 "$p"; done
bundle_set "$B" '.linux.namespaces += [{"type": "pid"}]'

# 6: device cgroup: the default policy denies all but the standard devices
bundle_set "$B" '.linux.cgroupsPath = $p
  | .linux.devices = [{"path": "/dev/fakesda", "type": "b", "major": 8, "minor": 0, "fileMode": 432}]' \
  --arg p "$PARENT/d"
out=$(run_in "$B" cell-helper open /dev/null rw)
tap_is "$out" "open=ok" "/dev/null is allowed by the device cgroup"
out=$(run_in "$B" sh -c 'cell-helper stat /dev/fakesda | grep -E "^(type|major)=" | tr "\n" " "; cell-helper open /dev/fakesda r')
tap_is "$out" "type=b major=8 open=EPERM" "a created block device not allowed by resources.devices cannot be opened"

tap_result "$(state_empty; echo $?)" "nothing is left in the state root"
