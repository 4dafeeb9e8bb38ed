// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-volume"

/* HangarVolume: one volume of a pool, as its pool last read it. It holds no libvirt
 * handle (a pool may have thousands): each operation looks the volume up by name in
 * its pool, on the worker that does the work. */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "hangar-connection-private.h"
#include "hangar-domain-config.h"
#include "hangar-notify.h"
#include "hangar-pool-private.h"
#include "hangar-storage-private.h"
#include "hangar-volume-private.h"

struct _HangarVolume
{
  GObject parent_instance;

  GWeakRef pool;
  char *name;
  char *path;
  char *format;
  guint64 capacity;
  guint64 allocation;
  char *backing_path;
  GStrv users;
  char *used_by;
};

G_DEFINE_FINAL_TYPE (HangarVolume, hangar_volume, G_TYPE_OBJECT)

/* An upload sends the file in chunks of this size, checking Cancel between them. */
#define UPLOAD_CHUNK (256 * 1024)

enum {
  PROP_0,
  PROP_NAME,
  PROP_PATH,
  PROP_FORMAT,
  PROP_CAPACITY,
  PROP_ALLOCATION,
  PROP_BACKING_PATH,
  PROP_USERS,
  PROP_USED_BY,
  PROP_POOL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
hangar_volume_info_free (HangarVolumeInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->path);
  g_free (info->format);
  g_free (info->backing_path);
  g_strfreev (info->users);
  g_free (info);
}

static guint64
xml_bytes (xmlNodePtr node)
{
  g_autofree char *text = hangar_storage_xml_text (node);

  /* libvirt writes sizes with unit='bytes'. */
  return text != NULL ? g_ascii_strtoull (text, NULL, 10) : 0;
}

static int
compare_names (const void *a,
               const void *b)
{
  return g_utf8_collate (*(char *const *)a, *(char *const *)b);
}

/* The guests in @users (hangar_domain_config_disk_users, or NULL) that use @path, in
 * name order: libvirt lists guests in no fixed order, and a label should not reshuffle. */
static GStrv
users_of (GHashTable *users,
          const char *path)
{
  GPtrArray *names = users != NULL && path != NULL ? g_hash_table_lookup (users, path) : NULL;
  GStrv result;

  if (names == NULL)
    return g_new0 (char *, 1);
  result = g_new0 (char *, names->len + 1);
  for (guint i = 0; i < names->len; i++)
    result[i] = g_strdup (names->pdata[i]);
  qsort (result, names->len, sizeof (char *), compare_names);
  return result;
}

/* Runs on a worker: one XML read per volume, which holds everything shown. */
HangarVolumeInfo *
hangar_volume_info_fetch (virStorageVolPtr  volume,
                          GHashTable       *users,
                          GError          **error)
{
  g_autoptr(HangarVolumeInfo) info = g_new0 (HangarVolumeInfo, 1);
  g_autofree char *xml = virStorageVolGetXMLDesc (volume, 0);
  g_autoptr(GVirConfigStorageVol) config = NULL;
  xmlNodePtr node, target;

  info->name = g_strdup (virStorageVolGetName (volume));
  if (xml == NULL)
    {
      hangar_storage_set_virt_error (error, _("Could not read the volume “%s”: %s"),
                                     info->name);
      return NULL;
    }
  config = gvir_config_storage_vol_new_from_xml (xml, error);
  if (config == NULL)
    return NULL;

  node = hangar_storage_config_node (config);
  target = hangar_storage_xml_child (node, "target");
  info->path = hangar_storage_xml_text (hangar_storage_xml_child (target, "path"));
  info->format = hangar_storage_xml_attr (hangar_storage_xml_child (target, "format"), "type");
  info->capacity = xml_bytes (hangar_storage_xml_child (node, "capacity"));
  info->allocation = xml_bytes (hangar_storage_xml_child (node, "allocation"));
  info->backing_path =
    hangar_storage_xml_text (hangar_storage_xml_child (hangar_storage_xml_child (node,
                                                                                 "backingStore"),
                                                       "path"));
  if (info->format == NULL)
    info->format = g_strdup ("");

  info->users = users_of (users, info->path);
  return g_steal_pointer (&info);
}

