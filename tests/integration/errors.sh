#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# errors.sh: bad input in every command: one clear line naming the file and JSON path or operand, exit 1,
# and nothing left behind (state dir, cgroup, mount, process).
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 41

B=$(make_bundle err)
cp "$B/config.json" "$CELL_TEST_TMP/good.json"
cg_before=$(find /sys/fs/cgroup -maxdepth 3 -type d -name 'err-*' 2>/dev/null | wc -l)
# Only mounts on this test's paths count: other tests (podman.sh) mount and unmount on the host meanwhile.
mounts_before=$(host_mounts_matching "$CELL_TEST_TMP" | wc -l)

# expect_error DESCRIPTION REGEX CMD...: exit 1, one line on stderr matching REGEX, nothing left behind
expect_error() {
  local desc=$1 re=$2 out rc
  shift 2
  # into a file: a create that wrongly succeeded would leave an init holding a $(...) pipe open
  "$@" 2>"$CELL_TEST_TMP/expect.err" >/dev/null </dev/null
  rc=$?
  out=$(cat "$CELL_TEST_TMP/expect.err")
  if [ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -Eq -- "$re" \
    && state_empty; then
    tap_result 0 "$desc"
  else
    tap_result 1 "$desc"
    printf '#   rc=%s out=%s\n#   want: /%s/\n' "$rc" "$out" "$re"
  fi
}

# bad_config DESCRIPTION REGEX JQ-FILTER: create with the edited config must fail cleanly
N=0
bad_config() {
  N=$((N + 1))
  jq "$3" "$CELL_TEST_TMP/good.json" >"$B/config.json" || return 1
  expect_error "$1" "$2" cellr create --bundle "$B" "err-$N"
}

printf '{"ociVersion": "1.0.0",\n  "process": {]' >"$B/config.json"
expect_error "syntax error: file, line and column" '^cell: config.json: 2:1[0-9]: ' cellr create --bundle "$B" err-syntax
printf '{"ociVersion": "1.0.0"} x' >"$B/config.json"
expect_error "trailing garbage is an error" '^cell: config.json: 1:[0-9]+: ' cellr create --bundle "$B" err-trail
: >"$B/config.json"
expect_error "an empty config is an error" '^cell: config.json: ' cellr create --bundle "$B" err-empty
printf '{"a":1,"a":2}' >"$B/config.json"
expect_error "duplicate keys are an error" 'config.json: 1:[0-9]+: .*duplicate' cellr create --bundle "$B" err-dup
python3 -c 'print("[" * 100 + "]" * 100)' >"$B/config.json"
expect_error "nesting beyond the depth cap is an error" 'config.json: 1:[0-9]+: .*(depth|nest)' cellr create --bundle "$B" err-deep

bad_config "negative uid names the JSON pointer" 'config.json: /process/user/uid: expected unsigned integer' '.process.user.uid = -1'
bad_config "uid out of range" 'config.json: /process/user/uid: 4294967296 out of range' '.process.user.uid = 4294967296'
bad_config "string args" 'config.json: /process/args: expected array of strings' '.process.args = "sh"'
bad_config "non-string arg" 'config.json: /process/args/1: expected string' '.process.args = ["sh", 1]'
bad_config "empty args" 'config.json: /process/args: must not be empty' '.process.args = []'
bad_config "missing cwd" 'config.json: /process/cwd: required property missing' 'del(.process.cwd)'
bad_config "relative cwd" 'config.json: /process/cwd: must be an absolute path' '.process.cwd = "tmp"'
bad_config "ociVersion major 2" 'config.json: /ociVersion: unsupported version `2.0.0`' '.ociVersion = "2.0.0"'
bad_config "ociVersion not SemVer" 'config.json: /ociVersion: `1.0` is not a SemVer version' '.ociVersion = "1.0"'
bad_config "missing root" 'config.json: /root/path: required' 'del(.root)'
bad_config "unknown rlimit" 'config.json: /process/rlimits/0/type: unknown rlimit `RLIMIT_FOO`' '.process.rlimits = [{"type":"RLIMIT_FOO","soft":1,"hard":1}]'
bad_config "rlimit soft above hard" 'config.json: /process/rlimits/0: soft limit above hard limit' '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":10,"hard":1}]'
bad_config "duplicate rlimit" 'config.json: /process/rlimits/1/type: duplicate' '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":1,"hard":1},{"type":"RLIMIT_NOFILE","soft":1,"hard":1}]'
bad_config "duplicate namespace" 'config.json: /linux/namespaces/[0-9]+: duplicate namespace `pid`' '.linux.namespaces += [{"type":"pid"}]'
bad_config "unknown namespace type" 'config.json: /linux/namespaces/0/type: unknown namespace type `pidd`' '.linux.namespaces[0].type = "pidd"'
bad_config "hostname without a uts namespace" 'config.json: /hostname: needs a uts namespace' '.linux.namespaces |= map(select(.type != "uts"))'
bad_config "userns mappings without a user namespace" 'config.json: /linux/uidMappings: .*user namespace' '.linux.uidMappings = [{"containerID":0,"hostID":1000,"size":1}] | .linux.gidMappings = [{"containerID":0,"hostID":1000,"size":1}]'
bad_config "non-namespaced sysctl" 'config.json: /linux/sysctl/kernel.core_pattern: not a namespaced sysctl' '.linux.sysctl = {"kernel.core_pattern":"x"}'
bad_config "net sysctl without a network namespace" 'config.json: /linux/sysctl/net.ipv4.ip_forward: needs a network namespace' '.linux.sysctl = {"net.ipv4.ip_forward":"1"} | .linux.namespaces |= map(select(.type != "network"))'
bad_config "sysctl key with .." 'config.json: /linux/sysctl/net..x: invalid sysctl name' '.linux.sysctl = {"net..x":"1"}'
bad_config "an option holding a comma" 'config.json: /mounts/[0-9]+/options/1: invalid mount option `a,b`' '.mounts += [{"destination":"/mnt","type":"bind","source":"/tmp","options":["rbind","a,b"]}]'
bad_config "unknown rootfsPropagation" 'config.json: /linux/rootfsPropagation: unknown propagation `rshard`' '.linux.rootfsPropagation = "rshard"'
bad_config "device fileMode whose type bits are not its type" 'config.json: /linux/devices/0/fileMode: 60640 is not a file mode of type `c`' '.linux.devices = [{"path":"/dev/x","type":"c","major":1,"minor":3,"fileMode":24992}]'
bad_config "device without major" 'config.json: /linux/devices/0: major and minor are required' '.linux.devices = [{"path":"/dev/x","type":"c"}]'
bad_config "missing rootfs" 'invalid rootfs `.*/nonexistent`' '.root.path = "nonexistent"'
bad_config "executable not found (podman maps the words to 127)" 'executable file not found in \$PATH' '.process.args = ["no-such-binary"]'

cp "$CELL_TEST_TMP/good.json" "$B/config.json"
expect_error "invalid container ID" 'in the container ID `../x`' cellr create --bundle "$B" ../x
expect_error "container ID starting with a dot" 'in the container ID `.foo`' cellr create --bundle "$B" .foo
expect_error "missing bundle" 'bundle `/nonexistent' cellr create --bundle /nonexistent err-nb
expect_error "state of an unknown container" 'nosuch' cellr state nosuch
expect_error "kill with an unknown signal" 'unknown signal `SIGFOO`' cellr kill nosuch SIGFOO
expect_error "unknown command" 'frobnicate' cellr frobnicate

cellr create --bundle "$B" err-twice
cellr create --bundle "$B" err-twice >"$CELL_TEST_TMP/twice" 2>&1 </dev/null
rc=$?
out=$(cat "$CELL_TEST_TMP/twice")
tap_result $(( rc != 1 )) "a second create with the same ID fails"
tap_like "$out" 'err-twice.*(exists|already)' "... saying it exists"
cellr delete --force err-twice
tap_is "$(find /sys/fs/cgroup -maxdepth 3 -type d -name 'err-*' 2>/dev/null | wc -l)" "$cg_before" "no cgroup directory is left behind"
tap_is "$(host_mounts_matching "$CELL_TEST_TMP" | wc -l)" "$mounts_before" "no mount is left behind in the host's mountinfo"
