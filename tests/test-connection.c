// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-connection"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-guest-private.h"
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

static char *
data_uri (const char *file)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", file, NULL);

  return g_strconcat ("test://", path, NULL);
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
  g_autofree char *uri = data_uri ("three-guests.xml");
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
  g_autoptr(HangarGuest) newcomer = NULL;
  g_autoptr(HangarGuest) passerby = NULL;

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

  newcomer = g_object_ref (hangar_connection_find_guest (connection, "newcomer"));
  g_assert_false (hangar_guest_get_removed (newcomer));
  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  assert_guest_becomes (connection, "newcomer", HANGAR_GUEST_STATE_UNKNOWN);
  virDomainFree (domain);
  /* Whoever still holds it learns that it left the host, and that it can do nothing. */
  g_assert_true (hangar_guest_get_removed (newcomer));
  g_assert_false (hangar_guest_can_do (newcomer, HANGAR_GUEST_ACTION_RUN));
  g_assert_false (hangar_guest_can_do (newcomer, HANGAR_GUEST_ACTION_DELETE));

  /* A transient guest lives only while it runs. */
  transient = virDomainCreateXML (other, transient_guest_xml, 0);
  g_assert_nonnull (transient);
  assert_guest_becomes (connection, "passerby", HANGAR_GUEST_STATE_RUNNING);
  g_assert_false (hangar_guest_get_persistent (hangar_connection_find_guest (connection,
                                                                            "passerby")));
  passerby = g_object_ref (hangar_connection_find_guest (connection, "passerby"));
  g_assert_cmpint (virDomainDestroy (transient), ==, 0);
  assert_guest_becomes (connection, "passerby", HANGAR_GUEST_STATE_UNKNOWN);
  virDomainFree (transient);
  g_assert_true (hangar_guest_get_removed (passerby));

  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_guests (connection)), ==, 1);

  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static gboolean
