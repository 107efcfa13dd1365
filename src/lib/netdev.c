/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netdev.c: linux.netDevices: host interfaces moved into the container's network namespace over rtnetlink,
   renamed on the way, their permanent global addresses carried over and the link set up
   (config-linux.md "Network Devices"). One actor: the runtime, once init has its network namespace. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fd-util.h"
#include "netdev.h"
#include "xalloc.h"

/* One address of a device, as the kernel dumped it (the attributes re-sent as they came). */
struct addr
{
  struct ifaddrmsg ifa;
  unsigned char local[16], address[16], broadcast[4];
  size_t local_len, address_len, broadcast_len;
};

struct nl
{
  int fd;
  uint32_t seq;
};

static int
nl_open (struct nl *nl, struct cell_error **err)
{
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  nl->seq = 1;
  nl->fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (nl->fd < 0 || bind (nl->fd, (struct sockaddr *)&sa, sizeof (sa)) < 0)
    return cell_err_errno (err, "rtnetlink socket");
  return 0;
}

/* A request under construction: header, family message, attributes. */
struct req
{
  union
  {
    struct nlmsghdr h;
    char buf[512];
  } u;
};

static void
req_init (struct req *r, uint16_t type, uint16_t flags, const void *msg, size_t len)
{
  memset (r, 0, sizeof (*r));
  r->u.h.nlmsg_type = type;
  r->u.h.nlmsg_flags = NLM_F_REQUEST | flags;
  r->u.h.nlmsg_len = (uint32_t)NLMSG_LENGTH (len);
  memcpy (NLMSG_DATA (&r->u.h), msg, len);
}

static void
req_attr (struct req *r, uint16_t type, const void *data, size_t len)
{
  struct rtattr *a = (struct rtattr *)(r->u.buf + NLMSG_ALIGN (r->u.h.nlmsg_len));
  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH (len);
  memcpy (RTA_DATA (a), data, len);
  r->u.h.nlmsg_len = NLMSG_ALIGN (r->u.h.nlmsg_len) + RTA_ALIGN (a->rta_len);
}

/* Sends `r` and reads the answer: the ack (0 or -errno), or with `each` every message of a dump. */
static int
nl_talk (struct nl *nl, struct req *r, void (*each) (const struct nlmsghdr *, void *), void *ud)
{
  char buf[16384];
  r->u.h.nlmsg_seq = ++nl->seq;
  r->u.h.nlmsg_flags |= each ? NLM_F_DUMP : NLM_F_ACK;
  if (send (nl->fd, &r->u, r->u.h.nlmsg_len, 0) < 0)
    return -errno;
  for (;;)
    {
      ssize_t n = recv (nl->fd, buf, sizeof (buf), 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return n < 0 ? -errno : -EIO;
      for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK (h, (unsigned)n); h = NLMSG_NEXT (h, n))
        {
          if (h->nlmsg_seq != nl->seq)
            continue;
          if (h->nlmsg_type == NLMSG_ERROR)
            return ((struct nlmsgerr *)NLMSG_DATA (h))->error;
          if (h->nlmsg_type == NLMSG_DONE)
            return 0;
          if (each)
            each (h, ud);
        }
    }
}

struct addr_dump
{
  int ifindex;
  struct addr *v;
  size_t n, cap;
};

static void
copy_attr (const struct rtattr *a, unsigned char *dst, size_t max, size_t *len)
{
  size_t l = RTA_PAYLOAD (a);
  if (l <= max)
    {
      memcpy (dst, RTA_DATA (a), l);
      *len = l;
    }
}

