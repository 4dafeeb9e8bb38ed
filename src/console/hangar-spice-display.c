// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-spice-display"

#include "config.h"

#include <unistd.h>
#include <glib/gi18n.h>
#include <spice-client.h>

#include "hangar-graphics.h"
#include "hangar-spice-display.h"

/* A guest's SPICE console on spice-client-glib: the main channel (mouse mode, monitor
 * config), display channel 0 (the primary surface, copied into HangarDisplay's
 * framebuffer where the server says it changed), inputs and cursor.
 *
 *   hangar_guest_open_graphics_async ──> SpiceSession (open_fd, or host/port)
 *        channel-new ──> every channel: channel-event, open-fd (one more socket from
 *                        libvirt per channel); main/display/inputs/cursor: their signals
 */
struct _HangarSpiceDisplay
{
  HangarDisplay parent_instance;

  HangarGuest *guest;
  GCancellable *cancellable;
  SpiceSession *session;
  GPtrArray *channels; /* every channel we connected handlers to, owned */
  SpiceMainChannel *main;
  SpiceDisplayChannel *display;
  SpiceInputsChannel *inputs;
  SpiceCursorChannel *cursor;
  guint teardown_id;
  gboolean main_open;
  gboolean display_open;
  gboolean inputs_open;
  gboolean was_connected;

  /* The primary surface, owned by the display channel. */
  const guint8 *primary;
  int primary_format;
  int primary_width;
  int primary_height;
  int primary_stride;

  int last_x;
  int last_y;
  guint button_mask; /* SPICE_MOUSE_BUTTON_MASK_* */

  int want_width; /* resize-guest size waiting for the agent, or 0 */
  int want_height;
};

G_DEFINE_FINAL_TYPE (HangarSpiceDisplay, hangar_spice_display, HANGAR_TYPE_DISPLAY)

static void teardown (HangarSpiceDisplay *self);

/* Primary surface → framebuffer. */

static inline guint8
expand5 (guint v)
{
  return (guint8)((v << 3) | (v >> 2));
}

static inline guint8
expand6 (guint v)
{
  return (guint8)((v << 2) | (v >> 4));
}

/* Copies one rectangle of the primary surface into the framebuffer and damages it. */
static void
copy_rect (HangarSpiceDisplay *self,
           int                 x,
           int                 y,
           int                 width,
           int                 height)
{
  HangarDisplay *display = HANGAR_DISPLAY (self);
  gsize dst_stride;
  guint8 *dst = hangar_display_get_framebuffer (display, &dst_stride);
  int x0 = MAX (x, 0);
  int y0 = MAX (y, 0);
  int x1 = MIN (x + width, MIN (self->primary_width, hangar_display_get_guest_width (display)));
  int y1 = MIN (y + height,
                MIN (self->primary_height, hangar_display_get_guest_height (display)));

  if (self->primary == NULL || dst == NULL || x1 <= x0 || y1 <= y0)
    return;

  for (int row = y0; row < y1; row++)
    {
      const guint8 *s = self->primary + (gssize)row * self->primary_stride;
      guint8 *d = dst + (gsize)row * dst_stride + (gsize)x0 * 4;

      switch (self->primary_format)
        {
        case SPICE_SURFACE_FMT_32_xRGB:
        case SPICE_SURFACE_FMT_32_ARGB:
          /* Both are B, G, R, x/A in memory, as the framebuffer is. */
          memcpy (d, s + (gsize)x0 * 4, (gsize)(x1 - x0) * 4);
          break;

        case SPICE_SURFACE_FMT_16_555:
        case SPICE_SURFACE_FMT_16_565:
          for (int col = x0; col < x1; col++, d += 4)
            {
              guint p = GUINT16_FROM_LE (((const guint16 *)s)[col]);

              if (self->primary_format == SPICE_SURFACE_FMT_16_555)
                {
                  d[0] = expand5 (p & 0x1f);
                  d[1] = expand5 ((p >> 5) & 0x1f);
                  d[2] = expand5 ((p >> 10) & 0x1f);
                }
              else
                {
                  d[0] = expand5 (p & 0x1f);
                  d[1] = expand6 ((p >> 5) & 0x3f);
                  d[2] = expand5 ((p >> 11) & 0x1f);
                }
              d[3] = 0xff;
            }
          break;

        default:
          return;
        }
    }
  hangar_display_damage (display, x0, y0, x1 - x0, y1 - y0);
}