static void
set_users (HangarVolume      *self,
           const char *const *users)
{
  static const char *const none[] = { NULL };

  if (users == NULL)
    users = none;
  if (self->users != NULL && g_strv_equal ((const char *const *)self->users, users))
    return;
  g_strfreev (self->users);
  self->users = g_strdupv ((char **)users);
  g_free (self->used_by);
  self->used_by = g_strjoinv (", ", self->users);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USED_BY]);
}

void
hangar_volume_apply_info (HangarVolume           *self,
                          const HangarVolumeInfo *info)
{
  g_return_if_fail (HANGAR_IS_VOLUME (self));

  g_object_freeze_notify (G_OBJECT (self));
  hangar_set_string (G_OBJECT (self), &self->name, info->name, properties[PROP_NAME]);
  hangar_set_string (G_OBJECT (self), &self->path, info->path, properties[PROP_PATH]);
  hangar_set_string (G_OBJECT (self), &self->format, info->format, properties[PROP_FORMAT]);
  hangar_set_uint64 (G_OBJECT (self), &self->capacity, info->capacity,
                     properties[PROP_CAPACITY]);
  hangar_set_uint64 (G_OBJECT (self), &self->allocation, info->allocation,
                     properties[PROP_ALLOCATION]);
  hangar_set_string (G_OBJECT (self), &self->backing_path, info->backing_path,
                     properties[PROP_BACKING_PATH]);
  set_users (self, (const char *const *)info->users);
  g_object_thaw_notify (G_OBJECT (self));
}

void
hangar_volume_apply_users (HangarVolume *self,
                           GHashTable   *users)
{
  g_auto(GStrv) names = NULL;

  g_return_if_fail (HANGAR_IS_VOLUME (self));

  names = users_of (users, self->path);
  set_users (self, (const char *const *)names);
}

HangarVolume *
hangar_volume_new (HangarPool             *pool,
                   const HangarVolumeInfo *info)
{
  HangarVolume *self = g_object_new (HANGAR_TYPE_VOLUME, NULL);

  g_weak_ref_set (&self->pool, pool);
  hangar_volume_apply_info (self, info);
  return self;
}

/* GObject. */

static void
hangar_volume_finalize (GObject *object)
{
  HangarVolume *self = (HangarVolume *)object;

  g_weak_ref_clear (&self->pool);
  g_free (self->name);
  g_free (self->path);
  g_free (self->format);
  g_free (self->backing_path);
  g_strfreev (self->users);
  g_free (self->used_by);

  G_OBJECT_CLASS (hangar_volume_parent_class)->finalize (object);
}

