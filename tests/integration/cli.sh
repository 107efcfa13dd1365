#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# cli.sh: the command line clients send (CONTRACT.md), each flag honoured; checkpoint refused; the man page and bash completion cover every command and flag.
#
# The lists of commands and flags come from `cell --help` and `cell COMMAND --help`, which print the
# parsers' own tables (src/oci/cmd.h, struct cell_cmd_flag): a flag added to a parser and missing from
# contrib/cell.1 or contrib/cell.bash-completion fails here.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 33

MAN=$CELL_SRCDIR/contrib/cell.1
COMPLETION=$CELL_SRCDIR/contrib/cell.bash-completion
B=$(make_bundle cli)
ID=cli-$$

# ---- --version, features, checkpoint
out=$("$CELL" --version)
tap_like "$(sed -n 1p <<<"$out")" '^cell version [0-9]+\.[0-9]+\.[0-9]+$' "--version: first line 'cell version X.Y.Z'"
tap_is "$(sed -n 2p <<<"$out")" "spec: $("$CELL" features | jq -r .ociVersionMax)" \
  "--version: second line 'spec: 1.x.y', the features' ociVersionMax"
tap_like "$(sed -n 2p <<<"$out")" '^spec: 1\.[0-9]+\.[0-9]+$' "--version: the spec line is a 1.x.y version"
bad=
for c in checkpoint restore; do
  out=$("$CELL" $c --help 2>&1)
  rc=$?
  [ $rc -ne 0 ] && grep -q "^cell: $c is not supported" <<<"$out" || bad="$bad $c:$rc:$out"
done
tap_is "$bad" "" "checkpoint --help and restore: 'not supported', exit non-zero (podman's probe)"

# ---- create's flags: --pid-file, --preserve-fds, --no-new-keyring (and exec joining the keyring)
bundle_set "$B" '.process.args = ["sh", "-c", "cell-helper fds; cell-helper keyring; exec sleep 100"]'
cellr create --bundle "$B" --pid-file "$CELL_TEST_TMP/pid" --preserve-fds 2 "$ID" >"$CELL_TEST_TMP/out" \
  3</dev/null 4</dev/null 5</dev/null </dev/null
tap_is "$(cat "$CELL_TEST_TMP/pid")" "$(cellr state "$ID" | jq .pid)" "create --pid-file: init's pid, as state says"
cellr start "$ID"
for _ in $(seq 50); do grep -q keyring "$CELL_TEST_TMP/out" && break; sleep 0.1; done
tap_is "$(grep -o '^fd=[0-9]*' "$CELL_TEST_TMP/out" | tr '\n' ' ')" "fd=0 fd=1 fd=2 fd=3 fd=4 " \
  "create --preserve-fds 2: fds 3 and 4 reach the process, 5 does not"
init_ring=$(sed -n 's/^keyring=//p' "$CELL_TEST_TMP/out")
tap_like "$init_ring" "^[0-9]+ [0-9a-f]{8} _ses\\.$ID\$" "create: the container has its own session keyring _ses.ID"
tap_is "$(cellr exec "$ID" cell-helper keyring | sed 's/^keyring=//')" "$init_ring" "exec joins the container's session keyring"
tap_is "$(cellr ps --format json "$ID" | jq -c "index($(cat "$CELL_TEST_TMP/pid")) != null and length == 1")" true \
  "ps --format json: a JSON array holding init's host pid"
printf '{"pids": {"limit": 4242}}' | cellr update --resources - "$ID"
tap_is "$(cellr exec "$ID" sh -c 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max')" 4242 \
  "update --resources - (JSON on stdin): the container's pids.max"
echo '{"args": ["cell-helper", "exit", "33"], "cwd": "/", "env": ["PATH=/bin"], "user": {"uid": 0, "gid": 0}}' \
  >"$CELL_TEST_TMP/process.json"
cellr exec --process "$CELL_TEST_TMP/process.json" --pid-file "$CELL_TEST_TMP/epid" "$ID"
tap_is "$?:$(test -s "$CELL_TEST_TMP/epid" && echo pidfile)" "33:pidfile" "exec --process FILE --pid-file: the file's process ran (exit 33), its pid written"
cellr delete --force "$ID"
host_ring=$("$CELL_HELPER" keyring | sed 's/^keyring=//')
bundle_set "$B" '.process.args = ["cell-helper", "keyring"]'
tap_is "$(cellr run --no-new-keyring --bundle "$B" "$ID-k" </dev/null | sed 's/^keyring=//')" "$host_ring" \
  "run --no-new-keyring: the caller's session keyring"

