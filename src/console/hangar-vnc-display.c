// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-vnc-display"

#include "config.h"

#include <pwd.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <gvnc.h>

#include "hangar-graphics.h"
#include "hangar-keymap.h"
#include "hangar-vnc-display.h"
#include "hangar-vnc-format.h"

/* A guest screen over VNC, on gvnc's toolkit-free protocol core. */
struct _HangarVncDisplay
{
  HangarDisplay parent_instance;

  VncConnection *conn;
  VncBaseFramebuffer *fb;
  HangarGuest *guest;
  GCancellable *cancellable;
  char *password;
  char *error; /* why the connection ended, a whole sentence */
  gboolean waiting_for_password;
  char *tls_host;   /* the name the server's certificate must carry, or NULL */
  gboolean in_tls;  /* between choosing a TLS method and the server's answer to it */
  gboolean x509;    /* that method checks certificates */
  /* The connection went straight to the console's loopback port (HangarGraphicsInfo's
   * direct) and no picture came yet: a server that asks for anything, or ends, is
   * reached through libvirt's socket instead, which skips authentication. */
  gboolean direct;
  guint through_libvirt_id;

  /* The pointer, when the guest has no absolute device (QEMU with only a PS/2 mouse):
   * motion goes as the way it moved since rel_x, rel_y (guest pixels; -1 for none yet). */
  gboolean relative;
  int rel_x;
  int rel_y;
  guint button_mask; /* the buttons held in the last pointer event, for wheel steps */

  /* Clipboard: watched while a connection exists. */
  GdkClipboard *clipboard;
  GdkContentProvider *guest_content; /* what the guest last put there */
  /* A read of this desktop's text is on its way; changes meanwhile are read once more
   * when it ends, but the text it sent is not sent again for them: GDK 4.8 on X11 tells
   * one new owner twice (the lost selection and XFixes) when it takes over from here. */
  gboolean reading;
  gboolean changed_while_reading;
  char *sent_in_burst; /* Latin-1 */
};

G_DEFINE_FINAL_TYPE (HangarVncDisplay, hangar_vnc_display, HANGAR_TYPE_DISPLAY)

/* In relative mode QEMU reads a pointer position (x, y) as the motion (x - 0x7FFF,
 * y - 0x7FFF) (ui/vnc.c, once the client took the pointer-type-change encoding). */
#define RELATIVE_ORIGIN 0x7FFF


static void send_clipboard                (HangarVncDisplay *self);
static void reopen_through_libvirt        (HangarVncDisplay *self);
static void hangar_vnc_display_disconnect (HangarDisplay    *display);

/* FALSE when the server's screen is too large to take: the display then says so. */
static gboolean
setup_framebuffer (HangarVncDisplay *self)
{
  int width = vnc_connection_get_width (self->conn);
  int height = vnc_connection_get_height (self->conn);
  gsize stride;
  guint8 *buffer;

  if (!hangar_display_accept_size (HANGAR_DISPLAY (self), width, height))
    return FALSE;
  buffer = hangar_display_set_framebuffer (HANGAR_DISPLAY (self), width, height, &stride);
  g_clear_object (&self->fb);
  /* gvnc keeps only the pointer: the buffer stays HangarDisplay's. */
  self->fb = vnc_base_framebuffer_new (buffer, width, height, stride, &hangar_vnc_local_format,
                                       vnc_connection_get_pixel_format (self->conn));
  vnc_connection_set_framebuffer (self->conn, VNC_FRAMEBUFFER (self->fb));
  return TRUE;
}

static void
on_vnc_initialized_cb (VncConnection    *conn,
                       HangarVncDisplay *self)
{
  self->in_tls = FALSE;
  vnc_connection_set_pixel_format (conn, &hangar_vnc_local_format);
  if (!setup_framebuffer (self))
    return;
  vnc_connection_set_encodings (conn, G_N_ELEMENTS (hangar_vnc_encodings),
                                (gint32 *)hangar_vnc_encodings);
  vnc_connection_framebuffer_update_request (conn, FALSE, 0, 0,
                                             vnc_connection_get_width (conn),
                                             vnc_connection_get_height (conn));
  /* Connected once the first picture arrives (on_vnc_framebuffer_update_cb). */
  /* Text copied before the console opened is pasteable too. */
  send_clipboard (self);
}

