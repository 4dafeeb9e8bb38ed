// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * floor: what the protocol library alone costs a GTK 4 client on the console benchmark's
 * load. A GTK 4 window (a label, never redrawn) and, in the same main loop, a gvnc or
 * spice-client-glib connection that receives every screen update the way Hangar's
 * console does (VNC: the same pixel format and encodings, a framebuffer gvnc decodes
 * into, an incremental update request per rectangle; SPICE: the display channel with
 * gl-scanout off and a handler on display-invalidate) — and draws nothing.
 *
 *   floor vnc|spice HOST PORT TITLE
 *
 * Prints "updates=N" (rectangles or invalidates received) to stdout when it gets SIGTERM
 * or SIGINT. bench/console/run.sh builds it and measures it like the other clients.
 */
#include <glib-unix.h>
#include <gtk/gtk.h>
#include <gvnc.h>
#include <spice-client.h>
#include <stdio.h>
#include <string.h>

/* Hangar's pixel format and encodings (src/console/). */
#include "hangar-vnc-format.h"

static guint64 updates;
static GtkWidget *window;

/* ------------------------------------------------------------------ VNC */

static guint8 *vnc_buffer;
static VncBaseFramebuffer *vnc_fb;

static void
vnc_setup_framebuffer (VncConnection *conn)
{
  int width = vnc_connection_get_width (conn);
  int height = vnc_connection_get_height (conn);

  g_clear_object (&vnc_fb);
  g_free (vnc_buffer);
  vnc_buffer = g_malloc0 ((gsize)width * height * 4);
  vnc_fb = vnc_base_framebuffer_new (vnc_buffer, width, height, width * 4,
                                     &hangar_vnc_local_format,
                                     vnc_connection_get_pixel_format (conn));
  vnc_connection_set_framebuffer (conn, VNC_FRAMEBUFFER (vnc_fb));
}

static void
on_vnc_choose_type (VncConnection *conn,
                    GValueArray   *types,
                    gpointer       user_data)
{
  vnc_connection_set_auth_type (conn, VNC_CONNECTION_AUTH_NONE);
}

static void
on_vnc_initialized (VncConnection *conn,
                    gpointer       user_data)
{
  vnc_connection_set_pixel_format (conn, &hangar_vnc_local_format);
  vnc_setup_framebuffer (conn);
  vnc_connection_set_encodings (conn, G_N_ELEMENTS (hangar_vnc_encodings),
                                (gint32 *)hangar_vnc_encodings);
  vnc_connection_framebuffer_update_request (conn, FALSE, 0, 0,
                                             vnc_connection_get_width (conn),
                                             vnc_connection_get_height (conn));
}

static void
on_vnc_update (VncConnection *conn,
               guint16        x,
               guint16        y,
               guint16        width,
               guint16        height,
               gpointer       user_data)
{
  updates++;
  vnc_connection_framebuffer_update_request (conn, TRUE, 0, 0,
                                             vnc_connection_get_width (conn),
                                             vnc_connection_get_height (conn));
}

static void
on_vnc_resize (VncConnection *conn,
               guint16        width,
               guint16        height,
               gpointer       user_data)
{
  vnc_setup_framebuffer (conn);
  vnc_connection_framebuffer_update_request (conn, FALSE, 0, 0, width, height);
}

static void
on_vnc_pixel_format (VncConnection        *conn,
                     const VncPixelFormat *format,
                     gpointer              user_data)
{
  vnc_setup_framebuffer (conn);
}

static void
on_vnc_disconnected (VncConnection *conn,
                     gpointer       user_data)
{
  g_printerr ("floor: VNC connection closed\n");
  exit (1);
}

static void
start_vnc (const char *host,
           const char *port)
{
  VncConnection *conn = vnc_connection_new ();

  g_signal_connect (conn, "vnc-auth-choose-type", G_CALLBACK (on_vnc_choose_type), NULL);
  g_signal_connect (conn, "vnc-initialized", G_CALLBACK (on_vnc_initialized), NULL);
  g_signal_connect (conn, "vnc-framebuffer-update", G_CALLBACK (on_vnc_update), NULL);
  g_signal_connect (conn, "vnc-desktop-resize", G_CALLBACK (on_vnc_resize), NULL);
  g_signal_connect (conn, "vnc-pixel-format-changed", G_CALLBACK (on_vnc_pixel_format), NULL);
  g_signal_connect (conn, "vnc-disconnected", G_CALLBACK (on_vnc_disconnected), NULL);
  if (!vnc_connection_open_host (conn, host, port))
    {
      g_printerr ("floor: cannot open VNC %s:%s\n", host, port);
      exit (1);
    }
}

/* ---------------------------------------------------------------- SPICE */

static void
on_spice_invalidate (SpiceChannel *channel,
                     int           x,
                     int           y,
                     int           width,
                     int           height,
                     gpointer      user_data)
{
  updates++;
}

static void
on_spice_channel_new (SpiceSession *session,
                      SpiceChannel *channel,
                      gpointer      user_data)
{
  if (SPICE_IS_DISPLAY_CHANNEL (channel))
    {
      g_signal_connect (channel, "display-invalidate", G_CALLBACK (on_spice_invalidate), NULL);
      spice_channel_connect (channel);
    }
}

static void
on_spice_disconnected (SpiceSession *session,
                       gpointer      user_data)
{
  g_printerr ("floor: SPICE session closed\n");
  exit (1);
}

static void
start_spice (const char *host,
             const char *port)
{
  SpiceSession *session = spice_session_new ();

  g_object_set (session, "host", host, "port", port, "gl-scanout", FALSE, NULL);
  g_signal_connect (session, "channel-new", G_CALLBACK (on_spice_channel_new), NULL);
  g_signal_connect (session, "disconnected", G_CALLBACK (on_spice_disconnected), NULL);
  if (!spice_session_connect (session))
    {
      g_printerr ("floor: cannot open SPICE %s:%s\n", host, port);
      exit (1);
    }
}

/* ----------------------------------------------------------------- main */

static gboolean
on_quit_signal (gpointer user_data)
{
  printf ("updates=%" G_GUINT64_FORMAT "\n", updates);
  fflush (stdout);
  exit (0);
}

int
main (int   argc,
      char *argv[])
{
  if (argc != 5 || (strcmp (argv[1], "vnc") != 0 && strcmp (argv[1], "spice") != 0))
    {
      g_printerr ("usage: floor vnc|spice HOST PORT TITLE\n");
      return 2;
    }

  gtk_init ();
  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), argv[4]);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 680);
  gtk_window_set_child (GTK_WINDOW (window),
                        gtk_label_new ("Receiving the guest's screen; drawing nothing"));
  gtk_window_present (GTK_WINDOW (window));

  if (strcmp (argv[1], "vnc") == 0)
    start_vnc (argv[2], argv[3]);
  else
    start_spice (argv[2], argv[3]);

  g_unix_signal_add (SIGTERM, on_quit_signal, NULL);
  g_unix_signal_add (SIGINT, on_quit_signal, NULL);
  while (TRUE)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}
