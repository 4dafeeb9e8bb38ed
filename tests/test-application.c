// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-application"

#include "config.h"

#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-connection.h"
#include "hangar-domain-creator.h"
#include "hangar-guest-window.h"
#include "hangar-window.h"
#include "test-widget-util.h"

/* The application as the command line starts it: g_application_run with real options,
 * the test's steps running from inside its main loop. */

typedef struct {
  HangarApplication *app;
  void (*steps) (HangarApplication *app);
  gboolean steps_done;
} Run;

static guint
count_windows (HangarApplication *app,
               GType              type)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    n += G_TYPE_CHECK_INSTANCE_TYPE (l->data, type);
  return n;
}

static gboolean
has_guest_window (gpointer data)
{
  return count_windows (data, HANGAR_TYPE_GUEST_WINDOW) > 0;
}

static AdwMessageDialog *
find_message (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        g_strcmp0 (adw_message_dialog_get_heading (l->data), "Guest Not Found") == 0)
      return l->data;
  return NULL;
}

static gboolean
has_message (gpointer data)
{
  return find_message () != NULL;
}

static gboolean
is_button_labelled (GtkWidget    *widget,
                    gconstpointer label)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* As a click does: the dialog answers and closes. */
static void
click_button (AdwMessageDialog *dialog,
              const char       *label)
{
  GtkWidget *button = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, is_button_labelled,
                                        label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
has_no_message (gpointer data)
{
  return find_message () == NULL;
}

static void
destroy_all_windows (HangarApplication *app)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));

  for (GList *l = windows; l; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);
}

static gboolean
run_steps_cb (gpointer data)
{
  Run *run = data;

  run->steps (run->app);
  run->steps_done = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("The application still runs after 30 s");
  return G_SOURCE_REMOVE;
}

/* Runs hangar with @args; @steps runs once its main loop does. Returns when the
 * application ends by itself (the test fails after 30 s). */
static void
run_application (const char *const *args,
                 void (*steps) (HangarApplication *app))
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  Run run = { hangar_application_new (), steps, FALSE };
  guint timeout;
  int status;

  g_application_set_flags (G_APPLICATION (run.app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  g_ptr_array_add (argv, (char *)"hangar");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);

  g_idle_add (run_steps_cb, &run);
  timeout = g_timeout_add_seconds (30, timeout_cb, NULL);
  status = g_application_run (G_APPLICATION (run.app), argv->len - 1, (char **)argv->pdata);
  g_source_remove (timeout);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (run.steps_done);
  g_object_unref (run.app);
}

static char *
three_guests_uri (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "three-guests.xml", NULL);

  return g_strconcat ("test://", path, NULL);
}

static void
console_steps (HangarApplication *app)
{
  GList *windows;

  /* Only the guest's window: no manager. */
  g_assert_true (test_wait_for (has_guest_window, app, 5000));
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  g_assert_true (HANGAR_IS_GUEST_WINDOW (windows->data));
  g_assert_cmpstr (hangar_guest_get_name (hangar_guest_window_get_guest (windows->data)), ==,
                   "bravo");

  /* Show Manager (the guest window's menu) opens the manager beside it, once. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-manager", NULL);
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_WINDOW), ==, 1);
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_GUEST_WINDOW), ==, 1);
  g_action_group_activate_action (G_ACTION_GROUP (app), "show-manager", NULL);
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_WINDOW), ==, 1);

  /* Closing the last window ends the application: run_application returns. */
  destroy_all_windows (app);
}

/* --show-domain-console NAME opens only that guest's window, as virt-manager does. */
static void
test_console_alone (void)
{
  g_autofree char *uri = three_guests_uri ();
  const char *args[] = { "--connect", uri, "--show-domain-console", "bravo", NULL };

  run_application (args, console_steps);
}

static void
not_found_steps (HangarApplication *app)
{
  /* The message alone, no manager window. */
  g_assert_true (test_wait_for (has_message, NULL, 5000));
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_WINDOW), ==, 0);
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_GUEST_WINDOW), ==, 0);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);
  hangar_test_assert_accessible_names (GTK_WIDGET (find_message ()));

  /* Its Show Manager button leads to the guest list; the message goes. */
  click_button (find_message (), "_Show Manager");
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_WINDOW), ==, 1);
  g_assert_true (test_wait_for (has_no_message, NULL, 5000));
  destroy_all_windows (app);
}

