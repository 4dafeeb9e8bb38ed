// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-core"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "hangar-core.h"

/* A process on core ignores SIGPIPE because hangar_core_init says so (not because some
 * library happened to): a write to a pipe nobody reads is an error it can report. The
 * real case, libvirtd closing a connection, is e2e-libvirtd's survives-closed-socket. */
static void
test_init_ignores_sigpipe (void)
{
  int fds[2];

  /* From the default a program starts with, whatever the parent left ignored. */
  signal (SIGPIPE, SIG_DFL);
  hangar_core_init ();
  {
    struct sigaction action;

    g_assert_cmpint (sigaction (SIGPIPE, NULL, &action), ==, 0);
    g_assert_true (action.sa_handler == SIG_IGN);
  }

  g_assert_cmpint (pipe (fds), ==, 0);
  close (fds[0]);
  errno = 0;
  g_assert_cmpint (write (fds[1], "x", 1), ==, -1);
  g_assert_cmpint (errno, ==, EPIPE);
  close (fds[1]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/init-ignores-sigpipe", test_init_ignores_sigpipe);

  return g_test_run ();
}