# ---- --no-pivot (the plan's root switch), run --keep, run --no-subreaper
out=$(cellr --debug run --no-pivot --bundle "$B" "$ID-np" 2>&1 </dev/null)
tap_is "$(grep -cx 'move-root' <<<"$out"):$(grep -cx 'pivot-root' <<<"$out")" "1:0" \
  "--no-pivot: the root is switched by a move mount, not pivot_root"
bundle_set "$B" '.process.args = ["true"]'
cellr run --keep --bundle "$B" "$ID-keep" </dev/null
tap_is "$(cellr state "$ID-keep" | jq -r .status)" stopped "run --keep: the stopped container stays"
cellr delete "$ID-keep"
# A process that exits at once may be gone before run reads its start time (state.json once said pid N,
# startTime 0, which every later command refused): 20 tries catch that most of the time.
bad=
for i in $(seq 20); do
  cellr run -d --bundle "$B" "$ID-d$i" </dev/null
  cellr state "$ID-d$i" >/dev/null 2>"$CELL_TEST_TMP/err" || bad="$bad $i:$(cat "$CELL_TEST_TMP/err")"
  cellr delete --force "$ID-d$i" 2>/dev/null
done
tap_is "$bad" "" "run -d of a process that exits at once: its state is readable (20 runs)"
# Without a pid namespace an orphan goes to the nearest subreaper: `run` itself, unless --no-subreaper.
bundle_set "$B" '.linux.namespaces |= map(select(.type != "pid"))
  | .process.args = ["sh", "-c", "(sh -c \"sleep 0.5; grep ^PPid: /proc/self/status > /ppid\" &); sleep 1.5"]'
for flag in "" --no-subreaper; do
  rm -f "$B/rootfs/ppid"
  "$CELL" --root "$CELL_TEST_ROOT" run $flag --bundle "$B" "$ID-sr" </dev/null &
  rpid=$!
  wait $rpid
  got=$(tr -s '\t ' ' ' <"$B/rootfs/ppid" 2>/dev/null)
  if [ -z "$flag" ]; then
    tap_is "$got" "PPid: $rpid" "run: orphans of a container without a pid namespace go to run (a subreaper)"
  else
    [ -n "$got" ] && [ "$got" != "PPid: $rpid" ]
    tap_result $? "run --no-subreaper: they do not ($got; run was $rpid)"
  fi
done
bundle_set "$B" '.linux.namespaces += [{"type": "pid"}]'

