// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-guest-disks"

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "hangar-connection.h"
#include "hangar-domain-config.h"
#include "hangar-guest-private.h"
#include "hangar-pool-private.h"

/* A guest's disks and their deletion with the guest: what the delete dialog shows and
 * does. Everything that asks libvirt runs on a worker. */

HangarGuestDisk *
hangar_guest_disk_copy (const HangarGuestDisk *disk)
{
  HangarGuestDisk *copy = g_new0 (HangarGuestDisk, 1);

  copy->target = g_strdup (disk->target);
  copy->kind = disk->kind;
  copy->path = g_strdup (disk->path);
  copy->pool = g_strdup (disk->pool);
  copy->volume = g_strdup (disk->volume);
  copy->other_users = g_strdupv (disk->other_users);
  copy->delete_by_default = disk->delete_by_default;
  return copy;
}

void
hangar_guest_disk_free (HangarGuestDisk *disk)
{
  if (disk == NULL)
    return;
  g_free (disk->target);
  g_free (disk->path);
  g_free (disk->pool);
  g_free (disk->volume);
  g_strfreev (disk->other_users);
  g_free (disk);
}

G_DEFINE_BOXED_TYPE (HangarGuestDisk, hangar_guest_disk, hangar_guest_disk_copy,
                     hangar_guest_disk_free)

/* Fills @info's path, pool and volume: a disk's host path, and the pool and volume it
 * is when a pool of the host holds it. */
static void
find_volume (virConnectPtr         conn,
             GVirConfigDomainDisk *disk,
             HangarGuestDisk      *info)
{
  virStorageVolPtr vol;

  info->path = hangar_domain_config_disk_path (conn, disk);
  vol = info->path != NULL ? virStorageVolLookupByPath (conn, info->path) : NULL;
  if (vol != NULL)
    {
      virStoragePoolPtr pool = virStoragePoolLookupByVolume (vol);

      info->volume = g_strdup (virStorageVolGetName (vol));
      if (pool != NULL)
        info->pool = g_strdup (virStoragePoolGetName (pool));
      g_clear_pointer (&pool, virStoragePoolFree);
      virStorageVolFree (vol);
    }
  /* Not a volume of this host: not an error, the dialog says so. */
  virResetLastError ();
}

static HangarGuestDiskKind
disk_kind (GVirConfigDomainDisk *disk)
{
  switch (gvir_config_domain_disk_get_guest_device_type (disk))
    {
    case GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM:
      return HANGAR_GUEST_DISK_KIND_CDROM;
    case GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_FLOPPY:
      return HANGAR_GUEST_DISK_KIND_FLOPPY;
    case GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK:
    default:
      return HANGAR_GUEST_DISK_KIND_DISK;
    }
}

/* The names in @users other than @name, as a strv. */
static GStrv
other_users (GPtrArray  *users,
             const char *name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; users != NULL && i < users->len; i++)
    if (g_strcmp0 (users->pdata[i], name) != 0)
      g_strv_builder_add (builder, users->pdata[i]);
  return g_strv_builder_end (builder);
}

static void
list_disks_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  virDomainPtr domain = task_data;
  const char *name = hangar_guest_get_name (source_object);
  virConnectPtr conn = virDomainGetConnect (domain);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVirConfigDomain) config = NULL;
  g_autoptr(GHashTable) users = NULL;
  g_autoptr(GPtrArray) disks = NULL;
  GList *devices;
  unsigned int flags = virDomainIsActive (domain) == 1 ? 0 : VIR_DOMAIN_XML_INACTIVE;

  config = hangar_domain_config_fetch (domain, flags, &error);
  if (config != NULL)
    users = hangar_domain_config_disk_users (conn, &error);
  if (users == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not read the disks of “%s”: %s"), name,
                               error->message);
      return;
    }

  disks = g_ptr_array_new_with_free_func ((GDestroyNotify)hangar_guest_disk_free);
  devices = hangar_domain_config_get_devices (config);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      GVirConfigDomainDisk *disk;
      HangarGuestDisk *info;

      if (!GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        continue;
      disk = l->data;
      info = g_new0 (HangarGuestDisk, 1);
      info->target = g_strdup (gvir_config_domain_disk_get_target_dev (disk));
      info->kind = disk_kind (disk);
      find_volume (conn, disk, info);
      info->other_users = other_users (info->path ? g_hash_table_lookup (users, info->path)
                                                  : NULL, name);
      /* Media is often shared by many guests or kept for the next install. */
      info->delete_by_default = info->volume != NULL && info->other_users[0] == NULL &&
                                info->kind == HANGAR_GUEST_DISK_KIND_DISK;
      g_ptr_array_add (disks, info);
    }
  g_list_free_full (devices, g_object_unref);
  g_task_return_pointer (task, g_steal_pointer (&disks), (GDestroyNotify)g_ptr_array_unref);
}

void
hangar_guest_list_disks_async (HangarGuest        *self,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_GUEST (self));

  task = hangar_guest_new_domain_task (self, hangar_guest_list_disks_async, cancellable,
                                       callback, user_data);
  if (task != NULL)
    g_task_run_in_thread (task, list_disks_thread);
}

