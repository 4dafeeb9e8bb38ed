// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-pool"

/* What a HangarPool does: its own operations, and checking and creating its volumes.
 * Each libvirt call runs on a worker; the pool changes on the main thread. */

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "hangar-connection-private.h"
#include "hangar-pool-private.h"
#include "hangar-storage-private.h"
#include "hangar-volume-private.h"

/* Operations: a libvirt call on a worker, then a re-read there, so the caller finds
 * the pool as it made it when its callback runs (the event confirms it later). */

typedef enum {
  OP_START,
  OP_STOP,
  OP_REFRESH,
  OP_AUTOSTART,
  OP_DELETE,
} OpKind;

typedef struct {
  virStoragePoolPtr pool;
  OpKind kind;
  gboolean flag;
  gboolean undefined;
  HangarPoolInfo *info;
} OpData;

static void
op_data_free (OpData *data)
{
  g_clear_pointer (&data->pool, hangar_virt_pool_unref);
  g_clear_pointer (&data->info, hangar_pool_info_free);
  g_free (data);
}

static gboolean
run_op (OpData  *data,
        GError **error)
{
  const char *name = virStoragePoolGetName (data->pool);

  switch (data->kind)
    {
    case OP_START:
      if (virStoragePoolCreate (data->pool, 0) < 0)
        {
          hangar_storage_set_virt_error (error, _("Could not start the pool “%s”: %s"), name);
          return FALSE;
        }
      return TRUE;

    case OP_STOP:
      if (virStoragePoolDestroy (data->pool) < 0)
        {
          hangar_storage_set_virt_error (error, _("Could not stop the pool “%s”: %s"), name);
          return FALSE;
        }
      return TRUE;

    case OP_REFRESH:
      if (virStoragePoolRefresh (data->pool, 0) < 0)
        {
          hangar_storage_set_virt_error (error, _("Could not refresh the pool “%s”: %s"), name);
          return FALSE;
        }
      return TRUE;

    case OP_AUTOSTART:
      if (virStoragePoolSetAutostart (data->pool, data->flag) < 0)
        {
          hangar_storage_set_virt_error (error,
                                         _("Could not change whether the pool “%s” starts with the host: %s"),
                                         name);
          return FALSE;
        }
      return TRUE;

    case OP_DELETE:
      if (virStoragePoolIsActive (data->pool) == 1 && virStoragePoolDestroy (data->pool) < 0)
        {
          hangar_storage_set_virt_error (error, _("Could not stop the pool “%s”: %s"), name);
          return FALSE;
        }
      /* Deleting the storage needs the pool stopped but still defined. */
      if (data->flag && virStoragePoolDelete (data->pool, 0) < 0)
        {
          hangar_storage_set_virt_error (error,
                                         _("Could not delete the storage of the pool “%s”: %s"),
                                         name);
          return FALSE;
        }
      if (virStoragePoolIsPersistent (data->pool) == 1 && virStoragePoolUndefine (data->pool) < 0)
        {
          hangar_storage_set_virt_error (error, _("Could not delete the pool “%s”: %s"), name);
          return FALSE;
        }
      data->undefined = TRUE;
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static void
op_thread (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  OpData *data = task_data;
  GError *error = NULL;
  gboolean ok;

  if (g_task_return_error_if_cancelled (task))
    return;
  ok = run_op (data, &error);
  /* Even after a failure: a delete may have stopped the pool before it failed. */
  if (!data->undefined)
    data->info = hangar_pool_info_fetch (data->pool, NULL);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_op_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  HangarPool *self = HANGAR_POOL (object);
  g_autoptr(GTask) outer = user_data;
  OpData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (data->info != NULL)
    {
      /* Newer than any re-read started before. */
      self->info_serial++;
      hangar_pool_apply_info (self, data->info);
    }
  if (data->undefined)
    {
      g_autoptr(HangarConnection) connection = g_weak_ref_get (&self->connection);

      if (connection != NULL)
        hangar_connection_forget_pool (connection, self);
    }
  if (data->kind == OP_REFRESH && data->info != NULL)
    hangar_pool_reload (self, TRUE);

  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_boolean (outer, TRUE);
  else
    g_task_return_error (outer, error);
}

static void
run_op_async (HangarPool         *self,
              OpKind              kind,
              gboolean            flag,
              gpointer            source_tag,
              GCancellable       *cancellable,
              GAsyncReadyCallback callback,
              gpointer            user_data)
{
  g_autoptr(GTask) outer = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) task = NULL;
  OpData *data;

  g_task_set_source_tag (outer, source_tag);
  /* Once libvirt did it, the answer is that it did, cancelled or not. */
  g_task_set_check_cancellable (outer, FALSE);

  if (self->pool == NULL)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The pool “%s” cannot be changed while its host is disconnected."),
                               self->name);
      return;
    }

  data = g_new0 (OpData, 1);
  data->pool = self->pool;
  virStoragePoolRef (data->pool);
  data->kind = kind;
  data->flag = flag;
  task = g_task_new (self, cancellable, on_op_done_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (task, run_op_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, data, (GDestroyNotify)op_data_free);
  g_task_run_in_thread (task, op_thread);
}