/* config-linux.md: only the permanent addresses of global scope are carried over. */
static void
each_addr (const struct nlmsghdr *h, void *ud)
{
  struct addr_dump *d = ud;
  const struct ifaddrmsg *ifa = NLMSG_DATA (h);
  int len = (int)IFA_PAYLOAD (h);
  uint32_t flags = ifa->ifa_flags;
  struct addr a = { .ifa = *ifa };

  if ((int)ifa->ifa_index != d->ifindex || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
    return;
  for (const struct rtattr *rta = IFA_RTA (ifa); RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
    switch (rta->rta_type)
      {
      case IFA_LOCAL:
        copy_attr (rta, a.local, sizeof (a.local), &a.local_len);
        break;
      case IFA_ADDRESS:
        copy_attr (rta, a.address, sizeof (a.address), &a.address_len);
        break;
      case IFA_BROADCAST:
        copy_attr (rta, a.broadcast, sizeof (a.broadcast), &a.broadcast_len);
        break;
      case IFA_FLAGS:
        memcpy (&flags, RTA_DATA (rta), sizeof (flags));
        break;
      }
  if (!(flags & IFA_F_PERMANENT))
    return;
  d->v = xgrow (d->v, &d->cap, d->n + 1, sizeof (*d->v));
  d->v[d->n++] = a;
}

static int
dump_addrs (struct nl *nl, int ifindex, struct addr_dump *d)
{
  struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC };
  struct req r;
  d->ifindex = ifindex;
  req_init (&r, RTM_GETADDR, 0, &ifa, sizeof (ifa));
  return nl_talk (nl, &r, each_addr, d);
}

/* RTM_NEWLINK on `ifindex`: into the namespace `ns_fd` (>= 0) under `name`, or up. */
static int
set_link (struct nl *nl, int ifindex, int ns_fd, const char *name, bool up)
{
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
  struct req r;
  if (up)
    {
      ifi.ifi_flags = IFF_UP;
      ifi.ifi_change = IFF_UP;
    }
  req_init (&r, RTM_NEWLINK, 0, &ifi, sizeof (ifi));
  if (ns_fd >= 0)
    {
      uint32_t fd = (uint32_t)ns_fd;
      req_attr (&r, IFLA_NET_NS_FD, &fd, sizeof (fd));
    }
  if (name)
    req_attr (&r, IFLA_IFNAME, name, strlen (name) + 1);
  return nl_talk (nl, &r, NULL, NULL);
}

static int
add_addr (struct nl *nl, int ifindex, const struct addr *a)
{
  struct ifaddrmsg ifa = a->ifa;
  struct req r;
  ifa.ifa_index = (uint32_t)ifindex;
  req_init (&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof (ifa));
  if (a->local_len)
    req_attr (&r, IFA_LOCAL, a->local, a->local_len);
  if (a->address_len)
    req_attr (&r, IFA_ADDRESS, a->address, a->address_len);
  if (a->broadcast_len)
    req_attr (&r, IFA_BROADCAST, a->broadcast, a->broadcast_len);
  return nl_talk (nl, &r, NULL, NULL);
}

/* In the container's network namespace (a child: the runtime never leaves its own): the addresses back on
   the moved device, and the link up. The error, if any, comes back as text over `out`. */
static NORETURN void
configure_in_ns (int ns_fd, int ifindex, const char *host, const struct addr_dump *d, int out)
{
  struct nl nl = { .fd = -1 };
  struct cell_error *e = NULL;
  int r = 0;

  if (setns (ns_fd, CLONE_NEWNET) < 0)
    cell_err_errno (&e, "netDevices: `%s`: enter the container's network namespace", host);
  else if (nl_open (&nl, &e) == 0)
    {
      for (size_t i = 0; i < d->n && r == 0; i++)
        if ((r = add_addr (&nl, ifindex, &d->v[i])) < 0)
          cell_err (&e, -r, "netDevices: `%s`: restore its address %zu in the container", host, i);
      if (r == 0 && (r = set_link (&nl, ifindex, -1, NULL, true)) < 0)
        cell_err (&e, -r, "netDevices: `%s`: set the link up in the container", host);
    }
  if (e && write (out, e->msg, strlen (e->msg)) < 0)
    _exit (2);
  _exit (e ? 1 : 0);
}

static int
configure (int ns_fd, int ifindex, const char *host, const struct addr_dump *d, struct cell_error **err)
{
  int p[2], st;
  char buf[512];
  ssize_t n;
  pid_t pid;

  if (pipe2 (p, O_CLOEXEC) < 0)
    return cell_err_errno (err, "pipe");
  pid = fork ();
  if (pid == 0)
    {
      close (p[0]);
      configure_in_ns (ns_fd, ifindex, host, d, p[1]);
    }
  close (p[1]);
  if (pid < 0)
    {
      close (p[0]);
      return cell_err_errno (err, "fork");
    }
  while ((n = read (p[0], buf, sizeof (buf) - 1)) < 0 && errno == EINTR)
    ;
  close (p[0]);
  while (waitpid (pid, &st, 0) < 0 && errno == EINTR)
    ;
  if (n > 0)
    {
      buf[n] = '\0';
      return cell_err (err, 0, "%s", buf);
    }
  if (!WIFEXITED (st) || WEXITSTATUS (st) != 0)
    return cell_err (err, 0, "netDevices: `%s`: configuring it in the container failed", host);
  return 0;
}

int
cell_netdev_check (const struct cell_plan *plan, struct cell_error **err)
{
  for (size_t i = 0; i < plan->n_net_devices; i++)
    if (if_nametoindex (plan->net_devices[i].key) == 0)
      return cell_err (err, 0, "config.json: /linux/netDevices/%s: no such network device on the host",
                       plan->net_devices[i].key);
  return 0;
}

int
cell_netdev_move (const struct cell_plan *plan, pid_t pid, struct cell_error **err)
{
  struct nl nl = { .fd = -1 };
  cleanup_close int ns_fd = -1;
  char path[48];
  int r = 0;

  if (plan->n_net_devices == 0)
    return 0;
  snprintf (path, sizeof (path), "/proc/%d/ns/net", (int)pid);
  ns_fd = open (path, O_RDONLY | O_CLOEXEC);
  if (ns_fd < 0)
    return cell_err_errno (err, "netDevices: open the container's network namespace");
  if (nl_open (&nl, err) < 0)
    {
      cell_closep (&nl.fd);
      return -1;
    }
  for (size_t i = 0; i < plan->n_net_devices && r == 0; i++)
    {
      const char *host = plan->net_devices[i].key, *name = plan->net_devices[i].value;
      struct addr_dump d = { 0 };
      int ifindex = (int)if_nametoindex (host), e;
      if (ifindex == 0)
        r = cell_err_errno (err, "netDevices: `%s`", host);
      else if ((e = dump_addrs (&nl, ifindex, &d)) < 0)
        r = cell_err (err, -e, "netDevices: `%s`: list its addresses", host);
      /* moved and renamed in one request; the kernel keeps the index where it is free (a new namespace
         has only lo) */
      else if ((e = set_link (&nl, ifindex, ns_fd, name, false)) < 0)
        r = cell_err (err, -e, "netDevices: move `%s` into the container as `%s`", host, name);
      else
        r = configure (ns_fd, ifindex, host, &d, err);
      free (d.v);
    }
  cell_closep (&nl.fd);
  return r;
}