static void
on_display_primary_create_cb (SpiceChannel       *channel,
                              int                 format,
                              int                 width,
                              int                 height,
                              int                 stride,
                              int                 shmid,
                              gpointer            data,
                              HangarSpiceDisplay *self)
{
  g_debug ("primary surface %d×%d, format %d, stride %d", width, height, format, stride);

  if (format != SPICE_SURFACE_FMT_32_xRGB && format != SPICE_SURFACE_FMT_32_ARGB &&
      format != SPICE_SURFACE_FMT_16_555 && format != SPICE_SURFACE_FMT_16_565)
    {
      g_warning ("SPICE primary surface format %d is not supported", format);
      self->primary = NULL;
      return;
    }
  if (width <= 0 || height <= 0 || data == NULL)
    return;

  self->primary = data;
  self->primary_format = format;
  self->primary_width = width;
  self->primary_height = height;
  self->primary_stride = stride;
  hangar_display_set_framebuffer (HANGAR_DISPLAY (self), width, height, NULL);
  copy_rect (self, 0, 0, width, height);
}

static void
on_display_primary_destroy_cb (SpiceChannel       *channel,
                               HangarSpiceDisplay *self)
{
  /* The last picture stays on screen until the next surface arrives. */
  self->primary = NULL;
}

static void
on_display_invalidate_cb (SpiceChannel       *channel,
                          int                 x,
                          int                 y,
                          int                 width,
                          int                 height,
                          HangarSpiceDisplay *self)
{
  copy_rect (self, x, y, width, height);
}

static void
on_display_mark_cb (SpiceChannel       *channel,
                    int                 mark,
                    HangarSpiceDisplay *self)
{
  /* The surface is complete: show all of it. */
  if (mark)
    copy_rect (self, 0, 0, self->primary_width, self->primary_height);
}

/* Cursor. */

static void
on_cursor_set_cb (SpiceCursorChannel *channel,
                  int                 width,
                  int                 height,
                  int                 hot_x,
                  int                 hot_y,
                  gpointer            rgba,
                  HangarSpiceDisplay *self)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  /* No pixels: the server's default cursor. */
  if (rgba == NULL || width <= 0 || height <= 0)
    {
      hangar_display_set_cursor_image (HANGAR_DISPLAY (self), NULL, 0, 0);
      return;
    }

  /* spice-client-glib hands over R, G, B, A bytes, not premultiplied. */
  bytes = g_bytes_new (rgba, (gsize)width * height * 4);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes,
                                    (gsize)width * 4);
  hangar_display_set_cursor_image (HANGAR_DISPLAY (self), texture, hot_x, hot_y);
}

