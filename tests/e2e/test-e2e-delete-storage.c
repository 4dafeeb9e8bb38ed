// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Deleting a guest with its storage on a real libvirtd + QEMU (HANGAR_TEST_LIBVIRT_URI,
 * which build-aux/test sets): a dir pool in a temporary directory with four volumes,
 * two guests that share one of them, one guest running. Hangar lists the disks as the
 * delete dialog shows them, forces the running guest off, undefines it and deletes
 * exactly the chosen volumes: the files in the pool's directory are counted before and
 * after, by the file system, not by libvirt or Hangar.
 */
#define G_LOG_DOMAIN "hangar-e2e"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "e2e-virt.h"
#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-gconfig.h"
#include "test-core-util.h"

#define PREFIX "hangar-e2e-del-"
#define CONNECT_TIMEOUT 15000
#define ACTION_TIMEOUT  60000
#define MiB (1024 * 1024)

static virConnectPtr virt;
static char *pool_name;
static char *pool_dir;
static char *name_a;
static char *name_b;

static void
cleanup (void)
{
  virStoragePoolPtr pool;

  if (virt == NULL)
    return;
  e2e_remove_domain (virt, name_a);
  e2e_remove_domain (virt, name_b);
  pool = virStoragePoolLookupByName (virt, pool_name);
  if (pool != NULL)
    {
      virStoragePoolDestroy (pool);
      virStoragePoolFree (pool);
    }
}

static virStoragePoolPtr
create_pool (void)
{
  g_autoptr(GVirConfigStoragePool) config = gvir_config_storage_pool_new ();
  g_autoptr(GVirConfigStoragePoolTarget) target = gvir_config_storage_pool_target_new ();
  g_autofree char *xml = NULL;
  virStoragePoolPtr pool;

  gvir_config_storage_pool_set_pool_type (config, GVIR_CONFIG_STORAGE_POOL_TYPE_DIR);
  gvir_config_storage_pool_set_name (config, pool_name);
  gvir_config_storage_pool_target_set_path (target, pool_dir);
  gvir_config_storage_pool_set_target (config, target);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
  pool = virStoragePoolCreateXML (virt, xml, 0);
  e2e_assert (pool != NULL, "cannot create pool %s in %s: %s", pool_name, pool_dir,
              e2e_virt_error ());
  return pool;
}

/* A volume of @format in the pool; its path. */
static char *
create_volume (virStoragePoolPtr pool,
               const char       *name,
               const char       *format)
{
  g_autoptr(GVirConfigStorageVol) config = gvir_config_storage_vol_new ();
  g_autoptr(GVirConfigStorageVolTarget) target = gvir_config_storage_vol_target_new ();
  g_autofree char *xml = NULL;
  virStorageVolPtr vol;
  char *path;

  gvir_config_storage_vol_set_name (config, name);
  gvir_config_storage_vol_set_capacity (config, MiB);
  gvir_config_storage_vol_target_set_format (target, format);
  gvir_config_storage_vol_set_target (config, target);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
  vol = virStorageVolCreateXML (pool, xml, 0);
  e2e_assert (vol != NULL, "cannot create volume %s: %s", name, e2e_virt_error ());
  path = virStorageVolGetPath (vol);
  virStorageVolFree (vol);
  return path;
}

static void
add_disk (GVirConfigDomain                   *domain,
          GVirConfigDomainDiskGuestDeviceType device,
          const char                         *path,
          const char                         *target,
          GVirConfigDomainDiskBus             bus)
{
  g_autoptr(GVirConfigDomainDisk) disk = gvir_config_domain_disk_new ();

  gvir_config_domain_disk_set_type (disk, GVIR_CONFIG_DOMAIN_DISK_FILE);
  gvir_config_domain_disk_set_guest_device_type (disk, device);
  gvir_config_domain_disk_set_source (disk, path);
  gvir_config_domain_disk_set_target_dev (disk, target);
  gvir_config_domain_disk_set_target_bus (disk, bus);
  if (device == GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM)
    gvir_config_domain_disk_set_readonly (disk, TRUE);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (disk));
}

/* A small persistent guest with the disks at @shared and @own (virtio), and @media
 * as a CD-ROM when not NULL. Without a bootable disk QEMU sits in its firmware. */