static gboolean
op_finish (HangarPool   *self,
           GAsyncResult *result,
           gpointer      source_tag,
           GError      **error)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hangar_pool_start_async (HangarPool         *self,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_return_if_fail (HANGAR_IS_POOL (self));
  run_op_async (self, OP_START, FALSE, hangar_pool_start_async, cancellable, callback, user_data);
}

gboolean
hangar_pool_start_finish (HangarPool   *self,
                          GAsyncResult *result,
                          GError      **error)
{
  return op_finish (self, result, hangar_pool_start_async, error);
}

void
hangar_pool_stop_async (HangarPool         *self,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_return_if_fail (HANGAR_IS_POOL (self));
  run_op_async (self, OP_STOP, FALSE, hangar_pool_stop_async, cancellable, callback, user_data);
}

gboolean
hangar_pool_stop_finish (HangarPool   *self,
                         GAsyncResult *result,
                         GError      **error)
{
  return op_finish (self, result, hangar_pool_stop_async, error);
}

void
hangar_pool_refresh_async (HangarPool         *self,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_return_if_fail (HANGAR_IS_POOL (self));
  run_op_async (self, OP_REFRESH, FALSE, hangar_pool_refresh_async, cancellable, callback,
                user_data);
}

gboolean
hangar_pool_refresh_finish (HangarPool   *self,
                            GAsyncResult *result,
                            GError      **error)
{
  return op_finish (self, result, hangar_pool_refresh_async, error);
}

void
hangar_pool_set_autostart_async (HangarPool         *self,
                                 gboolean            autostart,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_return_if_fail (HANGAR_IS_POOL (self));
  run_op_async (self, OP_AUTOSTART, autostart, hangar_pool_set_autostart_async, cancellable,
                callback, user_data);
}

gboolean
hangar_pool_set_autostart_finish (HangarPool   *self,
                                  GAsyncResult *result,
                                  GError      **error)
{
  return op_finish (self, result, hangar_pool_set_autostart_async, error);
}

void
hangar_pool_delete_async (HangarPool         *self,
                          gboolean            delete_storage,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_return_if_fail (HANGAR_IS_POOL (self));
  run_op_async (self, OP_DELETE, delete_storage, hangar_pool_delete_async, cancellable,
                callback, user_data);
}

gboolean
hangar_pool_delete_finish (HangarPool   *self,
                           GAsyncResult *result,
                           GError      **error)
{
  return op_finish (self, result, hangar_pool_delete_async, error);
}

/* Volumes: checking what the wizard asks for, as the user types (no libvirt call). */

static HangarVolume *
find_volume_by_path (HangarPool *self,
                     const char *path)
{
  GListModel *model = G_LIST_MODEL (self->volumes);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarVolume) volume = g_list_model_get_item (model, i);

      if (g_strcmp0 (hangar_volume_get_path (volume), path) == 0)
        return volume;
    }
  return NULL;
}

