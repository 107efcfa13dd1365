#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# config.sh: config.json features (process, linux, mounts, namespaces, devices), each checked from inside.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 58

# Built once here: make_bundle runs in $(...), so a template it built itself would not be remembered.
_make_rootfs_template

# line OUTPUT KEY: the `KEY=...` line of a cell-helper output (empty when absent).
line() { printf '%s\n' "$1" | grep -E "^$2=" | head -1; }

# process: hostname, domainname
B=$(make_bundle uts)
bundle_set "$B" '.hostname = "cellhost" | .domainname = "celldomain"'
out=$(run_in "$B" cell-helper hostname)
tap_is "$(line "$out" hostname)" "hostname=cellhost" "hostname is set in the UTS namespace"
tap_is "$(line "$out" domainname)" "domainname=celldomain" "domainname is set in the UTS namespace"

# process.user: uid, gid, additionalGids
B=$(make_bundle user)
bundle_set "$B" '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5, 6]}'
out=$(run_in "$B" cell-helper ids)
tap_is "$(line "$out" uid)" "uid=1000,1000,1000,1000" "process.user.uid sets real/effective/saved/fs uid"
tap_is "$(line "$out" gid)" "gid=1000,1000,1000,1000" "process.user.gid sets real/effective/saved/fs gid"
tap_is "$(line "$out" groups)" "groups=5,6" "process.user.additionalGids are exactly the supplementary groups"

# process.cwd, process.env
B=$(make_bundle cwdenv)
bundle_set "$B" '.process.cwd = "/tmp" | .process.env = ["PATH=/sbin:/bin:/opt/cellpath", "FOO=bar"]'
out=$(run_in "$B" cell-helper cwd)
tap_is "$out" "cwd=/tmp" "process.cwd is the working directory"
out=$(run_in "$B" cell-helper env)
tap_like "$out" "^FOO=bar$" "process.env is visible to the process"
tap_like "$out" "^PATH=/sbin:/bin:/opt/cellpath$" "PATH comes from process.env"

# process.capabilities
B=$(make_bundle caps)
bundle_set "$B" '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL", "CAP_CHOWN"],
  "permitted": ["CAP_KILL", "CAP_CHOWN"]}'
out=$(run_in "$B" cell-helper caps)
tap_is "$(line "$out" CapEff)" "CapEff=0000000000000021" "capabilities: effective is exactly CAP_KILL|CAP_CHOWN"
tap_is "$(line "$out" CapBnd)" "CapBnd=0000000000000021" "capabilities: bounding is exactly CAP_KILL|CAP_CHOWN"
tap_is "$(line "$out" CapPrm)" "CapPrm=0000000000000021" "capabilities: permitted is exactly CAP_KILL|CAP_CHOWN"
tap_is "$(line "$out" CapInh),$(line "$out" CapAmb)" "CapInh=0000000000000000,CapAmb=0000000000000000" \
  "capabilities: inheritable and ambient stay empty unless asked"
bundle_set "$B" '.process.user = {"uid": 1000, "gid": 1000} | .process.capabilities.inheritable = ["CAP_KILL"]
  | .process.capabilities.ambient = ["CAP_KILL"]'
out=$(run_in "$B" cell-helper caps)
tap_is "$(line "$out" CapInh),$(line "$out" CapAmb)" "CapInh=0000000000000020,CapAmb=0000000000000020" \
  "capabilities: inheritable and ambient CAP_KILL survive the switch to a non-root user"
bundle_set "$B" 'del(.process.capabilities) | .process.user = {"uid": 0, "gid": 0}'
out=$(run_in "$B" cell-helper caps)
tap_is "$(line "$out" CapBnd),$(line "$out" CapEff)" "CapBnd=0000000000000000,CapEff=0000000000000000" \
  "no capabilities object: no capabilities at all"

# process.noNewPrivileges
B=$(make_bundle nnp)
bundle_set "$B" '.process.noNewPrivileges = true'
tap_is "$(line "$(run_in "$B" cell-helper caps)" NoNewPrivs)" "NoNewPrivs=1" "noNewPrivileges true sets no_new_privs"
bundle_set "$B" '.process.noNewPrivileges = false'
tap_is "$(line "$(run_in "$B" cell-helper caps)" NoNewPrivs)" "NoNewPrivs=0" "noNewPrivileges false leaves it unset"

