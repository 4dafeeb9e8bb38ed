// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "e2e-guest"

#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <gdk/x11/gdkx.h>
#include <libvirt/virterror.h>

#include "e2e-guest.h"
#include "hangar-core.h"
#include "hangar-display.h"
#include "hangar-spice-display.h"
#include "hangar-vnc-display.h"

#define BOOT_TIMEOUT_MS  90000
#define READY_MARKER     "HANGAR-GUEST-READY"

static char *
guest_xml (const char *name,
           const char *graphics,
           const char *serial_log,
           const char *variant)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "guest", "guest-xml.sh",
                                                   NULL);
  const char *argv[] = { "bash", script, name, graphics, serial_log, variant, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("tests/guest/guest-xml.sh failed: %s %s", error->message, err ? err : "");
  return g_steal_pointer (&out);
}

static gboolean
guest_is_ready (gpointer data)
{
  return e2e_guest_serial_has (data, READY_MARKER);
}

static gboolean
guest_is_listed_running (gpointer data)
{
  E2eGuest *g = data;

  if (g->guest == NULL)
    g->guest = hangar_connection_find_guest (g->connection, g->name);
  return g->guest != NULL && hangar_guest_get_state (g->guest) == HANGAR_GUEST_STATE_RUNNING;
}

static gboolean
connection_is_open (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

void
e2e_gtk_test_init (int    *argc,
                   char ***argv)
{
  e2e_test_init (argc, argv);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  if (g_getenv ("DISPLAY") == NULL || !gtk_init_check ())
    g_error ("No X server: DISPLAY must name one (build-aux/test starts Xvfb)");
  e2e_spice_watch_channels ();
}

E2eGuest *
e2e_guest_boot (const char *graphics)
{
  return e2e_guest_boot_with_password (graphics, NULL);
}

E2eGuest *
e2e_guest_boot_with_password (const char *graphics,
                              const char *password)
{
  E2eGuestOptions options = { .graphics = graphics, .password = password };

  return e2e_guest_boot_with (&options);
}

/* Every @from in @xml becomes @to; failing if there is none. */
static char *
replace_all (char       *xml,
             const char *from,
             const char *to)
{
  g_auto(GStrv) parts = g_strsplit (xml, from, -1);

  if (parts[1] == NULL)
    g_error ("The guest XML has no %s to replace", from);
  g_free (xml);
  return g_strjoinv (to, parts);
}

E2eGuest *
e2e_guest_boot_with (const E2eGuestOptions *options)
{
  static guint booted;
  const char *uri = g_getenv ("HANGAR_TEST_LIBVIRT_URI");
  E2eGuest *g = g_new0 (E2eGuest, 1);
  g_autofree char *xml = NULL;

  if (uri == NULL || *uri == '\0')
    g_error ("HANGAR_TEST_LIBVIRT_URI is not set: run the tests with build-aux/test, which "
             "starts libvirtd");
  if (g_getenv ("HANGAR_TEST_GUEST_DIR") == NULL)
    g_error ("HANGAR_TEST_GUEST_DIR is not set: build-aux/test builds the tiny guest");

  hangar_core_init ();
  e2e_spice_watch_channels ();
  g->conn = virConnectOpen (uri);
  if (g->conn == NULL)
    g_error ("Cannot open %s: %s", uri, virGetLastErrorMessage ());

  /* Guests of test runs that died before cleaning up would only slow this one down. */
  e2e_remove_stale_domains (g->conn, "hangar-e2e-");
  /* The process's pid first (what e2e_remove_stale_domains reads); a test's second
   * guest of the same kind is told apart by a number after it. */
  booted++;
  g->name = booted == 1 ? g_strdup_printf ("hangar-e2e-%s-%d", options->graphics, (int)getpid ())
                        : g_strdup_printf ("hangar-e2e-%s-%d-%u", options->graphics,
                                           (int)getpid (), booted);
  g->serial_log = g_strdup_printf ("/var/log/libvirt/qemu/%s-serial.log", g->name);
  e2e_cleanup_domain (g->name);
  e2e_cleanup_path (g->serial_log);
  unlink (g->serial_log);
  xml = guest_xml (g->name, options->graphics, g->serial_log, options->variant);
  if (options->password != NULL)
    {
      g_autofree char *from = g_strdup_printf ("<graphics type='%s'", options->graphics);
      g_autofree char *to = g_strdup_printf ("<graphics type='%s' passwd='%s'",
                                             options->graphics, options->password);

      xml = replace_all (xml, from, to);
    }
  if (options->replace != NULL)
    xml = replace_all (xml, options->replace, options->replacement);
  g->domain = virDomainCreateXML (g->conn, xml, 0);
  if (g->domain == NULL)
    g_error ("Cannot start the test guest: %s", virGetLastErrorMessage ());

  g->connection = hangar_connection_new (uri);
  hangar_connection_open_async (g->connection, NULL, NULL, NULL);
  if (!e2e_wait_for (connection_is_open, g->connection, 15000))
    g_error ("Hangar could not connect to %s: %s", uri,
             hangar_connection_get_error_message (g->connection));
  if (!e2e_wait_for (guest_is_listed_running, g, 5000))
    g_error ("The test guest is not listed as running");
  if (!options->skip_shell && !e2e_wait_for (guest_is_ready, g, BOOT_TIMEOUT_MS))
    g_error ("The test guest did not print %s on its serial port within %d s",
             READY_MARKER, BOOT_TIMEOUT_MS / 1000);
  return g;
}

void
e2e_guest_free (E2eGuest *g)
{
  if (g == NULL)
    return;
  if (g->domain != NULL)
    {
      virDomainDestroy (g->domain);
      virDomainFree (g->domain);
      e2e_cleanup_domain_done (g->name);
    }
  if (g->connection != NULL)
    {
      hangar_connection_close (g->connection);
      g_object_unref (g->connection);
    }
  if (g->conn != NULL)
    virConnectClose (g->conn);
  if (g->serial_log != NULL)
    {
      unlink (g->serial_log);
      e2e_cleanup_path_done (g->serial_log);
    }
  g_free (g->serial_log);
  g_free (g->name);
  g_free (g);
}

gboolean
e2e_guest_serial_has (E2eGuest   *g,
                      const char *text)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (g->serial_log, &contents, NULL, NULL) &&
         strstr (contents, text) != NULL;
}

