// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-spice-session"

#include "config.h"

#include <unistd.h>
#include <glib/gi18n.h>
#include <spice/vd_agent.h>

#include "hangar-display.h"
#include "hangar-graphics.h"
#include "hangar-spice-session.h"

/* A guest's SPICE session on spice-client-glib, without any drawing: the main channel
 * (mouse mode, monitor config, the agent and its clipboard), display channel 0 (its
 * primary surface and changes, passed on as signals), inputs, cursor (its shapes, passed
 * on), and the USB redirection channels with their device manager.
 *
 *   hangar_guest_open_graphics_async ──> SpiceSession (open_fd, or host/port)
 *        channel-new ──> every channel: channel-event, open-fd (one more socket from
 *                        libvirt per channel); main/display/inputs/cursor: their signals;
 *                        usbredir: connected, and the first makes the USB device manager
 *
 * The clipboard goes through the guest agent (spice-vdagent), text only: a grab from
 * the guest fetches its text at once and puts it on the local clipboard; a local change
 * is announced to the agent as a grab, and the text read when the guest asks for it.
 */
struct _HangarSpiceSession
{
  GObject parent_instance;

  HangarGuest *guest;
  char *password; /* given by the user after the console asked for one */
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
  gboolean primary_exists; /* between primary-create and primary-destroy */
  int primary_width;
  int primary_height;
  gboolean has_picture; /* a primary surface was made (and not refused) */
  gboolean was_connected;
  /* The session went straight to the console's loopback port (HangarGraphicsInfo's
   * direct) and is not connected yet: a server that asks for anything (a password set
   * outside libvirt, SASL), or ends, is reached through libvirt's socket instead. */
  gboolean direct;
  guint through_libvirt_id;

  int last_x;
  int last_y;
  guint button_mask; /* SPICE_MOUSE_BUTTON_MASK_* */

  int want_width; /* resize-guest size waiting for the agent, or 0 */
  int want_height;

  GdkClipboard *clipboard;           /* watched while there is a session */
  GdkContentProvider *guest_content; /* what the guest last put there */
  gboolean host_grabbed;             /* the agent was told the host has text */
  gboolean share_clipboard;

  SpiceUsbDeviceManager *usb_manager; /* the session's; not a reference */
  char *usb_error;

  char *tls_host; /* the name the server's TLS certificate must carry */
  char *ca_file;  /* the authority it must be signed by, or NULL: none found */
};

G_DEFINE_FINAL_TYPE (HangarSpiceSession, hangar_spice_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_USB_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_STARTED,
  SIGNAL_READY,
  SIGNAL_ENDED,
  SIGNAL_PASSWORD_NEEDED,
  SIGNAL_PRIMARY_CREATE,
  SIGNAL_PRIMARY_DESTROY,
  SIGNAL_INVALIDATE,
  SIGNAL_CURSOR_SET,
  SIGNAL_CURSOR_HIDE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void teardown (HangarSpiceSession *self);
static void on_graphics_opened_cb (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data);
static void offer_clipboard (HangarSpiceSession *self);
static void update_connected (HangarSpiceSession *self);

/* Display and cursor channels: passed on to the widget. */

static void
on_display_primary_create_cb (SpiceChannel       *channel,
                              int                 format,
                              int                 width,
                              int                 height,
                              int                 stride,
                              int                 shmid,
                              gpointer            data,
                              HangarSpiceSession *self)
{
  g_debug ("primary surface %d×%d, format %d, stride %d", width, height, format, stride);

  self->primary_exists = TRUE;
  self->primary_width = width;
  self->primary_height = height;
  g_signal_emit (self, signals[SIGNAL_PRIMARY_CREATE], 0, format, width, height, stride, data);
  /* A surface the widget refused has closed the session (teardown_id): no picture. */
  self->has_picture = TRUE;
  update_connected (self);
}

/* The surface goes (a new mode, its channel, or the session): nothing draws from it. */
static void
forget_primary (HangarSpiceSession *self)
{
  if (!self->primary_exists)
    return;
  self->primary_exists = FALSE;
  g_signal_emit (self, signals[SIGNAL_PRIMARY_DESTROY], 0);
}

static void
on_display_primary_destroy_cb (SpiceChannel       *channel,
                               HangarSpiceSession *self)
{
  forget_primary (self);
}

static void
on_display_invalidate_cb (SpiceChannel       *channel,
                          int                 x,
                          int                 y,
                          int                 width,
                          int                 height,
                          HangarSpiceSession *self)
{
  g_signal_emit (self, signals[SIGNAL_INVALIDATE], 0, x, y, width, height);
}

static void
on_display_mark_cb (SpiceChannel       *channel,
                    int                 mark,
                    HangarSpiceSession *self)
{
  /* The surface is complete: all of it is new. */
  if (mark && self->primary_exists)
    g_signal_emit (self, signals[SIGNAL_INVALIDATE], 0, 0, 0, self->primary_width,
                   self->primary_height);
}

static void
on_cursor_set_cb (SpiceCursorChannel *channel,
                  int                 width,
                  int                 height,
                  int                 hot_x,
                  int                 hot_y,
                  gpointer            rgba,
                  HangarSpiceSession *self)
{
  g_signal_emit (self, signals[SIGNAL_CURSOR_SET], 0, width, height, hot_x, hot_y, rgba);
}

static void
on_cursor_hide_cb (SpiceCursorChannel *channel,
                   HangarSpiceSession *self)
{
  g_signal_emit (self, signals[SIGNAL_CURSOR_HIDE], 0);
}

/* The server's default cursor. */
static void
on_cursor_reset_cb (SpiceCursorChannel *channel,
                    HangarSpiceSession *self)
{
  g_signal_emit (self, signals[SIGNAL_CURSOR_SET], 0, 0, 0, 0, 0, NULL);
}

/* Main channel. */

static int
get_mouse_mode (HangarSpiceSession *self)
{
  int mode = SPICE_MOUSE_MODE_SERVER;

  if (self->main != NULL)
    g_object_get (self->main, "mouse-mode", &mode, NULL);
  return mode;
}

static void
send_monitor_config (HangarSpiceSession *self)
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
                         HangarSpiceSession *self)
{
  g_debug ("mouse mode %s", get_mouse_mode (self) == SPICE_MOUSE_MODE_CLIENT ? "client" : "server");
}