# process.rlimits, process.user.umask, process.oomScoreAdj
B=$(make_bundle proc)
bundle_set "$B" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 256, "hard": 512}]'
tap_is "$(line "$(run_in "$B" cell-helper rlimits)" RLIMIT_NOFILE)" "RLIMIT_NOFILE=256,512" "rlimits: RLIMIT_NOFILE soft,hard"
tap_is "$(umask 077; run_in "$B" cell-helper umask)" "umask=0022" "the default umask is 0022, whatever the caller's"
bundle_set "$B" '.process.user.umask = 63'
tap_is "$(run_in "$B" cell-helper umask)" "umask=0077" "process.user.umask 0077 is applied"
bundle_set "$B" '.process.oomScoreAdj = 100'
tap_is "$(run_in "$B" cell-helper oom)" "oom_score_adj=100" "process.oomScoreAdj is applied"

# linux.maskedPaths, linux.readonlyPaths (defaults of `cell spec` include /proc/kcore, /sys/firmware, /proc/sys)
# /proc/kcore only exists with CONFIG_PROC_KCORE; /proc/timer_list (also masked) is non-empty on the host.
M=/proc/kcore
[ -e "$M" ] || M=/proc/timer_list
B=$(make_bundle masked)
tap_is "$(run_in "$B" cell-helper open "$M" r)" "open=ok" "masked file $M can be opened"
tap_is "$(run_in "$B" sh -c "cat $M | wc -c" | tr -d ' ')" "0" "masked file $M reads empty"
out=$(run_in "$B" sh -c 'ls -A /sys/firmware | wc -l; cell-helper write /sys/firmware/x y')
tap_is "$(echo $out)" "0 write=EROFS" "masked dir /sys/firmware is empty and read-only"
tap_is "$(run_in "$B" cell-helper write /proc/sys/kernel/hostname x)" "write=EROFS" "readonlyPaths: /proc/sys is read-only"
tap_is "$(run_in "$B" cell-helper write /var/x y)" "write=ok" "/var is writable by default"
bundle_set "$B" '.linux.readonlyPaths += ["/var"] | .linux.maskedPaths += ["/etc/passwd", "/root"]'
tap_is "$(run_in "$B" cell-helper write /var/x y)" "write=EROFS" "readonlyPaths: a rootfs dir listed is read-only"
echo secret > "$B/rootfs/root/secret"
out=$(run_in "$B" sh -c 'cat /etc/passwd | wc -c; ls -A /root | wc -l')
tap_is "$(echo $out)" "0 0" "maskedPaths: a rootfs file reads empty and a rootfs dir is empty"

# root.readonly
B=$(make_bundle rootro)
bundle_set "$B" '.root.readonly = true'
tap_is "$(run_in "$B" cell-helper write /x y)" "write=EROFS" "root.readonly true: the rootfs is read-only"
bundle_set "$B" '.root.readonly = false'
tap_is "$(run_in "$B" cell-helper write /x y)" "write=ok" "root.readonly false: the rootfs is writable"

# mounts
H=$CELL_TEST_TMP/host
mkdir -p "$H/dir" "$H/rro/sub"
echo hello > "$H/dir/f"
echo single > "$H/file"
mount -t tmpfs tmpfs "$H/rro/sub" && echo deep > "$H/rro/sub/g"
B=$(make_bundle mounts)
bundle_set "$B" '.mounts += [{"destination": "/mnt/t", "type": "tmpfs", "source": "tmpfs",
  "options": ["nosuid", "size=1m", "mode=700"]}]'