guint
e2e_guest_serial_count (E2eGuest   *g,
                        const char *text)
{
  g_autofree char *log = NULL;
  guint n = 0;

  if (!g_file_get_contents (g->serial_log, &log, NULL, NULL))
    return 0;
  for (const char *p = log; (p = strstr (p, text)) != NULL; p += strlen (text))
    n++;
  return n;
}

static int
stream_sink (virStreamPtr st,
             const char  *data,
             size_t       nbytes,
             void        *opaque)
{
  g_byte_array_append (opaque, (const guint8 *)data, nbytes);
  return (int)nbytes;
}

/* Skips whitespace and '#' comments between PPM header fields. */
static const guint8 *
ppm_field (const guint8 *p,
           const guint8 *end,
           int          *value)
{
  while (p < end && (g_ascii_isspace (*p) || *p == '#'))
    {
      if (*p == '#')
        while (p < end && *p != '\n')
          p++;
      else
        p++;
    }
  *value = 0;
  while (p < end && g_ascii_isdigit (*p))
    *value = *value * 10 + (*p++ - '0');
  return p;
}

GdkTexture *
e2e_guest_screenshot (E2eGuest *g)
{
  virStreamPtr st = virStreamNew (g->conn, 0);
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autofree char *mime = virDomainScreenshot (g->domain, st, 0, 0);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GdkTexture *texture;
  const guint8 *p, *end;
  int width = 0, height = 0, maxval = 0;

  if (mime == NULL)
    g_error ("virDomainScreenshot failed: %s", virGetLastErrorMessage ());
  if (virStreamRecvAll (st, stream_sink, data) < 0 || virStreamFinish (st) < 0)
    g_error ("Reading the screenshot failed: %s", virGetLastErrorMessage ());
  virStreamFree (st);

  if (g_str_equal (mime, "image/png"))
    {
      bytes = g_byte_array_free_to_bytes (g_steal_pointer (&data));
      texture = gdk_texture_new_from_bytes (bytes, &error);
      if (texture == NULL)
        g_error ("The PNG screenshot does not load: %s", error->message);
      return texture;
    }

  /* Older QEMU answers with a binary PPM (P6). */
  if (data->len < 2 || data->data[0] != 'P' || data->data[1] != '6')
    g_error ("The screenshot is %s, neither PNG nor a P6 PPM", mime);
  end = data->data + data->len;
  p = ppm_field (data->data + 2, end, &width);
  p = ppm_field (p, end, &height);
  p = ppm_field (p, end, &maxval);
  p++;
  if (maxval != 255 || (gsize)(end - p) < (gsize)width * height * 3)
    g_error ("Unexpected PPM: %d×%d max %d", width, height, maxval);
  bytes = g_bytes_new (p, (gsize)width * height * 3);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, bytes, (gsize)width * 3);
}