static void
hangar_volume_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HangarVolume *self = HANGAR_VOLUME (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_FORMAT:
      g_value_set_string (value, self->format);
      break;
    case PROP_CAPACITY:
      g_value_set_uint64 (value, self->capacity);
      break;
    case PROP_ALLOCATION:
      g_value_set_uint64 (value, self->allocation);
      break;
    case PROP_BACKING_PATH:
      g_value_set_string (value, self->backing_path);
      break;
    case PROP_USERS:
      g_value_set_boxed (value, self->users);
      break;
    case PROP_USED_BY:
      g_value_set_string (value, self->used_by);
      break;
    case PROP_POOL:
      g_value_take_object (value, g_weak_ref_get (&self->pool));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_volume_class_init (HangarVolumeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hangar_volume_finalize;
  object_class->get_property = hangar_volume_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, ro);
  properties[PROP_FORMAT] = g_param_spec_string ("format", NULL, NULL, NULL, ro);
  properties[PROP_CAPACITY] = g_param_spec_uint64 ("capacity", NULL, NULL,
                                                   0, G_MAXUINT64, 0, ro);
  properties[PROP_ALLOCATION] = g_param_spec_uint64 ("allocation", NULL, NULL,
                                                     0, G_MAXUINT64, 0, ro);
  properties[PROP_BACKING_PATH] = g_param_spec_string ("backing-path", NULL, NULL, NULL, ro);
  properties[PROP_USERS] = g_param_spec_boxed ("users", NULL, NULL, G_TYPE_STRV, ro);
  properties[PROP_USED_BY] = g_param_spec_string ("used-by", NULL, NULL, NULL, ro);
  /* The pool owns its volumes: a weak link back. */
  properties[PROP_POOL] = g_param_spec_object ("pool", NULL, NULL, HANGAR_TYPE_POOL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_volume_init (HangarVolume *self)
{
  g_weak_ref_init (&self->pool, NULL);
  self->users = g_new0 (char *, 1);
  self->used_by = g_strdup ("");
}

const char *
hangar_volume_get_name (HangarVolume *self)
{
  g_return_val_if_fail (HANGAR_IS_VOLUME (self), NULL);
  return self->name;
}

const char *
hangar_volume_get_path (HangarVolume *self)
{
  g_return_val_if_fail (HANGAR_IS_VOLUME (self), NULL);
  return self->path;
}

const char *
hangar_volume_get_format (HangarVolume *self)
{
  g_return_val_if_fail (HANGAR_IS_VOLUME (self), NULL);
  return self->format;
}

guint64
hangar_volume_get_capacity (HangarVolume *self)
{
  g_return_val_if_fail (HANGAR_IS_VOLUME (self), 0);
  return self->capacity;
}

guint64
hangar_volume_get_allocation (HangarVolume *self)
{
  g_return_val_if_fail (HANGAR_IS_VOLUME (self), 0);
  return self->allocation;
}

const char *
hangar_volume_get_backing_path (HangarVolume *self)
{
  g_return_val_if_fail (HANGAR_IS_VOLUME (self), NULL);
  return self->backing_path;
}

const char *const *
hangar_volume_get_users (HangarVolume *self)
{
  g_return_val_if_fail (HANGAR_IS_VOLUME (self), NULL);
  return (const char *const *)self->users;
}

const char *
hangar_volume_get_used_by (HangarVolume *self)
{
  g_return_val_if_fail (HANGAR_IS_VOLUME (self), NULL);
  return self->used_by;
}

/* Transfer none, as the other getters; NULL once the pool is gone. */
HangarPool *
hangar_volume_get_pool (HangarVolume *self)
{
  g_autoptr(HangarPool) pool = NULL;

  g_return_val_if_fail (HANGAR_IS_VOLUME (self), NULL);

  /* The pool outlives its volumes' users only while someone holds it; the connection
   * does while the pool exists, so the borrowed pointer stays valid that long. */
  pool = g_weak_ref_get (&self->pool);
  return pool;
}

/* Operations: each looks the volume up by name in its pool, on the worker. */

typedef struct {
  virStoragePoolPtr pool;
  char *name;
  char *pool_name;
  guint64 capacity;
  gboolean allow_shrink;
  gboolean even_if_used;
  gboolean wipe;
  HangarJob *job;
  GCancellable *cancellable;
  HangarVolumeInfo *info;
} VolumeOp;

static void
volume_op_free (VolumeOp *op)
{
  g_clear_pointer (&op->pool, hangar_virt_pool_unref);
  g_free (op->name);
  g_free (op->pool_name);
  g_clear_object (&op->job);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->info, hangar_volume_info_free);
  g_free (op);
}

static GTask *
volume_op_new (HangarVolume       *self,
               gpointer            source_tag,
               GCancellable       *cancellable,
               GAsyncReadyCallback callback,
               gpointer            user_data,
               VolumeOp          **op_out)
{
  g_autoptr(HangarPool) pool = g_weak_ref_get (&self->pool);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  virStoragePoolPtr vpool = pool != NULL ? hangar_pool_get_virt_pool (pool) : NULL;
  VolumeOp *op;

  g_task_set_source_tag (task, source_tag);
  /* Once libvirt did it, the answer is that it did. */
  g_task_set_check_cancellable (task, FALSE);
  *op_out = NULL;
  if (vpool == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The volume “%s” cannot be changed while its host is disconnected."),
                               self->name);
      return task;
    }

  op = g_new0 (VolumeOp, 1);
  op->pool = vpool;
  virStoragePoolRef (vpool);
  op->name = g_strdup (self->name);
  op->pool_name = g_strdup (hangar_pool_get_name (pool));
  op->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  g_task_set_task_data (task, op, (GDestroyNotify)volume_op_free);
  *op_out = op;
  return task;
}

