#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# run.sh: the mutation check, run by hand (never in CI; as root, like `make check`): applies each break of
# tests/mutation/breaks.list alone to a scratch copy of the tree, runs the tests the entry names, and says
# whether they caught it; then the score "caught N of M".
#
# Usage: tests/mutation/run.sh [-k] [-l LIST] [PATTERN...]
#   PATTERN   only the breaks whose description contains one of the patterns (fixed strings)
#   -k        keep the scratch tree (/tmp/cell-mutation.*) and its test logs
#   -l LIST   another list file (default tests/mutation/breaks.list)
# The working tree is only read: the copy holds its tracked and untracked (not ignored) files as they are,
# committed or not. A test counts as failing when it passed on the unbroken copy (baseline) and fails with
# the break, or when a script that ran cleanly errors out; tests that already fail at the baseline are
# reported and never count.
set -u

SRCDIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
LIST=$SRCDIR/tests/mutation/breaks.list
KEEP=0
while getopts kl: o; do
  case $o in
    k) KEEP=1 ;;
    l) LIST=$(readlink -f "$OPTARG") ;;
    *)
      echo "usage: $0 [-k] [-l LIST] [PATTERN...]" >&2
      exit 2
      ;;
  esac
done
shift $((OPTIND - 1))
PATTERNS=("$@")
JOBS=$(nproc 2>/dev/null || echo 2)

say() { printf '==> %s\n' "$*" >&2; }

