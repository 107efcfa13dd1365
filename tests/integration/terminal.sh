#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# terminal.sh: process.terminal with --console-socket, /dev/console, consoleSize, run's own pty relay, misuse errors.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 10

B=$(make_bundle term)

# A console-socket server: accepts one connection, takes the pty master from SCM_RIGHTS, then prints
# everything read from it until the slave side is gone (EIO) or a timeout.
SERVER=$CELL_TEST_TMP/console-server.py
cat >"$SERVER" <<'EOF'
import os, signal, socket, sys
path = sys.argv[1]
signal.alarm(20)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
print("listening", file=sys.stderr, flush=True)
conn, _ = srv.accept()
msg, fds, flags, addr = socket.recv_fds(conn, 4096, 4)
if not fds:
    print("server: no fd received", file=sys.stderr)
    sys.exit(1)
master = fds[0]
out = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
EOF

# console_run ID ARGS...: create with a console socket, start, and print what came out of the pty master.
console_run() {
  local id=$1 sock=$CELL_TEST_TMP/console-$1.sock out=$CELL_TEST_TMP/console-$1.out sp
  shift
  bundle_set "$B" '.process.terminal = true | .process.args = $a' \
    --argjson a "$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")"
  python3 "$SERVER" "$sock" >"$out" 2>"$out.err" &
  sp=$!
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  if cellr create --console-socket "$sock" --bundle "$B" "$id" </dev/null && cellr start "$id"; then
    wait "$sp"
  else
    kill "$sp" 2>/dev/null
    wait "$sp"
  fi
  for _ in $(seq 50); do [ "$(cellr state "$id" 2>/dev/null | jq -r .status)" = running ] || break; sleep 0.1; done
  cellr delete --force "$id" >/dev/null 2>&1
  cat "$out"
}

out=$(console_run tty1-$$ cell-helper tty)
tap_like "$(grep -c -E '^(isatty0=1|isatty1=1|ctty=1)$' <<<"$out")" '^3$' \
  "--console-socket: stdin/stdout are the pty and it is the controlling terminal"

out=$(console_run tty2-$$ cell-helper stat /dev/console)
tap_like "$(grep -E '^(type|major)=' <<<"$out" | tr '\n' ' ')" '^type=c major=136 $' \
  "/dev/console is the pty slave (char device major 136)"

bundle_set "$B" '.process.consoleSize = {"height": 40, "width": 100}'
out=$(console_run tty3-$$ cell-helper tty)
tap_is "$(grep -E '^(rows|cols)=' <<<"$out" | tr '\n' ' ')" "rows=40 cols=100 " "consoleSize sets the pty's window size"
bundle_set "$B" 'del(.process.consoleSize)'

# After create (before start), init's stdio is already the pty and nothing of the caller's stays open in
# it: a `$(cell create ...)` capture gets its EOF as soon as create exits (ctr run -t waited forever).
# The receiver takes the master and keeps it.
RECV=$CELL_TEST_TMP/console-keep.py
cat >"$RECV" <<'EOF2'
import signal, socket, sys
signal.alarm(60)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1])
srv.listen(1)
conn, _ = srv.accept()
msg, fds, flags, addr = socket.recv_fds(conn, 4096, 4)
print("fds=%d" % len(fds), flush=True)
signal.pause()
EOF2
sock=$CELL_TEST_TMP/keep.sock
python3 "$RECV" "$sock" >"$CELL_TEST_TMP/keep.out" 2>&1 </dev/null &
kp=$!
on_exit "kill $kp"
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
bundle_set "$B" '.process.terminal = true | .process.args = ["sleep", "100"]'
E=$CELL_TEST_TMP/capture
# the capture's reader notes its EOF: waiting for it here could hang the script on a regression
{ "$CELL" --root "$CELL_TEST_ROOT" create --console-socket "$sock" --bundle "$B" tty7-$$ 2>&1 </dev/null; echo "rc=$?"; } \
  | { cat >"$E.out"; touch "$E.eof"; } &
for _ in $(seq 100); do [ -e "$E.eof" ] && break; sleep 0.1; done
tap_is "$([ -e "$E.eof" ] && echo eof):$(cat "$E.out")" "eof:rc=0" \
  "create with a console socket, its output captured: the capture ends when create exits"
pid=$(cellr state tty7-$$ | jq -r .pid)
tap_is "$(for fd in 0 1 2; do readlink /proc/"$pid"/fd/$fd | sed 's|^/dev/pts/[0-9]*$|pty|'; done | tr '\n' ' ')" "pty pty pty " \
  "... init's fds 0, 1, 2 are the pty before start, not the caller's pipes"
tap_is "$(cat "$CELL_TEST_TMP/keep.out")" "fds=1" "... and the master went to the console socket"
cellr delete --force tty7-$$ >/dev/null 2>&1
wait %% 2>/dev/null

# run without --console-socket relays the pty itself; script(1) gives it a terminal to relay to.
bundle_set "$B" '.process.terminal = true | .process.args = ["cell-helper", "tty"]'
if command -v script >/dev/null; then
  # script(1) may pass a NUL on to the pty when its stdin hits EOF; the container's tty echoes it as "^@"
  out=$(script -qec "$CELL --root $CELL_TEST_ROOT run --bundle $B tty4-$$" /dev/null </dev/null | tr -d '\r\000' | sed 's/\^@//g')
  tap_like "$out" '^isatty1=1$' "run with terminal=true and no console socket relays its own pty"
else
  tap_skip 1 "script(1) (util-linux) not installed"
fi

# terminal=false with --console-socket is a usage error and leaves nothing behind.
bundle_set "$B" '.process.terminal = false | .process.args = ["true"]'
err=$(cellr create --console-socket "$CELL_TEST_TMP/unused.sock" --bundle "$B" tty5-$$ 2>&1 </dev/null)
rc=$?
state_empty
left=$?
tap_result $((rc != 1 || left != 0 || $(grep -c -i 'console.socket' <<<"$err") == 0)) \
  "terminal=false with --console-socket fails with 1 naming console-socket, leaving no state"
[ "$rc" -eq 1 ] && [ "$left" -eq 0 ] || {
  echo "#   rc=$rc: $err; state root: $(ls "$CELL_TEST_ROOT")"
  cellr delete --force tty5-$$ >/dev/null 2>&1
}

# terminal=true on a detached create needs a console socket.
bundle_set "$B" '.process.terminal = true'
cellr create --bundle "$B" tty6-$$ </dev/null >/dev/null 2>&1
rc=$?
tap_is "$rc" 1 "create with terminal=true and no --console-socket fails with 1"
[ "$rc" -eq 1 ] || cellr delete --force tty6-$$ >/dev/null 2>&1

tap_result "$(state_empty; echo $?)" "nothing is left in the state root"