static virStorageVolPtr
lookup_volume (VolumeOp *op,
               GError  **error)
{
  virStorageVolPtr vol = virStorageVolLookupByName (op->pool, op->name);

  if (vol == NULL)
    hangar_storage_set_virt_error (error, _("Could not find the volume “%s”: %s"), op->name);
  return vol;
}

/* Resizing. */

static void
resize_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VolumeOp *op = task_data;
  g_autoptr(GError) error = NULL;
  virStorageVolPtr vol;
  virStorageVolInfo info;
  unsigned int flags = 0;

  if (g_task_return_error_if_cancelled (task))
    return;
  vol = lookup_volume (op, &error);
  if (vol == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (virStorageVolGetInfo (vol, &info) < 0)
    {
      hangar_storage_set_virt_error (&error, _("Could not read the volume “%s”: %s"), op->name);
      goto out;
    }
  /* Compared with the size now, not the one last shown. */
  if (op->capacity < info.capacity)
    {
      g_autofree char *now = hangar_storage_format_size (info.capacity);
      g_autofree char *asked = hangar_storage_format_size (op->capacity);

      if (!op->allow_shrink)
        {
          g_set_error (&error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_SIZE,
                       _("The volume “%s” is %s, more than the %s asked for. Shrinking it loses the data past the new end: confirm that before shrinking."),
                       op->name, now, asked);
          goto out;
        }
      flags |= VIR_STORAGE_VOL_RESIZE_SHRINK;
    }
  if (op->capacity != info.capacity && virStorageVolResize (vol, op->capacity, flags) < 0)
    {
      if (hangar_storage_virt_error_code () == HANGAR_STORAGE_ERROR_UNSUPPORTED)
        hangar_storage_set_virt_error (&error,
                                       _("The pool of the volume “%s” cannot resize it: %s"),
                                       op->name);
      else
        hangar_storage_set_virt_error (&error, _("Could not resize the volume “%s”: %s"),
                                       op->name);
      goto out;
    }
  op->info = hangar_volume_info_fetch (vol, NULL, NULL);

out:
  virStorageVolFree (vol);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_resize_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  HangarVolume *self = HANGAR_VOLUME (object);
  g_autoptr(GTask) outer = user_data;
  VolumeOp *op = g_task_get_task_data (G_TASK (result));
  g_autoptr(HangarPool) pool = g_weak_ref_get (&self->pool);
  GError *error = NULL;

  if (op->info != NULL)
    {
      /* Who uses it did not change: keep that. */
      g_strfreev (op->info->users);
      op->info->users = g_strdupv (self->users);
      hangar_volume_apply_info (self, op->info);
      if (pool != NULL)
        hangar_pool_reload (pool, FALSE);
    }
  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_boolean (outer, TRUE);
  else
    g_task_return_error (outer, error);
}

