#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# run.sh: runs each libFuzzer target for a bounded time from its seed corpus; TAP output, one test per
# target; fails when any target crashed (a sanitizer report, a broken invariant, a leak, a timeout, or the
# code under test touching the filesystem).
#
# Usage, from a build tree configured with `--enable-fuzzing CC=clang` (after `make`):
#   ../tests/fuzz/run.sh [SECONDS] [TARGET...]     SECONDS per target (default 60); TARGET: spec, state, ...
# Environment: CELL_BUILDDIR (default: the current directory), CELL_FUZZ_ARTIFACTS (where crashing inputs
# go; default $CELL_BUILDDIR/tests/fuzz/artifacts), CELL_FUZZ_KEEP=DIR keeps the grown corpora in DIR.
# The seeds in tests/fuzz/corpus/TARGET and the dictionary tests/fuzz/TARGET.dict are only read. To replay
# a crash with a symbolized stack:
#   CELL_FUZZ_NO_GUARD=1 tests/fuzz/fuzz-TARGET ARTIFACT
set -u

SRCDIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
BUILDDIR=${CELL_BUILDDIR:-$PWD}
SECONDS_EACH=${1:-60}
[ $# -gt 0 ] && shift
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(spec mount-opts state ids sandbox)
ARTIFACTS=${CELL_FUZZ_ARTIFACTS:-$BUILDDIR/tests/fuzz/artifacts}

case $SECONDS_EACH in
  '' | *[!0-9]*)
    echo "usage: $0 [SECONDS] [TARGET...]" >&2
    exit 2
    ;;
esac
for t in "${TARGETS[@]}"; do
  if [ ! -x "$BUILDDIR/tests/fuzz/fuzz-$t" ] || [ ! -d "$SRCDIR/tests/fuzz/corpus/$t" ]; then
    echo "$0: no $BUILDDIR/tests/fuzz/fuzz-$t or seeds tests/fuzz/corpus/$t: build with" \
      "\`./configure --enable-fuzzing CC=clang && make\` and run from the build tree (or set CELL_BUILDDIR)" >&2
    exit 2
  fi
done

WORK=$(mktemp -d /tmp/cell-fuzz.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$ARTIFACTS"

echo "1..${#TARGETS[@]}"
n=0 failed=0
for t in "${TARGETS[@]}"; do
  n=$((n + 1))
  corpus=${CELL_FUZZ_KEEP:+$CELL_FUZZ_KEEP/$t}
  corpus=${corpus:-$WORK/corpus-$t}
  mkdir -p "$corpus"
  log=$WORK/$t.log
  dict=()
  [ -f "$SRCDIR/tests/fuzz/$t.dict" ] && dict=(-dict="$SRCDIR/tests/fuzz/$t.dict")
  # The first corpus directory receives new inputs; the seeds are read only. Leaks fail (libFuzzer's
  # -detect_leaks is on with ASan); -timeout catches hangs, -rss_limit_mb runaway memory. No symbolizer
  # here (the guard stops it, a crash is replayed below without the guard for a symbolized stack).
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=0} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$BUILDDIR/tests/fuzz/fuzz-$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$t-" "${dict[@]}" \
    "$corpus" "$SRCDIR/tests/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ "$rc" -eq 0 ]; then
    echo "ok $n - fuzz-$t: ${SECONDS_EACH}s, ${runs:-?} inputs, ${cov:-cov: ?}"
    continue
  fi
  failed=$((failed + 1))
  echo "not ok $n - fuzz-$t: exit status $rc after ${runs:-?} inputs"
  grep -E '^(==[0-9]+== ?ERROR|SUMMARY|fuzz: |artifact_prefix|Base64)|runtime error' "$log" | head -20 | sed 's/^/# /'
  artifact=$(sed -n "s/.*Test unit written to \(.*\)$/\1/p" "$log" | tail -1)
  if [ -n "$artifact" ] && [ -f "$artifact" ]; then
    echo "# replayed without the no-filesystem guard: CELL_FUZZ_NO_GUARD=1 tests/fuzz/fuzz-$t $artifact"
    CELL_FUZZ_NO_GUARD=1 "$BUILDDIR/tests/fuzz/fuzz-$t" "$artifact" 2>&1 \
      | grep -vE '^(INFO|Running|Executed|\*\*\*|fuzz: running without)|^ *0x[0-9a-f]+: |^ *$' | head -40 | sed 's/^/#   /'
  else
    tail -n 40 "$log" | sed 's/^/#   /'
  fi
done
[ "$failed" -eq 0 ]
