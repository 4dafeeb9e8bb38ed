// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-spice-display"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-spice-display.h"
#include "hangar-spice-session.h"

/* A guest's SPICE console: the widget on a HangarSpiceSession. It draws the primary
 * surface (32-bit ones where spice-client-glib keeps them, 16-bit ones converted into
 * HangarDisplay's framebuffer), shows the guest's pointer shape, passes input on, and
 * turns the session's news into the display's state. */
struct _HangarSpiceDisplay
{
  HangarDisplay parent_instance;

  HangarSpiceSession *session;

  /* The primary surface, owned by the display channel. */
  const guint8 *primary;
  int primary_format;
  int primary_width;
  int primary_height;
  int primary_stride;
};

G_DEFINE_FINAL_TYPE (HangarSpiceDisplay, hangar_spice_display, HANGAR_TYPE_DISPLAY)

enum {
  PROP_0,
  PROP_USB_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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

/* 32-bit surfaces are drawn from where spice-client-glib keeps them; 16-bit ones are
 * converted into HangarDisplay's own framebuffer. */
static gboolean
primary_is_shared (HangarSpiceDisplay *self)
{
  return self->primary_format == SPICE_SURFACE_FMT_32_xRGB ||
         self->primary_format == SPICE_SURFACE_FMT_32_ARGB;
}

/* Converts one rectangle of the primary surface into the framebuffer (16-bit surfaces;
 * 32-bit ones are the framebuffer already) and damages it. */
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
  if (primary_is_shared (self))
    {
      hangar_display_damage (display, x0, y0, x1 - x0, y1 - y0);
      return;
    }