static virDomainPtr
define_guest (const char *name,
              const char *shared,
              const char *own,
              const char *media)
{
  g_autoptr(GVirConfigDomain) config = gvir_config_domain_new ();
  g_autoptr(GVirConfigDomainOs) os = gvir_config_domain_os_new ();
  g_autofree char *xml = NULL;
  virDomainPtr domain;

  gvir_config_domain_set_virt_type (config, GVIR_CONFIG_DOMAIN_VIRT_QEMU);
  gvir_config_domain_set_name (config, name);
  gvir_config_domain_set_memory (config, 64 * 1024);
  gvir_config_domain_set_vcpus (config, 1);
  gvir_config_domain_os_set_os_type (os, GVIR_CONFIG_DOMAIN_OS_TYPE_HVM);
  gvir_config_domain_set_os (config, os);
  add_disk (config, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK, shared, "vda",
            GVIR_CONFIG_DOMAIN_DISK_BUS_VIRTIO);
  add_disk (config, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK, own, "vdb",
            GVIR_CONFIG_DOMAIN_DISK_BUS_VIRTIO);
  if (media != NULL)
    add_disk (config, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM, media, "sda",
              GVIR_CONFIG_DOMAIN_DISK_BUS_SATA);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
  e2e_cleanup_domain (name);
  domain = virDomainDefineXML (virt, xml);
  e2e_assert (domain != NULL, "cannot define %s: %s", name, e2e_virt_error ());
  return domain;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char *const *)a, *(char *const *)b);
}

/* The files in the pool's directory, sorted, joined with spaces. */
static char *
files_in_pool (void)
{
  g_autoptr(GDir) dir = g_dir_open (pool_dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  e2e_assert (dir != NULL, "the pool's directory %s is gone", pool_dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **)names->pdata);
}

static gboolean
connection_open (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

typedef struct {
  HangarConnection *connection;
  const char *name;
} GuestWait;

static gboolean
guest_listed (gpointer data)
{
  GuestWait *w = data;

  return hangar_connection_find_guest (w->connection, w->name) != NULL;
}

static HangarGuest *
find_guest (HangarConnection *connection,
            const char       *name)
{
  GuestWait w = { connection, name };

  e2e_assert (e2e_wait_for (guest_listed, &w, CONNECT_TIMEOUT),
              "Hangar does not list %s", name);
  return hangar_connection_find_guest (connection, name);
}

/* The disks of @name, as the delete dialog would show them. */
static GPtrArray *
list_disks (HangarConnection *connection,
            const char       *name)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *disks = test_list_disks (find_guest (connection, name), ACTION_TIMEOUT, &error);

  e2e_assert (disks != NULL, "Hangar could not list the disks of %s: %s", name,
              error->message);
  return disks;
}

/* The paths of the disks checked by default, in device order. */
static GStrv
default_paths (GPtrArray *disks)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < disks->len; i++)
    {
      HangarGuestDisk *disk = disks->pdata[i];

      if (disk->delete_by_default)
        g_strv_builder_add (builder, disk->path);
    }
  return g_strv_builder_end (builder);
}

static void
delete_guest (HangarConnection  *connection,
              const char        *name,
              const char *const *paths)
{
  g_autoptr(GError) error = NULL;

  e2e_assert (test_delete_with_storage (find_guest (connection, name), paths, ACTION_TIMEOUT,
                                        &error),
              "Hangar could not delete %s: %s", name, error->message);
  e2e_cleanup_domain_done (name);
}

static gboolean
domain_exists (const char *name)
{
  virDomainPtr domain = virDomainLookupByName (virt, name);

  if (domain == NULL)
    return FALSE;
  virDomainFree (domain);
  return TRUE;
}

