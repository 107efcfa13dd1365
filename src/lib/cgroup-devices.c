/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-devices.c: the device policy: the rule list (the spec's rules, then runc's defaults), v1
   devices.allow/deny lines in order, and the cgroup2 BPF_CGROUP_DEVICE program that replaces any earlier
   one. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include "cgroup-internal.h"
#include "fd-util.h"
#include "xalloc.h"

/* ---- device rules ------------------------------------------------------------------------------------ */

/* runc's default allow list (libcontainer/specconv AllowedDevices): mknod of anything, null, zero, full,
   tty, ptmx, the pts range, random, urandom; plus /dev/console (5:1) and tun (10:200), which older runc
   releases also allowed and container engines still expect. */
static const struct
{
  char type;
  int64_t major, minor;
  const char *access;
} default_rules[] = {
  { 'c', -1, -1, "m" },    { 'b', -1, -1, "m" }, { 'c', 1, 3, "rwm" }, { 'c', 1, 5, "rwm" },
  { 'c', 1, 7, "rwm" },    { 'c', 5, 0, "rwm" }, { 'c', 5, 1, "rwm" }, { 'c', 5, 2, "rwm" },
  { 'c', 136, -1, "rwm" }, { 'c', 1, 8, "rwm" }, { 'c', 1, 9, "rwm" }, { 'c', 10, 200, "rwm" },
};

int
cell_cgroup_device_access (const char *access)
{
  int bits = 0;
  if (access == NULL || *access == '\0')
    return 7;
  for (const char *c = access; *c; c++)
    {
      int b = *c == 'm' ? 1 : *c == 'r' ? 2 : *c == 'w' ? 4 : 0;
      if (b == 0)
        return -1;
      bits |= b;
    }
  return bits;
}

int
cell_cgroup_device_rules (const struct cell_spec_resources *res, struct cell_spec_device_rule **out,
                          size_t *n, struct cell_error **err)
{
  size_t ns = res ? res->n_devices : 0, i;
  struct cell_spec_device_rule *v = xcalloc (ns + ARRAY_SIZE (default_rules), sizeof *v);

  *out = NULL;
  *n = 0;
  for (i = 0; i < ns; i++)
    {
      v[i] = res->devices[i];
      if (v[i].type == 0)
        v[i].type = 'a';
      if ((v[i].type != 'a' && v[i].type != 'c' && v[i].type != 'b')
          || cell_cgroup_device_access (v[i].access) < 0)
        {
          cell_err (err, 0, "linux.resources.devices[%zu]: invalid type `%c` or access `%s`", i,
                    v[i].type ? v[i].type : '?', v[i].access ? v[i].access : "");
          free (v);
          return -1;
        }
      if (v[i].access == NULL || *v[i].access == '\0')
        v[i].access = (char *)"rwm";
      if (!v[i].has_major)
        v[i].major = -1;
      if (!v[i].has_minor)
        v[i].minor = -1;
      v[i].has_major = v[i].has_minor = true;
    }
  /* runc appends the defaults after the spec's rules, so they always apply (specconv CreateCgroupConfig). */
  for (size_t j = 0; j < ARRAY_SIZE (default_rules); j++, i++)
    {
      v[i].allow = true;
      v[i].type = default_rules[j].type;
      v[i].has_major = v[i].has_minor = true;
      v[i].major = default_rules[j].major;
      v[i].minor = default_rules[j].minor;
      v[i].access = (char *)default_rules[j].access;
    }
  *out = v;
  *n = i;
  return 0;
}

void
cell_cgroup_device_rule_line (const struct cell_spec_device_rule *r, char *buf, size_t size)
{
  char maj[24] = "*", min[24] = "*";
  if (r->major >= 0)
    snprintf (maj, sizeof maj, "%" PRId64, r->major);
  if (r->minor >= 0)
    snprintf (min, sizeof min, "%" PRId64, r->minor);
  snprintf (buf, size, "%c %s:%s %s", r->type, maj, min, r->access && *r->access ? r->access : "rwm");
}

