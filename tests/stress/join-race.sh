#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# join-race.sh: the setup protocol under stress, by hand (not in TESTS): N `cell run`s (2,000 by default) of
# a container joining an existing network namespace (ip netns) and a pid namespace by path, where init forks
# a second time and names itself, with busy loops on every core. Every run must succeed; the errors are
# counted by message. Needs root, busybox, jq, ip; run from the build dir or set CELL / CELL_HELPER.
#   tests/stress/join-race.sh [N]
set -u
N=${1:-2000}
here=$(cd "$(dirname "$0")" && pwd)
: "${CELL_SRCDIR:=$(dirname "$(dirname "$here")")}"
: "${CELL_BUILDDIR:=$PWD}"
: "${CELL_HELPER:=$CELL_BUILDDIR/tests/helper/cell-helper}"
export CELL_SRCDIR CELL_BUILDDIR CELL_HELPER
. "$CELL_SRCDIR/tests/integration/lib.sh"
require_root
[ -x "$CELL" ] || { echo "no cell at $CELL (run from the build dir or set CELL)" >&2; exit 2; }

NETNS=cell-stress-$$
ip netns add "$NETNS" || exit 2
on_exit "ip netns delete '$NETNS'"
unshare --pid --fork --kill-child sleep infinity </dev/null >/dev/null 2>&1 &
holder=$!
on_exit "kill -KILL $holder"
for _ in $(seq 50); do pidns_pid=$(pgrep -P "$holder") && break; sleep 0.1; done
B=$(make_bundle join-race)
bundle_set "$B" '.linux.namespaces |= map(if .type == "network" then .path = $n elif .type == "pid" then .path = $p else . end)' \
  --arg n "/run/netns/$NETNS" --arg p "/proc/$pidns_pid/ns/pid"
busy=()
for _ in $(seq "$(nproc)"); do
  (while :; do :; done) &
  busy+=($!)
done
on_exit "kill ${busy[*]}"

fails=0
start=$(date +%s)
: >"$CELL_TEST_TMP/errors"
for i in $(seq "$N"); do
  cellr run --bundle "$B" "race-$$-$i" </dev/null 2>>"$CELL_TEST_TMP/errors" || fails=$((fails + 1))
  [ $((i % 250)) -eq 0 ] && echo "$i runs, $fails failed"
done
echo "$N runs in $(($(date +%s) - start)) s under $(nproc) busy loops: $fails failed"
sort "$CELL_TEST_TMP/errors" | uniq -c
[ "$fails" -eq 0 ] && state_empty
