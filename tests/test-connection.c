// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-connection"

#include "config.h"

#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-core.h"
#include "test-util.h"

static gboolean
is_settled (gpointer data)
{
  HangarConnectionState state = hangar_connection_get_state (data);

  return state != HANGAR_CONNECTION_STATE_CONNECTING &&
         state != HANGAR_CONNECTION_STATE_DISCONNECTED;
}

static HangarConnection *
open_connection (const char *uri)
{
  HangarConnection *connection = hangar_connection_new (uri);

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  g_assert_true (test_wait_for (is_settled, connection, 5000));
  g_assert_cmpstr (hangar_connection_get_error_message (connection), ==, NULL);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_CONNECTED);
  return connection;
}

typedef struct {
  HangarConnection *connection;
  const char *name;
  HangarGuestState state; /* UNKNOWN: "is absent" */
} GuestCheck;

static gboolean
guest_is (gpointer data)
{
  GuestCheck *check = data;
  HangarGuest *guest = hangar_connection_find_guest (check->connection, check->name);

  if (check->state == HANGAR_GUEST_STATE_UNKNOWN)
    return guest == NULL;
  return guest != NULL && hangar_guest_get_state (guest) == check->state;
}

static void
assert_guest_becomes (HangarConnection *connection,
                      const char       *name,
                      HangarGuestState  state)
{
  GuestCheck check = { connection, name, state };

  if (!test_wait_for (guest_is, &check, 5000))
    g_error ("Guest %s did not reach state %d", name, state);
}

static void
test_open_default (void)
{
  HangarConnection *connection = open_connection ("test:///default");
  GListModel *guests = hangar_connection_get_guests (connection);
  HangarGuest *guest;

  g_assert_cmpstr (hangar_connection_get_title (connection), ==, "Test");
  g_assert_cmpuint (g_list_model_get_n_items (guests), ==, 1);
  guest = hangar_connection_find_guest (connection, "test");
  g_assert_nonnull (guest);
  g_assert_cmpint (hangar_guest_get_state (guest), ==, HANGAR_GUEST_STATE_RUNNING);
  g_assert_cmpuint (hangar_guest_get_vcpus (guest), ==, 2);
  g_assert_cmpuint (hangar_guest_get_memory (guest), ==, 8388608);
  g_assert_cmpstr (hangar_guest_get_host_name (guest), ==, "Test");

  hangar_connection_close (connection);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpuint (g_list_model_get_n_items (guests), ==, 0);
  test_assert_finalized (connection);
}

static void
test_open_file (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "three-guests.xml", NULL);
  g_autofree char *uri = g_strconcat ("test://", path, NULL);
  HangarConnection *connection = open_connection (uri);

  g_assert_cmpstr (hangar_connection_get_title (connection), ==, "Test: three-guests.xml");
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_guests (connection)), ==, 3);
  g_assert_cmpint (hangar_guest_get_state (hangar_connection_find_guest (connection, "alpha")),
                   ==, HANGAR_GUEST_STATE_RUNNING);
  g_assert_cmpint (hangar_guest_get_state (hangar_connection_find_guest (connection, "bravo")),
                   ==, HANGAR_GUEST_STATE_PAUSED);
  g_assert_cmpint (hangar_guest_get_state (hangar_connection_find_guest (connection, "charlie")),
                   ==, HANGAR_GUEST_STATE_SHUTOFF);
  g_assert_cmpuint (hangar_guest_get_memory (hangar_connection_find_guest (connection, "charlie")),
                    ==, 512 * 1024);
  g_assert_cmpuint (hangar_guest_get_vcpus (hangar_connection_find_guest (connection, "bravo")),
                    ==, 4);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static const char *new_guest_xml =
  "<domain type='test'><name>newcomer</name><memory unit='MiB'>256</memory>"
  "<vcpu>3</vcpu><os><type arch='x86_64'>hvm</type></os></domain>";

static const char *transient_guest_xml =
  "<domain type='test'><name>passerby</name><memory unit='MiB'>128</memory>"
  "<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>";

static gboolean
vcpus_are_three (gpointer data)
{
  HangarGuest *guest = hangar_connection_find_guest (data, "newcomer");

  return guest != NULL && hangar_guest_get_vcpus (guest) == 3;
}

