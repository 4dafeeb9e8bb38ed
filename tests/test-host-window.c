// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-host-window"

#include "config.h"

#include <stdlib.h>
#include <adwaita.h>
#include <libvirt/libvirt.h>

#include "hangar-application.h"
#include "hangar-connection-row.h"
#include "hangar-host-window.h"
#include "hangar-session.h"
#include "hangar-window.h"
#include "test-widget-util.h"

/* The host page under Xvfb on libvirt's test driver. Expected values come from the
 * test's own libvirt connection. */

static HangarApplication *app;
static HangarSession *session;
static HangarConnection *connection;

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static gboolean
row_titled (GtkWidget    *widget,
            gconstpointer title)
{
  return g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static const char *
row_value (HangarHostWindow *window,
           const char       *title)
{
  GtkWidget *row = test_find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW, row_titled, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static HangarHostWindow *
find_host_window (HangarApplication *application,
                  HangarConnection  *for_connection)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l; l = l->next)
    if (HANGAR_IS_HOST_WINDOW (l->data) &&
        hangar_host_window_get_connection (l->data) == for_connection)
      return l->data;
  return NULL;
}

static guint
count_windows (HangarApplication *application,
               GType              type)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l; l = l->next)
    n += G_TYPE_CHECK_INSTANCE_TYPE (l->data, type);
  return n;
}

static HangarHostWindow *
host_window (void)
{
  HangarHostWindow *window;

  hangar_application_show_host (app, connection);
  window = find_host_window (app, connection);
  g_assert_nonnull (window);
  return window;
}

static gboolean
info_loaded (gpointer data)
{
  return hangar_host_info_get_loaded (hangar_host_window_get_host_info (data));
}

static gboolean
memory_measured (gpointer data)
{
  return hangar_host_info_get_memory_fraction (hangar_host_window_get_host_info (data)) >= 0;
}

static void
on_sampled_cb (HangarHostInfo *info,
               guint          *count)
{
  (*count)++;
}

static gboolean
count_at_least_three (gpointer data)
{
  return *(guint *)data >= 3;
}

/* The overview's rows say what libvirt says about the host; the live rows fill in
 * while the page is on screen. */
static void
test_overview (void)
{
  HangarHostWindow *window = host_window ();
  virConnectPtr other = virConnectOpen ("test:///default");
  virNodeInfo node;
  unsigned long lib_version;
  char *host_name;
  g_autofree char *version_text = NULL;
  g_autofree char *memory_text = NULL;
  g_autofree char *cpus_text = NULL;
  g_autofree char *used_text = NULL;
  g_autofree char *usage_text = NULL;
  guint64 used;

  g_assert_nonnull (other);
  g_assert_true (test_wait_for (info_loaded, window, 5000));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Test — Host Details");

  host_name = virConnectGetHostname (other);
  g_assert_cmpstr (row_value (window, "Host Name"), ==, host_name);
  free (host_name);
  g_assert_cmpstr (row_value (window, "Connection"), ==, "test:///default");
  g_assert_cmpstr (row_value (window, "Hypervisor"), ==, "TEST 0.0.2");
  g_assert_cmpint (virConnectGetLibVersion (other, &lib_version), ==, 0);
  version_text = g_strdup_printf ("%lu.%lu.%lu", lib_version / 1000000,
                                  lib_version / 1000 % 1000, lib_version % 1000);
  g_assert_cmpstr (row_value (window, "libvirt Version"), ==, version_text);

  g_assert_cmpint (virNodeGetInfo (other, &node), ==, 0);
  g_assert_cmpstr (row_value (window, "Architecture"), ==, node.model);
  cpus_text = g_strdup_printf ("%u at %u MHz", node.cpus, node.mhz);
  g_assert_cmpstr (row_value (window, "CPUs"), ==, cpus_text);
  /* The test driver's host has 3 GiB. */
  g_assert_cmpuint (node.memory, ==, 3 * 1024 * 1024);
  /* GLib's sizes keep number and unit together with a no-break space. */
  g_assert_cmpstr (row_value (window, "Memory"), ==, "3.0\u00a0GiB");

  /* Memory use: the test driver has no memory statistics, so total less free. */
  used = (guint64)node.memory * 1024 - virNodeGetFreeMemory (other);
  g_assert_true (test_wait_for (memory_measured, window, 5000));
  used_text = g_format_size_full (used, G_FORMAT_SIZE_IEC_UNITS);
  usage_text = g_strdup_printf ("%s of 3.0\u00a0GiB (%.0f %%)", used_text,
                                100.0 * (double)used / ((double)node.memory * 1024));
  g_assert_cmpstr (row_value (window, "Memory Use"), ==, usage_text);
  /* Its CPU counters never move: nothing to say but that. */
  g_assert_cmpstr (row_value (window, "CPU Use"), ==, "Not measured");

  hangar_test_assert_accessible_names (GTK_WIDGET (window));
  virConnectClose (other);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Sampling runs while the overview is on screen, and stops when the window goes: a
 * second page's samples prove the time passed. */
static void
test_sampling_follows_window (void)
{
  HangarHostWindow *window = host_window ();
  HangarHostInfo *info = g_object_ref (hangar_host_window_get_host_info (window));
  g_autoptr(HangarHostInfo) witness = hangar_host_info_new (connection);
  guint samples = 0, witness_samples = 0;

  hangar_connection_set_stats_interval (connection, 50);
  g_signal_connect (info, "sampled", G_CALLBACK (on_sampled_cb), &samples);
  g_assert_true (test_wait_for (count_at_least_three, &samples, 5000));

  gtk_window_destroy (GTK_WINDOW (window));
  samples = 0;
  g_signal_connect (witness, "sampled", G_CALLBACK (on_sampled_cb), &witness_samples);
  hangar_host_info_watch (witness);
  g_assert_true (test_wait_for (count_at_least_three, &witness_samples, 5000));
  g_assert_cmpuint (samples, ==, 0);
  hangar_host_info_unwatch (witness);

  hangar_connection_set_stats_interval (connection, 3000);
  test_assert_finalized (info);
}

/* The sidebar row's menu has Host Details, which opens that host's page, once. */
static void
test_sidebar_opens_page (void)
{
  HangarWindow *manager = NULL;
  GtkWidget *row = NULL;
  HangarHostWindow *window;

  g_application_activate (G_APPLICATION (app));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (HANGAR_IS_WINDOW (l->data))
      manager = l->data;
  g_assert_nonnull (manager);
  row = test_find_widget (GTK_WIDGET (manager), HANGAR_TYPE_CONNECTION_ROW, NULL, NULL);
  g_assert_nonnull (row);
  g_assert_true (hangar_connection_row_get_connection (HANGAR_CONNECTION_ROW (row)) ==
                 connection);

  g_assert_true (gtk_widget_activate_action (row, "row.details", NULL));
  window = find_host_window (app, connection);
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_activate_action (row, "row.details", NULL));
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_HOST_WINDOW), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (manager));
}

