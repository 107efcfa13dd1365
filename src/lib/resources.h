/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* resources.h: `linux.resources` as plain data (the device rules, memory, cpu, pids, blockIO, hugetlb,
   network, rdma, unified): its deep copy, free, text dump and static validation. */
#ifndef CELL_RESOURCES_H
#define CELL_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* Every optional scalar carries a has_ flag; absent arrays are NULL with n_ = 0. Strings are owned. */

struct cell_spec_kv
{
  char *key;
  char *value;
};

struct cell_spec_device_rule
{
  bool allow;
  char type; /* 'a' (default), 'c', 'b' */
  bool has_major, has_minor;
  int64_t major, minor; /* -1 = wildcard */
  char *access;         /* may be NULL = "rwm" */
};

/* blockIO.weightDevice[] */
struct cell_spec_blkio_weight_device
{
  int64_t major, minor;
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
};

/* blockIO.throttle{Read,Write}{Bps,IOPS}Device[] */
struct cell_spec_blkio_throttle
{
  int64_t major, minor;
  uint64_t rate;
};

/* network.priorities[] */
struct cell_spec_net_priority
{
  char *name; /* interface in the runtime's network namespace */
  uint32_t priority;
};

struct cell_spec_resources
{
  struct cell_spec_device_rule *devices;
  size_t n_devices;
  /* memory */
  bool has_memory_limit, has_memory_reservation, has_memory_swap, has_memory_swappiness;
  int64_t memory_limit, memory_reservation, memory_swap;
  uint64_t memory_swappiness;
  bool has_memory_kernel, has_memory_kernel_tcp, has_memory_disable_oom_killer, has_memory_use_hierarchy;
  int64_t memory_kernel, memory_kernel_tcp;
  bool memory_disable_oom_killer, memory_use_hierarchy;
  bool has_memory_check_before_update;
  bool memory_check_before_update;
  /* cpu */
  bool has_cpu_shares, has_cpu_quota, has_cpu_burst, has_cpu_period, has_cpu_realtime_runtime,
      has_cpu_realtime_period, has_cpu_idle;
  uint64_t cpu_shares, cpu_period, cpu_realtime_period, cpu_burst;
  int64_t cpu_quota, cpu_realtime_runtime, cpu_idle;
  char *cpu_cpus, *cpu_mems;
  /* pids */
  bool has_pids_limit;
  int64_t pids_limit;
  /* blockIO */
  bool has_blkio_weight, has_blkio_leaf_weight;
  uint16_t blkio_weight, blkio_leaf_weight;
  struct cell_spec_blkio_weight_device *blkio_weight_device;
  size_t n_blkio_weight_device;
  struct cell_spec_blkio_throttle *blkio_read_bps, *blkio_write_bps, *blkio_read_iops, *blkio_write_iops;
  size_t n_blkio_read_bps, n_blkio_write_bps, n_blkio_read_iops, n_blkio_write_iops;
  /* hugepageLimits: key = pageSize ("2MB"), value = decimal limit */
  struct cell_spec_kv *hugepage_limits;
  size_t n_hugepage_limits;
  /* network */
  bool has_net_class_id;
  uint32_t net_class_id;
  struct cell_spec_net_priority *net_priorities;
  size_t n_net_priorities;
  /* rdma: key = device, value = the rest of its rdma.max line ("hca_handle=3 hca_object=10000") */
  struct cell_spec_kv *rdma;
  size_t n_rdma;
  /* cgroup v2 unified key/values */
  struct cell_spec_kv *unified;
  size_t n_unified;
};

/* Deep copy (NULL for NULL); the copy is owned by the caller (cell_resources_free). */
struct cell_spec_resources *cell_resources_dup (const struct cell_spec_resources *r);
/* Frees `r` and everything it owns; NULL is fine. */
void cell_resources_free (struct cell_spec_resources *r);
/* One line per set field, in the order of the runtime-spec's properties (stable), each "POINTER VALUE" with
   POINTER the JSON pointer below linux.resources ("/memory/limit 104857600", "/devices/0/access rwm",
   "/unified/memory.high 1G"). "" when nothing is set. Caller frees. */
char *cell_resources_dump (const struct cell_spec_resources *r);
/* The runtime-spec's value rules that need no host: memory limits >= -1, swap >= limit, swappiness
   <= 100, cpu quota/burst/idle, cpus and mems list syntax, pids >= -1, blkio weights in [10, 1000],
   weightDevice entries with a weight, hugepage size syntax, interface names, unified keys, device rule
   access letters. `ptr` is the JSON pointer of `r` ("/linux/resources" in config.json, "" for an
   `update --resources` file). Errors: "<display>: <ptr>/memory/limit: ...". */
int cell_resources_validate (const struct cell_spec_resources *r, const char *display, const char *ptr,
                             struct cell_error **err);
/* True when `s` is a cpuset list ("0-3,5", "" included): used by validation and `update --cpuset-cpus`. */
bool cell_resources_cpuset_list_valid (const char *s);

#endif