  for (int row = y0; row < y1; row++)
    {
      const guint8 *s = self->primary + (gssize)row * self->primary_stride;
      guint8 *d = dst + (gsize)row * dst_stride + (gsize)x0 * 4;

      switch (self->primary_format)
        {
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
on_primary_create_cb (HangarSpiceSession *session,
                      int                 format,
                      int                 width,
                      int                 height,
                      int                 stride,
                      gpointer            data,
                      HangarSpiceDisplay *self)
{
  if (format != SPICE_SURFACE_FMT_32_xRGB && format != SPICE_SURFACE_FMT_32_ARGB &&
      format != SPICE_SURFACE_FMT_16_555 && format != SPICE_SURFACE_FMT_16_565)
    {
      g_warning ("SPICE primary surface format %d is not supported", format);
      self->primary = NULL;
      return;
    }
  /* spice-client-glib made it already (untouched pages, as long as nobody draws). */
  if (data == NULL || !hangar_display_accept_size (HANGAR_DISPLAY (self), width, height))
    return;

  self->primary = data;
  self->primary_format = format;
  self->primary_width = width;
  self->primary_height = height;
  self->primary_stride = stride;
  if (primary_is_shared (self))
    hangar_display_set_framebuffer_data (HANGAR_DISPLAY (self), data, width, height, stride);
  else
    {
      hangar_display_set_framebuffer (HANGAR_DISPLAY (self), width, height, NULL);
      copy_rect (self, 0, 0, width, height);
    }
}

/* The surface goes (a new mode, or the session closes): draw from it no more. The last
 * picture stays on screen until the next surface arrives. */
static void
on_primary_destroy_cb (HangarSpiceSession *session,
                       HangarSpiceDisplay *self)
{
  if (self->primary != NULL && primary_is_shared (self))
    hangar_display_set_framebuffer_data (HANGAR_DISPLAY (self), NULL, 0, 0, 0);
  self->primary = NULL;
}

static void
on_invalidate_cb (HangarSpiceSession *session,
                  int                 x,
                  int                 y,
                  int                 width,
                  int                 height,
                  HangarSpiceDisplay *self)
{
  copy_rect (self, x, y, width, height);
}

/* Cursor. */

static void
on_cursor_set_cb (HangarSpiceSession *session,
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
on_cursor_hide_cb (HangarSpiceSession *session,
                   HangarSpiceDisplay *self)
{
  static const guint8 clear[4] = { 0, 0, 0, 0 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (clear, sizeof clear);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (1, 1, GDK_MEMORY_R8G8B8A8, bytes, 4);

  hangar_display_set_cursor_image (HANGAR_DISPLAY (self), texture, 0, 0);
}


/* The session's news. */

static void
on_started_cb (HangarSpiceSession *session,
               HangarSpiceDisplay *self)
{
  if (hangar_display_get_state (HANGAR_DISPLAY (self)) == HANGAR_DISPLAY_STATE_CONNECTING)
    hangar_display_expect_picture (HANGAR_DISPLAY (self));
}

static void
on_ready_cb (HangarSpiceSession *session,
             HangarSpiceDisplay *self)
{
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_CONNECTED, NULL);
}

static void
on_ended_cb (HangarSpiceSession *session,
             const char         *message,
             HangarSpiceDisplay *self)
{
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED, message);
}

static void
on_password_needed_cb (HangarSpiceSession *session,
                       HangarSpiceDisplay *self)
{
  hangar_display_ask_password (HANGAR_DISPLAY (self));
}

static void
on_usb_manager_cb (HangarSpiceDisplay *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USB_MANAGER]);
}

/* HangarDisplay. */

static void
hangar_spice_display_send_key (HangarDisplay *display,
                               guint          scancode,
                               guint          keyval,
                               gboolean       pressed)
{
  hangar_spice_session_send_key (HANGAR_SPICE_DISPLAY (display)->session, scancode, pressed);
}

static void
hangar_spice_display_send_pointer (HangarDisplay *display,
                                   int            x,
                                   int            y,
                                   guint          button_mask)
{
  hangar_spice_session_send_pointer (HANGAR_SPICE_DISPLAY (display)->session, x, y,
                                     button_mask);
}

/* SPICE has wheel buttons for up and down only. */
static void
hangar_spice_display_send_scroll (HangarDisplay *display,
                                  int            x,
                                  int            y,
                                  int            dx,
                                  int            dy)
{
  hangar_spice_session_send_scroll (HANGAR_SPICE_DISPLAY (display)->session, dy);
}

/* Without an agent yet the size waits and goes out when one connects. */
static gboolean
hangar_spice_display_request_size (HangarDisplay *display,
                                   int            width,
                                   int            height)
{
  hangar_spice_session_request_size (HANGAR_SPICE_DISPLAY (display)->session, width, height);
  return TRUE;
}

static void
hangar_spice_display_sync_locks (HangarDisplay *display,
                                 gboolean       caps_lock,
                                 gboolean       num_lock)
{
  hangar_spice_session_sync_locks (HANGAR_SPICE_DISPLAY (display)->session, caps_lock,
                                   num_lock);
}

static void
hangar_spice_display_share_clipboard_changed (HangarDisplay *display)
{
  hangar_spice_session_set_share_clipboard (HANGAR_SPICE_DISPLAY (display)->session,
                                            hangar_display_get_share_clipboard (display));
}

/* Connects again with @password (the console said the last one was missing or wrong). */
static void
hangar_spice_display_set_password (HangarDisplay *display,
                                   const char    *password)
{
  HangarSpiceDisplay *self = HANGAR_SPICE_DISPLAY (display);

  if (hangar_spice_session_has_guest (self->session))
    hangar_display_set_state (display, HANGAR_DISPLAY_STATE_CONNECTING,
                              _("Connecting to the console…"));
  hangar_spice_session_set_password (self->session, password);
}

/* Refused or silent: the session goes from an idle, outside spice-client-glib's signal. */
static void
hangar_spice_display_disconnect (HangarDisplay *display)
{
  hangar_spice_session_close_soon (HANGAR_SPICE_DISPLAY (display)->session);
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

  hangar_spice_session_close (self->session);
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_CONNECTING,
                            _("Connecting to the console…"));
  hangar_spice_session_open (self->session, guest);
}