static void
on_vnc_framebuffer_update_cb (VncConnection    *conn,
                              guint16           x,
                              guint16           y,
                              guint16           width,
                              guint16           height,
                              HangarVncDisplay *self)
{
  hangar_display_damage (HANGAR_DISPLAY (self), x, y, width, height);
  self->direct = FALSE;
  if (hangar_display_get_state (HANGAR_DISPLAY (self)) == HANGAR_DISPLAY_STATE_CONNECTING)
    hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_CONNECTED, NULL);
  vnc_connection_framebuffer_update_request (conn, TRUE, 0, 0,
                                             vnc_connection_get_width (conn),
                                             vnc_connection_get_height (conn));
}

static void
on_vnc_desktop_resize_cb (VncConnection    *conn,
                          guint16           width,
                          guint16           height,
                          HangarVncDisplay *self)
{
  /* Refused: gvnc is left without a framebuffer of that size, and shut down. */
  if (!setup_framebuffer (self))
    return;
  vnc_connection_framebuffer_update_request (conn, FALSE, 0, 0, width, height);
}

static void
on_vnc_pixel_format_changed_cb (VncConnection        *conn,
                                const VncPixelFormat *format,
                                HangarVncDisplay     *self)
{
  setup_framebuffer (self);
}

/* The guest gained or lost an absolute pointing device (QEMU: a tablet, or none and the
 * PS/2 mouse). gvnc starts every connection absolute and tells only changes. */
static void
on_vnc_pointer_mode_changed_cb (VncConnection    *conn,
                                gboolean          absolute,
                                HangarVncDisplay *self)
{
  g_debug ("Pointer mode: %s", absolute ? "absolute" : "relative");
  self->relative = !absolute;
  self->rel_x = self->rel_y = -1;
}

static void
on_vnc_cursor_changed_cb (VncConnection    *conn,
                          VncCursor        *cursor,
                          HangarVncDisplay *self)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width, height;

  if (cursor == NULL)
    {
      hangar_display_set_cursor_image (HANGAR_DISPLAY (self), NULL, 0, 0);
      return;
    }

  width = vnc_cursor_get_width (cursor);
  height = vnc_cursor_get_height (cursor);
  if (width == 0 || height == 0)
    {
      /* An empty shape: the guest hides its pointer, so show none either. */
      guint8 pixel[4] = { 0, 0, 0, 0 };

      bytes = g_bytes_new (pixel, sizeof pixel);
      texture = gdk_memory_texture_new (1, 1, GDK_MEMORY_R8G8B8A8, bytes, 4);
      hangar_display_set_cursor_image (HANGAR_DISPLAY (self), texture, 0, 0);
      return;
    }

  bytes = g_bytes_new (vnc_cursor_get_data (cursor), (gsize)width * height * 4);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, width * 4);
  hangar_display_set_cursor_image (HANGAR_DISPLAY (self), texture,
                                   vnc_cursor_get_hotx (cursor), vnc_cursor_get_hoty (cursor));
}

/* TLS certificates. gvnc finds them itself (1.3.1, no API to name the files), where
 * hangar_pki_find () does; the client name Hangar answers with picks the client's
 * directory, the one libvirt's guide names:
 *   CA/cacert.pem                       the authority that signed the server's
 *                                       certificate (else the system's trust store)
 *   CA/cacrl.pem                        its revocation list, optional
 *   libvirt-vnc/clientcert.pem          this client's certificate and its key, for
 *   libvirt-vnc/private/clientkey.pem   servers that verify clients (libvirt's default) */
#define PKI_CLIENT_NAME "libvirt-vnc"

/* Whether gvnc finds @relative. */
static gboolean
have_pki_file (const char *relative)
{
  g_autofree char *path = hangar_pki_find (relative);

  return path != NULL;
}

static void
set_error (HangarVncDisplay *self,
           char             *sentence)
{
  g_free (self->error);
  self->error = sentence;
}

/* Why a connection ended while TLS was being set up, from gvnc's reason (English,
 * untranslated, the wording of gvnc 1.3.1's certificate checks). */