void
hangar_volume_resize_async (HangarVolume       *self,
                            guint64             capacity,
                            gboolean            allow_shrink,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;
  VolumeOp *op;

  g_return_if_fail (HANGAR_IS_VOLUME (self));

  outer = volume_op_new (self, hangar_volume_resize_async, cancellable, callback, user_data,
                         &op);
  if (op == NULL)
    return;
  if (capacity == 0)
    {
      g_task_return_new_error (outer, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_SIZE,
                               _("Enter a capacity larger than zero."));
      return;
    }
  op->capacity = capacity;
  op->allow_shrink = allow_shrink;
  task = g_task_new (self, NULL, on_resize_done_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (task, resize_thread);
  g_task_set_task_data (task, op, NULL);
  g_task_run_in_thread (task, resize_thread);
}

gboolean
hangar_volume_resize_finish (HangarVolume *self,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (HANGAR_IS_VOLUME (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Deleting. */

static gboolean
delete_cancelled (VolumeOp *op)
{
  return g_cancellable_is_cancelled (op->cancellable) ||
         (op->job != NULL && hangar_job_is_cancelled (op->job));
}

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VolumeOp *op = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  virStorageVolPtr vol;

  if (delete_cancelled (op))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Deleting the volume “%s” was cancelled."), op->name);
      return;
    }
  vol = lookup_volume (op, &error);
  if (vol == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Who uses it now, not when the list was read. */
  path = virStorageVolGetPath (vol);
  if (!op->even_if_used && path != NULL)
    {
      g_autoptr(GHashTable) users =
        hangar_domain_config_disk_users (virStoragePoolGetConnect (op->pool), &error);
      GPtrArray *names = users != NULL ? g_hash_table_lookup (users, path) : NULL;

      if (users == NULL)
        {
          g_prefix_error (&error, _("Could not find out which guests use the volume “%s”: "),
                          op->name);
          goto out;
        }
      if (names != NULL && names->len > 0)
        {
          g_autofree char *list = NULL;

          g_ptr_array_sort (names, (GCompareFunc)compare_names);
          g_ptr_array_add (names, NULL);
          list = g_strjoinv (", ", (char **)names->pdata);
          g_set_error (&error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_IN_USE,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "The guest %2$s uses the volume “%1$s”. Remove the disk from it first, or confirm deleting the volume anyway.",
                                    "The guests %2$s use the volume “%1$s”. Remove the disk from them first, or confirm deleting the volume anyway.",
                                    names->len - 1),
                       op->name, list);
          goto out;
        }
    }

  if (op->wipe)
    {
      g_autofree char *message = g_strdup_printf (_("Wiping %s"), op->name);

      /* libvirt says nothing of a wipe's progress: the job pulses. */
      hangar_job_report_from_worker (op->job, message, -1);
      if (virStorageVolWipe (vol, 0) < 0)
        {
          hangar_storage_set_virt_error (&error, _("Could not wipe the volume “%s”: %s"),
                                         op->name);
          goto out;
        }
      /* A wipe cannot be stopped; a Cancel during it keeps the (wiped) volume. */
      if (delete_cancelled (op))
        {
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                       _("Deleting the volume “%s” was cancelled after it was wiped."),
                       op->name);
          goto out;
        }
    }

  {
    g_autofree char *message = g_strdup_printf (_("Deleting %s"), op->name);

    hangar_job_report_from_worker (op->job, message, -1);
  }
  if (virStorageVolDelete (vol, 0) < 0)
    hangar_storage_set_virt_error (&error, _("Could not delete the volume “%s”: %s"),
                                   op->name);

out:
  virStorageVolFree (vol);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_delete_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  HangarVolume *self = HANGAR_VOLUME (object);
  g_autoptr(GTask) outer = user_data;
  g_autoptr(HangarPool) pool = g_weak_ref_get (&self->pool);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, error);
      return;
    }
  /* libvirt sends no event for a deleted volume: the list follows here. */
  if (pool != NULL)
    {
      hangar_pool_remove_volume (pool, self);
      hangar_pool_reload (pool, FALSE);
    }
  g_task_return_boolean (outer, TRUE);
}

