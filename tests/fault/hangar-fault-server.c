// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-fault-server"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fault-server.h"

/* The fault injector by hand, for measuring the real application against it:
 *   hangar-fault-server vnc-size 65535 65535
 * prints the port it listens on (127.0.0.1), then serves until killed. Point a guest of
 * libvirt's test driver at it: <graphics type='vnc' port='PORT' listen='127.0.0.1'/>. */
int
main (int   argc,
      char *argv[])
{
  static const char *modes[] = {
    [FAULT_VNC_SIZE] = "vnc-size",
    [FAULT_VNC_RESIZE] = "vnc-resize",
    [FAULT_VNC_SILENT] = "vnc-silent",
    [FAULT_SPICE_SURFACE] = "spice-surface",
    [FAULT_SPICE_SILENT] = "spice-silent",
    [FAULT_TCP_SILENT] = "tcp-silent",
  };
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  FaultServer *server;
  int mode = -1;

  for (guint i = 0; argc == 4 && i < G_N_ELEMENTS (modes); i++)
    if (g_str_equal (argv[1], modes[i]))
      mode = i;
  if (mode < 0)
    {
      fprintf (stderr, "Usage: %s vnc-size|vnc-resize|vnc-silent|spice-surface|spice-silent|"
                       "tcp-silent WIDTH HEIGHT\n", argv[0]);
      return 2;
    }

  server = fault_server_new (mode, atoi (argv[2]), atoi (argv[3]));
  printf ("%u\n", fault_server_get_port (server));
  fflush (stdout);
  g_main_loop_run (loop);
  return 0;
}
