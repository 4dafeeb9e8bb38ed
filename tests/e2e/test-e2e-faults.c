// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Faults of real hosts, as a user meets them: an sshd of the test's own on 127.0.0.1
 * (e2e-sshd.h) in front of the real libvirtd.
 *
 * ssh-login-refused: a user sshd does not let in fails with its sentence.
 * libvirtd-killed: with a local and an SSH connection open, libvirtd is killed: both
 *   show the drop (libvirt's close callback: EOF); a Retry on the local one at once
 *   fails and must not stop its reconnecting; a new local open says libvirtd is
 *   not running (its socket named), a new SSH open says the same of the remote host;
 *   libvirtd is started again and both come back by themselves. Throughout, the main
 *   loop's longest stall (a 10 ms timeout's lateness) stays under 100 ms.
 * libvirtd is left running whatever happens (the cleanup starts it again).
 */
#define G_LOG_DOMAIN "test-e2e-faults"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <glib.h>

#include "e2e-sshd.h"
#include "e2e-virt.h"
#include "fault-stall.h"
#include "hangar-connection.h"

#define MAX_STALL_MS 100
/* The unix socket libvirt 9.0's client opens for qemu:///system to a monolithic
 * libvirtd, on this machine as on the remote end of virt-ssh-helper. */
#define LIBVIRT_SOCKET "/var/run/libvirt/libvirt-sock"

static int sshd_port;
static gboolean libvirtd_stopped; /* by this test, and not yet started again */

static gboolean
is_settled (gpointer data)
{
  HangarConnectionState state = hangar_connection_get_state (data);

  return state != HANGAR_CONNECTION_STATE_CONNECTING &&
         state != HANGAR_CONNECTION_STATE_DISCONNECTED;
}

typedef struct {
  HangarConnection *connection;
  HangarConnectionState state;
} StateCheck;

static gboolean
state_is (gpointer data)
{
  StateCheck *check = data;

  return hangar_connection_get_state (check->connection) == check->state;
}

static void
await_state (HangarConnection     *connection,
             HangarConnectionState state,
             guint                 timeout_ms,
             const char           *why)
{
  StateCheck check = { connection, state };
  gint64 ms = 0;

  e2e_assert (e2e_wait_for_elapsed (state_is, &check, timeout_ms, &ms),
              "%s: %s is “%s” (%s), not state %d after %u ms", why,
              hangar_connection_get_uri (connection),
              hangar_connection_get_state_label (connection),
              hangar_connection_get_error_message (connection), state, timeout_ms);
  g_test_message ("%s: %s reached “%s” in %" G_GINT64_FORMAT " ms", why,
                  hangar_connection_get_uri (connection),
                  hangar_connection_get_state_label (connection), ms);
}

/* Opens @uri; returns the connection once the attempt has ended either way. */
static HangarConnection *
open_settled (const char *uri,
              guint       timeout_ms)
{
  HangarConnection *connection = hangar_connection_new (uri);

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  e2e_assert (e2e_wait_for (is_settled, connection, timeout_ms),
              "opening %s did not end within %u ms", uri, timeout_ms);
  return connection;
}

/* Every message a connection showed: a failed reconnect soon replaces the drop's. */
static void
on_error_message_cb (HangarConnection *connection,
                     GParamSpec       *pspec,
                     GPtrArray        *seen)
{
  const char *message = hangar_connection_get_error_message (connection);

  if (message != NULL)
    g_ptr_array_add (seen, g_strdup (message));
}

static gboolean
was_shown (GPtrArray  *seen,
           const char *message)
{
  for (guint i = 0; i < seen->len; i++)
    if (g_str_equal (g_ptr_array_index (seen, i), message))
      return TRUE;
  return FALSE;
}

static char *
ssh_uri (const char *user)
{
  return g_strdup_printf ("qemu+ssh://%s@127.0.0.1:%d/system", user, sshd_port);
}

/* ---- libvirtd ---------------------------------------------------------------------- */

static gboolean
libvirtd_answers (gpointer data)
{
  virConnectPtr conn = virConnectOpen ("qemu:///system");

  if (conn == NULL)
    return FALSE;
  virConnectClose (conn);
  return TRUE;
}

static gboolean
process_gone (gpointer data)
{
  return kill (GPOINTER_TO_INT (data), 0) < 0 && errno == ESRCH;
}

