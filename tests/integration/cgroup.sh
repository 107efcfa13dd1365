#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# cgroup.sh: cgroupsPath placement (v1, hybrid or v2), the cgroup namespace and mount, delete, kill --all, devices.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 24

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
on_exit "find $CG/*/cell-test-$$ $CG/cell-test-$$ $CG/*/celltest$$.slice -depth -type d -exec rmdir {} \\; 2>/dev/null"

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
# ... in every hierarchy the host has (v1 ones found by their conventional mount points, not mountinfo);
# a v1 host's "0::" line is the unmounted cgroup2 root
out=$(run_in "$B" cat /proc/self/cgroup)
if [ $MODE = v1 ]; then out=$(grep -v '^0::' <<<"$out"); fi
tap_is "$(grep -c . <<<"$out") $(grep -cv ":$PARENT/c2\$" <<<"$out")" "$(grep -c . <<<"$out") 0" \
  "without a cgroup namespace the container is in cgroupsPath in every hierarchy ($(grep -c . <<<"$out") lines)"
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
# ... and shows the container's own directory in each hierarchy, never the host's tree above it (where the
# runtime's other cgroups would be subdirectories), with a cgroup namespace and without
if [ $MODE = v2 ]; then depth=1; else depth=2; fi
for ns in with without; do
  [ $ns = without ] && bundle_set "$B" '.linux.namespaces |= map(select(.type != "cgroup"))'
  out=$(run_in "$B" sh -c "find /sys/fs/cgroup/ -mindepth $depth -type d | head -3")
  tap_is "$out" "" "$ns a cgroup namespace the cgroup mount holds the container's directories alone (no subdirectory)"
done
bundle_set "$B" '.linux.namespaces += [{"type": "cgroup"}]'

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


# 7: delete after init died leaving a child (no pid namespace, so nothing killed the child): delete kills
# what is left in the cgroup, waits for it to be empty and removes every directory (SECURITY.md row 46).
ID=cg7-$$
bundle_set "$B" '.linux.cgroupsPath = $p | .linux.devices = [] | .linux.namespaces |= map(select(.type != "pid"))
  | .process.args = ["sh", "-c", "sleep 100 & echo $! > /tmp/child; exit 0"]' --arg p "$PARENT/orphan"
cellr create --bundle "$B" "$ID" </dev/null && cellr start "$ID"
for _ in $(seq 50); do [ "$(cellr state "$ID" | jq -r .status)" = stopped ] && break; sleep 0.1; done
child=$(cat "${PROCS_DIRS[0]}$PARENT/orphan/cgroup.procs" 2>/dev/null | head -1)
tap_like "$(cellr state "$ID" | jq -r .status) child=$child" "^stopped child=[0-9]+$" \
  "init exited and left a child in the cgroup"
