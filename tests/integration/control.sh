#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# control.sh: the commands that steer a running container: ps (json and table), pause/resume (freezer and
# a counter that stops), update (flags, --resources - and --resources=FILE, checked in the host's cgroup
# files and from inside; bad values change nothing), events (--stats against the cgroup files, the
# stream, an OOM kill), and their errors.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root

CG=/sys/fs/cgroup
for c in memory pids cpu freezer cpuacct; do
  if [ "$(stat -f -c %T $CG)" = cgroup2fs ] || [ ! -d $CG/$c ]; then
    echo "1..0 # SKIP needs the v1 memory, pids, cpu, cpuacct and freezer hierarchies (this host: $(ls $CG | tr '\n' ' '))"
    exit 0
  fi
done
if [ ! -f $CG/memory/memory.memsw.limit_in_bytes ]; then
  echo "1..0 # SKIP needs swap accounting (memory.memsw.*) for the OOM test"
  exit 0
fi
tap_plan 52

PARENT=/cell-test-ctl-$$
on_exit "find $CG/*/${PARENT#/} -depth -type d -exec rmdir {} \\; 2>/dev/null"
B=$(make_bundle ctl)
R=$B/rootfs

# start NAME ARGS...: a detached container running ARGS in cgroup $PARENT/NAME (id NAME-$$).
start() {
  local name=$1
  shift
  bundle_set "$B" '.linux.cgroupsPath = $p | .process.args = $a | del(.linux.resources.memory, .linux.resources.pids)' \
    --arg p "$PARENT/$name" --argjson a "$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")"
  cellr run --detach --bundle "$B" "$name-$$" </dev/null >/dev/null 2>&1
}
# wait_for CMD...: up to 10 s until CMD succeeds.
wait_for() {
  local i
  for ((i = 0; i < 100; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}
# lines OUTPUT: how many lines
lines() { printf '%s\n' "$1" | grep -c .; }
# fails CMD...: runs CMD, prints "STDERR ## rc=N lines=K" (the error's lines joined by " / ")
fails() {
  local out rc
  out=$("$@" 2>&1 >/dev/null)
  rc=$?
  printf '%s ## rc=%d lines=%d' "$(printf '%s' "$out" | sed ':a;N;$!ba;s/\n/ \/ /g')" "$rc" "$(lines "$out")"
}

# The main container: a counter that advances every 0.1 s, what it sees of its own cgroup files, and a
# marked child. Inside, /sys/fs/cgroup is the container's own cgroup (the default spec's cgroup mount).
MARK=7$$
start main sh -c "sleep 1$MARK & i=0; while :; do i=\$((i+1)); echo \$i > /tmp/c;
  cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us \
    > /tmp/seen.new 2>&1; mv /tmp/seen.new /tmp/seen; sleep 0.1; done"
ID=main-$$
M=$PARENT/main
# A quiet container (no forks after its start): its pids and figures hold still between two reads.
start quiet sh -c "sleep 2$MARK & sleep 2$MARK & wait"
Q=$PARENT/quiet
QID=quiet-$$
wait_for test -s "$R/tmp/c"
quiet_up() { [ "$(cat $CG/pids$Q/pids.current 2>/dev/null)" = 3 ]; }
wait_for quiet_up
child=$(pgrep -f "^sleep 1$MARK\$")
qchildren=$(pgrep -f "^sleep 2$MARK\$" | sort -n | tr '\n' ' ')

# ---- ps ----
procs() { sort -n "$CG/memory$1/cgroup.procs" | tr '\n' ' '; }
json=$(cellr ps --format json "$QID")
tap_is "$(jq -r 'sort | map(tostring) | join(" ")' <<<"$json" 2>&1) " "$(procs $Q)" \
  "ps --format json: exactly the pids of the container's cgroup"
tap_is "$(jq -c 'type == "array" and all(type == "number")' <<<"$json") $(jq -r --argjson c "[${qchildren// /,}0]" \
  '[.[] | select(. as $p | $c | index($p))] | sort | map(tostring) | join(" ")' <<<"$json") " "true $qchildren" \
  "... a JSON array of numbers holding the host pids of the processes started inside ($qchildren)"
table=$(cellr ps "$QID")
tap_like "$(head -1 <<<"$table")" "^UID +PID +PPID" "ps: ps -ef's header"
tap_is "$(tail -n +2 <<<"$table" | awk '{print $2}' | sort -n | tr '\n' ' ')" "$(procs $Q)" \
  "ps: the table's lines are exactly the container's processes"
tap_is "$(grep -c "sleep 2$MARK\$" <<<"$table")" "2" "... the processes started inside among them"
out=$(cellr ps "$ID" -- -o pid,comm)
tap_is "$(head -1 <<<"$out" | tr -s ' ' | sed 's/^ //')" "PID COMMAND" "ps ID -- -o pid,comm: ps(1) gets the extra arguments"
# a line is a stray when its process is still alive and not in the container's cgroup (the counter's short
# `sleep 0.1`s may be gone by the time this looks)
strays=0
for p in $(tail -n +2 <<<"$out" | awk '{print $1}'); do
  [ -e "/proc/$p" ] && ! grep -q ":memory:$M\$" "/proc/$p/cgroup" 2>/dev/null && [ -e "/proc/$p" ] && strays=$((strays + 1))
done
tap_is "$(grep -c "^ *$child sleep\$" <<<"$out") $strays" \
  "1 0" "... and its lines are filtered to the container (the marked child in, nothing of the host)"
tap_like "$(fails cellr ps "$ID" -o comm)" "^cell: ps: no PID column in the output of ps ## rc=1 lines=1$" "ps without a PID column: one-line error, exit 1"

# ---- pause / resume ----
cellr pause "$ID"
tap_is "$(cellr state "$ID" | jq -r .status)" "paused" "pause: state says paused"
tap_is "$(cat $CG/freezer$M/freezer.state)" "FROZEN" "... the freezer is FROZEN"
tap_is "$(cellr list | awk -v id="$ID" '$1 == id { print $3 }')" "paused" "... and list says paused"
a=$(cat "$R/tmp/c")
sleep 0.6
tap_is "$(cat "$R/tmp/c")" "$a" "... and the counter stops advancing"
tap_like "$(grep State /proc/"$child"/status)" "D \(" "... a frozen task sleeps (/proc/PID/status)"
tap_is "$(fails cellr pause "$ID")" "cell: container \`$ID\` is not running (status: paused) ## rc=1 lines=1" "pause of a paused container: one-line error, exit 1"
cellr resume "$ID"
tap_is "$(cellr state "$ID" | jq -r .status) $(cat $CG/freezer$M/freezer.state)" "running THAWED" \
  "resume: running again, the freezer THAWED"
# under load the counter's next step may take a while: up to wait_for's limit, not a fixed half second
advanced() { [ "$(cat "$R/tmp/c")" -gt "$a" ]; }
wait_for advanced
tap_result "$(advanced; echo $?)" "... and the counter advances ($a -> $(cat "$R/tmp/c"))"
tap_is "$(fails cellr resume "$ID")" "cell: container \`$ID\` is not paused (status: running) ## rc=1 lines=1" "resume of a running container: one-line error, exit 1"
# a created container can be paused too, and goes back to created
bundle_set "$B" '.linux.cgroupsPath = $p | .process.args = ["true"]' --arg p "$PARENT/created"
cellr create --bundle "$B" "created-$$" </dev/null
cellr pause "created-$$"
s1=$(cellr state "created-$$" | jq -r .status)
# list reads every container's freezer with the mount table read once: each one's own status
tap_is "$(cellr list --format json | jq -r --arg a "$ID" --arg b "created-$$" \
  '[.[] | select(.id == $a or .id == $b) | "\(.id)=\(.status)"] | join(" ")')" \
  "$(printf '%s\n' "$ID=running" "created-$$=paused" | LC_ALL=C sort | paste -sd' ')" \
  "list --format json: the paused created container paused, the running one running"
cellr resume "created-$$"
tap_is "$s1 $(cellr state "created-$$" | jq -r .status)" "paused created" "pause and resume of a created container"
cellr delete --force "created-$$"

# ---- update ----
cellr update --memory 300m --pids-limit 77 --cpu-quota 33333 --cpu-period 111111 "$ID"
tap_is "$(cat $CG/memory$M/memory.limit_in_bytes $CG/pids$M/pids.max $CG/cpu$M/cpu.cfs_quota_us $CG/cpu$M/cpu.cfs_period_us | tr '\n' ' ')" \
  "314572800 77 33333 111111 " "update --memory 300m --pids-limit --cpu-quota --cpu-period: the host's files"
seen() { [ "$(tr '\n' ' ' <"$R/tmp/seen")" = "$1" ]; }
wait_for seen "314572800 77 33333 "
tap_is "$(tr '\n' ' ' <"$R/tmp/seen")" "314572800 77 33333 " "... and the container sees them in its own cgroup"
echo '{"pids": {"limit": 55}, "cpu": {"shares": 555}}' | cellr update --resources - "$ID"
tap_is "$(cat $CG/pids$M/pids.max $CG/cpu$M/cpu.shares | tr '\n' ' ')" "55 555 " "update --resources - (JSON on stdin, the shim's form)"
echo '{"memory": {"limit": 209715200, "reservation": 104857600}}' >"$CELL_TEST_TMP/res.json"
cellr update --resources="$CELL_TEST_TMP/res.json" "$ID"
tap_is "$(cat $CG/memory$M/memory.limit_in_bytes $CG/memory$M/memory.soft_limit_in_bytes | tr '\n' ' ')" \
  "209715200 104857600 " "update --resources=FILE (podman's form)"
wait_for seen "209715200 55 33333 "
tap_is "$(tr '\n' ' ' <"$R/tmp/seen")" "209715200 55 33333 " "... seen from inside"

# bad values: an error naming the file and pointer, or the flag, and nothing changed
snapshot() { cat $CG/memory$M/memory.limit_in_bytes $CG/pids$M/pids.max $CG/cpu$M/cpu.shares $CG/cpu$M/cpu.cfs_quota_us | tr '\n' ' '; }
before=$(snapshot)
echo '{"memory": {"limit": 157286400}, "pids": {"limit": 44}, "cpu": {"cpus": "0-z"}}' >"$CELL_TEST_TMP/bad.json"
tap_is "$(fails cellr update --resources "$CELL_TEST_TMP/bad.json" "$ID")" "cell: update: $CELL_TEST_TMP/bad.json: /cpu/cpus: \`0-z\` is not a CPU list ## rc=1 lines=1" "update with a bad cpus list: one line naming the file and JSON pointer, exit 1"
tap_is "$(snapshot)" "$before" "... and the memory and pids limits in the same file are not applied"
tap_like "$(echo '{"pids": {"limit": "many"}}' | fails cellr update -r - "$ID")" "^cell: update: stdin: /pids/limit: [^#]+ ## rc=1 lines=1$" "update with a mistyped value on stdin: the pointer, exit 1"
tap_is "$(fails cellr update --memory 12q --pids-limit 33 "$ID")" "cell: update: --memory: invalid size \`12q\` ## rc=1 lines=1" "update --memory 12q: names the flag"
tap_is "$(fails cellr update --cpu-shares 999 --blkio-weight 5 "$ID")" "cell: update: --blkio-weight: 5 is outside [10, 1000] ## rc=1 lines=1" "update --blkio-weight 5: the validation error names the flag"
tap_like "$(fails cellr update --memory 100m --memory-swap 50m "$ID")" "^cell: update: --memory-swap: 52428800 is below [^#]+ ## rc=1 lines=1$" "update --memory-swap below --memory: names the flag"
echo '{"memory": {"limit": 4096, "checkBeforeUpdate": true}}' >"$CELL_TEST_TMP/low.json"
tap_like "$(fails cellr update --resources "$CELL_TEST_TMP/low.json" "$ID")" "^cell: update: $CELL_TEST_TMP/low.json: /memory/limit: 4096 is below the current usage [0-9]+ \(checkBeforeUpdate\) ## rc=1 lines=1$" "update below the usage with checkBeforeUpdate: refused, naming the pointer"
tap_is "$(fails cellr update --l3-cache-schema 'L3:0=f' "$ID")" "cell: update: --l3-cache-schema: Intel RDT is not supported by cell ## rc=1 lines=1" "update --l3-cache-schema: a clear error"
tap_is "$(snapshot)" "$before" "none of the refused updates changed a limit"
tap_is "$(cellr update --memory 2g --memory-swap -1 "$ID" && cat $CG/memory$M/memory.limit_in_bytes)" "2147483648" \
  "update --memory 2g (runc's size suffixes) with --memory-swap -1"

# ---- events ----
cellr update --memory 123m --pids-limit 66 "$QID"
cpu0=$(cat $CG/cpuacct$Q/cpuacct.usage)
mem0=$(cat $CG/memory$Q/memory.usage_in_bytes)
ev=$(cellr events --stats "$QID")
cpu1=$(cat $CG/cpuacct$Q/cpuacct.usage)
mem1=$(cat $CG/memory$Q/memory.usage_in_bytes)
tap_is "$(lines "$ev") $(jq -r '.type + " " + .id' <<<"$ev")" "1 stats $QID" "events --stats: one line, type stats, the container's id"
tap_is "$(jq -r '.data.pids | "\(.current) \(.limit)"' <<<"$ev")" "$(cat $CG/pids$Q/pids.current) $(cat $CG/pids$Q/pids.max)" \
  "... pids current and limit equal pids.current and pids.max (3 66)"
tap_is "$(jq -r '.data.memory.usage | "\(.limit) \(.failcnt)"' <<<"$ev")" \
  "$(cat $CG/memory$Q/memory.limit_in_bytes) $(cat $CG/memory$Q/memory.failcnt)" "... memory limit and failcnt equal the files"
usage=$(jq -r .data.memory.usage.usage <<<"$ev")
lo=$(( (mem0 < mem1 ? mem0 : mem1) - 262144 ))
hi=$(( (mem0 > mem1 ? mem0 : mem1) + 262144 ))
tap_result "$([ "$usage" -ge "$lo" ] && [ "$usage" -le "$hi" ]; echo $?)" \
  "... memory usage $usage within 256 KiB of memory.usage_in_bytes ($mem0, $mem1)"
total=$(jq -r .data.cpu.usage.total <<<"$ev")
tap_result "$([ "$total" -ge "$cpu0" ] && [ "$total" -le "$cpu1" ] && [ "$total" -gt 0 ]; echo $?)" \
  "... cpu total $total between two reads of cpuacct.usage ($cpu0, $cpu1)"
tap_is "$(jq -r '.data.cpu.usage.percpu | add' <<<"$ev")" "$(awk '{for (i = 1; i <= NF; i++) s += $i} END {printf "%d", s}' $CG/cpuacct$Q/cpuacct.usage_percpu)" \
  "... percpu usage sums as cpuacct.usage_percpu"
tap_is "$(jq -r .data.memory.raw.total_rss <<<"$ev")" "$(awk '$1 == "total_rss" {print $2}' $CG/memory$Q/memory.stat)" \
  "... memory.raw carries memory.stat (total_rss)"

# the stream: a stats line every interval until the container stops
# (bounded: a stream that does not end is killed after 15 s, status 124)
timeout 15 "$CELL" --root "$CELL_TEST_ROOT" events --interval 200ms "$QID" >"$CELL_TEST_TMP/ev.out" 2>&1 &
EV=$!
sleep 1.1
n=$(grep -c '"type":"stats"' "$CELL_TEST_TMP/ev.out")
tap_result "$([ "$n" -ge 3 ] && [ "$n" -le 6 ]; echo $?)" "events --interval 200ms: a stats line every 200 ms ($n in 1.1 s)"
t0=$SECONDS
cellr kill "$QID" KILL
wait $EV
tap_is "$? $((SECONDS - t0 < 5))" "0 1" "... and the stream ends by itself (status 0) when the container stops"
tap_is "$(fails cellr events --stats "$QID")" "cell: container \`$QID\` is not running (status: stopped) ## rc=1 lines=1" "events --stats of a stopped container: one-line error, exit 1"
tap_is "$(fails cellr update --memory 1g "$QID")" "cell: update: container \`$QID\` is not running (status: stopped) ## rc=1 lines=1" "update of a stopped container: one-line error, exit 1"
cellr delete "$QID"

# OOM: the container lowers nothing itself; `update` puts it under 32 MiB, then it allocates 256 MiB
start oom sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done; dd if=/dev/zero of=/dev/null bs=256M count=1; echo "dd=$?" > /tmp/dd; sleep 1000'
OID=oom-$$
rm -f "$R/tmp/go" "$R/tmp/dd"
cellr update --memory 32m --memory-swap 32m "$OID"
timeout 30 "$CELL" --root "$CELL_TEST_ROOT" events --interval 100ms "$OID" >"$CELL_TEST_TMP/oom.out" 2>&1 &
EV=$!
wait_for grep -q '"type":"stats"' "$CELL_TEST_TMP/oom.out"
touch "$R/tmp/go"
wait_for test -s "$R/tmp/dd"
tap_is "$(cat "$R/tmp/dd")" "dd=137" "update --memory 32m: a 256 MiB buffer is then OOM-killed inside"
wait_for grep -q '"type":"oom"' "$CELL_TEST_TMP/oom.out"
tap_is "$(grep '"type":"oom"' "$CELL_TEST_TMP/oom.out")" "{\"type\":\"oom\",\"id\":\"$OID\"}" \
  "events: the OOM kill appears in the stream while the container runs"
tap_is "$(grep -vc '"type":"\(stats\|oom\)"' "$CELL_TEST_TMP/oom.out")" "0" "... the stream holds nothing but stats and oom lines"
cellr delete --force "$OID"
wait $EV

# ---- errors ----
tap_is "$(fails cellr events --interval 0s "$ID")" "cell: events: the interval must be greater than 0 ## rc=1 lines=1" "events --interval 0s: refused"
tap_like "$(fails cellr events --interval 5 "$ID")" "^cell: events: --interval: invalid duration \`5\`: [^#]+ ## rc=1 lines=1$" "events --interval 5 (no unit): refused"
bad=
for cmd in "ps" "ps --format json" "pause" "resume" "update --memory 1g" "events --stats"; do
  out=$(fails cellr $cmd "nosuch-$$")
  [[ "$out" =~ ^cell:\ (update:\ )?container\ \`nosuch-$$\`\ does\ not\ exist\ \#\#\ rc=1\ lines=1$ ]] || bad="$bad [$cmd: $out]"
done
tap_is "$bad" "" "ps, pause, resume, update, events of an unknown container: one line, exit 1"

cellr delete --force "$ID"
tap_result "$(state_empty; echo $?)" "nothing is left in the state root"
