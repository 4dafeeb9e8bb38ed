// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-free-port"

#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "test-free-port.h"

guint16
test_free_port (void)
{
  struct sockaddr_in address = { .sin_family = AF_INET };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd < 0 || bind (fd, (struct sockaddr *)&address, sizeof address) < 0 ||
      getsockname (fd, (struct sockaddr *)&address, &length) < 0)
    g_error ("No free port on 127.0.0.1: %s", g_strerror (errno));
  close (fd);
  return ntohs (address.sin_port);
}