static char *
tls_failure (HangarVncDisplay *self,
             const char       *reason)
{
  g_autofree char *cert = NULL;

  if (!self->x509)
    return g_strdup_printf (_("The encrypted connection to the console failed: %s. Check "
                              "the TLS settings of the host's VNC server (vnc_tls in "
                              "qemu.conf)."), reason);

  if (g_str_has_prefix (reason, "The certificate's owner does not match"))
    return g_strdup_printf (_("The console's TLS certificate is not issued for “%s”, the "
                              "name Hangar knows its host by."),
                            self->tls_host ? self->tls_host : "localhost");

  /* Not trusted, no known issuer, revoked, expired, not yet valid. */
  if (g_str_has_prefix (reason, "The certificate"))
    {
      g_autofree char *user = hangar_pki_user_path ("CA/cacert.pem");

      return g_strdup_printf (_("The console's TLS certificate cannot be trusted (%s). Put "
                                "the certificate of the authority that signed it in %s or "
                                "%s."),
                              reason, user, HANGAR_PKI_SYSTEM_DIR "/CA/cacert.pem");
    }

  /* The server ends the handshake, or the connection right after it, when it verifies
   * clients and this one showed no certificate or one it does not accept. */
  cert = hangar_pki_user_path (PKI_CLIENT_NAME "/clientcert.pem");
  if (!have_pki_file (PKI_CLIENT_NAME "/clientcert.pem") ||
      !have_pki_file (PKI_CLIENT_NAME "/private/clientkey.pem"))
    {
      g_autofree char *key = hangar_pki_user_path (PKI_CLIENT_NAME "/private/clientkey.pem");

      return g_strdup_printf (_("The VNC server wants a TLS client certificate. Put it in "
                                "%s and its key in %s (or the same files under %s)."),
                              cert, key, HANGAR_PKI_SYSTEM_DIR);
    }
  return g_strdup_printf (_("The console ended the TLS connection (%s): it may not accept "
                            "the client certificate in %s or under %s."),
                          reason, cert, HANGAR_PKI_SYSTEM_DIR);
}

static gboolean
offered (GValueArray *types,
         guint        type)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  for (guint i = 0; i < types->n_values; i++)
    if ((guint)g_value_get_enum (g_value_array_get_nth (types, i)) == type)
      return TRUE;
  G_GNUC_END_IGNORE_DEPRECATIONS
  return FALSE;
}

/* The first of @preferred that @types offers, or 0. */
static guint
choose (GValueArray *types,
        const guint *preferred,
        gsize        n_preferred)
{
  for (gsize i = 0; i < n_preferred; i++)
    if (offered (types, preferred[i]))
      return preferred[i];
  return 0;
}

static void
unsupported (HangarVncDisplay *self,
             VncConnection    *conn)
{
  set_error (self, g_strdup (_("The console asks for an authentication method Hangar does "
                               "not support.")));
  vnc_connection_shutdown (conn);
}

static void
on_vnc_auth_choose_type_cb (VncConnection    *conn,
                            GValueArray      *types,
                            HangarVncDisplay *self)
{
  /* Encrypted first: a server that offers TLS wants it (QEMU offers one type anyway). */
  static const guint preferred[] = {
    VNC_CONNECTION_AUTH_VENCRYPT,
    VNC_CONNECTION_AUTH_TLS,
    VNC_CONNECTION_AUTH_NONE,
    VNC_CONNECTION_AUTH_VNC,
  };
  guint type = choose (types, preferred, G_N_ELEMENTS (preferred));

  if (self->direct && type != VNC_CONNECTION_AUTH_NONE)
    {
      /* TLS or a password that the definition does not show (qemu.conf's vnc_tls,
       * vnc_sasl): libvirt's socket skips them, as it did before the direct way. */
      reopen_through_libvirt (self);
      return;
    }
  /* Without an answer here the connection would wait forever. */
  if (type != 0)
    {
      /* VINO's TLS shakes hands before the subtype is chosen: a failure then is a TLS one. */
      self->in_tls = type == VNC_CONNECTION_AUTH_TLS || type == VNC_CONNECTION_AUTH_VENCRYPT;
      vnc_connection_set_auth_type (conn, type);
    }
  else
    unsupported (self, conn);
}

/* The method inside TLS: VeNCrypt's (QEMU: x509 certificates when libvirt has vnc_tls,
 * anonymous TLS otherwise), or VINO's anonymous TLS with a plain method inside. Plain
 * and SASL ones need a user name, which Hangar does not ask for. */
static void
on_vnc_auth_choose_subtype_cb (VncConnection    *conn,
                               guint             type,
                               GValueArray      *subtypes,
                               HangarVncDisplay *self)
{
  static const guint vencrypt[] = {
    VNC_CONNECTION_AUTH_VENCRYPT_X509NONE,
    VNC_CONNECTION_AUTH_VENCRYPT_X509VNC,
    VNC_CONNECTION_AUTH_VENCRYPT_TLSNONE,
    VNC_CONNECTION_AUTH_VENCRYPT_TLSVNC,
  };
  static const guint tls[] = {
    VNC_CONNECTION_AUTH_NONE,
    VNC_CONNECTION_AUTH_VNC,
  };
  guint subtype;

  if (type == VNC_CONNECTION_AUTH_VENCRYPT)
    subtype = choose (subtypes, vencrypt, G_N_ELEMENTS (vencrypt));
  else
    subtype = choose (subtypes, tls, G_N_ELEMENTS (tls));

  /* Unanswered, this too would wait forever. */
  if (subtype == 0)
    {
      unsupported (self, conn);
      return;
    }
  self->in_tls = type == VNC_CONNECTION_AUTH_VENCRYPT;
  self->x509 = subtype == VNC_CONNECTION_AUTH_VENCRYPT_X509NONE ||
               subtype == VNC_CONNECTION_AUTH_VENCRYPT_X509VNC;
  vnc_connection_set_auth_subtype (conn, subtype);
}