void
hangar_volume_delete_async (HangarVolume       *self,
                            gboolean            even_if_used,
                            gboolean            wipe,
                            HangarJob          *job,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;
  VolumeOp *op;

  g_return_if_fail (HANGAR_IS_VOLUME (self));
  g_return_if_fail (job == NULL || HANGAR_IS_JOB (job));

  outer = volume_op_new (self, hangar_volume_delete_async, cancellable, callback, user_data,
                         &op);
  if (op == NULL)
    return;
  op->even_if_used = even_if_used;
  op->wipe = wipe;
  op->job = job != NULL ? g_object_ref (job) : NULL;
  task = g_task_new (self, NULL, on_delete_done_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (task, delete_thread);
  g_task_set_task_data (task, op, NULL);
  g_task_run_in_thread (task, delete_thread);
}

gboolean
hangar_volume_delete_finish (HangarVolume *self,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (HANGAR_IS_VOLUME (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
hangar_volume_upload (virStorageVolPtr  vol,
                      GInputStream     *input,
                      guint64           size,
                      const char       *message,
                      HangarJob        *job,
                      GCancellable     *cancellable,
                      GError          **error)
{
  virStreamPtr stream = virStreamNew (virStorageVolGetConnect (vol), 0);
  g_autofree char *buffer = g_malloc (UPLOAD_CHUNK);
  guint64 sent = 0;
  int last_percent = -1;

  if (stream == NULL || virStorageVolUpload (vol, stream, 0, size, 0) < 0)
    {
      g_autofree char *detail = hangar_storage_virt_reason ();
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", detail);
      if (stream != NULL)
        virStreamFree (stream);
      return FALSE;
    }
  while (sent < size)
    {
      gssize got = g_input_stream_read (input, buffer, MIN (UPLOAD_CHUNK, size - sent),
                                        cancellable, error);
      int percent;

      if (got <= 0)
        {
          if (got == 0)
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                 _("the file ended early"));
          virStreamAbort (stream);
          virStreamFree (stream);
          return FALSE;
        }
      for (gssize done = 0; done < got;)
        {
          int n = virStreamSend (stream, buffer + done, got - done);

          if (n < 0)
            {
              g_autofree char *detail = hangar_storage_virt_reason ();
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", detail);
              virStreamAbort (stream);
              virStreamFree (stream);
              return FALSE;
            }
          done += n;
        }
      sent += got;
      percent = (int) (sent * 100 / size);
      if (percent != last_percent)
        hangar_job_report_from_worker (job, message, (double) sent / size);
      last_percent = percent;
    }
  if (virStreamFinish (stream) < 0)
    {
      g_autofree char *detail = hangar_storage_virt_reason ();
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", detail);
      virStreamFree (stream);
      return FALSE;
    }
  virStreamFree (stream);
  return TRUE;
}

HangarVolume *
hangar_volume_find_by_path (HangarConnection  *connection,
                            const char        *path,
                            HangarPool       **pool_out)
{
  GListModel *pools = hangar_connection_get_pools (connection);

  for (guint i = 0; path != NULL && i < g_list_model_get_n_items (pools); i++)
    {
      g_autoptr(HangarPool) pool = g_list_model_get_item (pools, i);
      GListModel *volumes = hangar_pool_get_volumes (pool);

      for (guint j = 0; j < g_list_model_get_n_items (volumes); j++)
        {
          g_autoptr(HangarVolume) volume = g_list_model_get_item (volumes, j);

          if (g_strcmp0 (hangar_volume_get_path (volume), path) == 0)
            {
              if (pool_out != NULL)
                *pool_out = pool;
              return volume;
            }
        }
    }
  return NULL;
}

/* Disk images. */

/* The qcow2 header (big-endian): magic, version, backing file offset, its length,
 * cluster bits, then the virtual size at byte 24. */
#define QCOW2_MAGIC "QFI\xfb"
#define QCOW2_HEADER_READ 32

static guint64
read_be64 (const guint8 *bytes)
{
  guint64 value;

  memcpy (&value, bytes, sizeof value);
  return GUINT64_FROM_BE (value);
}

gboolean
hangar_volume_read_image_header (const char        *path,
                                 HangarImageHeader *header,
                                 GCancellable      *cancellable,
                                 GError           **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GFileInfo) info = NULL;
  guint8 bytes[QCOW2_HEADER_READ];
  gsize got = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (header != NULL, FALSE);

  file = g_file_new_for_path (path);
  input = g_file_read (file, cancellable, error);
  if (input == NULL)
    return FALSE;
  info = g_file_input_stream_query_info (input, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, error);
  if (info == NULL
      || !g_input_stream_read_all (G_INPUT_STREAM (input), bytes, sizeof bytes, &got,
                                   cancellable, error))
    return FALSE;
  header->file_size = g_file_info_get_size (info);
  if (got == sizeof bytes && memcmp (bytes, QCOW2_MAGIC, 4) == 0)
    {
      header->format = HANGAR_VOLUME_FORMAT_QCOW2;
      header->backed = read_be64 (bytes + 8) != 0;
      header->virtual_size = read_be64 (bytes + 24);
    }
  else
    {
      header->format = HANGAR_VOLUME_FORMAT_RAW;
      header->backed = FALSE;
      header->virtual_size = header->file_size;
    }
  return TRUE;
}

/* Copying an image into a new volume. */

static char *
copy_xml (const char         *name,
          HangarVolumeFormat  format,
          guint64             capacity)
{
  g_autoptr(GVirConfigStorageVol) config = gvir_config_storage_vol_new ();
  g_autoptr(GVirConfigStorageVolTarget) target = gvir_config_storage_vol_target_new ();

  gvir_config_storage_vol_set_name (config, name);
  gvir_config_storage_vol_set_capacity (config, capacity);
  gvir_config_storage_vol_set_allocation (config, 0);
  gvir_config_storage_vol_target_set_format (target, hangar_volume_format_to_string (format));
  gvir_config_storage_vol_set_target (config, target);
  return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
}

/* A volume of the host's pools at @path (a new reference), or NULL. */
static virStorageVolPtr
volume_at_path (virConnectPtr  conn,
                const char    *path)
{
  virStorageVolPtr vol = virStorageVolLookupByPath (conn, path);

  if (vol == NULL)
    virResetLastError ();
  return vol;
}

static void
set_not_in_pool_error (GError    **error,
                       const char *display)
{
  g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_PATH,
               _("“%s” is not a volume of the host’s storage pools: to copy an image on another host, it must be in one. Choose a volume of a pool, or turn off Copy the Image."),
               display);
}

/* The local file @image as a copy reads it: a qcow2 image without a backing file. */
static gboolean
read_copyable_file (const char        *image,
                    const char        *display,
                    HangarImageHeader *header,
                    GCancellable      *cancellable,
                    GError           **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!hangar_volume_read_image_header (image, header, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_PATH,
                     _("Could not read “%s” to copy it: %s. Check the path."), display,
                     local_error->message);
      return FALSE;
    }
  if (header->format != HANGAR_VOLUME_FORMAT_QCOW2)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_PATH,
                   _("“%s” is not a qcow2 image: Hangar copies other formats only from a storage pool. Put the image in a pool, or turn off Copy the Image."),
                   display);
      return FALSE;
    }
  if (header->backed)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_PATH,
                   _("“%s” reads part of its data from a backing file of its own: Hangar copies only whole images. Turn off Copy the Image."),
                   display);
      return FALSE;
    }
  return TRUE;
}