static void
on_cursor_hide_cb (SpiceCursorChannel *channel,
                   HangarSpiceDisplay *self)
{
  static const guint8 clear[4] = { 0, 0, 0, 0 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (clear, sizeof clear);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (1, 1, GDK_MEMORY_R8G8B8A8, bytes, 4);

  hangar_display_set_cursor_image (HANGAR_DISPLAY (self), texture, 0, 0);
}

static void
on_cursor_reset_cb (SpiceCursorChannel *channel,
                    HangarSpiceDisplay *self)
{
  hangar_display_set_cursor_image (HANGAR_DISPLAY (self), NULL, 0, 0);
}

/* Main channel. */

static int
get_mouse_mode (HangarSpiceDisplay *self)
{
  int mode = SPICE_MOUSE_MODE_SERVER;

  if (self->main != NULL)
    g_object_get (self->main, "mouse-mode", &mode, NULL);
  return mode;
}

static void
send_monitor_config (HangarSpiceDisplay *self)
{
  gboolean agent = FALSE;

  if (self->main == NULL || self->want_width <= 0 || self->want_height <= 0)
    return;
  g_object_get (self->main, "agent-connected", &agent, NULL);
  /* Without spice-vdagent the guest cannot follow; keep the size for when it starts. */
  if (!agent)
    return;

  spice_main_channel_update_display_enabled (self->main, 0, TRUE, FALSE);
  spice_main_channel_update_display (self->main, 0, 0, 0, self->want_width, self->want_height,
                                     FALSE);
  spice_main_channel_send_monitor_config (self->main);
  self->want_width = self->want_height = 0;
}

static void
on_main_mouse_update_cb (SpiceChannel       *channel,
                         HangarSpiceDisplay *self)
{
  g_debug ("mouse mode %s", get_mouse_mode (self) == SPICE_MOUSE_MODE_CLIENT ? "client" : "server");
}

static void
on_main_agent_update_cb (SpiceChannel       *channel,
                         HangarSpiceDisplay *self)
{
  /* The agent makes absolute (client) mode possible even without a tablet. */
  if (get_mouse_mode (self) != SPICE_MOUSE_MODE_CLIENT)
    spice_main_channel_request_mouse_mode (self->main, SPICE_MOUSE_MODE_CLIENT);
  send_monitor_config (self);
}

/* Connection. */

static char *
channel_error_message (SpiceChannel      *channel,
                       SpiceChannelEvent  event)
{
  const GError *error = spice_channel_get_error (channel);
  const char *sentence;

  switch ((int)event)
    {
    case SPICE_CHANNEL_ERROR_TLS:
      sentence = _("The secure connection to the guest's console failed.");
      break;
    case SPICE_CHANNEL_ERROR_LINK:
      sentence = _("The guest's console refused the connection.");
      break;
    case SPICE_CHANNEL_ERROR_AUTH:
      sentence = _("The guest's console did not accept the password.");
      break;
    case SPICE_CHANNEL_ERROR_IO:
      sentence = _("The connection to the guest's console broke.");
      break;
    case SPICE_CHANNEL_ERROR_CONNECT:
    default:
      sentence = _("Could not connect to the guest's console.");
      break;
    }
  if (error != NULL && error->message != NULL && *error->message != '\0')
    return g_strdup_printf ("%s (%s)", sentence, error->message);
  return g_strdup (sentence);
}

static gboolean
on_teardown_idle_cb (gpointer user_data)
{
  HangarSpiceDisplay *self = user_data;

  self->teardown_id = 0;
  teardown (self);
  return G_SOURCE_REMOVE;
}

/* Reports the end of the session now; the session itself goes from an idle, outside
 * the signal emission that brought the news. */
static void
disconnected (HangarSpiceDisplay *self,
              const char         *message)
{
  /* The first reason is the one worth telling. */
  if (self->teardown_id != 0)
    return;
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED, message);
  if (self->session != NULL && self->teardown_id == 0)
    self->teardown_id = g_idle_add (on_teardown_idle_cb, self);
}

/* Connected means the picture and the keyboard both work: the channels open one by one
 * (each waits for its own socket), and keys sent before the inputs channel are lost. */
static void
update_connected (HangarSpiceDisplay *self)
{
  if (self->was_connected || self->teardown_id != 0)
    return;
  if (!self->main_open || !self->display_open || (self->inputs != NULL && !self->inputs_open))
    return;
  self->was_connected = TRUE;
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_CONNECTED, NULL);
}

static void
on_channel_event_cb (SpiceChannel       *channel,
                     SpiceChannelEvent   event,
                     HangarSpiceDisplay *self)
{
  gboolean essential = SPICE_IS_MAIN_CHANNEL (channel) ||
                       (gpointer)channel == (gpointer)self->display;
  g_autofree char *message = NULL;

  g_debug ("%s channel event %d", G_OBJECT_TYPE_NAME (channel), event);

  switch ((int)event)
    {
    case SPICE_CHANNEL_OPENED:
      if (SPICE_IS_MAIN_CHANNEL (channel))
        {
          self->main_open = TRUE;
          if (get_mouse_mode (self) != SPICE_MOUSE_MODE_CLIENT)
            spice_main_channel_request_mouse_mode (self->main, SPICE_MOUSE_MODE_CLIENT);
        }
      else if ((gpointer)channel == (gpointer)self->display)
        self->display_open = TRUE;
      else if ((gpointer)channel == (gpointer)self->inputs)
        self->inputs_open = TRUE;
      update_connected (self);
      break;

    case SPICE_CHANNEL_CLOSED:
      if (essential)
        disconnected (self, _("The console closed."));
      break;

    case SPICE_CHANNEL_ERROR_CONNECT:
    case SPICE_CHANNEL_ERROR_TLS:
    case SPICE_CHANNEL_ERROR_LINK:
    case SPICE_CHANNEL_ERROR_AUTH:
    case SPICE_CHANNEL_ERROR_IO:
      if (!essential)
        {
          g_debug ("%s channel failed (event %d)", G_OBJECT_TYPE_NAME (channel), event);
          /* A console without a keyboard is still worth showing. */
          if ((gpointer)channel == (gpointer)self->inputs)
            {
              self->inputs = NULL;
              update_connected (self);
            }
          break;
        }
      /* A guest that shuts down just drops the connection. */
      if (event == SPICE_CHANNEL_ERROR_IO && self->was_connected)
        message = g_strdup (_("The console closed."));
      else
        message = channel_error_message (channel, event);
      disconnected (self, message);
      break;

    default:
      break;
    }
}

