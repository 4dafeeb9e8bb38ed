// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-add-connection"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-application.h"
#include "hangar-connection-row.h"
#include "hangar-session.h"
#include "hangar-window.h"
#include "test-widget-util.h"
#include "test-wizard-util.h"
#include "test-app-util.h"

/* The connection form (Add and Edit), the sidebar row's Edit and Remove, and what the
 * session keeps in GSettings (the memory backend: GSETTINGS_BACKEND=memory). main ()
 * remembers two hosts before the application starts, "three" to open at start and
 * "empty" not. */

static HangarApplication *app;
static HangarSession *session;
static char *three_uri;
static char *empty_uri;

static char *
test_uri (const char *file)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", file, NULL);

  return g_strconcat ("test://", path, NULL);
}

/* The saved list @key is @want, in that order (a failure logs what it is instead). */
static gboolean
saved_is (const char        *key,
          const char * const *want)
{
  g_auto(GStrv) value = g_settings_get_strv (hangar_session_get_settings (session), key);
  g_autofree char *listed = NULL;

  if (g_strv_equal ((const char * const *)value, want))
    return TRUE;
  listed = g_strjoinv (", ", value);
  g_test_message ("%s is [%s]", key, listed);
  return FALSE;
}

#define SAVED(...) ((const char * const[]){ __VA_ARGS__ })

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

/* The form's parts, found as a user finds them: by their titles. */
typedef struct {
  GtkWidget *dialog;
  GtkWidget *hypervisor;
  GtkWidget *transport;
  GtkWidget *host;
  GtkWidget *port;
  GtkWidget *user;
  GtkWidget *uri;
  GtkWidget *autoconnect;
  GtkWidget *connect;
} Form;

static void
form_find (Form      *form,
           GtkWidget *dialog,
           const char *button)
{
  form->dialog = dialog;
  form->hypervisor = test_find_titled (dialog, ADW_TYPE_COMBO_ROW, "_Hypervisor");
  form->transport = test_find_titled (dialog, ADW_TYPE_COMBO_ROW, "_Transport");
  form->host = test_find_titled (dialog, ADW_TYPE_ENTRY_ROW, "Ho_st");
  form->port = test_find_titled (dialog, ADW_TYPE_ENTRY_ROW, "_Port");
  form->user = test_find_titled (dialog, ADW_TYPE_ENTRY_ROW, "_User Name");
  form->uri = test_find_titled (dialog, ADW_TYPE_ENTRY_ROW, "U_RI");
  form->autoconnect = test_find_widget (dialog, GTK_TYPE_SWITCH, NULL, NULL);
  form->connect = test_find_titled (dialog, GTK_TYPE_BUTTON, button);
  g_assert_nonnull (form->autoconnect);
}

static void
form_open (Form *form)
{
  HangarAddConnectionDialog *dialog = hangar_add_connection_dialog_new (session);

  gtk_window_present (GTK_WINDOW (dialog));
  form_find (form, GTK_WIDGET (dialog), "C_onnect");
}

/* Cancel leaves without a trace. */
static void
form_cancel (Form *form)
{
  g_autoptr(GtkWidget) dialog = g_object_ref (form->dialog);

  test_click_button (dialog, "_Cancel");
  test_wait_destroyed (dialog, 5000);
  g_clear_object (&dialog);
}

static const char *
text (GtkWidget *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static const char *
chosen (GtkWidget *combo)
{
  GObject *item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (combo));

  return gtk_string_object_get_string (GTK_STRING_OBJECT (item));
}

/* Every URI libvirt takes has a scheme and "://"; the check accepts those and nothing
 * else, and says what to write instead. */
