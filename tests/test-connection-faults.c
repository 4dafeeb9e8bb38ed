// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-connection-faults"

/* A host that fails to open, for real causes on this machine: a listener that accepts
 * and never speaks (the fault injector) fails within HANGAR_CONNECTION_OPEN_TIMEOUT_S
 * and Cancel ends the attempt at once; a closed port, a missing socket, a socket
 * nobody listens on and one that refuses the user (chmod 000, tried as nobody) each
 * give their sentence. The main loop keeps running through all of it. */

#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "fault-server.h"
#include "fault-stall.h"
#include "hangar-connection.h"
#include "test-free-port.h"
#include "test-util.h"

/* The stall any test here tolerates: the window must never freeze. */
#define MAX_STALL_MS 100

typedef struct {
  GAsyncResult *result;
  gint64 done_at; /* monotonic µs */
} OpenResult;

static void
on_open_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  OpenResult *r = user_data;

  r->result = g_object_ref (result);
  r->done_at = g_get_monotonic_time ();
}

static gboolean
has_result (gpointer data)
{
  return ((OpenResult *)data)->result != NULL;
}

/* Opens @uri and waits (up to @timeout_ms) for the answer; returns the error. */
static GError *
open_failing (HangarConnection *connection,
              guint             timeout_ms)
{
  OpenResult r = { NULL, 0 };
  GError *error = NULL;

  hangar_connection_open_async (connection, NULL, on_open_cb, &r);
  if (!test_wait_for (has_result, &r, timeout_ms))
    g_error ("Opening %s did not end within %u ms", hangar_connection_get_uri (connection),
             timeout_ms);
  g_assert_false (hangar_connection_open_finish (connection, r.result, &error));
  g_assert_nonnull (error);
  g_object_unref (r.result);
  return error;
}

static void
assert_fails_with (const char *uri,
                   int         code,
                   const char *sentence)
{
  g_autoptr(HangarConnection) connection = hangar_connection_new (uri);
  g_autoptr(FaultStallMeter) stall = fault_stall_meter_start ();
  g_autoptr(GError) error = open_failing (connection, 10000);

  g_test_message ("%s: %s", uri, error->message);
  g_assert_error (error, HANGAR_CONNECTION_ERROR, code);
  g_assert_cmpstr (error->message, ==, sentence);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_FAILED);
  g_assert_cmpstr (hangar_connection_get_error_message (connection), ==, sentence);
  g_assert_cmpfloat (fault_stall_meter_max_ms (stall), <, MAX_STALL_MS);
}

static gboolean
server_was_reached (gpointer data)
{
  return fault_server_get_connections (data) > 0;
}

/* qemu+tcp to a host that accepts and never answers: libvirt would wait forever. */
static void
test_silent_listener_times_out (void)
{
  g_autoptr(FaultServer) server = fault_server_new (FAULT_TCP_SILENT, 0, 0);
  g_autofree char *uri = g_strdup_printf ("qemu+tcp://127.0.0.1:%u/system",
                                          fault_server_get_port (server));
  g_autofree char *sentence =
    g_strdup_printf ("127.0.0.1 did not answer within %d seconds. Check that the host is on "
                     "and reachable, then try again.", 15);
  HangarConnection *connection = hangar_connection_new (uri);
  g_autoptr(FaultStallMeter) stall = fault_stall_meter_start ();
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  double seconds;

  g_assert_cmpint (HANGAR_CONNECTION_OPEN_TIMEOUT_S, ==, 15);
  error = open_failing (connection, 20000);
  seconds = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
  g_test_message ("failed after %.2f s: %s; longest main-loop stall %.1f ms over %u samples",
                  seconds, error->message, fault_stall_meter_max_ms (stall),
                  fault_stall_meter_samples (stall));

  /* libvirt reached the listener, so it was the silence that ran out the clock. */
  g_assert_cmpuint (fault_server_get_connections (server), ==, 1);
  g_assert_error (error, HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_TIMED_OUT);
  g_assert_cmpstr (error->message, ==, sentence);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_FAILED);
  g_assert_cmpstr (hangar_connection_get_error_message (connection), ==, sentence);
  g_assert_cmpfloat (seconds, >=, 15.0);
  g_assert_cmpfloat (seconds, <, 15.5);
  g_assert_cmpfloat (fault_stall_meter_max_ms (stall), <, MAX_STALL_MS);

  /* The abandoned worker ends once the listener hangs up; then nothing holds the
   * connection. */
  g_clear_pointer (&server, fault_server_free);
  test_assert_finalized (connection);
}

/* Cancel while libvirt waits on the silent host: the attempt ends at once. */
static void
test_silent_listener_cancel (void)
{
  g_autoptr(FaultServer) server = fault_server_new (FAULT_TCP_SILENT, 0, 0);
  g_autofree char *uri = g_strdup_printf ("qemu+tcp://127.0.0.1:%u/system",
                                          fault_server_get_port (server));
  HangarConnection *connection = hangar_connection_new (uri);
  OpenResult r = { NULL, 0 };
  g_autoptr(GError) error = NULL;
  gint64 cancelled_at;
  double ms;

  hangar_connection_open_async (connection, NULL, on_open_cb, &r);
  /* libvirt has connected and waits for an answer that never comes. */
  g_assert_true (test_wait_for (server_was_reached, server, 5000));
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_CONNECTING);

  cancelled_at = g_get_monotonic_time ();
  hangar_connection_close (connection);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpstr (hangar_connection_get_error_message (connection), ==, NULL);
  g_assert_true (test_wait_for (has_result, &r, 1000));
  ms = (r.done_at - cancelled_at) / 1000.0;
  g_test_message ("the open answered %.1f ms after Cancel", ms);
  g_assert_cmpfloat (ms, <, 100.0);
  g_assert_false (hangar_connection_open_finish (connection, r.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&r.result);

  /* Still the same silence: the worker has not returned, yet nothing else happens to
   * the connection — it stays as Cancel left it until the listener goes. */
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_DISCONNECTED);
  g_clear_pointer (&server, fault_server_free);
  test_assert_finalized (connection);
}

