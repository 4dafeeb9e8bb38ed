// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-add-connection"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-application.h"
#include "hangar-session.h"
#include "test-widget-util.h"

static HangarApplication *app;
static HangarSession *session;

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

static gboolean
is_error_label (GtkWidget    *widget,
                gconstpointer data)
{
  return gtk_widget_has_css_class (widget, "error");
}

static GtkLabel *
error_label (GtkWidget *dialog)
{
  GtkWidget *label = test_find_widget (dialog, GTK_TYPE_LABEL, is_error_label, NULL);

  g_assert_nonnull (label);
  return GTK_LABEL (label);
}

static void
set_true (gboolean *flag)
{
  *flag = TRUE;
}

static gboolean
is_destroyed (gpointer data)
{
  return *(gboolean *)data;
}

static HangarConnection *
find_connection (const char *uri)
{
  GListModel *connections = hangar_session_get_connections (session);

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(HangarConnection) connection = g_list_model_get_item (connections, i);

      if (g_str_equal (hangar_connection_get_uri (connection), uri))
        return connection;
    }
  return NULL;
}

static gboolean
strv_has (GSettings  *settings,
          const char *key,
          const char *value)
{
  g_auto(GStrv) values = g_settings_get_strv (settings, key);

  return g_strv_contains ((const char *const *)values, value);
}

/* A wrong URI is refused at the field with the sentence; a right one adds the
 * connection, remembered, with the autoconnect switch's choice, and closes the dialog. */
static void
test_dialog (void)
{
  GSettings *settings = hangar_session_get_settings (session);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "three-guests.xml", NULL);
  g_autofree char *uri = g_strconcat ("test://", path, NULL);
  HangarAddConnectionDialog *dialog = hangar_add_connection_dialog_new (hangar_application_get_session (app));
  GtkWidget *combo = test_find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, NULL, NULL);
  GtkWidget *entry = test_find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, NULL, NULL);
  GtkWidget *autoconnect = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_SWITCH, NULL, NULL);
  GtkLabel *message;
  guint n_choices;
  gboolean destroyed = FALSE;
  guint n_before = g_list_model_get_n_items (hangar_session_get_connections (session));

  g_assert_nonnull (combo);
  g_assert_nonnull (entry);
  g_assert_nonnull (autoconnect);
  g_signal_connect_swapped (dialog, "destroy", G_CALLBACK (g_nullify_pointer), &dialog);
  g_signal_connect_swapped (dialog, "destroy", G_CALLBACK (set_true), &destroyed);
  gtk_window_present (GTK_WINDOW (dialog));
  /* Every control has a name a screen reader can say. */
  hangar_test_assert_accessible_names (GTK_WIDGET (dialog));

  /* The first preset shows its URI, read-only. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "qemu:///system");
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (entry)));

  /* "Custom URI" (the last item) lets the user write one. */
  n_choices = g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (combo)));
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), n_choices - 1);
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (entry)));
  gtk_editable_set_text (GTK_EDITABLE (entry), "qemu:/system");
  message = error_label (GTK_WIDGET (dialog));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));

  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.connect", NULL);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_nonnull (strstr (gtk_label_get_label (message),
                            "“qemu:/system” is not a libvirt URI"));
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpuint (g_list_model_get_n_items (hangar_session_get_connections (session)), ==,
                    n_before);
  g_assert_null (find_connection ("qemu:/system"));

  /* Correcting the URI takes the message away at once. */
  gtk_editable_set_text (GTK_EDITABLE (entry), uri);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_false (gtk_widget_has_css_class (entry, "error"));

  gtk_switch_set_active (GTK_SWITCH (autoconnect), FALSE);
  /* Enter in the field connects, as the button does. */
  g_signal_emit_by_name (entry, "entry-activated");
  g_assert_true (test_wait_for (is_destroyed, &destroyed, 5000));
  g_assert_null (dialog);
  g_assert_nonnull (find_connection (uri));
  g_assert_cmpuint (g_list_model_get_n_items (hangar_session_get_connections (session)), ==,
                    n_before + 1);
  g_assert_true (strv_has (settings, "connections", uri));
  g_assert_false (strv_has (settings, "autoconnect", uri));

  hangar_session_remove_connection (session, find_connection (uri));
}

/* A preset with Connect Automatically left on: the preset's URI, set to autoconnect. */
static void
test_dialog_preset (void)
{
  GSettings *settings = hangar_session_get_settings (session);
  HangarAddConnectionDialog *dialog = hangar_add_connection_dialog_new (hangar_application_get_session (app));
  GtkWidget *combo = test_find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, NULL, NULL);
  gboolean destroyed = FALSE;

  g_signal_connect_swapped (dialog, "destroy", G_CALLBACK (set_true), &destroyed);
  gtk_window_present (GTK_WINDOW (dialog));
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), 3);
  g_assert_null (find_connection ("test:///default"));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.connect", NULL);
  g_assert_true (test_wait_for (is_destroyed, &destroyed, 5000));
  g_assert_nonnull (find_connection ("test:///default"));
  g_assert_true (strv_has (settings, "connections", "test:///default"));
  g_assert_true (strv_has (settings, "autoconnect", "test:///default"));

  hangar_session_remove_connection (session, find_connection ("test:///default"));
  g_assert_false (strv_has (settings, "autoconnect", "test:///default"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = hangar_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  session = hangar_application_get_session (app);

  g_test_add_func ("/add-connection/check-uri", test_check_uri);
  g_test_add_func ("/add-connection/dialog", test_dialog);
  g_test_add_func ("/add-connection/dialog-preset", test_dialog_preset);

  return g_test_run ();
}
