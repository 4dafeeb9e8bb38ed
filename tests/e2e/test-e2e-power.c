// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Hangar's own power actions on a real guest: Run, Reboot and Shut Down, as the main
 * window and the guest window run them (hangar_guest_run_action_async), on the tiny
 * guest under a real libvirtd + QEMU. One persistent guest goes through all three:
 *
 *   defined (off) ──Run──> running ──Reboot──> running, booted again ──Shut Down──> off
 *
 * libvirt's shutdown and reboot press the guest's ACPI power button; the guest's acpid
 * (tests/guest/build-guest.sh) says HANGAR-GUEST-POWER-BUTTON on its serial port and
 * powers off, and for a reboot libvirt starts it again. So each step is judged by the
 * guest itself — its serial port's markers, a fresh HANGAR-GUEST-READY after a reboot,
 * libvirt's reason for the shut off state (the guest shut down, nobody destroyed it) —
 * and by Hangar's model: the guest's "state" property the windows bind to.
 *
 * Needs (build-aux/test provides them): HANGAR_TEST_LIBVIRT_URI (qemu:///system, root),
 * HANGAR_TEST_GUEST_DIR (the tiny guest). Whatever fails, the guest is destroyed and
 * undefined (e2e_assert and SIGTERM run the cleanup first).
 */
#define G_LOG_DOMAIN "test-e2e-power"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <gio/gio.h>
#include <libvirt/libvirt.h>

#include "e2e-virt.h"
#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-guest.h"

#define GUEST_PREFIX  "hangar-e2e-power-"
#define READY_MARK    "HANGAR-GUEST-READY"
#define BUTTON_MARK   "HANGAR-GUEST-POWER-BUTTON"

/* Timeouts (ms). */
#define CONNECT_TIMEOUT 15000
#define LIST_TIMEOUT     5000
#define ACTION_TIMEOUT  30000
#define BOOT_TIMEOUT    90000
#define OFF_TIMEOUT     30000

static const char *uri;
static char *guest_name;
static char *serial_log;
static virConnectPtr virt;
static virDomainPtr domain;
static HangarConnection *connection;
static HangarGuest *guest;
/* Every state Hangar's model went through, in order, as the windows saw it. */
static GArray *states;

static void
cleanup (void)
{
  virConnectPtr c;

  if (guest_name != NULL && uri != NULL && (c = virConnectOpen (uri)) != NULL)
    {
      e2e_remove_domain (c, guest_name);
      virConnectClose (c);
    }
  if (serial_log != NULL)
    unlink (serial_log);
}

static gboolean
on_terminate (gpointer data)
{
  g_printerr ("# terminated: cleaning up\n");
  cleanup ();
  _exit (1);
  return G_SOURCE_REMOVE;
}

/* ---- the guest ------------------------------------------------------------------------- */

static char *
guest_xml (void)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "guest", "guest-xml.sh",
                                                   NULL);
  const char *argv[] = { "bash", script, guest_name, "none", serial_log, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  e2e_assert (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                            &err, &status, &error) &&
              g_spawn_check_wait_status (status, &error),
              "tests/guest/guest-xml.sh failed (build the guest with "
              "tests/guest/build-guest.sh): %s %s", error->message, err ? err : "");
  return g_steal_pointer (&out);
}

/* How often the guest wrote @mark on its serial port so far. */
static guint
serial_count (const char *mark)
{
  g_autofree char *log = NULL;
  guint n = 0;

  if (!g_file_get_contents (serial_log, &log, NULL, NULL))
    return 0;
  for (const char *p = log; (p = strstr (p, mark)) != NULL; p += strlen (mark))
    n++;
  return n;
}

typedef struct {
  const char *mark;
  guint       count;
} SerialWait;

static gboolean
serial_count_reached (gpointer data)
{
  SerialWait *w = data;

  return serial_count (w->mark) >= w->count;
}

static void
assert_serial_count (const char *mark,
                     guint       count,
                     guint       timeout_ms,
                     const char *what)
{
  SerialWait w = { mark, count };
  gint64 ms = 0;

  e2e_assert (e2e_wait_for_elapsed (serial_count_reached, &w, timeout_ms, &ms),
              "%s: the guest wrote %s %u times on its serial port, not %u, within %u ms",
              what, mark, serial_count (mark), count, timeout_ms);
  g_test_message ("%s: %s #%u on the serial port after %" G_GINT64_FORMAT " ms", what, mark,
                  count, ms);
}

