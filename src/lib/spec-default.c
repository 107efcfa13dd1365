/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-default.c: the default config.json written by `cell spec` (root and --rootless variants). */
#include <unistd.h>
#include "json.h"
#include "spec.h"

static void
strings (struct cell_json_gen *g, const char *key, const char *const *v)
{
  cell_json_gen_key (g, key);
  cell_json_gen_array_open (g);
  for (; *v; v++)
    cell_json_gen_string (g, *v);
  cell_json_gen_array_close (g);
}

static void
mount (struct cell_json_gen *g, const char *dest, const char *type, const char *src, const char *const *opts)
{
  cell_json_gen_map_open (g);
  cell_json_gen_kv_string (g, "destination", dest);
  cell_json_gen_kv_string (g, "type", type);
  cell_json_gen_kv_string (g, "source", src);
  strings (g, "options", opts);
  cell_json_gen_map_close (g);
}

static void
idmap (struct cell_json_gen *g, const char *key, unsigned long host)
{
  cell_json_gen_key (g, key);
  cell_json_gen_array_open (g);
  cell_json_gen_map_open (g);
  cell_json_gen_kv_int (g, "containerID", 0);
  cell_json_gen_kv_int (g, "hostID", (long long)host);
  cell_json_gen_kv_int (g, "size", 1);
  cell_json_gen_map_close (g);
  cell_json_gen_array_close (g);
}

char *
cell_spec_default_json (bool rootless)
{
  static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
  static const char *const env[]
      = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL };
  static const char *const masked[] = { "/proc/acpi",
                                        "/proc/asound",
                                        "/proc/kcore",
                                        "/proc/keys",
                                        "/proc/latency_stats",
                                        "/proc/timer_list",
                                        "/proc/timer_stats",
                                        "/proc/sched_debug",
                                        "/proc/scsi",
                                        "/sys/firmware",
                                        "/sys/devices/virtual/powercap",
                                        NULL };
  static const char *const ro[]
      = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL };
  struct cell_json_gen *g = cell_json_gen_new (true);

  cell_json_gen_map_open (g);
  cell_json_gen_kv_string (g, "ociVersion", "1.2.0");

  cell_json_gen_key (g, "process");
  cell_json_gen_map_open (g);
  cell_json_gen_key (g, "terminal");
  cell_json_gen_bool (g, true);
  cell_json_gen_key (g, "user");
  cell_json_gen_map_open (g);
  cell_json_gen_kv_int (g, "uid", 0);
  cell_json_gen_kv_int (g, "gid", 0);
  cell_json_gen_map_close (g);
  strings (g, "args", (const char *const[]){ "sh", NULL });
  strings (g, "env", env);
  cell_json_gen_kv_string (g, "cwd", "/");
  cell_json_gen_key (g, "capabilities");
  cell_json_gen_map_open (g);
  strings (g, "bounding", caps);
  strings (g, "effective", caps);
  strings (g, "permitted", caps);
  cell_json_gen_map_close (g);
  cell_json_gen_key (g, "rlimits");
  cell_json_gen_array_open (g);
  cell_json_gen_map_open (g);
  cell_json_gen_kv_string (g, "type", "RLIMIT_NOFILE");
  cell_json_gen_kv_int (g, "hard", 1024);
  cell_json_gen_kv_int (g, "soft", 1024);
  cell_json_gen_map_close (g);
  cell_json_gen_array_close (g);
  cell_json_gen_key (g, "noNewPrivileges");
  cell_json_gen_bool (g, true);
  cell_json_gen_map_close (g);

  cell_json_gen_key (g, "root");
  cell_json_gen_map_open (g);
  cell_json_gen_kv_string (g, "path", "rootfs");
  cell_json_gen_key (g, "readonly");
  cell_json_gen_bool (g, true);
  cell_json_gen_map_close (g);
  cell_json_gen_kv_string (g, "hostname", "cell");

  cell_json_gen_key (g, "mounts");
  cell_json_gen_array_open (g);
  mount (g, "/proc", "proc", "proc", (const char *const[]){ "nosuid", "noexec", "nodev", NULL });
  mount (g, "/dev", "tmpfs", "tmpfs",
         (const char *const[]){ "nosuid", "strictatime", "mode=755", "size=65536k", NULL });
  if (rootless)
    mount (g, "/dev/pts", "devpts", "devpts",
           (const char *const[]){ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL });
  else
    mount (g, "/dev/pts", "devpts", "devpts",
           (const char *const[]){ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5",
                                  NULL });
  mount (g, "/dev/shm", "tmpfs", "shm",
         (const char *const[]){ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL });
  mount (g, "/dev/mqueue", "mqueue", "mqueue", (const char *const[]){ "nosuid", "noexec", "nodev", NULL });
  /* rootless binds the host's /sys, as runc's rootless spec does; the cgroup mount over it (binds of the
     hierarchies in a user namespace) keeps every /sys/fs/cgroup mount read-only (CVE-2023-25809) */
  if (rootless)
    mount (g, "/sys", "none", "/sys",
           (const char *const[]){ "rbind", "nosuid", "noexec", "nodev", "ro", NULL });
  else
    mount (g, "/sys", "sysfs", "sysfs", (const char *const[]){ "nosuid", "noexec", "nodev", "ro", NULL });
  mount (g, "/sys/fs/cgroup", "cgroup", "cgroup",
         (const char *const[]){ "nosuid", "noexec", "nodev", "relatime", "ro", NULL });
  cell_json_gen_array_close (g);

  cell_json_gen_key (g, "linux");
  cell_json_gen_map_open (g);
  if (rootless)
    {
      idmap (g, "uidMappings", (unsigned long)geteuid ());
      idmap (g, "gidMappings", (unsigned long)getegid ());
    }
  else
    {
      cell_json_gen_key (g, "resources");
      cell_json_gen_map_open (g);
      cell_json_gen_key (g, "devices");
      cell_json_gen_array_open (g);
      cell_json_gen_map_open (g);
      cell_json_gen_key (g, "allow");
      cell_json_gen_bool (g, false);
      cell_json_gen_kv_string (g, "access", "rwm");
      cell_json_gen_map_close (g);
      cell_json_gen_array_close (g);
      cell_json_gen_map_close (g);
    }
  cell_json_gen_key (g, "namespaces");
  cell_json_gen_array_open (g);
  {
    static const char *const ns[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };
    for (size_t i = 0; i < ARRAY_SIZE (ns); i++)
      {
        cell_json_gen_map_open (g);
        cell_json_gen_kv_string (g, "type", ns[i]);
        cell_json_gen_map_close (g);
      }
    if (rootless)
      {
        cell_json_gen_map_open (g);
        cell_json_gen_kv_string (g, "type", "user");
        cell_json_gen_map_close (g);
      }
  }
  cell_json_gen_array_close (g);
  strings (g, "maskedPaths", masked);
  strings (g, "readonlyPaths", ro);
  cell_json_gen_map_close (g);

  cell_json_gen_map_close (g);
  return cell_json_gen_finish (g, NULL);
}
