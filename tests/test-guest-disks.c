// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-guest-disks"

#include "config.h"

#include "hangar-core.h"
#include "hangar-domain-config.h"
#include "hangar-guest-private.h"
#include "test-core-util.h"

/* A guest's disks and its deletion with them, on the test driver's copy of
 * tests/data/guest-disks.xml. A file URI gives each connection its own copy of the
 * host, so what is left is counted with plain libvirt calls on the connection Hangar
 * used, not through Hangar. */

static GPtrArray *
list_disks (HangarConnection *connection,
            const char       *name)
{
  HangarGuest *guest = hangar_connection_find_guest (connection, name);
  g_autoptr(GError) error = NULL;
  GPtrArray *disks;

  g_assert_nonnull (guest);
  disks = test_list_disks (guest, 5000, &error);
  g_assert_no_error (error);
  return disks;
}

/* Deletes @guest with the volumes at @paths; the error, or NULL. */
static GError *
delete_guest (HangarGuest       *guest,
              const char *const *paths)
{
  GError *error = NULL;

  g_assert_nonnull (guest);
  test_delete_with_storage (guest, paths, 5000, &error);
  return error;
}

static gboolean
domain_exists (virConnectPtr conn,
               const char   *name)
{
  virDomainPtr domain = virDomainLookupByName (conn, name);

  if (domain == NULL)
    return FALSE;
  virDomainFree (domain);
  return TRUE;
}

static void
assert_disk (HangarGuestDisk     *disk,
             const char          *target,
             HangarGuestDiskKind  kind,
             const char          *path,
             const char          *pool,
             const char          *volume,
             const char          *users,
             gboolean             delete_by_default)
{
  g_autofree char *joined = g_strjoinv (" ", disk->other_users);

  g_assert_cmpstr (disk->target, ==, target);
  g_assert_cmpint (disk->kind, ==, kind);
  g_assert_cmpstr (disk->path, ==, path);
  g_assert_cmpstr (disk->pool, ==, pool);
  g_assert_cmpstr (disk->volume, ==, volume);
  g_assert_cmpstr (joined, ==, users);
  g_assert_cmpint (disk->delete_by_default, ==, delete_by_default);
}