/* Changes made through a second, plain libvirt connection reach the model as events. */
static void
test_follows_other_connection (void)
{
  HangarConnection *connection = open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  virDomainPtr domain;
  virDomainPtr transient;

  g_assert_nonnull (other);
  g_assert_null (hangar_connection_find_guest (connection, "newcomer"));

  domain = virDomainDefineXML (other, new_guest_xml);
  g_assert_nonnull (domain);
  assert_guest_becomes (connection, "newcomer", HANGAR_GUEST_STATE_SHUTOFF);
  /* Memory and vCPUs come from a refresh after the event. */
  g_assert_true (test_wait_for (vcpus_are_three, connection, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_guests (connection)), ==, 2);

  g_assert_cmpint (virDomainCreate (domain), ==, 0);
  assert_guest_becomes (connection, "newcomer", HANGAR_GUEST_STATE_RUNNING);

  g_assert_cmpint (virDomainSuspend (domain), ==, 0);
  assert_guest_becomes (connection, "newcomer", HANGAR_GUEST_STATE_PAUSED);

  g_assert_cmpint (virDomainResume (domain), ==, 0);
  assert_guest_becomes (connection, "newcomer", HANGAR_GUEST_STATE_RUNNING);

  g_assert_cmpint (virDomainDestroy (domain), ==, 0);
  assert_guest_becomes (connection, "newcomer", HANGAR_GUEST_STATE_SHUTOFF);

  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  assert_guest_becomes (connection, "newcomer", HANGAR_GUEST_STATE_UNKNOWN);
  virDomainFree (domain);

  /* A transient guest lives only while it runs. */
  transient = virDomainCreateXML (other, transient_guest_xml, 0);
  g_assert_nonnull (transient);
  assert_guest_becomes (connection, "passerby", HANGAR_GUEST_STATE_RUNNING);
  g_assert_false (hangar_guest_get_persistent (hangar_connection_find_guest (connection,
                                                                            "passerby")));
  g_assert_cmpint (virDomainDestroy (transient), ==, 0);
  assert_guest_becomes (connection, "passerby", HANGAR_GUEST_STATE_UNKNOWN);
  virDomainFree (transient);

  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_guests (connection)), ==, 1);

  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static gboolean
has_cpu_samples (gpointer data)
{
  guint n = 0;

  hangar_guest_get_cpu_history (data, &n);
  return n >= 2;
}

/* The test driver leaves cpu.time out of bulk stats: the per-guest fallback fills it. */
static void
test_stats_fallback (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "three-guests.xml", NULL);
  g_autofree char *uri = g_strconcat ("test://", path, NULL);
  HangarConnection *connection = hangar_connection_new (uri);
  HangarGuest *alpha, *charlie;
  guint n = 99;

  hangar_connection_set_stats_interval (connection, 100);
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  g_assert_true (test_wait_for (is_settled, connection, 5000));

  alpha = hangar_connection_find_guest (connection, "alpha");
  charlie = hangar_connection_find_guest (connection, "charlie");
  g_assert_true (test_wait_for (has_cpu_samples, alpha, 5000));
  g_assert_cmpfloat (hangar_guest_get_cpu_usage (alpha), >=, 0.0);
  g_assert_cmpfloat (hangar_guest_get_cpu_usage (alpha), <=, 100.0);

  /* A stopped guest is never sampled. */
  hangar_guest_get_cpu_history (charlie, &n);
  g_assert_cmpuint (n, ==, 0);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
test_bogus_uri (void)
{
  HangarConnection *connection = hangar_connection_new ("bogus:///nowhere");
  gint64 start = g_get_monotonic_time ();

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_CONNECTING);
  g_assert_true (test_wait_for (is_settled, connection, 3000));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_FAILED);
  g_assert_nonnull (hangar_connection_get_error_message (connection));
  g_assert_cmpstr (hangar_connection_get_error_message (connection), !=, "");
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_guests (connection)), ==, 0);

  test_assert_finalized (connection);
}

typedef struct {
  gboolean done;
  gboolean ok;
  GError *error;
} ActionResult;

static void
on_action_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ActionResult *res = user_data;

  res->ok = hangar_guest_run_action_finish (HANGAR_GUEST (object), result, &res->error);
  res->done = TRUE;
}