static void
on_main_agent_update_cb (SpiceChannel       *channel,
                         HangarSpiceSession *self)
{
  /* A main channel that failed to connect, or is closing, resets its agent too: there
   * is nobody to send anything to (and spice-client-glib crashes trying). */
  if (!self->main_open || self->teardown_id != 0)
    return;
  /* The agent makes absolute (client) mode possible even without a tablet. */
  if (get_mouse_mode (self) != SPICE_MOUSE_MODE_CLIENT)
    spice_main_channel_request_mouse_mode (self->main, SPICE_MOUSE_MODE_CLIENT);
  send_monitor_config (self);
  offer_clipboard (self);
}

/* Clipboard, through the agent. */

static gboolean
agent_has_clipboard (HangarSpiceSession *self)
{
  gboolean agent = FALSE;

  if (self->main == NULL)
    return FALSE;
  g_object_get (self->main, "agent-connected", &agent, NULL);
  /* The main channel's clipboard calls warn when the agent cannot take them. */
  return agent && spice_main_channel_agent_test_capability (self->main,
                                                            VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
}

/* Windows guests want CR LF; GTK's text has LF. */
static char *
convert_line_ends (HangarSpiceSession *self,
                   const char         *text,
                   gsize               length,
                   gboolean            to_guest)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *copy = g_strndup (text, length);

  if (!spice_main_channel_agent_test_capability (self->main, VD_AGENT_CAP_GUEST_LINEEND_CRLF))
    return g_steal_pointer (&copy);
  lines = g_strsplit (copy, to_guest ? "\n" : "\r\n", -1);
  return g_strjoinv (to_guest ? "\r\n" : "\n", lines);
}
/* The user lets text cross between this desktop and the guest. */
static gboolean
sharing (HangarSpiceSession *self)
{
  return self->share_clipboard;
}


/* Tells the agent whether the host clipboard has text, unless that text came from the
 * guest. */
static void
offer_clipboard (HangarSpiceSession *self)
{
  GdkContentProvider *content;
  g_autoptr(GdkContentFormats) formats = NULL;
  guint32 types[] = { VD_AGENT_CLIPBOARD_UTF8_TEXT };

  if (!sharing (self) || self->clipboard == NULL || !agent_has_clipboard (self))
    return;

  content = gdk_clipboard_get_content (self->clipboard);
  if (content != NULL && content == self->guest_content)
    return;
  g_clear_object (&self->guest_content);

  formats = gdk_content_formats_union_deserialize_gtypes (
    gdk_content_formats_ref (gdk_clipboard_get_formats (self->clipboard)));
  if (gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    {
      spice_main_channel_clipboard_selection_grab (self->main,
                                                   VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD,
                                                   types, G_N_ELEMENTS (types));
      self->host_grabbed = TRUE;
    }
  else if (self->host_grabbed)
    {
      spice_main_channel_clipboard_selection_release (self->main,
                                                      VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD);
      self->host_grabbed = FALSE;
    }
}

static void
on_clipboard_changed_cb (GdkClipboard       *clipboard,
                         HangarSpiceSession *self)
{
  offer_clipboard (self);
}

static gboolean
on_main_clipboard_grab_cb (SpiceMainChannel   *channel,
                           guint               selection,
                           const guint32      *types,
                           guint               n_types,
                           HangarSpiceSession *self)
{
  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD)
    return FALSE;
  /* The guest owns the clipboard now. */
  self->host_grabbed = FALSE;
  if (!sharing (self) || !agent_has_clipboard (self))
    return TRUE;

  for (guint i = 0; i < n_types; i++)
    if (types[i] == VD_AGENT_CLIPBOARD_UTF8_TEXT)
      {
        /* The answer arrives as main-clipboard-selection. */
        spice_main_channel_clipboard_selection_request (self->main, selection,
                                                        VD_AGENT_CLIPBOARD_UTF8_TEXT);
        break;
      }
  return TRUE;
}

