// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-session"

#include "config.h"

#include "hangar-core.h"
#include "hangar-session.h"
#include "test-core-util.h"
#include "test-util.h"

/* The session on libvirt's test driver, its settings in GSettings' memory backend
 * (GSETTINGS_BACKEND=memory): each test starts from the schema's defaults. */

static char *
test_uri (const char *file)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", file, NULL);

  return g_strconcat ("test://", path, NULL);
}

static GSettings *
fresh_settings (void)
{
  GSettings *settings = g_settings_new (SCHEMA_ID);

  g_settings_reset (settings, "connections");
  g_settings_reset (settings, "autoconnect");
  g_settings_reset (settings, "stats-interval");
  return settings;
}

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static gboolean
strv_is (GSettings  *settings,
         const char *key,
         const char *first,
         ...)
{
  g_auto(GStrv) value = g_settings_get_strv (settings, key);
  g_autoptr(GPtrArray) want = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *s = first; s != NULL; s = va_arg (args, const char *))
    g_ptr_array_add (want, (gpointer)s);
  va_end (args);
  g_ptr_array_add (want, NULL);
  return g_strv_equal ((const char * const *)value, (const char * const *)want->pdata);
}

/* Adding remembers in the settings only what was asked to be remembered; removing
 * forgets it. */
static void
test_add_remove_persisted (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(HangarSession) session = hangar_session_new (settings);
  g_autofree char *three = test_uri ("three-guests.xml");
  g_autofree char *empty = test_uri ("empty-host.xml");
  HangarConnection *kept;
  HangarConnection *passing;
  HangarConnection *other;

  kept = hangar_session_add_connection (session, three, TRUE, TRUE);
  passing = hangar_session_add_connection (session, "test:///default", FALSE, FALSE);
  other = hangar_session_add_connection (session, empty, TRUE, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_session_get_connections (session)), ==, 3);
  g_assert_true (strv_is (settings, "connections", three, empty, NULL));
  g_assert_true (strv_is (settings, "autoconnect", three, NULL));
  g_assert_true (hangar_session_is_remembered (session, kept));
  g_assert_false (hangar_session_is_remembered (session, passing));

  /* Added means opened. */
  g_assert_true (test_wait_for (is_connected, kept, 5000));
  g_assert_true (test_wait_for (is_connected, passing, 5000));
  g_assert_true (test_wait_for (is_connected, other, 5000));

  /* Removing closes the connection and lets it go. */
  g_object_ref (kept);
  hangar_session_remove_connection (session, kept);
  g_assert_true (strv_is (settings, "connections", empty, NULL));
  g_assert_true (strv_is (settings, "autoconnect", NULL));
  g_assert_cmpint (hangar_connection_get_state (kept), ==, HANGAR_CONNECTION_STATE_DISCONNECTED);
  test_assert_finalized (kept);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_session_get_connections (session)), ==, 2);
  g_assert_null (hangar_session_lookup (session, three));

  hangar_session_remove_connection (session, passing);
  hangar_session_remove_connection (session, other);
  g_assert_true (strv_is (settings, "connections", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (hangar_session_get_connections (session)), ==, 0);
  test_assert_finalized (g_steal_pointer (&session));
}

/* A new session on the same settings lists the remembered hosts and opens those marked
 * to open at start; the others wait, disconnected. */
static void
test_restore_autoconnect (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(HangarSession) session = NULL;
  g_autofree char *three = test_uri ("three-guests.xml");
  g_autofree char *empty = test_uri ("empty-host.xml");
  const char *saved[] = { three, empty, NULL };
  const char *autoconnect[] = { three, NULL };
  HangarConnection *opened;
  HangarConnection *waiting;

  g_settings_set_strv (settings, "connections", saved);
  g_settings_set_strv (settings, "autoconnect", autoconnect);
  session = hangar_session_new (settings);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_session_get_connections (session)), ==, 0);
  hangar_session_restore (session);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_session_get_connections (session)), ==, 2);

  opened = hangar_session_lookup (session, three);
  waiting = hangar_session_lookup (session, empty);
  g_assert_nonnull (opened);
  g_assert_nonnull (waiting);
  g_assert_true (hangar_session_is_remembered (session, opened));
  g_assert_true (hangar_session_is_remembered (session, waiting));
  /* Opening starts at once (the state is set before any thread runs): the one not
   * marked never started. */
  g_assert_cmpint (hangar_connection_get_state (opened), ==, HANGAR_CONNECTION_STATE_CONNECTING);
  g_assert_cmpint (hangar_connection_get_state (waiting), ==,
                   HANGAR_CONNECTION_STATE_DISCONNECTED);
  g_assert_true (test_wait_for (is_connected, opened, 5000));
  g_assert_cmpint (hangar_connection_get_state (waiting), ==,
                   HANGAR_CONNECTION_STATE_DISCONNECTED);

  /* Restoring changed nothing in the settings. */
  g_assert_true (strv_is (settings, "connections", three, empty, NULL));
  g_assert_true (strv_is (settings, "autoconnect", three, NULL));
  test_assert_finalized (g_steal_pointer (&session));
}