typedef struct
{
  HangarSpiceDisplay *self;
  SpiceSession *session;
  SpiceChannel *channel;
} ChannelFd;

static void
channel_fd_free (ChannelFd *data)
{
  g_object_unref (data->self);
  g_object_unref (data->session);
  g_object_unref (data->channel);
  g_free (data);
}

static void
on_channel_fd_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ChannelFd *data = user_data;
  HangarSpiceDisplay *self = data->self;
  g_autoptr(GError) error = NULL;
  int fd = hangar_guest_open_graphics_fd_finish (HANGAR_GUEST (source), result, &error);

  if (self->session != data->session || self->teardown_id != 0)
    {
      /* Closed or reopened meanwhile. */
      if (fd >= 0)
        close (fd);
    }
  else if (fd < 0)
    {
      /* Expected when the guest stops meanwhile: only the essential channels matter. */
      g_debug ("No socket for the SPICE %s channel: %s",
                 G_OBJECT_TYPE_NAME (data->channel), error->message);
      if (SPICE_IS_MAIN_CHANNEL (data->channel) ||
          (gpointer)data->channel == (gpointer)self->display)
        disconnected (self, error->message);
    }
  else if (!spice_channel_open_fd (data->channel, fd))
    {
      close (fd);
    }
  channel_fd_free (data);
}

/* With a socket from libvirt, every further channel asks for its own. */
static void
on_channel_open_fd_cb (SpiceChannel       *channel,
                       int                 with_tls,
                       HangarSpiceDisplay *self)
{
  ChannelFd *data;

  if (self->guest == NULL || self->session == NULL)
    return;

  data = g_new0 (ChannelFd, 1);
  data->self = g_object_ref (self);
  data->session = g_object_ref (self->session);
  data->channel = g_object_ref (channel);
  /* No cancellable: a socket that arrives too late is closed in the callback. */
  hangar_guest_open_graphics_fd_async (self->guest, NULL, on_channel_fd_cb, data);
}