static gboolean
action_is_done (gpointer data)
{
  return ((ActionResult *)data)->done;
}

static void
run_action (HangarGuest      *guest,
            HangarGuestAction action,
            ActionResult     *res)
{
  g_clear_error (&res->error);
  res->done = FALSE;
  hangar_guest_run_action_async (guest, action, NULL, on_action_done_cb, res);
  g_assert_true (test_wait_for (action_is_done, res, 5000));
}

static void
test_actions (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "three-guests.xml", NULL);
  g_autofree char *uri = g_strconcat ("test://", path, NULL);
  HangarConnection *connection = open_connection (uri);
  HangarGuest *alpha = hangar_connection_find_guest (connection, "alpha");
  HangarGuest *charlie = hangar_connection_find_guest (connection, "charlie");
  ActionResult res = { 0 };

  g_assert_true (hangar_guest_can_do (alpha, HANGAR_GUEST_ACTION_PAUSE));
  run_action (alpha, HANGAR_GUEST_ACTION_PAUSE, &res);
  g_assert_no_error (res.error);
  assert_guest_becomes (connection, "alpha", HANGAR_GUEST_STATE_PAUSED);

  run_action (alpha, HANGAR_GUEST_ACTION_RESUME, &res);
  g_assert_no_error (res.error);
  assert_guest_becomes (connection, "alpha", HANGAR_GUEST_STATE_RUNNING);

  run_action (alpha, HANGAR_GUEST_ACTION_FORCE_OFF, &res);
  g_assert_no_error (res.error);
  assert_guest_becomes (connection, "alpha", HANGAR_GUEST_STATE_SHUTOFF);

  run_action (charlie, HANGAR_GUEST_ACTION_RUN, &res);
  g_assert_no_error (res.error);
  assert_guest_becomes (connection, "charlie", HANGAR_GUEST_STATE_RUNNING);

  /* Pausing a shut-off guest fails with a sentence naming the guest. */
  run_action (alpha, HANGAR_GUEST_ACTION_PAUSE, &res);
  g_assert_false (res.ok);
  g_assert_nonnull (res.error);
  g_assert_nonnull (strstr (res.error->message, "Could not pause “alpha”: "));
  g_clear_error (&res.error);

  /* Delete removes a running guest: it is forced off, then undefined. */
  run_action (charlie, HANGAR_GUEST_ACTION_DELETE, &res);
  g_assert_no_error (res.error);
  assert_guest_becomes (connection, "charlie", HANGAR_GUEST_STATE_UNKNOWN);
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_guests (connection)), ==, 2);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* A guest window holds its HangarGuest: the same object must come back, current, after
 * the connection closes and opens again. */
static void
test_guests_survive_reconnect (void)
{
  HangarConnection *connection = open_connection ("test:///default");
  g_autoptr(HangarGuest) guest = g_object_ref (hangar_connection_find_guest (connection, "test"));

  hangar_connection_close (connection);
  g_assert_cmpint (hangar_guest_get_state (guest), ==, HANGAR_GUEST_STATE_UNKNOWN);
  g_assert_false (hangar_guest_can_do (guest, HANGAR_GUEST_ACTION_PAUSE));

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  g_assert_true (test_wait_for (is_settled, connection, 5000));
  g_assert_true (hangar_connection_find_guest (connection, "test") == guest);
  g_assert_cmpint (hangar_guest_get_state (guest), ==, HANGAR_GUEST_STATE_RUNNING);
  g_assert_true (hangar_guest_can_do (guest, HANGAR_GUEST_ACTION_PAUSE));

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_core_init ();

  g_test_add_func ("/connection/open-default", test_open_default);
  g_test_add_func ("/connection/open-file", test_open_file);
  g_test_add_func ("/connection/follows-other-connection", test_follows_other_connection);
  g_test_add_func ("/connection/stats-fallback", test_stats_fallback);
  g_test_add_func ("/connection/bogus-uri", test_bogus_uri);
  g_test_add_func ("/connection/actions", test_actions);
  g_test_add_func ("/connection/guests-survive-reconnect", test_guests_survive_reconnect);

  return g_test_run ();
}