static void
on_vnc_auth_credential_cb (VncConnection    *conn,
                           GValueArray      *credentials,
                           HangarVncDisplay *self)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  for (guint i = 0; i < credentials->n_values; i++)
    {
      int type = g_value_get_enum (g_value_array_get_nth (credentials, i));

      /* Asked after the TLS handshake, if at all. */
      if (type == VNC_CONNECTION_CREDENTIAL_PASSWORD)
        self->in_tls = FALSE;

      if (type == VNC_CONNECTION_CREDENTIAL_PASSWORD && self->password != NULL)
        vnc_connection_set_credential (conn, type, self->password);
      else if (type == VNC_CONNECTION_CREDENTIAL_PASSWORD)
        {
          /* The window asks the user; the answer comes through set_password (). */
          self->waiting_for_password = TRUE;
          hangar_display_ask_password (HANGAR_DISPLAY (self));
          return;
        }
      else if (type == VNC_CONNECTION_CREDENTIAL_CLIENTNAME && getpwuid (getuid ()) == NULL)
        {
          /* gvnc 1.3.1 looks for the certificates under the home directory of the
           * password database; without an entry it never takes the answer and waits. */
          set_error (self, g_strdup_printf (_("The console wants TLS certificates, which are "
                                              "looked for in the home directory, but user %u "
                                              "has no entry in the password database. Run "
                                              "Hangar as a user with one."),
                                            (guint)getuid ()));
          vnc_connection_shutdown (conn);
          return;
        }
      else if (type == VNC_CONNECTION_CREDENTIAL_CLIENTNAME)
        /* Makes gvnc look for the certificates (see PKI_CLIENT_NAME). */
        vnc_connection_set_credential (conn, type, PKI_CLIENT_NAME);
      else
        {
          set_error (self, g_strdup (_("The console asks for a user name, which Hangar "
                                       "does not support yet.")));
          vnc_connection_shutdown (conn);
          return;
        }
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
hangar_vnc_display_set_password (HangarDisplay *display,
                                 const char    *password)
{
  HangarVncDisplay *self = HANGAR_VNC_DISPLAY (display);

  g_free (self->password);
  self->password = g_strdup (password);
  if (self->waiting_for_password && self->conn != NULL)
    {
      self->waiting_for_password = FALSE;
      vnc_connection_set_credential (self->conn, VNC_CONNECTION_CREDENTIAL_PASSWORD,
                                     password ? password : "");
    }
}

static void
on_vnc_auth_failure_cb (VncConnection    *conn,
                        const char       *reason,
                        HangarVncDisplay *self)
{
  set_error (self, g_strdup_printf (_("The console refused the password: %s"),
                                     reason ? reason : _("no reason given")));
  g_clear_pointer (&self->password, g_free);
}

static void
on_vnc_error_cb (VncConnection    *conn,
                 const char       *message,
                 HangarVncDisplay *self)
{
  /* The first reason is the one worth telling. */
  if (self->error != NULL)
    return;
  if (self->in_tls)
    set_error (self, tls_failure (self, message));
  else
    set_error (self, g_strdup_printf (_("The console closed: %s"), message));
}

static void
on_vnc_disconnected_cb (VncConnection    *conn,
                        HangarVncDisplay *self)
{
  if (self->direct)
    {
      /* Refused or ended before its first picture: libvirt's socket may still do. */
      reopen_through_libvirt (self);
      return;
    }
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED,
                            self->error ? self->error : _("The console closed."));
}

/* Clipboard. RFB cut text is ISO-8859-1 both ways, lines ending in LF; QEMU passes it
 * to a clipboard agent in the guest when there is one. */
/* The user lets text cross between this desktop and the guest. */
static gboolean
sharing (gpointer self)
{
  return hangar_display_get_share_clipboard (HANGAR_DISPLAY (self));
}


