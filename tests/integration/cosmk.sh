#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# cosmk.sh: the cosmk SDK's real config.json (shared fixture) runs as written, host paths aside.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 6

FIXTURE=${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/unit/data/spec/cosmk-config.json
[ -r "$FIXTURE" ] || FIXTURE=${SHARED_DIR:-/work/shared}/fixtures/cosmk-config.json

B=$(make_bundle cosmk)
SRC=$CELL_TEST_TMP/cosmk-src
mkdir -p "$SRC"
echo cosmk-marker >"$SRC/marker"
# The fixture as is, but: the rootfs is the bundle's busybox, host paths this machine lacks become SRC,
# and the process is the probe.
jq --arg root "$B/rootfs" --arg src "$SRC" '
  .root.path = $root
  | .mounts |= map(if (.source | startswith("/")) then .source = $src else . end)
  | .process.args = ["cell-helper", "ids"]' "$FIXTURE" >"$B/config.json"
while read -r s; do
  [ -e "$s" ] || echo "# fixture mount source $s replaced by $SRC"
done < <(jq -r '.mounts[].source | select(startswith("/"))' "$FIXTURE")

ids() { jq -r --arg k "$1" '.process.user[$k] as $v | "\($v),\($v),\($v),\($v)"' "$FIXTURE"; }
out=$(cellr run --bundle "$B" cosmk1-$$ </dev/null)
rc=$?
tap_is "rc=$rc $(grep -E '^(uid|gid)=' <<<"$out" | tr '\n' ' ')" "rc=0 uid=$(ids uid) gid=$(ids gid) " \
  "the cosmk config runs and the process has the config's user"

# The capability sets, from the names in the fixture and the numbers in <linux/capability.h>.
capmask() {
  jq -r --arg set "$1" '.process.capabilities[$set] // [] | .[]' "$FIXTURE" | python3 -c '
import re, sys
nums = {}
for line in open("/usr/include/linux/capability.h"):
    m = re.match(r"#define\s+(CAP_[A-Z_]+)\s+(\d+)\s*$", line)
    if m:
        nums[m.group(1)] = int(m.group(2))
mask = 0
for name in sys.stdin.read().split():
    mask |= 1 << nums[name]
print("%016x" % mask)'
}
bundle_set "$B" '.process.args = ["cell-helper", "caps"]'
out=$(cellr run --bundle "$B" cosmk2-$$ </dev/null)
want="CapInh=$(capmask inheritable) CapPrm=$(capmask permitted) CapEff=$(capmask effective) CapBnd=$(capmask bounding)"
tap_is "$(grep -E '^Cap(Inh|Prm|Eff|Bnd)=' <<<"$out" | tr '\n' ' ')" "$want " \
  "the capability sets are the config's"
# runtime-spec: unknown properties MUST be ignored, so the misspelt `ambiant` sets nothing.
tap_is "$(grep -E '^(CapAmb|NoNewPrivs)=' <<<"$out" | tr '\n' ' ')" "CapAmb=0000000000000000 NoNewPrivs=1 " \
  "the misspelt \`ambiant\` key is ignored and noNewPrivileges is set"

bundle_set "$B" '.process.args = ["sh", "-c", "cell-helper mountinfo; cat /mnt/src/marker; hostname"]'
out=$(cellr run --bundle "$B" cosmk3-$$ </dev/null)
tap_like "$(awk '$5 == "/mnt/src" { print $6 }' <<<"$out")" '(^|,)ro(,|$)' "the config's bind mount is at /mnt/src, read-only"
tap_is "$(tail -2 <<<"$out" | tr '\n' ' ')" "cosmk-marker $(jq -r .hostname "$FIXTURE") " \
  "the bind mount shows the host directory and the hostname is the config's"

tap_result "$(state_empty; echo $?)" "nothing is left in the state root"