static void
test_check_uri (void)
{
  const char *good[] = {
    "qemu:///system",
    "qemu:///session",
    "lxc:///system",
    "test:///default",
    "qemu+ssh://root@build-host.example.com/system",
    "qemu+ssh://admin@192.0.2.7:2222/system?keyfile=/home/a/.ssh/id",
    "qemu+tls://host.example.com:16514/system",
    "  qemu:///system  ",
  };
  const char *bad[] = {
    "qemu",
    "qemu:/system",
    "/var/run/libvirt/libvirt-sock",
    "://host/system",
    "qemu:///sys tem",
    "qemu+ssh://[::1/system",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *problem = hangar_add_connection_dialog_check_uri (good[i]);

      if (problem != NULL)
        g_error ("“%s” refused: %s", good[i], problem);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *problem = hangar_add_connection_dialog_check_uri (bad[i]);

      if (problem == NULL)
        g_error ("“%s” accepted", bad[i]);
      /* The sentence quotes what was written and shows the form to follow. */
      g_assert_nonnull (strstr (problem, bad[i]));
      g_assert_nonnull (strstr (problem, "qemu+ssh://"));
    }

  /* Nothing written: the message asks for a URI rather than quoting an empty one. */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *problem = hangar_add_connection_dialog_check_uri (i == 0 ? "" : "   ");

      g_assert_nonnull (problem);
      g_assert_nonnull (strstr (problem, "qemu:///system"));
    }
}

/* Every hypervisor over every transport makes the URI libvirt's documentation writes
 * for it, shown as the fields change; the remote fields show only for a remote
 * transport. */
static void
test_uri_preview (void)
{
  static const struct {
    const char *hypervisor;
    const char *transport;
    const char *uri;
  } cases[] = {
    { "QEMU/KVM", "Local", "qemu:///system" },
    { "QEMU/KVM", "SSH", "qemu+ssh://admin@host.example.com:2222/system" },
    { "QEMU/KVM", "TLS", "qemu+tls://admin@host.example.com:2222/system" },
    { "QEMU/KVM", "TCP (unencrypted)", "qemu+tcp://admin@host.example.com:2222/system" },
    { "QEMU/KVM user session", "Local", "qemu:///session" },
    { "QEMU/KVM user session", "SSH", "qemu+ssh://admin@host.example.com:2222/session" },
    { "QEMU/KVM user session", "TLS", "qemu+tls://admin@host.example.com:2222/session" },
    { "QEMU/KVM user session", "TCP (unencrypted)", "qemu+tcp://admin@host.example.com:2222/session" },
    { "LXC (Linux containers)", "Local", "lxc:///system" },
    { "LXC (Linux containers)", "SSH", "lxc+ssh://admin@host.example.com:2222/system" },
    { "LXC (Linux containers)", "TLS", "lxc+tls://admin@host.example.com:2222/system" },
    { "LXC (Linux containers)", "TCP (unencrypted)", "lxc+tcp://admin@host.example.com:2222/system" },
    { "Xen", "Local", "xen:///system" },
    { "Xen", "SSH", "xen+ssh://admin@host.example.com:2222/system" },
    { "Xen", "TLS", "xen+tls://admin@host.example.com:2222/system" },
    { "Xen", "TCP (unencrypted)", "xen+tcp://admin@host.example.com:2222/system" },
    { "Test driver", "Local", "test:///default" },
    { "Test driver", "SSH", "test+ssh://admin@host.example.com:2222/default" },
    { "Test driver", "TLS", "test+tls://admin@host.example.com:2222/default" },
    { "Test driver", "TCP (unencrypted)", "test+tcp://admin@host.example.com:2222/default" },
  };
  Form form;

  form_open (&form);
  hangar_test_assert_accessible_names (form.dialog);
  /* What a new form offers: this computer's QEMU/KVM, opened at start. */
  g_assert_cmpstr (chosen (form.hypervisor), ==, "QEMU/KVM");
  g_assert_cmpstr (chosen (form.transport), ==, "Local");
  g_assert_cmpstr (text (form.uri), ==, "qemu:///system");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (form.autoconnect)));
  g_assert_false (gtk_widget_get_mapped (form.host));
  g_assert_true (gtk_widget_is_sensitive (form.connect));

  test_choose (form.transport, "SSH");
  g_assert_true (gtk_widget_get_mapped (form.host));
  g_assert_true (gtk_widget_get_mapped (form.port));
  g_assert_true (gtk_widget_get_mapped (form.user));
  hangar_test_assert_accessible_names (form.dialog);
  test_type_text (form.host, "host.example.com");
  test_type_text (form.port, "2222");
  test_type_text (form.user, "admin");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      test_choose (form.hypervisor, cases[i].hypervisor);
      test_choose (form.transport, cases[i].transport);
      g_assert_cmpstr (text (form.uri), ==, cases[i].uri);
      g_assert_cmpint (gtk_widget_get_mapped (form.host), ==,
                       !g_str_equal (cases[i].transport, "Local"));
      g_assert_true (gtk_widget_is_sensitive (form.connect));
    }

  /* Without user and port, the URI has neither; an IPv6 address goes in brackets. */
  test_choose (form.hypervisor, "QEMU/KVM");
  test_choose (form.transport, "SSH");
  test_type_text (form.port, "");
  test_type_text (form.user, "");
  g_assert_cmpstr (text (form.uri), ==, "qemu+ssh://host.example.com/system");
  test_type_text (form.host, "2001:db8::7");
  g_assert_cmpstr (text (form.uri), ==, "qemu+ssh://[2001:db8::7]/system");
  test_type_text (form.host, "[2001:db8::7]");
  test_type_text (form.user, "root");
  test_type_text (form.port, "22");
  g_assert_cmpstr (text (form.uri), ==, "qemu+ssh://root@[2001:db8::7]:22/system");
  test_type_text (form.host, "build-host.example.com");
  test_save_screenshot (form.dialog, "add-connection");
  form_cancel (&form);
}

