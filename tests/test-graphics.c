// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-graphics"

#include "config.h"

#include "hangar-core.h"
#include "hangar-graphics.h"
#include "test-core-util.h"

/* What Hangar reads from a guest's definition to reach its consoles, on the test
 * driver's copy of tests/data/console-details.xml. */

static HangarConnection *
open_details (void)
{
  g_autofree char *uri = test_data_uri ("console-details.xml");

  return test_open_connection (uri);
}

static void
on_consoles_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  HangarGraphicsInfo **info = user_data;
  g_autoptr(GError) error = NULL;

  *info = hangar_guest_query_consoles_finish (HANGAR_GUEST (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *)data != NULL;
}

static HangarGraphicsInfo *
query (HangarConnection *connection,
       const char       *name)
{
  HangarGuest *guest = hangar_connection_find_guest (connection, name);
  HangarGraphicsInfo *info = NULL;

  g_assert_nonnull (guest);
  hangar_guest_query_consoles_async (guest, NULL, on_consoles_cb, &info);
  g_assert_true (test_wait_for (is_set, &info, 5000));
  return info;
}

static void
test_vnc_address (void)
{
  HangarConnection *connection = open_details ();
  g_autoptr(HangarGraphicsInfo) info = query (connection, "vnc-address");

  g_assert_cmpstr (info->type, ==, "vnc");
  g_assert_cmpint (info->port, ==, 5907);
  g_assert_cmpint (info->tls_port, ==, -1);
  g_assert_cmpstr (info->host, ==, "192.0.2.7");
  g_assert_null (info->socket);
  /* libvirt withholds the password from a definition read without VIR_DOMAIN_XML_SECURE. */
  g_assert_null (info->password);
  g_assert_true (info->has_serial);
  g_assert_cmpstr (info->os_id, ==, "http://debian.org/debian/11");

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* The first graphical console counts; one listening everywhere is reached on loopback. */
static void
test_spice_everywhere (void)
{
  HangarConnection *connection = open_details ();
  g_autoptr(HangarGraphicsInfo) info = query (connection, "spice-everywhere");

  g_assert_cmpstr (info->type, ==, "spice");
  g_assert_cmpint (info->port, ==, 5930);
  g_assert_cmpint (info->tls_port, ==, 5931);
  g_assert_cmpstr (info->host, ==, "127.0.0.1");
  g_assert_null (info->socket);
  /* A virtio console is a text console too. */
  g_assert_true (info->has_serial);
  g_assert_null (info->os_id);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
test_vnc_socket (void)
{
  HangarConnection *connection = open_details ();
  g_autoptr(HangarGraphicsInfo) info = query (connection, "vnc-socket");

  g_assert_cmpstr (info->type, ==, "vnc");
  g_assert_cmpint (info->port, ==, -1);
  g_assert_null (info->host);
  g_assert_cmpstr (info->socket, ==, "/nonexistent/hangar-test-details.sock");
  g_assert_false (info->has_serial);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
test_headless (void)
{
  HangarConnection *connection = open_details ();
  g_autoptr(HangarGraphicsInfo) info = query (connection, "headless");

  g_assert_null (info->type);
  g_assert_null (info->host);
  g_assert_cmpint (info->port, ==, -1);
  g_assert_false (info->has_serial);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
on_opened_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HangarGraphicsInfo **info = user_data;
  g_autoptr(GError) error = NULL;

  *info = hangar_guest_open_graphics_finish (HANGAR_GUEST (source), result, &error);
  g_assert_no_error (error);
}

static HangarGraphicsInfo *
open_graphics (HangarConnection       *connection,
               const char             *name,
               HangarGraphicsOpenFlags flags)
{
  HangarGuest *guest = hangar_connection_find_guest (connection, name);
  HangarGraphicsInfo *info = NULL;

  g_assert_nonnull (guest);
  hangar_guest_open_graphics_async (guest, flags, NULL, on_opened_cb, &info);
  g_assert_true (test_wait_for (is_set, &info, 5000));
  return info;
}

/* A local console on a loopback port that asks for nothing is left to the display to
 * reach over TCP; anything else goes through libvirt's socket (which the test driver
 * cannot give: fd -1, and the display falls back on the address as before). */
static void
test_direct (void)
{
  HangarConnection *connection = open_details ();
  g_autoptr(HangarGraphicsInfo) loopback = open_graphics (connection, "vnc-loopback",
                                                          HANGAR_GRAPHICS_OPEN_DEFAULT);
  g_autoptr(HangarGraphicsInfo) asked = open_graphics (connection, "vnc-loopback",
                                                       HANGAR_GRAPHICS_OPEN_THROUGH_LIBVIRT);
  g_autoptr(HangarGraphicsInfo) password = open_graphics (connection, "spice-loopback-password",
                                                          HANGAR_GRAPHICS_OPEN_DEFAULT);
  g_autoptr(HangarGraphicsInfo) elsewhere = open_graphics (connection, "vnc-address",
                                                           HANGAR_GRAPHICS_OPEN_DEFAULT);
  g_autoptr(HangarGraphicsInfo) tls = open_graphics (connection, "spice-everywhere",
                                                     HANGAR_GRAPHICS_OPEN_DEFAULT);

  g_assert_true (loopback->direct);
  g_assert_cmpint (loopback->fd, ==, -1);
  g_assert_cmpstr (loopback->host, ==, "127.0.0.1");
  g_assert_cmpint (loopback->port, ==, 5908);
  g_assert_false (loopback->remote);

  g_assert_false (asked->direct);
  g_assert_cmpint (asked->port, ==, 5908);
  /* A password is read only to choose the way: it is not handed on. */
  g_assert_false (password->direct);
  g_assert_null (password->password);
  g_assert_false (elsewhere->direct);
  g_assert_false (tls->direct);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_core_init ();

  g_test_add_func ("/graphics/vnc-address", test_vnc_address);
  g_test_add_func ("/graphics/spice-everywhere", test_spice_everywhere);
  g_test_add_func ("/graphics/vnc-socket", test_vnc_socket);
  g_test_add_func ("/graphics/headless", test_headless);
  g_test_add_func ("/graphics/direct", test_direct);

  return g_test_run ();
}