out=$(run_in "$B" sh -c 'grep " /mnt/t " /proc/self/mountinfo; cell-helper stat /mnt/t')
tap_like "$(printf '%s\n' "$out" | grep ' /mnt/t ')" " /mnt/t [^ ]*nosuid" "tmpfs mount at /mnt/t is nosuid"
tap_like "$out" "^mode=0700$" "tmpfs mount honours mode=700"
B=$(make_bundle bind)
bundle_set "$B" '.mounts += [{"destination": "/mnt/b", "type": "bind", "source": $d, "options": ["rbind", "ro"]},
  {"destination": "/etc/x", "type": "bind", "source": $f, "options": ["bind"]}]' \
  --arg d "$H/dir" --arg f "$H/file"
out=$(run_in "$B" sh -c 'cat /mnt/b/f; cell-helper write /mnt/b/new y; cat /etc/x')
tap_is "$(echo $out)" "hello write=EROFS single" "bind mount ro of a host dir is readable and read-only; a single file binds"
tap_result "$([ ! -e "$H/dir/new" ]; echo $?)" "nothing was written through the read-only bind"
B=$(make_bundle rro)
bundle_set "$B" '.mounts += [{"destination": "/mnt/r", "type": "bind", "source": $d, "options": ["rbind", "rro"]}]' \
  --arg d "$H/rro"
out=$(run_in "$B" sh -c 'cat /mnt/r/sub/g; cell-helper write /mnt/r/sub/new y')
tap_is "$(echo $out)" "deep write=EROFS" "rro makes submounts read-only too"
# Propagation on a bind whose source is a shared mount (the host's are private here): without an option the
# container's copy is a slave of it (master:N), so rprivate and rshared each give what no default does.
mkdir -p "$H/shr" && echo shared-src >"$H/shr/f"
mount --bind "$H/shr" "$H/shr" && mount --make-shared "$H/shr"
on_exit "umount '$H/shr'"
B=$(make_bundle prop)
# prop_line OPTION: the container's mountinfo line for /mnt/p bound from $H/shr with rbind and OPTION
prop_line() {
  bundle_set "$B" '.mounts = [.mounts[] | select(.destination != "/mnt/p")]
    + [{"destination": "/mnt/p", "type": "bind", "source": $d, "options": (["rbind"] + $o)}]' \
    --arg d "$H/shr" --argjson o "$1"
  run_in "$B" sh -c 'cat /mnt/p/f; grep " /mnt/p " /proc/self/mountinfo'
}
out=$(prop_line '[]')
tap_like "$out" " /mnt/p [^ ]+ master:[0-9]+ - " "a bind of a shared mount without a propagation option is its slave"
out=$(prop_line '["rprivate"]')
tap_like "$out" "^shared-src$" "propagation option rprivate is accepted"
tap_like "$(printf '%s\n' "$out" | grep ' /mnt/p ')" " /mnt/p [^ ]+ - " "rprivate: the mount is neither shared nor a slave"
out=$(prop_line '["rshared"]')
tap_like "$out" " /mnt/p [^ ]+ shared:[0-9]+ " "rshared: the mount is shared in the container (shared:N)"

# Filesystem options on a bind (config.md: SHOULD be passed through): accepted, logged at debug level
B=$(make_bundle bindopts)
bundle_set "$B" '.mounts += [{"destination": "/mnt/o", "type": "bind", "source": $d, "options": ["rbind", "mode=755", "size=1m"]}]
  | .process.args = ["cat", "/mnt/o/f"]' --arg d "$H/dir"
out=$(cellr --debug run --bundle "$B" bindopts-$$ </dev/null 2>&1)
tap_like "$out" "^hello$" "a bind with filesystem options mode=755,size=1m is accepted and works"
tap_like "$out" "filesystem options \`mode=755,size=1m\` have no effect on a bind mount" "... and they are logged (debug)"