/* One rule written to devices.allow or devices.deny, through the fd opened once for all of them. */
static int
v1_rule_write (struct cell_cgroup_hier *h, int fd[2], bool allow, const char *line, struct cell_error **err)
{
  const char *file = allow ? "devices.allow" : "devices.deny";
  size_t len = strlen (line);
  ssize_t w;
  if (fd[allow] < 0)
    {
      cleanup_free char *path = xasprintf ("%s/%s", h->dir, file);
      fd[allow] = open (path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
      if (fd[allow] < 0)
        return cell_err_errno (err, "write `%s` to `%s`", line, path);
    }
  do
    w = write (fd[allow], line, len);
  while (w < 0 && errno == EINTR);
  if (w < 0 || (size_t)w != len)
    return cell_err (err, w < 0 ? errno : EIO, "write `%s` to `%s/%s`", line, h->dir, file);
  return 0;
}

/* devices.deny "a" first (deny everything), then each rule in order: the kernel keeps an exception list,
   so a later line overrides an earlier one (Documentation/admin-guide/cgroup-v1/devices.rst). A rule of
   type `a` with a partial access or a number is written as its `c` and `b` halves, since the kernel reads
   any line starting with `a` as "all devices, all access". Each file is opened once: every write is one
   rule to the kernel. */
static int
v1_devices (struct cell_cgroup_hier *h, const struct cell_spec_device_rule *rules, size_t n,
            struct cell_error **err)
{
  int fd[2] = { -1, -1 }; /* [0] devices.deny, [1] devices.allow */
  int r = v1_rule_write (h, fd, false, "a", err);

  for (size_t i = 0; r == 0 && i < n; i++)
    {
      struct cell_spec_device_rule d = rules[i];
      char line[96];
      bool whole = d.type == 'a' && d.major < 0 && d.minor < 0 && cell_cgroup_device_access (d.access) == 7;

      if (d.type == 'a' && !whole)
        {
          static const char halves[] = { 'c', 'b' };
          for (size_t k = 0; r == 0 && k < ARRAY_SIZE (halves); k++)
            {
              d.type = halves[k];
              cell_cgroup_device_rule_line (&d, line, sizeof line);
              r = v1_rule_write (h, fd, d.allow, line, err);
            }
          continue;
        }
      if (whole)
        snprintf (line, sizeof line, "a");
      else
        cell_cgroup_device_rule_line (&d, line, sizeof line);
      r = v1_rule_write (h, fd, d.allow, line, err);
    }
  cell_closep (&fd[0]);
  cell_closep (&fd[1]);
  return r;
}

/* ---- the device filter --------------------------------------------------------------------------------- */

struct prog
{
  struct bpf_insn *v;
  size_t n, cap;
};

static size_t
emit (struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  p->v = xgrow (p->v, &p->cap, p->n + 1, sizeof *p->v);
  p->v[p->n] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
  return p->n++;
}

static void
patch_to_here (struct prog *p, const size_t *jumps, size_t n)
{
  for (size_t i = 0; i < n; i++)
    p->v[jumps[i]].off = (int16_t)(p->n - (jumps[i] + 1));
}

/* Builds the BPF_PROG_TYPE_CGROUP_DEVICE program. The kernel passes struct bpf_cgroup_dev_ctx:
   access_type = (access << 16) | type, major, minor (include/uapi/linux/bpf.h). A request may carry
   several access bits (open O_RDWR asks for read and write); each bit is decided on its own by the LAST
   rule that names the device and that bit, as with the v1 exception list, and the request passes only
   if every bit does. No matching rule denies. */
static int
build_device_prog (const struct cell_spec_device_rule *rules, size_t n, struct prog *p,
                   struct cell_error **err)
{
  static const int bits[] = { 1 /* BPF_DEVCG_ACC_MKNOD */, 2 /* READ */, 4 /* WRITE */ };
  cleanup_free size_t *to_end = xcalloc (n + 1, sizeof (size_t));

  /* r2 = type, r3 = access, r4 = major, r5 = minor */
  emit (p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
  emit (p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
  emit (p, BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);

  for (size_t b = 0; b < ARRAY_SIZE (bits); b++)
    {
      size_t n_end = 0;
      bool decided = false;
      /* Bit not requested: on to the next one. */
      emit (p, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_3, 0, 0);
      emit (p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_6, 0, 0, bits[b]);
      to_end[n_end++] = emit (p, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_6, 0, 0, 0);
      for (size_t i = n; i-- > 0;)
        {
          const struct cell_spec_device_rule *r = &rules[i];
          size_t next[3], n_next = 0;
          if (!(cell_cgroup_device_access (r->access) & bits[b]))
            continue;
          if (r->major > INT32_MAX || r->minor > INT32_MAX)
            return cell_err (err, 0, "device rule %" PRId64 ":%" PRId64 ": number out of range", r->major,
                             r->minor);
          if (r->type != 'a')
            next[n_next++] = emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
                                   r->type == 'b' ? 1 /* BPF_DEVCG_DEV_BLOCK */ : 2 /* BPF_DEVCG_DEV_CHAR */);
          if (r->major >= 0)
            next[n_next++] = emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)r->major);
          if (r->minor >= 0)
            next[n_next++] = emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)r->minor);
          if (r->allow)
            to_end[n_end++] = emit (p, BPF_JMP | BPF_JA, 0, 0, 0, 0);
          else
            {
              emit (p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
              emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
            }
          patch_to_here (p, next, n_next);
          if (n_next == 0)
            {
              decided = true; /* matches everything: earlier rules cannot decide this bit */
              break;
            }
        }
      if (!decided)
        {
          emit (p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
          emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        }
      patch_to_here (p, to_end, n_end);
    }
  emit (p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
  emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  if (p->n > 30000)
    return cell_err (err, 0, "too many device rules (%zu)", n);
  return 0;
}

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int)syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

