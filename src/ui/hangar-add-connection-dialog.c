// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-add-connection-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-session.h"
#include "hangar-ui-util.h"
#include "hangar-wizard-util.h"

/* The Add Connection form, and Edit Connection for a connection the session has.
 *
 * The fields (hypervisor, transport, host, port, user) make a libvirt URI, shown live
 * in the URI field; writing there fills the fields back when they can show what was
 * written, and selects "Custom URI" otherwise. Every field says what is wrong beside
 * it as it is typed, and Connect waits until nothing is. */
struct _HangarAddConnectionDialog
{
  AdwWindow parent_instance;

  HangarSession *session;
  /* The connection edited; NULL when adding one. */
  HangarConnection *connection;
  /* Set while one side (fields or URI text) writes the other. */
  gboolean syncing;

  AdwPreferencesPage *page;
  GtkButton *connect_button;
  AdwComboRow *hypervisor_row;
  AdwComboRow *transport_row;
  AdwPreferencesGroup *remote_group;
  AdwEntryRow *host_row;
  GtkLabel *host_message;
  AdwEntryRow *port_row;
  GtkLabel *port_message;
  AdwEntryRow *user_row;
  GtkLabel *user_message;
  AdwEntryRow *uri_row;
  GtkLabel *uri_message;
  GtkSwitch *autoconnect_switch;
};

G_DEFINE_FINAL_TYPE (HangarAddConnectionDialog, hangar_add_connection_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* In the order of the hypervisor row's items; the one after the last is "Custom URI".
 * libvirt 9.0's drivers want "/system" for privileged connections (LXC and Xen too). */
static const struct {
  const char *driver;
  const char *path;
} hypervisors[] = {
  { "qemu", "/system" },
  { "qemu", "/session" },
  { "lxc", "/system" },
  { "xen", "/system" },
  { "test", "/default" },
};

#define CUSTOM_URI G_N_ELEMENTS (hypervisors)

/* In the order of the transport row's items: Local has none. */
static const char *transports[] = { NULL, "ssh", "tls", "tcp" };

char *
hangar_add_connection_dialog_check_uri (const char *uri)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (uri != NULL ? uri : ""));

  if (*trimmed == '\0')
    return g_strdup (_("Enter the URI of a hypervisor, such as qemu:///system."));

  parsed = g_uri_parse (trimmed, G_URI_FLAGS_NONE, &error);
  /* GUri lets spaces through; libvirt's parser (libxml2's) refuses them. */
  if (parsed == NULL || strstr (trimmed, "://") == NULL || strpbrk (trimmed, " \t\n") != NULL)
    return g_strdup_printf (_("“%s” is not a libvirt URI. Write it as driver[+transport]://"
                              "[user@][host][:port]/path, for example "
                              "qemu+ssh://root@example.com/system."), trimmed);
  return NULL;
}

/* Field checks: NULL when @text is fine, else the sentence for the field. */

static gboolean
is_ipv6 (const char *text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);

  return address != NULL && g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6;
}