static void
on_main_clipboard_data_cb (SpiceMainChannel   *channel,
                           guint               selection,
                           guint               type,
                           const guint8       *data,
                           guint               size,
                           HangarSpiceSession *self)
{
  g_autoptr(GdkContentProvider) content = NULL;
  g_autofree char *text = NULL;
  g_autofree char *valid = NULL;

  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD ||
      type != VD_AGENT_CLIPBOARD_UTF8_TEXT || !sharing (self) ||
      self->clipboard == NULL || data == NULL)
    return;

  text = convert_line_ends (self, (const char *)data, size, FALSE);
  valid = g_utf8_make_valid (text, -1);
  content = gdk_content_provider_new_typed (G_TYPE_STRING, valid);
  /* Remembered before the clipboard's "changed", so the text is not offered back. */
  g_set_object (&self->guest_content, content);
  gdk_clipboard_set_content (self->clipboard, content);
}

typedef struct
{
  HangarSpiceSession *self;
  SpiceMainChannel *main;
  guint selection;
} ClipboardRequest;

static void
on_clipboard_read_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ClipboardRequest *request = user_data;
  HangarSpiceSession *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *converted = NULL;

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  if (text == NULL)
    g_debug ("Could not read the clipboard: %s", error ? error->message : "no text");

  /* The agent waits for an answer, even an empty one. */
  if (request->main == self->main && agent_has_clipboard (self))
    {
      if (text != NULL && sharing (self))
        converted = convert_line_ends (self, text, strlen (text), TRUE);
      spice_main_channel_clipboard_selection_notify (self->main, request->selection,
                                                     VD_AGENT_CLIPBOARD_UTF8_TEXT,
                                                     (const guchar *)converted,
                                                     converted ? strlen (converted) : 0);
    }

  g_object_unref (request->self);
  g_object_unref (request->main);
  g_free (request);
}

static gboolean
on_main_clipboard_request_cb (SpiceMainChannel   *channel,
                              guint               selection,
                              guint               type,
                              HangarSpiceSession *self)
{
  ClipboardRequest *request;

  if (selection != VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD ||
      type != VD_AGENT_CLIPBOARD_UTF8_TEXT || !sharing (self) ||
      self->clipboard == NULL)
    return FALSE;

  request = g_new0 (ClipboardRequest, 1);
  request->self = g_object_ref (self);
  request->main = g_object_ref (self->main);
  request->selection = selection;
  gdk_clipboard_read_text_async (self->clipboard, NULL, on_clipboard_read_cb, request);
  return TRUE;
}

/* USB redirection. */

static void
set_usb_manager (HangarSpiceSession    *self,
                 SpiceUsbDeviceManager *manager,
                 const char            *error)
{
  if (self->usb_manager == manager && g_strcmp0 (self->usb_error, error) == 0)
    return;
  self->usb_manager = manager;
  g_free (self->usb_error);
  self->usb_error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USB_MANAGER]);
}

/* The manager exists once the guest has shown it has somewhere to plug devices in. */
static void
ensure_usb_manager (HangarSpiceSession *self)
{
  g_autoptr(GError) error = NULL;
  SpiceUsbDeviceManager *manager;

  if (self->usb_manager != NULL || self->usb_error != NULL)
    return;
  manager = spice_usb_device_manager_get (self->session, &error);
  if (manager == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("USB devices cannot be shared from this computer: %s"),
                         error->message);

      set_usb_manager (self, NULL, message);
      return;
    }
  /* Devices are shared only when asked to, never just because they are plugged in. */
  g_object_set (manager, "auto-connect", FALSE, NULL);
  set_usb_manager (self, manager, NULL);
}

/* Connection. */

/* TLS failed: the server's certificate did not verify, most likely. */
static char *
tls_error_message (HangarSpiceSession *self)
{
  g_autofree char *user_ca = NULL;

  if (self->ca_file != NULL && self->tls_host != NULL)
    return g_strdup_printf (_("The console's TLS certificate was not accepted: it must be "
                              "signed by the authority in %s and issued for “%s”."),
                            self->ca_file, self->tls_host);
  if (self->ca_file != NULL)
    return g_strdup_printf (_("The console's TLS certificate was not accepted: it must be "
                              "signed by the authority in %s."), self->ca_file);
  user_ca = hangar_pki_user_path ("CA/cacert.pem");
  return g_strdup_printf (_("The console's TLS certificate cannot be checked. Put the "
                            "certificate of the authority that signed it in %s or %s."),
                          user_ca, HANGAR_PKI_SYSTEM_DIR "/CA/cacert.pem");
}