has_five_cpu_samples (gpointer data)
{
  guint n = 0;

  hangar_guest_get_cpu_history (data, &n);
  return n >= 5;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* The test driver answers the bulk stats call with records that hold neither cpu.time
 * nor balloon.current, so each running guest is asked on its own (virDomainGetInfo).
 * Its CPU time is the wall clock in nanoseconds: a guest with N vCPUs shows 100/N %,
 * and its memory becomes what it uses (currentMemory), not what it may (memory). */
static void
test_stats_per_guest (void)
{
  g_autofree char *uri = data_uri ("every-state.xml");
  HangarConnection *connection = hangar_connection_new (uri);
  HangarGuest *running, *paused, *shutoff;
  const double *history;
  double samples[HANGAR_GUEST_CPU_HISTORY_LEN];
  guint n = 99;

  hangar_connection_set_stats_interval (connection, 200);
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  g_assert_true (test_wait_for (is_settled, connection, 5000));

  running = hangar_connection_find_guest (connection, "running");
  paused = hangar_connection_find_guest (connection, "paused");
  shutoff = hangar_connection_find_guest (connection, "shutoff");
  g_assert_true (test_wait_for (has_five_cpu_samples, running, 5000));

  /* The median, so one late tick does not decide. 4 vCPUs in every-state.xml. */
  history = hangar_guest_get_cpu_history (running, &n);
  memcpy (samples, history + HANGAR_GUEST_CPU_HISTORY_LEN - n, n * sizeof (double));
  qsort (samples, n, sizeof (double), compare_doubles);
  g_test_message ("median %f of %u", samples[n / 2], n);
  g_assert_cmpfloat_with_epsilon (samples[n / 2], 100.0 / 4, 2.5);
  g_assert_cmpuint (hangar_guest_get_memory (running), ==, 768 * 1024);

  /* A paused guest uses no CPU; a stopped one is never sampled. */
  hangar_guest_get_cpu_history (paused, &n);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (hangar_guest_get_memory (paused), ==, 256 * 1024);
  hangar_guest_get_cpu_history (shutoff, &n);
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

/* An action libvirt refuses fails with a sentence naming the guest and why. */
static void
test_action_refused (void)
{
  g_autofree char *uri = data_uri ("three-guests.xml");
  HangarConnection *connection = open_connection (uri);
  HangarGuest *charlie = hangar_connection_find_guest (connection, "charlie");
  ActionResult res = { 0 };

  g_assert_false (hangar_guest_can_do (charlie, HANGAR_GUEST_ACTION_PAUSE));
  run_action (charlie, HANGAR_GUEST_ACTION_PAUSE, &res);
  g_assert_false (res.ok);
  g_assert_nonnull (res.error);
  g_assert_nonnull (strstr (res.error->message, "Could not pause “charlie”: "));
  g_assert_cmpuint (strlen (res.error->message), >, strlen ("Could not pause “charlie”: "));
  g_clear_error (&res.error);
  g_assert_cmpint (hangar_guest_get_state (charlie), ==, HANGAR_GUEST_STATE_SHUTOFF);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* What each state allows, written out (not derived from hangar_guest_can_do): run, pause,
 * resume, shut down, reboot, force off, delete. A crashed guest is still active (libvirt
 * keeps it for inspection): it can be forced off, not started. */
#define N_ACTIONS (HANGAR_GUEST_ACTION_DELETE + 1)
static const gboolean allows[][N_ACTIONS] = {
  /*                                  run pause resume down reboot off delete */
  [HANGAR_GUEST_STATE_UNKNOWN]       = { 0, 0,    0,     0,   0,     0,  0 },
  [HANGAR_GUEST_STATE_RUNNING]       = { 0, 1,    0,     1,   1,     1,  1 },
  [HANGAR_GUEST_STATE_PAUSED]        = { 0, 0,    1,     0,   0,     1,  1 },
  [HANGAR_GUEST_STATE_SHUTTING_DOWN] = { 0, 0,    0,     0,   0,     1,  1 },
  [HANGAR_GUEST_STATE_SHUTOFF]       = { 1, 0,    0,     0,   0,     0,  1 },
  [HANGAR_GUEST_STATE_CRASHED]       = { 0, 0,    0,     0,   0,     1,  1 },
  [HANGAR_GUEST_STATE_SUSPENDED]     = { 0, 0,    1,     0,   0,     1,  1 },
};

/* The guests of every-state.xml, each in the state it names. */
static const struct {
  const char *name;
  HangarGuestState state;
  int virt_state;
} state_guests[] = {
  { "running", HANGAR_GUEST_STATE_RUNNING, VIR_DOMAIN_RUNNING },
  { "paused", HANGAR_GUEST_STATE_PAUSED, VIR_DOMAIN_PAUSED },
  { "shutting-down", HANGAR_GUEST_STATE_SHUTTING_DOWN, VIR_DOMAIN_SHUTDOWN },
  { "shutoff", HANGAR_GUEST_STATE_SHUTOFF, VIR_DOMAIN_SHUTOFF },
  { "crashed", HANGAR_GUEST_STATE_CRASHED, VIR_DOMAIN_CRASHED },
  { "suspended", HANGAR_GUEST_STATE_SUSPENDED, VIR_DOMAIN_PMSUSPENDED },
};

static void
assert_allows (HangarGuest     *guest,
               HangarGuestState state)
{
  for (HangarGuestAction action = 0; action < N_ACTIONS; action++)
    if (hangar_guest_can_do (guest, action) != allows[state][action])
      g_error ("%s (%s): can_do (%s) is %d", hangar_guest_get_name (guest),
               hangar_guest_state_to_label (state), hangar_guest_action_to_verb (action),
               !allows[state][action]);
}

static void
assert_virt_state (HangarGuest *guest,
                   int          expected_state,
                   int          expected_reason)
{
  int state = -1, reason = -1;

  /* libvirt's own answer, not Hangar's model. */
  g_assert_cmpint (virDomainGetState (hangar_guest_get_domain (guest), &state, &reason, 0), ==, 0);
  g_assert_cmpint (state, ==, expected_state);
  if (expected_reason >= 0)
    g_assert_cmpint (reason, ==, expected_reason);
}

/* What each action leads to, as Hangar and as libvirt tell (a reason of -1: any). The
 * test driver reboots at once and says nothing: the reason shows the boot (the file's
 * guests start with reason unknown). */
static const struct {
  HangarGuestState state;
  int virt_state;
  int reason;
} outcomes[] = {
  [HANGAR_GUEST_ACTION_RUN] = { HANGAR_GUEST_STATE_RUNNING, VIR_DOMAIN_RUNNING, -1 },
  [HANGAR_GUEST_ACTION_PAUSE] = { HANGAR_GUEST_STATE_PAUSED, VIR_DOMAIN_PAUSED,
                                  VIR_DOMAIN_PAUSED_USER },
  [HANGAR_GUEST_ACTION_RESUME] = { HANGAR_GUEST_STATE_RUNNING, VIR_DOMAIN_RUNNING, -1 },
  [HANGAR_GUEST_ACTION_SHUTDOWN] = { HANGAR_GUEST_STATE_SHUTOFF, VIR_DOMAIN_SHUTOFF,
                                     VIR_DOMAIN_SHUTOFF_SHUTDOWN },
  [HANGAR_GUEST_ACTION_REBOOT] = { HANGAR_GUEST_STATE_RUNNING, VIR_DOMAIN_RUNNING,
                                   VIR_DOMAIN_RUNNING_BOOTED },
  [HANGAR_GUEST_ACTION_FORCE_OFF] = { HANGAR_GUEST_STATE_SHUTOFF, VIR_DOMAIN_SHUTOFF,
                                      VIR_DOMAIN_SHUTOFF_DESTROYED },
  /* DELETE: the guest leaves the list. */
};

/* One allowed action on a guest of a fresh test-driver host (each open of a test:// file
 * starts from the file), and what it leads to. */
static void
check_action (guint             index,
              HangarGuestAction action)
{
  g_autofree char *uri = data_uri ("every-state.xml");
  HangarConnection *connection = open_connection (uri);
  const char *name = state_guests[index].name;
  HangarGuest *guest = hangar_connection_find_guest (connection, name);
  ActionResult res = { 0 };

  g_test_message ("%s: %s", name, hangar_guest_action_to_verb (action));
  g_assert_nonnull (guest);
  g_assert_cmpint (hangar_guest_get_state (guest), ==, state_guests[index].state);
  g_assert_cmpint (hangar_guest_is_active (guest), ==,
                   virDomainIsActive (hangar_guest_get_domain (guest)) == 1);
  assert_allows (guest, state_guests[index].state);

  run_action (guest, action, &res);
  if (action == HANGAR_GUEST_ACTION_RESUME &&
      state_guests[index].state == HANGAR_GUEST_STATE_SUSPENDED)
    {
      /* Waking a suspended guest is virDomainPMWakeup, which the test driver lacks: the
       * failure must be a sentence naming the guest and why. */
      g_assert_false (res.ok);
      g_assert_nonnull (strstr (res.error->message, "Could not resume “suspended”: "));
      g_assert_nonnull (strstr (res.error->message, "virDomainPMWakeup"));
      g_clear_error (&res.error);
      g_assert_cmpint (hangar_guest_get_state (guest), ==, HANGAR_GUEST_STATE_SUSPENDED);
    }
  else
    {
      g_assert_no_error (res.error);
      g_assert_true (res.ok);
      if (action == HANGAR_GUEST_ACTION_DELETE)
        {
          assert_guest_becomes (connection, name, HANGAR_GUEST_STATE_UNKNOWN);
          g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_guests (connection)),
                            ==, G_N_ELEMENTS (state_guests) - 1);
        }
      else
        {
          assert_guest_becomes (connection, name, outcomes[action].state);
          assert_virt_state (guest, outcomes[action].virt_state, outcomes[action].reason);
        }
    }

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* hangar_guest_can_do's whole matrix on every state the test driver can put a guest in,
 * and every allowed action performed. */
static void
test_every_action_on_every_state (void)
{
  g_autofree char *uri = data_uri ("every-state.xml");
  HangarConnection *connection;
  g_autoptr(HangarGuest) guest = NULL;
  ActionResult res = { 0 };
  guint performed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (state_guests); i++)
    for (HangarGuestAction action = 0; action < N_ACTIONS; action++)
      if (allows[state_guests[i].state][action])
        {
          check_action (i, action);
          performed++;
        }
  g_assert_cmpuint (performed, ==, 17);

  /* A guest whose host is not connected allows nothing, and says why if asked. */
  connection = open_connection (uri);
  guest = g_object_ref (hangar_connection_find_guest (connection, "running"));
  hangar_connection_close (connection);
  g_assert_cmpint (hangar_guest_get_state (guest), ==, HANGAR_GUEST_STATE_UNKNOWN);
  assert_allows (guest, HANGAR_GUEST_STATE_UNKNOWN);
  run_action (guest, HANGAR_GUEST_ACTION_FORCE_OFF, &res);
  g_assert_false (res.ok);
  g_assert_error (res.error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (res.error->message, ==,
                   "Could not force off “running”: its host is not connected");
  g_clear_error (&res.error);
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
  /* Away with its host, not removed from it. */
  g_assert_false (hangar_guest_get_removed (guest));

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
  g_test_add_func ("/connection/stats-per-guest", test_stats_per_guest);
  g_test_add_func ("/connection/bogus-uri", test_bogus_uri);
  g_test_add_func ("/connection/action-refused", test_action_refused);
  g_test_add_func ("/connection/every-action-on-every-state", test_every_action_on_every_state);
  g_test_add_func ("/connection/guests-survive-reconnect", test_guests_survive_reconnect);

  return g_test_run ();
}