static void
on_vnc_server_cut_text_cb (VncConnection    *conn,
                           const char       *text,
                           HangarVncDisplay *self)
{
  g_autoptr(GdkContentProvider) content = NULL;
  g_autofree char *utf8 = NULL;

  if (!sharing (self) || self->clipboard == NULL || text == NULL)
    return;

  /* Every byte is a Latin-1 character, so this cannot fail. */
  utf8 = g_convert (text, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  if (utf8 == NULL)
    return;

  content = gdk_content_provider_new_typed (G_TYPE_STRING, utf8);
  /* Remembered before the clipboard's "changed", so the text is not sent back. */
  g_set_object (&self->guest_content, content);
  gdk_clipboard_set_content (self->clipboard, content);
}

/* Characters outside Latin-1 cannot travel; they become question marks. */
static char *
to_latin1 (const char *text,
           gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *latin1 = g_convert_with_fallback (text, -1, "ISO-8859-1", "UTF-8", "?", NULL, length,
                                          &error);

  if (latin1 == NULL)
    g_debug ("Could not convert the clipboard text: %s", error->message);
  return latin1;
}

static void
on_clipboard_text_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(HangarVncDisplay) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *latin1 = NULL;
  g_autofree char *sent_before = g_steal_pointer (&self->sent_in_burst);
  gboolean again = self->changed_while_reading;
  gsize length = 0;

  self->reading = self->changed_while_reading = FALSE;
  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  if (text == NULL)
    g_debug ("Could not read the clipboard: %s", error ? error->message : "no text");
  else if (sharing (self) && self->conn != NULL && vnc_connection_is_initialized (self->conn))
    latin1 = to_latin1 (text, &length);

  if (latin1 != NULL && g_strcmp0 (latin1, sent_before) != 0)
    vnc_connection_client_cut_text (self->conn, latin1, length);
  if (again)
    {
      self->sent_in_burst = g_steal_pointer (&latin1);
      send_clipboard (self);
    }
}

/* Sends the local clipboard's text to the guest, unless it came from the guest. */
static void
send_clipboard (HangarVncDisplay *self)
{
  GdkContentProvider *content;
  g_autoptr(GdkContentFormats) formats = NULL;

  if (!sharing (self) || self->clipboard == NULL || self->conn == NULL ||
      !vnc_connection_is_initialized (self->conn))
    return;

  content = gdk_clipboard_get_content (self->clipboard);
  if (content != NULL && content == self->guest_content)
    return;
  g_clear_object (&self->guest_content);

  formats = gdk_content_formats_union_deserialize_gtypes (
    gdk_content_formats_ref (gdk_clipboard_get_formats (self->clipboard)));
  if (!gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    return;
  if (self->reading)
    {
      self->changed_while_reading = TRUE;
      return;
    }
  self->reading = TRUE;
  gdk_clipboard_read_text_async (self->clipboard, NULL, on_clipboard_text_cb,
                                 g_object_ref (self));
}

static void
on_clipboard_changed_cb (GdkClipboard     *clipboard,
                         HangarVncDisplay *self)
{
  send_clipboard (self);
}

/* gvnc 1.3.1 declares "vnc-led-state" with an int argument but emits it without one,
 * so a handler's marshaller fails; an emission hook reads the instance alone. */
static gboolean
on_led_state_emitted (GSignalInvocationHint *hint,
                      guint                  n_values,
                      const GValue          *values,
                      gpointer               user_data)
{
  g_object_set_data (g_value_get_object (&values[0]), "hangar-led-state", GINT_TO_POINTER (1));
  return TRUE;
}

static void
drop_connection (HangarVncDisplay *self)
{
  if (self->clipboard != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->clipboard, self);
      g_clear_object (&self->clipboard);
    }
  g_clear_object (&self->guest_content);
  if (self->conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->conn, self);
  vnc_connection_shutdown (self->conn);
  g_clear_object (&self->conn);
  g_clear_object (&self->fb);
}