static char *
channel_error_message (HangarSpiceSession *self,
                       SpiceChannel       *channel,
                       SpiceChannelEvent   event)
{
  const GError *error = spice_channel_get_error (channel);
  const char *sentence;

  switch ((int)event)
    {
    case SPICE_CHANNEL_ERROR_TLS:
      return tls_error_message (self);
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

/* A new session on the guest's console. */
static void
open_graphics (HangarSpiceSession     *self,
               HangarGraphicsOpenFlags flags)
{
  teardown (self);
  self->cancellable = g_cancellable_new ();
  self->was_connected = FALSE;
  hangar_guest_open_graphics_async (self->guest, flags, self->cancellable,
                                    on_graphics_opened_cb, g_object_ref (self));
}

static gboolean
on_through_libvirt_cb (gpointer user_data)
{
  HangarSpiceSession *self = user_data;

  self->through_libvirt_id = 0;
  open_graphics (self, HANGAR_GRAPHICS_OPEN_THROUGH_LIBVIRT);
  return G_SOURCE_REMOVE;
}

/* From a signal of the session's: it goes from an idle, after the emission. */
static void
reopen_through_libvirt (HangarSpiceSession *self)
{
  g_debug ("the direct connection to the console asked for more or ended: through "
           "libvirt's socket");
  self->direct = FALSE;
  if (self->through_libvirt_id == 0)
    self->through_libvirt_id = g_idle_add (on_through_libvirt_cb, self);
}

static gboolean
on_teardown_idle_cb (gpointer user_data)
{
  HangarSpiceSession *self = user_data;

  self->teardown_id = 0;
  teardown (self);
  return G_SOURCE_REMOVE;
}

/* Reports the end of the session now; the session itself goes from an idle, outside
 * the signal emission that brought the news. */
static void
disconnected (HangarSpiceSession *self,
              const char         *message)
{
  /* The first reason is the one worth telling. */
  if (self->teardown_id != 0 || self->through_libvirt_id != 0)
    return;
  if (self->direct)
    {
      reopen_through_libvirt (self);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_ENDED], 0, message);
  hangar_spice_session_close_soon (self);
}

/* Connected means the picture and the keyboard both work: the channels open one by one
 * (each waits for its own socket), keys sent before the inputs channel are lost, and
 * until the primary surface exists there is nothing to show. */
static void
update_connected (HangarSpiceSession *self)
{
  if (self->was_connected || self->teardown_id != 0)
    return;
  if (!self->main_open || !self->display_open || !self->has_picture ||
      (self->inputs != NULL && !self->inputs_open))
    return;
  self->was_connected = TRUE;
  self->direct = FALSE;
  g_signal_emit (self, signals[SIGNAL_READY], 0);
}

/* A channel that will not open: without inputs the console is still worth showing. */
static void
channel_gave_up (HangarSpiceSession *self,
                 SpiceChannel       *channel)
{
  if ((gpointer)channel == (gpointer)self->inputs)
    {
      self->inputs = NULL;
      update_connected (self);
    }
}

static void
on_channel_event_cb (SpiceChannel       *channel,
                     SpiceChannelEvent   event,
                     HangarSpiceSession *self)
{
  gboolean essential = SPICE_IS_MAIN_CHANNEL (channel) ||
                       (gpointer)channel == (gpointer)self->display;
  g_autofree char *message = NULL;

  g_debug ("%s channel event %d", G_OBJECT_TYPE_NAME (channel), event);
  if (self->through_libvirt_id != 0)
    return; /* this session is about to go */

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
          channel_gave_up (self, channel);
          break;
        }
      if (self->direct)
        {
          /* Not a password to ask for: libvirt's socket skips it. */
          reopen_through_libvirt (self);
          break;
        }
      /* A guest that shuts down just drops the connection. */
      if (event == SPICE_CHANNEL_ERROR_IO && self->was_connected)
        message = g_strdup (_("The console closed."));
      else
        message = channel_error_message (self, channel, event);
      disconnected (self, message);
      /* A password is missing or wrong: the window asks, set_password () retries. */
      if (event == SPICE_CHANNEL_ERROR_AUTH && SPICE_IS_MAIN_CHANNEL (channel))
        g_signal_emit (self, signals[SIGNAL_PASSWORD_NEEDED], 0);
      break;

    default:
      break;
    }
}

