#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# clients-bench.sh: `podman run --rm IMAGE true` and `ctr run --rm` with runc and with cell, interleaved
# hyperfine rounds, medians side by side; then the share of each run that is the runtime's own, measured by
# a timing wrapper around the runtime.
#
# Usage (as root): tests/bench/clients-bench.sh [--cell PATH] [--runc PATH] [--rounds N] [--runs N]
#   --cell PATH   the cell binary (default: build/cell in the source tree)
#   --runc PATH   the runc binary (default: runc in PATH)
#   --rounds N    interleaved rounds (default 5); each round runs every client with each runtime
#   --runs N      hyperfine runs per client, runtime and round (default 6, after one warm-up)
# Everything podman and containerd keep is under a temporary directory (private storage, a private
# containerd with its own socket); the busybox image is made with `podman import`. Never part of
# `make check`: numbers are reported, nothing passes or fails.
set -u

SRCDIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
CELL_BIN=$SRCDIR/build/cell
RUNC_BIN=$(command -v runc || echo /usr/sbin/runc)
ROUNDS=5
RUNS=6
SHARE_RUNS=${SHARE_RUNS:-10}

while [ $# -gt 0 ]; do
  case $1 in
    --cell) CELL_BIN=${2:?--cell needs a path}; shift 2 ;;
    --runc) RUNC_BIN=${2:?--runc needs a path}; shift 2 ;;
    --rounds) ROUNDS=${2:?--rounds needs a number}; shift 2 ;;
    --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
    -h | --help) sed -n '6,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "clients-bench: unknown argument \`$1\`" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" -ne 0 ]; then
  echo "clients-bench: run as root" >&2
  exit 1
fi
missing=
for c in hyperfine podman conmon containerd ctr containerd-shim-runc-v2 jq python3; do
  command -v "$c" >/dev/null || missing="$missing $c"
done
if [ -n "$missing" ]; then
  echo "clients-bench: missing:$missing (apt-get install hyperfine podman containerd jq python3)" >&2
  exit 1
fi
CELL_BIN=$(readlink -f "$CELL_BIN")
RUNC_BIN=$(readlink -f "$RUNC_BIN")
for b in "$CELL_BIN" "$RUNC_BIN"; do
  [ -x "$b" ] || { echo "clients-bench: $b is not an executable" >&2; exit 1; }
done
BUSYBOX=$(command -v busybox || echo /bin/busybox)

