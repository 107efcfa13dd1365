#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# scale.sh: per-container cost of cell vs crun at N = 10, 100 and 1,000 busybox containers: create time
# (sequential and 8 at a time), list and state with N present, host memory per created and per running
# container, delete -f of all of them; then N containers running on one squashfs image root (cell only).
#
# Usage (as root): tests/bench/scale.sh [--cell PATH] [--quick] [--sizes "10 100 1000"] [--image-n N]
#                                       [--rounds R] [--no-image] [--only-image]
#   --cell PATH    the cell binary to measure (default: build/cell in the source tree)
#   --quick        N = 10 and 100, fewer rounds and runs, 20 containers on the image
#   --sizes LIST   the values of N (default "10 100 1000")
#   --image-n N    containers on one squashfs image (default 100)
#   --rounds R     repeat every measurement R times (default: 5 at N <= 10, 3 at N <= 100, else 2)
# Never part of `make check`: numbers are reported, nothing passes or fails. Everything it makes (containers,
# cgroups below one cgroup of its own, loop devices, files) is removed on exit, on an interrupt included.
set -u

SRCDIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
CELL_BIN=$SRCDIR/build/cell
SIZES="10 100 1000"
IMAGE_N=100
ROUNDS=
HF_RUNS=15
DO_MAIN=1
DO_IMAGE=1
QUICK=0
ORIG_ARGS=("$@")

usage() { sed -n '4,13s/^# \{0,1\}//p' "$0"; }
while [ $# -gt 0 ]; do
  case $1 in
    --cell) [ $# -ge 2 ] || { usage >&2; exit 2; }; CELL_BIN=$2; shift 2 ;;
    --cell=*) CELL_BIN=${1#--cell=}; shift ;;
    --quick) QUICK=1; SIZES="10 100"; IMAGE_N=20; HF_RUNS=5; shift ;;
    --sizes) [ $# -ge 2 ] || { usage >&2; exit 2; }; SIZES=$2; shift 2 ;;
    --image-n) [ $# -ge 2 ] || { usage >&2; exit 2; }; IMAGE_N=$2; shift 2 ;;
    --rounds) [ $# -ge 2 ] || { usage >&2; exit 2; }; ROUNDS=$2; shift 2 ;;
    --no-image) DO_IMAGE=0; shift ;;
    --only-image) DO_MAIN=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "scale: unknown argument \`$1\`" >&2; usage >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" -ne 0 ]; then
  echo "scale: run as root" >&2
  exit 1
fi

. "$SRCDIR/tests/bench/common.sh"
if [ -z "${CELL_BENCH_PRIVATE_NS:-}" ]; then
  bench_tools scale hyperfine:hyperfine crun:crun jq:jq mksquashfs:squashfs-tools busybox:busybox-static || exit 1
fi
# as bench.sh: a private mount namespace without the cgroup2 mount (common.sh)
bench_private_ns scale "$0" "${ORIG_ARGS[@]+"${ORIG_ARGS[@]}"}"

CELL_BIN=$(readlink -f "$CELL_BIN" || echo "$CELL_BIN")
[ -x "$CELL_BIN" ] || { echo "scale: no cell binary at $CELL_BIN" >&2; exit 1; }
BUSYBOX=$(command -v busybox || echo /bin/busybox)
CRUN=$(command -v crun)

TMP=$(mktemp -d /tmp/cell-scale.XXXXXX)
TAG=$(basename "$TMP") # the one cgroup (in every hierarchy) below which all containers live
RUNTIMES=(cell crun)
declare -A BIN=([cell]=$CELL_BIN [crun]=$CRUN)

