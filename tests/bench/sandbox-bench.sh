#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sandbox-bench.sh: `cell sandbox` against bubblewrap and the floor (unshare -mpfi --mount-proc true), side
# by side in one hyperfine run, on issue 14's command line; then peak RSS (GNU time, median of 21 runs) and
# where cell's time goes (its --debug phase timestamps, medians).
#
# Usage: tests/bench/sandbox-bench.sh [--cell PATH] [--quick] [--user]
#   --cell PATH   the cell binary to measure (default: build/cell in the source tree)
#   --quick       30 runs instead of 300
#   --user        run everything as an unprivileged user made for the run (bwrap then makes a user namespace,
#                 as cell does); default: as root
# Never part of `make check`: numbers are reported, nothing passes or fails.
set -eu

SRCDIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
CELL_BIN=$SRCDIR/build/cell
RUNS=300
WARMUP=20
AS_USER=

while [ $# -gt 0 ]; do
  case $1 in
    --cell)
      [ $# -ge 2 ] || { echo "sandbox-bench: --cell needs a path" >&2; exit 2; }
      CELL_BIN=$2
      shift 2
      ;;
    --cell=*)
      CELL_BIN=${1#--cell=}
      shift
      ;;
    --quick)
      RUNS=30
      shift
      ;;
    --user)
      AS_USER=1
      shift
      ;;
    -h | --help)
      sed -n '4,12s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *)
      echo "sandbox-bench: unknown argument \`$1\`" >&2
      exit 2
      ;;
  esac
done

. "$SRCDIR/tests/bench/common.sh"
bench_tools sandbox-bench hyperfine:hyperfine bwrap:bubblewrap jq:jq /usr/bin/time:time || exit 1

TMP=$(mktemp -d /tmp/cell-sandbox-bench.XXXXXX)
chmod 0755 "$TMP"
user=
cleanup() {
  [ -n "$user" ] && userdel "$user" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
# a copy, so that an unprivileged user can run it whatever the source tree's permissions
install -m 0755 "$(readlink -f "$CELL_BIN")" "$TMP/cell"
RUN=()
if [ -n "$AS_USER" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "sandbox-bench: --user needs root (it makes the user)" >&2; exit 1; }
  user=cellbench$$
  useradd --system --no-create-home --home-dir "$TMP" --shell /bin/sh "$user"
  RUN=(runuser -u "$user" --)
fi
cd "$TMP"

ARGS="--ro-bind / / --proc /proc --dev /dev --tmpfs /tmp --unshare-pid --unshare-ipc --die-with-parent --new-session /bin/true"
CMDS=(-n cell "$TMP/cell sandbox $ARGS" -n bwrap "bwrap $ARGS" -n floor "unshare -mpfi --mount-proc true")
if [ -n "$AS_USER" ]; then
  # unprivileged: the floor needs its own user namespace too
  CMDS=(-n cell "$TMP/cell sandbox $ARGS" -n bwrap "bwrap $ARGS" -n floor "unshare -rmpfi --mount-proc true")
fi
for c in "$TMP/cell sandbox $ARGS" "bwrap $ARGS"; do
  if ! "${RUN[@]}" $c; then
    echo "sandbox-bench: \`$c\` failed" >&2
    exit 1
  fi
done

echo "=== $ARGS (${RUNS} runs, ${WARMUP} warmup$([ -n "$AS_USER" ] && echo ', unprivileged')) ==="
"${RUN[@]}" hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --style basic --export-json "$TMP/h.json" \
  --export-markdown "$TMP/h.md" "${CMDS[@]}"
echo
cat "$TMP/h.md"
median_ms() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$TMP/h.json"; }
echo
printf '| %-6s | %12s |\n' what 'median (ms)'
printf '|--------|--------------|\n'
for n in cell bwrap floor; do
  printf '| %-6s | %12.2f |\n' "$n" "$(median_ms "$n")"
done
awk -v c="$(median_ms cell)" -v b="$(median_ms bwrap)" -v f="$(median_ms floor)" \
  'BEGIN { printf "cell/bwrap median ratio: %.2f\ncell/floor median ratio: %.2f\n", c / b, c / f }'

# Peak RSS: GNU time's maximum over the process and the children it waited for; median of 21 runs.
rss() {
  for _ in $(seq 21); do
    "${RUN[@]}" /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1
  done | sort -n | sed -n 11p
}
echo
echo "## peak RSS (KiB, median of 21 runs)"
echo
printf '| %-6s | %8s |\n' what 'max RSS'
printf '|--------|----------|\n'
# shellcheck disable=SC2086
printf '| %-6s | %8s |\n' cell "$(rss "$TMP/cell" sandbox $ARGS)"
# shellcheck disable=SC2086
printf '| %-6s | %8s |\n' bwrap "$(rss bwrap $ARGS)"

# Where cell's time goes: its phases (each the time since the one before), medians over 50 runs.
echo
echo "## cell sandbox by phase (--debug timestamps, median of 50 runs, ms)"
echo
: >"$TMP/phases"
for _ in $(seq 50); do
  # shellcheck disable=SC2086
  "${RUN[@]}" "$TMP/cell" --debug sandbox $ARGS 2>&1 >/dev/null | grep -o 'phase [a-z-]* [0-9.]* ms' \
    | awk 'BEGIN { prev = 0 } { k[$2]++; name = $2 (k[$2] > 1 ? k[$2] : ""); printf "%s %.3f\n", name, $3 - prev; prev = $3 }' \
      >>"$TMP/phases" || true
done
printf '| %-12s | %8s |\n' phase median
printf '|--------------|----------|\n'
awk '{ if (!($1 in seen)) { order[++n] = $1; seen[$1] = 1 } v[$1] = v[$1] " " $2 }
  END { for (i = 1; i <= n; i++) print order[i], v[order[i]] }' "$TMP/phases" | while read -r name vals; do
  med=$(tr ' ' '\n' <<<"$vals" | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  printf '| %-12s | %8.3f |\n' "$name" "$med"
done
echo "(each phase: the time since the one before, from main; mounts2: the mounts after the masks)"