T=$(mktemp -d /tmp/cell-clients-bench.XXXXXX)
chmod 0711 "$T"
NS=cellbench-$$
CTRD_PID=
cleanup() {
  local id
  if [ -n "$CTRD_PID" ]; then
    for id in $(ctr -a "$T/containerd.sock" -n "$NS" containers ls -q 2>/dev/null); do
      ctr -a "$T/containerd.sock" -n "$NS" task delete -f "$id" >/dev/null 2>&1
      ctr -a "$T/containerd.sock" -n "$NS" containers delete "$id" >/dev/null 2>&1
    done
    kill "$CTRD_PID" 2>/dev/null
    wait "$CTRD_PID" 2>/dev/null
  fi
  pm rm -af -t 0 >/dev/null 2>&1
  rmdir /sys/fs/cgroup/"$NS" /sys/fs/cgroup/*/"$NS" 2>/dev/null
  rm -rf "/run/containerd/runc/$NS"
  grep -o " $T/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Timing wrappers, named like the runtimes (podman passes --log-format=json by the basename): each logs
# "START END SUBCOMMAND" per invocation, from bash's clock (no fork of date).
mkdir -p "$T/wrap/cell" "$T/wrap/runc"
for rt in cell runc; do
  bin=$CELL_BIN
  [ $rt = runc ] && bin=$RUNC_BIN
  cat >"$T/wrap/$rt/$rt" <<EOF
#!/bin/bash
s=\$EPOCHREALTIME
"$bin" "\$@"
rc=\$?
e=\$EPOCHREALTIME
sub=
for a in "\$@"; do
  case \$a in create | start | state | kill | delete | exec | run | pause | resume | update | ps | --version | features) sub=\$a; break ;; esac
done
echo "\$s \$e \$sub \$*" >>"$T/wrap/$rt.log"
exit \$rc
EOF
  chmod +x "$T/wrap/$rt/$rt"
done

# podman: private storage; both runtimes by name, both with JSON logs; ulimits the host can grant.
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
pid_max=$(cat /proc/sys/kernel/pid_max)
[ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ] && nproc=$pid_max
[ "$nofile" = unlimited ] && nofile=1048576
mkdir -p "$T/tmp" "$T/cni"
cat >"$T/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$T/events.log"
runtime_supports_json = ["cell", "runc"]
tmp_dir = "$T/tmp"
[engine.runtimes]
cell = ["$CELL_BIN"]
runc = ["$RUNC_BIN"]
[network]
network_config_dir = "$T/cni"
EOF
export CONTAINERS_CONF=$T/containers.conf
printf 'unqualified-search-registries = []\n' >"$T/registries.conf"
export CONTAINERS_REGISTRIES_CONF=$T/registries.conf
pm() { podman --root "$T/storage" --runroot "$T/runroot" --storage-driver overlay "$@"; }
PM="podman --root $T/storage --runroot $T/runroot --storage-driver overlay"

mkdir -p "$T/rootfs/bin" "$T/rootfs/etc" "$T/rootfs/tmp"
cp "$BUSYBOX" "$T/rootfs/bin/busybox"
for a in sh true; do ln -s busybox "$T/rootfs/bin/$a"; done
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
IMG=localhost/cell-bench-busybox:latest
if ! pm import -q --change 'ENV=PATH=/bin' "$T/rootfs.tar" "$IMG" >/dev/null || ! pm save -q -o "$T/image.tar" "$IMG"; then
  echo "clients-bench: podman cannot import the image here" >&2
  exit 1
fi

# containerd: private, CRI off; the image from the podman archive.
cat >"$T/containerd.toml" <<EOF
version = 2
root = "$T/ctrd-root"
state = "$T/ctrd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$T/containerd.sock"
[ttrpc]
  address = "$T/containerd.sock.ttrpc"
EOF
containerd --config "$T/containerd.toml" >"$T/containerd.log" 2>&1 &
CTRD_PID=$!
for _ in $(seq 100); do ctr -a "$T/containerd.sock" version >/dev/null 2>&1 && break; sleep 0.1; done
CTR="ctr -a $T/containerd.sock -n $NS"
if ! $CTR images import "$T/image.tar" >/dev/null 2>&1; then
  echo "clients-bench: ctr images import failed: $(tail -1 "$T/containerd.log")" >&2
  exit 1
fi

echo "cell: $CELL_BIN ($("$CELL_BIN" --version | head -1)); runc: $RUNC_BIN ($("$RUNC_BIN" --version | head -1))"
echo "podman $(podman --version | awk '{print $3}'), containerd $(containerd --version | awk '{print $3}'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$ROUNDS interleaved rounds x $RUNS runs (after 1 warm-up) per client and runtime"

# ---- medians, interleaved rounds
mkdir -p "$T/json"
for r in $(seq "$ROUNDS"); do
  for rt in runc cell; do
    hyperfine -N -i -w 1 -r "$RUNS" --export-json "$T/json/podman-$rt-$r.json" \
      "$PM run --rm --runtime $rt $IMG true" >/dev/null 2>&1
    bin=$RUNC_BIN
    [ $rt = cell ] && bin=$CELL_BIN
    hyperfine --shell bash -i -w 1 -r "$RUNS" --export-json "$T/json/ctr-$rt-$r.json" \
      "$CTR run --rm --runc-binary $bin $IMG b\$RANDOM\$RANDOM true" >/dev/null 2>&1
  done
done
python3 - "$T/json" <<'EOF'
import glob, json, statistics, sys
d = sys.argv[1]
print()
print("| | runc | cell | cell/runc |")
print("|---|---|---|---|")
cmds = {"podman": "`podman run --rm IMAGE true`", "ctr": "`ctr run --rm --runc-binary RUNTIME IMAGE ID true`"}
for client in ("podman", "ctr"):
    med, note = {}, {}
    for rt in ("runc", "cell"):
        times, failed = [], 0
        for f in glob.glob(f"{d}/{client}-{rt}-*.json"):
            res = json.load(open(f))["results"][0]
            times += res["times"]
            failed += sum(1 for c in res.get("exit_codes", []) if c != 0)
        med[rt] = statistics.median(times) * 1000 if times else float("nan")
        note[rt] = f" ({failed} of {len(times)} failed)" if failed else ""
    print(f"| {cmds[client]} | {med['runc']:.1f} ms{note['runc']} | {med['cell']:.1f} ms{note['cell']} | "
          f"{med['cell'] / med['runc']:.2f} |")
EOF

# ---- the runtime's share of a run: the wrapper's log, one run at a time, interleaved
: >"$T/share.txt"
for i in $(seq "$SHARE_RUNS"); do
  for rt in runc cell; do
    for client in podman ctr; do
      n0=$(cat "$T/wrap/$rt.log" 2>/dev/null | wc -l)
      t0=$EPOCHREALTIME
      if [ $client = podman ]; then
        pm run --rm --runtime "$T/wrap/$rt/$rt" "$IMG" true >/dev/null 2>&1
      else
        $CTR run --rm --runc-binary "$T/wrap/$rt/$rt" "$IMG" "s$i$rt" true >/dev/null 2>&1
      fi
      t1=$EPOCHREALTIME
      echo "$client $rt $t0 $t1 $n0" >>"$T/share.txt"
    done
  done
done
python3 - "$T" <<'EOF'
import statistics, sys
t = sys.argv[1]
logs = {rt: [l.split() for l in open(f"{t}/wrap/{rt}.log")] for rt in ("runc", "cell")}
runs = [l.split() for l in open(f"{t}/share.txt")]
print()
print("The runtime's own time in one run (timing wrapper; medians of %d runs each):" % (len(runs) // 4))
print()
print("| | total | runtime invocations (median ms each) | runtime's sum | share |")
print("|---|---|---|---|---|")
for client in ("podman", "ctr"):
    for rt in ("runc", "cell"):
        totals, sums, per = [], [], {}
        for c, r, t0, t1, n0 in runs:
            if c != client or r != rt:
                continue
            t0, t1 = float(t0), float(t1)
            calls = [l for l in logs[rt][int(n0):] if t0 <= float(l[0]) <= t1]
            totals.append((t1 - t0) * 1000)
            sums.append(sum((float(l[1]) - float(l[0])) * 1000 for l in calls))
            for l in calls:
                per.setdefault(l[2] if len(l) > 2 else "?", []).append((float(l[1]) - float(l[0])) * 1000)
        n = len(totals)
        calls = ", ".join(f"{k} {statistics.median(v):.1f}" + (f" x{len(v) / n:.0f}" if len(v) > n else "")
                          for k, v in per.items())
        tot, s = statistics.median(totals), statistics.median(sums)
        print(f"| {client} {rt} | {tot:.0f} ms | {calls} | {s:.1f} ms | {100 * s / tot:.0f} % |")
json = all("--log-format=json" in l or "json" in l[3:] for rt in logs for l in logs[rt] if len(l) > 2 and l[2] == "create")
print()
print("(the wrapper, a bash script named like the runtime, adds its own start-up to each invocation;"
      " every create got --log-format json: %s)" % ("yes" if json else "NO"))
EOF
