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

tap_plan 8

(cd "$T" && "$CELL" spec) && validate "$S/config.schema.json" "$T/config.json"
tap_result $? "cell spec output validates against config.schema.json"

mkdir "$T/rl" && (cd "$T/rl" && "$CELL" spec --rootless) && validate "$S/config.schema.json" "$T/rl/config.json"
tap_result $? "cell spec --rootless output validates against config.schema.json"

"$CELL" features > "$T/features.json" && validate "$S/features.schema.json" "$T/features.json"
tap_result $? "cell features output validates against features.schema.json"

validate "$S/config.schema.json" "$CELL_SRCDIR/tests/unit/data/spec/cosmk-config.json"
tap_result $? "the cosmk fixture validates against config.schema.json"

echo '{"ociVersion":"1.0.0","root":{"path":"rootfs"},"process":{"cwd":"/","args":["sh"],"user":{"uid":-1,"gid":0}}}' > "$T/bad.json"
! validate "$S/config.schema.json" "$T/bad.json" >/dev/null
tap_result $? "the config schema rejects a negative uid"

if ! tap_need_root; then
  tap_skip 3 "needs root"
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
