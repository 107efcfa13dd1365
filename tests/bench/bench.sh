#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench.sh: start-up time (hyperfine) and peak RSS of cell vs crun vs runc on a busybox /bin/true bundle,
# with bwrap --unshare-all and the floor (unshare -mpfiun --mount-proc + chroot) beside them for `run`, and
# where cell's own time goes (its --debug phase timestamps, medians over the runs).
#
# Usage (as root): tests/bench/bench.sh [--cell PATH] [--quick | --runs N] [--rounds K] [--state-tmpfs]
#   --cell PATH     the cell binary to measure (default: build/cell in the source tree)
#   --quick         10 runs instead of 50
#   --runs N        N runs of each command instead of 50
#   --rounds K      the runs in K hyperfine rounds, the commands' order rotated each round, their times
#                   pooled (default 5; 1: one hyperfine run, every command's runs in one block)
#   --state-tmpfs   every runtime's state root (--root) on a tmpfs, as /run is on most hosts (default: in a
#                   directory under /tmp, whatever filesystem that is)
# Never part of `make check`: numbers are reported, nothing passes or fails.
set -eu

SRCDIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
CELL_BIN=$SRCDIR/build/cell
RUNS=50
WARMUP=5
ROUNDS=5
STATE_TMPFS=0
ORIG_ARGS=("$@")

while [ $# -gt 0 ]; do
  case $1 in
    --cell)
      [ $# -ge 2 ] || { echo "bench: --cell needs a path" >&2; exit 2; }
      CELL_BIN=$2
      shift 2
      ;;
    --cell=*)
      CELL_BIN=${1#--cell=}
      shift
      ;;
    --quick)
      RUNS=10
      shift
      ;;
    --runs)
      [ $# -ge 2 ] && [ "$2" -ge 1 ] 2>/dev/null || { echo "bench: --runs needs a count of 1 or more" >&2; exit 2; }
      RUNS=$2
      shift 2
      ;;
    --rounds)
      [ $# -ge 2 ] && [ "$2" -ge 1 ] 2>/dev/null || { echo "bench: --rounds needs a count of 1 or more" >&2; exit 2; }
      ROUNDS=$2
      shift 2
      ;;
    --state-tmpfs)
      STATE_TMPFS=1
      shift
      ;;
    -h | --help)
      sed -n '4,14s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *)
      echo "bench: unknown argument \`$1\`" >&2
      exit 2
      ;;
  esac
done

if [ "$(id -u)" -ne 0 ]; then
  echo "bench: run as root" >&2
  exit 1
fi

# Tools: hyperfine, the two reference runtimes, bwrap and GNU time for the RSS table; then everything in a
# private mount namespace without the cgroup2 mount (common.sh).
. "$SRCDIR/tests/bench/common.sh"
if [ -z "${CELL_BENCH_PRIVATE_NS:-}" ]; then
  bench_tools bench hyperfine:hyperfine crun:crun runc:runc /usr/bin/time:time jq:jq bwrap:bubblewrap \
    busybox:busybox-static || exit 1
fi
bench_private_ns bench "$0" "${ORIG_ARGS[@]+"${ORIG_ARGS[@]}"}"

CELL_BIN=$(readlink -f "$CELL_BIN" || echo "$CELL_BIN")
BUSYBOX=$(command -v busybox || echo /bin/busybox)
CRUN=$(command -v crun)
RUNC=$(command -v runc)

TMP=$(mktemp -d /tmp/cell-bench.XXXXXX)
STATE=$TMP
if [ "$STATE_TMPFS" = 1 ]; then
  # this script runs in its own mount namespace: the tmpfs goes with it
  STATE=$TMP/state
  mkdir -p "$STATE"
  mount -t tmpfs -o mode=0700 cell-bench-state "$STATE"
