#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# podman.sh: Debian's podman (with conmon) drives the runtime through what users do: run, exec, stop, volumes, limits, pods, ports, errors.
#
# Part of `make check` (skips, saying why, without podman and conmon). As root, from the build directory:
#   make check TESTS=tests/integration/podman.sh                   # against the built cell
#   RUNTIME=/usr/sbin/runc make check TESTS=tests/integration/podman.sh   # prove the harness with runc
# or directly: CELL=build/cell tests/integration/podman.sh
# RUNTIME is the runtime podman is given (default: the built cell). Everything podman keeps (storage,
# run root, containers.conf, volumes, events, CNI configs) lives under the test's temp dir; the host's
# podman setup is not used. The busybox image is made here with `podman import` (no registry).

. "$(dirname "$0")/lib.sh"
require_root

if ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
  echo "1..0 # SKIP podman and conmon are not installed (apt-get install podman)"
  exit 0
fi
for c in script jq; do
  command -v "$c" >/dev/null || {
    echo "1..0 # SKIP $c is not installed"
    exit 0
  }
done

RT=$(readlink -f "$(command -v "${RUNTIME:-$CELL}" 2>/dev/null || echo "${RUNTIME:-$CELL}")")
if [ ! -x "$RT" ]; then
  echo "1..0 # SKIP runtime ${RUNTIME:-$CELL} is not an executable"
  exit 0
fi
RT_NAME=$(basename "$RT")

T=$CELL_TEST_TMP/podman
mkdir -p "$T/cni" "$T/tmp" "$T/volumes"
# podman runs its children with RLIMIT_NPROC capped at pid_max: ask for no more than they can grant.
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
pid_max=$(cat /proc/sys/kernel/pid_max)
[ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ] && nproc=$pid_max
[ "$nofile" = unlimited ] && nofile=1048576
cat > "$T/containers.conf" << EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$T/events.log"
runtime = "$RT_NAME"
runtime_supports_json = ["cell", "runc", "crun", "$RT_NAME"]
tmp_dir = "$T/tmp"
volume_path = "$T/volumes"

[engine.runtimes]
$RT_NAME = ["$RT"]

[network]
network_config_dir = "$T/cni"
EOF
export CONTAINERS_CONF=$T/containers.conf
# A registries.conf with no registries: nothing is ever pulled.
printf 'unqualified-search-registries = []\n' > "$T/registries.conf"
export CONTAINERS_REGISTRIES_CONF=$T/registries.conf

POD_ID=
pm() { podman --root "$T/storage" --runroot "$T/runroot" --storage-driver overlay "$@"; }

# The default network's bridge (netavark: podman0, CNI: cni-podman0) goes if this test made it.
had_bridges=$(ip -o link show 2> /dev/null | awk -F': ' '{print $2}' | tr '\n' ' ')
# podman puts conmon in /libpod_parent/conmon and leaves it: removed (when empty) if this test made it.
had_libpod_parent=0
[ -n "$(ls -d /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent 2> /dev/null)" ] && had_libpod_parent=1
_podman_cleanup() {
  pm pod rm -af -t 0
  # podman leaves a removed pod's cgroup in the hybrid host's unified hierarchy: remove the test's own.
  [ -n "$POD_ID" ] && rmdir /sys/fs/cgroup/*/libpod_parent/"$POD_ID"
  pm rm -af -t 0
  pm volume rm -af
  for b in podman0 cni-podman0; do
    case " $had_bridges " in *" $b "*) ;; *) ip link del "$b" ;; esac
  done
  if [ "$had_libpod_parent" = 0 ]; then
    rmdir /sys/fs/cgroup/*/libpod_parent/conmon /sys/fs/cgroup/libpod_parent/conmon
    rmdir /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent
  fi
}
on_exit _podman_cleanup

# The busybox image: a rootfs with busybox and its applets, imported.
mkdir -p "$T/rootfs/bin" "$T/rootfs/etc" "$T/rootfs/tmp" "$T/rootfs/root"
chmod 1777 "$T/rootfs/tmp"
cp "$BUSYBOX" "$T/rootfs/bin/busybox"
for a in $("$BUSYBOX" --list); do
  [ "$a" = busybox ] || ln -s busybox "$T/rootfs/bin/$a"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$T/rootfs/etc/passwd"