typedef struct
{
  HangarSpiceSession *self;
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
  HangarSpiceSession *self = data->self;
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
      else
        channel_gave_up (self, data->channel);
    }
  else if (!spice_channel_open_fd (data->channel, fd))
    {
      close (fd);
      if (SPICE_IS_MAIN_CHANNEL (data->channel) ||
          (gpointer)data->channel == (gpointer)self->display)
        disconnected (self, _("Could not connect to the guest's console."));
      else
        channel_gave_up (self, data->channel);
    }
  channel_fd_free (data);
}

/* With a socket from libvirt, every further channel asks for its own. */
static void
on_channel_open_fd_cb (SpiceChannel       *channel,
                       int                 with_tls,
                       HangarSpiceSession *self)
{
  ChannelFd *data;

  if (self->guest == NULL || self->session == NULL)
    return;

  data = g_new0 (ChannelFd, 1);
  data->self = g_object_ref (self);
  data->session = g_object_ref (self->session);
  data->channel = g_object_ref (channel);
  /* No cancellable: a socket that arrives too late is closed in the callback. */
  hangar_guest_open_graphics_fd_async (self->guest, with_tls, NULL, on_channel_fd_cb, data);
}

static void
on_session_channel_new_cb (SpiceSession       *session,
                           SpiceChannel       *channel,
                           HangarSpiceSession *self)
{
  int id = 0;

  g_object_get (channel, "channel-id", &id, NULL);
  g_debug ("new channel %s %d", G_OBJECT_TYPE_NAME (channel), id);

  /* The main channel connects itself; the others connect only when asked, so the
   * channels the console does not use (ports, webdav) never open. */
  g_ptr_array_add (self->channels, g_object_ref (channel));
  g_signal_connect (channel, "channel-event", G_CALLBACK (on_channel_event_cb), self);
  g_signal_connect (channel, "open-fd", G_CALLBACK (on_channel_open_fd_cb), self);

  if (SPICE_IS_MAIN_CHANNEL (channel))
    {
      self->main = SPICE_MAIN_CHANNEL (channel);
      g_signal_connect (channel, "main-mouse-update", G_CALLBACK (on_main_mouse_update_cb), self);
      g_signal_connect (channel, "main-agent-update", G_CALLBACK (on_main_agent_update_cb), self);
      g_signal_connect (channel, "main-clipboard-selection-grab",
                        G_CALLBACK (on_main_clipboard_grab_cb), self);
      g_signal_connect (channel, "main-clipboard-selection",
                        G_CALLBACK (on_main_clipboard_data_cb), self);
      g_signal_connect (channel, "main-clipboard-selection-request",
                        G_CALLBACK (on_main_clipboard_request_cb), self);
    }
  else if (SPICE_IS_USBREDIR_CHANNEL (channel))
    {
      /* One per <redirdev type='spicevmc'> of the guest; the manager plugs devices into
       * whichever is free. */
      spice_channel_connect (channel);
      ensure_usb_manager (self);
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
forget_channel (HangarSpiceSession *self,
                SpiceChannel       *channel)
{
  if ((gpointer)channel == (gpointer)self->main)
    self->main = NULL;
  if ((gpointer)channel == (gpointer)self->display)
    {
      self->display = NULL;
      forget_primary (self);
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
                               HangarSpiceSession *self)
{
  forget_channel (self, channel);
  g_ptr_array_remove_fast (self->channels, channel);
}

static void
on_session_disconnected_cb (SpiceSession       *session,
                            HangarSpiceSession *self)
{
  disconnected (self, _("The console closed."));
}

/* Lets go of the session and its channels; the state is left as it is. */
static void
teardown (HangarSpiceSession *self)
{
  /* spice-client-glib 0.42 has no autoptr for its types. */
  SpiceSession *session = g_steal_pointer (&self->session);

  g_clear_handle_id (&self->teardown_id, g_source_remove);
  g_clear_handle_id (&self->through_libvirt_id, g_source_remove);
  self->direct = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  for (guint i = 0; i < self->channels->len; i++)
    forget_channel (self, g_ptr_array_index (self->channels, i));
  g_ptr_array_set_size (self->channels, 0);
  self->main = NULL;
  self->display = NULL;
  self->inputs = NULL;
  self->cursor = NULL;
  /* Before the session goes: its surface goes with it. */
  forget_primary (self);
  self->main_open = self->display_open = self->inputs_open = FALSE;
  self->has_picture = FALSE;
  self->button_mask = 0;
  self->want_width = self->want_height = 0;

  /* The clipboard stays (it is the widget's), watched again by the next session. */
  if (self->clipboard != NULL)
    g_signal_handlers_disconnect_by_data (self->clipboard, self);
  g_clear_object (&self->guest_content);
  self->host_grabbed = FALSE;
  /* Before the session goes: the manager goes with it. */
  set_usb_manager (self, NULL, NULL);

  if (session != NULL)
    {
      g_signal_handlers_disconnect_by_data (session, self);
      spice_session_disconnect (session);
      g_object_unref (session);
    }
}

/* gl-scanout defaults to TRUE in EGL builds; the console takes pixels, not dmabufs.
 * Audio and smart cards are not offered (yet), so their channels are not made. USB
 * channels exist only when the guest has USB redirection devices. */
static void
new_session (HangarSpiceSession *self,
             const char         *password)
{
  self->session = g_object_new (SPICE_TYPE_SESSION,
                                "gl-scanout", FALSE,
                                "enable-audio", FALSE,
                                "enable-usbredir", TRUE,
                                "enable-smartcard", FALSE,
                                NULL);
  if (self->clipboard != NULL)
    g_signal_connect (self->clipboard, "changed", G_CALLBACK (on_clipboard_changed_cb), self);
  g_signal_connect (self->session, "channel-new", G_CALLBACK (on_session_channel_new_cb), self);
  g_signal_connect (self->session, "channel-destroy",
                    G_CALLBACK (on_session_channel_destroy_cb), self);
  g_signal_connect (self->session, "disconnected", G_CALLBACK (on_session_disconnected_cb), self);
  if (self->password != NULL)
    g_object_set (self->session, "password", self->password, NULL);
  else if (password != NULL)
    g_object_set (self->session, "password", password, NULL);
  g_clear_pointer (&self->tls_host, g_free);
  g_clear_pointer (&self->ca_file, g_free);
}

/* For a console with a TLS port (libvirt's spice_tls): channels the server keeps secure
 * switch to it, and spice-client-glib then checks the server's certificate against a
 * CA file and @tls_host. The CA is where libvirt's clients keep it; on the guest's own
 * host, libvirt's CA for SPICE will do as well. */
#define LIBVIRT_SPICE_CA "/etc/pki/libvirt-spice/ca-cert.pem"

static void
setup_tls (HangarSpiceSession *self,
           const char         *tls_host,
           gboolean            local)
{
  self->ca_file = hangar_pki_find ("CA/cacert.pem");
  if (self->ca_file == NULL && local && g_file_test (LIBVIRT_SPICE_CA, G_FILE_TEST_EXISTS))
    self->ca_file = g_strdup (LIBVIRT_SPICE_CA);
  self->tls_host = g_strdup (tls_host);
  if (self->ca_file != NULL)
    g_object_set (self->session, "ca-file", self->ca_file, NULL);
  /* With sockets from libvirt, the name is all "host" is for. */
  g_object_set (self->session, "host", tls_host, NULL);
}

/* Connects the session to where it was pointed. */
static void
start_session (HangarSpiceSession *self)
{
  if (!spice_session_connect (self->session))
    disconnected (self, _("Could not connect to the guest's console."));
  else
    g_signal_emit (self, signals[SIGNAL_STARTED], 0);
}

/* Straight to the server's ports; -1 for none. */
static void
connect_host (HangarSpiceSession *self,
              const char         *host,
              int                 port,
              int                 tls_port)
{
  g_autofree char *plain = port > 0 ? g_strdup_printf ("%d", port) : NULL;
  g_autofree char *tls = tls_port > 0 ? g_strdup_printf ("%d", tls_port) : NULL;

  /* The certificate is checked against the name connected to. */
  g_free (self->tls_host);
  self->tls_host = g_strdup (host);
  g_object_set (self->session, "host", host, "port", plain, "tls-port", tls, NULL);
  start_session (self);
}

static void
on_graphics_opened_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(HangarSpiceSession) self = user_data;
  g_autoptr(HangarGraphicsInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = hangar_guest_open_graphics_finish (HANGAR_GUEST (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info == NULL)
    {
      disconnected (self, error->message);
      return;
    }
  if (g_strcmp0 (info->type, "spice") != 0)
    {
      disconnected (self, _("This guest's console is not SPICE."));
      return;
    }

  new_session (self, info->password);
  self->direct = info->direct;
  if (info->tls_port > 0)
    setup_tls (self, info->tls_host, !info->remote);

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
      else
        g_signal_emit (self, signals[SIGNAL_STARTED], 0);
      return;
    }

  if (info->socket != NULL && !info->remote)
    {
      g_object_set (self->session, "unix-path", info->socket, NULL);
      start_session (self);
    }
  else if (info->host != NULL && (info->port > 0 || info->tls_port > 0) && !info->remote)
    connect_host (self, info->host, info->port, info->tls_port);
  else
    {
      /* Remote consoles are reached through the host's SSH session (the fd above);
       * other transports (tcp, tls) give no way in. */
      disconnected (self, _("This console is on a remote host and cannot be reached "
                            "directly."));
    }
}

void
hangar_spice_session_send_key (HangarSpiceSession *self,
                               guint               scancode,
                               gboolean            pressed)
{
  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));

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

void
hangar_spice_session_send_pointer (HangarSpiceSession *self,
                                   int                 x,
                                   int                 y,
                                   guint               button_mask)
{
  static const struct { guint mask; int button; } buttons[] = {
    { SPICE_MOUSE_BUTTON_MASK_LEFT, SPICE_MOUSE_BUTTON_LEFT },
    { SPICE_MOUSE_BUTTON_MASK_MIDDLE, SPICE_MOUSE_BUTTON_MIDDLE },
    { SPICE_MOUSE_BUTTON_MASK_RIGHT, SPICE_MOUSE_BUTTON_RIGHT },
  };
  guint mask = to_spice_buttons (button_mask);

  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));

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

void
hangar_spice_session_send_scroll (HangarSpiceSession *self,
                                  int                 dy)
{
  int button;

  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));

  /* SPICE has wheel buttons for up and down only. */
  if (self->inputs == NULL || dy == 0)
    return;
  button = dy < 0 ? SPICE_MOUSE_BUTTON_UP : SPICE_MOUSE_BUTTON_DOWN;
  spice_inputs_channel_button_press (self->inputs, button, self->button_mask);
  spice_inputs_channel_button_release (self->inputs, button, self->button_mask);
}