/* Each field says what is wrong with it as it is typed, and Connect waits until all
 * is right. */
static void
test_field_messages (void)
{
  static const struct {
    const char *host;
    const char *message;  /* NULL: accepted */
  } hosts[] = {
    { "host.example.com", NULL },
    { "host.example.com.", NULL },
    { "build-01", NULL },
    { "xn--bcher-kva.example", NULL },
    { "192.0.2.7", NULL },
    { "2001:db8::7", NULL },
    { "[2001:db8::7]", NULL },
    { "[::1]", NULL },
    { "my_host.example.com", "A host name holds only letters, digits, hyphens and dots: “_” cannot be in one." },
    { "bücher.example", "“ü” cannot be in one" },
    { "host .example", "“ ” cannot be in one" },
    { "-host.example.com", "“-host” begins or ends with a hyphen" },
    { "host-.example.com", "“host-” begins or ends with a hyphen" },
    { "a..example.com", "“a..example.com” has an empty part between dots" },
    { ".example.com", "has an empty part between dots" },
    { "300.1.2.3", "“300.1.2.3” is not an IPv4 address" },
    { "192.0.2", "“192.0.2” is not an IPv4 address" },
    { "host.example.com:22", "Write the port in the Port field." },
    { "[2001:db8::7", "“[2001:db8::7” is not an IPv6 address" },
    { "[host.example.com]", "is not an IPv6 address" },
    { "2001:db8:::7:zz", "“2001:db8:::7:zz” is not an IPv6 address" },
  };
  static const struct {
    const char *port;
    gboolean good;
  } ports[] = {
    { "", TRUE }, { "1", TRUE }, { "22", TRUE }, { "65535", TRUE },
    { "0", FALSE }, { "65536", FALSE }, { "99999999999999999999", FALSE }, { "-1", FALSE },
    { "22a", FALSE }, { "+22", FALSE }, { "2 2", FALSE },
  };
  static const struct {
    const char *user;
    const char *message;
  } users[] = {
    { "", NULL },
    { "root", NULL },
    { "jane.doe_1-x", NULL },
    { "Admin", NULL },
    { "jane doe", "A user name holds only letters, digits, “.”, “_” and “-”: “ ” cannot be in one." },
    { "jäne", "“ä” cannot be in one" },
    { "jane:secret", "“:” cannot be in one" },
    { "root@host.example.com", "Write the user name alone: the host goes in the Host field." },
    { "-oProxyCommand", "A user name cannot begin with “-”." },
  };
  g_autofree char *long_label = g_strnfill (64, 'a');
  g_autofree char *long_label_host = g_strconcat (long_label, ".example.com", NULL);
  g_autofree char *label63 = g_strnfill (63, 'a');
  g_autofree char *long_name = g_strjoin (".", label63, label63, label63, label63, NULL);
  Form form;

  form_open (&form);
  test_choose (form.transport, "SSH");

  /* No host yet: a hint, not an error, and nothing to connect to. */
  test_assert_field_note (form.host, "dim-label", "Enter the remote host’s name or address");
  g_assert_false (gtk_widget_is_sensitive (form.connect));

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      test_type_text (form.host, hosts[i].host);
      if (hosts[i].message == NULL)
        test_assert_field_clean (form.host);
      else
        test_assert_field_error (form.host, hosts[i].message);
      g_assert_cmpint (gtk_widget_is_sensitive (form.connect), ==, hosts[i].message == NULL);
    }
  test_type_text (form.host, long_label_host);
  test_assert_field_error (form.host, "each part of a host name between dots has 63 "
                                      "characters at most");
  g_assert_false (gtk_widget_is_sensitive (form.connect));
  test_type_text (form.host, long_name);  /* 255 characters */
  test_assert_field_error (form.host, "A host name has 253 characters at most.");
  long_name[253] = '\0';  /* 253: a valid name, its last label shortened */
  test_type_text (form.host, long_name);
  test_assert_field_clean (form.host);
  test_type_text (form.host, "host.example.com");
  g_assert_true (gtk_widget_is_sensitive (form.connect));

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      test_type_text (form.port, ports[i].port);
      if (ports[i].good)
        test_assert_field_clean (form.port);
      else
        {
          g_autofree char *message = g_strdup_printf ("“%s” is not a port: write a number "
                                                      "from 1 to 65535", ports[i].port);

          test_assert_field_error (form.port, message);
        }
      g_assert_cmpint (gtk_widget_is_sensitive (form.connect), ==, ports[i].good);
    }
  test_type_text (form.port, "");

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      test_type_text (form.user, users[i].user);
      if (users[i].message == NULL)
        test_assert_field_clean (form.user);
      else
        test_assert_field_error (form.user, users[i].message);
      g_assert_cmpint (gtk_widget_is_sensitive (form.connect), ==, users[i].message == NULL);
    }

  /* Two faults at once: Connect waits for both to go. */
  test_type_text (form.user, "jane doe");
  test_type_text (form.port, "0");
  test_save_screenshot (form.dialog, "add-connection-faults");
  test_type_text (form.user, "jane");
  g_assert_false (gtk_widget_is_sensitive (form.connect));
  /* Enter in a field does not connect past a fault either. */
  g_signal_emit_by_name (form.port, "entry-activated");
  g_assert_true (gtk_widget_get_visible (form.dialog));
  test_type_text (form.port, "2222");
  g_assert_true (gtk_widget_is_sensitive (form.connect));

  /* Back to Local: the remote fields (and their faults) do not count. */
  test_type_text (form.host, "my_host");
  g_assert_false (gtk_widget_is_sensitive (form.connect));
  test_choose (form.transport, "Local");
  g_assert_true (gtk_widget_is_sensitive (form.connect));

  /* A URI written by hand is checked itself. */
  test_type_text (form.uri, "qemu:/system");
  g_assert_cmpstr (chosen (form.hypervisor), ==, "Custom URI");
  test_assert_field_error (form.uri, "“qemu:/system” is not a libvirt URI");
  g_assert_false (gtk_widget_is_sensitive (form.connect));
  test_type_text (form.uri, "");
  test_assert_field_error (form.uri, "Enter the URI of a hypervisor");
  test_type_text (form.uri, "qemu+ssh://admin@host.example.com/system?keyfile=/k");
  test_assert_field_clean (form.uri);
  g_assert_true (gtk_widget_is_sensitive (form.connect));

  /* A URI Hangar has already: said, not refused (Connect keeps and opens that one). */
  test_type_text (form.uri, three_uri);
  test_assert_field_note (form.uri, "dim-label", "Hangar has this connection already");
  g_assert_true (gtk_widget_is_sensitive (form.connect));
  form_cancel (&form);
}