gboolean
hangar_pool_check_volume_spec (HangarPool             *self,
                               const HangarVolumeSpec *spec,
                               char                  **warning,
                               GError                **error)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  if (warning != NULL)
    *warning = NULL;

  if (!hangar_storage_check_name (spec->name, error))
    return FALSE;
  if (hangar_pool_find_volume (self, spec->name) != NULL)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_EXISTS,
                   _("The pool “%s” already has a volume called “%s”. Choose another name."),
                   self->name, spec->name);
      return FALSE;
    }
  if (!hangar_pool_get_active (self))
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_FAILED,
                   _("The pool “%s” is not running. Start it before adding a volume."),
                   self->name);
      return FALSE;
    }

  if (spec->capacity == 0)
    {
      g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_SIZE,
                           _("Enter a capacity larger than zero."));
      return FALSE;
    }
  if (spec->allocation > spec->capacity)
    {
      g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_SIZE,
                           _("The allocation cannot be larger than the capacity. Enter a smaller allocation."));
      return FALSE;
    }
  /* virt-manager's rule: what is written now must fit; what may be written later only
   * earns a warning. */
  if (spec->allocation > self->available)
    {
      g_autofree char *available = hangar_storage_format_size (self->available);
      g_autofree char *allocation = hangar_storage_format_size (spec->allocation);

      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_NO_SPACE,
                   _("The pool “%s” has %s free, less than the %s to allocate. Allocate less, or allocate nothing now."),
                   self->name, available, allocation);
      return FALSE;
    }

  if (spec->backing_path != NULL && *spec->backing_path != '\0')
    {
      if (spec->format != HANGAR_VOLUME_FORMAT_QCOW2)
        {
          g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_UNSUPPORTED,
                               _("Only a qcow2 volume can have a backing volume. Choose qcow2, or no backing volume."));
          return FALSE;
        }
      if (!g_path_is_absolute (spec->backing_path))
        {
          g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_PATH,
                       _("The backing volume “%s” is not an absolute path. Choose a volume from the list."),
                       spec->backing_path);
          return FALSE;
        }
    }

  if (spec->capacity > self->available && warning != NULL)
    {
      g_autofree char *available = hangar_storage_format_size (self->available);
      g_autofree char *capacity = hangar_storage_format_size (spec->capacity);

      *warning = g_strdup_printf (_("The pool “%s” has %s free, less than the volume’s capacity of %s: the pool fills up if the guest writes that much."),
                                  self->name, available, capacity);
    }
  return TRUE;
}

/* Creating a volume. virStorageVolCreateXML blocks until the allocation is written;
 * meanwhile a timer on the main thread has a second worker read the volume's
 * allocation for the job's progress. */

#define ALLOCATION_POLL_MS 250
/* libvirtd answers a volume's info only between stretches of its allocation: a poll can
 * wait a second or two, until the create ends (measured on libvirt 9.0). A poll out
 * longer than this turns the bar into a pulse, so that it does not look stuck. */
#define ALLOCATION_POLL_SLOW_US (1000 * 1000)

typedef struct {
  HangarVolumeSpec *spec;
  char *xml;
  HangarJob *job;
  GCancellable *cancellable;
  virStoragePoolPtr pool;
  HangarVolumeInfo *info;
  GError *error;
  guint poll_source;
  gboolean polling;
  gint64 poll_sent;       /* monotonic time the poll under way was sent */
  gboolean cancelling;
} CreateVolume;

static void
create_volume_free (CreateVolume *create)
{
  g_assert (create->poll_source == 0);
  hangar_volume_spec_free (create->spec);
  g_free (create->xml);
  g_clear_object (&create->job);
  g_clear_object (&create->cancellable);
  g_clear_pointer (&create->pool, hangar_virt_pool_unref);
  g_clear_pointer (&create->info, hangar_volume_info_free);
  g_clear_error (&create->error);
  g_free (create);
}

static gboolean
create_volume_cancelled (CreateVolume *create)
{
  return g_cancellable_is_cancelled (create->cancellable) ||
         (create->job != NULL && hangar_job_is_cancelled (create->job));
}

static char *
volume_spec_to_xml (HangarPool             *self,
                    const HangarVolumeSpec *spec)
{
  g_autoptr(GVirConfigStorageVol) vol = gvir_config_storage_vol_new ();
  g_autoptr(GVirConfigStorageVolTarget) target = gvir_config_storage_vol_target_new ();
  const char *format = hangar_volume_format_to_string (spec->format);

  gvir_config_storage_vol_set_name (vol, spec->name);
  gvir_config_storage_vol_set_capacity (vol, spec->capacity);
  gvir_config_storage_vol_set_allocation (vol, spec->allocation);
  /* A disk pool's volumes are partitions: their "format" is a partition type, which
   * libvirt chooses itself when none is given ("raw" would be refused). */
  if (hangar_pool_get_pool_type (self) != HANGAR_POOL_TYPE_DISK)
    gvir_config_storage_vol_target_set_format (target, format);
  gvir_config_storage_vol_set_target (vol, target);

  if (spec->format == HANGAR_VOLUME_FORMAT_QCOW2 && spec->backing_path != NULL &&
      *spec->backing_path != '\0')
    {
      g_autoptr(GVirConfigStorageVolBackingStore) backing =
        gvir_config_storage_vol_backing_store_new ();
      HangarVolume *base = find_volume_by_path (self, spec->backing_path);

      gvir_config_storage_vol_backing_store_set_path (backing, spec->backing_path);
      /* Named, so that libvirt and QEMU never probe it (a raw image could pose as any). */
      if (base != NULL && hangar_volume_get_format (base)[0] != '\0')
        gvir_config_storage_vol_backing_store_set_format (backing,
                                                          hangar_volume_get_format (base));
      gvir_config_storage_vol_set_backing_store (vol, backing);
    }

  return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (vol));
}