static void
on_open_finished_cb (HangarSession    *session,
                     HangarConnection *connection,
                     guint            *count)
{
  (*count)++;
}

static gboolean
count_is_two (gpointer data)
{
  return *(guint *)data == 2;
}

/* Adding a URI the session has returns that connection, opened again if it was not
 * open; lookup finds connections by URI. */
static void
test_duplicate_and_lookup (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(HangarSession) session = hangar_session_new (settings);
  g_autofree char *three = test_uri ("three-guests.xml");
  HangarConnection *first;
  HangarConnection *again;
  guint finished = 0;

  g_signal_connect (session, "open-finished", G_CALLBACK (on_open_finished_cb), &finished);
  first = hangar_session_add_connection (session, three, FALSE, FALSE);
  g_assert_true (hangar_session_lookup (session, three) == first);
  g_assert_null (hangar_session_lookup (session, "test:///default"));
  g_assert_true (test_wait_for (is_connected, first, 5000));
  g_assert_cmpuint (finished, ==, 1);

  again = hangar_session_add_connection (session, three, TRUE, TRUE);
  g_assert_true (again == first);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_session_get_connections (session)), ==, 1);
  /* Already open: nothing to open, nothing remembered anew. */
  g_assert_cmpint (hangar_connection_get_state (first), ==, HANGAR_CONNECTION_STATE_CONNECTED);
  g_assert_true (strv_is (settings, "connections", NULL));

  hangar_connection_close (first);
  again = hangar_session_add_connection (session, three, FALSE, FALSE);
  g_assert_true (again == first);
  g_assert_cmpint (hangar_connection_get_state (first), ==, HANGAR_CONNECTION_STATE_CONNECTING);
  g_assert_true (test_wait_for (count_is_two, &finished, 5000));
  g_assert_cmpint (hangar_connection_get_state (first), ==, HANGAR_CONNECTION_STATE_CONNECTED);

  /* Guests by name, on whichever host has them. */
  g_assert_nonnull (hangar_session_find_guest (session, "bravo"));
  g_assert_null (hangar_session_find_guest (session, "no-such-guest"));
  g_signal_handlers_disconnect_by_func (session, on_open_finished_cb, &finished);
  test_assert_finalized (g_steal_pointer (&session));
}

static gboolean
is_failed (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_FAILED;
}

/* A host libvirt cannot open ends its open too (the application waits for that before
 * saying a guest asked for by name is nowhere). */
static gboolean
needs_credentials (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS;
}

/* A host whose login nobody answered (here nobody listens for the question, as after a
 * Cancel) is no longer opening: a guest asked for by name must not wait for it. */
static void
test_login_not_given (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(HangarSession) session = hangar_session_new (settings);
  g_autofree char *uri = test_data_uri ("auth-host.xml");
  HangarConnection *connection;
  guint finished = 0;

  g_signal_connect (session, "open-finished", G_CALLBACK (on_open_finished_cb), &finished);
  connection = hangar_session_add_connection (session, uri, FALSE, FALSE);
  g_assert_true (hangar_session_is_opening (session));
  g_assert_true (test_wait_for (needs_credentials, connection, 5000));
  g_assert_cmpuint (finished, ==, 1);
  g_assert_false (hangar_session_is_opening (session));
  g_signal_handlers_disconnect_by_func (session, on_open_finished_cb, &finished);
  test_assert_finalized (g_steal_pointer (&session));
}

static void
test_failed_open (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(HangarSession) session = hangar_session_new (settings);
  HangarConnection *connection;
  guint finished = 0;

  g_signal_connect (session, "open-finished", G_CALLBACK (on_open_finished_cb), &finished);
  connection = hangar_session_add_connection (session, "test:///no-such-dir/no-such-host.xml",
                                              FALSE, FALSE);
  g_assert_true (hangar_session_is_opening (session));
  g_assert_true (test_wait_for (is_failed, connection, 5000));
  g_assert_cmpuint (finished, ==, 1);
  g_assert_false (hangar_session_is_opening (session));
  g_signal_handlers_disconnect_by_func (session, on_open_finished_cb, &finished);
  test_assert_finalized (g_steal_pointer (&session));
}