echo "root:x:0:" > "$T/rootfs/etc/group"
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
IMG=localhost/cell-test-busybox:latest
if ! pm import -q --change 'CMD=["/bin/sh"]' --change 'ENV=PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
  "$T/rootfs.tar" "$IMG" > /dev/null 2> "$T/import.err"; then
  echo "1..0 # SKIP podman import fails here: $(head -1 "$T/import.err")"
  exit 0
fi

tap_plan 95

# ---- helpers
# prun ARGS...: podman ARGS; stdout+stderr in $OUT, exit status in $RC.
prun() {
  OUT=$(pm "$@" 2>&1 < /dev/null)
  RC=$?
}
# wait_for TRIES CMD...: retries CMD every 0.2 s.
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
ctr_pid() { pm inspect -f '{{.State.Pid}}' "$1"; }
ctr_status() { pm inspect -f '{{.State.Status}}' "$1" 2> /dev/null; }
# cg_file CONTAINER CONTROLLER FILE: the host path of a v1 cgroup file of the container.
cg_file() {
  local pid path
  pid=$(ctr_pid "$1")
  path=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$pid/cgroup" | head -1)
  echo "/sys/fs/cgroup/$2$path/$3"
}
cap_bit() { # cap_bit HEXMASK BIT
  echo $(((0x$1 >> $2) & 1))
}
# in_tty CMD: runs the shell command CMD under script(1), so that it has a terminal; output in $OUT.
in_tty() {
  OUT=$(script -qec "$1" /dev/null < "${2:-/dev/null}" 2>&1 | tr -d '\r')
  RC=$?
}

# ---- the runtime podman uses is the one under test
prun info --format '{{.Host.OCIRuntime.Path}}'
tap_is "$OUT" "$RT" "podman info: the OCI runtime is $RT_NAME ($RT)"

# ---- running
prun run --rm "$IMG" echo hello-podman
tap_is "$RC $OUT" "0 hello-podman" "run --rm: output and exit status 0"
tap_is "$(pm ps -aq | wc -l)" 0 "run --rm: nothing left (podman ps -a)"
prun run --rm "$IMG" sh -c 'exit 42'
tap_is "$RC" 42 "run: exit status 42"
prun run --rm "$IMG" /etc/passwd
tap_is "$RC" 126 "run: a non-executable program gives 126"
tap_like "$OUT" "[Pp]ermission denied" "run: 126 says permission denied"
prun run --rm "$IMG" /no/such/program
tap_is "$RC" 127 "run: a missing program gives 127"
tap_like "$OUT" "[Nn]o such file or directory|executable file not found" "run: 127 says not found"
pm run --rm --name k137 "$IMG" sleep 1000 > /dev/null 2>&1 &
bg=$!
wait_for 50 sh -c "[ \"\$(podman --root $T/storage --runroot $T/runroot --storage-driver overlay inspect -f '{{.State.Status}}' k137)\" = running ]"
pm kill k137 > /dev/null 2>&1
wait $bg
tap_is "$?" 137 "run: killed by SIGKILL gives 137"
OUT=$(echo stdin-data-17 | pm run --rm -i "$IMG" sh -c 'cat; echo done' 2>&1)
tap_is "$OUT" "stdin-data-17
done" "run -i: stdin reaches the process"
in_tty "podman --root $T/storage --runroot $T/runroot --storage-driver overlay run --rm -t $IMG sh -c 'test -t 0 && test -t 1 && tty'"
tap_like "$OUT" "^/dev/pts/[0-9]+" "run -t: stdin and stdout are a pty"
printf 'echo marker-$((6*7))\nexit 3\n' > "$T/it-input"
in_tty "podman --root $T/storage --runroot $T/runroot --storage-driver overlay run --rm -it $IMG sh; echo rc=\$?" "$T/it-input"
tap_like "$OUT" "marker-42" "run -it: an interactive shell reads the terminal"
tap_like "$OUT" "rc=3" "run -it: its exit status"