static void
stop_libvirtd (void)
{
  g_autofree char *text = NULL;
  pid_t pid;

  e2e_assert (g_file_get_contents ("/run/libvirtd.pid", &text, NULL, NULL),
              "no /run/libvirtd.pid: this test stops the system libvirtd (run it as root, "
              "through build-aux/test)");
  pid = (pid_t)g_ascii_strtoll (text, NULL, 10);
  libvirtd_stopped = TRUE;
  e2e_assert (pid > 0 && kill (pid, SIGTERM) == 0, "cannot stop libvirtd (pid %d): %s",
              (int)pid, g_strerror (errno));
  e2e_assert (e2e_wait_for (process_gone, GINT_TO_POINTER (pid), 15000),
              "libvirtd (pid %d) did not exit", (int)pid);
}

/* Starts libvirtd as the machine runs it: systemd, else libvirtd -d. */
static gboolean
spawn_libvirtd (GError **error)
{
  const char *daemon[] = { "/usr/sbin/libvirtd", "-d", NULL };
  const char *unit[] = { "systemctl", "start", "libvirtd.service", NULL };
  gboolean systemd = g_file_test ("/run/systemd/system", G_FILE_TEST_IS_DIR);
  int status;

  return g_spawn_sync (NULL, (char **)(systemd ? unit : daemon), NULL, G_SPAWN_SEARCH_PATH,
                       NULL, NULL, NULL, NULL, &status, error) &&
         g_spawn_check_wait_status (status, error);
}

static void
start_libvirtd (void)
{
  g_autoptr(GError) error = NULL;

  e2e_assert (spawn_libvirtd (&error), "cannot start libvirtd: %s", error->message);
  e2e_assert (e2e_wait_for (libvirtd_answers, NULL, 15000), "libvirtd does not answer");
  libvirtd_stopped = FALSE;
}

/* Whatever failed, the other end-to-end tests find libvirtd running. */
static void
cleanup (void)
{
  if (libvirtd_stopped && !libvirtd_answers (NULL))
    {
      g_autoptr(GError) error = NULL;

      if (!spawn_libvirtd (&error))
        g_printerr ("# cleanup: could not start libvirtd: %s\n", error->message);
      for (int i = 0; i < 150 && !libvirtd_answers (NULL); i++)
        g_usleep (100 * 1000);
    }
  libvirtd_stopped = FALSE;
}

/* ---- the tests --------------------------------------------------------------------- */

static void
test_ssh_login_refused (void)
{
  g_autofree char *uri = ssh_uri ("nobody");
  g_autoptr(FaultStallMeter) stall = fault_stall_meter_start ();
  g_autoptr(HangarConnection) connection = open_settled (uri, 20000);

  g_test_message ("%s: %s", uri, hangar_connection_get_error_message (connection));
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_FAILED);
  g_assert_cmpstr (hangar_connection_get_error_message (connection), ==,
                   "127.0.0.1 refused the login. Check the user name and the password or "
                   "key, then try again.");
  g_assert_cmpfloat (fault_stall_meter_max_ms (stall), <, MAX_STALL_MS);
}

/* A person's Retry as soon as the drop shows, before the first reconnect (1 s later):
 * it fails while libvirtd is stopped, and the host must still come back by itself. */
static gboolean retried;

