// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-http"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "test-http.h"

/* The server ends with the test, also when an assertion aborts it before
 * test_http_stop. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

GSubprocess *
test_http_serve (const char  *dir,
                 char       **url)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *port;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server = g_subprocess_launcher_spawn (launcher, &error, "python3", "-u", "-m", "http.server",
                                        "--bind", "127.0.0.1", "--directory", dir, "0", NULL);
  g_assert_no_error (error);
  /* "Serving HTTP on 127.0.0.1 port N (http://127.0.0.1:N/) ..." once it listens. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  port = strstr (line, " port ");
  g_assert_nonnull (port);
  *url = g_strdup_printf ("http://127.0.0.1:%d/", atoi (port + strlen (" port ")));
  return g_steal_pointer (&server);
}

void
test_http_stop (GSubprocess *server)
{
  g_subprocess_force_exit (server);
  g_assert_true (g_subprocess_wait (server, NULL, NULL));
  g_object_unref (server);
}