static gboolean
connection_open (gpointer data)
{
  return hangar_connection_get_state (connection) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static gboolean
guest_listed (gpointer data)
{
  return hangar_connection_find_guest (connection, guest_name) != NULL;
}

static gboolean
model_state_is (gpointer data)
{
  return hangar_guest_get_state (guest) == (HangarGuestState)GPOINTER_TO_INT (data);
}

static void
assert_model_state (HangarGuestState state,
                    guint            timeout_ms,
                    const char      *what)
{
  gint64 ms = 0;

  e2e_assert (e2e_wait_for_elapsed (model_state_is, GINT_TO_POINTER (state), timeout_ms, &ms),
              "%s: Hangar shows the guest “%s”, not “%s”, after %u ms", what,
              hangar_guest_get_state_label (guest), hangar_guest_state_to_label (state),
              timeout_ms);
  g_test_message ("%s: Hangar shows “%s” after %" G_GINT64_FORMAT " ms", what,
                  hangar_guest_state_to_label (state), ms);
}

static void
assert_libvirt_state (int         want,
                      int         want_reason,
                      const char *what)
{
  int state = -1, reason = -1;

  e2e_assert (virDomainGetState (domain, &state, &reason, 0) == 0,
              "%s: libvirt cannot tell the guest's state: %s", what, e2e_virt_error ());
  e2e_assert (state == want && (want_reason < 0 || reason == want_reason),
              "%s: libvirt says state %d (reason %d), not %d (reason %d)", what, state, reason,
              want, want_reason);
}

/* The property the windows bind to (the header's buttons, the console pages). */
static gboolean
guest_active (void)
{
  gboolean active = FALSE;

  g_object_get (guest, "active", &active, NULL);
  return active;
}

static void
on_state_cb (HangarGuest *g,
             GParamSpec  *pspec,
             gpointer     data)
{
  HangarGuestState state = hangar_guest_get_state (g);

  g_array_append_val (states, state);
}

/* The states Hangar showed since @from, as "Running → Shutting Down → …". */
static char *
states_since (guint from)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = from; i < states->len; i++)
    g_string_append_printf (text, "%s%s", i > from ? " → " : "",
                            hangar_guest_state_to_label (g_array_index (states,
                                                                        HangarGuestState, i)));
  return g_strdup (text->len > 0 ? text->str : "(no change)");
}

/* ---- Hangar's action, as the windows run it -------------------------------------------- */

/* Keeps the result for the waiting test to finish. */
static void
on_action_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

static void
run_action (HangarGuestAction action)
{
  const char *verb = hangar_guest_action_to_verb (action);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ms = 0;

  e2e_assert (hangar_guest_can_do (guest, action), "Hangar does not offer to %s a guest "
              "that is “%s”", verb, hangar_guest_get_state_label (guest));
  hangar_guest_run_action_async (guest, action, NULL, on_action_done_cb, &result);
  e2e_assert (e2e_wait_for_elapsed (result_ready, &result, ACTION_TIMEOUT, &ms),
              "Hangar's %s did not finish within %d ms", verb, ACTION_TIMEOUT);
  e2e_assert (hangar_guest_run_action_finish (guest, result, &error),
              "Hangar could not %s the guest: %s", verb, error ? error->message : "(no error)");
  g_test_message ("%s: Hangar's action returned after %" G_GINT64_FORMAT " ms", verb, ms);
}

/* ---- the steps ------------------------------------------------------------------------- */

static void
test_run (void)
{
  g_autofree char *xml = NULL;

  e2e_assert (uri != NULL && *uri != '\0',
              "HANGAR_TEST_LIBVIRT_URI is not set: run the tests with build-aux/test, which "
              "starts libvirtd");
  virt = virConnectOpen (uri);
  e2e_assert (virt != NULL, "cannot connect to %s: %s (is libvirtd running?)", uri,
              e2e_virt_error ());
  e2e_remove_stale_domains (virt, GUEST_PREFIX);

  connection = hangar_connection_new (uri);
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  e2e_assert (e2e_wait_for (connection_open, NULL, CONNECT_TIMEOUT),
              "Hangar could not connect to %s within %d ms: %s", uri, CONNECT_TIMEOUT,
              hangar_connection_get_error_message (connection));

  /* Persistent, so that a guest that shuts down stays listed, off. */
  unlink (serial_log);
  xml = guest_xml ();
  domain = virDomainDefineXML (virt, xml);
  e2e_assert (domain != NULL, "cannot define %s: %s", guest_name, e2e_virt_error ());
  e2e_assert (e2e_wait_for (guest_listed, NULL, LIST_TIMEOUT),
              "Hangar does not list the defined guest %s", guest_name);
  guest = g_object_ref (hangar_connection_find_guest (connection, guest_name));
  g_signal_connect (guest, "notify::state", G_CALLBACK (on_state_cb), NULL);
  assert_model_state (HANGAR_GUEST_STATE_SHUTOFF, LIST_TIMEOUT, "defined");
  e2e_assert (!hangar_guest_can_do (guest, HANGAR_GUEST_ACTION_SHUTDOWN) &&
              !hangar_guest_can_do (guest, HANGAR_GUEST_ACTION_REBOOT),
              "Hangar offers to shut down or reboot a guest that is off");

  run_action (HANGAR_GUEST_ACTION_RUN);
  assert_model_state (HANGAR_GUEST_STATE_RUNNING, LIST_TIMEOUT, "run");
  assert_serial_count (READY_MARK, 1, BOOT_TIMEOUT, "run");
  assert_libvirt_state (VIR_DOMAIN_RUNNING, -1, "run");
  e2e_assert (guest_active (), "Hangar's “active” says a running guest is not active");
}