fi
echo "state roots: $STATE ($(stat -f -c %T "$STATE"))"
cleanup() {
  local rt
  for rt in cell crun runc; do
    [ -x "$TMP/bin/$rt" ] || continue
    "$TMP/bin/$rt" --root "$STATE/root-$rt" delete --force bench >/dev/null 2>&1 || true
    "$TMP/bin/$rt" --root "$STATE/root-$rt" delete --force bench-rss >/dev/null 2>&1 || true
    "$TMP/bin/$rt" --root "$STATE/root-$rt" delete --force bench-check >/dev/null 2>&1 || true
  done
  # with the cgroup2 mount gone from this namespace, crun writes a cgroup.procs file per container into the
  # host's /sys/fs/cgroup tmpfs beneath it (hidden on the host, but it stays): ours go
  if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = tmpfs ]; then
    rm -rf /sys/fs/cgroup/unified/bench /sys/fs/cgroup/unified/bench-rss /sys/fs/cgroup/unified/bench-check
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# The bundle: a busybox rootfs whose /bin/true is a busybox symlink; config from `cell spec`
# (or `runc spec` when cell cannot produce one, so the reference runtimes can still be measured).
BUNDLE=$TMP/bundle
mkdir -p "$BUNDLE/rootfs"/{bin,dev,etc,proc,sys,tmp} "$TMP/bin"
cp "$BUSYBOX" "$BUNDLE/rootfs/bin/busybox"
ln -s busybox "$BUNDLE/rootfs/bin/true"
ln -s busybox "$BUNDLE/rootfs/bin/sh"
if ! (cd "$BUNDLE" && "$CELL_BIN" spec) 2>"$TMP/spec.err"; then
  echo "bench: \`$CELL_BIN spec\` failed ($(head -n1 "$TMP/spec.err")); using \`runc spec\`" >&2
  rm -f "$BUNDLE/config.json"
  (cd "$BUNDLE" && "$RUNC" spec)
fi
# crun 1.8.1 (Debian 12) refuses ociVersion 1.2.0 ("unknown version specified"); all three accept 1.0.0.
jq '.ociVersion = "1.0.0" | .process.terminal = false | .process.args = ["/bin/true"] | .root.path = "rootfs"' \
  "$BUNDLE/config.json" >"$BUNDLE/config.json.tmp"
mv "$BUNDLE/config.json.tmp" "$BUNDLE/config.json"

# One link per runtime so every runtime is invoked the same way; a runtime that cannot run the bundle
# once is left out of the timing (its error is shown) rather than timed while failing.
ln -s "$CELL_BIN" "$TMP/bin/cell"
ln -s "$CRUN" "$TMP/bin/crun"
ln -s "$RUNC" "$TMP/bin/runc"
RUNTIMES=()
for rt in cell crun runc; do
  mkdir -p "$STATE/root-$rt"
  if [ ! -x "$TMP/bin/$rt" ]; then
    echo "bench: $rt: not found, left out" >&2
    continue
  fi
  if "$TMP/bin/$rt" --root "$STATE/root-$rt" run --bundle "$BUNDLE" bench-check </dev/null >"$TMP/check-$rt.out" 2>&1; then
    RUNTIMES+=("$rt")
  else
    echo "bench: $rt: \`run\` of /bin/true failed, left out:" >&2
    sed 's/^/    /' "$TMP/check-$rt.out" | head -n 5 >&2
    "$TMP/bin/$rt" --root "$STATE/root-$rt" delete --force bench-check >/dev/null 2>&1 || true
  fi