# --- cleanup: containers, the processes left in our cgroups, the cgroups, loop devices on our files -----
our_loops() { # /sys/block entries of loop devices whose backing file is one of ours
  local l
  for l in /sys/block/loop*; do
    case "$(cat "$l/loop/backing_file" 2>/dev/null)" in "$TMP"/*) echo "$l" ;; esac
  done
}
cleanup() {
  local rt pids h l n
  trap '' INT TERM
  pids=$(jobs -p)
  [ -n "$pids" ] && kill $pids 2>/dev/null
  wait 2>/dev/null
  for rt in "${RUNTIMES[@]}" cell-img; do
    [ -d "$TMP/root-$rt" ] || continue
    # shellcheck disable=SC2011 # container IDs are s1..sN
    ls "$TMP/root-$rt" 2>/dev/null | xargs -r -P 4 -n 1 "${BIN[${rt%-img}]}" --root "$TMP/root-$rt" delete --force \
      >/dev/null 2>&1
  done
  # whatever a runtime killed mid-create left in one of our cgroups is ours: kill it, then remove the cgroups
  for h in /sys/fs/cgroup/*/; do
    [ -d "$h$TAG" ] || continue
    # shellcheck disable=SC2038 # xargs reads pids, not file names
    find "$h$TAG" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -9 2>/dev/null
  done
  sleep 0.2
  for h in /sys/fs/cgroup/*/; do
    [ -d "$h$TAG" ] || continue
    if [ "$(stat -f -c %T "$h")" = tmpfs ]; then
      # the tmpfs dir under the hidden cgroup2 mount: crun 1.8 writes a fake hierarchy there
      rm -rf "${h:?}$TAG"
    else
      find "$h$TAG" -depth -type d -exec rmdir {} + 2>/dev/null
      [ -d "$h$TAG" ] && echo "scale: warning: cannot remove cgroup $h$TAG" >&2
    fi
  done
  grep -o " $TMP/[^ ]*" /proc/self/mountinfo 2>/dev/null | sort -r | while read -r m; do umount -l "$m"; done
  # loop devices clear themselves once their last mount goes; give the kernel a moment, then detach ours
  for _ in $(seq 50); do [ -z "$(our_loops)" ] && break; sleep 0.2; done
  for l in $(our_loops); do
    echo "scale: warning: loop device /dev/${l##*/} still holds $(cat "$l/loop/backing_file"); detaching" >&2
    losetup -d "/dev/${l##*/}" 2>/dev/null
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo "scale: interrupted, cleaning up" >&2; exit 130' INT TERM

# --- the bundles: one busybox rootfs shared read-only, one config.json per container ----------------------
ROOTFS=$TMP/rootfs
mkdir -p "$ROOTFS"/{bin,dev,etc,proc,sys,tmp} "$TMP/tpl"
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for a in sh sleep true; do ln -s busybox "$ROOTFS/bin/$a"; done
(cd "$TMP/tpl" && "$CELL_BIN" spec) || exit 1
# crun 1.8.1 refuses ociVersion 1.2.0; both accept 1.0.0. Each container has its own cgroup below ours.
jq --arg r "$ROOTFS" '.ociVersion = "1.0.0" | .process.terminal = false | .process.args = ["sleep", "1000000"]
  | .root = {"path": $r, "readonly": true} | .linux.cgroupsPath = "@CGROUP@"' "$TMP/tpl/config.json" >"$TMP/tpl/c" \
  || exit 1
TEMPLATE=$(cat "$TMP/tpl/c")

# make_bundles RT N: $TMP/b-RT/sI/config.json for I in 1..N (kept from a smaller N)
make_bundles() {
  local rt=$1 n=$2 i d
  for ((i = 1; i <= n; i++)); do
    d=$TMP/b-$rt/s$i
    [ -e "$d/config.json" ] && continue
    mkdir -p "$d"
    printf '%s\n' "${TEMPLATE//@CGROUP@//$TAG/$rt/s$i}" >"$d/config.json"
  done
}