static void
create_volume_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  CreateVolume *create = task_data;
  virStorageVolPtr vol = virStorageVolCreateXML (create->pool, create->xml, 0);
  GError *error = NULL;

  if (vol == NULL)
    {
      hangar_storage_set_virt_error (&error, _("Could not create the volume “%s”: %s"),
                                     create->spec->name);
      g_task_return_error (task, error);
      return;
    }
  create->info = hangar_volume_info_fetch (vol, NULL, NULL);
  virStorageVolFree (vol);
  g_task_return_boolean (task, TRUE);
}

static void
delete_half_made_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  CreateVolume *create = task_data;
  virStorageVolPtr vol = virStorageVolLookupByName (create->pool, create->spec->name);

  if (vol == NULL || virStorageVolDelete (vol, 0) < 0)
    g_warning ("Could not delete the half-made volume “%s”: %s", create->spec->name,
               virGetLastErrorMessage ());
  g_clear_pointer (&vol, virStorageVolFree);
  g_task_return_boolean (task, TRUE);
}

static void
on_half_made_deleted_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  HangarPool *self = g_task_get_source_object (outer);
  CreateVolume *create = g_task_get_task_data (outer);

  hangar_pool_reload (self, FALSE);
  g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("Creating the volume “%s” was cancelled."), create->spec->name);
}

/* The progress poll: one read at a time, from a timer on the main thread. */

static void
poll_allocation_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  CreateVolume *create = task_data;
  virStorageVolPtr vol = virStorageVolLookupByName (create->pool, create->spec->name);
  virStorageVolInfo info;
  guint64 *allocation;

  /* Not there yet: libvirt has not begun. */
  if (vol == NULL || virStorageVolGetInfo (vol, &info) < 0)
    {
      g_clear_pointer (&vol, virStorageVolFree);
      virResetLastError ();
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  virStorageVolFree (vol);
  allocation = g_new (guint64, 1);
  *allocation = info.allocation;
  g_task_return_pointer (task, allocation, g_free);
}

static void
on_poll_allocation_done_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  CreateVolume *create = g_task_get_task_data (outer);
  g_autofree guint64 *allocation = g_task_propagate_pointer (G_TASK (result), NULL);

  create->polling = FALSE;
  /* After the end, or while cancelling (pulsing), a late answer says nothing. */
  if (allocation == NULL || create->poll_source == 0 || create->cancelling)
    return;
  hangar_job_set_fraction (create->job,
                           MIN ((double)*allocation / (double)create->spec->allocation, 0.99));
}

static gboolean
on_poll_allocation_cb (gpointer user_data)
{
  GTask *outer = user_data;
  CreateVolume *create = g_task_get_task_data (outer);
  g_autoptr(GTask) task = NULL;

  /* Cancel cannot stop libvirt: say so at once, then wait for the end. */
  if (!create->cancelling && create_volume_cancelled (create))
    {
      create->cancelling = TRUE;
      hangar_job_set_message (create->job, _("Cancelling…"));
      hangar_job_set_fraction (create->job, -1);
    }
  if (create->polling && !create->cancelling &&
      g_get_monotonic_time () - create->poll_sent > ALLOCATION_POLL_SLOW_US)
    hangar_job_set_fraction (create->job, -1);
  if (create->polling || create->cancelling || create->spec->allocation == 0)
    return G_SOURCE_CONTINUE;

  create->polling = TRUE;
  create->poll_sent = g_get_monotonic_time ();
  task = g_task_new (NULL, NULL, on_poll_allocation_done_cb, g_object_ref (outer));
  g_task_set_source_tag (task, on_poll_allocation_cb);
  g_task_set_task_data (task, create, NULL);
  g_task_run_in_thread (task, poll_allocation_thread);
  return G_SOURCE_CONTINUE;
}