static void
test_reboot (void)
{
  guint from = states->len;
  g_autofree char *seen = NULL;

  e2e_assert (guest != NULL && serial_count (READY_MARK) == 1,
              "the run step did not leave a booted guest");

  run_action (HANGAR_GUEST_ACTION_REBOOT);
  /* The guest heard the button, powered off, and libvirt started it again: a second
   * boot of the same guest, its shell up once more. */
  assert_serial_count (BUTTON_MARK, 1, OFF_TIMEOUT, "reboot");
  assert_serial_count (READY_MARK, 2, BOOT_TIMEOUT, "reboot");
  assert_model_state (HANGAR_GUEST_STATE_RUNNING, LIST_TIMEOUT, "reboot");
  assert_libvirt_state (VIR_DOMAIN_RUNNING, -1, "reboot");
  g_test_message ("reboot: Hangar showed %s", (seen = states_since (from)));
  e2e_assert (hangar_guest_can_do (guest, HANGAR_GUEST_ACTION_SHUTDOWN),
              "Hangar does not offer to shut down the rebooted guest");
}

static void
test_shutdown (void)
{
  guint from = states->len;
  g_autofree char *seen = NULL;

  e2e_assert (guest != NULL && serial_count (READY_MARK) == 2,
              "the reboot step did not leave a rebooted guest");

  run_action (HANGAR_GUEST_ACTION_SHUTDOWN);
  assert_serial_count (BUTTON_MARK, 2, OFF_TIMEOUT, "shut down");
  assert_model_state (HANGAR_GUEST_STATE_SHUTOFF, OFF_TIMEOUT, "shut down");
  g_test_message ("shut down: Hangar showed %s", (seen = states_since (from)));
  /* Off because the guest powered itself off, not because anything destroyed it. */
  assert_libvirt_state (VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN, "shut down");
  e2e_assert (!guest_active (), "Hangar's “active” says a guest that is off is active");
  e2e_assert (hangar_guest_can_do (guest, HANGAR_GUEST_ACTION_RUN) &&
              !hangar_guest_can_do (guest, HANGAR_GUEST_ACTION_SHUTDOWN),
              "Hangar's offers do not follow the guest being off");
  /* Nothing booted it again. */
  e2e_assert (serial_count (READY_MARK) == 2, "the guest booted again after shutting down");
}

/* libvirt-glib's event loop reports each watch at debug level: not this test's story. */
static void
drop_debug (const char    *log_domain,
            GLogLevelFlags level,
            const char    *message,
            gpointer       data)
{
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  e2e_set_cleanup (cleanup);
  g_log_set_handler (NULL, G_LOG_LEVEL_DEBUG, drop_debug, NULL);
  uri = g_getenv ("HANGAR_TEST_LIBVIRT_URI");
  guest_name = g_strdup_printf (GUEST_PREFIX "%d", (int)getpid ());
  serial_log = g_strdup_printf ("/var/log/libvirt/qemu/%s-serial.log", guest_name);
  states = g_array_new (FALSE, FALSE, sizeof (HangarGuestState));

  hangar_core_init ();
  g_unix_signal_add (SIGTERM, on_terminate, NULL);
  g_unix_signal_add (SIGINT, on_terminate, NULL);

  g_test_add_func ("/e2e/power/run", test_run);
  g_test_add_func ("/e2e/power/reboot", test_reboot);
  g_test_add_func ("/e2e/power/shutdown", test_shutdown);
  ret = g_test_run ();

  if (guest != NULL)
    g_signal_handlers_disconnect_by_func (guest, on_state_cb, NULL);
  g_clear_object (&guest);
  if (connection != NULL)
    {
      hangar_connection_close (connection);
      g_clear_object (&connection);
    }
  cleanup ();
  g_clear_pointer (&domain, virDomainFree);
  g_clear_pointer (&virt, virConnectClose);
  g_array_unref (states);
  g_free (serial_log);
  g_free (guest_name);
  return ret;
}