void
hangar_spice_session_request_size (HangarSpiceSession *self,
                                   int                 width,
                                   int                 height)
{
  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));

  /* Without an agent yet the size waits and goes out when one connects. */
  self->want_width = width;
  self->want_height = height;
  send_monitor_config (self);
}

void
hangar_spice_session_sync_locks (HangarSpiceSession *self,
                                 gboolean            caps_lock,
                                 gboolean            num_lock)
{
  int guest_locks = 0;
  guint locks;

  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));

  if (self->inputs == NULL)
    return;
  /* Scroll Lock stays as the guest has it: GDK does not report the local one. */
  g_object_get (self->inputs, "key-modifiers", &guest_locks, NULL);
  locks = (guest_locks & SPICE_INPUTS_SCROLL_LOCK) |
          (caps_lock ? SPICE_INPUTS_CAPS_LOCK : 0) |
          (num_lock ? SPICE_INPUTS_NUM_LOCK : 0);
  spice_inputs_channel_set_key_locks (self->inputs, locks);
}

void
hangar_spice_session_set_share_clipboard (HangarSpiceSession *self,
                                          gboolean            share)
{
  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));

  if (self->share_clipboard == !!share)
    return;
  self->share_clipboard = !!share;
  if (share)
    offer_clipboard (self);
  else if (self->host_grabbed && agent_has_clipboard (self))
    {
      /* The guest must not ask for text it may no longer have. */
      spice_main_channel_clipboard_selection_release (self->main,
                                                      VD_AGENT_CLIPBOARD_SELECTION_CLIPBOARD);
      self->host_grabbed = FALSE;
    }
}