/* Which disks are volumes, who else uses them, and which the dialog checks. */
static void
test_list (void)
{
  g_autofree char *uri = test_data_uri ("guest-disks.xml");
  HangarConnection *connection = test_open_connection (uri);
  g_autoptr(GPtrArray) alpha = list_disks (connection, "alpha");
  g_autoptr(GPtrArray) bravo = list_disks (connection, "bravo");
  g_autoptr(GPtrArray) charlie = list_disks (connection, "charlie");

  g_assert_cmpuint (alpha->len, ==, 5);
  assert_disk (alpha->pdata[0], "vda", HANGAR_GUEST_DISK_KIND_DISK,
               "/hangar-test/images/shared.qcow2", "images", "shared.qcow2", "bravo", FALSE);
  assert_disk (alpha->pdata[1], "vdb", HANGAR_GUEST_DISK_KIND_DISK,
               "/hangar-test/images/alpha.qcow2", "images", "alpha.qcow2", "", TRUE);
  /* Not a volume: Hangar cannot delete it through libvirt. */
  assert_disk (alpha->pdata[2], "vdc", HANGAR_GUEST_DISK_KIND_DISK,
               "/hangar-test/outside.img", NULL, NULL, "", FALSE);
  /* Installer media is kept unless the user asks. */
  assert_disk (alpha->pdata[3], "hda", HANGAR_GUEST_DISK_KIND_CDROM,
               "/hangar-test/images/installer.iso", "images", "installer.iso", "", FALSE);
  assert_disk (alpha->pdata[4], "fda", HANGAR_GUEST_DISK_KIND_FLOPPY, NULL, NULL, NULL, "",
               FALSE);

  /* bravo runs: its live definition counts. */
  g_assert_cmpuint (bravo->len, ==, 2);
  assert_disk (bravo->pdata[0], "vda", HANGAR_GUEST_DISK_KIND_DISK,
               "/hangar-test/images/shared.qcow2", "images", "shared.qcow2", "alpha", FALSE);
  assert_disk (bravo->pdata[1], "vdb", HANGAR_GUEST_DISK_KIND_DISK,
               "/hangar-test/images/bravo.qcow2", "images", "bravo.qcow2", "", TRUE);

  /* A disk given by pool and volume name has its path looked up. */
  g_assert_cmpuint (charlie->len, ==, 2);
  assert_disk (charlie->pdata[0], "sda", HANGAR_GUEST_DISK_KIND_DISK,
               "/hangar-test/more/charlie.raw", "more", "charlie.raw", "", TRUE);
  assert_disk (charlie->pdata[1], "sdb", HANGAR_GUEST_DISK_KIND_DISK,
               "/hangar-test/more/data.img", "more", "data.img", "", TRUE);
  /* And it counts as used by its guest for everyone else. */
  {
    virConnectPtr conn = test_raw_connection (connection);
    g_autoptr(GHashTable) users = hangar_domain_config_disk_users (conn, NULL);
    GPtrArray *names = g_hash_table_lookup (users, "/hangar-test/more/data.img");

    g_assert_nonnull (names);
    g_assert_cmpuint (names->len, ==, 1);
    g_assert_cmpstr (names->pdata[0], ==, "charlie");
  }

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* Exactly the chosen volumes go; a running guest is forced off first. */
static void
test_delete_chosen (void)
{
  g_autofree char *uri = test_data_uri ("guest-disks.xml");
  HangarConnection *connection = test_open_connection (uri);
  virConnectPtr conn = test_raw_connection (connection);
  const char *alpha_paths[] = { "/hangar-test/images/alpha.qcow2",
                                "/hangar-test/images/installer.iso", NULL };
  const char *bravo_paths[] = { "/hangar-test/images/bravo.qcow2", NULL };
  g_autofree char *before = test_volume_names (conn, "images");
  g_autofree char *after_alpha = NULL;
  g_autofree char *after_bravo = NULL;
  g_autoptr(GError) error = NULL;

  virConnectRef (conn);
  g_assert_cmpstr (before, ==,
                   "alpha.qcow2 bravo.qcow2 installer.iso shared.qcow2 spare.img");

  error = delete_guest (hangar_connection_find_guest (connection, "alpha"), alpha_paths);
  g_assert_no_error (error);
  g_assert_false (domain_exists (conn, "alpha"));
  after_alpha = test_volume_names (conn, "images");
  g_assert_cmpstr (after_alpha, ==, "bravo.qcow2 shared.qcow2 spare.img");

  g_assert_true (domain_exists (conn, "bravo"));
  error = delete_guest (hangar_connection_find_guest (connection, "bravo"), bravo_paths);
  g_assert_no_error (error);
  g_assert_false (domain_exists (conn, "bravo"));
  after_bravo = test_volume_names (conn, "images");
  g_assert_cmpstr (after_bravo, ==, "shared.qcow2 spare.img");

  virConnectClose (conn);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* Each volume that cannot be deleted is named, and the others go all the same. */
static void
test_failures_named (void)
{
  g_autofree char *uri = test_data_uri ("guest-disks.xml");
  HangarConnection *connection = test_open_connection (uri);
  virConnectPtr conn = test_raw_connection (connection);
  virStoragePoolPtr more = virStoragePoolLookupByName (conn, "more");
  const char *paths[] = { "/hangar-test/more/charlie.raw", "/hangar-test/images/spare.img",
                          "/hangar-test/outside.img", NULL };
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  virConnectRef (conn);
  /* A stopped pool's volumes cannot be deleted. */
  g_assert_nonnull (more);
  g_assert_cmpint (virStoragePoolDestroy (more), ==, 0);
  virStoragePoolFree (more);

  error = delete_guest (hangar_connection_find_guest (connection, "charlie"), paths);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "“charlie” was deleted"));
  g_assert_nonnull (strstr (error->message, "“/hangar-test/more/charlie.raw”"));
  g_assert_nonnull (strstr (error->message, "“/hangar-test/outside.img”"));
  g_assert_null (strstr (error->message, "spare.img"));
  g_test_message ("%s", error->message);
  g_assert_false (domain_exists (conn, "charlie"));
  after = test_volume_names (conn, "images");
  g_assert_cmpstr (after, ==, "alpha.qcow2 bravo.qcow2 installer.iso shared.qcow2");

  virConnectClose (conn);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* A guest that cannot be deleted keeps its disks. */
static void
test_guest_kept (void)
{
  g_autofree char *uri = test_data_uri ("guest-disks.xml");
  HangarConnection *connection = test_open_connection (uri);
  g_autoptr(HangarGuest) guest = g_object_ref (hangar_connection_find_guest (connection,
                                                                           "alpha"));
  virConnectPtr conn = test_raw_connection (connection);
  const char *paths[] = { "/hangar-test/images/alpha.qcow2", NULL };
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  virConnectRef (conn);
  /* Gone behind Hangar's back: undefining it fails. */
  g_assert_cmpint (virDomainUndefine (hangar_guest_get_domain (guest)), ==, 0);
  error = delete_guest (guest, paths);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Could not delete “alpha”"));
  g_assert_nonnull (strstr (error->message, "Its disks were kept."));
  after = test_volume_names (conn, "images");
  g_assert_cmpstr (after, ==,
                   "alpha.qcow2 bravo.qcow2 installer.iso shared.qcow2 spare.img");

  virConnectClose (conn);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_core_init ();

  g_test_add_func ("/guest-disks/list", test_list);
  g_test_add_func ("/guest-disks/delete-chosen", test_delete_chosen);
  g_test_add_func ("/guest-disks/failures-named", test_failures_named);
  g_test_add_func ("/guest-disks/guest-kept", test_guest_kept);

  return g_test_run ();
}