static gboolean
retry_cb (gpointer data)
{
  hangar_connection_open_async (data, NULL, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_lost_retry_cb (HangarConnection *connection,
                  GParamSpec       *pspec,
                  gpointer          data)
{
  if (!retried && g_str_has_prefix (hangar_connection_get_error_message (connection) ?: "",
                                    "Connection lost"))
    {
      retried = TRUE;
      g_idle_add_full (G_PRIORITY_HIGH, retry_cb, g_object_ref (connection), g_object_unref);
    }
}

static void
test_libvirtd_killed (void)
{
  g_autofree char *remote_uri = ssh_uri ("root");
  g_autoptr(HangarConnection) local = open_settled ("qemu:///system", 15000);
  g_autoptr(HangarConnection) remote = open_settled (remote_uri, 30000);
  g_autoptr(HangarConnection) local_new = NULL;
  g_autoptr(HangarConnection) remote_new = NULL;
  g_autoptr(FaultStallMeter) stall = NULL;
  const char *lost = "Connection lost: the hypervisor service closed the connection.";
  g_autoptr(GPtrArray) local_seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) remote_seen = g_ptr_array_new_with_free_func (g_free);

  e2e_assert (hangar_connection_get_state (local) == HANGAR_CONNECTION_STATE_CONNECTED,
              "qemu:///system: %s", hangar_connection_get_error_message (local));
  e2e_assert (hangar_connection_get_state (remote) == HANGAR_CONNECTION_STATE_CONNECTED,
              "%s: %s", remote_uri, hangar_connection_get_error_message (remote));

  g_signal_connect (local, "notify::error-message", G_CALLBACK (on_error_message_cb),
                    local_seen);
  g_signal_connect (remote, "notify::error-message", G_CALLBACK (on_error_message_cb),
                    remote_seen);
  g_signal_connect (local, "notify::error-message", G_CALLBACK (on_lost_retry_cb), NULL);
  stall = fault_stall_meter_start ();
  stop_libvirtd ();
  await_state (local, HANGAR_CONNECTION_STATE_FAILED, 15000, "libvirtd stopped");
  await_state (remote, HANGAR_CONNECTION_STATE_FAILED, 15000, "libvirtd stopped");
  e2e_assert (retried, "qemu:///system was not retried after its drop");
  g_assert_true (was_shown (local_seen, lost));
  g_assert_true (was_shown (remote_seen, lost));

  /* A host opened now: its libvirtd is not running. */
  local_new = open_settled ("qemu:///system", 15000);
  g_test_message ("qemu:///system: %s", hangar_connection_get_error_message (local_new));
  g_assert_cmpstr (hangar_connection_get_error_message (local_new), ==,
                   "libvirtd is not running on this computer (nothing answers on "
                   LIBVIRT_SOCKET "). Start it there (systemctl start libvirtd), then try "
                   "again.");
  remote_new = open_settled (remote_uri, 20000);
  g_test_message ("%s: %s", remote_uri, hangar_connection_get_error_message (remote_new));
  g_assert_cmpstr (hangar_connection_get_error_message (remote_new), ==,
                   "libvirtd is not running on 127.0.0.1 (nothing answers on "
                   LIBVIRT_SOCKET "). Start it there (systemctl start libvirtd), then try "
                   "again.");

  g_test_message ("longest main-loop stall, drop and failing opens: %.1f ms over %u samples",
                  fault_stall_meter_max_ms (stall), fault_stall_meter_samples (stall));
  g_assert_cmpfloat (fault_stall_meter_max_ms (stall), <, MAX_STALL_MS);

  /* Back: the connections that dropped come back by themselves (backoff 1, 2, 4, 5 s).
   * The test's own start of libvirtd blocks its main loop (spawn, a probe): the meter
   * runs again once that is done. */
  g_clear_pointer (&stall, fault_stall_meter_free);
  start_libvirtd ();
  stall = fault_stall_meter_start ();
  await_state (local, HANGAR_CONNECTION_STATE_CONNECTED, 20000, "libvirtd started");
  await_state (remote, HANGAR_CONNECTION_STATE_CONNECTED, 20000, "libvirtd started");
  g_test_message ("longest main-loop stall, reconnecting: %.1f ms over %u samples",
                  fault_stall_meter_max_ms (stall), fault_stall_meter_samples (stall));
  g_assert_cmpfloat (fault_stall_meter_max_ms (stall), <, MAX_STALL_MS);

  g_signal_handlers_disconnect_by_func (local, on_lost_retry_cb, NULL);
  g_signal_handlers_disconnect_by_data (local, local_seen);
  g_signal_handlers_disconnect_by_data (remote, remote_seen);
  hangar_connection_close (local);
  hangar_connection_close (remote);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  e2e_test_init (&argc, &argv);
  e2e_set_cleanup (cleanup);
  e2e_assert (getuid () == 0, "this test stops and starts the system libvirtd: run it as root");
  e2e_assert (libvirtd_answers (NULL), "qemu:///system does not answer: is libvirtd running?");
  sshd_port = e2e_sshd_start ();

  g_test_add_func ("/e2e-faults/ssh-login-refused", test_ssh_login_refused);
  g_test_add_func ("/e2e-faults/libvirtd-killed", test_libvirtd_killed);
  ret = g_test_run ();
  cleanup ();
  e2e_sshd_stop ();
  return ret;
}