static void
on_session_channel_new_cb (SpiceSession       *session,
                           SpiceChannel       *channel,
                           HangarSpiceDisplay *self)
{
  int id = 0;

  g_object_get (channel, "channel-id", &id, NULL);
  g_debug ("new channel %s %d", G_OBJECT_TYPE_NAME (channel), id);

  /* The main channel connects itself; the others connect only when asked, so the
   * channels this widget does not use (ports, webdav) never open. */
  g_ptr_array_add (self->channels, g_object_ref (channel));
  g_signal_connect (channel, "channel-event", G_CALLBACK (on_channel_event_cb), self);
  g_signal_connect (channel, "open-fd", G_CALLBACK (on_channel_open_fd_cb), self);

  if (SPICE_IS_MAIN_CHANNEL (channel))
    {
      self->main = SPICE_MAIN_CHANNEL (channel);
      g_signal_connect (channel, "main-mouse-update", G_CALLBACK (on_main_mouse_update_cb), self);
      g_signal_connect (channel, "main-agent-update", G_CALLBACK (on_main_agent_update_cb), self);
    }
  else if (SPICE_IS_DISPLAY_CHANNEL (channel))
    {
      /* One monitor: further display channels are not shown. */
      if (id != 0 || self->display != NULL)
        return;
      self->display = SPICE_DISPLAY_CHANNEL (channel);
      g_signal_connect (channel, "display-primary-create",
                        G_CALLBACK (on_display_primary_create_cb), self);
      g_signal_connect (channel, "display-primary-destroy",
                        G_CALLBACK (on_display_primary_destroy_cb), self);
      g_signal_connect (channel, "display-invalidate", G_CALLBACK (on_display_invalidate_cb), self);
      g_signal_connect (channel, "display-mark", G_CALLBACK (on_display_mark_cb), self);
      spice_channel_connect (channel);
    }
  else if (SPICE_IS_INPUTS_CHANNEL (channel))
    {
      self->inputs = SPICE_INPUTS_CHANNEL (channel);
      spice_channel_connect (channel);
    }
  else if (SPICE_IS_CURSOR_CHANNEL (channel))
    {
      if (id != 0 || self->cursor != NULL)
        return;
      self->cursor = SPICE_CURSOR_CHANNEL (channel);
      g_signal_connect (channel, "cursor-set", G_CALLBACK (on_cursor_set_cb), self);
      g_signal_connect (channel, "cursor-hide", G_CALLBACK (on_cursor_hide_cb), self);
      g_signal_connect (channel, "cursor-reset", G_CALLBACK (on_cursor_reset_cb), self);
      spice_channel_connect (channel);
    }
}

static void
forget_channel (HangarSpiceDisplay *self,
                SpiceChannel       *channel)
{
  if ((gpointer)channel == (gpointer)self->main)
    self->main = NULL;
  if ((gpointer)channel == (gpointer)self->display)
    {
      self->display = NULL;
      self->primary = NULL;
    }
  if ((gpointer)channel == (gpointer)self->inputs)
    self->inputs = NULL;
  if ((gpointer)channel == (gpointer)self->cursor)
    self->cursor = NULL;
  g_signal_handlers_disconnect_by_data (channel, self);
}

static void
on_session_channel_destroy_cb (SpiceSession       *session,
                               SpiceChannel       *channel,
                               HangarSpiceDisplay *self)
{
  forget_channel (self, channel);
  g_ptr_array_remove_fast (self->channels, channel);
}

static void
on_session_disconnected_cb (SpiceSession       *session,
                            HangarSpiceDisplay *self)
{
  disconnected (self, _("The console closed."));
}

/* Lets go of the session and its channels; the state is left as it is. */
static void
teardown (HangarSpiceDisplay *self)
{
  /* spice-client-glib 0.42 has no autoptr for its types. */
  SpiceSession *session = g_steal_pointer (&self->session);

  g_clear_handle_id (&self->teardown_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  for (guint i = 0; i < self->channels->len; i++)
    forget_channel (self, g_ptr_array_index (self->channels, i));
  g_ptr_array_set_size (self->channels, 0);
  self->main = NULL;
  self->display = NULL;
  self->inputs = NULL;
  self->cursor = NULL;
  self->primary = NULL;
  self->main_open = self->display_open = self->inputs_open = FALSE;
  self->button_mask = 0;
  self->want_width = self->want_height = 0;

  if (session != NULL)
    {
      g_signal_handlers_disconnect_by_data (session, self);
      spice_session_disconnect (session);
      g_object_unref (session);
    }
  g_clear_object (&self->guest);
}

static void
on_graphics_opened_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(HangarSpiceDisplay) self = user_data;
  g_autoptr(HangarGraphicsInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = hangar_guest_open_graphics_finish (HANGAR_GUEST (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info == NULL)
    {
      hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED,
                                error->message);
      teardown (self);
      return;
    }
  if (g_strcmp0 (info->type, "spice") != 0)
    {
      hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED,
                                _("This guest's console is not SPICE."));
      teardown (self);
      return;
    }

  /* gl-scanout defaults to TRUE in EGL builds; this widget takes pixels, not dmabufs.
   * Audio, USB and smart cards are not offered (yet), so their channels are not made. */
  self->session = g_object_new (SPICE_TYPE_SESSION,
                                "gl-scanout", FALSE,
                                "enable-audio", FALSE,
                                "enable-usbredir", FALSE,
                                "enable-smartcard", FALSE,
                                NULL);
  g_signal_connect (self->session, "channel-new", G_CALLBACK (on_session_channel_new_cb), self);
  g_signal_connect (self->session, "channel-destroy",
                    G_CALLBACK (on_session_channel_destroy_cb), self);
  g_signal_connect (self->session, "disconnected", G_CALLBACK (on_session_disconnected_cb), self);
  if (info->password != NULL)
    g_object_set (self->session, "password", info->password, NULL);

  if (info->fd >= 0)
    {
      /* The session owns the socket from here on. */
      int fd = info->fd;

      info->fd = -1;
      if (!spice_session_open_fd (self->session, fd))
        {
          close (fd);
          disconnected (self, _("Could not connect to the guest's console."));
        }
      return;
    }

  if (info->socket != NULL && !info->remote)
    g_object_set (self->session, "unix-path", info->socket, NULL);
  else if (info->host != NULL && (info->port > 0 || info->tls_port > 0) && !info->remote)
    {
      g_autofree char *port = info->port > 0 ? g_strdup_printf ("%d", info->port) : NULL;
      g_autofree char *tls_port =
        info->tls_port > 0 ? g_strdup_printf ("%d", info->tls_port) : NULL;

      g_object_set (self->session,
                    "host", info->host,
                    "port", port,
                    "tls-port", tls_port,
                    NULL);
    }
  else
    {
      /* No SSH tunnel yet. */
      disconnected (self, _("This console is on a remote host and cannot be reached "
                            "directly."));
      return;
    }
  if (!spice_session_connect (self->session))
    disconnected (self, _("Could not connect to the guest's console."));
}