/* Writing the URI fills the fields when they can show it; one they cannot keeps
 * "Custom URI" chosen (and the fields out of the way), until a hypervisor is chosen
 * again, which writes the URI from the fields. */
static void
test_uri_to_fields (void)
{
  Form form;

  form_open (&form);
  test_type_text (form.uri, "qemu+ssh://root@build.example.com:2222/system");
  g_assert_cmpstr (chosen (form.hypervisor), ==, "QEMU/KVM");
  g_assert_cmpstr (chosen (form.transport), ==, "SSH");
  g_assert_cmpstr (text (form.host), ==, "build.example.com");
  g_assert_cmpstr (text (form.port), ==, "2222");
  g_assert_cmpstr (text (form.user), ==, "root");
  g_assert_true (gtk_widget_get_mapped (form.host));
  /* The text stays as written. */
  g_assert_cmpstr (text (form.uri), ==, "qemu+ssh://root@build.example.com:2222/system");

  test_type_text (form.uri, "xen+tls://[2001:db8::7]/system");
  g_assert_cmpstr (chosen (form.hypervisor), ==, "Xen");
  g_assert_cmpstr (chosen (form.transport), ==, "TLS");
  g_assert_cmpstr (text (form.host), ==, "2001:db8::7");
  g_assert_cmpstr (text (form.port), ==, "");
  g_assert_cmpstr (text (form.user), ==, "");

  test_type_text (form.uri, "qemu:///session");
  g_assert_cmpstr (chosen (form.hypervisor), ==, "QEMU/KVM user session");
  g_assert_cmpstr (chosen (form.transport), ==, "Local");
  g_assert_false (gtk_widget_get_mapped (form.host));

  test_type_text (form.uri, "test+tcp://lab-7/default");
  g_assert_cmpstr (chosen (form.hypervisor), ==, "Test driver");
  g_assert_cmpstr (chosen (form.transport), ==, "TCP (unencrypted)");
  g_assert_cmpstr (text (form.host), ==, "lab-7");

  /* A host field with a fault shows it when the URI put it there. */
  test_type_text (form.uri, "lxc+ssh://bad_host/system");
  g_assert_cmpstr (chosen (form.hypervisor), ==, "LXC (Linux containers)");
  test_assert_field_error (form.host, "“_” cannot be in one");
  g_assert_false (gtk_widget_is_sensitive (form.connect));

  /* What the fields cannot show: a query, another path, a host on a local URI, a
   * driver or transport the form does not offer. The fields keep what they had. */
  test_type_text (form.uri, "qemu+ssh://root@build.example.com/system");
  for (guint i = 0; i < 6; i++)
    {
      const char *custom[] = {
        "qemu+ssh://root@build.example.com/system?keyfile=/home/root/.ssh/id",
        "qemu:///embed?root=/tmp/x",
        "lxc:///",
        "qemu://build.example.com/system",
        "vbox:///session",
        "qemu+unix:///system",
      };

      test_type_text (form.uri, custom[i]);
      g_assert_cmpstr (chosen (form.hypervisor), ==, "Custom URI");
      g_assert_false (gtk_widget_get_visible (form.transport));
      g_assert_false (gtk_widget_get_mapped (form.host));
      g_assert_cmpstr (text (form.uri), ==, custom[i]);
      g_assert_true (gtk_widget_is_sensitive (form.connect));
    }
  g_assert_cmpstr (text (form.host), ==, "build.example.com");
  g_assert_cmpstr (text (form.user), ==, "root");

  /* Choosing a hypervisor again: the fields write the URI. */
  test_choose (form.hypervisor, "QEMU/KVM");
  g_assert_true (gtk_widget_get_visible (form.transport));
  g_assert_cmpstr (chosen (form.transport), ==, "SSH");
  g_assert_cmpstr (text (form.uri), ==, "qemu+ssh://root@build.example.com/system");
  form_cancel (&form);
}