static void
test_two_guests (void)
{
  const char *uri = g_getenv ("HANGAR_TEST_LIBVIRT_URI");
  g_autoptr(HangarConnection) connection = NULL;
  g_autoptr(GPtrArray) disks_a = NULL;
  g_autoptr(GPtrArray) disks_b = NULL;
  g_auto(GStrv) paths_a = NULL;
  g_auto(GStrv) paths_b = NULL;
  g_autofree char *shared = NULL;
  g_autofree char *own_a = NULL;
  g_autofree char *own_b = NULL;
  g_autofree char *media = NULL;
  g_autofree char *files = NULL;
  virStoragePoolPtr pool;
  virDomainPtr domain_a, domain_b;

  e2e_assert (uri != NULL && *uri != '\0',
              "HANGAR_TEST_LIBVIRT_URI is not set: run the tests with build-aux/test, which "
              "starts libvirtd");
  virt = virConnectOpen (uri);
  e2e_assert (virt != NULL, "cannot connect to %s: %s (is libvirtd running?)", uri,
              e2e_virt_error ());
  e2e_remove_stale_domains (virt, PREFIX);
  e2e_remove_stale_pools (virt, PREFIX);

  pool = create_pool ();
  shared = create_volume (pool, "shared.qcow2", "qcow2");
  own_a = create_volume (pool, "a.qcow2", "qcow2");
  own_b = create_volume (pool, "b.raw", "raw");
  media = create_volume (pool, "media.iso", "raw");
  virStoragePoolFree (pool);
  files = files_in_pool ();
  e2e_assert (g_str_equal (files, "a.qcow2 b.raw media.iso shared.qcow2"),
              "the new pool holds “%s”", files);

  domain_a = define_guest (name_a, shared, own_a, media);
  domain_b = define_guest (name_b, shared, own_b, NULL);
  /* A running guest is forced off first. */
  e2e_assert (virDomainCreate (domain_a) == 0, "cannot start %s: %s", name_a,
              e2e_virt_error ());
  virDomainFree (domain_a);
  virDomainFree (domain_b);

  connection = hangar_connection_new (uri);
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  e2e_assert (e2e_wait_for (connection_open, connection, CONNECT_TIMEOUT),
              "Hangar could not connect to %s within %d ms: %s", uri, CONNECT_TIMEOUT,
              hangar_connection_get_error_message (connection));

  /* The shared volume and the CD-ROM's media stay unchecked; a's own volume is checked. */
  disks_a = list_disks (connection, name_a);
  paths_a = default_paths (disks_a);
  e2e_assert (disks_a->len == 3, "Hangar lists %u disks of %s, not 3", disks_a->len, name_a);
  e2e_assert (g_strv_length (paths_a) == 1 && g_str_equal (paths_a[0], own_a),
              "Hangar would delete %u volumes of %s by default, not only %s",
              g_strv_length (paths_a), name_a, own_a);
  e2e_assert (g_strv_contains ((const char *const *)
                               ((HangarGuestDisk *)disks_a->pdata[0])->other_users, name_b),
              "Hangar does not see that %s also uses %s", name_b, shared);

  delete_guest (connection, name_a, (const char *const *)paths_a);
  e2e_assert (!domain_exists (name_a), "%s is still defined after Hangar deleted it", name_a);
  g_free (files);
  files = files_in_pool ();
  e2e_assert (g_str_equal (files, "b.raw media.iso shared.qcow2"),
              "after deleting %s with its own volume the pool holds “%s”", name_a, files);

  /* With a gone, the shared volume is b's alone, and goes with it. */
  disks_b = list_disks (connection, name_b);
  paths_b = default_paths (disks_b);
  e2e_assert (g_strv_length (paths_b) == 2, "Hangar would delete %u volumes of %s by "
              "default, not its two", g_strv_length (paths_b), name_b);
  delete_guest (connection, name_b, (const char *const *)paths_b);
  e2e_assert (!domain_exists (name_b), "%s is still defined after Hangar deleted it", name_b);
  g_free (files);
  files = files_in_pool ();
  e2e_assert (g_str_equal (files, "media.iso"),
              "after deleting %s with its volumes the pool holds “%s”", name_b, files);

  hangar_connection_close (connection);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  e2e_test_init (&argc, &argv);
  e2e_set_cleanup (cleanup);
  hangar_core_init ();

  pool_name = g_strdup_printf (PREFIX "%d", (int)getpid ());
  name_a = g_strdup_printf (PREFIX "%d-a", (int)getpid ());
  name_b = g_strdup_printf (PREFIX "%d-b", (int)getpid ());
  /* Not under /tmp, which a service manager may keep private to libvirtd. */
  pool_dir = g_strdup ("/var/tmp/" PREFIX "XXXXXX");
  e2e_assert (g_mkdtemp (pool_dir) != NULL, "cannot make %s: %s", pool_dir,
              g_strerror (errno));
  e2e_cleanup_path (pool_dir);
  /* QEMU runs as its own user: it must reach the volumes. */
  e2e_assert (g_chmod (pool_dir, 0755) == 0, "cannot open %s to QEMU: %s", pool_dir,
              g_strerror (errno));

  g_test_add_func ("/e2e/delete-storage/two-guests", test_two_guests);
  ret = g_test_run ();

  cleanup ();
  g_clear_pointer (&virt, virConnectClose);
  return ret;
}