GArray *
e2e_guest_serial_sizes (E2eGuest   *guest,
                        const char *marker)
{
  GArray *sizes = g_array_new (FALSE, FALSE, sizeof (E2eSize));
  g_autofree char *log = NULL;

  if (!g_file_get_contents (guest->serial_log, &log, NULL, NULL))
    return sizes;
  for (const char *p = log; (p = strstr (p, marker)) != NULL; p++)
    {
      E2eSize size;

      if (sscanf (p + strlen (marker), "%dx%d", &size.width, &size.height) == 2)
        g_array_append_val (sizes, size);
    }
  return sizes;
}

guint
e2e_guest_serial_size (E2eGuest   *guest,
                       const char *marker,
                       E2eSize    *size)
{
  g_autoptr(GArray) sizes = e2e_guest_serial_sizes (guest, marker);

  *size = sizes->len ? g_array_index (sizes, E2eSize, sizes->len - 1) : (E2eSize) { 0, 0 };
  return sizes->len;
}

gboolean
e2e_guest_serial_size_is (E2eGuest      *guest,
                          const char    *marker,
                          const E2eSize *want)
{
  E2eSize size;

  return e2e_guest_serial_size (guest, marker, &size) > 0 && size.width == want->width &&
         size.height == want->height;
}

gboolean
e2e_display_guest_size_is (gpointer       display,
                           const E2eSize *size)
{
  return hangar_display_get_guest_width (display) == size->width &&
         hangar_display_get_guest_height (display) == size->height;
}

gboolean
e2e_display_shows_picture (gpointer display)
{
  return hangar_display_get_state (display) == HANGAR_DISPLAY_STATE_CONNECTED &&
         hangar_display_get_frame_count (display) > 0;
}

gboolean
e2e_display_settled (gpointer display)
{
  return hangar_display_get_state (display) == HANGAR_DISPLAY_STATE_DISCONNECTED ||
         e2e_display_shows_picture (display);
}

void
e2e_display_assert_fails_naming (gpointer    display,
                                 const char *needle)
{
  const char *message = hangar_display_get_status_message (display);

  g_assert_cmpint (hangar_display_get_state (display), ==, HANGAR_DISPLAY_STATE_DISCONNECTED);
  if (message == NULL || strstr (message, needle) == NULL)
    g_error ("The console's message “%s” does not name %s", message, needle);
}

void
e2e_display_close (gpointer display)
{
  if (HANGAR_IS_VNC_DISPLAY (display))
    hangar_vnc_display_close (HANGAR_VNC_DISPLAY (display));
  else
    {
      e2e_spice_wait_linked (10000);
      hangar_spice_display_close (HANGAR_SPICE_DISPLAY (display));
    }
}

/* SPICE channels, watched for every session (an emission hook on "channel-new", a
 * handler on each channel): the console's own handlers are its business, the test only
 * needs to know when linking is over. */
static GWeakRef newest_session;

/* Any event ends linking: opened, or an error, or closed. The first one is kept. */
static void
on_channel_event_cb (GObject *channel,
                     int      event,
                     gpointer data)
{
  if (g_object_get_data (channel, "e2e-linked") == NULL)
    g_object_set_data (channel, "e2e-linked", GINT_TO_POINTER (event + 1));
}

static gboolean
on_channel_new_hook (GSignalInvocationHint *hint,
                     guint                  n_values,
                     const GValue          *values,
                     gpointer               data)
{
  g_weak_ref_set (&newest_session, g_value_get_object (&values[0]));
  /* Its first event tells when the channel stopped linking. */
  g_signal_connect (g_value_get_object (&values[1]), "channel-event",
                    G_CALLBACK (on_channel_event_cb), NULL);
  return TRUE;
}


void
e2e_spice_watch_channels (void)
{
  static gsize watching;

  if (g_once_init_enter (&watching))
    {
      g_type_class_ref (SPICE_TYPE_SESSION);
      g_type_class_ref (SPICE_TYPE_CHANNEL);
      g_signal_add_emission_hook (g_signal_lookup ("channel-new", SPICE_TYPE_SESSION), 0,
                                  on_channel_new_hook, NULL, NULL);
      g_once_init_leave (&watching, 1);
    }
}