gboolean
hangar_volume_image_size (virConnectPtr  conn,
                          const char    *image,
                          gboolean       local,
                          guint64       *size,
                          GError       **error)
{
  virStorageVolPtr vol = volume_at_path (conn, image);
  g_autofree char *display = g_filename_display_name (image);
  HangarImageHeader header;
  virStorageVolInfo info;

  if (vol != NULL)
    {
      int ok = virStorageVolGetInfo (vol, &info);

      virStorageVolFree (vol);
      if (ok < 0)
        {
          hangar_storage_set_virt_error (error, _("Could not read the size of “%s”: %s."), display);
          return FALSE;
        }
      *size = info.capacity;
      return TRUE;
    }
  if (!local)
    {
      set_not_in_pool_error (error, display);
      return FALSE;
    }
  if (!read_copyable_file (image, display, &header, NULL, error))
    return FALSE;
  *size = header.virtual_size;
  return TRUE;
}

typedef struct {
  virConnectPtr conn;
  char *image;
  gboolean local;
} CopyableSize;

static void
copyable_size_free (CopyableSize *data)
{
  g_clear_pointer (&data->conn, virConnectClose);
  g_free (data->image);
  g_free (data);
}

static void
copyable_size_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  CopyableSize *data = task_data;
  GError *error = NULL;
  guint64 size = 0;

  if (!hangar_volume_image_size (data->conn, data->image, data->local, &size, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_memdup2 (&size, sizeof size), g_free);
}

void
hangar_volume_copyable_size_async (HangarConnection    *connection,
                                   const char          *image,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CopyableSize *data;

  g_return_if_fail (HANGAR_IS_CONNECTION (connection));
  g_return_if_fail (image != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_volume_copyable_size_async);
  if (connection->conn == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The connection is closed. Connect to the host again."));
      return;
    }
  data = g_new0 (CopyableSize, 1);
  data->conn = connection->conn;
  virConnectRef (data->conn);
  data->image = g_strdup (image);
  data->local = !hangar_connection_uri_is_remote (hangar_connection_get_uri (connection));
  g_task_set_task_data (task, data, (GDestroyNotify) copyable_size_free);
  g_task_run_in_thread (task, copyable_size_thread);
}