# The entries: WHAT :: FILE :: FIND :: REPLACE :: TESTS
WHATS=() FILES=() FINDS=() REPLS=() TESTSS=()
while IFS= read -r line || [ -n "$line" ]; do
  case $line in '#'* | '') continue ;; esac
  rest=$line
  fields=()
  while [[ $rest == *' :: '* ]]; do
    fields+=("${rest%%' :: '*}")
    rest=${rest#*' :: '}
  done
  fields+=("$rest")
  if [ ${#fields[@]} -ne 5 ]; then
    echo "$LIST: not five fields: $line" >&2
    exit 2
  fi
  if [ ${#PATTERNS[@]} -gt 0 ]; then
    match=0
    for p in "${PATTERNS[@]}"; do [[ ${fields[0]} == *"$p"* ]] && match=1; done
    [ $match -eq 1 ] || continue
  fi
  WHATS+=("${fields[0]}") FILES+=("${fields[1]}") FINDS+=("${fields[2]}") REPLS+=("${fields[3]}")
  TESTSS+=("${fields[4]}")
done <"$LIST"
[ ${#WHATS[@]} -gt 0 ] || {
  echo "$0: no breaks selected from $LIST" >&2
  exit 2
}

SCRATCH=$(mktemp -d /tmp/cell-mutation.XXXXXX)
TREE=$SCRATCH/cell
cleanup() {
  if [ $KEEP -eq 1 ]; then
    say "kept $SCRATCH"
  else
    rm -rf "$SCRATCH"
  fi
}
trap cleanup EXIT

say "copying the tree to $TREE"
mkdir -p "$TREE"
(cd "$SRCDIR" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -C "$TREE" -xf -
# make check passes SHARED_DIR=$(abs_top_srcdir)/../shared
[ -d "$SRCDIR/../shared" ] && ln -s "$(readlink -f "$SRCDIR/../shared")" "$SCRATCH/shared"

say "building (configure --enable-werror)"
(cd "$TREE" && autoreconf -fi && mkdir -p build && cd build && ../configure --enable-werror && make -j"$JOBS") \
  >"$SCRATCH/build.log" 2>&1 || {
  tail -30 "$SCRATCH/build.log" >&2
  echo "$0: the unbroken tree does not build (log above)" >&2
  exit 1
}

# result_base TEST: where automake puts TEST's .log and .trs (TEST_EXTENSIONS = .sh: config.sh's are
# config.log and config.trs; a unit test's are test-state.log and test-state.trs).
result_base() { echo "$TREE/build/${1%.sh}"; }

# failing_tests TESTS...: after `make check TESTS=...`, one line per failing test ("SCRIPT N") and per
# script that errored out ("SCRIPT ERROR").
failing_tests() {
  local t trs
  for t in "$@"; do
    trs=$(result_base "$t").trs
    if [ ! -f "$trs" ]; then
      echo "$t ERROR"
      continue
    fi
    grep -q '^:test-result: ERROR' "$trs" && echo "$t ERROR"
    sed -n 's/^not ok \([0-9]*\).*/\1/p' "$(result_base "$t").log" | sed "s|^|$t |"
  done
}

run_tests() {
  # shellcheck disable=SC2086 # TESTS is a list
  (cd "$TREE/build" && make -j"$JOBS" check TESTS="$*" >/dev/null 2>&1)
  return 0
}

# Baseline: every test named anywhere, on the unbroken copy.
ALL_TESTS=$(printf '%s\n' "${TESTSS[@]}" | tr ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' ')
say "baseline: $ALL_TESTS"
# shellcheck disable=SC2086
run_tests $ALL_TESTS
# shellcheck disable=SC2086
BASELINE=$(failing_tests $ALL_TESTS)
if [ -n "$BASELINE" ]; then
  echo "baseline failures (never counted as catching a break):"
  printf '%s\n' "$BASELINE" | while read -r t n; do
    desc=$(grep -m1 "^not ok $n " "$(result_base "$t").log" 2>/dev/null)
    echo "  $t: ${desc:-$n}"
  done
fi

caught=0 total=0 stale=0 nobuild=0
missed=()
for i in "${!WHATS[@]}"; do
  what=${WHATS[$i]} file=$TREE/${FILES[$i]}
  if [ ! -f "$file" ]; then
    printf 'STALE      %s (no file %s)\n' "$what" "${FILES[$i]}"
    stale=$((stale + 1))
    continue
  fi
  cp -p "$file" "$SCRATCH/orig"
  if ! python3 - "$file" "${FINDS[$i]}" "${REPLS[$i]}" <<'EOF'; then
import sys
path, find, repl = sys.argv[1:4]
text = open(path).read()
if text.count(find) != 1:
    sys.exit(1)
open(path, "w").write(text.replace(find, repl))
EOF
    printf 'STALE      %s (the text to replace is not exactly once in %s)\n' "$what" "${FILES[$i]}"
    stale=$((stale + 1))
    continue
  fi
  if ! (cd "$TREE/build" && make -j"$JOBS") >"$SCRATCH/break-$i.build.log" 2>&1; then
    printf 'NO BUILD   %s (%s)\n' "$what" "$(grep -m1 'error' "$SCRATCH/break-$i.build.log")"
    nobuild=$((nobuild + 1))
    cp -p "$SCRATCH/orig" "$file"
    touch "$file"
    continue
  fi
  read -r -a tests <<<"${TESTSS[$i]}"
  run_tests "${tests[@]}"
  new=$(comm -13 <(printf '%s\n' "$BASELINE" | sort) <(failing_tests "${tests[@]}" | sort) | grep -v '^$')
  total=$((total + 1))
  if [ -n "$new" ]; then
    caught=$((caught + 1))
    first=$(printf '%s\n' "$new" | head -1)
    t=${first% *} n=${first##* }
    if [ "$n" = ERROR ]; then
      desc="$t errored"
    else
      desc=$(grep -m1 "^not ok $n " "$(result_base "$t").log" | sed "s|^not ok|$t:|")
    fi
    printf 'caught     %s (%d failing; first: %s)\n' "$what" "$(printf '%s\n' "$new" | wc -l)" "$desc"
  else
    printf 'NOT CAUGHT %s (%s)\n' "$what" "${TESTSS[$i]}"
    missed+=("$what")
  fi
  [ $KEEP -eq 1 ] && for t in "${tests[@]}"; do cp "$(result_base "$t").log" "$SCRATCH/break-$i.${t##*/}.log" 2>/dev/null; done
  # Restore, newer than the objects built from the break.
  cp "$SCRATCH/orig" "$file"
  touch "$file"
done

# Leave the copy built as it was (a later break starts from the unbroken binary).
echo
[ $stale -gt 0 ] && echo "$stale stale entries (update $LIST)"
[ $nobuild -gt 0 ] && echo "$nobuild entries do not build"
if [ ${#missed[@]} -gt 0 ]; then
  echo "not caught:"
  printf '  %s\n' "${missed[@]}"
fi
echo "caught $caught of $total"
[ "$caught" -eq "$total" ] && [ $stale -eq 0 ] && [ $nobuild -eq 0 ]