cellr delete "$ID"
left=
for d in "$CG"/*/ "$CG"/; do [ -d "$d${PARENT#/}/orphan" ] && left="$left $d${PARENT#/}/orphan"; done
alive=
[ -n "$child" ] && [ -d /proc/$child ] && [ "$(awk '{print $3}' /proc/$child/stat)" != Z ] && alive=$child
tap_is "alive:$alive left:$left" "alive: left:" "delete kills the child and removes every cgroup directory"
[ -n "$alive" ] && kill -9 "$alive"
bundle_set "$B" '.linux.namespaces += [{"type": "pid"}]'

# 7b: the cgroup view (the container's directories bound on a tmpfs, or a cgroup2 bind) never shares mount
# events with the host, even where the host's hierarchies are shared mounts: made so here in a private
# mount namespace
bundle_set "$B" '.process.args = ["sh", "-c", "grep -c \" /sys/fs/cgroup.* shared:\" /proc/self/mountinfo; grep -c \" /sys/fs/cgroup/\" /proc/self/mountinfo"]'
out=$(CELL="$CELL" ROOT="$CELL_TEST_ROOT" B="$B" unshare -m --propagation unchanged sh -c \
  'mount --make-rshared /sys/fs/cgroup && "$CELL" --root "$ROOT" run --bundle "$B" "prop-$$" </dev/null' 2>&1)
tap_like "$(echo $out)" "^0 [1-9][0-9]*\$" "the container's cgroup mounts are no peers of the host's shared ones ($(echo $out))"

# 8: --systemd-cgroup maps slice:prefix:name onto cgroupfs (no systemd here): <slice path>/<prefix>-<name>.scope
bundle_set "$B" '.linux.cgroupsPath = $p | .linux.namespaces |= map(select(.type != "cgroup"))' \
  --arg p "celltest$$.slice:cellpfx:n$$"
if [ $MODE = v2 ]; then line='0::'; else line='[0-9]+:memory:'; fi
bundle_set "$B" '.process.args = ["cat", "/proc/self/cgroup"]'
out=$("$CELL" --root "$CELL_TEST_ROOT" --systemd-cgroup run --bundle "$B" "sd-$$" </dev/null)
tap_like "$out" "^$line/celltest$$.slice/cellpfx-n$$.scope\$" "--systemd-cgroup: slice:prefix:name is <slice>/<prefix>-<name>.scope"
bundle_set "$B" '.linux.cgroupsPath = $p' --arg p "celltest$$-sub.slice:cellpfx:m$$"
out=$("$CELL" --root "$CELL_TEST_ROOT" --systemd-cgroup run --bundle "$B" "sd2-$$" </dev/null)
tap_like "$out" "^$line/celltest$$.slice/celltest$$-sub.slice/cellpfx-m$$.scope\$" \
  "--systemd-cgroup: a nested slice name expands like systemd's (a-b.slice under a.slice)"
bundle_set "$B" '.linux.cgroupsPath = "bad-slice:x:y"'
out=$("$CELL" --root "$CELL_TEST_ROOT" --systemd-cgroup run --bundle "$B" "sd3-$$" </dev/null 2>&1)
tap_like "$out" "invalid systemd slice \`bad-slice\`" "--systemd-cgroup: a slice not ending in .slice is refused"
bundle_set "$B" '.linux.namespaces += [{"type": "cgroup"}]'

# 9: parallel creates under a parent that does not exist yet (the v1 cpuset parent must be filled even by
# the create that found it already made, or a child's tasks get ENOSPC)
bundle_set "$B" '.process.args = ["true"]'
fails=0
for round in 1 2 3; do
  pids=()
  for i in 1 2 3 4; do
    mkdir -p "$CELL_TEST_TMP/b-$round-$i"
    jq --arg p "$PARENT/race$round/c$i" --arg r "$B/rootfs" '.linux.cgroupsPath = $p | .root.path = $r' \
      "$B/config.json" >"$CELL_TEST_TMP/b-$round-$i/config.json"
  done
  for i in 1 2 3 4; do
    cellr run --bundle "$CELL_TEST_TMP/b-$round-$i" "race-$$-$round-$i" </dev/null >"$CELL_TEST_TMP/race-$round-$i.out" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
done
tap_is "failed:$fails $(cat "$CELL_TEST_TMP"/race-*.out | head -2)" "failed:0 " \
  "12 containers created 4 at a time under fresh parents all run (cpuset parent filled)"

# a cgroupsPath that existed before create is not the container's: delete leaves it (runtime.md: what the
# container did not create MUST NOT be deleted); the directories create made go
pre=()
for d in "$CG"/*/ "$CG"/; do
  [ "$(stat -f -c %T "$d")" = tmpfs ] && continue
  mkdir -p "$d${PARENT#/}/pre"
  for f in cpus mems; do
    [ -e "$d${PARENT#/}/cpuset.$f" ] && [ -z "$(cat "$d${PARENT#/}/cpuset.$f")" ] && cat "${d}cpuset.$f" >"$d${PARENT#/}/cpuset.$f"
    [ -e "$d${PARENT#/}/pre/cpuset.$f" ] && cat "$d${PARENT#/}/cpuset.$f" >"$d${PARENT#/}/pre/cpuset.$f"
  done
  pre+=("$d${PARENT#/}/pre")
done
bundle_set "$B" '.linux.cgroupsPath = $p | .process.args = ["true"]' --arg p "$PARENT/pre"
cellr run --bundle "$B" "cgpre-$$" </dev/null
bundle_set "$B" '.linux.cgroupsPath = $p' --arg p "$PARENT/pre/made"
cellr run --bundle "$B" "cgpre2-$$" </dev/null
kept=0 made=0
for d in "${pre[@]}"; do
  [ -d "$d" ] && kept=$((kept + 1))
  [ -d "$d/made" ] && made=$((made + 1))
done
tap_is "kept $kept of ${#pre[@]}, made left $made" "kept ${#pre[@]} of ${#pre[@]}, made left 0" \
  "delete leaves a cgroupsPath that existed before create, and removes the one it made inside it"

# v1 cpuset: a parent create made copies its masks into new children itself (cgroup.clone_children, no
# write of cpuset.cpus per container); a parent it found keeps its flag
if [ -d "$CG/cpuset" ] && [ "$(stat -f -c %T "$CG/cpuset")" = cgroupfs ]; then
  mkdir -p "$CG/cpuset${PARENT}/cc"
  cat "$CG/cpuset/cpuset.cpus" >"$CG/cpuset${PARENT}/cpuset.cpus"
  cat "$CG/cpuset/cpuset.mems" >"$CG/cpuset${PARENT}/cpuset.mems"
  echo 0 >"$CG/cpuset${PARENT}/cc/cgroup.clone_children" # a child inherits the flag at mkdir
  bundle_set "$B" '.linux.cgroupsPath = $p | .process.args = ["true"]' --arg p "$PARENT/cc/made/leaf"
  cellr create --bundle "$B" "cgcc-$$" </dev/null
  got="found:$(cat "$CG/cpuset${PARENT}/cc/cgroup.clone_children") made:$(cat "$CG/cpuset${PARENT}/cc/made/cgroup.clone_children")"
  got="$got leaf:$(cat "$CG/cpuset${PARENT}/cc/made/leaf/cpuset.cpus")"
  cellr delete -f "cgcc-$$"
  tap_is "$got" "found:0 made:1 leaf:$(cat "$CG/cpuset/cpuset.cpus")" \
    "v1 cpuset: a parent create made clones its masks into children, a parent it found keeps its flag"
  rmdir "$CG/cpuset${PARENT}/cc"
else
  tap_skip "no v1 cpuset hierarchy"
fi

# like runc: a cgroupsPath that already holds a process is refused (nothing made, the process left alone),
# and so is one whose parent is frozen (init would hang frozen)
if [ $MODE = v2 ]; then pdir=$CG; else pdir=$CG/pids; fi
mkdir -p "$pdir$PARENT/busy"
sleep 100 &
squatter=$!
echo "$squatter" >"$pdir$PARENT/busy/cgroup.procs"
bundle_set "$B" '.linux.cgroupsPath = $p | .process.args = ["true"]' --arg p "$PARENT/busy"
cellr create --bundle "$B" "cgbusy-$$" </dev/null >"$CELL_TEST_TMP/busy.out" 2>&1 # no $(): a created init would hold it
rc=$?
out=$(cat "$CELL_TEST_TMP/busy.out")
got="$rc $(grep -c . "$pdir$PARENT/busy/cgroup.procs") $(cellr list -q | grep -c "cgbusy-$$")"
cellr delete -f "cgbusy-$$" >/dev/null 2>&1
tap_is "$got $out" "1 1 0 cell: cgroup \`$pdir$PARENT/busy\` is not empty: 1 process(es) found" \
  "a cgroupsPath that holds a process is refused; the process stays, no container"
kill -9 "$squatter"
wait "$squatter" 2>/dev/null
if [ -d "$CG/freezer" ] && [ $MODE != v2 ]; then
  mkdir -p "$CG/freezer$PARENT/cold"
  echo FROZEN >"$CG/freezer$PARENT/cold/freezer.state"
  bundle_set "$B" '.linux.cgroupsPath = $p' --arg p "$PARENT/cold/leaf"
  timeout 20 "$CELL" --root "$CELL_TEST_ROOT" create --bundle "$B" "cgcold-$$" </dev/null >"$CELL_TEST_TMP/cold.out" 2>&1
  rc=$?
  out=$(cat "$CELL_TEST_TMP/cold.out")
  echo THAWED >"$CG/freezer$PARENT/cold/freezer.state"
  cellr delete -f "cgcold-$$" >/dev/null 2>&1
  tap_is "$rc $out|$([ -d "$CG/freezer$PARENT/cold/leaf" ] && echo leaf-left)" \
    "1 cell: cgroup \`$PARENT/cold/leaf\` is frozen|" "a cgroupsPath under a frozen parent is refused and its leaf removed"
else
  tap_skip "no v1 freezer hierarchy"
fi

tap_result "$(state_empty; echo $?)" "nothing is left in the state root"