static void
on_create_volume_done_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  HangarPool *self = g_task_get_source_object (outer);
  CreateVolume *create = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;
  gboolean created = g_task_propagate_boolean (G_TASK (result), &error);
  HangarVolume *volume;

  g_clear_handle_id (&create->poll_source, g_source_remove);

  /* libvirt cannot interrupt an allocation, and refuses to delete a volume it is still
   * allocating: a Cancel waited for the create to end, and now removes the volume. */
  if (create_volume_cancelled (create))
    {
      g_autoptr(GTask) task = NULL;

      if (create->job != NULL)
        {
          hangar_job_set_message (create->job, _("Cancelling…"));
          hangar_job_set_fraction (create->job, -1);
        }
      if (!created)
        {
          g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   _("Creating the volume “%s” was cancelled."),
                                   create->spec->name);
          return;
        }
      task = g_task_new (NULL, NULL, on_half_made_deleted_cb, g_steal_pointer (&outer));
      g_task_set_source_tag (task, delete_half_made_thread);
      g_task_set_task_data (task, create, NULL);
      g_task_run_in_thread (task, delete_half_made_thread);
      return;
    }

  if (!created)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  if (create->job != NULL)
    hangar_job_set_fraction (create->job, 1.0);
  /* The pool's free space changed; libvirt sends no event for a new volume. */
  hangar_pool_reload (self, FALSE);
  if (create->info == NULL)
    {
      /* Made, but unreadable right away: the next refresh lists it. */
      g_task_return_new_error (outer, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_FAILED,
                               _("The volume “%s” was created but could not be read. Refresh the pool “%s”."),
                               create->spec->name, self->name);
      return;
    }
  volume = hangar_pool_add_volume (self, create->info);
  g_task_return_pointer (outer, g_object_ref (volume), g_object_unref);
}

void
hangar_pool_create_volume_async (HangarPool             *self,
                                 const HangarVolumeSpec *spec,
                                 HangarJob              *job,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *message = NULL;
  CreateVolume *create;
  GError *error = NULL;

  g_return_if_fail (HANGAR_IS_POOL (self));
  g_return_if_fail (spec != NULL);
  g_return_if_fail (job == NULL || HANGAR_IS_JOB (job));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, hangar_pool_create_volume_async);
  /* A cancelled creation answers G_IO_ERROR_CANCELLED itself, once the volume is gone. */
  g_task_set_check_cancellable (outer, FALSE);

  if (self->pool == NULL)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The pool “%s” cannot be changed while its host is disconnected."),
                               self->name);
      return;
    }
  if (!hangar_pool_check_volume_spec (self, spec, NULL, &error))
    {
      g_task_return_error (outer, error);
      return;
    }

  create = g_new0 (CreateVolume, 1);
  create->spec = hangar_volume_spec_copy (spec);
  create->xml = volume_spec_to_xml (self, spec);
  create->job = job != NULL ? g_object_ref (job) : NULL;
  create->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  create->pool = self->pool;
  virStoragePoolRef (create->pool);
  g_task_set_task_data (outer, create, (GDestroyNotify)create_volume_free);

  if (create_volume_cancelled (create))
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Creating the volume “%s” was cancelled."), spec->name);
      return;
    }

  task = g_task_new (NULL, NULL, on_create_volume_done_cb, g_object_ref (outer));
  g_task_set_source_tag (task, create_volume_thread);
  g_task_set_task_data (task, create, NULL);
  g_task_run_in_thread (task, create_volume_thread);

  /* Told after the worker started: a Cancel in reply waits for the create, then
   * deletes what it made. */
  if (job != NULL)
    {
      create->poll_source = g_timeout_add (ALLOCATION_POLL_MS, on_poll_allocation_cb, outer);
      message = g_strdup_printf (_("Allocating %s"), spec->name);
      hangar_job_set_fraction (job, spec->allocation > 0 ? 0 : -1);
      hangar_job_set_message (job, message);
    }
}

/* Transfer full. */
HangarVolume *
hangar_pool_create_volume_finish (HangarPool   *self,
                                  GAsyncResult *result,
                                  GError      **error)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