done
if [ ${#RUNTIMES[@]} -eq 0 ]; then
  echo "bench: no runtime can run the bundle" >&2
  exit 1
fi

# Wrappers: `run` uses a fixed id (run deletes the container when it exits; the untimed --prepare step
# removes anything a failed iteration left behind). The lifecycle wrapper does create, start, delete.
PREPARE=$TMP/prepare.sh
{
  echo '#!/bin/sh'
  for rt in "${RUNTIMES[@]}"; do
    echo "'$TMP/bin/$rt' --root '$STATE/root-$rt' delete --force bench >/dev/null 2>&1"
  done
  echo 'exit 0'
} >"$PREPARE"
chmod +x "$PREPARE"

RUN_CMDS=() LIFE_CMDS=()
# the same work without a runtime: new namespaces, a procfs, a chroot; and bubblewrap's sandbox
RUN_CMDS+=(floor "unshare -mpfiun --mount-proc=$BUNDLE/rootfs/proc chroot $BUNDLE/rootfs /bin/true")
if command -v bwrap >/dev/null; then
  RUN_CMDS+=(bwrap "bwrap --unshare-all --ro-bind $BUNDLE/rootfs / --proc /proc --dev /dev /bin/true")
fi
for rt in "${RUNTIMES[@]}"; do
  cat >"$TMP/life-$rt.sh" <<EOF
#!/bin/sh
set -e
'$TMP/bin/$rt' --root '$STATE/root-$rt' create --bundle '$BUNDLE' bench
'$TMP/bin/$rt' --root '$STATE/root-$rt' start bench
'$TMP/bin/$rt' --root '$STATE/root-$rt' delete --force bench
EOF
  chmod +x "$TMP/life-$rt.sh"
  RUN_CMDS+=("$rt" "$TMP/bin/$rt --root $STATE/root-$rt run --bundle $BUNDLE bench")
  LIFE_CMDS+=("$rt" "$TMP/life-$rt.sh")
done

# hyperfine runs each command's runs in one block: a drift of the host's state (page cache, the kernel's
# deferred work, another tenant of the VM) during one block moves that command alone, which moved the
# cell/crun ratio by 0.1 between runs. The runs are split into rounds, and each round starts with the next
# command, so every command sees every stretch of the run; the times of all rounds are pooled.
(( ROUNDS > RUNS )) && ROUNDS=$RUNS
PER_ROUND=$(( (RUNS + ROUNDS - 1) / ROUNDS ))
WARM_ROUND=$(( (WARMUP + ROUNDS - 1) / ROUNDS ))
HF=(hyperfine -N -i --warmup "$WARM_ROUND" --runs "$PER_ROUND" --prepare "$PREPARE" --style basic)

# hf_rounds OUT NAME CMD [NAME CMD...]: the rounds, then OUT.json (every command's pooled times, with their
# median, mean, standard deviation, min and max) and OUT.md (their table, which report prints).
hf_rounds() {
  local out=$1 r i k n names=() cmds=() args
  shift
  while [ $# -gt 0 ]; do
    names+=("$1")
    cmds+=("$2")
    shift 2
  done
  n=${#names[@]}
  for ((r = 0; r < ROUNDS; r++)); do
    args=()
    for ((i = 0; i < n; i++)); do
      k=$(( (i + r) % n ))
      args+=(-n "${names[$k]}" "${cmds[$k]}")
    done
    "${HF[@]}" --export-json "$out.$r.json" "${args[@]}" >"$out.$r.log" 2>&1 || { cat "$out.$r.log"; return 1; }
  done
  jq -s '[.[].results[]] | group_by(.command) | map({command: .[0].command, times: (map(.times) | add)})
    | map(. + {n: (.times | length), sorted: (.times | sort)})
    | map(. + {mean: ((.times | add) / .n),
               median: (if .n % 2 == 1 then .sorted[(.n - 1) / 2] else (.sorted[.n / 2 - 1] + .sorted[.n / 2]) / 2 end),
               min: .sorted[0], max: .sorted[-1]})
    | map(. as $c | . + {stddev: ((($c.times | map(pow(. - $c.mean; 2)) | add) / ([$c.n - 1, 1] | max)) | sqrt)})
    | {results: map(del(.sorted))}' "$out".*.json >"$out.json"
  {
    echo '| Command | Mean [ms] | Median [ms] | Min [ms] | Max [ms] | Runs |'
    echo '|:---|---:|---:|---:|---:|---:|'
    for ((i = 0; i < n; i++)); do
      jq -r --arg c "${names[$i]}" '.results[] | select(.command == $c)
        | "| `\(.command)` | \(.mean * 1000 * 100 | round / 100) ± \(.stddev * 1000 * 100 | round / 100) | \(.median * 1000 * 100 | round / 100) | \(.min * 1000 * 100 | round / 100) | \(.max * 1000 * 100 | round / 100) | \(.n) |"' "$out.json"
    done
  } >"$out.md"
}

echo
echo "=== run /bin/true (${RUNS} runs in ${ROUNDS} rounds, ${WARMUP} warmup) ==="
hf_rounds "$TMP/run" "${RUN_CMDS[@]}"
echo
echo "=== create + start + delete --force of /bin/true (${RUNS} runs in ${ROUNDS} rounds, ${WARMUP} warmup) ==="
hf_rounds "$TMP/life" "${LIFE_CMDS[@]}"

# Medians in ms and the ratios cell/crun, cell/runc (only for runtimes that took part).
median_ms() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .median * 1000' "$1"; }
report() {
  local title=$1 json=$2 md=$3 rt m c
  echo
  echo "## $title"
  echo
  cat "$md"
  echo
  printf '| %-8s | %12s |\n' runtime 'median (ms)'
  printf '|----------|--------------|\n'
  for rt in "${RUNTIMES[@]}" floor bwrap; do
    m=$(median_ms "$json" "$rt")
    [ -n "$m" ] || continue
    printf '| %-8s | %12.2f |\n' "$rt" "$m"
  done
  c=$(median_ms "$json" cell)
  if [ -n "$c" ]; then
    for rt in crun runc floor bwrap; do
      m=$(median_ms "$json" "$rt")
      [ -n "$m" ] || continue
      awk -v c="$c" -v m="$m" -v rt="$rt" 'BEGIN { printf "cell/%s median ratio: %.2f\n", rt, c / m }'
    done
  fi
}
report "run /bin/true" "$TMP/run.json" "$TMP/run.md"
report "create + start + delete of /bin/true" "$TMP/life.json" "$TMP/life.md"

# Peak RSS of one `run` per runtime (GNU time: the runtime and the children it waited for).
echo
echo "## peak RSS of one \`run\` of /bin/true"
echo
printf '| %-8s | %14s |\n' runtime 'max RSS (KiB)'
printf '|----------|----------------|\n'
for rt in "${RUNTIMES[@]}"; do
  rss=$(/usr/bin/time -v "$TMP/bin/$rt" --root "$STATE/root-$rt" run --bundle "$BUNDLE" bench-rss \
    </dev/null 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }')
  "$TMP/bin/$rt" --root "$STATE/root-$rt" delete --force bench-rss >/dev/null 2>&1 || true
  printf '| %-8s | %14s |\n' "$rt" "${rss:-?}"
done
# bwrap's sandbox of the timing table beside them (issue 16's bar for cell's RSS)
if command -v bwrap >/dev/null; then
  rss=$(/usr/bin/time -v bwrap --unshare-all --ro-bind "$BUNDLE/rootfs" / --proc /proc --dev /dev /bin/true \
    </dev/null 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }')
  printf '| %-8s | %14s |\n' bwrap "${rss:-?}"
fi

# Where cell's time goes: its --debug phases (each the time since the phase before), medians over the runs.
if [ -x "$TMP/bin/cell" ] && [[ " ${RUNTIMES[*]} " == *" cell "* ]]; then
  echo
  echo "## cell run /bin/true, by phase (--debug timestamps, median of ${RUNS} runs, ms)"
  echo
  : >"$TMP/phases"
  for _ in $(seq "$RUNS"); do
    rm -f "$TMP/phase.log"
    "$TMP/bin/cell" --debug --log "$TMP/phase.log" --root "$TMP/root-cell" run --bundle "$BUNDLE" bench-phase \
      </dev/null >/dev/null 2>&1 || true
    grep -o 'phase [a-z-]* [0-9.]* ms' "$TMP/phase.log" | awk '{print $2, $3}' | sort -k2 -n \
      | awk 'BEGIN { prev = 0 } { printf "%s %.3f\n", $1, $2 - prev; prev = $2 }' >>"$TMP/phases"
  done
  printf '| %-12s | %8s |\n' phase median
  printf '|--------------|----------|\n'
  awk '{ if (!($1 in seen)) { order[++n] = $1; seen[$1] = 1 } v[$1] = v[$1] " " $2 }
    END { for (i = 1; i <= n; i++) print order[i], v[order[i]] }' "$TMP/phases" | while read -r name vals; do
    med=$(tr ' ' '\n' <<<"$vals" | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
    printf '| %-12s | %8.3f |\n' "$name" "$med"
  done
  echo "(before \`parse\`: the time from exec to main, which --debug cannot see: run /bin/true's median minus the sum)"
fi