/* The channels HangarSpiceDisplay connects; ports (webdav among them) and further
 * monitors' channels stay closed. */
static gboolean
console_uses (SpiceChannel *channel)
{
  int id = 0;

  g_object_get (channel, "channel-id", &id, NULL);
  if (SPICE_IS_DISPLAY_CHANNEL (channel) || SPICE_IS_CURSOR_CHANNEL (channel))
    return id == 0;
  return SPICE_IS_MAIN_CHANNEL (channel) || SPICE_IS_INPUTS_CHANNEL (channel) ||
         SPICE_IS_USBREDIR_CHANNEL (channel);
}

/* The names of the channels still linking, or NULL when there are none. */
static char *
channels_linking (void)
{
  g_autoptr(GObject) session = g_weak_ref_get (&newest_session);
  g_autoptr(GString) names = g_string_new (NULL);
  GList *channels;

  /* Gone: none of its channels links any more. */
  if (session == NULL)
    return NULL;
  channels = spice_session_get_channels (SPICE_SESSION (session));
  for (GList *l = channels; l != NULL; l = l->next)
    if (console_uses (l->data) && g_object_get_data (l->data, "e2e-linked") == NULL)
      g_string_append_printf (names, "%s%s", names->len ? ", " : "",
                              G_OBJECT_TYPE_NAME (l->data));
  g_list_free (channels);
  return names->len ? g_string_free (g_steal_pointer (&names), FALSE) : NULL;
}

static gboolean
spice_linked (gpointer data)
{
  g_autofree char *linking = channels_linking ();

  return linking == NULL;
}

guint
e2e_spice_count_opened (GType type)
{
  g_autoptr(GObject) session = g_weak_ref_get (&newest_session);
  GList *channels = session ? spice_session_get_channels (SPICE_SESSION (session)) : NULL;
  guint n = 0;

  for (GList *l = channels; l != NULL; l = l->next)
    n += G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) &&
         GPOINTER_TO_INT (g_object_get_data (l->data, "e2e-linked")) == SPICE_CHANNEL_OPENED + 1;
  g_list_free (channels);
  return n;
}

void
e2e_spice_wait_linked (guint timeout_ms)
{
  g_autofree char *linking = NULL;

  if (e2e_wait_for (spice_linked, NULL, timeout_ms))
    return;
  linking = channels_linking ();
  g_error ("SPICE channels still linking after %u s: %s", timeout_ms / 1000, linking);
}

/* "xdotool" and the NULL-terminated arguments, NULL-terminated. */
static GPtrArray *
xdotool_argv (const char *first_arg,
              va_list     args)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *)"xdotool");
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *)arg);
  g_ptr_array_add (argv, NULL);
  return argv;
}

void
e2e_xdotool (const char *first_arg,
             ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  va_list args;

  va_start (args, first_arg);
  argv = xdotool_argv (first_arg, args);
  va_end (args);

  if (!g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                     &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("xdotool %s failed: %s %s", first_arg, error->message, err ? err : "");
}

/* xdotool with the main loop running: the widget sees and forwards each key as it comes.
 * (A synchronous spawn hands the guest every key in one burst, more than QEMU's 16-byte
 * PS/2 queue holds.) */
static void
on_xdotool_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GError **error = user_data;

  if (!g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, error) && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "xdotool failed");
  g_object_set_data (source, "done", GINT_TO_POINTER (TRUE));
}

static gboolean
subprocess_done (gpointer data)
{
  return g_object_get_data (data, "done") != NULL;
}