/* Four decimal numbers 0–255 joined by dots. */
static gboolean
is_ipv4 (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ".", -1);

  if (g_strv_length (parts) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (parts[i], 10, 0, 255, &value, NULL) ||
          strlen (parts[i]) > 3)
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_all_digits (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

/* A host name of RFC 1123 labels (with an optional final dot), an IPv4 address, or an
 * IPv6 address, bare or in brackets as URIs write it. */
static char *
check_host (const char *host)
{
  g_autofree char *name = NULL;
  g_auto(GStrv) labels = NULL;
  gsize length;

  if (*host == '[')
    {
      g_autofree char *inner = g_strndup (host + 1, MAX (strlen (host), 2) - 2);

      if (!g_str_has_suffix (host, "]") || !is_ipv6 (inner))
        return g_strdup_printf (_("“%s” is not an IPv6 address. Write one such as "
                                  "[2001:db8::7]."), host);
      return NULL;
    }
  if (strchr (host, ':') != NULL)
    {
      const char *colon = strrchr (host, ':');

      if (is_ipv6 (host))
        return NULL;
      if (is_all_digits (colon + 1) && memchr (host, ':', colon - host) == NULL)
        return g_strdup_printf (_("“%s” is not a host name. Write the port in the Port "
                                  "field."), host);
      return g_strdup_printf (_("“%s” is not an IPv6 address. Write one such as "
                                "2001:db8::7."), host);
    }

  length = strlen (host);
  name = g_strndup (host, g_str_has_suffix (host, ".") ? length - 1 : length);
  if (strlen (name) > 253)
    return g_strdup (_("A host name has 253 characters at most. Check the name."));

  labels = g_strsplit (name, ".", -1);
  /* No top-level domain is all digits (RFC 1123 2.1): such a name means an address. */
  if (is_all_digits (labels[g_strv_length (labels) - 1]))
    {
      if (!is_ipv4 (name))
        return g_strdup_printf (_("“%s” is not an IPv4 address: write four numbers from 0 "
                                  "to 255 joined by dots, such as 192.0.2.7."), host);
      return NULL;
    }
  for (guint i = 0; labels[i] != NULL; i++)
    {
      const char *label = labels[i];

      if (*label == '\0')
        return g_strdup_printf (_("“%s” has an empty part between dots. Check the name."),
                                host);
      for (const char *c = label; *c != '\0'; c = g_utf8_next_char (c))
        if (!g_ascii_isalnum (*c) && *c != '-')
          {
            g_autofree char *character = g_utf8_substring (c, 0, 1);

            return g_strdup_printf (_("A host name holds only letters, digits, hyphens "
                                      "and dots: “%s” cannot be in one."), character);
          }
      if (strlen (label) > 63)
        return g_strdup_printf (_("“%s” is too long: each part of a host name between "
                                  "dots has 63 characters at most."), label);
      if (*label == '-' || g_str_has_suffix (label, "-"))
        return g_strdup_printf (_("“%s” begins or ends with a hyphen, which a host name "
                                  "cannot do."), label);
    }
  return NULL;
}

static char *
check_port (const char *port)
{
  guint64 value;

  if (*port == '\0')
    return NULL;
  if (!is_all_digits (port) ||
      !g_ascii_string_to_unsigned (port, 10, 1, 65535, &value, NULL))
    return g_strdup_printf (_("“%s” is not a port: write a number from 1 to 65535, or "
                              "leave the field empty for the usual one."), port);
  return NULL;
}

/* User names of POSIX's portable characters, not beginning with a hyphen. */
static char *
check_user (const char *user)
{
  if (strchr (user, '@') != NULL)
    return g_strdup (_("Write the user name alone: the host goes in the Host field."));
  for (const char *c = user; *c != '\0'; c = g_utf8_next_char (c))
    if (!g_ascii_isalnum (*c) && *c != '.' && *c != '_' && *c != '-')
      {
        g_autofree char *character = g_utf8_substring (c, 0, 1);

        return g_strdup_printf (_("A user name holds only letters, digits, “.”, “_” and "
                                  "“-”: “%s” cannot be in one."), character);
      }
  if (*user == '-')
    return g_strdup (_("A user name cannot begin with “-”."));
  return NULL;
}

/* The fields, trimmed. */
static char *
field_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static gboolean
is_custom (HangarAddConnectionDialog *self)
{
  return adw_combo_row_get_selected (self->hypervisor_row) >= CUSTOM_URI;
}

static gboolean
is_remote (HangarAddConnectionDialog *self)
{
  guint transport = adw_combo_row_get_selected (self->transport_row);

  return transport < G_N_ELEMENTS (transports) && transports[transport] != NULL;
}

/* The URI the fields make (not for "Custom URI"). */
static char *
build_uri (HangarAddConnectionDialog *self)
{
  guint hypervisor = adw_combo_row_get_selected (self->hypervisor_row);
  guint transport = adw_combo_row_get_selected (self->transport_row);
  g_autofree char *host = field_text (self->host_row);
  g_autofree char *port = field_text (self->port_row);
  g_autofree char *user = field_text (self->user_row);
  GString *uri = g_string_new (hypervisors[hypervisor].driver);

  g_assert (hypervisor < CUSTOM_URI);
  if (!is_remote (self))
    {
      g_string_append_printf (uri, "://%s", hypervisors[hypervisor].path);
      return g_string_free (uri, FALSE);
    }

  g_string_append_printf (uri, "+%s://", transports[transport]);
  if (*user != '\0')
    g_string_append_printf (uri, "%s@", user);
  /* A URI writes an IPv6 address in brackets. */
  if (strchr (host, ':') != NULL && *host != '[')
    g_string_append_printf (uri, "[%s]", host);
  else
    g_string_append (uri, host);
  if (*port != '\0')
    g_string_append_printf (uri, ":%s", port);
  g_string_append (uri, hypervisors[hypervisor].path);
  return g_string_free (uri, FALSE);
}

static char *
current_uri (HangarAddConnectionDialog *self)
{
  if (is_custom (self))
    return field_text (self->uri_row);
  return build_uri (self);
}

static void
set_text (AdwEntryRow *row,
          const char  *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* Fills the fields from @uri when they can show it exactly (what they would make of it
 * is @uri again); returns FALSE, touching nothing, when they cannot. */
static gboolean
show_uri_in_fields (HangarAddConnectionDialog *self,
                    const char                *uri)
{
  g_autofree char *scheme = NULL;
  g_autofree char *driver = NULL;
  g_autofree char *userinfo = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  g_autofree char *fragment = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *rebuilt = NULL;
  g_autofree char *old_host = NULL;
  g_autofree char *old_port = NULL;
  g_autofree char *old_user = NULL;
  guint old_hypervisor = adw_combo_row_get_selected (self->hypervisor_row);
  guint old_transport = adw_combo_row_get_selected (self->transport_row);
  const char *plus;
  guint hypervisor = CUSTOM_URI;
  guint transport = G_N_ELEMENTS (transports);
  int port;

  if (!g_uri_split (uri, G_URI_FLAGS_NONE, &scheme, &userinfo, &host, &port, &path, &query,
                    &fragment, NULL) || scheme == NULL || path == NULL)
    return FALSE;

  plus = strchr (scheme, '+');
  driver = plus != NULL ? g_strndup (scheme, plus - scheme) : g_strdup (scheme);
  for (guint i = 0; i < CUSTOM_URI && hypervisor == CUSTOM_URI; i++)
    if (g_str_equal (driver, hypervisors[i].driver) && g_str_equal (path, hypervisors[i].path))
      hypervisor = i;
  for (guint i = 0; i < G_N_ELEMENTS (transports); i++)
    if (g_strcmp0 (plus != NULL ? plus + 1 : NULL, transports[i]) == 0)
      transport = i;
  if (hypervisor == CUSTOM_URI || transport == G_N_ELEMENTS (transports))
    return FALSE;

  /* Try it: the fields as the URI says, then compare what they make with the URI. */
  old_host = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->host_row)));
  old_port = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->port_row)));
  old_user = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_row)));
  port_text = port > 0 ? g_strdup_printf ("%d", port) : g_strdup ("");
  adw_combo_row_set_selected (self->hypervisor_row, hypervisor);
  adw_combo_row_set_selected (self->transport_row, transport);
  if (transports[transport] != NULL)
    {
      set_text (self->host_row, host != NULL ? host : "");
      set_text (self->port_row, port_text);
      set_text (self->user_row, userinfo != NULL ? userinfo : "");
    }
  rebuilt = build_uri (self);
  if (g_str_equal (rebuilt, uri))
    return TRUE;

  adw_combo_row_set_selected (self->hypervisor_row, old_hypervisor);
  adw_combo_row_set_selected (self->transport_row, old_transport);
  set_text (self->host_row, old_host);
  set_text (self->port_row, old_port);
  set_text (self->user_row, old_user);
  return FALSE;
}