/* A URI written by hand is added (and opened), remembered, with the switch's choice;
 * Enter in a field connects as the button does. */
static void
test_add_custom (void)
{
  g_autofree char *uri = test_uri ("every-state.xml");
  g_autoptr(GtkWidget) dialog = NULL;
  HangarConnection *connection;
  Form form;

  g_assert_null (hangar_session_lookup (session, uri));
  form_open (&form);
  dialog = g_object_ref (form.dialog);
  test_type_text (form.uri, uri);
  g_assert_cmpstr (chosen (form.hypervisor), ==, "Custom URI");
  gtk_switch_set_active (GTK_SWITCH (form.autoconnect), FALSE);
  g_signal_emit_by_name (form.uri, "entry-activated");
  test_wait_destroyed (dialog, 5000);
  g_clear_object (&dialog);

  connection = hangar_session_lookup (session, uri);
  g_assert_nonnull (connection);
  g_assert_true (hangar_session_is_remembered (session, connection));
  g_assert_false (hangar_session_get_autoconnect (session, connection));
  g_assert_true (saved_is ("connections", SAVED (three_uri, empty_uri, uri, NULL)));
  g_assert_true (saved_is ("autoconnect", SAVED (three_uri, NULL)));
  g_assert_true (test_wait_for (is_connected, connection, 5000));

  hangar_session_remove_connection (session, connection);
  g_assert_true (saved_is ("connections", SAVED (three_uri, empty_uri, NULL)));
}