static void
test_closed_port (void)
{
  g_autofree char *uri = g_strdup_printf ("qemu+tcp://127.0.0.1:%u/system",
                                          test_free_port ());

  assert_fails_with (uri, HANGAR_CONNECTION_ERROR_REFUSED,
                     "127.0.0.1 refused the connection: nothing listens on that port. Check "
                     "the port, and that the host’s libvirtd (or sshd) accepts connections, "
                     "then try again.");
}

/* A libvirtd socket path in a directory of its own, and what Hangar says when nothing
 * answers there. */
typedef struct {
  char *dir;
  char *path;
  char *uri;
} SocketHost;

static void
socket_host_init (SocketHost *host)
{
  host->dir = g_dir_make_tmp ("hangar-faults-XXXXXX", NULL);
  host->path = g_build_filename (host->dir, "libvirt-sock", NULL);
  host->uri = g_strdup_printf ("qemu+unix:///system?socket=%s", host->path);
}

static void
socket_host_assert_no_daemon (SocketHost *host)
{
  g_autofree char *sentence =
    g_strdup_printf ("libvirtd is not running on this computer (nothing answers on %s). "
                     "Start it there (systemctl start libvirtd), then try again.", host->path);

  assert_fails_with (host->uri, HANGAR_CONNECTION_ERROR_NO_DAEMON, sentence);
  g_unlink (host->path);
  g_rmdir (host->dir);
  g_free (host->dir);
  g_free (host->path);
  g_free (host->uri);
}

/* libvirtd stopped: its socket is gone. */
static void
test_socket_missing (void)
{
  SocketHost host;

  socket_host_init (&host);
  socket_host_assert_no_daemon (&host);
}

/* libvirtd killed: its socket is left behind and nobody listens on it. */
static void
test_socket_stale (void)
{
  SocketHost host;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_DEFAULT, NULL);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;

  socket_host_init (&host);
  address = g_unix_socket_address_new (host.path);
  /* Bound but not listening: what a dead daemon leaves. */
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  socket_host_assert_no_daemon (&host);
}

/* The socket refuses this user (as libvirtd's does a user outside the libvirt group
 * when polkit is not asked). Root passes any mode, so the check runs as nobody. */
#define DENIED_DIR_FORMAT "/tmp/hangar-faults-denied-%d"

static void
test_socket_denied (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (g_test_subprocess ())
    {
      struct passwd *nobody = getpwnam ("nobody");
      g_autofree char *uri = NULL;
      g_autofree char *sentence = NULL;

      dir = g_strdup_printf (DENIED_DIR_FORMAT, (int)getppid ());
      path = g_build_filename (dir, "libvirt-sock", NULL);
      uri = g_strdup_printf ("qemu+unix:///system?socket=%s", path);
      sentence = g_strdup_printf ("You may not use libvirt on this computer: its socket %s "
                                  "refuses your user. Add the user to the libvirt group there "
                                  "(or allow it through polkit) and log in again, then try "
                                  "again.", path);
      g_assert_nonnull (nobody);
      g_assert_cmpint (setgroups (0, NULL), ==, 0);
      g_assert_cmpint (setgid (nobody->pw_gid), ==, 0);
      g_assert_cmpint (setuid (nobody->pw_uid), ==, 0);
      assert_fails_with (uri, HANGAR_CONNECTION_ERROR_SOCKET_DENIED, sentence);
      return;
    }

  {
    g_autoptr(GSocket) socket = NULL;
    g_autoptr(GSocketAddress) address = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (getuid (), ==, 0);
    dir = g_strdup_printf (DENIED_DIR_FORMAT, (int)getpid ());
    path = g_build_filename (dir, "libvirt-sock", NULL);
    g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
    socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_DEFAULT, &error);
    address = g_unix_socket_address_new (path);
    g_assert_true (g_socket_bind (socket, address, FALSE, &error));
    g_assert_true (g_socket_listen (socket, &error));
    g_assert_cmpint (g_chmod (path, 0), ==, 0);

    g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_socket_close (socket, NULL);
    g_unlink (path);
    g_rmdir (dir);
    g_test_trap_assert_passed ();
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/connection-faults/silent-listener/times-out",
                   test_silent_listener_times_out);
  g_test_add_func ("/connection-faults/silent-listener/cancel", test_silent_listener_cancel);
  g_test_add_func ("/connection-faults/closed-port", test_closed_port);
  g_test_add_func ("/connection-faults/socket-missing", test_socket_missing);
  g_test_add_func ("/connection-faults/socket-stale", test_socket_stale);
  g_test_add_func ("/connection-faults/socket-denied", test_socket_denied);
  return g_test_run ();
}