# ---- --console-socket: the pty master arrives by SCM_RIGHTS
cat >"$CELL_TEST_TMP/console.py" <<'EOF'
import os, signal, socket, sys
signal.alarm(20)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1])
srv.listen(1)
print("listening", file=sys.stderr, flush=True)
conn, _ = srv.accept()
_, fds, _, _ = socket.recv_fds(conn, 4096, 4)
out = b""
while fds:
    try:
        chunk = os.read(fds[0], 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
EOF
bundle_set "$B" '.process.terminal = true | .process.args = ["cell-helper", "tty"]'
python3 "$CELL_TEST_TMP/console.py" "$CELL_TEST_TMP/console.sock" >"$CELL_TEST_TMP/console.out" 2>"$CELL_TEST_TMP/console.err" &
srv=$!
for _ in $(seq 50); do grep -q listening "$CELL_TEST_TMP/console.err" && break; sleep 0.1; done
cellr create --bundle "$B" --console-socket "$CELL_TEST_TMP/console.sock" "$ID-tty" </dev/null >/dev/null &&
  cellr start "$ID-tty"
wait $srv
tap_like "$(cat "$CELL_TEST_TMP/console.out")" "isatty0=1" "--console-socket: the process's stdin is the pty whose master came over the socket"
cellr delete --force "$ID-tty"
bundle_set "$B" '.process.terminal = false'

# ---- global flags: --systemd-cgroup, --cgroup-manager disabled, --log/--log-format json
bundle_set "$B" '.linux.namespaces |= map(select(.type != "cgroup")) | .linux.cgroupsPath = $p
  | .process.args = ["sh", "-c", "grep -E \"^[0-9]+:(pids|):\" /proc/self/cgroup | head -1 | cut -d: -f3"]' \
  --arg p "cellcli$$.slice:clipfx:n$$"
tap_is "$(cellr --systemd-cgroup run --bundle "$B" "$ID-sd" </dev/null)" "/cellcli$$.slice/clipfx-n$$.scope" \
  "--systemd-cgroup: cgroupsPath slice:prefix:name is <slice>/<prefix>-<name>.scope"
bundle_set "$B" 'del(.linux.cgroupsPath) | .linux.resources = {}'
tap_is "$(cellr --cgroup-manager disabled run --bundle "$B" "$ID-nocg" </dev/null)" \
  "$(grep -E '^[0-9]+:(pids|):' /proc/self/cgroup | head -1 | cut -d: -f3)" \
  "--cgroup-manager disabled: no cgroup of its own (the caller's)"
rm -f "$CELL_TEST_TMP/log.json"
cellr --log "$CELL_TEST_TMP/log.json" --log-format json state "nosuch-$$" 2>/dev/null
tap_is "$(jq -c '[.level, (.msg | test("nosuch")), (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))]' <"$CELL_TEST_TMP/log.json" 2>&1)" \
  '["error",true,true]' "--log FILE --log-format json: runc's JSON line (level, msg, RFC 3339 time)"

# ---- every command and flag is in the man page and the completion
commands=$("$CELL" --help | awk '/^commands:/ { c = 1; next } c && /^  [a-z]/ { print $1 }')
globals=$("$CELL" --help | awk '/^global options:/ { g = 1; next } /^$/ { g = 0 } g { print $1 }' | tr -d ,)
# flags_of COMMAND: its long flags, from its own --help (sandbox: bwrap's list)
flags_of() {
  if [ "$1" = sandbox ]; then
    "$CELL" sandbox --help | awk '/^    --/ { print $1 }'
  else
    "$CELL" "$1" --help | awk '/^options:/ { o = 1; next } o && /^  --/ { print $1 }' | tr -d ,
  fi
}
tap_is "$(wc -w <<<"$commands") $(wc -w <<<"$globals") $(flags_of create | wc -w) $(flags_of sandbox | wc -w)" \
  "$(wc -w <<<"$commands") $(wc -w <<<"$globals") 6 $(flags_of sandbox | wc -w)" \
  "the lists come out of --help (commands, global flags, create's six flags, the sandbox's)"
[ "$(wc -w <<<"$commands")" -ge 17 ] && [ "$(flags_of sandbox | wc -w)" -ge 60 ]
tap_result $? "... and are complete ($(wc -w <<<"$commands") commands, $(flags_of sandbox | wc -w) sandbox flags)"
# The man page as plain text: \- is -, fonts dropped; man_section NAME prints a .SS/.SH section's text.
man_text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN")
man_section() { awk -v s="$1" '/^\.S[SH] / { in_s = ($0 == ".SS " s || $0 == ".SH " s) ; next } in_s' <<<"$man_text"; }
missing=
for c in $commands; do
  sec=$(man_section "$c")
  [ -n "$sec" ] || missing="$missing $c"
  for f in $(flags_of "$c"); do grep -qE -- "(^|[^a-z-])$f([^a-z-]|\$)" <<<"$sec" || missing="$missing $c$f"; done
done
sec=$(man_section '"GLOBAL OPTIONS"')
[ -n "$sec" ] || sec=$(man_section "GLOBAL OPTIONS")
for f in $globals; do grep -qE -- "(^|[^a-z-])$f([^a-z-]|\$)" <<<"$sec" || missing="$missing global$f"; done
tap_is "$missing" "" "contrib/cell.1 has a section for every command, each with all its flags, and every global flag"
# The completion, asked as bash asks it.
comp() { # comp WORD...: the completions of the last word
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cell; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$@"
}
missing=
for c in $commands; do
  grep -qx -- "$c" <<<"$(comp cell "")" || missing="$missing $c"
  got=$(comp cell "$c" --)
  for f in $(flags_of "$c"); do grep -qx -- "$f" <<<"$got" || missing="$missing $c$f"; done
done
got=$(comp cell --)
for f in $globals; do grep -qx -- "$f" <<<"$got" || missing="$missing global$f"; done
tap_is "$missing" "" "contrib/cell.bash-completion completes every command, each with all its flags, and every global flag"
bundle_set "$B" '.process.args = ["sleep", "100"]'
cellr run -d --bundle "$B" "$ID-comp" </dev/null
tap_is "$(comp "$CELL" --root "$CELL_TEST_ROOT" kill "$ID-co")" "$ID-comp" "completion: container IDs from cell list, in --root's state dir"
cellr delete --force "$ID-comp"
tap_is "$(comp cell list --format "")" "table
json" "completion: a flag's values (list --format)"
# Every command's --help is its usage, exit 0; an unknown flag is one line, exit 1.
bad=
for c in $commands; do
  [ "$c" = sandbox ] && continue
  out=$("$CELL" "$c" --help 2>&1) && grep -q "^usage: cell $c" <<<"$out" || bad="$bad $c"
  out=$("$CELL" "$c" --no-such-flag x 2>&1)
  [ $? -eq 1 ] && [ "$(wc -l <<<"$out")" -eq 1 ] || bad="$bad $c:$out"
done
tap_is "$bad" "" "COMMAND --help prints its usage (exit 0); an unknown flag is one line, exit 1"

# ---- the contrib snippets
if python3 -c 'import tomllib' 2>/dev/null; then
  out=$(python3 - "$CELL_BUILDDIR/contrib/containers.conf" "$CELL_BUILDDIR/contrib/containerd.toml" <<'EOF'
import sys, tomllib
p = tomllib.load(open(sys.argv[1], "rb"))
c = tomllib.load(open(sys.argv[2], "rb"))
opts = c["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["cell"]
print("cell" in p["engine"]["runtime_supports_json"], "runc" in p["engine"]["runtime_supports_json"],
      p["engine"]["runtimes"]["cell"][0].endswith("/bin/cell"), opts["runtime_type"],
      opts["options"]["BinaryName"].endswith("/bin/cell"))
EOF
  )
  tap_is "$out" "True True True io.containerd.runc.v2 True" \
    "contrib snippets: podman's lists cell in runtime_supports_json (defaults kept), containerd's runs it via the runc shim"
else
  tap_skip 1 "python3 has no tomllib"
fi
if command -v containerd >/dev/null; then
  out=$(containerd --config "$CELL_BUILDDIR/contrib/containerd.toml" config dump 2>&1)
  tap_like "$out" 'BinaryName = ".*/bin/cell"' "containerd accepts its snippet (config dump shows BinaryName)"
else
  tap_skip 1 "containerd is not installed"
fi

# ---- --debug: every phase of run (and of create) once, in order, on one monotonic clock from the start
# (issue 16: tests/bench/bench.sh tabulates them). Each line is "phase NAME T ms (+D ms)": T never goes
# back, and D is the time since the phase before.
phases() {
  grep -o 'phase [a-z-]* [0-9.]* ms (+[0-9.]* ms)' "$1" | tr -d '(+)' | awk '
    { names = names (NR > 1 ? " " : "") $2
      if ($3 < prev || $5 < 0 || $5 - ($3 - prev) > 0.0015 || ($3 - prev) - $5 > 0.0015) bad = bad " " $2
      prev = $3 }
    END { print names (bad ? " | out of step:" bad : "") }'
}
bundle_set "$B" '.process.args = ["true"]'
rm -f "$CELL_TEST_TMP/debug.log"
cellr --debug --log "$CELL_TEST_TMP/debug.log" run --bundle "$B" "$ID-dbg" </dev/null >/dev/null 2>&1
tap_is "$(phases "$CELL_TEST_TMP/debug.log")" \
  "parse validate plan state-dir cgroup clone placed namespaces mounts devices pivot masks identity exec state wait teardown" \
  "--debug run: each phase once, in order, its time since the start never going back, its step the difference"
rm -f "$CELL_TEST_TMP/debug.log"
cellr --debug --log "$CELL_TEST_TMP/debug.log" create --bundle "$B" "$ID-dbg" </dev/null >/dev/null 2>&1
cellr delete --force "$ID-dbg"
tap_is "$(phases "$CELL_TEST_TMP/debug.log")" \
  "parse validate plan state-dir cgroup clone placed namespaces mounts devices pivot masks identity waiting state" \
  "--debug create: the same phases up to identity, then init waiting for start, and the state"

tap_result "$(state_empty; echo $?)" "nothing is left in the state root"