/* The fields' URI, with Connect Automatically left on. */
static void
test_add_from_fields (void)
{
  HangarConnection *connection;
  g_autoptr(GtkWidget) dialog = NULL;
  Form form;

  form_open (&form);
  dialog = g_object_ref (form.dialog);
  test_choose (form.hypervisor, "Test driver");
  g_assert_null (hangar_session_lookup (session, "test:///default"));
  test_click (form.connect);
  test_wait_destroyed (dialog, 5000);
  g_clear_object (&dialog);

  connection = hangar_session_lookup (session, "test:///default");
  g_assert_nonnull (connection);
  g_assert_true (saved_is ("connections", SAVED (three_uri, empty_uri, "test:///default", NULL)));
  g_assert_true (saved_is ("autoconnect", SAVED (three_uri, "test:///default", NULL)));
  g_assert_true (test_wait_for (is_connected, connection, 5000));

  hangar_session_remove_connection (session, connection);
  g_assert_true (saved_is ("autoconnect", SAVED (three_uri, NULL)));
}

static HangarWindow *
open_manager (void)
{
  HangarWindow *window = hangar_window_new (GTK_APPLICATION (app), session);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static gboolean
row_shows (GtkWidget    *widget,
           gconstpointer data)
{
  return hangar_connection_row_get_connection (HANGAR_CONNECTION_ROW (widget)) == data;
}

static GtkWidget *
sidebar_row (HangarWindow     *window,
             HangarConnection *connection)
{
  return test_find_widget (GTK_WIDGET (window), HANGAR_TYPE_CONNECTION_ROW, row_shows,
                           connection);
}

/* The toplevel of @type that is open now; fails the test unless exactly one is. */
static GtkWidget *
find_toplevel (GType type)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());
  GtkWidget *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        {
          g_assert_null (found);
          found = window;
        }
    }
  if (found == NULL)
    g_error ("No %s is open", g_type_name (type));
  return found;
}

static gboolean
is_connect_button (GtkWidget    *widget,
                   gconstpointer data)
{
  return g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "row.connect") == 0;
}

/* Hangar restored at start what main () remembered: "three" opened, "empty" listed,
 * disconnected, with Connect in its row. */
