// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-credentials-keyring"

/* "Remember in the keyring" of the credentials dialog, with a real GNOME Keyring of
 * the test's own (tests/test-keyring): a login remembered answers the next open without
 * a dialog; a refused answer is never kept; a remembered login the host now refuses is
 * forgotten and asked again at once. The host is libvirt's test driver with <auth>
 * (tests/data/auth-host.xml). The keyring is read behind Hangar's back with
 * secret_password_lookup_sync, by the attributes a user would find in Seahorse. */

#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <libsecret/secret.h>

#include "hangar-application.h"
#include "hangar-credentials-asker.h"
#include "hangar-session.h"
#include "test-app-util.h"
#include "test-core-util.h"
#include "test-credentials-util.h"
#include "test-keyring.h"
#include "test-widget-util.h"

#define USER     "jane"
#define PASSWORD "hangar-s3cret"

static HangarApplication *app;

/* Hangar's keyring items for libvirt logins, as Seahorse shows their attributes. */
static const SecretSchema *
login_schema (void)
{
  static const SecretSchema schema = {
    "io.github.hangarvm.Hangar.LibvirtLogin", SECRET_SCHEMA_NONE,
    {
      { "uri", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

static char *
kept_password (const char *uri)
{
  g_autoptr(GError) error = NULL;
  char *password = secret_password_lookup_sync (login_schema (), NULL, &error, "uri", uri,
                                                "user", USER, NULL);

  g_assert_no_error (error);
  return password;
}

typedef struct {
  const char *uri;
  const char *password;   /* NULL: none kept */
} Kept;

static gboolean
keeps (gpointer data)
{
  Kept *kept = data;
  g_autofree char *password = kept_password (kept->uri);

  return g_strcmp0 (password, kept->password) == 0;
}

static void
wait_kept (const char *uri,
           const char *password)
{
  Kept kept = { uri, password };

  if (!test_wait_for (keeps, &kept, 10000))
    g_error ("The keyring does not hold %s for %s", password ? password : "nothing", uri);
}

static guint asked;

static void
on_ask_cb (gpointer           asker,
           HangarCredentials *question)
{
  asked++;
}

static HangarConnection *
open_host (HangarSession *session,
           const char    *uri)
{
  asked = 0;
  return hangar_session_add_connection (session, uri, FALSE, FALSE);
}

/* Ticks Remember, then answers. */
static void
answer_remembering (HangarCredentialsDialog *dialog,
                    const char              *password)
{
  GtkWidget *remember = test_credentials_dialog_part (dialog, GTK_TYPE_CHECK_BUTTON);

  g_assert_true (gtk_widget_get_sensitive (remember));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (remember), TRUE);
  test_credentials_answer (dialog, USER, password);
}

static gboolean
label_has (GtkWidget    *widget,
           gconstpointer data)
{
  return gtk_widget_get_visible (widget) &&
         strstr (gtk_label_get_label (GTK_LABEL (widget)), data) != NULL;
}

/* A wrong answer with Remember is not kept; the right one is, under a label that says
 * whose it is, and the next open connects without a dialog. */
static void
test_remember (void)
{
  HangarSession *session = hangar_application_get_session (app);
  g_autofree char *uri = test_data_uri ("auth-host.xml");
  HangarConnection *connection = open_host (session, uri);
  g_autofree char *label = NULL;
  g_autofree char *expected = g_strdup_printf ("Hangar: libvirt password of " USER " for %s", uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  GList *items;

  answer_remembering (test_credentials_wait_dialog (1, 10000), "wrong");
  test_credentials_wait_state (connection, HANGAR_CONNECTION_STATE_FAILED, 10000);
  test_credentials_wait_no_dialog ();

  hangar_session_open_connection (session, connection);
  answer_remembering (test_credentials_wait_dialog (1, 10000), PASSWORD);
  test_credentials_wait_state (connection, HANGAR_CONNECTION_STATE_CONNECTED, 10000);
  wait_kept (uri, PASSWORD);
  hangar_session_remove_connection (session, connection);

  /* Where it is kept, as a user would find it. */
  service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  g_assert_no_error (error);
  attributes = secret_attributes_build (login_schema (), "uri", uri, "user", USER, NULL);
  items = secret_service_search_sync (service, login_schema (), attributes,
                                      SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_item_get_label (items->data);
  g_assert_cmpstr (label, ==, expected);
  g_list_free_full (items, g_object_unref);

  /* The keyring answers: connected, and no dialog was ever shown. */
  connection = open_host (session, uri);
  test_credentials_wait_state (connection, HANGAR_CONNECTION_STATE_CONNECTED, 10000);
  g_assert_cmpuint (asked, ==, 1);
  test_credentials_wait_no_dialog ();
  hangar_session_remove_connection (session, connection);
}

/* A remembered login the host now refuses: asked again at once (the same open, the
 * dialog saying it was refused), the stale one forgotten; the right one connects. */
static void
test_stale (void)
{
  HangarSession *session = hangar_application_get_session (app);
  g_autofree char *uri = test_data_uri ("auth-host.xml");
  HangarConnection *connection;
  HangarCredentialsDialog *dialog;
  g_autoptr(GError) error = NULL;

  /* Cleared, then stored: replacing it in place, GNOME Keyring 42 left the bus here
   * ("asked to register item …, but it's already registered"). */
  secret_password_clear_sync (login_schema (), NULL, &error, "uri", uri, "user", USER, NULL);
  g_assert_no_error (error);
  secret_password_store_sync (login_schema (), SECRET_COLLECTION_DEFAULT, "stale", "stale",
                              NULL, &error, "uri", uri, "user", USER, NULL);
  g_assert_no_error (error);

  connection = open_host (session, uri);
  dialog = test_credentials_wait_dialog (2, 10000);
  g_assert_nonnull (test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_LABEL, label_has,
                                      "was refused"));
  wait_kept (uri, NULL);
  test_credentials_answer (dialog, USER, PASSWORD);
  test_credentials_wait_state (connection, HANGAR_CONNECTION_STATE_CONNECTED, 10000);
  g_assert_cmpuint (asked, ==, 2);
  hangar_session_remove_connection (session, connection);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Before anything reaches the session bus. */
  test_keyring_start ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = test_application_new ();
  g_signal_connect (hangar_credentials_asker_get_default (), "ask", G_CALLBACK (on_ask_cb), NULL);

  g_test_add_func ("/credentials-keyring/remember", test_remember);
  g_test_add_func ("/credentials-keyring/stale", test_stale);

  status = g_test_run ();
  g_object_unref (app);
  test_keyring_stop ();
  return status;
}