/* HangarDisplay. */

static void
hangar_spice_display_send_key (HangarDisplay *display,
                               guint          scancode,
                               guint          keyval,
                               gboolean       pressed)
{
  HangarSpiceDisplay *self = HANGAR_SPICE_DISPLAY (display);

  if (self->inputs == NULL)
    return;
  /* Both take XT scancodes, 0x100 | code for E0 keys. */
  if (pressed)
    spice_inputs_channel_key_press (self->inputs, scancode);
  else
    spice_inputs_channel_key_release (self->inputs, scancode);
}

static guint
to_spice_buttons (guint button_mask)
{
  return ((button_mask & HANGAR_DISPLAY_BUTTON_LEFT) ? SPICE_MOUSE_BUTTON_MASK_LEFT : 0) |
         ((button_mask & HANGAR_DISPLAY_BUTTON_MIDDLE) ? SPICE_MOUSE_BUTTON_MASK_MIDDLE : 0) |
         ((button_mask & HANGAR_DISPLAY_BUTTON_RIGHT) ? SPICE_MOUSE_BUTTON_MASK_RIGHT : 0);
}

static void
hangar_spice_display_send_pointer (HangarDisplay *display,
                                   int            x,
                                   int            y,
                                   guint          button_mask)
{
  HangarSpiceDisplay *self = HANGAR_SPICE_DISPLAY (display);
  static const struct { guint mask; int button; } buttons[] = {
    { SPICE_MOUSE_BUTTON_MASK_LEFT, SPICE_MOUSE_BUTTON_LEFT },
    { SPICE_MOUSE_BUTTON_MASK_MIDDLE, SPICE_MOUSE_BUTTON_MIDDLE },
    { SPICE_MOUSE_BUTTON_MASK_RIGHT, SPICE_MOUSE_BUTTON_RIGHT },
  };
  guint mask = to_spice_buttons (button_mask);

  if (self->inputs == NULL)
    return;

  /* The position first, so that a click lands where the pointer is. */
  if (get_mouse_mode (self) == SPICE_MOUSE_MODE_CLIENT)
    spice_inputs_channel_position (self->inputs, x, y, 0, self->button_mask);
  else if (x != self->last_x || y != self->last_y)
    /* Server mode is relative: the guest moves its own pointer by the difference. */
    spice_inputs_channel_motion (self->inputs, x - self->last_x, y - self->last_y,
                                 self->button_mask);
  self->last_x = x;
  self->last_y = y;

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      if ((mask & buttons[i].mask) == (self->button_mask & buttons[i].mask))
        continue;
      if (mask & buttons[i].mask)
        spice_inputs_channel_button_press (self->inputs, buttons[i].button, mask);
      else
        spice_inputs_channel_button_release (self->inputs, buttons[i].button, mask);
    }
  self->button_mask = mask;
}