gboolean
hangar_volume_copyable_size_finish (GAsyncResult  *result,
                                    guint64       *size,
                                    GError       **error)
{
  g_autofree guint64 *found = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  found = g_task_propagate_pointer (G_TASK (result), error);
  if (found == NULL)
    return FALSE;
  if (size != NULL)
    *size = *found;
  return TRUE;
}

/* The new volume @vol holding @display's data: libvirt makes it from the pool's volume
 * @source, else the local file is uploaded into a volume made for it. */
static virStorageVolPtr
make_copy (virStoragePoolPtr  pool,
           const char        *name,
           const char        *image,
           const char        *display,
           virStorageVolPtr   source,
           const char        *message,
           HangarJob         *job,
           GCancellable      *cancellable,
           virStorageVolPtr  *made,
           GError           **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *xml = NULL;
  HangarImageHeader header;

  if (source != NULL)
    {
      virStorageVolInfo info;

      /* libvirt makes it no smaller than the image itself. */
      if (virStorageVolGetInfo (source, &info) < 0)
        info.capacity = 0;
      xml = copy_xml (name, HANGAR_VOLUME_FORMAT_QCOW2, info.capacity);
      /* libvirt cannot interrupt it: Cancel is seen after it. */
      hangar_job_report_from_worker (job, message, -1);
      *made = virStorageVolCreateXMLFrom (pool, xml, source, 0);
      if (*made == NULL)
        hangar_storage_set_virt_error (error, _("Could not copy “%s”: %s."), display);
      return *made;
    }

  if (!read_copyable_file (image, display, &header, cancellable, error))
    return NULL;
  file = g_file_new_for_path (image);
  input = g_file_read (file, cancellable, &local_error);
  if (input == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not read “%s” to copy it: %s."), display, local_error->message);
      return NULL;
    }
  /* Made as large as the image, which then overwrites it whole. */
  xml = copy_xml (name, HANGAR_VOLUME_FORMAT_QCOW2, header.virtual_size);
  *made = virStorageVolCreateXML (pool, xml, 0);
  if (*made == NULL)
    {
      hangar_storage_set_virt_error (error, _("Could not make the volume for the copy of “%s”: %s."),
                                     display);
      return NULL;
    }
  hangar_job_report_from_worker (job, message, 0);
  if (!hangar_volume_upload (*made, G_INPUT_STREAM (input), header.file_size, message, job,
                             cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_FAILED,
                     _("Could not copy “%s”: %s."), display, local_error->message);
      return NULL;
    }
  return *made;
}

HangarVolumeInfo *
hangar_volume_copy_image (virStoragePoolPtr  pool,
                          const char        *name,
                          const char        *image,
                          guint64            capacity,
                          gboolean           local,
                          HangarJob         *job,
                          GCancellable      *cancellable,
                          GError           **error)
{
  virStorageVolPtr source = volume_at_path (virStoragePoolGetConnect (pool), image);
  virStorageVolPtr made = NULL;
  g_autofree char *display = g_filename_display_name (image);
  g_autofree char *message = NULL;
  HangarVolumeInfo *info = NULL;
  virStorageVolInfo made_info;

  g_return_val_if_fail (pool != NULL, NULL);
  g_return_val_if_fail (name != NULL && image != NULL, NULL);

  /* Translators: "Copying the image to the pool “default”" */
  message = g_strdup_printf (_("Copying the image to the pool “%s”"), virStoragePoolGetName (pool));
  if (source == NULL && !local)
    set_not_in_pool_error (error, display);
  else if (make_copy (pool, name, image, display, source, message, job, cancellable, &made,
                      error) != NULL)
    {
      if (virStorageVolGetInfo (made, &made_info) < 0
          || (made_info.capacity < capacity && virStorageVolResize (made, capacity, 0) < 0))
        hangar_storage_set_virt_error (error, _("Could not grow the copy of “%s”: %s."), display);
      else if (!g_cancellable_set_error_if_cancelled (cancellable, error))
        info = hangar_volume_info_fetch (made, NULL, error);
    }
  if (info == NULL && made != NULL && virStorageVolDelete (made, 0) < 0)
    g_warning ("Could not delete the unfinished copy “%s”: %s", name, virGetLastErrorMessage ());
  g_clear_pointer (&made, virStorageVolFree);
  g_clear_pointer (&source, virStorageVolFree);
  return info;
}