static void
new_connection (HangarVncDisplay *self,
                const char       *tls_host)
{
  drop_connection (self);
  g_clear_pointer (&self->error, g_free);
  g_free (self->tls_host);
  self->tls_host = g_strdup (tls_host);
  self->waiting_for_password = FALSE;
  self->in_tls = self->x509 = FALSE;
  self->relative = FALSE;
  self->rel_x = self->rel_y = -1;
  self->conn = vnc_connection_new ();
  g_signal_connect (self->conn, "vnc-initialized", G_CALLBACK (on_vnc_initialized_cb), self);
  g_signal_connect (self->conn, "vnc-framebuffer-update",
                    G_CALLBACK (on_vnc_framebuffer_update_cb), self);
  g_signal_connect (self->conn, "vnc-desktop-resize", G_CALLBACK (on_vnc_desktop_resize_cb),
                    self);
  g_signal_connect (self->conn, "vnc-pixel-format-changed",
                    G_CALLBACK (on_vnc_pixel_format_changed_cb), self);
  g_signal_connect (self->conn, "vnc-cursor-changed", G_CALLBACK (on_vnc_cursor_changed_cb),
                    self);
  g_signal_connect (self->conn, "vnc-pointer-mode-changed",
                    G_CALLBACK (on_vnc_pointer_mode_changed_cb), self);
  g_signal_connect (self->conn, "vnc-auth-choose-type",
                    G_CALLBACK (on_vnc_auth_choose_type_cb), self);
  g_signal_connect (self->conn, "vnc-auth-choose-subtype",
                    G_CALLBACK (on_vnc_auth_choose_subtype_cb), self);
  g_signal_connect (self->conn, "vnc-auth-credential", G_CALLBACK (on_vnc_auth_credential_cb),
                    self);
  g_signal_connect (self->conn, "vnc-auth-failure", G_CALLBACK (on_vnc_auth_failure_cb), self);
  g_signal_connect (self->conn, "vnc-error", G_CALLBACK (on_vnc_error_cb), self);
  g_signal_connect (self->conn, "vnc-disconnected", G_CALLBACK (on_vnc_disconnected_cb), self);
  g_signal_connect (self->conn, "vnc-server-cut-text", G_CALLBACK (on_vnc_server_cut_text_cb),
                    self);

  self->clipboard = g_object_ref (gtk_widget_get_clipboard (GTK_WIDGET (self)));
  g_signal_connect (self->clipboard, "changed", G_CALLBACK (on_clipboard_changed_cb), self);
}

void
hangar_vnc_display_open_fd_with_host (HangarVncDisplay *self,
                                      int               fd,
                                      const char       *tls_host)
{
  g_return_if_fail (HANGAR_IS_VNC_DISPLAY (self));

  self->direct = FALSE;
  new_connection (self, tls_host);
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_CONNECTING,
                            _("Connecting to the console…"));
  /* Without a name gvnc checks certificates against "localhost". */
  if (!vnc_connection_open_fd_with_hostname (self->conn, fd, tls_host))
    hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED,
                              _("Could not open the console connection."));
  else
    hangar_display_expect_picture (HANGAR_DISPLAY (self));
}

void
hangar_vnc_display_open_fd (HangarVncDisplay *self,
                            int               fd)
{
  hangar_vnc_display_open_fd_with_host (self, fd, NULL);
}

static void
on_open_graphics_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HangarVncDisplay) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarGraphicsInfo) info = NULL;

  info = hangar_guest_open_graphics_finish (HANGAR_GUEST (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info == NULL)
    {
      hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED,
                                error->message);
      return;
    }
  if (!g_str_equal (info->type, "vnc"))
    {
      hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED,
                                _("This guest's console is not VNC."));
      return;
    }

  if (info->password != NULL && self->password == NULL)
    self->password = g_strdup (info->password);
  self->direct = info->direct;

  if (info->fd >= 0)
    {
      int fd = info->fd;

      info->fd = -1;
      hangar_vnc_display_open_fd_with_host (self, fd, info->tls_host);
      return;
    }

  new_connection (self, info->tls_host);
  if (info->socket != NULL && !info->remote)
    {
      g_autoptr(GSocketAddress) address = g_unix_socket_address_new (info->socket);

      vnc_connection_open_addr (self->conn, address, info->tls_host);
    }
  else if (info->host != NULL && info->port > 0 && !info->remote)
    {
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string (info->host,
                                                                                 info->port);
      g_autofree char *port = g_strdup_printf ("%d", info->port);

      /* A listen address is no name to check a certificate against, this host's is; a
       * listen name is one. */
      if (address != NULL)
        vnc_connection_open_addr (self->conn, address, info->tls_host);
      else
        {
          g_free (self->tls_host);
          self->tls_host = g_strdup (info->host);
          vnc_connection_open_host (self->conn, info->host, port);
        }
    }
  else
    {
      hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED,
                                _("This console is on a remote host and cannot be reached "
                                  "directly."));
      return;
    }
  hangar_display_expect_picture (HANGAR_DISPLAY (self));
}

static void
open_graphics (HangarVncDisplay       *self,
               HangarGraphicsOpenFlags flags)
{
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_CONNECTING,
                            _("Connecting to the console…"));
  hangar_guest_open_graphics_async (self->guest, flags, self->cancellable, on_open_graphics_cb,
                                    g_object_ref (self));
}