/* Public. */

HangarSpiceSession *
hangar_spice_session_new (void)
{
  return g_object_new (HANGAR_TYPE_SPICE_SESSION, NULL);
}

void
hangar_spice_session_set_clipboard (HangarSpiceSession *self,
                                    GdkClipboard       *clipboard)
{
  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));

  if (self->clipboard == clipboard)
    return;
  if (self->clipboard != NULL)
    g_signal_handlers_disconnect_by_data (self->clipboard, self);
  g_set_object (&self->clipboard, clipboard);
  if (self->clipboard != NULL && self->session != NULL)
    g_signal_connect (self->clipboard, "changed", G_CALLBACK (on_clipboard_changed_cb), self);
}

void
hangar_spice_session_open (HangarSpiceSession *self,
                           HangarGuest        *guest)
{
  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));
  g_return_if_fail (HANGAR_IS_GUEST (guest));

  /* The guest outlives each session: a password or Reconnect opens it again. */
  g_set_object (&self->guest, guest);
  open_graphics (self, HANGAR_GRAPHICS_OPEN_DEFAULT);
}

void
hangar_spice_session_open_host (HangarSpiceSession *self,
                                const char         *host,
                                int                 port,
                                int                 tls_port)
{
  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));
  g_return_if_fail (host != NULL && (port > 0 || tls_port > 0));

  teardown (self);
  g_clear_object (&self->guest);
  self->was_connected = FALSE;
  new_session (self, NULL);
  if (tls_port > 0)
    setup_tls (self, host, FALSE);
  connect_host (self, host, port, tls_port);
}

void
hangar_spice_session_close (HangarSpiceSession *self)
{
  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));

  teardown (self);
  g_clear_object (&self->guest);
}

void
hangar_spice_session_close_soon (HangarSpiceSession *self)
{
  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));

  if (self->session != NULL && self->teardown_id == 0)
    self->teardown_id = g_idle_add (on_teardown_idle_cb, self);
}

