/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* terminal.c: pty creation from the container's devpts, console-socket hand-off, controlling terminal. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>
#include "path-util.h"
#include "fd-util.h"
#include "terminal.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

int
cell_pty_open (int root_dfd, int *master, int *slave, struct cell_error **err)
{
  int unlock = 0, m, s;
  struct stat st;

  m = cell_open_in_root (root_dfd, "/dev/ptmx", O_RDWR | O_NOCTTY, 0);
  if (m < 0)
    return cell_err_errno (err, "open `/dev/ptmx` in the container");
  /* /dev/ptmx must be a real ptmx (char 5:2) or the devpts one (a link to pts/ptmx: char 5:2 as well) */
  if (fstat (m, &st) < 0 || !S_ISCHR (st.st_mode) || major (st.st_rdev) != 5 || minor (st.st_rdev) != 2)
    {
      close (m);
      return cell_err (err, 0, "`/dev/ptmx` in the container is not the pty multiplexer");
    }
  if (ioctl (m, TIOCSPTLCK, &unlock) < 0)
    {
      close (m);
      return cell_err_errno (err, "unlock pty");
    }
  s = ioctl (m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    {
      close (m);
      return cell_err_errno (err, "open pty peer");
    }
  *master = m;
  *slave = s;
  return 0;
}

int
cell_console_send (int sock, int master, struct cell_error **err)
{
  char name[64] = "/dev/ptmx";
  int n = 0;

  if (ioctl (master, TIOCGPTN, &n) == 0)
    snprintf (name, sizeof (name), "/dev/pts/%d", n);
  if (cell_sendmsg_fd (sock, name, strlen (name), master) < 0)
    return cell_err_errno (err, "send the pty master to the console socket");
  return 0;
}

int
cell_pty_make_controlling (int slave, unsigned short rows, unsigned short cols, struct cell_error **err)
{
  if (setsid () < 0)
    return cell_err_errno (err, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return cell_err_errno (err, "make the pty the controlling terminal");
  if (rows && cols)
    {
      struct winsize ws = { .ws_row = rows, .ws_col = cols };
      ioctl (slave, TIOCSWINSZ, &ws);
    }
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (slave, fd) < 0)
      return cell_err_errno (err, "dup2 pty");
  if (slave > 2)
    close (slave);
  return 0;
}