# ---- a detached container, and proof that the runtime under test runs it
prun run -d --name steer "$IMG" sh -c 'echo log-line-1; trap "echo got-usr1" USR1; while :; do sleep 0.1; done'
tap_is "$RC" 0 "run -d"
CID=$(pm inspect -f '{{.Id}}' steer 2> /dev/null)
tap_is "$(ctr_status steer)" running "run -d: running"
tap_is "$("$RT" state "$CID" 2> /dev/null | jq -r .status)" running "run -d: $RT_NAME state (default root) knows the container"
conmon_pid=$(pm inspect -f '{{.State.ConmonPid}}' steer 2> /dev/null)
conmon_rt=$(tr '\0' '\n' < "/proc/$conmon_pid/cmdline" 2> /dev/null | grep -A1 -x -e -r | sed -n 2p)
tap_is "$(readlink -f "$conmon_rt")" "$RT" "run -d: conmon was given $RT"
wait_for 25 sh -c "podman --root $T/storage --runroot $T/runroot --storage-driver overlay logs steer | grep -q log-line-1"
prun logs steer
tap_like "$OUT" "log-line-1" "logs: shows the container's output"

# ---- exec
prun exec steer echo exec-out
tap_is "$RC $OUT" "0 exec-out" "exec: output"
OUT=$(echo exec-stdin | pm exec -i steer cat 2>&1)
tap_is "$OUT" "exec-stdin" "exec -i: stdin"
in_tty "podman --root $T/storage --runroot $T/runroot --storage-driver overlay exec -t steer sh -c 'test -t 0 && tty'"
tap_like "$OUT" "^/dev/pts/[0-9]+" "exec -t: a pty"
prun exec --user 1000:1001 steer sh -c 'echo $(id -u):$(id -g)'
tap_is "$OUT" "1000:1001" "exec --user 1000:1001"
prun exec --env CELL_X=value-x steer sh -c 'echo $CELL_X'
tap_is "$OUT" "value-x" "exec --env"
prun exec --workdir /tmp steer pwd
tap_is "$OUT" "/tmp" "exec --workdir"
prun exec --detach steer sh -c 'sleep 0.3; touch /tmp/detached-ran'
tap_is "$RC" 0 "exec --detach returns"
wait_for 25 pm exec steer test -f /tmp/detached-ran
tap_result $? "exec --detach: the process ran"
prun exec steer sh -c 'exit 7'
tap_is "$RC" 7 "exec: exit status 7"
prun exec steer /no/such/program
tap_is "$RC" 127 "exec: a missing program gives 127"

# ---- ps, top, kill, pause, restart
prun ps --filter name=steer --format '{{.Names}} {{.Status}}'
tap_like "$OUT" "^steer Up" "ps: the container is up"
prun top steer pid args
tap_like "$OUT" "while :" "top: lists the container's processes"
prun kill -s USR1 steer
tap_is "$RC" 0 "kill -s USR1"
wait_for 25 sh -c "podman --root $T/storage --runroot $T/runroot --storage-driver overlay logs steer | grep -q got-usr1"
tap_result $? "kill -s USR1: the signal reached the process (trap ran)"
prun pause steer
tap_is "$RC" 0 "pause"
tap_is "$(ctr_status steer)" paused "pause: status paused"
tap_is "$(cat "$(cg_file steer freezer freezer.state)" 2> /dev/null)" FROZEN "pause: the freezer cgroup is FROZEN"
prun unpause steer
tap_is "$RC" 0 "unpause"
tap_is "$(cat "$(cg_file steer freezer freezer.state)" 2> /dev/null)" THAWED "unpause: THAWED"
pid1=$(ctr_pid steer)
prun restart -t 1 steer
tap_is "$RC $(ctr_status steer)" "0 running" "restart: running again"
pid2=$(ctr_pid steer)
[ -n "$pid2" ] && [ "$pid2" != 0 ] && [ "$pid1" != "$pid2" ]
tap_result $? "restart: a new process ($pid1 -> $pid2)"
prun kill steer
tap_is "$RC" 0 "kill (SIGKILL)"
wait_for 25 sh -c "[ \"\$(podman --root $T/storage --runroot $T/runroot --storage-driver overlay inspect -f '{{.State.Status}}' steer)\" = exited ]"
tap_is "$(pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' steer)" "exited 137" "kill: exited with 137"
prun rm -f steer
tap_is "$RC" 0 "rm -f"
"$RT" state "$CID" > /dev/null 2>&1
tap_result $((!$?)) "rm -f: $RT_NAME no longer knows the container"