/* An edit (the connection form) keeps the connection under its new URI in its place:
 * a passing connection becomes remembered, a new URI replaces the connection (opened
 * only if the old one was not left closed), a URI the session has keeps that one. */
static void
test_replace (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(HangarSession) session = hangar_session_new (settings);
  g_autofree char *three = test_uri ("three-guests.xml");
  g_autofree char *empty = test_uri ("empty-host.xml");
  g_autofree char *storage = test_uri ("storage.xml");
  HangarConnection *passing;
  HangarConnection *kept;
  HangarConnection *other;
  HangarConnection *replacement;

  passing = hangar_session_add_connection (session, three, FALSE, FALSE);
  other = hangar_session_add_connection (session, empty, TRUE, FALSE);
  g_assert_true (test_wait_for (is_connected, passing, 5000));
  g_assert_false (hangar_session_get_autoconnect (session, passing));

  /* The same URI: the same connection, now remembered and opened at start. */
  kept = hangar_session_replace_connection (session, passing, three, TRUE);
  g_assert_true (kept == passing);
  g_assert_true (hangar_session_is_remembered (session, kept));
  g_assert_true (hangar_session_get_autoconnect (session, kept));
  g_assert_true (strv_is (settings, "connections", three, empty, NULL));
  g_assert_true (strv_is (settings, "autoconnect", three, NULL));
  g_assert_cmpint (hangar_connection_get_state (kept), ==, HANGAR_CONNECTION_STATE_CONNECTED);

  /* A new URI for a closed connection: in its place, closed too. */
  hangar_connection_close (kept);
  g_object_ref (kept);
  replacement = hangar_session_replace_connection (session, kept, storage, FALSE);
  test_assert_finalized (kept);
  g_assert_true (hangar_session_lookup (session, storage) == replacement);
  g_assert_null (hangar_session_lookup (session, three));
  g_assert_cmpint (hangar_connection_get_state (replacement), ==,
                   HANGAR_CONNECTION_STATE_DISCONNECTED);
  g_assert_true (strv_is (settings, "connections", storage, empty, NULL));
  g_assert_true (strv_is (settings, "autoconnect", NULL));

  /* Another connection's URI: that one stays, with the edit's settings. */
  g_object_ref (replacement);
  kept = hangar_session_replace_connection (session, replacement, empty, TRUE);
  test_assert_finalized (replacement);
  g_assert_true (kept == other);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_session_get_connections (session)), ==, 1);
  g_assert_true (strv_is (settings, "connections", empty, NULL));
  g_assert_true (strv_is (settings, "autoconnect", empty, NULL));
  test_assert_finalized (g_steal_pointer (&session));
}

/* The stats interval setting (seconds) reaches every connection (milliseconds), those
 * added before a change and after it. */
static void
test_stats_interval (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(HangarSession) session = hangar_session_new (settings);
  g_autofree char *three = test_uri ("three-guests.xml");
  HangarConnection *before;
  HangarConnection *after;

  before = hangar_session_add_connection (session, three, FALSE, FALSE);
  g_assert_cmpuint (hangar_connection_get_stats_interval (before), ==,
                    g_settings_get_uint (settings, "stats-interval") * 1000);
  g_settings_set_uint (settings, "stats-interval", 7);
  g_assert_cmpuint (hangar_connection_get_stats_interval (before), ==, 7000);
  after = hangar_session_add_connection (session, "test:///default", FALSE, FALSE);
  g_assert_cmpuint (hangar_connection_get_stats_interval (after), ==, 7000);
  g_settings_set_uint (settings, "stats-interval", 2);
  g_assert_cmpuint (hangar_connection_get_stats_interval (before), ==, 2000);
  g_assert_cmpuint (hangar_connection_get_stats_interval (after), ==, 2000);

  g_assert_true (test_wait_for (is_connected, before, 5000));
  g_assert_true (test_wait_for (is_connected, after, 5000));
  test_assert_finalized (g_steal_pointer (&session));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_core_init ();

  g_test_add_func ("/session/add-remove-persisted", test_add_remove_persisted);
  g_test_add_func ("/session/restore-autoconnect", test_restore_autoconnect);
  g_test_add_func ("/session/duplicate-and-lookup", test_duplicate_and_lookup);
  g_test_add_func ("/session/failed-open", test_failed_open);
  g_test_add_func ("/session/login-not-given", test_login_not_given);
  g_test_add_func ("/session/stats-interval", test_stats_interval);
  g_test_add_func ("/session/replace", test_replace);

  return g_test_run ();
}