GPtrArray *
hangar_guest_list_disks_finish (HangarGuest  *self,
                                GAsyncResult *result,
                                GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A volume the worker deleted, for the pool models on the main thread. */
typedef struct {
  char *pool;
  char *volume;
} DeletedVolume;

static void
deleted_volume_free (gpointer data)
{
  DeletedVolume *deleted = data;

  g_free (deleted->pool);
  g_free (deleted->volume);
  g_free (deleted);
}

/* Deletes the volume at @path, adding it to @deleted; on failure appends
 * "“name” (reason)" to @failures. */
static void
delete_volume (virConnectPtr conn,
               const char   *path,
               GPtrArray    *deleted,
               GPtrArray    *failures)
{
  virStorageVolPtr vol = virStorageVolLookupByPath (conn, path);
  virStoragePoolPtr pool = vol != NULL ? virStoragePoolLookupByVolume (vol) : NULL;
  g_autofree char *reason = NULL;

  if (vol != NULL && virStorageVolDelete (vol, 0) == 0)
    {
      if (pool != NULL)
        {
          DeletedVolume *gone = g_new0 (DeletedVolume, 1);

          gone->pool = g_strdup (virStoragePoolGetName (pool));
          gone->volume = g_strdup (virStorageVolGetName (vol));
          g_ptr_array_add (deleted, gone);
          virStoragePoolFree (pool);
        }
      virStorageVolFree (vol);
      return;
    }
  g_clear_pointer (&pool, virStoragePoolFree);
  if (vol != NULL)
    reason = hangar_virt_error_message ();
  else
    reason = g_strdup (_("not a volume of a running storage pool"));
  virResetLastError ();
  /* Translators: a volume that could not be deleted, and why. */
  g_ptr_array_add (failures, g_strdup_printf (_("“%s” (%s)"),
                                              vol ? virStorageVolGetName (vol) : path,
                                              reason));
  g_clear_pointer (&vol, virStorageVolFree);
}

static void
delete_with_storage_thread (GTask        *task,
                            gpointer      source_object,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  virDomainPtr domain = task_data;
  const char *name = hangar_guest_get_name (source_object);
  const char *const *paths = g_object_get_data (G_OBJECT (task), "hangar-paths");
  GPtrArray *deleted = g_object_get_data (G_OBJECT (task), "hangar-deleted");
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  int active, persistent;
  int ret;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* A guest that is gone already (or whose host cannot say) is an error: the disks it
   * left may be someone else's by now. */
  active = virDomainIsActive (domain);
  persistent = active < 0 ? -1 : virDomainIsPersistent (domain);
  ret = persistent < 0 ? -1 : 0;
  if (ret == 0 && active == 1)
    ret = virDomainDestroy (domain);
  if (ret == 0 && persistent == 1)
    ret = hangar_guest_undefine_domain (domain);
  if (ret < 0)
    {
      g_autofree char *reason = hangar_virt_error_message ();

      /* The guest stays, so do its disks: they are still of use. */
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not delete “%s”: %s. Its disks were kept."),
                               name, reason);
      return;
    }

  /* The guest is gone: a failed volume must not keep the others. */
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    delete_volume (virDomainGetConnect (domain), paths[i], deleted, failures);

  if (failures->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (failures, NULL);
      list = g_strjoinv ("; ", (char **)failures->pdata);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "“%s” was deleted, but this volume of it was "
                                            "not: %s. Delete it on the host's storage "
                                            "page.",
                                            "“%s” was deleted, but these volumes of it "
                                            "were not: %s. Delete them on the host's "
                                            "storage page.",
                                            failures->len - 1),
                               name, list);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* libvirt sends no event for a deleted volume (and its pool none either, short of a
 * refresh): the pools' lists drop what the worker deleted, as a volume's own delete
 * does, or the next guest's disk would still be named around them. Also after a
 * failure, for the volumes that did go. */
static void
on_delete_with_storage_done_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  HangarGuest *self = HANGAR_GUEST (object);
  g_autoptr(GTask) outer = user_data;
  GPtrArray *deleted = g_object_get_data (G_OBJECT (result), "hangar-deleted");
  HangarConnection *connection = hangar_guest_get_connection (self);
  GError *error = NULL;

  for (guint i = 0; deleted != NULL && connection != NULL && i < deleted->len; i++)
    {
      DeletedVolume *gone = g_ptr_array_index (deleted, i);
      HangarPool *pool = hangar_connection_find_pool (connection, gone->pool);
      HangarVolume *volume = pool != NULL ? hangar_pool_find_volume (pool, gone->volume) : NULL;

      if (pool == NULL)
        continue;
      if (volume != NULL)
        hangar_pool_remove_volume (pool, volume);
      /* Its free space grew. */
      hangar_pool_reload (pool, FALSE);
    }

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (outer, error);
  else
    g_task_return_boolean (outer, TRUE);
}

void
hangar_guest_delete_with_storage_async (HangarGuest        *self,
                                        const char *const  *paths_to_delete,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_GUEST (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, hangar_guest_delete_with_storage_async);
  task = hangar_guest_new_domain_task (self, delete_with_storage_thread, cancellable,
                                       on_delete_with_storage_done_cb, g_object_ref (outer));
  if (task == NULL)
    return;
  /* Set before the worker starts: the paths only read there, the list of what it
   * deleted only written there until it returns. */
  g_object_set_data_full (G_OBJECT (task), "hangar-paths",
                          g_strdupv ((char **)paths_to_delete), (GDestroyNotify)g_strfreev);
  g_object_set_data_full (G_OBJECT (task), "hangar-deleted",
                          g_ptr_array_new_with_free_func (deleted_volume_free),
                          (GDestroyNotify)g_ptr_array_unref);
  g_task_run_in_thread (task, delete_with_storage_thread);
}

gboolean
hangar_guest_delete_with_storage_finish (HangarGuest  *self,
                                         GAsyncResult *result,
                                         GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