static void
test_autoconnect_at_startup (void)
{
  HangarConnection *three = hangar_session_lookup (session, three_uri);
  HangarConnection *empty = hangar_session_lookup (session, empty_uri);
  HangarWindow *window;
  GtkWidget *row;

  g_assert_nonnull (three);
  g_assert_nonnull (empty);
  g_assert_true (hangar_session_get_autoconnect (session, three));
  g_assert_false (hangar_session_get_autoconnect (session, empty));
  /* Opening starts at once, before any worker runs: once "three" is connected, "empty"
   * would have been opening since then if it were opened at all. */
  g_assert_true (test_wait_for (is_connected, three, 5000));
  g_assert_cmpint (hangar_connection_get_state (empty), ==, HANGAR_CONNECTION_STATE_DISCONNECTED);

  window = open_manager ();
  row = sidebar_row (window, empty);
  g_assert_nonnull (row);
  /* The row's own Connect button (shown only while the host is not open). */
  g_assert_true (gtk_widget_get_visible (test_find_widget (row, GTK_TYPE_BUTTON, is_connect_button,
                                                           NULL)));
  g_assert_true (gtk_widget_activate_action (row, "row.connect", NULL));
  g_assert_true (test_wait_for (is_connected, empty, 5000));
  g_assert_true (gtk_widget_activate_action (row, "row.disconnect", NULL));
  g_assert_cmpint (hangar_connection_get_state (empty), ==, HANGAR_CONNECTION_STATE_DISCONNECTED);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Edit Connection… in a host's menu opens the form filled in. Changing only Connect
 * Automatically keeps the connection; a new URI replaces it in its place (the old one
 * closes); a URI another connection has is refused at the field. */
static void
test_edit (void)
{
  HangarWindow *window = open_manager ();
  HangarConnection *three = hangar_session_lookup (session, three_uri);
  g_autoptr(GtkWidget) dialog = NULL;
  HangarConnection *replacement;
  Form form;

  g_assert_true (test_wait_for (is_connected, three, 5000));
  g_assert_true (gtk_widget_activate_action (sidebar_row (window, three), "row.edit", NULL));
  dialog = g_object_ref (find_toplevel (HANGAR_TYPE_ADD_CONNECTION_DIALOG));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Edit Connection");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  form_find (&form, dialog, "Sa_ve");
  hangar_test_assert_accessible_names (dialog);
  /* A test:// file URI is none the fields can show. */
  g_assert_cmpstr (text (form.uri), ==, three_uri);
  g_assert_cmpstr (chosen (form.hypervisor), ==, "Custom URI");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (form.autoconnect)));
  test_assert_field_clean (form.uri);

  /* Only Connect Automatically: the same connection, still open. */
  gtk_switch_set_active (GTK_SWITCH (form.autoconnect), FALSE);
  test_click (form.connect);
  test_wait_destroyed (dialog, 5000);
  g_clear_object (&dialog);
  g_assert_true (hangar_session_lookup (session, three_uri) == three);
  g_assert_cmpint (hangar_connection_get_state (three), ==, HANGAR_CONNECTION_STATE_CONNECTED);
  g_assert_true (saved_is ("connections", SAVED (three_uri, empty_uri, NULL)));
  g_assert_true (saved_is ("autoconnect", SAVED (NULL)));

  /* Another connection's URI: refused at the field. */
  g_assert_true (gtk_widget_activate_action (sidebar_row (window, three), "row.edit", NULL));
  dialog = g_object_ref (find_toplevel (HANGAR_TYPE_ADD_CONNECTION_DIALOG));
  form_find (&form, dialog, "Sa_ve");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (form.autoconnect)));
  test_type_text (form.uri, empty_uri);
  test_assert_field_error (form.uri, "Hangar has another connection to this URI.");
  g_assert_false (gtk_widget_is_sensitive (form.connect));

  /* A new URI, from the fields: replaces "three" where it was, and opens. */
  g_object_ref (three);
  test_choose (form.hypervisor, "Test driver");
  g_assert_cmpstr (text (form.uri), ==, "test:///default");
  test_assert_field_clean (form.uri);
  gtk_switch_set_active (GTK_SWITCH (form.autoconnect), TRUE);
  test_click (form.connect);
  test_wait_destroyed (dialog, 5000);
  g_clear_object (&dialog);
  g_assert_null (hangar_session_lookup (session, three_uri));
  g_assert_cmpint (hangar_connection_get_state (three), ==, HANGAR_CONNECTION_STATE_DISCONNECTED);
  test_assert_finalized (three);
  replacement = hangar_session_lookup (session, "test:///default");
  g_assert_nonnull (replacement);
  g_assert_true (saved_is ("connections", SAVED ("test:///default", empty_uri, NULL)));
  g_assert_true (saved_is ("autoconnect", SAVED ("test:///default", NULL)));
  g_assert_true (test_wait_for (is_connected, replacement, 5000));
  g_assert_nonnull (sidebar_row (window, replacement));

  /* Back as it was, through the form again (a closed connection stays closed). */
  hangar_connection_close (replacement);
  g_assert_true (gtk_widget_activate_action (sidebar_row (window, replacement), "row.edit", NULL));
  dialog = g_object_ref (find_toplevel (HANGAR_TYPE_ADD_CONNECTION_DIALOG));
  form_find (&form, dialog, "Sa_ve");
  g_assert_cmpstr (chosen (form.hypervisor), ==, "Test driver");
  g_assert_cmpstr (chosen (form.transport), ==, "Local");
  test_type_text (form.uri, three_uri);
  g_signal_emit_by_name (form.uri, "entry-activated");
  test_wait_destroyed (dialog, 5000);
  g_clear_object (&dialog);
  three = hangar_session_lookup (session, three_uri);
  g_assert_nonnull (three);
  g_assert_cmpint (hangar_connection_get_state (three), ==, HANGAR_CONNECTION_STATE_DISCONNECTED);
  g_assert_true (saved_is ("connections", SAVED (three_uri, empty_uri, NULL)));
  g_assert_true (saved_is ("autoconnect", SAVED (three_uri, NULL)));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Two forms on one connection (not possible through the modal form, but the session
 * must not be confused): the second saved after the first replaced the connection adds
 * its URI as a new connection. */