# --- measuring -----------------------------------------------------------------------------------------
MEMFIELDS="MemAvailable Cached Buffers Shmem AnonPages Slab SUnreclaim KernelStack PageTables"
# A /proc/meminfo snapshot after sync + drop_caches: "TIME_US" then MEMFIELDS in KiB; of 3 drops, the reading
# with the median MemAvailable.
mem_snapshot() {
  local k
  for k in 1 2 3; do
    sync
    echo 3 >/proc/sys/vm/drop_caches
    sleep 0.3
    awk -v t="${EPOCHREALTIME/./}" -v f="$MEMFIELDS" '{ sub(":", "", $1); v[$1] = $2 }
      END { n = split(f, k, " "); printf "%s", t; for (i = 1; i <= n; i++) printf " %s", v[k[i]]; print "" }' /proc/meminfo
  done | sort -k2 -n | sed -n 2p
}
# mem_used N M0 MX M3: KiB per container of each MEMFIELD at MX (MemAvailable: how much less; the others: how
# much more), against a baseline drawn straight from M0 (before the creates) to M3 (after the deletes), so
# that what other processes on the host did meanwhile, when it changed steadily, cancels out
mem_used() {
  awk -v n="$1" -v a="$2" -v x="$3" -v b="$4" 'BEGIN { split(a, A, " "); split(x, X, " "); split(b, B, " ");
    w = (B[1] > A[1]) ? (X[1] - A[1]) / (B[1] - A[1]) : 0
    for (i = 2; i in X; i++) { base = A[i] + (B[i] - A[i]) * w; d = (i == 2) ? base - X[i] : X[i] - base
      printf "%s%.0f", (i > 2 ? " " : ""), d / n }
    print "" }'
}
# memcg_kb RT: what the memory cgroup of all RT's containers is charged (KiB): "usage kmem"
memcg_kb() {
  local c=/sys/fs/cgroup/memory/$TAG/$1
  echo "$(($(cat "$c/memory.usage_in_bytes" 2>/dev/null || echo 0) / 1024)) $(($(cat "$c/memory.kmem.usage_in_bytes" 2>/dev/null || echo 0) / 1024))"
}
# pss_kb RT: the Pss (KiB) of every process in the containers' cgroups of RT
pss_kb() {
  local p t=0 v
  for p in $(cat /sys/fs/cgroup/pids/"$TAG/$1"/*/cgroup.procs 2>/dev/null); do
    v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
# median of the numbers on stdin
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
minmax() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s..%s", lo, hi }'; }
# cgroup directories of RT left in the cgroup hierarchies (its own parent cgroups not counted)
cgroups_left() {
  local h n=0
  for h in /sys/fs/cgroup/*/; do
    [ -d "$h$TAG/$1" ] && [ "$(stat -f -c %T "$h")" != tmpfs ] || continue
    n=$((n + $(find "$h$TAG/$1" -mindepth 1 -type d | wc -l)))
  done
  echo "$n"
}
us() { echo "${EPOCHREALTIME/./}"; }

# create_seq RT N OUTFILE: creates s1..sN one after the other, each one's time (us) into OUTFILE; prints
# the number that failed
create_seq() {
  local rt=$1 n=$2 out=$3 i t0 t1 fails=0 bin=${BIN[$1]} root=$TMP/root-$1
  local -a d=()
  for ((i = 1; i <= n; i++)); do
    t0=${EPOCHREALTIME/./}
    "$bin" --root "$root" create --bundle "$TMP/b-$rt/s$i" "s$i" </dev/null >/dev/null 2>>"$TMP/err-$rt" \
      || fails=$((fails + 1))
    t1=${EPOCHREALTIME/./}
    d+=($((t1 - t0)))
  done
  printf '%s\n' "${d[@]}" >"$out"
  echo "$fails"
}
# each_seq RT N CMD: `RT CMD sI` for I in 1..N, one after the other; prints the total in us
each_seq() {
  local rt=$1 n=$2 cmd=$3 i t0 bin=${BIN[$1]} root=$TMP/root-$1
  t0=$(us)
  for ((i = 1; i <= n; i++)); do
    # shellcheck disable=SC2086
    "$bin" --root "$root" $cmd "s$i" </dev/null >/dev/null 2>>"$TMP/err-$rt"
  done
  echo $(($(us) - t0))
}
# each_par RT N CMD...: the same, 8 at a time; prints the total in us
each_par() {
  local rt=$1 n=$2 t0 bin=${BIN[$1]} root=$TMP/root-$1
  shift 2
  t0=$(us)
  # (xargs gives each command /dev/null as stdin)
  seq "$n" | xargs -P 8 -I "{}" "$bin" --root "$root" "$@" "s{}" >/dev/null 2>>"$TMP/err-$rt"
  echo $(($(us) - t0))
}
hf_median_ms() { # hyperfine's median (ms) of one command, then its mean CPU time (user + system, ms)
  hyperfine -N --style none --warmup 2 --runs "$HF_RUNS" --export-json "$TMP/hf.json" "$1" >/dev/null 2>&1 \
    && jq -r '.results[0] | "\(.median * 1000) \((.user + .system) * 1000)"' "$TMP/hf.json"
}

# cycle RT N ROUND: one round of every measurement; appends one line of KEY=VALUE to $TMP/results
cycle() {
  local rt=$1 n=$2 round=$3 bin=${BIN[$1]} root=$TMP/root-$1
  local m0 m1 m2 m3 cg0 cg1 cg2 fails pfails t_start t_del t_pcreate t_pdel list_ms state_ms pss1 pss2 c_med c_tail
  local list_cpu state_cpu
  local left nl uc ur
  mkdir -p "$root"
  make_bundles "$rt" "$n"
  cg0=$(memcg_kb "$rt")
  m0=$(mem_snapshot)
  fails=$(create_seq "$rt" "$n" "$TMP/create-$rt-$n-$round")
  c_med=$(median <"$TMP/create-$rt-$n-$round")
  # the creates made with at least 90% of the N containers present
  c_tail=$(tail -n "$(((n + 9) / 10))" "$TMP/create-$rt-$n-$round" | median)
  m1=$(mem_snapshot)
  cg1=$(memcg_kb "$rt")
  pss1=$(pss_kb "$rt")
  nl=$("$bin" --root "$root" list 2>/dev/null | wc -l)
  [ "$nl" -eq $((n + 1)) ] || echo "scale: $rt list shows $((nl - 1)) of $n containers" >&2
  read -r list_ms list_cpu < <(hf_median_ms "$bin --root $root list")
  read -r state_ms state_cpu < <(hf_median_ms "$bin --root $root state s$(((n + 1) / 2))")
  t_start=$(each_seq "$rt" "$n" start)
  sleep 0.5
  m2=$(mem_snapshot)
  cg2=$(memcg_kb "$rt")
  pss2=$(pss_kb "$rt")
  t_del=$(each_seq "$rt" "$n" "delete --force")
  left=$(($(ls "$root" | wc -l) + $(cgroups_left "$rt")))
  m3=$(mem_snapshot)
  t_pcreate=$(each_par "$rt" "$n" create --bundle "$TMP/b-$rt/s{}")
  pfails=$((n - $(ls "$root" | wc -l)))
  t_pdel=$(each_par "$rt" "$n" delete --force)
  left=$((left + $(ls "$root" | wc -l) + $(cgroups_left "$rt")))
  uc=$(mem_used "$n" "$m0" "$m1" "$m3")
  ur=$(mem_used "$n" "$m0" "$m2" "$m3")
  echo "n=$n rt=$rt round=$round create=$c_med tail=$c_tail pcreate=$t_pcreate list=$list_ms state=$state_ms" \
    "listcpu=$list_cpu statecpu=$state_cpu" \
    "start=$t_start del=$t_del pdel=$t_pdel fails=$fails pfails=$pfails left=$left" \
    "memC=${uc%% *} memR=${ur%% *} pssC=$((pss1 / n)) pssR=$((pss2 / n))" \
    "cgC=$(((${cg1% *} - ${cg0% *}) / n)) cgR=$(((${cg2% *} - ${cg0% *}) / n))" \
    "kmemC=$(((${cg1#* } - ${cg0#* }) / n)) kmemR=$(((${cg2#* } - ${cg0#* }) / n))" \
    "fieldsC=${uc// /,} fieldsR=${ur// /,}" >>"$TMP/results"
  awk -v rt="$rt" -v n="$n" -v r="$round" -v c="$c_med" -v t="$c_tail" -v p="$t_pcreate" -v l="$list_ms" -v d="$t_del" \
    -v mc="${uc%% *}" -v mr="${ur%% *}" \
    'BEGIN { printf "  %-5s N=%-5s round %s: create %6.2f ms (last tenth %6.2f), 8 at a time %6.1f/s, list %6.2f ms, delete -f %6.2f ms each, KiB per created %s, running %s\n", rt, n, r, c / 1000, t / 1000, n * 1e6 / p, l, d / n / 1000, mc, mr }'
}

# get KEY: the values of KEY in the result lines on stdin, one per line
get() { tr ' ' '\n' | sed -n "s/^$1=//p"; }

rounds_for() {
  if [ -n "$ROUNDS" ]; then echo "$ROUNDS"
  elif [ "$QUICK" = 1 ]; then [ "$1" -le 10 ] && echo 3 || echo 1
  elif [ "$1" -le 10 ]; then echo 5
  elif [ "$1" -le 100 ]; then echo 3
  else echo 2
  fi
}

report_main() {
  local n rt f c t p l s lc sc st de pd mc mr pc pr cc cr fl i k w
  echo
  echo "## per-container cost, cell vs crun (medians over the rounds)"
  echo
  printf '| %5s | %-4s | %6s | %6s | %6s | %6s | %6s | %6s | %6s | %6s | %7s | %7s | %-16s | %-16s | %5s | %5s | %5s | %5s | %5s |\n' \
    N rt create tail 'par/s' list 'l cpu' state 's cpu' start delete par-del 'created KiB' 'running KiB' cgC cgR PssC \
    PssR fails
  printf '|------:|------|-------:|-------:|-------:|-------:|-------:|-------:|-------:|-------:|--------:|--------:|------------------|------------------|------:|------:|------:|------:|------:|\n'
  for n in $SIZES; do
    for rt in "${RUNTIMES[@]}"; do
      f=$TMP/r-$rt-$n
      grep -E "^n=$n rt=$rt " "$TMP/results" >"$f" || continue
      c=$(get create <"$f" | awk '{ print $1 / 1000 }' | median)
      t=$(get tail <"$f" | awk '{ print $1 / 1000 }' | median)
      p=$(get pcreate <"$f" | awk -v n="$n" '{ print n * 1e6 / $1 }' | median)
      l=$(get list <"$f" | median)
      s=$(get state <"$f" | median)
      lc=$(get listcpu <"$f" | median)
      sc=$(get statecpu <"$f" | median)
      st=$(get start <"$f" | awk -v n="$n" '{ print $1 / n / 1000 }' | median)
      de=$(get del <"$f" | awk -v n="$n" '{ print $1 / n / 1000 }' | median)
      pd=$(get pdel <"$f" | awk -v n="$n" '{ print $1 / n / 1000 }' | median)
      mc=$(get memC <"$f")
      mr=$(get memR <"$f")
      cc=$(get cgC <"$f" | median)
      cr=$(get cgR <"$f" | median)
      pc=$(get pssC <"$f" | median)
      pr=$(get pssR <"$f" | median)
      fl=$({ get fails <"$f"; get pfails <"$f"; } | awk '{ s += $1 } END { print s + 0 }')
      printf '| %5s | %-4s | %6.2f | %6.2f | %6.0f | %6.2f | %6.2f | %6.2f | %6.2f | %6.2f | %7.2f | %7.2f | %-16s | %-16s | %5s | %5s | %5s | %5s | %5s |\n' \
        "$n" "$rt" "$c" "$t" "$p" "$l" "$lc" "$s" "$sc" "$st" "$de" "$pd" \
        "$(median <<<"$mc") [$(minmax <<<"$mc")]" "$(median <<<"$mr") [$(minmax <<<"$mr")]" "$cc" "$cr" "$pc" "$pr" "$fl"
    done
  done
  cat <<'EOF'

create: ms per `create` (median of the N creates); tail: the same for the last tenth (90-100% of the N
present); par/s: containers created per second 8 at a time; list, state: ms (hyperfine median) with N
present; l cpu, s cpu: their CPU time (user + system, ms, hyperfine's mean; steadier than the wall
time on a shared host); start, delete, par-del: ms per container (start and delete -f one after the
other, delete -f 8 at a time); created, running KiB: host memory per container, MemAvailable after sync + drop_caches against a
baseline drawn from before the creates to after the deletes, divided by N, median [min..max] over the
rounds (the spread is the noise of a shared host); cgC, cgR: what the containers' memory cgroups are
charged, KiB per container (kernel memory included; not what the runtime allocated outside them); PssC,
PssR: Pss (KiB) of the processes in the containers' cgroups per container; fails: failed creates, all rounds.
EOF
  # where the memory goes at the largest N: each meminfo field's change per container (median over rounds)
  n=${SIZES##* }
  echo
  echo "## memory per container at N=$n by /proc/meminfo field and memory cgroup (KiB, median over rounds)"
  echo
  printf '| %-4s | %-8s |' rt state
  for k in $MEMFIELDS memcg kmem; do printf ' %s |' "$k"; done
  echo
  printf '|------|----------|'
  for k in $MEMFIELDS memcg kmem; do printf '%s:|' "$(printf '%*s' "${#k}" '' | tr ' ' -)-"; done
  echo
  for rt in "${RUNTIMES[@]}"; do
    f=$TMP/r-$rt-$n
    [ -s "$f" ] || continue
    for w in C R; do
      printf '| %-4s | %-8s |' "$rt" "$([ "$w" = C ] && echo created || echo running)"
      i=0
      for k in $MEMFIELDS; do
        i=$((i + 1))
        printf " %${#k}s |" "$(get "fields$w" <"$f" | cut -d, -f"$i" | median)"
      done
      printf ' %5s | %4s |\n' "$(get "cg$w" <"$f" | median)" "$(get "kmem$w" <"$f" | median)"
    done
  done
  echo "(MemAvailable: how much less is available; the other fields: how much more is used)"
}

# --- N containers running on one squashfs image (cell) against the same on the plain directory ---------
image_loops() { # loop devices whose backing file is the image
  local l
  for l in /sys/block/loop*; do
    [ "$(cat "$l/loop/backing_file" 2>/dev/null)" = "$TMP/img/root.sqfs" ] && echo "${l##*/}"
  done
}
# image_kind KIND N ROUND: N containers of KIND (dir, image, image-ro) run detached and deleted; one line of
# KEY=VALUE to $TMP/img-results
image_kind() {
  local kind=$1 n=$2 round=$3 root=$TMP/root-cell-img i rb t0 m0 m1 m2 cg0 cg1 pss loops maxl=0 t_del settle u
  local -a d=()
  mkdir -p "$root"
  for ((i = 1; i <= n; i++)); do
    rb=$TMP/bi-$kind/s$i
    [ -e "$rb/config.json" ] && continue
    mkdir -p "$rb"
    case $kind in
      dir) printf '%s\n' "${TEMPLATE//@CGROUP@//$TAG/img/s$i}" >"$rb/config.json" ;;
      image | image-ro)
        jq --arg p "$TMP/img/root.sqfs" --argjson ro "$([ "$kind" = image-ro ] && echo true || echo false)" \
          '.root = {"path": $p, "readonly": $ro}' <<<"${TEMPLATE//@CGROUP@//$TAG/img/s$i}" >"$rb/config.json"
        ;;
    esac
  done
  cg0=$(memcg_kb img)
  m0=$(mem_snapshot)
  for ((i = 1; i <= n; i++)); do
    t0=${EPOCHREALTIME/./}
    "$CELL_BIN" --root "$root" run --detach --bundle "$TMP/bi-$kind/s$i" "s$i" </dev/null >/dev/null 2>>"$TMP/err-img" \
      || echo "scale: image: $kind s$i failed: $(tail -n1 "$TMP/err-img")" >&2
    d+=($((${EPOCHREALTIME/./} - t0)))
    if [ $((i % 10)) = 0 ]; then
      loops=$(image_loops | wc -l)
      [ "$loops" -gt "$maxl" ] && maxl=$loops
    fi
  done
  loops=$(image_loops | wc -l)
  sleep 0.5
  m1=$(mem_snapshot)
  cg1=$(memcg_kb img)
  pss=$(pss_kb img)
  t0=$(us)
  for ((i = 1; i <= n; i++)); do
    "$CELL_BIN" --root "$root" delete --force "s$i" </dev/null >/dev/null 2>>"$TMP/err-img"
  done
  t_del=$(($(us) - t0))
  t0=$(us)
  for _ in $(seq 200); do [ -z "$(image_loops)" ] && break; sleep 0.05; done
  settle=$(($(us) - t0))
  [ -z "$(ls "$root")" ] || echo "scale: image: containers left after delete -f: $(ls "$root" | head -n 3)" >&2
  [ -z "$(image_loops)" ] || echo "scale: image: loop devices still on the image: $(image_loops | head -n 3)" >&2
  m2=$(mem_snapshot)
  u=$(mem_used "$n" "$m0" "$m1" "$m2")
  echo "kind=$kind round=$round create=$(printf '%s\n' "${d[@]}" | median)" \
    "first=$(printf '%s\n' "${d[@]:0:10}" | median) last=$(printf '%s\n' "${d[@]: -10}" | median)" \
    "loops=$loops maxloops=$maxl del=$t_del settle=$settle fields=${u// /,}" \
    "cg=$(((${cg1% *} - ${cg0% *}) / n)) pss=$((pss / n))" >>"$TMP/img-results"
  printf '  %-8s round %s: %s ms per run --detach, %s loop devices, %s KiB per container\n' "$kind" "$round" \
    "$(printf '%s\n' "${d[@]}" | median | awk '{ print $1 / 1000 }')" "$loops" "${u%% *}"
}

image_scale() {
  local n=$IMAGE_N kind r rounds f i k
  mkdir -p "$TMP/img"
  mksquashfs "$ROOTFS" "$TMP/img/root.sqfs" -noappend -quiet -no-progress >/dev/null || return 1
  rounds=$(rounds_for "$n")
  echo "scale: $n containers on one squashfs image, $rounds round(s)"
  : >"$TMP/img-results"
  for ((r = 1; r <= rounds; r++)); do
    for kind in dir image image-ro; do image_kind "$kind" "$n" "$r"; done
  done
  echo
  echo "## $n containers running \`sleep\` on one squashfs image (cell) and on the directory (medians over rounds)"
  echo
  printf '| %-8s | %6s | %7s | %6s | %5s | %9s | %-16s | %6s | %7s | %5s | %5s | %5s | %6s | %7s |\n' root create first10 \
    last10 loops 'max loops' 'memory KiB' Cached Buffers Slab cg Pss delete settled
  printf '|----------|-------:|--------:|-------:|------:|----------:|------------------|-------:|--------:|------:|------:|------:|-------:|--------:|\n'
  for kind in dir image image-ro; do
    f=$TMP/ir-$kind
    grep "^kind=$kind " "$TMP/img-results" >"$f" || continue
    local mem cached bufs slab
    mem=$(get fields <"$f" | cut -d, -f1)
    cached=$(get fields <"$f" | cut -d, -f2 | median)
    bufs=$(get fields <"$f" | cut -d, -f3 | median)
    slab=$(get fields <"$f" | cut -d, -f6 | median)
    printf '| %-8s | %6.2f | %7.2f | %6.2f | %5s | %9s | %-16s | %6s | %7s | %5s | %5s | %5s | %6.2f | %7.0f |\n' "$kind" \
      "$(get create <"$f" | median | awk '{ print $1 / 1000 }')" "$(get first <"$f" | median | awk '{ print $1 / 1000 }')" \
      "$(get last <"$f" | median | awk '{ print $1 / 1000 }')" "$(get loops <"$f" | median)" \
      "$(get maxloops <"$f" | median)" "$(median <<<"$mem") [$(minmax <<<"$mem")]" "$cached" "$bufs" "$slab" \
      "$(get cg <"$f" | median)" "$(get pss <"$f" | median)" \
      "$(get del <"$f" | median | awk -v n="$n" '{ print $1 / n / 1000 }')" \
      "$(get settle <"$f" | median | awk '{ print $1 / 1000 }')"
  done
  cat <<EOF

create: ms per \`run --detach\` (median; first10, last10: of the first and the last ten of the $n); loops:
loop devices backed by the image with all $n running (max loops: the most seen while they were created);
memory KiB: MemAvailable per container (after drop_caches, baseline from before the first create to after
the loop devices went; median [min..max] over rounds); Cached, Buffers, Slab: their growth per container
(KiB); cg: the containers' memory cgroups' charge per container; Pss: of the containers' processes per
container; delete: ms per \`delete -f\`; settled: ms from the last delete until no loop device holds the
image. dir: the same containers on the directory rootfs (read-only bind); image: root.readonly false (an
overlay with a tmpfs upper on the squashfs); image-ro: the squashfs alone.
EOF
  [ -s "$TMP/err-img" ] && { echo "scale: cell said (image; first lines):"; sort "$TMP/err-img" | uniq -c | sort -rn | head -n 5; }
}

echo "scale: $("$CELL_BIN" --version | head -n1), $("$CRUN" --version | head -n1); $(nproc) CPUs, kernel $(uname -r)"
echo "scale: working in $TMP, cgroups below /$TAG"
: >"$TMP/results"
# both runtimes must be able to run the bundle at all
for rt in "${RUNTIMES[@]}"; do
  make_bundles "$rt" 1
  mkdir -p "$TMP/root-$rt"
  if ! "${BIN[$rt]}" --root "$TMP/root-$rt" create --bundle "$TMP/b-$rt/s1" s1 </dev/null >/dev/null 2>"$TMP/check-$rt"; then
    echo "scale: $rt cannot create the bundle: $(head -n 3 "$TMP/check-$rt")" >&2
    exit 1
  fi
  "${BIN[$rt]}" --root "$TMP/root-$rt" delete --force s1 >/dev/null 2>&1
done

if [ "$DO_MAIN" = 1 ]; then
  for n in $SIZES; do
    rounds=$(rounds_for "$n")
    echo "scale: N=$n, $rounds round(s)"
    for ((r = 1; r <= rounds; r++)); do
      # alternate which runtime goes first
      if [ $((r % 2)) = 1 ]; then order=(cell crun); else order=(crun cell); fi
      for rt in "${order[@]}"; do cycle "$rt" "$n" "$r"; done
    done
  done
  report_main
  for rt in "${RUNTIMES[@]}"; do
    [ -s "$TMP/err-$rt" ] && { echo "scale: $rt said (first lines):"; sort "$TMP/err-$rt" | uniq -c | sort -rn | head -n 5; }
  done
  get left <"$TMP/results" | grep -qv '^0$' \
    && echo "scale: containers or cgroups left behind after delete -f: $(grep -v ' left=0 ' "$TMP/results" | cut -d' ' -f1-3)"
  # crun 1.8 also writes a fake cgroup2 tree into the tmpfs under the hidden /sys/fs/cgroup/unified
  for rt in "${RUNTIMES[@]}"; do
    [ -d "/sys/fs/cgroup/unified/$TAG/$rt" ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified)" = tmpfs ] \
      && echo "scale: $rt left $(find "/sys/fs/cgroup/unified/$TAG/$rt" -mindepth 1 -type d | wc -l) directories in the tmpfs under the hidden /sys/fs/cgroup/unified (removed)"
  done
fi
[ "$DO_IMAGE" = 1 ] && image_scale
exit 0
