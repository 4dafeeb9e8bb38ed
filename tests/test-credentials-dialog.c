// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-credentials-dialog"

/* The user name and password a host asks for, answered in Hangar's dialog under Xvfb
 * as a user would: the rows filled, Connect clicked, the host's guests listed. The
 * host is libvirt's test driver with an <auth> section (tests/data/auth-host.xml),
 * which asks through virConnectOpenAuth's callback as SASL does. */

#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "hangar-application.h"
#include "hangar-credentials-dialog.h"
#include "hangar-session.h"
#include "hangar-window.h"
#include "test-app-util.h"
#include "test-core-util.h"
#include "test-credentials-util.h"
#include "test-widget-util.h"

#define USER     "jane"
#define PASSWORD "hangar-s3cret"

typedef struct {
  HangarWindow *window;
  HangarSession *session;
  HangarConnection *connection;
} Fixture;

/* One application for the whole run, as in a real session (made in main). */
static HangarApplication *app;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  f->session = hangar_application_get_session (app);
  f->window = hangar_window_new (GTK_APPLICATION (app), f->session);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  if (f->connection != NULL)
    hangar_session_remove_connection (f->session, f->connection);
  gtk_window_destroy (GTK_WINDOW (f->window));
}

static void
add_auth_host (Fixture *f)
{
  g_autofree char *uri = test_data_uri ("auth-host.xml");

  f->connection = hangar_session_add_connection (f->session, uri, FALSE, FALSE);
}

/* Remember goes with a keyring that can keep the password; without one it is off and
 * the dialog says why. */
static void
assert_remember_consistent (HangarCredentialsDialog *dialog)
{
  GtkWidget *remember = test_credentials_dialog_part (dialog, GTK_TYPE_CHECK_BUTTON);
  GtkWidget *note = gtk_widget_get_next_sibling (remember);

  g_assert_true (gtk_widget_get_visible (remember));
  if (gtk_widget_get_sensitive (remember))
    g_assert_false (gtk_widget_get_visible (note));
  else
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (note)), "keyring"));
}

static gboolean
label_has (GtkWidget    *widget,
           gconstpointer data)
{
  return strstr (gtk_label_get_label (GTK_LABEL (widget)), data) != NULL;
}

/* The dialog asks both, names the host, and the right answer connects. */
static void
test_answer (Fixture      *f,
             gconstpointer data)
{
  HangarCredentialsDialog *dialog;
  GtkWidget *retry, *user_row;

  add_auth_host (f);
  dialog = test_credentials_wait_dialog (1, 10000);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "this computer"));
  /* Nothing refused yet: no "try again". */
  retry = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_LABEL, label_has, "refused");
  g_assert_nonnull (retry);
  g_assert_false (gtk_widget_get_visible (retry));
  user_row = test_credentials_dialog_part (dialog, ADW_TYPE_ENTRY_ROW);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (user_row)), ==, "");
  hangar_test_assert_accessible_names (GTK_WIDGET (dialog));
  assert_remember_consistent (dialog);

  test_credentials_answer (dialog, USER, PASSWORD);
  test_credentials_wait_state (f->connection, HANGAR_CONNECTION_STATE_CONNECTED, 10000);
  g_assert_nonnull (hangar_connection_find_guest (f->connection, "guarded"));
  test_credentials_wait_no_dialog ();
}

static gboolean
page_says (GtkWidget    *widget,
           gconstpointer data)
{
  const char *description = adw_status_page_get_description (ADW_STATUS_PAGE (widget));

  return gtk_widget_get_mapped (widget) && description != NULL &&
         strstr (description, data) != NULL;
}

static gboolean
failure_page_shown (gpointer data)
{
  return test_find_widget (data, ADW_TYPE_STATUS_PAGE, page_says,
                           "refused the user name or password") != NULL;
}

/* A wrong password: the window's failure page says the host refused it; Retry asks
 * again, and the right answer connects. */
static void
test_refused_then_retry (Fixture      *f,
                         gconstpointer data)
{
  GtkWidget *status;

  add_auth_host (f);
  test_credentials_answer (test_credentials_wait_dialog (1, 10000), USER, "wrong");
  test_credentials_wait_state (f->connection, HANGAR_CONNECTION_STATE_FAILED, 10000);
  test_credentials_wait_no_dialog ();
  if (!test_wait_for (failure_page_shown, f->window, 5000))
    g_error ("The window does not say that the host refused the login");
  status = test_find_widget (GTK_WIDGET (f->window), ADW_TYPE_STATUS_PAGE, NULL, NULL);

  test_click_button (status, "_Retry");
  test_credentials_answer (test_credentials_wait_dialog (1, 10000), USER, PASSWORD);
  test_credentials_wait_state (f->connection, HANGAR_CONNECTION_STATE_CONNECTED, 10000);
}

/* Cancel in the dialog: the host waits for credentials, and says so. */
static void
test_cancel (Fixture      *f,
             gconstpointer data)
{
  add_auth_host (f);
  test_click_button (GTK_WIDGET (test_credentials_wait_dialog (1, 10000)), "_Cancel");
  test_credentials_wait_state (f->connection, HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS, 10000);
  test_credentials_wait_no_dialog ();
  g_assert_nonnull (strstr (hangar_connection_get_error_message (f->connection),
                            "asks for a user name and password"));
}

/* Cancel on the window's "Connecting…" page while the dialog asks: the dialog goes by
 * itself, and the host is not connected. */
static void
test_window_cancel (Fixture      *f,
                    gconstpointer data)
{
  GtkWidget *status;

  add_auth_host (f);
  test_credentials_wait_dialog (1, 10000);
  status = test_find_widget (GTK_WIDGET (f->window), ADW_TYPE_STATUS_PAGE, NULL, NULL);
  test_click_button (status, "_Cancel");
  test_credentials_wait_no_dialog ();
  g_assert_cmpint (hangar_connection_get_state (f->connection), ==,
                   HANGAR_CONNECTION_STATE_DISCONNECTED);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = test_application_new ();

  g_test_add ("/credentials-dialog/answer", Fixture, NULL, fixture_setup, test_answer,
              fixture_teardown);
  g_test_add ("/credentials-dialog/refused-then-retry", Fixture, NULL, fixture_setup,
              test_refused_then_retry, fixture_teardown);
  g_test_add ("/credentials-dialog/cancel", Fixture, NULL, fixture_setup, test_cancel,
              fixture_teardown);
  g_test_add ("/credentials-dialog/window-cancel", Fixture, NULL, fixture_setup,
              test_window_cancel, fixture_teardown);

  status = g_test_run ();
  g_object_unref (app);
  return status;
}