static int
v2_devices (const char *dir, const struct cell_spec_device_rule *rules, size_t n, struct cell_error **err)
{
  struct prog p = { 0 };
  cleanup_close int prog_fd = -1, dfd = -1;
  uint32_t old_ids[64];
  uint32_t n_old = 0;
  union bpf_attr attr;
  char log[4096] = "";

  if (build_device_prog (rules, n, &p, err) < 0)
    {
      free (p.v);
      return -1;
    }
  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)p.v;
  attr.insn_cnt = (uint32_t)p.n;
  attr.license = (uint64_t)(uintptr_t) "GPL";
  attr.log_buf = (uint64_t)(uintptr_t)log;
  attr.log_size = sizeof log;
  attr.log_level = 1;
  prog_fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (prog_fd < 0 && errno == ENOSPC)
    {
      /* The verifier log did not fit: load again without one. */
      attr.log_buf = 0;
      attr.log_size = 0;
      attr.log_level = 0;
      prog_fd = sys_bpf (BPF_PROG_LOAD, &attr);
    }
  free (p.v);
  if (prog_fd < 0)
    {
      char *nl = strchr (log, '\n');
      if (nl)
        *nl = '\0';
      return cell_err_errno (err, "load the device filter (BPF_PROG_TYPE_CGROUP_DEVICE)%s%s",
                             *log ? ": " : "", log);
    }
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return cell_err_errno (err, "open `%s`", dir);

  /* Programs attached before (an earlier apply): replaced after the new one is in, so that there is no
     moment without a filter. */
  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = dfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)old_ids;
  attr.query.prog_cnt = ARRAY_SIZE (old_ids);
  if (sys_bpf (BPF_PROG_QUERY, &attr) == 0)
    n_old = attr.query.prog_cnt;

  memset (&attr, 0, sizeof attr);
  attr.target_fd = dfd;
  attr.attach_bpf_fd = prog_fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
    return cell_err_errno (err, "attach the device filter to `%s`", dir);

  for (uint32_t i = 0; i < n_old && i < ARRAY_SIZE (old_ids); i++)
    {
      cleanup_close int old_fd = -1;
      memset (&attr, 0, sizeof attr);
      attr.prog_id = old_ids[i];
      old_fd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
      if (old_fd < 0)
        continue;
      memset (&attr, 0, sizeof attr);
      attr.target_fd = dfd;
      attr.attach_bpf_fd = old_fd;
      attr.attach_type = BPF_CGROUP_DEVICE;
      if (sys_bpf (BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
        return cell_err_errno (err, "detach the previous device filter from `%s`", dir);
    }
  return 0;
}

int
cell_cgroup_devices_apply (struct cell_cgroup *cg, const struct cell_spec_resources *res,
                           struct cell_error **err)
{
  struct cell_cgroup_hier *h = cell_cgroup_find_ctrl (cg, "devices");
  cleanup_free struct cell_spec_device_rule *rules = NULL;
  size_t n = 0;

  /* The device program needs no controller: any cgroup2 directory takes it (a hybrid host without a
     v1 devices hierarchy included). */
  if (h == NULL)
    h = cell_cgroup_find_v2 (cg);
  if (h == NULL)
    {
      if (res->n_devices > 0)
        return cell_err (err, 0, "/linux/resources/devices: the `devices` cgroup controller is not mounted");
      return 0;
    }
  if (cell_cgroup_device_rules (res, &rules, &n, err) < 0)
    return -1;
  return h->v2 ? v2_devices (h->dir, rules, n, err) : v1_devices (h, rules, n, err);
}