void
e2e_xdotool_live (const char *first_arg,
                  ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  va_list args;

  va_start (args, first_arg);
  argv = xdotool_argv (first_arg, args);
  va_end (args);

  proc = g_subprocess_newv ((const char *const *)argv->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  if (proc == NULL)
    g_error ("Cannot run xdotool: %s", error->message);
  g_subprocess_wait_check_async (proc, NULL, on_xdotool_done_cb, &error);
  if (!e2e_wait_for (subprocess_done, proc, 30000))
    g_error ("xdotool %s did not finish", first_arg);
  if (error != NULL)
    g_error ("xdotool %s failed: %s", first_arg, error->message);
}

char *
e2e_window_xid (GtkWindow *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  if (!GDK_IS_X11_SURFACE (surface))
    g_error ("The console tests need GTK's X11 backend (GDK_BACKEND=x11 under Xvfb)");
  return g_strdup_printf ("%lu", (gulong)gdk_x11_surface_get_xid (surface));
}

guint
e2e_compare_textures (GdkTexture   *expected,
                      GdkTexture   *actual,
                      GdkRectangle *diff)
{
  int width = gdk_texture_get_width (expected);
  int height = gdk_texture_get_height (expected);
  g_autofree guint8 *e = NULL;
  g_autofree guint8 *a = NULL;
  int x0 = width, y0 = height, x1 = -1, y1 = -1;
  guint n = 0;

  g_assert_cmpint (gdk_texture_get_width (actual), ==, width);
  g_assert_cmpint (gdk_texture_get_height (actual), ==, height);

  /* Both as cairo's ARGB32; colour only, the alpha of an opaque picture is 0xff. */
  e = g_malloc ((gsize)width * height * 4);
  a = g_malloc ((gsize)width * height * 4);
  gdk_texture_download (expected, e, (gsize)width * 4);
  gdk_texture_download (actual, a, (gsize)width * 4);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        gsize o = ((gsize)y * width + x) * 4;

        if (e[o] != a[o] || e[o + 1] != a[o + 1] || e[o + 2] != a[o + 2])
          {
            n++;
            x0 = MIN (x0, x);
            y0 = MIN (y0, y);
            x1 = MAX (x1, x);
            y1 = MAX (y1, y);
          }
      }
  *diff = n ? (GdkRectangle) { x0, y0, x1 - x0 + 1, y1 - y0 + 1 } : (GdkRectangle) { 0 };
  return n;
}

typedef struct {
  HangarDisplay *display;
  GdkTexture    *shot;
  GdkRectangle   diff;
  guint          mismatched;
} PictureWait;

static gboolean
display_equals_shot (gpointer data)
{
  PictureWait *w = data;
  g_autoptr(GdkTexture) ours = hangar_display_get_screenshot (w->display);

  if (ours == NULL || gdk_texture_get_width (ours) != gdk_texture_get_width (w->shot) ||
      gdk_texture_get_height (ours) != gdk_texture_get_height (w->shot))
    return FALSE;
  w->mismatched = e2e_compare_textures (w->shot, ours, &w->diff);
  return w->mismatched == 0;
}

guint
e2e_display_wait_for_guest (HangarDisplay *display,
                            E2eGuest      *guest,
                            guint          timeout_ms,
                            GdkRectangle  *diff)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  PictureWait w = { display, NULL, { 0 }, G_MAXUINT };
  int attempt = 0;

  do
    {
      g_clear_object (&w.shot);
      w.shot = e2e_guest_screenshot (guest);
      attempt++;
      if (e2e_wait_for (display_equals_shot, &w, 1000))
        break;
      g_test_message ("attempt %d: %u pixels differ in %d,%d %d×%d", attempt, w.mismatched,
                      w.diff.x, w.diff.y, w.diff.width, w.diff.height);
    }
  while (g_get_monotonic_time () < end);
  if (w.mismatched == 0)
    g_test_message ("the console equals libvirt's screenshot (%d×%d), attempt %d",
                    gdk_texture_get_width (w.shot), gdk_texture_get_height (w.shot), attempt);
  g_clear_object (&w.shot);
  *diff = w.diff;
  return w.mismatched;
}

int
e2e_guest_graphics_port (E2eGuest *guest)
{
  g_autofree char *xml = virDomainGetXMLDesc (guest->domain, 0);
  const char *graphics = xml ? strstr (xml, "<graphics ") : NULL;
  const char *end = graphics ? strchr (graphics, '>') : NULL;
  const char *port = graphics ? g_strstr_len (graphics, end - graphics, " port='") : NULL;

  return port != NULL ? atoi (port + strlen (" port='")) : -1;
}

guint
e2e_tcp_connections_to (int port)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;
  guint count = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      struct sockaddr_storage peer;
      socklen_t length = sizeof peer;
      int fd = atoi (name);

      if (getpeername (fd, (struct sockaddr *)&peer, &length) < 0)
        continue;
      if (peer.ss_family == AF_INET)
        {
          struct sockaddr_in *in = (struct sockaddr_in *)&peer;

          if (ntohs (in->sin_port) == port && ntohl (in->sin_addr.s_addr) >> 24 == 127)
            count++;
        }
      else if (peer.ss_family == AF_INET6)
        {
          struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&peer;

          if (ntohs (in6->sin6_port) == port && IN6_IS_ADDR_LOOPBACK (&in6->sin6_addr))
            count++;
        }
    }
  return count;
}
