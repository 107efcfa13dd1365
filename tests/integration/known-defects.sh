#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# known-defects.sh: attacks that still succeed, kept out of TESTS (Makefile.am) until they are fixed; run by
# hand: CELL=build/cell CELL_HELPER=build/tests/helper/cell-helper CELL_SRCDIR=. tests/integration/known-defects.sh
#
# Issue 10.6: a state.json without its "cell" member (or its "pid") makes `delete --force` return 0, remove
# the state dir and leave init running (a created init waits in accept() forever; a running one keeps its
# cgroups): the salvage proves init only by pid + startTime, and startTime is in "cell".
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 2

_make_rootfs_template
ERR=$CELL_TEST_TMP/err

# start_time PID: field 22 of /proc/PID/stat, empty when the process is gone or a zombie.
start_time() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  s=${s##*) }
  set -- $s
  case $1 in Z | X) return 0 ;; esac
  echo "${20}"
}

B=$(make_bundle tampered)
bundle_set "$B" '.process.args = ["sleep", "1000"]'
for filter in 'del(.cell)' 'del(.pid)'; do
  ID=defect-$$
  # no cgroup anywhere: the tampered state can name none
  cellr --cgroup-manager disabled create --bundle "$B" "$ID" </dev/null >/dev/null 2>&1
  pid=$(cellr state "$ID" | jq -r .pid)
  st=$(start_time "$pid")
  jq -c "$filter" "$CELL_TEST_ROOT/$ID/state.json" >"$CELL_TEST_TMP/st.json" &&
    cp "$CELL_TEST_TMP/st.json" "$CELL_TEST_ROOT/$ID/state.json"
  cellr delete --force "$ID" >/dev/null 2>"$ERR"
  rc=$?
  for _ in $(seq 50); do [ "$(start_time "$pid")" = "$st" ] || break; sleep 0.1; done
  [ "$(start_time "$pid")" = "$st" ] && g=alive || g=killed
  [ -e "$CELL_TEST_ROOT/$ID" ] && d=kept || d=removed
  tap_is "$g:$d" "killed:removed" "10.6: state.json \`$filter\`: delete --force kills init and removes the state (rc=$rc)"
  [ "$(start_time "$pid")" = "$st" ] && kill -KILL "$pid"
done