# tmpcopyup (podman's tmpfs option): the tmpfs gets a copy of what the image has at the destination, with
# modes, owners (non-zero), a setuid bit, a symlink, a device node and user xattrs; writes go to the tmpfs.
B=$(make_bundle copyup)
D=$B/rootfs/srv/img
mkdir -p "$D/sub"
echo top >"$D/file" && chown 1234:5678 "$D/file" && chmod 0640 "$D/file"
echo deep >"$D/sub/inner" && chown 2345:6789 "$D/sub" && chmod 0750 "$D/sub"
ln -s file "$D/link" && chown -h 3456:7890 "$D/link"
mknod -m 0620 "$D/null" c 1 3 && chown 4567:8901 "$D/null"
echo x >"$D/suid" && chown 1111:2222 "$D/suid" && chmod 4755 "$D/suid"
"$CELL_HELPER" xattr-set "$D/file" user.cell copied >/dev/null
"$CELL_HELPER" xattr-set "$D/sub" user.dir dirval >/dev/null
"$CELL_HELPER" xattr-set "$D" user.top topval >/dev/null
chown 99:98 "$D" && chmod 0715 "$D"
probe='for f in . file sub sub/inner link null suid; do echo "$f: $(cell-helper stat $f | tr "\n" " ")"; done
  for f in . file sub; do echo "$f: $(cell-helper xattrs $f | tr "\n" " ")"; done; readlink link; cat sub/inner'
want=$(cd "$D" && PATH=$(dirname "$CELL_HELPER"):$PATH sh -c "$probe")
bundle_set "$B" '.mounts += [{"destination": "/srv/img", "type": "tmpfs", "source": "tmpfs",
  "options": ["tmpcopyup", "nosuid", "size=1m"]}]
  | .process.capabilities.bounding += ["CAP_DAC_OVERRIDE"] | .process.capabilities.effective += ["CAP_DAC_OVERRIDE"]
  | .process.capabilities.permitted += ["CAP_DAC_OVERRIDE"]'
got=$(run_in "$B" sh -c "cd /srv/img && $probe")
tap_is "$got" "$want" "tmpcopyup: the tmpfs holds the image's files, dirs, symlink, node, setuid file, owners, xattrs"
out=$(run_in "$B" sh -c 'grep " /srv/img " /proc/self/mountinfo; echo changed >/srv/img/file && echo new >/srv/img/new && cat /srv/img/file /srv/img/new')
tap_like "$out" " /srv/img [^ ]+ (.* )?- tmpfs " "tmpcopyup: a tmpfs is at the destination"
tap_is "$(printf '%s\n' "$out" | tail -2 | tr '\n' ' ')/$(cat "$D/file")/$(ls "$D" | tr '\n' ' ')" \
  "changed new /top/file link null sub suid " "tmpcopyup: the container's writes went to the tmpfs, the image dir is unchanged"

# linux.namespaces
# The mapped root must be able to reach the rootfs: mktemp made the test dir 0700.
chmod 755 "$CELL_TEST_TMP" "$CELL_TEST_TMP/bundles"
B=$(make_bundle userns)
bundle_set "$B" '.linux.namespaces += [{"type": "user"}]
  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
out=$(run_in "$B" sh -c 'cat /proc/self/uid_map; cell-helper ids')
tap_is "$(printf '%s\n' "$out" | head -1 | tr -s ' \t' ' ' | sed 's/^ //')" "0 100000 65536" "user namespace: uid_map from uidMappings"
tap_is "$(line "$out" uid)" "uid=0,0,0,0" "user namespace: the process is uid 0 inside"
B=$(make_bundle netns)
out=$(run_in "$B" sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "')
tap_is "$out" "lo" "network namespace: only lo"

bundle_set "$B" '.process.args = ["sleep", "100"]'
cellr run --detach --bundle "$B" join-a-$$ </dev/null
apid=$(cellr state join-a-$$ | jq -r .pid)
anet=$(stat -L -c %i /proc/"$apid"/ns/net 2>/dev/null)
B2=$(make_bundle joiner)
bundle_set "$B2" '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = $p else . end]' \
  --arg p "/proc/$apid/ns/net"
out=$(run_in "$B2" cell-helper ns)
tap_is "$(line "$out" net)" "net=$anet" "a namespace path joins that namespace"
cellr delete --force join-a-$$

B=$(make_bundle timens)
bundle_set "$B" '.linux.namespaces += [{"type": "time"}]'
out=$(run_in "$B" cell-helper ns)
t=$(line "$out" time)
tap_result "$([ -n "$t" ] && [ "$t" != "time=$(stat -L -c %i /proc/self/ns/time)" ]; echo $?)" \
  "a time namespace is a new one (${t:-none})"

# linux.sysctl
B=$(make_bundle sysctl)
# 42: no default (64 in a new network namespace and on the host)
host_ttl=$(cat /proc/sys/net/ipv4/ip_default_ttl)
bundle_set "$B" '.linux.sysctl = {"net.ipv4.ip_default_ttl": "42"}'
tap_is "$(run_in "$B" cell-helper sysctl net.ipv4.ip_default_ttl)" "net.ipv4.ip_default_ttl=42" "linux.sysctl is applied"
tap_is "$(cat /proc/sys/net/ipv4/ip_default_ttl)" "$host_ttl" "... in the container's network namespace only"

# linux.devices and the default devices
B=$(make_bundle devices)
# fileMode 0640 and owners 1234:5678: what no default gives (0666, root); podman's form with the type bits
# (020640 = S_IFCHR|0640) on a second node
bundle_set "$B" '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 416,
  "uid": 1234, "gid": 5678}, {"path": "/dev/fuse2", "type": "c", "major": 10, "minor": 229, "fileMode": 8608,
  "uid": 4321, "gid": 8765}]'