static gboolean
status_title_is (gpointer data)
{
  HangarHostWindow *window = data;
  GtkWidget *status = test_find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, NULL, NULL);

  return status != NULL && gtk_widget_get_mapped (status) &&
         g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (status)), "Not connected") == 0;
}

static gboolean
overview_mapped (gpointer data)
{
  GtkWidget *row = test_find_widget (GTK_WIDGET (data), ADW_TYPE_ACTION_ROW, row_titled,
                                     "Host Name");

  return row != NULL && gtk_widget_get_mapped (row);
}

/* A host that is not connected: the page says so, and shows the host once it is back. */
static void
test_disconnected (void)
{
  HangarHostWindow *window = host_window ();

  g_assert_true (test_wait_for (overview_mapped, window, 5000));
  hangar_connection_close (connection);
  g_assert_true (test_wait_for (status_title_is, window, 5000));
  hangar_test_assert_accessible_names (GTK_WIDGET (window));

  hangar_session_open_connection (session, connection);
  g_assert_true (test_wait_for (is_connected, connection, 5000));
  g_assert_true (test_wait_for (overview_mapped, window, 5000));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* hangar --connect URI --show-host-summary: that host's page alone; closing it ends
 * the application. Without --connect it says what is missing. */
typedef struct {
  HangarApplication *app;
  gboolean checked;
} Run;

static gboolean
has_host_window (gpointer data)
{
  return count_windows (data, HANGAR_TYPE_HOST_WINDOW) > 0;
}

static gboolean
run_steps_cb (gpointer data)
{
  Run *run = data;
  HangarHostWindow *window;

  g_assert_true (test_wait_for (has_host_window, run->app, 5000));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (run->app))),
                    ==, 1);
  window = gtk_application_get_windows (GTK_APPLICATION (run->app))->data;
  g_assert_cmpstr (hangar_connection_get_uri (hangar_host_window_get_connection (window)), ==,
                   "test:///default");
  run->checked = TRUE;
  gtk_window_destroy (GTK_WINDOW (window));
  return G_SOURCE_REMOVE;
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("The application still runs after 30 s");
  return G_SOURCE_REMOVE;
}

static int
run_application (const char *const *args,
                 Run               *run)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  guint timeout;
  int status;

  run->app = hangar_application_new ();
  g_application_set_flags (G_APPLICATION (run->app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  g_ptr_array_add (argv, (char *)"hangar");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);

  g_idle_add (run_steps_cb, run);
  timeout = g_timeout_add_seconds (30, timeout_cb, NULL);
  status = g_application_run (G_APPLICATION (run->app), argv->len - 1, (char **)argv->pdata);
  g_source_remove (timeout);
  g_clear_object (&run->app);
  return status;
}

/* In a process of its own: the test's application already holds the bus name. */
static void
test_command_line (void)
{
  if (g_test_subprocess ())
    {
      const char *args[] = { "--connect", "test:///default", "--show-host-summary", NULL };
      Run run = { 0 };

      g_assert_cmpint (run_application (args, &run), ==, 0);
      g_assert_true (run.checked);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_command_line_without_uri (void)
{
  if (g_test_subprocess ())
    {
      char *args[] = { (char *)"hangar", (char *)"--show-host-summary", NULL };
      HangarApplication *alone = hangar_application_new ();

      g_application_set_flags (G_APPLICATION (alone),
                               G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
      exit (g_application_run (G_APPLICATION (alone), 2, args));
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*--show-host-summary needs the host*URI: add --connect URI.*");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (!g_test_subprocess ())
    {
      app = hangar_application_new ();
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
      session = hangar_application_get_session (app);
      connection = hangar_session_add_connection (session, "test:///default", FALSE, FALSE);
      g_assert_true (test_wait_for (is_connected, connection, 5000));
    }

  g_test_add_func ("/host-window/overview", test_overview);
  g_test_add_func ("/host-window/sampling-follows-window", test_sampling_follows_window);
  g_test_add_func ("/host-window/sidebar-opens-page", test_sidebar_opens_page);
  g_test_add_func ("/host-window/disconnected", test_disconnected);
  g_test_add_func ("/host-window/command-line", test_command_line);
  g_test_add_func ("/host-window/command-line-without-uri", test_command_line_without_uri);

  return g_test_run ();
}
