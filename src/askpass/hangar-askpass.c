// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * hangar-askpass: the SSH_ASKPASS program of the ssh processes Hangar starts
 * (src/core/hangar-ssh.c writes their environment). ssh runs it with its question as
 * argv[1] and reads the answer from its standard output. It asks the running Hangar
 * over the socket in HANGAR_ASKPASS_SOCKET (protocol: hangar-askpass-server.h).
 * Exit status 0 with the answer, 1 on Cancel or when Hangar cannot be asked. On
 * Cancel it also ends the ssh that asked: ssh would otherwise send an empty password
 * and ask again, while the user asked to stop.
 *
 * Plain C, no GLib: ssh waits on it for every question.
 */
#define G_LOG_DOMAIN "hangar-askpass"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int
write_all (int         fd,
           const char *data,
           size_t      len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      data += n;
      len -= (size_t)n;
    }
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  const char *socket_path = getenv ("HANGAR_ASKPASS_SOCKET");
  const char *login = getenv ("HANGAR_ASKPASS_LOGIN");
  const char *prompt = argc > 1 ? argv[1] : "";
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  char answer[8192];
  size_t len = 0;
  int fd;

  if (socket_path == NULL || strlen (socket_path) >= sizeof address.sun_path)
    {
      fprintf (stderr, "hangar-askpass: HANGAR_ASKPASS_SOCKET names no socket; "
                       "this program answers ssh for Hangar only.\n");
      return 1;
    }
  strcpy (address.sun_path, socket_path);

  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *)&address, sizeof address) < 0)
    {
      fprintf (stderr, "hangar-askpass: cannot reach Hangar at %s: %s\n", socket_path,
               strerror (errno));
      return 1;
    }
  if (write_all (fd, login ? login : "", login ? strlen (login) : 0) < 0 ||
      write_all (fd, "\n", 1) < 0 || write_all (fd, prompt, strlen (prompt)) < 0 ||
      shutdown (fd, SHUT_WR) < 0)
    {
      fprintf (stderr, "hangar-askpass: cannot ask Hangar: %s\n", strerror (errno));
      return 1;
    }

  /* Hangar answers when the user does: no time limit. */
  for (;;)
    {
      ssize_t n = read (fd, answer + len, sizeof answer - 1 - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          fprintf (stderr, "hangar-askpass: no answer from Hangar: %s\n", strerror (errno));
          return 1;
        }
      if (n == 0 || len + (size_t)n >= sizeof answer - 1)
        {
          len += (size_t)(n > 0 ? n : 0);
          break;
        }
      len += (size_t)n;
    }
  close (fd);
  answer[len] = '\0';

  if (len == 0 || answer[0] != 'y')
    {
      /* Cancel (or Hangar went away): the login stops here. */
      if (len > 0 && answer[0] == 'n')
        kill (getppid (), SIGTERM);
      return 1;
    }
  if (write_all (STDOUT_FILENO, answer + 1, len - 1) < 0 || write_all (STDOUT_FILENO, "\n", 1) < 0)
    return 1;
  memset (answer, 0, sizeof answer);
  return 0;
}
