#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# schema.sh: what cell writes (spec, features, state, list) validates against schema/, and the inputs of
# real clients (the cosmk fixture) validate against the config schema.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"

PY=
for p in /usr/bin/python3 python3; do
  if "$p" -c 'import jsonschema' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
  echo "1..0 # SKIP python3-jsonschema is not installed"
  exit 0
fi

validate() { # schema-file json-file
  "$PY" - "$1" "$2" <<'PYEOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors[:5]:
    print("#  /" + "/".join(str(p) for p in e.path) + ": " + e.message)
sys.exit(1 if errors else 0)
PYEOF
}

S=$CELL_SRCDIR/schema
T=$(mktemp -d)
on_exit 'rm -rf "$T"'

tap_plan 14

(cd "$T" && "$CELL" spec) && validate "$S/config.schema.json" "$T/config.json"
tap_result $? "cell spec output validates against config.schema.json"

mkdir "$T/rl" && (cd "$T/rl" && "$CELL" spec --rootless) && validate "$S/config.schema.json" "$T/rl/config.json"
tap_result $? "cell spec --rootless output validates against config.schema.json"

"$CELL" features > "$T/features.json" && validate "$S/features.schema.json" "$T/features.json"
tap_result $? "cell features output validates against features.schema.json"

# features.md: complete (every property of ociVersionMax, runtime-spec 1.2.0, is there and not null) and
# nothing beyond it ("MUST NOT contain properties that are not defined in this version").
"$PY" - "$T/features.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
want = {"ociVersionMin", "ociVersionMax", "hooks", "mountOptions", "annotations", "potentiallyUnsafeConfigAnnotations",
        "linux", "linux.namespaces", "linux.capabilities", "linux.cgroup", "linux.cgroup.v1", "linux.cgroup.v2",
        "linux.cgroup.systemd", "linux.cgroup.systemdUser", "linux.cgroup.rdma", "linux.seccomp",
        "linux.seccomp.enabled", "linux.seccomp.actions", "linux.seccomp.operators", "linux.seccomp.archs",
        "linux.seccomp.knownFlags", "linux.seccomp.supportedFlags", "linux.apparmor", "linux.apparmor.enabled",
        "linux.selinux", "linux.selinux.enabled", "linux.intelRdt", "linux.intelRdt.enabled",
        "linux.mountExtensions", "linux.mountExtensions.idmap", "linux.mountExtensions.idmap.enabled"}
got = set()
def walk(o, path):
    for k, v in o.items():
        p = path + k
        got.add(p)
        if isinstance(v, dict) and p != "annotations":
            walk(v, p + ".")
        if v is None:
            print("#  null: " + p)
walk(d, "")
for p in sorted(want - got): print("#  missing: " + p)
for p in sorted(got - want): print("#  not in runtime-spec 1.2.0: " + p)
sys.exit(0 if got == want and d["ociVersionMax"] == "1.2.0" else 1)
PYEOF
tap_result $? "cell features: every property of runtime-spec 1.2.0 and nothing else"

# what this host's kernel knows: 0..cap_last_cap (libcap on Debian 12 names them all)
caps=$(jq -r '.linux.capabilities | length' "$T/features.json")
tap_is "$caps $(jq -r '.linux.capabilities | unique | length' "$T/features.json")" \
  "$(($(cat /proc/sys/kernel/cap_last_cap) + 1)) $caps" "features: one entry per capability of this kernel, no duplicates"
tap_is "$(jq -c '[.mountOptions[] | select(. == "remount" or . == "acl" or . == "idmap" or . == "tmpcopyup" or . == "rro")]' "$T/features.json") $(jq -c '[.linux.apparmor.enabled, .linux.selinux.enabled, .linux.intelRdt.enabled, .linux.mountExtensions.idmap.enabled, .linux.cgroup.systemd, .linux.cgroup.rdma]' "$T/features.json")" \
  '["rro","tmpcopyup","idmap"] [true,true,false,true,false,true]' \
  "features: what cell refuses is not listed (remount, fs data, Intel RDT, systemd); id-mapped mounts, AppArmor, SELinux are"