# ---- stop, wait, attach
pm run -d --name term "$IMG" sh -c 'trap "echo got-term; exit 3" TERM; while :; do sleep 0.1; done' > /dev/null 2>&1
start=$(date +%s%N)
prun stop -t 20 term
took=$((($(date +%s%N) - start) / 1000000))
tap_is "$RC $(pm inspect -f '{{.State.ExitCode}}' term)" "0 3" "stop: SIGTERM honoured (exit 3)"
[ "$took" -lt 10000 ]
tap_result $? "stop: returned without the timeout (${took} ms)"
pm run -d --name noterm "$IMG" sh -c 'trap "" TERM; while :; do sleep 0.1; done' > /dev/null 2>&1
sleep 0.3
start=$(date +%s%N)
prun stop -t 1 noterm
took=$((($(date +%s%N) - start) / 1000000))
tap_is "$RC $(pm inspect -f '{{.State.ExitCode}}' noterm)" "0 137" "stop -t 1: TERM ignored, SIGKILL after the timeout (137)"
[ "$took" -ge 1000 ]
tap_result $? "stop -t 1: waited the timeout (${took} ms)"
pm run -d --name waiter "$IMG" sh -c 'sleep 0.5; exit 5' > /dev/null 2>&1
prun wait waiter
tap_is "$OUT" 5 "wait: prints the exit status 5"
pm run -d --name att "$IMG" sh -c 'sleep 1.5; echo attach-marker' > /dev/null 2>&1
OUT=$(timeout 20 podman --root "$T/storage" --runroot "$T/runroot" --storage-driver overlay attach --no-stdin att 2>&1)
tap_like "$OUT" "attach-marker" "attach: receives the output"
pm rm -f -t 0 term noterm waiter att > /dev/null 2>&1

# ---- healthcheck (run by hand: no systemd timers here)
pm run -d --name health --health-cmd 'test -f /tmp/healthy' --health-interval 1h "$IMG" \
  sh -c 'sleep 1.5; touch /tmp/healthy; exec sleep 1000' > /dev/null 2>&1
prun healthcheck run health
tap_is "$RC $(printf '%s' "$OUT" | grep -v 'level=error')" "1 unhealthy" "healthcheck: unhealthy while the check fails"
sleep 1.7
prun healthcheck run health
tap_is "$RC" 0 "healthcheck: healthy once it passes"
tap_is "$(pm inspect -f '{{.State.Health.Status}}' health 2> /dev/null)" healthy "healthcheck: inspect says healthy"
pm rm -f -t 0 health > /dev/null 2>&1

