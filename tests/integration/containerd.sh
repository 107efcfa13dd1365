#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# containerd.sh: a private containerd with the runc v2 shim drives the runtime through ctr: run, run -t, exec, kill, ps, pause, metrics, delete, --uidmap.
#
# Part of `make check` (skips, saying why, without containerd, its runc shim or podman). As root, from
# the build directory:
#   make check TESTS=tests/integration/containerd.sh                    # against the built cell
#   RUNTIME=/usr/sbin/runc make check TESTS=tests/integration/containerd.sh   # prove the harness with runc
# or directly: CELL=build/cell tests/integration/containerd.sh
# RUNTIME is the runtime given to `ctr run --runc-binary` (default: the built cell). containerd gets its
# own root, state dir, socket and config under the test's temp dir; the test stops only the containerd
# it started and the shims of that containerd, by pid. The busybox image comes from `podman import` +
# `podman save` (no registry here) and goes in with `ctr images import`.
# ctr 1.6 drops --runc-binary when --uidmap is given: for that case a `runc` link to RUNTIME is put in
# the first directory of containerd's PATH (and removed right after), so the shim still runs RUNTIME.

. "$(dirname "$0")/lib.sh"
require_root

for c in containerd ctr containerd-shim-runc-v2; do
  command -v "$c" > /dev/null || {
    echo "1..0 # SKIP $c is not installed (apt-get install containerd)"
    exit 0
  }
done
command -v podman > /dev/null || {
  echo "1..0 # SKIP podman is not installed: it makes the image archive (apt-get install podman)"
  exit 0
}
for c in script jq; do
  command -v "$c" > /dev/null || {
    echo "1..0 # SKIP $c is not installed"
    exit 0
  }
done
RT=$(readlink -f "$(command -v "${RUNTIME:-$CELL}" 2> /dev/null || echo "${RUNTIME:-$CELL}")")
if [ ! -x "$RT" ]; then
  echo "1..0 # SKIP runtime ${RUNTIME:-$CELL} is not an executable"
  exit 0
fi
RT_NAME=$(basename "$RT")

T=$CELL_TEST_TMP/containerd
NS=celltest-$$
# The runc shim keeps the runtime's state in /run/containerd/runc/<namespace> (its default --root).
SHIM_ROOT=/run/containerd/runc/$NS
mkdir -p "$T/bin" "$T/root" "$T/state"
# The user-namespaced case: the mapped root must be able to reach the bundle through these.
chmod 0711 "$CELL_TEST_TMP" "$T"
cat > "$T/config.toml" << EOF
version = 2
root = "$T/root"
state = "$T/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$T/containerd.sock"
[ttrpc]
  address = "$T/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF

had_shim_root=0
[ -d /run/containerd/runc ] && had_shim_root=1
CTRD_PID=
# Shims of this containerd: their command line names its socket (found by pid, stopped by pid).
our_shims() {
  local p
  for p in /proc/[0-9]*; do
    tr '\0' ' ' < "$p/cmdline" 2> /dev/null | grep -q -- "-address $T/containerd.sock " && echo "${p#/proc/}"
  done
}
_containerd_cleanup() {
  local id p
  if [ -n "$CTRD_PID" ]; then
    for id in $(c task ls -q 2> /dev/null); do c task kill -s SIGKILL "$id"; done
    sleep 0.3
    for id in $(c task ls -q 2> /dev/null); do c task delete -f "$id"; done
    for id in $(c containers ls -q 2> /dev/null); do c containers delete "$id"; done
    c images rm "$IMG"
    kill "$CTRD_PID"
    for _ in $(seq 50); do kill -0 "$CTRD_PID" 2> /dev/null || break; sleep 0.1; done
    kill -9 "$CTRD_PID" 2> /dev/null
  fi
  for id in $(ls "$SHIM_ROOT" 2> /dev/null); do "$RT" --root "$SHIM_ROOT" delete --force "$id"; done
  for p in $(our_shims); do kill -9 "$p"; done
  # A shim killed here leaves its socket: /run/containerd/s/sha256(address/namespace/id).
  for id in t-rm t-tty t1 t2 t-uid; do
    rm -f "/run/containerd/s/$(printf '%s' "$T/containerd.sock/$NS/$id" | sha256sum | cut -d' ' -f1)"
  done
  rm -rf "$SHIM_ROOT"
  # The shim makes the namespace's parent cgroup (/<namespace>) and leaves it.
  rmdir /sys/fs/cgroup/"$NS" /sys/fs/cgroup/*/"$NS"
  [ "$had_shim_root" = 1 ] || rmdir /run/containerd/runc /run/containerd/s /run/containerd
}
on_exit _containerd_cleanup

c() { ctr -a "$T/containerd.sock" -n "$NS" "$@"; }
# crun_ ARGS...: ctr ARGS; stdout+stderr in $OUT, status in $RC.
crun_() {
  OUT=$(c "$@" 2>&1 < /dev/null)
  RC=$?
}
wait_for() {
  local n=$1
  shift
  while [ "$n" -gt 0 ]; do
    "$@" > /dev/null 2>&1 && return 0
    sleep 0.2
    n=$((n - 1))
  done
  return 1
}
task_status() { c task ls 2> /dev/null | awk -v id="$1" '$1 == id { print $3 }'; }
task_pid() { c task ls 2> /dev/null | awk -v id="$1" '$1 == id { print $2 }'; }
rt_state() { "$RT" --root "$SHIM_ROOT" state "$1" 2> /dev/null | jq -r "$2"; }
in_tty() {
  local start=$(date +%s%N)
  # script -e: its exit status is the command's
  timeout 10 script -qec "$1" /dev/null < /dev/null > "$T/tty.out" 2>&1
  RC=$?
  OUT=$(tr -d '\r\0' < "$T/tty.out" | grep -v '^Session terminated')
  TOOK=$((($(date +%s%N) - start) / 1000000))
}
CTR="ctr -a $T/containerd.sock -n $NS"

# The image: a busybox rootfs imported into a private podman store, saved as an archive.
P=$T/podman
mkdir -p "$P/rootfs/bin" "$P/rootfs/etc" "$P/rootfs/tmp"
chmod 1777 "$P/rootfs/tmp"
cp "$BUSYBOX" "$P/rootfs/bin/busybox"
for a in $("$BUSYBOX" --list); do
  [ "$a" = busybox ] || ln -s busybox "$P/rootfs/bin/$a"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$P/rootfs/etc/passwd"
echo "root:x:0:" > "$P/rootfs/etc/group"
tar -C "$P/rootfs" -cf "$P/rootfs.tar" .
IMG=localhost/cell-test-busybox:latest
pm() { CONTAINERS_CONF=/dev/null podman --root "$P/storage" --runroot "$P/runroot" --storage-driver overlay "$@"; }
if ! { pm import -q --change 'CMD=["/bin/sh"]' --change 'ENV=PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
  "$P/rootfs.tar" "$IMG" && pm save -q -o "$T/image.tar" "$IMG" && pm rmi -a -f; } > /dev/null 2> "$T/podman.err"; then
  echo "1..0 # SKIP podman cannot make the image archive here: $(head -1 "$T/podman.err")"
  exit 0
fi

# The private containerd.
PATH=$T/bin:$PATH containerd --config "$T/config.toml" > "$T/containerd.log" 2>&1 &
CTRD_PID=$!
if ! wait_for 100 c version; then
  echo "1..0 # SKIP the private containerd did not start: $(tail -1 "$T/containerd.log")"
  exit 0
fi

tap_plan 36

crun_ images import "$T/image.tar"
tap_is "$RC" 0 "images import (podman save archive)"
tap_is "$(c images ls -q 2> /dev/null)" "$IMG" "images ls: the image is there"

# ---- run --rm
crun_ run --fifo-dir "$T/fifo" --rm --runc-binary "$RT" "$IMG" t-rm sh -c 'echo hello-ctr; exit 3'
tap_is "$RC $OUT" "3 hello-ctr" "run --rm: output and exit status 3"
tap_is "$(c containers ls -q 2> /dev/null | wc -l) $(c task ls -q 2> /dev/null | wc -l)" "0 0" "run --rm: no container or task left"

# ---- run -t (a pty)
in_tty "$CTR run --fifo-dir $T/fifo -t --rm --runc-binary $RT $IMG t-tty sh -c 'tty; exit 4'"
tap_like "$OUT" "/dev/pts/[0-9]+" "run -t: the process has a pty"
tap_is "$RC" 4 "run -t: returns with the exit status (4) (took ${TOOK} ms)"
c task kill -s SIGKILL t-tty > /dev/null 2>&1
c task delete -f t-tty > /dev/null 2>&1
c containers delete t-tty > /dev/null 2>&1

# ---- a detached task
crun_ run --fifo-dir "$T/fifo" -d --runc-binary "$RT" --memory-limit 71303168 "$IMG" t1 \
  sh -c 'trap "touch /tmp/got-usr1" USR1; trap "exit 9" TERM; while :; do sleep 0.1; done'
tap_is "$RC" 0 "run -d"
wait_for 25 sh -c "$CTR task ls | grep -q 't1 .*RUNNING'"
tap_is "$(task_status t1)" RUNNING "run -d: task RUNNING"
pid=$(task_pid t1)
tap_is "$(rt_state t1 '"\(.status) \(.pid)"')" "running $pid" "run -d: $RT_NAME (shim root $SHIM_ROOT) runs it, same pid"
tap_is "$(cat "/sys/fs/cgroup/memory/$NS/t1/memory.limit_in_bytes" 2> /dev/null)" 71303168 \
  "run --memory-limit: cgroup /$NS/t1 has the limit"

crun_ task exec --fifo-dir "$T/fifo" --exec-id e1 t1 sh -c 'echo exec-out; exit 6'
tap_is "$RC $OUT" "6 exec-out" "task exec: output and exit status 6"
crun_ task exec --fifo-dir "$T/fifo" --exec-id e2 t1 id -u
tap_is "$RC $OUT" "0 0" "task exec: a second exec"
in_tty "$CTR task exec --fifo-dir $T/fifo -t --exec-id e3 t1 sh -c 'tty; exit 5'"
tap_like "$OUT" "/dev/pts/[0-9]+" "task exec -t: a pty"
tap_is "$RC" 5 "task exec -t: exit status 5 (took ${TOOK} ms)"

crun_ task kill -s SIGUSR1 t1
tap_is "$RC" 0 "task kill -s SIGUSR1"
wait_for 25 test -e "/proc/$pid/root/tmp/got-usr1"
tap_result $? "task kill -s SIGUSR1: the process's trap ran"

crun_ task ps t1
tap_is "$RC" 0 "task ps"
tap_like "$OUT" "^$pid " "task ps: lists the task's pid $pid"

crun_ task pause t1
tap_is "$RC $(task_status t1)" "0 PAUSED" "task pause: PAUSED"
tap_is "$(cat "/sys/fs/cgroup/freezer/$NS/t1/freezer.state" 2> /dev/null)" FROZEN "task pause: freezer FROZEN"
crun_ task resume t1
tap_is "$RC $(task_status t1)" "0 RUNNING" "task resume: RUNNING"
tap_is "$(cat "/sys/fs/cgroup/freezer/$NS/t1/freezer.state" 2> /dev/null)" THAWED "task resume: freezer THAWED"

crun_ task metrics t1
tap_like "$OUT" "memory.limit_in_bytes +71303168" "task metrics: the memory limit"

crun_ task kill t1
tap_is "$RC" 0 "task kill (SIGTERM)"
wait_for 25 sh -c "$CTR task ls | grep -q 't1 .*STOPPED'"
tap_is "$(task_status t1)" STOPPED "task kill: STOPPED"
crun_ task delete t1
tap_is "$RC" 0 "task delete"
tap_like "$OUT" "exit code 9" "task delete: the TERM trap ran (exit code 9)"
"$RT" --root "$SHIM_ROOT" state t1 > /dev/null 2>&1
tap_result $((!$?)) "task delete: $RT_NAME no longer knows t1"
crun_ containers delete t1
tap_is "$RC" 0 "containers delete"

# task delete -f of a running task (the shim's kill --all, then delete, then delete --force)
c run --fifo-dir "$T/fifo" -d --runc-binary "$RT" "$IMG" t2 sleep 1000 > /dev/null 2>&1
wait_for 25 sh -c "$CTR task ls | grep -q 't2 .*RUNNING'"
pid2=$(task_pid t2)
crun_ task delete -f t2
tap_is "$RC" 0 "task delete -f of a running task"
wait_for 25 sh -c "! kill -0 $pid2"
tap_result $? "task delete -f: the process is gone"
c containers delete t2 > /dev/null 2>&1

# ---- --uidmap (ctr drops --runc-binary here: a `runc` link in containerd's PATH stands in)
ln -s "$RT" "$T/bin/runc"
crun_ run --fifo-dir "$T/fifo" -d --runc-binary "$RT" --uidmap 0:300000:65536 --gidmap 0:300000:65536 "$IMG" t-uid sleep 1000
tap_is "$RC" 0 "run -d --uidmap/--gidmap"
[ "$RC" = 0 ] || printf '%s\n' "$OUT" | head -3 | sed 's/^/#   /'
wait_for 25 sh -c "$CTR task ls | grep -q 't-uid .*RUNNING'"
upid=$(task_pid t-uid)
tap_is "$(tr -s ' ' < "/proc/$upid/uid_map" 2> /dev/null)" " 0 300000 65536" "--uidmap: the task's uid map"
tap_is "$(rt_state t-uid .status)" running "--uidmap: $RT_NAME runs it (through the runc link)"
c task kill -s SIGKILL t-uid > /dev/null 2>&1
wait_for 25 sh -c "$CTR task ls | grep -q 't-uid .*STOPPED'"
crun_ task delete t-uid
tap_is "$RC" 0 "--uidmap: task delete"
c containers delete t-uid > /dev/null 2>&1
rm -f "$T/bin/runc"

# ---- nothing left
tap_is "$(c task ls -q 2> /dev/null | wc -l) $(ls "$SHIM_ROOT" 2> /dev/null | wc -l)" "0 0" "no task and no runtime state left"