out=$(run_in "$B" sh -c 'cell-helper stat /dev/fuse; cell-helper stat /dev/fuse2')
tap_is "$(echo $(printf '%s\n' "$out" | grep -E '^(type|mode|uid|gid|major|minor)='))" \
  "type=c mode=0640 uid=1234 gid=5678 major=10 minor=229 type=c mode=0640 uid=4321 gid=8765 major=10 minor=229" \
  "linux.devices: nodes with their type, numbers, fileMode 0640 (also given with type bits 020640) and owners"
out=$(run_in "$B" sh -c 'for d in null zero full random urandom tty; do
  [ -c /dev/$d ] && echo $d; done; readlink /dev/ptmx')
tap_is "$(echo $out)" "null zero full random urandom tty pts/ptmx" "default devices exist and /dev/ptmx links to pts/ptmx"
# the runtime's umask (077 here) does not reach the nodes' modes; a set-id bit survives the chown
out=$(umask 077 && run_in "$B" sh -c 'for d in null tty; do cell-helper stat /dev/$d | grep -E "^(mode|uid)="; done')
tap_is "$(echo $out)" "mode=0666 uid=0 mode=0666 uid=0" "default devices are 0666 and root's whatever the runtime's umask"
bundle_set "$B" '.linux.devices = [{"path": "/dev/fuse3", "type": "c", "major": 10, "minor": 229, "fileMode": 2464,
  "uid": 1234, "gid": 5678}]'
out=$(umask 077 && run_in "$B" cell-helper stat /dev/fuse3)
tap_is "$(echo $(printf '%s\n' "$out" | grep -E '^(mode|uid|gid)='))" "mode=4640 uid=1234 gid=5678" \
  "linux.devices: fileMode 04640 with owners: the set-uid bit is kept"

# --preserve-fds
B=$(make_bundle fds)
bundle_set "$B" '.process.args = ["cell-helper", "fds"]'
out=$(3</etc/hostname cellr run --preserve-fds 1 --bundle "$B" fds-$$ </dev/null)
tap_like "$out" "^fd=3 " "--preserve-fds 1 passes fd 3"
out=$(3</etc/hostname cellr run --bundle "$B" fds2-$$ </dev/null)
tap_result "$(printf '%s\n' "$out" | grep -q '^fd=3 '; echo $(( ! $? )))" "without --preserve-fds fd 3 is closed"

# --no-pivot
B=$(make_bundle nopivot)
echo rootfs-marker > "$B/rootfs/marker"
bundle_set "$B" '.process.args = ["cat", "/marker"]'
out=$(cellr run --no-pivot --bundle "$B" np-$$ </dev/null)
tap_is "$?:$out" "0:rootfs-marker" "--no-pivot: run succeeds and / is the rootfs"

tap_result "$(state_empty; echo $?)" "nothing is left in the state root"
exit $((TAP_FAILED != 0))