static gboolean
on_through_libvirt_cb (gpointer user_data)
{
  HangarVncDisplay *self = user_data;

  self->through_libvirt_id = 0;
  drop_connection (self);
  open_graphics (self, HANGAR_GRAPHICS_OPEN_THROUGH_LIBVIRT);
  return G_SOURCE_REMOVE;
}

/* Called from gvnc's signals: the connection is dropped from an idle, after them. */
static void
reopen_through_libvirt (HangarVncDisplay *self)
{
  g_debug ("the direct connection to the console asked for more or ended: through "
           "libvirt's socket");
  self->direct = FALSE;
  hangar_vnc_display_disconnect (HANGAR_DISPLAY (self));
  if (self->through_libvirt_id == 0)
    self->through_libvirt_id = g_idle_add (on_through_libvirt_cb, self);
}

void
hangar_vnc_display_open (HangarVncDisplay *self,
                         HangarGuest      *guest)
{
  g_return_if_fail (HANGAR_IS_VNC_DISPLAY (self));
  g_return_if_fail (HANGAR_IS_GUEST (guest));

  hangar_vnc_display_close (self);
  g_set_object (&self->guest, guest);
  self->cancellable = g_cancellable_new ();
  open_graphics (self, HANGAR_GRAPHICS_OPEN_DEFAULT);
}

void
hangar_vnc_display_close (HangarVncDisplay *self)
{
  g_return_if_fail (HANGAR_IS_VNC_DISPLAY (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->through_libvirt_id, g_source_remove);
  self->direct = FALSE;
  drop_connection (self);
  hangar_display_set_state (HANGAR_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED, NULL);
}

/* Input. */

static void
hangar_vnc_display_send_key (HangarDisplay *display,
                             guint          scancode,
                             guint          keyval,
                             gboolean       pressed)
{
  HangarVncDisplay *self = HANGAR_VNC_DISPLAY (display);

  if (self->conn == NULL)
    return;
  /* gvnc sends QEMU's extended key event (scancode) when the server has it, otherwise
   * the keysym. */
  vnc_connection_key_event (self->conn, pressed, keyval, hangar_keymap_xt_to_qnum (scancode));
}

static void
hangar_vnc_display_send_pointer (HangarDisplay *display,
                                 int            x,
                                 int            y,
                                 guint          button_mask)
{
  HangarVncDisplay *self = HANGAR_VNC_DISPLAY (display);
  int dx = 0, dy = 0;

  if (self->conn == NULL)
    return;
  self->button_mask = button_mask;
  if (!self->relative)
    {
      vnc_connection_pointer_event (self->conn, button_mask, x, y);
      return;
    }

  /* Best effort: the guest's pointer moves as the local one does, from wherever it is,
   * with the guest's own acceleration; GTK 4 can neither hide and warp the local pointer
   * nor confine it, so the two drift apart. The first event after the pointer came in
   * only marks where it starts. */
  if (self->rel_x >= 0)
    {
      dx = x - self->rel_x;
      dy = y - self->rel_y;
    }
  self->rel_x = x;
  self->rel_y = y;
  vnc_connection_pointer_event (self->conn, button_mask,
                                CLAMP (RELATIVE_ORIGIN + dx, 0, G_MAXUINT16),
                                CLAMP (RELATIVE_ORIGIN + dy, 0, G_MAXUINT16));
}

/* Coming back in somewhere else is no motion. */
static void
on_pointer_enter_cb (HangarVncDisplay *self)
{
  self->rel_x = self->rel_y = -1;
}

static void
hangar_vnc_display_send_scroll (HangarDisplay *display,
                                int            x,
                                int            y,
                                int            dx,
                                int            dy)
{
  HangarVncDisplay *self = HANGAR_VNC_DISPLAY (display);
  guint button;

  if (self->conn == NULL)
    return;

  /* Wheel steps are buttons 4–7, pressed and released. */
  if (dy < 0)
    button = 1 << 3;
  else if (dy > 0)
    button = 1 << 4;
  else if (dx < 0)
    button = 1 << 5;
  else
    button = 1 << 6;
  /* Relative: the pointer stays where it is. */
  if (self->relative)
    x = y = RELATIVE_ORIGIN;
  /* RFB sends every button's state with each event: buttons held (a drag) stay held. */
  vnc_connection_pointer_event (self->conn, self->button_mask | button, x, y);
  vnc_connection_pointer_event (self->conn, self->button_mask, x, y);
}

/* Makes the guest's Caps Lock and Num Lock match the local keyboard, when the server
 * says what its lock keys are; a press and release of the key toggles it. */
static void
hangar_vnc_display_sync_locks (HangarDisplay *display,
                               gboolean       caps_lock,
                               gboolean       num_lock)
{
  HangarVncDisplay *self = HANGAR_VNC_DISPLAY (display);
  int leds;

  /* Only a server that reports its lock keys (QEMU's LED state) can be matched. */
  if (self->conn == NULL || g_object_get_data (G_OBJECT (self->conn), "hangar-led-state") == NULL)
    return;
  leds = vnc_connection_get_ledstate (self->conn);
  if (!!(leds & VNC_LEDSTATE_CAPS_LOCK) != !!caps_lock)
    {
      vnc_connection_key_event (self->conn, TRUE, GDK_KEY_Caps_Lock, 0x3a);
      vnc_connection_key_event (self->conn, FALSE, GDK_KEY_Caps_Lock, 0x3a);
    }
  if (!!(leds & VNC_LEDSTATE_NUM_LOCK) != !!num_lock)
    {
      vnc_connection_key_event (self->conn, TRUE, GDK_KEY_Num_Lock, 0x45);
      vnc_connection_key_event (self->conn, FALSE, GDK_KEY_Num_Lock, 0x45);
    }
}

static gboolean
hangar_vnc_display_request_size (HangarDisplay *display,
                                 int            width,
                                 int            height)
{
  HangarVncDisplay *self = HANGAR_VNC_DISPLAY (display);
  VncConnectionResizeStatus status;

  if (self->conn == NULL)
    return FALSE;
  /* Works once the server announced ExtendedDesktopSize (its answer comes as a desktop
   * resize, which asks again if this one could not go out). */
  status = vnc_connection_set_size (self->conn, width, height);
  g_debug ("Asked for %d×%d: status %d", width, height, status);
  return status == VNC_CONNECTION_RESIZE_STATUS_OK;
}

/* Refused or silent: no more from this server. The connection object stays until the
 * next open or close, since gvnc may be inside one of its signals. */
static void
hangar_vnc_display_disconnect (HangarDisplay *display)
{
  HangarVncDisplay *self = HANGAR_VNC_DISPLAY (display);

  if (self->clipboard != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->clipboard, self);
      g_clear_object (&self->clipboard);
    }
  if (self->conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->conn, self);
  vnc_connection_shutdown (self->conn);
}

