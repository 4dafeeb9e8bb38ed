// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-host-drives"

#include "config.h"

#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-host-drives.h"
#include "test-core-util.h"

/* The host's CD-ROM drives: libvirt's node-device XML read, and the list asked of the
 * test driver (tests/data/cdrom-host.xml: /dev/sr1, a hard disk, /dev/sr0). */

static GStrv
list_cdroms (HangarConnection *connection,
             GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hangar_host_drives_list_cdroms_async (connection, NULL, test_on_result_cb, &result);
  if (!test_wait_for (test_has_result, &result, 5000))
    g_error ("The drives were not listed within 5 s");
  return hangar_host_drives_list_cdroms_finish (result, error);
}

/* A drive of type cdrom gives its block device; a disk, a drive without a block, a
 * device that is no storage and text that is no XML give none. */
static void
test_parse (void)
{
  static const struct {
    const char *xml;
    const char *block;
  } cases[] = {
    { "<device><name>block_sr0</name><capability type='storage'><block>/dev/sr0</block>"
      "<drive_type>cdrom</drive_type></capability></device>", "/dev/sr0" },
    { "<device><capability type='storage'><block> /dev/sr2 </block>"
      "<drive_type>cdrom</drive_type><capability type='removable'>"
      "<media_available>0</media_available></capability></capability></device>", "/dev/sr2" },
    { "<device><capability type='storage'><block>/dev/sda</block>"
      "<drive_type>disk</drive_type></capability></device>", NULL },
    { "<device><capability type='storage'><drive_type>cdrom</drive_type></capability></device>",
      NULL },
    { "<device><capability type='storage'><block></block><drive_type>cdrom</drive_type>"
      "</capability></device>", NULL },
    { "<device><capability type='net'><interface>eth0</interface></capability></device>", NULL },
    { "not XML", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *block = hangar_host_drives_parse_cdrom (cases[i].xml);

      if (g_strcmp0 (block, cases[i].block) != 0)
        g_error ("%s gave “%s”, not “%s”", cases[i].xml, block, cases[i].block);
    }
}

static void
test_list (void)
{
  g_autofree char *uri = test_data_uri ("cdrom-host.xml");
  HangarConnection *connection = test_open_connection (uri);
  HangarConnection *empty = test_open_connection ("test:///default");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) drives = list_cdroms (connection, &error);
  g_auto(GStrv) none = NULL;
  g_autofree char *joined = NULL;

  g_assert_no_error (error);
  joined = g_strjoinv (" ", drives);
  g_assert_cmpstr (joined, ==, "/dev/sr0 /dev/sr1");

  /* test:///default's node devices hold no drive. */
  none = list_cdroms (empty, &error);
  g_assert_no_error (error);
  g_assert_nonnull (none);
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  /* A closed connection is said so. */
  hangar_connection_close (connection);
  g_clear_pointer (&drives, g_strfreev);
  drives = list_cdroms (connection, &error);
  g_assert_null (drives);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_assert_cmpstr (error->message, ==, "The connection is closed. Connect to the host again.");

  hangar_connection_close (empty);
  test_assert_finalized (connection);
  test_assert_finalized (empty);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_core_init ();

  g_test_add_func ("/host-drives/parse", test_parse);
  g_test_add_func ("/host-drives/list", test_list);
  return g_test_run ();
}
