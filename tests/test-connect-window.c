// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-connect-window"

/* The window while a host opens and when it fails, under Xvfb: "Connecting…" offers
 * Cancel, which ends an attempt on a silent host (the fault injector) at once; a host
 * that refuses says so in the failure page's words, with Retry. */

#include "config.h"

#include <adwaita.h>
#include <gio/gio.h>

#include "fault-server.h"
#include "hangar-application.h"
#include "hangar-session.h"
#include "hangar-window.h"
#include "test-free-port.h"
#include "test-util.h"
#include "test-widget-util.h"
#include "test-app-util.h"

typedef struct {
  HangarApplication *app;
  HangarWindow *window;
  HangarSession *session;
} Fixture;

/* One application for the whole run, as in a real session (made in main). */
static HangarApplication *app;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  f->app = app;
  f->session = hangar_application_get_session (f->app);
  f->window = hangar_window_new (GTK_APPLICATION (f->app), f->session);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
}

typedef struct {
  GtkWidget *status;
  const char *title;
} PageCheck;

static gboolean
page_is (gpointer data)
{
  PageCheck *check = data;

  return gtk_widget_get_mapped (check->status) &&
         g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (check->status)),
                    check->title) == 0;
}

static void
assert_page_becomes (GtkWidget  *status,
                     const char *title)
{
  PageCheck check = { status, title };

  if (!test_wait_for (page_is, &check, 5000))
    g_error ("The empty page says “%s”, not “%s”",
             adw_status_page_get_title (ADW_STATUS_PAGE (status)), title);
}

static const char *
button_text (GtkWidget *button)
{
  GtkWidget *label = test_find_widget (button, GTK_TYPE_LABEL, NULL, NULL);

  g_assert_nonnull (label);
  g_assert_true (gtk_label_get_use_underline (GTK_LABEL (label)));
  return gtk_label_get_text (GTK_LABEL (label));
}

static gboolean
server_was_reached (gpointer data)
{
  return fault_server_get_connections (data) > 0;
}

static void
test_cancel (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(FaultServer) server = fault_server_new (FAULT_TCP_SILENT, 0, 0);
  g_autofree char *uri = g_strdup_printf ("qemu+tcp://127.0.0.1:%u/system",
                                          fault_server_get_port (server));
  GtkWidget *status = test_find_widget (GTK_WIDGET (f->window), ADW_TYPE_STATUS_PAGE, NULL, NULL);
  GtkWidget *button = test_find_widget (status, GTK_TYPE_BUTTON, NULL, NULL);
  HangarConnection *connection = hangar_session_add_connection (f->session, uri, FALSE, FALSE);

  assert_page_becomes (status, "Connecting…");
  g_assert_true (test_wait_for (server_was_reached, server, 5000));
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_cmpstr (button_text (button), ==, "Cancel");
  g_assert_false (gtk_widget_has_css_class (button, "suggested-action"));
  hangar_test_assert_accessible_names (GTK_WIDGET (f->window));

  /* libvirt still waits on the listener; Cancel does not wait for it. */
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "Not Connected");
  g_assert_cmpstr (button_text (button), ==, "Connect");
  g_assert_true (gtk_widget_has_css_class (button, "suggested-action"));

  hangar_session_remove_connection (f->session, connection);
}

static gboolean
has_failed (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_FAILED;
}

static void
test_refused (Fixture      *f,
              gconstpointer data)
{
  g_autofree char *uri = g_strdup_printf ("qemu+tcp://127.0.0.1:%u/system",
                                          test_free_port ());
  GtkWidget *status = test_find_widget (GTK_WIDGET (f->window), ADW_TYPE_STATUS_PAGE, NULL, NULL);
  GtkWidget *button = test_find_widget (status, GTK_TYPE_BUTTON, NULL, NULL);
  HangarConnection *connection;

  connection = hangar_session_add_connection (f->session, uri, FALSE, FALSE);
  g_assert_true (test_wait_for (has_failed, connection, 5000));

  assert_page_becomes (status, "Could Not Connect to QEMU/KVM: 127.0.0.1");
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)), ==,
                   "127.0.0.1 refused the connection: nothing listens on that port. Check "
                   "the port, and that the host’s libvirtd (or sshd) accepts connections, "
                   "then try again.");
  g_assert_cmpstr (button_text (button), ==, "Retry");
  hangar_test_assert_accessible_names (GTK_WIDGET (f->window));

  hangar_session_remove_connection (f->session, connection);
}

int
main (int   argc,
      char *argv[])
{

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = test_application_new ();

  g_test_add ("/connect-window/cancel", Fixture, NULL, fixture_setup, test_cancel,
              fixture_teardown);
  g_test_add ("/connect-window/refused", Fixture, NULL, fixture_setup, test_refused,
              fixture_teardown);
  return g_test_run ();
}
