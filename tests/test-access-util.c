// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-access-util"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <unistd.h>
#include <sys/wait.h>

#include "test-access-util.h"

/* What the child exits with when it cannot become the user. */
#define NOT_BECOME 255

int
test_open_as (const char *path,
              uid_t       uid,
              gid_t       gid)
{
  pid_t pid;
  int status;

  g_assert_cmpint (getuid (), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int fd;

      if (setgroups (0, NULL) != 0 || setgid (gid) != 0 || setuid (uid) != 0)
        _exit (NOT_BECOME);
      fd = open (path, O_RDONLY);
      _exit (fd >= 0 ? 0 : errno);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, NOT_BECOME);
  return WEXITSTATUS (status);
}