/* Connects again with @password (the console said the last one was missing or wrong). */
void
hangar_spice_session_set_password (HangarSpiceSession *self,
                                   const char         *password)
{
  g_autoptr(HangarGuest) guest = NULL;

  g_return_if_fail (HANGAR_IS_SPICE_SESSION (self));

  g_free (self->password);
  self->password = g_strdup (password ? password : "");
  if (self->guest != NULL)
    {
      guest = g_object_ref (self->guest);
      hangar_spice_session_open (self, guest);
    }
}

gboolean
hangar_spice_session_has_guest (HangarSpiceSession *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_SESSION (self), FALSE);

  return self->guest != NULL;
}

SpiceUsbDeviceManager *
hangar_spice_session_get_usb_manager (HangarSpiceSession *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_SESSION (self), NULL);

  return self->usb_manager;
}

const char *
hangar_spice_session_get_usb_error (HangarSpiceSession *self)
{
  g_return_val_if_fail (HANGAR_IS_SPICE_SESSION (self), NULL);

  return self->usb_error;
}

/* GObject. */

static void
hangar_spice_session_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HangarSpiceSession *self = HANGAR_SPICE_SESSION (object);

  switch (prop_id)
    {
    case PROP_USB_MANAGER:
      g_value_set_object (value, self->usb_manager);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_spice_session_dispose (GObject *object)
{
  HangarSpiceSession *self = (HangarSpiceSession *)object;

  teardown (self);
  g_clear_object (&self->guest);
  hangar_spice_session_set_clipboard (self, NULL);

  G_OBJECT_CLASS (hangar_spice_session_parent_class)->dispose (object);
}

static void
hangar_spice_session_finalize (GObject *object)
{
  HangarSpiceSession *self = (HangarSpiceSession *)object;

  g_ptr_array_unref (self->channels);
  g_free (self->usb_error);
  g_free (self->password);
  g_free (self->tls_host);
  g_free (self->ca_file);

  G_OBJECT_CLASS (hangar_spice_session_parent_class)->finalize (object);
}

static void
hangar_spice_session_class_init (HangarSpiceSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = hangar_spice_session_dispose;
  object_class->finalize = hangar_spice_session_finalize;
  object_class->get_property = hangar_spice_session_get_property;

  /* The session's SpiceUsbDeviceManager while the guest has USB redirection channels
   * and the host can share devices; see hangar_spice_session_get_usb_error(). */
  properties[PROP_USB_MANAGER] =
    g_param_spec_object ("usb-manager", NULL, NULL, SPICE_TYPE_USB_DEVICE_MANAGER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The connection to the server began: a picture is to come. */
  signals[SIGNAL_STARTED] = g_signal_new ("started", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 0);
  /* Main, display (with its surface) and inputs channels are open. */
  signals[SIGNAL_READY] = g_signal_new ("ready", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
  /* The session ended, for the reason given (a sentence); it closes from an idle. */
  signals[SIGNAL_ENDED] = g_signal_new ("ended", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The password is missing or wrong: answer with hangar_spice_session_set_password(). */
  signals[SIGNAL_PASSWORD_NEEDED] = g_signal_new ("password-needed", type, G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* SpiceDisplayChannel's primary surface: format, width, height, stride and pixels,
   * valid until primary-destroy. */
  signals[SIGNAL_PRIMARY_CREATE] = g_signal_new ("primary-create", type, G_SIGNAL_RUN_LAST, 0,
                                                 NULL, NULL, NULL, G_TYPE_NONE, 5, G_TYPE_INT,
                                                 G_TYPE_INT, G_TYPE_INT, G_TYPE_INT,
                                                 G_TYPE_POINTER);
  signals[SIGNAL_PRIMARY_DESTROY] = g_signal_new ("primary-destroy", type, G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A rectangle of the surface changed. */
  signals[SIGNAL_INVALIDATE] = g_signal_new ("invalidate", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                             NULL, NULL, G_TYPE_NONE, 4, G_TYPE_INT,
                                             G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);
  /* The guest's pointer shape: width, height, hot spot and R, G, B, A bytes (not
   * premultiplied); NULL pixels for the default pointer. */
  signals[SIGNAL_CURSOR_SET] = g_signal_new ("cursor-set", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                             NULL, NULL, G_TYPE_NONE, 5, G_TYPE_INT,
                                             G_TYPE_INT, G_TYPE_INT, G_TYPE_INT,
                                             G_TYPE_POINTER);
  signals[SIGNAL_CURSOR_HIDE] = g_signal_new ("cursor-hide", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                              NULL, NULL, G_TYPE_NONE, 0);
}

static void
hangar_spice_session_init (HangarSpiceSession *self)
{
  self->channels = g_ptr_array_new_with_free_func (g_object_unref);
  self->share_clipboard = TRUE;
}