# ---- options
prun run --rm --init "$IMG" sh -c 'tr "\\0" " " < /proc/1/cmdline'
tap_like "$OUT" "catatonit|tini|init" "--init: pid 1 is the init"
prun run --rm --read-only "$IMG" sh -c 'touch /x 2>/dev/null && echo root-writable; touch /tmp/t && echo tmp-writable'
tap_is "$RC $OUT" "0 tmp-writable" "--read-only: / read-only, /tmp a writable tmpfs"
mkdir -p "$T/vol-rw" "$T/vol-ro"
echo ro-content > "$T/vol-ro/f"
echo file-content > "$T/vol-file"
prun run --rm -v "$T/vol-rw:/data" "$IMG" sh -c 'echo written-inside > /data/out'
tap_is "$RC $(cat "$T/vol-rw/out" 2> /dev/null)" "0 written-inside" "-v rw: a write inside shows on the host"
prun run --rm -v "$T/vol-ro:/data:ro" "$IMG" sh -c 'cat /data/f; if touch /data/g 2>/dev/null; then echo writable; fi'
tap_is "$RC $OUT" "0 ro-content" "-v :ro: readable, not writable"
prun run --rm -v "$T/vol-file:/etc/motd:ro" "$IMG" cat /etc/motd
tap_is "$OUT" "file-content" "-v FILE: a file bind"
pm volume create cellvol > /dev/null 2>&1
prun run --rm -v cellvol:/vol "$IMG" sh -c 'echo persisted > /vol/p'
prun run --rm -v cellvol:/vol "$IMG" cat /vol/p
tap_is "$OUT" "persisted" "named volume: data persists across containers"
prun run --rm --tmpfs /scratch:size=3m "$IMG" sh -c 'grep " /scratch " /proc/mounts'
tap_like "$OUT" "^tmpfs /scratch tmpfs .*size=3072k" "--tmpfs /scratch:size=3m"
prun run --rm --shm-size 7m "$IMG" sh -c 'df -k /dev/shm | tail -1'
tap_like "$OUT" "^shm +7168 " "--shm-size 7m"
prun run --rm --cap-add SYS_TIME "$IMG" sh -c 'grep CapEff /proc/self/status | cut -f2'
tap_is "$(cap_bit "$OUT" 25)" 1 "--cap-add SYS_TIME: in the effective set"
prun run --rm --cap-drop CHOWN "$IMG" sh -c 'grep CapEff /proc/self/status | cut -f2'
tap_is "$(cap_bit "$OUT" 0)$(cap_bit "$OUT" 5)" 01 "--cap-drop CHOWN: CHOWN gone, KILL kept"
hostdev=/dev/loop-control
[ -c $hostdev ] || hostdev=/dev/kmsg
prun run --rm --privileged "$IMG" sh -c "grep CapEff /proc/self/status | cut -f2; test -c $hostdev && echo has-host-dev"
tap_is "$OUT" "$(grep CapBnd /proc/self/status | cut -f2)
has-host-dev" "--privileged: every capability of the host's bounding set, host devices"
prun run --rm --user 1000:1000 "$IMG" sh -c 'echo $(id -u):$(id -g)'
tap_is "$OUT" "1000:1000" "--user 1000:1000"
prun run --rm --group-add 4321 "$IMG" id -G
tap_like "$OUT" "(^| )4321( |$)" "--group-add 4321"
prun run --rm --security-opt no-new-privileges "$IMG" grep NoNewPrivs /proc/self/status
tap_like "$OUT" "NoNewPrivs:[[:space:]]+1" "--security-opt no-new-privileges"
prun run --rm "$IMG" sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status | tr -s "\t" " "'
tap_is "$OUT" "NoNewPrivs: 0
Seccomp: 2" "default: the seccomp profile is loaded (filter mode), no_new_privs off"
prun run --rm --security-opt seccomp=unconfined "$IMG" grep ^Seccomp: /proc/self/status
tap_like "$OUT" "Seccomp:[[:space:]]+0" "seccomp=unconfined: no filter"
cat > "$T/seccomp.json" << 'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}
EOF
prun run --rm --security-opt "seccomp=$T/seccomp.json" "$IMG" sh -c 'mkdir /tmp/x; echo; touch /tmp/y && echo touch-ok'
tap_like "$OUT" "Function not implemented" "custom seccomp profile: mkdir fails with ENOSYS (errnoRet 38)"
tap_like "$OUT" "touch-ok" "custom seccomp profile: other syscalls allowed"
prun run --rm --device /dev/zero:/dev/cellzero "$IMG" sh -c 'test -c /dev/cellzero && head -c 3 /dev/cellzero | od -An -tx1'
tap_like "$OUT" "^ *00 00 00" "--device /dev/zero:/dev/cellzero: usable"
prun run --rm --uidmap 0:200000:65536 --gidmap 0:200000:65536 "$IMG" sh -c 'cat /proc/self/uid_map /proc/self/gid_map | tr -s " "; id -u'
tap_is "$OUT" " 0 200000 65536
 0 200000 65536
0" "--uidmap/--gidmap: mapped user namespace"

# Resource limits: inside the container and in the host's cgroup files.
pm run -d --name lim --memory 64m --memory-swap 96m --pids-limit 77 --cpus 1.5 "$IMG" sleep 1000 > /dev/null 2>&1
tap_is "$(cat "$(cg_file lim memory memory.limit_in_bytes)" 2> /dev/null)" 67108864 "--memory 64m: host cgroup file"
tap_is "$(cat "$(cg_file lim memory memory.memsw.limit_in_bytes)" 2> /dev/null)" 100663296 "--memory-swap 96m: host cgroup file"
tap_is "$(cat "$(cg_file lim pids pids.max)" 2> /dev/null)" 77 "--pids-limit 77: host cgroup file"
tap_is "$(cat "$(cg_file lim cpu cpu.cfs_quota_us)" 2> /dev/null)/$(cat "$(cg_file lim cpu cpu.cfs_period_us)" 2> /dev/null)" \
  150000/100000 "--cpus 1.5: host cgroup files (quota/period)"
prun run --rm --memory 64m --pids-limit 77 --cpus 1.5 "$IMG" \
  sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us'