/* Another connection of the session at @uri, if any (for an edit, not the one edited). */
static HangarConnection *
other_connection (HangarAddConnectionDialog *self,
                  const char                *uri)
{
  HangarConnection *found = hangar_session_lookup (self->session, uri);

  return found != self->connection ? found : NULL;
}

/* Puts each field's message beside it, shows the fields that apply, and lets Connect
 * act only while no fault stands. */
static void
validate (HangarAddConnectionDialog *self)
{
  gboolean custom = is_custom (self);
  gboolean remote = !custom && is_remote (self);
  g_autofree char *host = field_text (self->host_row);
  g_autofree char *port = field_text (self->port_row);
  g_autofree char *user = field_text (self->user_row);
  g_autofree char *uri = current_uri (self);
  g_autofree char *host_problem = NULL;
  g_autofree char *port_problem = NULL;
  g_autofree char *user_problem = NULL;
  g_autofree char *uri_problem = NULL;
  gboolean ok = TRUE;

  gtk_widget_set_visible (GTK_WIDGET (self->transport_row), !custom);
  gtk_widget_set_visible (GTK_WIDGET (self->remote_group), remote);

  if (remote)
    {
      if (*host != '\0')
        host_problem = check_host (host);
      port_problem = check_port (port);
      user_problem = check_user (user);
    }
  if (remote && *host == '\0')
    {
      hangar_field_set_message (GTK_WIDGET (self->host_row), self->host_message,
                                HANGAR_FIELD_HINT,
                                _("Enter the remote host’s name or address, such as "
                                  "host.example.com or 192.0.2.7."));
      ok = FALSE;
    }
  else
    hangar_field_set_message (GTK_WIDGET (self->host_row), self->host_message,
                              HANGAR_FIELD_ERROR, host_problem);
  hangar_field_set_message (GTK_WIDGET (self->port_row), self->port_message,
                            HANGAR_FIELD_ERROR, port_problem);
  hangar_field_set_message (GTK_WIDGET (self->user_row), self->user_message,
                            HANGAR_FIELD_ERROR, user_problem);
  ok = ok && host_problem == NULL && port_problem == NULL && user_problem == NULL;

  /* The URI: checked itself only when written by hand; the fields answer for theirs. */
  if (custom)
    uri_problem = hangar_add_connection_dialog_check_uri (uri);
  if (uri_problem != NULL)
    {
      hangar_field_set_message (GTK_WIDGET (self->uri_row), self->uri_message,
                                HANGAR_FIELD_ERROR, uri_problem);
      ok = FALSE;
    }
  else if (ok && other_connection (self, uri) != NULL)
    {
      if (self->connection != NULL)
        {
          hangar_field_set_message (GTK_WIDGET (self->uri_row), self->uri_message,
                                    HANGAR_FIELD_ERROR,
                                    _("Hangar has another connection to this URI. Remove "
                                      "that one first, or write another URI."));
          ok = FALSE;
        }
      else
        hangar_field_set_message (GTK_WIDGET (self->uri_row), self->uri_message,
                                  HANGAR_FIELD_HINT,
                                  _("Hangar has this connection already: Connect keeps it "
                                    "with these settings and opens it."));
    }
  else
    hangar_field_set_message (GTK_WIDGET (self->uri_row), self->uri_message,
                              HANGAR_FIELD_ERROR, NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.connect", ok);
}

/* A field or a choice changed: the URI follows (unless it is the URI being shown in
 * the fields), and the messages. */
static void
on_field_changed_cb (HangarAddConnectionDialog *self)
{
  if (!self->syncing && !is_custom (self))
    {
      g_autofree char *uri = build_uri (self);

      self->syncing = TRUE;
      set_text (self->uri_row, uri);
      self->syncing = FALSE;
    }
  validate (self);
}

/* The URI written by hand: the fields show it if they can, else "Custom URI" does. */
static void
on_uri_row_changed_cb (HangarAddConnectionDialog *self)
{
  g_autofree char *uri = NULL;

  if (self->syncing)
    return;
  uri = field_text (self->uri_row);
  self->syncing = TRUE;
  if (!show_uri_in_fields (self, uri))
    adw_combo_row_set_selected (self->hypervisor_row, CUSTOM_URI);
  self->syncing = FALSE;
  validate (self);
}

/* dialog.connect: adds the connection, remembered, and opens it; for an edit, the
 * session replaces the edited one (or keeps it, when only Autoconnect changed). */
static void
connect_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  HangarAddConnectionDialog *self = HANGAR_ADD_CONNECTION_DIALOG (widget);
  g_autofree char *uri = current_uri (self);
  gboolean autoconnect = gtk_switch_get_active (self->autoconnect_switch);
  HangarConnection *existing = hangar_session_lookup (self->session, uri);
  /* The connection edited may have left the session meanwhile: then this adds one. */
  gboolean editing = self->connection != NULL &&
                     hangar_session_lookup (self->session,
                                            hangar_connection_get_uri (self->connection)) ==
                     self->connection;

  if (editing)
    hangar_session_replace_connection (self->session, self->connection, uri, autoconnect);
  else if (existing != NULL)
    {
      hangar_session_replace_connection (self->session, existing, uri, autoconnect);
      hangar_session_open_connection (self->session, existing);
    }
  else
    hangar_session_add_connection (self->session, uri, TRUE, autoconnect);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Enter in a field connects, as the button does, when it can. */
static void
on_entry_activated_cb (HangarAddConnectionDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.connect", NULL);
}

static void
hangar_add_connection_dialog_constructed (GObject *object)
{
  HangarAddConnectionDialog *self = HANGAR_ADD_CONNECTION_DIALOG (object);

  G_OBJECT_CLASS (hangar_add_connection_dialog_parent_class)->constructed (object);

  g_assert (HANGAR_IS_SESSION (self->session));
  on_field_changed_cb (self);
  if (self->connection != NULL)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Connection"));
      gtk_button_set_label (self->connect_button, _("Sa_ve"));
      gtk_switch_set_active (self->autoconnect_switch,
                             hangar_session_get_autoconnect (self->session, self->connection));
      gtk_editable_set_text (GTK_EDITABLE (self->uri_row),
                             hangar_connection_get_uri (self->connection));
    }
  hangar_name_page_scroller (GTK_WIDGET (self->page), gtk_window_get_title (GTK_WINDOW (self)));
}