/* Closing the message alone ends the application. */
static void
close_message_steps (HangarApplication *app)
{
  g_assert_true (test_wait_for (has_message, NULL, 5000));
  click_button (find_message (), "_Close");
}

static void
test_console_not_found_closed (void)
{
  g_autofree char *uri = three_guests_uri ();
  const char *args[] = { "--connect", uri, "--show-domain-console", "no-such-guest", NULL };

  run_application (args, close_message_steps);
}

static void
test_console_not_found (void)
{
  g_autofree char *uri = three_guests_uri ();
  const char *args[] = { "--connect", uri, "--show-domain-console", "no-such-guest", NULL };

  run_application (args, not_found_steps);
}

static void
manager_steps (HangarApplication *app)
{
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_WINDOW), ==, 1);
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_GUEST_WINDOW), ==, 0);
  destroy_all_windows (app);
}

/* Without the option the manager opens, and closing it ends the application too. */
static void
test_manager (void)
{
  g_autofree char *uri = three_guests_uri ();
  const char *args[] = { "--connect", uri, NULL };

  run_application (args, manager_steps);
}

static gboolean
has_domain_creator (gpointer data)
{
  return count_windows (data, HANGAR_TYPE_DOMAIN_CREATOR) > 0;
}

static void
creator_steps (HangarApplication *app)
{
  GList *windows;
  HangarConnection *connection;

  /* Only the New VM window, for the host asked for, once it is connected. */
  g_assert_true (test_wait_for (has_domain_creator, app, 5000));
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  connection = hangar_domain_creator_get_connection (windows->data);
  g_assert_true (g_str_has_suffix (hangar_connection_get_uri (connection), "three-guests.xml"));
  g_assert_cmpint (hangar_connection_get_state (connection), ==, HANGAR_CONNECTION_STATE_CONNECTED);
  g_assert_null (gtk_window_get_transient_for (windows->data));
  destroy_all_windows (app);
}

/* --show-domain-creator opens only the New Virtual Machine window (virt-manager's
 * option), and closing it ends the application. */
static void
test_creator_alone (void)
{
  g_autofree char *uri = three_guests_uri ();
  const char *args[] = { "--connect", uri, "--show-domain-creator", NULL };

  run_application (args, creator_steps);
}

static AdwMessageDialog *
find_no_connection (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        g_strcmp0 (adw_message_dialog_get_heading (l->data), "No Connection") == 0)
      return l->data;
  return NULL;
}

static gboolean
has_no_connection (gpointer data)
{
  return find_no_connection () != NULL;
}

static void
creator_no_host_steps (HangarApplication *app)
{
  AdwMessageDialog *dialog;

  /* The host cannot be opened: a message alone, naming it, and no New VM window. */
  g_assert_true (test_wait_for (has_no_connection, NULL, 5000));
  dialog = find_no_connection ();
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (dialog),
                                   "Could not connect to test:///no-such-dir/no-such-host.xml: "));
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_DOMAIN_CREATOR), ==, 0);
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_WINDOW), ==, 0);
  hangar_test_assert_accessible_names (GTK_WIDGET (dialog));
  /* Closing it ends the application. */
  click_button (dialog, "_Close");
}

static void
test_creator_no_host (void)
{
  const char *args[] = { "--connect", "test:///no-such-dir/no-such-host.xml",
                         "--show-domain-creator", NULL };

  run_application (args, creator_no_host_steps);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/application/console-alone", test_console_alone);
  g_test_add_func ("/application/console-not-found", test_console_not_found);
  g_test_add_func ("/application/console-not-found-closed", test_console_not_found_closed);
  g_test_add_func ("/application/manager", test_manager);
  g_test_add_func ("/application/creator-alone", test_creator_alone);
  g_test_add_func ("/application/creator-no-host", test_creator_no_host);

  return g_test_run ();
}