tap_is "$OUT" "67108864
77
150000" "limits seen inside the container (its /sys/fs/cgroup)"
prun stats --no-stream --format '{{.MemUsage}}' lim
tap_like "$OUT" "/ 67.11MB" "stats --no-stream: memory limit"
prun update --memory 80m --cpus 0.5 lim
tap_is "$RC" 0 "update --memory 80m --cpus 0.5"
tap_is "$(cat "$(cg_file lim memory memory.limit_in_bytes)" 2> /dev/null)/$(cat "$(cg_file lim cpu cpu.cfs_quota_us)" 2> /dev/null)" \
  83886080/50000 "update: host cgroup files changed"
pm rm -f -t 0 lim > /dev/null 2>&1

# Namespaces shared with the host.
prun run --rm --pid=host "$IMG" readlink /proc/self/ns/pid
tap_is "$OUT" "$(readlink /proc/self/ns/pid)" "--pid=host: the host's pid namespace"
prun run --rm --network=host "$IMG" readlink /proc/self/ns/net
tap_is "$OUT" "$(readlink /proc/self/ns/net)" "--network=host: the host's network namespace"
prun run --rm --network=none "$IMG" sh -c 'ls /sys/class/net | tr "\n" " "'
tap_is "$OUT" "lo " "--network=none: only lo"
prun run --rm --uts=host "$IMG" hostname
tap_is "$OUT" "$(hostname)" "--uts=host: the host's name"
prun run --rm "$IMG" sh -c 'ls /sys/class/net | grep -c eth0'
tap_is "$OUT" 1 "default network: eth0 (bridge)"

# Pods: containers in one pod share the infra container's namespaces.
prun pod create --name cellpod
POD_ID=$(printf '%s' "$OUT" | tail -1)
tap_is "$RC" 0 "pod create"
pm run -d --pod cellpod --name pod-a "$IMG" sh -c 'readlink /proc/self/ns/net; exec sleep 1000' > /dev/null 2>&1
pm run -d --pod cellpod --name pod-b "$IMG" sh -c 'readlink /proc/self/ns/net; exec sleep 1000' > /dev/null 2>&1
wait_for 25 sh -c "podman --root $T/storage --runroot $T/runroot --storage-driver overlay logs pod-b | grep -q net:"
na=$(pm logs pod-a 2> /dev/null)
nb=$(pm logs pod-b 2> /dev/null)
[ -n "$na" ] && [ "$na" = "$nb" ] && [ "$na" != "$(readlink /proc/self/ns/net)" ]
tap_result $? "pod: two containers share one network namespace"
prun pod ps --filter name=cellpod --format '{{.Status}} {{.NumberOfContainers}}'
tap_is "$OUT" "Running 3" "pod ps: running, infra + 2 containers"
prun pod rm -f -t 0 cellpod
tap_is "$RC" 0 "pod rm -f"

# Port publishing on the loopback.
port=$((20000 + $$ % 10000))
pm run -d --name web -p "127.0.0.1:$port:8080" "$IMG" sh -c 'mkdir -p /www && echo served-by-container > /www/index.html && exec httpd -f -p 8080 -h /www' > /dev/null 2>&1
http_get() { # http_get PORT: the body of GET / on 127.0.0.1:PORT (bash's /dev/tcp)
  timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'GET / HTTP/1.0\r\n\r\n' >&3 && cat <&3" 2> /dev/null | tr -d '\r' | sed '1,/^$/d'
}
wait_for 50 sh -c "timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$port' 2>/dev/null"
OUT=$(http_get "$port")
tap_is "$OUT" "served-by-container" "-p 127.0.0.1:$port:8080: the container's server answers on the loopback"
pm rm -f -t 0 web > /dev/null 2>&1

# ---- errors: the runtime's message reaches the user's terminal through conmon and podman.
prun run --rm --sysctl net.ipv4.cell_no_such_knob=1 "$IMG" true
tap_result $((RC == 0)) "error: a bad sysctl fails the run (exit $RC)"
tap_like "$OUT" "cell_no_such_knob" "error: the runtime's message names the sysctl"
tap_like "$OUT" "^Error: " "error: podman shows it as its error line"
printf '%s' "$OUT" | grep -q '{"level"\|level=error msg='
tap_result $((!$?)) "error: the runtime's log line was parsed (no raw JSON or text log line shown)"
prun run --rm "$IMG" sh -c 'exit 0'
prun ps -aq
tap_is "$(printf '%s' "$OUT" | grep -c .)" 0 "nothing left behind by the failures"
