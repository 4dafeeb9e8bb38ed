// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-console-stream"

#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-console-stream.h"
#include "hangar-core.h"
#include "test-util.h"

/*
 * libvirt's test driver has no virDomainOpenConsole ("this function is not supported
 * by the connection driver"), so here only the ways opening fails are tested, on
 * the real driver code. Data both ways is tested against QEMU in
 * tests/e2e/test-e2e-serial.c.
 */

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static HangarConnection *
open_connection (const char *uri)
{
  HangarConnection *connection = hangar_connection_new (uri);

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  g_assert_true (test_wait_for (is_connected, connection, 5000));
  return connection;
}

typedef struct {
  gboolean done;
  HangarConsoleStream *stream;
  GError *error;
} OpenResult;

static void
on_opened_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  OpenResult *r = user_data;

  g_assert_null (source);
  r->stream = hangar_console_stream_open_finish (result, &r->error);
  r->done = TRUE;
}

static gboolean
open_done (gpointer data)
{
  return ((OpenResult *)data)->done;
}

static void
open_and_wait (HangarGuest  *guest,
               GCancellable *cancellable,
               OpenResult   *r)
{
  hangar_console_stream_open_async (guest, NULL, cancellable, on_opened_cb, r);
  /* Never completes in the caller's stack frame: the call runs on a worker. */
  g_assert_false (r->done);
  g_assert_true (test_wait_for (open_done, r, 5000));
}

/* A running guest on a driver without text consoles: a clear sentence, no stream. */
static void
test_open_unsupported (void)
{
  HangarConnection *connection = open_connection ("test:///default");
  HangarGuest *guest = hangar_connection_find_guest (connection, "test");
  OpenResult r = { 0 };

  g_assert_nonnull (guest);
  g_assert_cmpint (hangar_guest_get_state (guest), ==, HANGAR_GUEST_STATE_RUNNING);

  open_and_wait (guest, NULL, &r);
  g_assert_null (r.stream);
  g_assert_error (r.error, HANGAR_CONSOLE_STREAM_ERROR, HANGAR_CONSOLE_STREAM_ERROR_NOT_SUPPORTED);
  g_test_message ("%s", r.error->message);
  g_assert_nonnull (strstr (r.error->message, "“test”"));
  g_assert_nonnull (strstr (r.error->message, "no text consoles"));
  g_clear_error (&r.error);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* A guest that is off: told to start it. */
static void
test_open_not_running (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "three-guests.xml", NULL);
  g_autofree char *uri = g_strconcat ("test://", path, NULL);
  HangarConnection *connection = open_connection (uri);
  HangarGuest *guest = hangar_connection_find_guest (connection, "charlie");
  OpenResult r = { 0 };

  g_assert_nonnull (guest);
  g_assert_cmpint (hangar_guest_get_state (guest), ==, HANGAR_GUEST_STATE_SHUTOFF);

  open_and_wait (guest, NULL, &r);
  g_assert_null (r.stream);
  g_assert_error (r.error, HANGAR_CONSOLE_STREAM_ERROR, HANGAR_CONSOLE_STREAM_ERROR_NOT_RUNNING);
  g_assert_cmpstr (r.error->message, ==,
                   "“charlie” is not running: start it to use its serial console.");
  g_clear_error (&r.error);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* Cancelled before the worker answers: G_IO_ERROR_CANCELLED, nothing leaks. */
static void
test_open_cancelled (void)
{
  HangarConnection *connection = open_connection ("test:///default");
  g_autoptr(HangarGuest) guest = g_object_ref (hangar_connection_find_guest (connection, "test"));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  OpenResult r = { 0 };

  hangar_console_stream_open_async (guest, NULL, cancellable, on_opened_cb, &r);
  g_cancellable_cancel (cancellable);
  g_assert_true (test_wait_for (open_done, &r, 5000));
  g_assert_null (r.stream);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
  /* The task's reference is gone once it completed. */
  test_assert_finalized (g_steal_pointer (&guest));
}

/* A guest kept after its connection closed: still a clean error, never a crash. */
static void
test_open_after_close (void)
{
  HangarConnection *connection = open_connection ("test:///default");
  g_autoptr(HangarGuest) guest = g_object_ref (hangar_connection_find_guest (connection, "test"));
  OpenResult r = { 0 };

  hangar_connection_close (connection);
  hangar_console_stream_open_async (guest, NULL, NULL, on_opened_cb, &r);
  g_assert_true (test_wait_for (open_done, &r, 5000));
  g_assert_null (r.stream);
  g_assert_nonnull (r.error);
  g_assert_true (r.error->domain == HANGAR_CONSOLE_STREAM_ERROR);
  g_test_message ("%s", r.error->message);
  g_assert_nonnull (strstr (r.error->message, "“test”"));
  g_clear_error (&r.error);

  test_assert_finalized (connection);
  test_assert_finalized (g_steal_pointer (&guest));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_core_init ();

  g_test_add_func ("/console-stream/open/unsupported", test_open_unsupported);
  g_test_add_func ("/console-stream/open/not-running", test_open_not_running);
  g_test_add_func ("/console-stream/open/cancelled", test_open_cancelled);
  g_test_add_func ("/console-stream/open/after-close", test_open_after_close);

  return g_test_run ();
}