/* GObject. */

/* What was copied while sharing was off is offered now. */
static void
hangar_vnc_display_share_clipboard_changed (HangarDisplay *display)
{
  send_clipboard (HANGAR_VNC_DISPLAY (display));
}

static void
hangar_vnc_display_dispose (GObject *object)
{
  HangarVncDisplay *self = (HangarVncDisplay *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->through_libvirt_id, g_source_remove);
  drop_connection (self);
  g_clear_object (&self->guest);

  G_OBJECT_CLASS (hangar_vnc_display_parent_class)->dispose (object);
}

static void
hangar_vnc_display_finalize (GObject *object)
{
  HangarVncDisplay *self = (HangarVncDisplay *)object;

  g_free (self->password);
  g_free (self->error);
  g_free (self->tls_host);
  g_free (self->sent_in_burst);

  G_OBJECT_CLASS (hangar_vnc_display_parent_class)->finalize (object);
}

static void
hangar_vnc_display_class_init (HangarVncDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HangarDisplayClass *display_class = HANGAR_DISPLAY_CLASS (klass);

  object_class->dispose = hangar_vnc_display_dispose;
  object_class->finalize = hangar_vnc_display_finalize;
  display_class->send_key = hangar_vnc_display_send_key;
  display_class->send_pointer = hangar_vnc_display_send_pointer;
  display_class->send_scroll = hangar_vnc_display_send_scroll;
  display_class->request_size = hangar_vnc_display_request_size;
  display_class->sync_locks = hangar_vnc_display_sync_locks;
  display_class->share_clipboard_changed = hangar_vnc_display_share_clipboard_changed;
  display_class->set_password = hangar_vnc_display_set_password;
  display_class->disconnect = hangar_vnc_display_disconnect;

  /* The class must exist for its signals to be found; it is kept for the program. */
  g_type_class_ref (VNC_TYPE_CONNECTION);
  g_signal_add_emission_hook (g_signal_lookup ("vnc-led-state", VNC_TYPE_CONNECTION), 0,
                              on_led_state_emitted, NULL, NULL);

}

static void
hangar_vnc_display_init (HangarVncDisplay *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->rel_x = self->rel_y = -1;
  g_signal_connect_swapped (motion, "enter", G_CALLBACK (on_pointer_enter_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
hangar_vnc_display_new (void)
{
  return g_object_new (HANGAR_TYPE_VNC_DISPLAY, NULL);
}