static void
hangar_spice_display_send_scroll (HangarDisplay *display,
                                  int            x,
                                  int            y,
                                  int            dx,
                                  int            dy)
{
  HangarSpiceDisplay *self = HANGAR_SPICE_DISPLAY (display);
  int button;

  /* SPICE has wheel buttons for up and down only. */
  if (self->inputs == NULL || dy == 0)
    return;
  button = dy < 0 ? SPICE_MOUSE_BUTTON_UP : SPICE_MOUSE_BUTTON_DOWN;
  spice_inputs_channel_button_press (self->inputs, button, self->button_mask);
  spice_inputs_channel_button_release (self->inputs, button, self->button_mask);
}

static void
hangar_spice_display_request_size (HangarDisplay *display,
                                   int            width,
                                   int            height)
{
  HangarSpiceDisplay *self = HANGAR_SPICE_DISPLAY (display);

  self->want_width = width;
  self->want_height = height;
  send_monitor_config (self);
}

static void
hangar_spice_display_sync_locks (HangarDisplay *display,
                                 gboolean       caps_lock,
                                 gboolean       num_lock)
{
  HangarSpiceDisplay *self = HANGAR_SPICE_DISPLAY (display);
  int guest_locks = 0;
  guint locks;

  if (self->inputs == NULL)
    return;
  /* Scroll Lock stays as the guest has it: GDK does not report the local one. */
  g_object_get (self->inputs, "key-modifiers", &guest_locks, NULL);
  locks = (guest_locks & SPICE_INPUTS_SCROLL_LOCK) |
          (caps_lock ? SPICE_INPUTS_CAPS_LOCK : 0) |
          (num_lock ? SPICE_INPUTS_NUM_LOCK : 0);
  spice_inputs_channel_set_key_locks (self->inputs, locks);
}

/* Public. */

GtkWidget *
hangar_spice_display_new (void)
{
  return g_object_new (HANGAR_TYPE_SPICE_DISPLAY, NULL);
}

void
hangar_spice_display_open (HangarSpiceDisplay *self,
                           HangarGuest        *guest)
{
  g_return_if_fail (HANGAR_IS_SPICE_DISPLAY (self));
  g_return_if_fail (HANGAR_IS_GUEST (guest));

  teardown (self);
  self->guest = g_object_ref (guest);
  self->cancellable = g_cancellable_new ();
  self->was_connected = FALSE;
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_CONNECTING,
                            _("Connecting to the console…"));
  hangar_guest_open_graphics_async (guest, self->cancellable, on_graphics_opened_cb,
                                    g_object_ref (self));
}

void
hangar_spice_display_close (HangarSpiceDisplay *self)
{
  g_return_if_fail (HANGAR_IS_SPICE_DISPLAY (self));

  teardown (self);
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED, NULL);
}

/* GObject. */

static void
hangar_spice_display_dispose (GObject *object)
{
  HangarSpiceDisplay *self = (HangarSpiceDisplay *)object;

  teardown (self);

  G_OBJECT_CLASS (hangar_spice_display_parent_class)->dispose (object);
}

static void
hangar_spice_display_finalize (GObject *object)
{
  HangarSpiceDisplay *self = (HangarSpiceDisplay *)object;

  g_ptr_array_unref (self->channels);

  G_OBJECT_CLASS (hangar_spice_display_parent_class)->finalize (object);
}

static void
hangar_spice_display_class_init (HangarSpiceDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HangarDisplayClass *display_class = HANGAR_DISPLAY_CLASS (klass);

  object_class->dispose = hangar_spice_display_dispose;
  object_class->finalize = hangar_spice_display_finalize;

  display_class->send_key = hangar_spice_display_send_key;
  display_class->send_pointer = hangar_spice_display_send_pointer;
  display_class->send_scroll = hangar_spice_display_send_scroll;
  display_class->request_size = hangar_spice_display_request_size;
  display_class->sync_locks = hangar_spice_display_sync_locks;
}

static void
hangar_spice_display_init (HangarSpiceDisplay *self)
{
  self->channels = g_ptr_array_new_with_free_func (g_object_unref);
}