validate "$S/config.schema.json" "$CELL_SRCDIR/tests/unit/data/spec/cosmk-config.json"
tap_result $? "the cosmk fixture validates against config.schema.json"

echo '{"ociVersion":"1.0.0","root":{"path":"rootfs"},"process":{"cwd":"/","args":["sh"],"user":{"uid":-1,"gid":0}}}' > "$T/bad.json"
! validate "$S/config.schema.json" "$T/bad.json" >/dev/null
tap_result $? "the config schema rejects a negative uid"

if ! tap_need_root; then
  tap_skip 6 "needs root"
  exit 0
fi
B=$(make_bundle schema)
bundle_set "$B" '.process.args = ["sleep", "30"]'
ID=schema-$$
"$CELL" --root "$CELL_TEST_ROOT" create --bundle "$B" "$ID" && "$CELL" --root "$CELL_TEST_ROOT" state "$ID" > "$T/state.json" \
  && validate "$S/state.schema.json" "$T/state.json"
tap_result $? "cell state of a created container validates against state.schema.json"
"$CELL" --root "$CELL_TEST_ROOT" start "$ID" && "$CELL" --root "$CELL_TEST_ROOT" state "$ID" > "$T/state2.json" \
  && validate "$S/state.schema.json" "$T/state2.json" && grep -q '"status": *"running"' "$T/state2.json"
tap_result $? "cell state of a running container validates and says running"
"$CELL" --root "$CELL_TEST_ROOT" list --format json > "$T/list.json" \
  && "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any(c["id"]==sys.argv[2] for c in d) else 1)' "$T/list.json" "$ID"
tap_result $? "cell list --format json is a JSON array naming the container"
"$CELL" --root "$CELL_TEST_ROOT" delete --force "$ID"

# features.md: "the runtime MUST accept" what features lists: try each in a real container.
B=$(make_bundle feat)
F=$T/features.json
runs() { "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$B" "feat-$$" </dev/null 2>&1; }
bad=
for v in "$(jq -r .ociVersionMin "$F")" "$(jq -r .ociVersionMax "$F")"; do
  bundle_set "$B" '.ociVersion = $v' --arg v "$v"
  out=$(runs) || bad="$bad [$v: $out]"
done
tap_is "$bad" "" "features: config.json with ociVersion = ociVersionMin and = ociVersionMax runs"
mkdir -p "$B/rootfs/mnt/src"
bad=
for o in $(jq -r '.mountOptions[]' "$F"); do
  case $o in
    bind | rbind) m='{"destination": "/mnt/x", "type": "bind", "source": "rootfs/mnt/src", "options": [$o]}' ;;
    # id-mapped: a bind with its own maps (no user namespace here)
    idmap | ridmap) m='{"destination": "/mnt/x", "type": "bind", "source": "rootfs/mnt/src", "options": ["rbind", $o],
      "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}' ;;
    *) m='{"destination": "/mnt/x", "type": "tmpfs", "source": "tmpfs", "options": [$o]}' ;;
  esac
  bundle_set "$B" ".mounts = (.mounts | map(select(.destination != \"/mnt/x\"))) + [$m]" --arg o "$o"
  out=$(runs) || bad="$bad [$o: $out]"
done
tap_is "$bad" "" "features: a container with a mount using each of the $(jq '.mountOptions | length' "$F") mountOptions runs"
bundle_set "$B" '.mounts |= map(select(.destination != "/mnt/x"))
  | .process.capabilities.bounding = $c | .process.capabilities.permitted = $c | .process.capabilities.effective = $c
  | .linux.namespaces = ($n | map({type: .}))
  | .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}] | .linux.gidMappings = .linux.uidMappings
  | .hooks = ($h | map({(.): [{"path": "/bin/true"}]}) | add)' \
  --argjson c "$(jq .linux.capabilities "$F")" --argjson n "$(jq .linux.namespaces "$F")" --argjson h "$(jq .hooks "$F")"
out=$(runs; echo "rc=$?")
tap_is "$(grep -c 'unknown capability' <<<"$out") ${out##*rc=}" "0 0" \
  "features: every listed capability, namespace and hook together in one container: runs, no capability unknown"