void
hangar_spice_display_open_host (HangarSpiceDisplay *self,
                                const char         *host,
                                int                 port,
                                int                 tls_port)
{
  g_return_if_fail (HANGAR_IS_SPICE_DISPLAY (self));
  g_return_if_fail (host != NULL && (port > 0 || tls_port > 0));

  hangar_spice_session_close (self->session);
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_CONNECTING,
                            _("Connecting to the console…"));
  hangar_spice_session_open_host (self->session, host, port, tls_port);
}

void
hangar_spice_display_close (HangarSpiceDisplay *self)
{
  g_return_if_fail (HANGAR_IS_SPICE_DISPLAY (self));

  hangar_spice_session_close (self->session);
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED, NULL);
}

SpiceUsbDeviceManager *
hangar_spice_display_get_usb_manager (HangarSpiceDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_DISPLAY (self), NULL);

  return hangar_spice_session_get_usb_manager (self->session);
}

const char *
hangar_spice_display_get_usb_error (HangarSpiceDisplay *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_DISPLAY (self), NULL);

  return hangar_spice_session_get_usb_error (self->session);
}

/* GObject. */

static void
hangar_spice_display_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HangarSpiceDisplay *self = HANGAR_SPICE_DISPLAY (object);

  switch (prop_id)
    {
    case PROP_USB_MANAGER:
      g_value_set_object (value, hangar_spice_session_get_usb_manager (self->session));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_spice_display_dispose (GObject *object)
{
  HangarSpiceDisplay *self = (HangarSpiceDisplay *)object;

  if (self->session != NULL)
    {
      hangar_spice_session_close (self->session);
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_clear_object (&self->session);
    }

  G_OBJECT_CLASS (hangar_spice_display_parent_class)->dispose (object);
}

static void
hangar_spice_display_class_init (HangarSpiceDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HangarDisplayClass *display_class = HANGAR_DISPLAY_CLASS (klass);

  object_class->dispose = hangar_spice_display_dispose;
  object_class->get_property = hangar_spice_display_get_property;

  display_class->send_key = hangar_spice_display_send_key;
  display_class->send_pointer = hangar_spice_display_send_pointer;
  display_class->send_scroll = hangar_spice_display_send_scroll;
  display_class->request_size = hangar_spice_display_request_size;
  display_class->sync_locks = hangar_spice_display_sync_locks;
  display_class->share_clipboard_changed = hangar_spice_display_share_clipboard_changed;
  display_class->set_password = hangar_spice_display_set_password;
  display_class->disconnect = hangar_spice_display_disconnect;

  /* The session's, see hangar_spice_display_get_usb_error(). */
  properties[PROP_USB_MANAGER] =
    g_param_spec_object ("usb-manager", NULL, NULL, SPICE_TYPE_USB_DEVICE_MANAGER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_spice_display_init (HangarSpiceDisplay *self)
{
  self->session = hangar_spice_session_new ();
  hangar_spice_session_set_clipboard (self->session, gtk_widget_get_clipboard (GTK_WIDGET (self)));
  g_signal_connect (self->session, "started", G_CALLBACK (on_started_cb), self);
  g_signal_connect (self->session, "ready", G_CALLBACK (on_ready_cb), self);
  g_signal_connect (self->session, "ended", G_CALLBACK (on_ended_cb), self);
  g_signal_connect (self->session, "password-needed", G_CALLBACK (on_password_needed_cb), self);
  g_signal_connect (self->session, "primary-create", G_CALLBACK (on_primary_create_cb), self);
  g_signal_connect (self->session, "primary-destroy", G_CALLBACK (on_primary_destroy_cb), self);
  g_signal_connect (self->session, "invalidate", G_CALLBACK (on_invalidate_cb), self);
  g_signal_connect (self->session, "cursor-set", G_CALLBACK (on_cursor_set_cb), self);
  g_signal_connect (self->session, "cursor-hide", G_CALLBACK (on_cursor_hide_cb), self);
  g_signal_connect_swapped (self->session, "notify::usb-manager", G_CALLBACK (on_usb_manager_cb),
                            self);
}