static void
test_edit_gone (void)
{
  g_autofree char *uri = test_uri ("every-state.xml");
  HangarConnection *connection = hangar_session_add_connection (session, uri, TRUE, FALSE);
  g_autoptr(GtkWidget) first = NULL;
  g_autoptr(GtkWidget) second = NULL;
  Form form;

  first = g_object_ref (GTK_WIDGET (hangar_add_connection_dialog_new_for_connection (session, connection)));
  second = g_object_ref (GTK_WIDGET (hangar_add_connection_dialog_new_for_connection (session, connection)));
  gtk_window_present (GTK_WINDOW (first));
  gtk_window_present (GTK_WINDOW (second));

  form_find (&form, first, "Sa_ve");
  test_choose (form.hypervisor, "Test driver");
  test_click (form.connect);
  test_wait_destroyed (first, 5000);
  g_assert_null (hangar_session_lookup (session, uri));

  form_find (&form, second, "Sa_ve");
  test_click (form.connect);
  test_wait_destroyed (second, 5000);
  g_clear_object (&first);
  g_clear_object (&second);
  g_assert_nonnull (hangar_session_lookup (session, uri));
  g_assert_true (saved_is ("connections",
                           SAVED (three_uri, empty_uri, "test:///default", uri, NULL)));

  hangar_session_remove_connection (session, hangar_session_lookup (session, uri));
  hangar_session_remove_connection (session, hangar_session_lookup (session, "test:///default"));
  g_assert_true (saved_is ("connections", SAVED (three_uri, empty_uri, NULL)));
}

/* Remove Connection asks first: Cancel keeps the host, Remove forgets it. */
static void
test_remove (void)
{
  g_autofree char *uri = test_uri ("every-state.xml");
  HangarWindow *window = open_manager ();
  HangarConnection *connection = hangar_session_add_connection (session, uri, TRUE, TRUE);
  g_autoptr(GtkWidget) dialog = NULL;

  g_assert_true (saved_is ("connections", SAVED (three_uri, empty_uri, uri, NULL)));
  g_assert_true (test_wait_for (is_connected, connection, 5000));

  g_assert_true (gtk_widget_activate_action (sidebar_row (window, connection), "row.remove", NULL));
  dialog = g_object_ref (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), uri));
  hangar_test_assert_accessible_names (dialog);
  test_click_button (dialog, "_Cancel");
  test_wait_destroyed (dialog, 5000);
  g_clear_object (&dialog);
  g_assert_true (hangar_session_lookup (session, uri) == connection);
  g_assert_true (saved_is ("connections", SAVED (three_uri, empty_uri, uri, NULL)));

  g_object_ref (connection);
  g_assert_true (gtk_widget_activate_action (sidebar_row (window, connection), "row.remove", NULL));
  dialog = g_object_ref (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  test_click_button (dialog, "_Remove");
  test_wait_destroyed (dialog, 5000);
  g_clear_object (&dialog);
  g_assert_null (hangar_session_lookup (session, uri));
  g_assert_null (sidebar_row (window, connection));
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_DISCONNECTED);
  test_assert_finalized (connection);
  g_assert_true (saved_is ("connections", SAVED (three_uri, empty_uri, NULL)));
  g_assert_true (saved_is ("autoconnect", SAVED (three_uri, NULL)));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSettings) settings = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* What an earlier run remembered, before the application starts. */
  three_uri = test_uri ("three-guests.xml");
  empty_uri = test_uri ("empty-host.xml");
  settings = g_settings_new (SCHEMA_ID);
  g_settings_set_strv (settings, "connections", SAVED (three_uri, empty_uri, NULL));
  g_settings_set_strv (settings, "autoconnect", SAVED (three_uri, NULL));

  app = test_application_new ();
  session = hangar_application_get_session (app);

  g_test_add_func ("/add-connection/autoconnect-at-startup", test_autoconnect_at_startup);
  g_test_add_func ("/add-connection/check-uri", test_check_uri);
  g_test_add_func ("/add-connection/uri-preview", test_uri_preview);
  g_test_add_func ("/add-connection/field-messages", test_field_messages);
  g_test_add_func ("/add-connection/uri-to-fields", test_uri_to_fields);
  g_test_add_func ("/add-connection/add-custom", test_add_custom);
  g_test_add_func ("/add-connection/add-from-fields", test_add_from_fields);
  g_test_add_func ("/add-connection/edit", test_edit);
  g_test_add_func ("/add-connection/edit-gone", test_edit_gone);
  g_test_add_func ("/add-connection/remove", test_remove);

  return g_test_run ();
}