static void
hangar_add_connection_dialog_dispose (GObject *object)
{
  HangarAddConnectionDialog *self = (HangarAddConnectionDialog *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->connection);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_ADD_CONNECTION_DIALOG);

  G_OBJECT_CLASS (hangar_add_connection_dialog_parent_class)->dispose (object);
}

static void
hangar_add_connection_dialog_get_property (GObject    *object,
                                           guint       prop_id,
                                           GValue     *value,
                                           GParamSpec *pspec)
{
  HangarAddConnectionDialog *self = HANGAR_ADD_CONNECTION_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_add_connection_dialog_set_property (GObject      *object,
                                           guint         prop_id,
                                           const GValue *value,
                                           GParamSpec   *pspec)
{
  HangarAddConnectionDialog *self = HANGAR_ADD_CONNECTION_DIALOG (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_add_connection_dialog_class_init (HangarAddConnectionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hangar_add_connection_dialog_constructed;
  object_class->dispose = hangar_add_connection_dialog_dispose;
  object_class->get_property = hangar_add_connection_dialog_get_property;
  object_class->set_property = hangar_add_connection_dialog_set_property;

  /* The connections the dialog adds to. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, HANGAR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The connection edited, one of the session's; NULL to add one. */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-add-connection-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, page);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, connect_button);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, hypervisor_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, transport_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, remote_group);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, host_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, host_message);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, port_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, port_message);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, user_message);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, uri_row);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog, uri_message);
  gtk_widget_class_bind_template_child (widget_class, HangarAddConnectionDialog,
                                        autoconnect_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_uri_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "dialog.connect", NULL, connect_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hangar_add_connection_dialog_init (HangarAddConnectionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hangar_name_combo_row_parts (GTK_WIDGET (self->hypervisor_row));
  hangar_name_combo_row_parts (GTK_WIDGET (self->transport_row));
}

HangarAddConnectionDialog *
hangar_add_connection_dialog_new (HangarSession *session)
{
  g_return_val_if_fail (HANGAR_IS_SESSION (session), NULL);

  return g_object_new (HANGAR_TYPE_ADD_CONNECTION_DIALOG, "session", session, NULL);
}

HangarAddConnectionDialog *
hangar_add_connection_dialog_new_for_connection (HangarSession    *session,
                                                 HangarConnection *connection)
{
  g_return_val_if_fail (HANGAR_IS_SESSION (session), NULL);
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  return g_object_new (HANGAR_TYPE_ADD_CONNECTION_DIALOG,
                       "session", session, "connection", connection, NULL);
}
