// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-pool"

/* HangarPool: one storage pool of a connection. The connection creates it from what its
 * worker read and feeds it libvirt's storage-pool events (hangar-connection-storage.c);
 * the pool re-reads itself on a worker after each, and its volumes when someone asked
 * for them. */

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "hangar-connection-private.h"
#include "hangar-domain-config.h"
#include "hangar-pool-private.h"
#include "hangar-storage-private.h"
#include "hangar-volume-private.h"

struct _HangarPool
{
  GObject parent_instance;

  GWeakRef connection;
  virStoragePoolPtr pool;
  char *name;
  char *uuid;
  HangarPoolType type;
  HangarPoolState state;
  gboolean autostart;
  gboolean persistent;
  guint64 capacity;
  guint64 allocation;
  guint64 available;
  char *target_path;
  HangarPoolSpec *spec;

  GListStore *volumes;
  gboolean volumes_requested;
  gboolean volumes_loaded;
  /* One volume read at a time; a request meanwhile runs one more after it. */
  gboolean volumes_loading;
  gboolean volumes_dirty;
  /* Info answers older than the newest request are dropped. */
  guint info_serial;

  /* Cancelled in dispose: answers for a pool nobody holds are dropped. */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (HangarPool, hangar_pool, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_UUID,
  PROP_POOL_TYPE,
  PROP_TYPE_LABEL,
  PROP_STATE,
  PROP_STATE_LABEL,
  PROP_ACTIVE,
  PROP_AUTOSTART,
  PROP_PERSISTENT,
  PROP_CAPACITY,
  PROP_ALLOCATION,
  PROP_AVAILABLE,
  PROP_FRACTION_USED,
  PROP_TARGET_PATH,
  PROP_CONNECTION,
  PROP_VOLUMES,
  PROP_VOLUMES_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_volumes (HangarPool *self);

/* Reading a pool (on a worker). */

void
hangar_pool_info_free (HangarPoolInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->uuid);
  g_free (info->target_path);
  hangar_pool_spec_free (info->spec);
  g_free (info);
}

/* Empty strings in the XML mean "not set". */
static char *
non_empty (const char *value)
{
  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

static HangarPoolSpec *
spec_from_config (GVirConfigStoragePool *config)
{
  HangarPoolSpec *spec = hangar_pool_spec_new ();
  g_autoptr(GVirConfigStoragePoolSource) source = gvir_config_storage_pool_get_source (config);
  g_autoptr(GVirConfigStoragePoolTarget) target = gvir_config_storage_pool_get_target (config);
  g_autofree char *type = NULL;

  spec->name = non_empty (gvir_config_storage_pool_get_name (config));
  /* gconfig's getter calls every type it does not know "dir": read the word itself. */
  type = hangar_storage_xml_attr (hangar_storage_config_node (config), "type");
  spec->type = hangar_pool_type_from_string (type);
  if (target != NULL)
    spec->target_path = non_empty (gvir_config_storage_pool_target_get_path (target));
  if (source != NULL)
    {
      xmlNodePtr initiator;

      spec->source_device = non_empty (gvir_config_storage_pool_source_get_device_path (source));
      spec->source_host = non_empty (gvir_config_storage_pool_source_get_host (source));
      /* gconfig 4.0's getter reads <directory>; libvirt writes <dir path=…/>. */
      spec->source_path =
        hangar_storage_xml_attr (hangar_storage_xml_child (hangar_storage_config_node (source),
                                                           "dir"),
                                 "path");
      spec->source_format = non_empty (gvir_config_storage_pool_source_get_format (source));
      spec->source_name = non_empty (gvir_config_storage_pool_source_get_name (source));
      /* <initiator><iqn name='…'/></initiator>: gconfig 4.0 has no getter. */
      initiator = hangar_storage_xml_child (hangar_storage_config_node (source), "initiator");
      spec->initiator = hangar_storage_xml_attr (hangar_storage_xml_child (initiator, "iqn"),
                                                 "name");
    }
  return spec;
}

HangarPoolInfo *
hangar_pool_info_fetch (virStoragePoolPtr  pool,
                        GError           **error)
{
  g_autoptr(HangarPoolInfo) info = g_new0 (HangarPoolInfo, 1);
  g_autoptr(GVirConfigStoragePool) config = NULL;
  g_autofree char *xml = NULL;
  char uuid[VIR_UUID_STRING_BUFLEN];
  virStoragePoolInfo vinfo;
  int autostart = 0;

  info->name = g_strdup (virStoragePoolGetName (pool));
  if (virStoragePoolGetUUIDString (pool, uuid) < 0 ||
      virStoragePoolGetInfo (pool, &vinfo) < 0 ||
      virStoragePoolGetAutostart (pool, &autostart) < 0 ||
      (xml = virStoragePoolGetXMLDesc (pool, 0)) == NULL)
    {
      hangar_storage_set_virt_error (error, _("Could not read the pool “%s”: %s"), info->name);
      return NULL;
    }
  config = gvir_config_storage_pool_new_from_xml (xml, error);
  if (config == NULL)
    return NULL;

  info->uuid = g_strdup (uuid);
  info->state = CLAMP ((int)vinfo.state, HANGAR_POOL_STATE_INACTIVE,
                       HANGAR_POOL_STATE_INACCESSIBLE);
  if (info->state != HANGAR_POOL_STATE_INACTIVE)
    {
      info->capacity = vinfo.capacity;
      info->allocation = vinfo.allocation;
      info->available = vinfo.available;
    }
  info->autostart = autostart != 0;
  info->persistent = virStoragePoolIsPersistent (pool) == 1;
  info->spec = spec_from_config (config);
  info->spec->autostart = info->autostart;
  info->type = info->spec->type;
  info->target_path = g_strdup (info->spec->target_path);
  return g_steal_pointer (&info);
}

/* Setters: notify only on a real change. */

static gboolean
set_uint64 (HangarPool *self,
            guint64    *field,
            guint64     value,
            guint       prop)
{
  if (*field == value)
    return FALSE;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

static void
set_boolean (HangarPool *self,
             gboolean   *field,
             gboolean    value,
             guint       prop)
{
  if (*field == !!value)
    return;
  *field = !!value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_string (HangarPool  *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
hangar_pool_set_state (HangarPool      *self,
                       HangarPoolState  state)
{
  gboolean was_active;

  g_return_if_fail (HANGAR_IS_POOL (self));

  if (self->state == state)
    return;
  was_active = hangar_pool_get_active (self);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_LABEL]);
  if (was_active != hangar_pool_get_active (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);

  /* A stopped pool has no size and lists no volumes. */
  if (state == HANGAR_POOL_STATE_INACTIVE)
    {
      gboolean changed = FALSE;

      changed |= set_uint64 (self, &self->capacity, 0, PROP_CAPACITY);
      changed |= set_uint64 (self, &self->allocation, 0, PROP_ALLOCATION);
      set_uint64 (self, &self->available, 0, PROP_AVAILABLE);
      if (changed)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION_USED]);
      if (g_list_model_get_n_items (G_LIST_MODEL (self->volumes)) > 0)
        g_list_store_remove_all (self->volumes);
    }
}

void
hangar_pool_set_persistent (HangarPool *self,
                            gboolean    persistent)
{
  g_return_if_fail (HANGAR_IS_POOL (self));
  set_boolean (self, &self->persistent, persistent, PROP_PERSISTENT);
}

void
hangar_pool_apply_info (HangarPool           *self,
                        const HangarPoolInfo *info)
{
  gboolean size_changed = FALSE;

  g_return_if_fail (HANGAR_IS_POOL (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->name, info->name, PROP_NAME);
  set_string (self, &self->uuid, info->uuid, PROP_UUID);
  if (self->type != info->type)
    {
      self->type = info->type;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POOL_TYPE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TYPE_LABEL]);
    }
  hangar_pool_set_state (self, info->state);
  set_boolean (self, &self->autostart, info->autostart, PROP_AUTOSTART);
  set_boolean (self, &self->persistent, info->persistent, PROP_PERSISTENT);
  size_changed |= set_uint64 (self, &self->capacity, info->capacity, PROP_CAPACITY);
  size_changed |= set_uint64 (self, &self->allocation, info->allocation, PROP_ALLOCATION);
  set_uint64 (self, &self->available, info->available, PROP_AVAILABLE);
  if (size_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION_USED]);
  set_string (self, &self->target_path, info->target_path, PROP_TARGET_PATH);
  g_clear_pointer (&self->spec, hangar_pool_spec_free);
  self->spec = hangar_pool_spec_copy (info->spec);
  g_object_thaw_notify (G_OBJECT (self));
}

HangarPool *
hangar_pool_new (HangarConnection     *connection,
                 virStoragePoolPtr     pool,
                 const HangarPoolInfo *info)
{
  HangarPool *self = g_object_new (HANGAR_TYPE_POOL, NULL);

  g_weak_ref_set (&self->connection, connection);
  hangar_pool_set_virt_pool (self, pool);
  hangar_pool_apply_info (self, info);
  return self;
}

virStoragePoolPtr
hangar_pool_get_virt_pool (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), NULL);
  return self->pool;
}

void
hangar_pool_set_virt_pool (HangarPool        *self,
                           virStoragePoolPtr  pool)
{
  g_return_if_fail (HANGAR_IS_POOL (self));

  if (pool != NULL)
    virStoragePoolRef (pool);
  g_clear_pointer (&self->pool, hangar_virt_pool_unref);
  self->pool = pool;
}

/* Re-reading the pool's info. */

typedef struct {
  virStoragePoolPtr pool;
  guint serial;
} ReloadData;

static void
reload_data_free (ReloadData *data)
{
  g_clear_pointer (&data->pool, hangar_virt_pool_unref);
  g_free (data);
}

static void
reload_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ReloadData *data = task_data;
  GError *error = NULL;
  HangarPoolInfo *info = hangar_pool_info_fetch (data->pool, &error);

  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, (GDestroyNotify)hangar_pool_info_free);
}

static void
on_reload_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  HangarPool *self = HANGAR_POOL (object);
  ReloadData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(HangarPoolInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_task_propagate_pointer (G_TASK (result), &error);
  if (info == NULL)
    {
      /* Undefined meanwhile: its event removes it. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("%s", error->message);
      return;
    }
  if (data->serial != self->info_serial)
    return;
  hangar_pool_apply_info (self, info);
}

void
hangar_pool_reload (HangarPool *self,
                    gboolean    volumes)
{
  g_autoptr(GTask) task = NULL;
  ReloadData *data;

  g_return_if_fail (HANGAR_IS_POOL (self));

  if (self->pool == NULL)
    return;

  data = g_new0 (ReloadData, 1);
  data->pool = self->pool;
  virStoragePoolRef (data->pool);
  data->serial = ++self->info_serial;
  task = g_task_new (self, self->cancellable, on_reload_done_cb, NULL);
  g_task_set_source_tag (task, hangar_pool_reload);
  g_task_set_task_data (task, data, (GDestroyNotify)reload_data_free);
  g_task_run_in_thread (task, reload_thread);

  if (volumes && self->volumes_requested)
    load_volumes (self);
}

/* The volume list: read whole on a worker, installed with one splice. */

typedef struct {
  virStoragePoolPtr pool;
  GPtrArray *infos;
} VolumesData;

static void
volumes_data_free (VolumesData *data)
{
  g_clear_pointer (&data->pool, hangar_virt_pool_unref);
  g_clear_pointer (&data->infos, g_ptr_array_unref);
  g_free (data);
}

static void
load_volumes_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  VolumesData *data = task_data;
  g_autoptr(GHashTable) users = NULL;
  virStorageVolPtr *volumes = NULL;
  int active = virStoragePoolIsActive (data->pool);
  int n;

  data->infos = g_ptr_array_new_with_free_func ((GDestroyNotify)hangar_volume_info_free);
  /* A stopped pool has no volumes to list; libvirt would call that an error. */
  if (active == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  n = virStoragePoolListAllVolumes (data->pool, &volumes, 0);
  if (n < 0)
    {
      g_task_return_new_error (task, HANGAR_STORAGE_ERROR, hangar_storage_virt_error_code (),
                               _("Could not list the volumes of the pool “%s”: %s"),
                               virStoragePoolGetName (data->pool),
                               virGetLastErrorMessage ());
      return;
    }

  /* Who uses what, read once for the whole list. Without it, no volume is "in use";
   * deleting checks again anyway. */
  users = hangar_domain_config_disk_users (virStoragePoolGetConnect (data->pool), NULL);
  for (int i = 0; i < n; i++)
    {
      HangarVolumeInfo *info = NULL;

      if (!g_cancellable_is_cancelled (cancellable))
        info = hangar_volume_info_fetch (volumes[i], users, NULL);
      /* A volume deleted while listing is just not there. */
      if (info != NULL)
        g_ptr_array_add (data->infos, info);
      virStorageVolFree (volumes[i]);
    }
  free (volumes);

  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_boolean (task, TRUE);
}

static int
compare_volume_infos (gconstpointer a,
                      gconstpointer b)
{
  const HangarVolumeInfo *x = *(HangarVolumeInfo **)a;
  const HangarVolumeInfo *y = *(HangarVolumeInfo **)b;

  return g_strcmp0 (x->name, y->name);
}

static void
install_volumes (HangarPool *self,
                 GPtrArray  *infos)
{
  GListModel *model = G_LIST_MODEL (self->volumes);
  guint n_old = g_list_model_get_n_items (model);
  g_autoptr(GHashTable) old = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) items = g_ptr_array_new_full (infos->len, g_object_unref);
  gboolean same = n_old == infos->len;

  for (guint i = 0; i < n_old; i++)
    {
      HangarVolume *volume = g_list_model_get_item (model, i);

      g_hash_table_insert (old, (gpointer)hangar_volume_get_name (volume), volume);
      g_object_unref (volume); /* the store keeps it */
    }

  /* Known volumes keep their object (a view showing one stays current). */
  g_ptr_array_sort (infos, compare_volume_infos);
  for (guint i = 0; i < infos->len; i++)
    {
      HangarVolumeInfo *info = infos->pdata[i];
      HangarVolume *volume = g_hash_table_lookup (old, info->name);

      if (volume != NULL)
        {
          hangar_volume_apply_info (volume, info);
          g_ptr_array_add (items, g_object_ref (volume));
        }
      else
        g_ptr_array_add (items, hangar_volume_new (self, info));
      if (same)
        {
          g_autoptr(HangarVolume) at = g_list_model_get_item (model, i);

          same = at == items->pdata[i];
        }
    }

  /* One splice, so views see one change instead of thousands; none if nothing came
   * or went. */
  if (!same)
    g_list_store_splice (self->volumes, 0, n_old, items->pdata, items->len);
}

static void
on_load_volumes_done_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  HangarPool *self = HANGAR_POOL (object);
  VolumesData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("%s", error->message);
    }
  else
    install_volumes (self, data->infos);

  self->volumes_loading = FALSE;
  if (!self->volumes_loaded)
    {
      self->volumes_loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOLUMES_LOADED]);
    }
  if (self->volumes_dirty)
    load_volumes (self);
}

static void
load_volumes (HangarPool *self)
{
  g_autoptr(GTask) task = NULL;
  VolumesData *data;

  if (self->volumes_loading)
    {
      self->volumes_dirty = TRUE;
      return;
    }
  if (self->pool == NULL)
    return;

  self->volumes_loading = TRUE;
  self->volumes_dirty = FALSE;
  data = g_new0 (VolumesData, 1);
  data->pool = self->pool;
  virStoragePoolRef (data->pool);
  task = g_task_new (self, self->cancellable, on_load_volumes_done_cb, NULL);
  g_task_set_source_tag (task, load_volumes);
  g_task_set_task_data (task, data, (GDestroyNotify)volumes_data_free);
  g_task_run_in_thread (task, load_volumes_thread);
}

void
hangar_pool_remove_volume (HangarPool   *self,
                           HangarVolume *volume)
{
  guint position;

  g_return_if_fail (HANGAR_IS_POOL (self));

  if (g_list_store_find (self->volumes, volume, &position))
    g_list_store_remove (self->volumes, position);
}

/* Returns the pool's own object (transfer none), in name order in the list. */
HangarVolume *
hangar_pool_add_volume (HangarPool             *self,
                        const HangarVolumeInfo *info)
{
  GListModel *model = G_LIST_MODEL (self->volumes);
  g_autoptr(HangarVolume) volume = NULL;
  HangarVolume *found;
  guint n, position;

  g_return_val_if_fail (HANGAR_IS_POOL (self), NULL);

  found = hangar_pool_find_volume (self, info->name);
  if (found != NULL)
    {
      hangar_volume_apply_info (found, info);
      return found;
    }

  volume = hangar_volume_new (self, info);
  n = g_list_model_get_n_items (model);
  for (position = 0; position < n; position++)
    {
      g_autoptr(HangarVolume) at = g_list_model_get_item (model, position);

      if (g_strcmp0 (hangar_volume_get_name (at), info->name) > 0)
        break;
    }
  g_list_store_insert (self->volumes, position, volume);
  return volume;
}

/* GObject. */

static void
hangar_pool_dispose (GObject *object)
{
  HangarPool *self = (HangarPool *)object;

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (hangar_pool_parent_class)->dispose (object);
}

static void
hangar_pool_finalize (GObject *object)
{
  HangarPool *self = (HangarPool *)object;

  g_weak_ref_clear (&self->connection);
  g_clear_pointer (&self->pool, hangar_virt_pool_unref);
  g_clear_object (&self->volumes);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->spec, hangar_pool_spec_free);
  g_free (self->name);
  g_free (self->uuid);
  g_free (self->target_path);

  G_OBJECT_CLASS (hangar_pool_parent_class)->finalize (object);
}

static void
hangar_pool_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  HangarPool *self = HANGAR_POOL (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_POOL_TYPE:
      g_value_set_int (value, self->type);
      break;
    case PROP_TYPE_LABEL:
      g_value_set_string (value, hangar_pool_get_type_label (self));
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_STATE_LABEL:
      g_value_set_string (value, hangar_pool_get_state_label (self));
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, hangar_pool_get_active (self));
      break;
    case PROP_AUTOSTART:
      g_value_set_boolean (value, self->autostart);
      break;
    case PROP_PERSISTENT:
      g_value_set_boolean (value, self->persistent);
      break;
    case PROP_CAPACITY:
      g_value_set_uint64 (value, self->capacity);
      break;
    case PROP_ALLOCATION:
      g_value_set_uint64 (value, self->allocation);
      break;
    case PROP_AVAILABLE:
      g_value_set_uint64 (value, self->available);
      break;
    case PROP_FRACTION_USED:
      g_value_set_double (value, hangar_pool_get_fraction_used (self));
      break;
    case PROP_TARGET_PATH:
      g_value_set_string (value, self->target_path);
      break;
    case PROP_CONNECTION:
      g_value_take_object (value, g_weak_ref_get (&self->connection));
      break;
    case PROP_VOLUMES:
      g_value_set_object (value, hangar_pool_get_volumes (self));
      break;
    case PROP_VOLUMES_LOADED:
      g_value_set_boolean (value, self->volumes_loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_pool_class_init (HangarPoolClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = hangar_pool_dispose;
  object_class->finalize = hangar_pool_finalize;
  object_class->get_property = hangar_pool_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, ro);
  properties[PROP_POOL_TYPE] = g_param_spec_int ("pool-type", NULL, NULL,
                                                 HANGAR_POOL_TYPE_DIR, HANGAR_POOL_TYPE_OTHER,
                                                 HANGAR_POOL_TYPE_DIR, ro);
  properties[PROP_TYPE_LABEL] = g_param_spec_string ("type-label", NULL, NULL, NULL, ro);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL,
                                             HANGAR_POOL_STATE_INACTIVE,
                                             HANGAR_POOL_STATE_INACCESSIBLE,
                                             HANGAR_POOL_STATE_INACTIVE, ro);
  properties[PROP_STATE_LABEL] = g_param_spec_string ("state-label", NULL, NULL, NULL, ro);
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, ro);
  properties[PROP_AUTOSTART] = g_param_spec_boolean ("autostart", NULL, NULL, FALSE, ro);
  properties[PROP_PERSISTENT] = g_param_spec_boolean ("persistent", NULL, NULL, FALSE, ro);
  properties[PROP_CAPACITY] = g_param_spec_uint64 ("capacity", NULL, NULL,
                                                   0, G_MAXUINT64, 0, ro);
  properties[PROP_ALLOCATION] = g_param_spec_uint64 ("allocation", NULL, NULL,
                                                     0, G_MAXUINT64, 0, ro);
  properties[PROP_AVAILABLE] = g_param_spec_uint64 ("available", NULL, NULL,
                                                    0, G_MAXUINT64, 0, ro);
  properties[PROP_FRACTION_USED] = g_param_spec_double ("fraction-used", NULL, NULL,
                                                        0, 1, 0, ro);
  properties[PROP_TARGET_PATH] = g_param_spec_string ("target-path", NULL, NULL, NULL, ro);
  properties[PROP_CONNECTION] = g_param_spec_object ("connection", NULL, NULL,
                                                     HANGAR_TYPE_CONNECTION, ro);
  /* Reading it starts the first volume read, as hangar_pool_get_volumes does. */
  properties[PROP_VOLUMES] = g_param_spec_object ("volumes", NULL, NULL,
                                                  G_TYPE_LIST_MODEL, ro);
  properties[PROP_VOLUMES_LOADED] = g_param_spec_boolean ("volumes-loaded", NULL, NULL,
                                                          FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_pool_init (HangarPool *self)
{
  g_weak_ref_init (&self->connection, NULL);
  self->volumes = g_list_store_new (HANGAR_TYPE_VOLUME);
  self->cancellable = g_cancellable_new ();
  self->spec = hangar_pool_spec_new ();
}

/* Getters. */

const char *
hangar_pool_get_name (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), NULL);
  return self->name;
}

const char *
hangar_pool_get_uuid (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), NULL);
  return self->uuid;
}

HangarPoolType
hangar_pool_get_pool_type (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), HANGAR_POOL_TYPE_OTHER);
  return self->type;
}

const char *
hangar_pool_get_type_label (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), NULL);
  return hangar_pool_type_to_label (self->type);
}

HangarPoolState
hangar_pool_get_state (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), HANGAR_POOL_STATE_INACTIVE);
  return self->state;
}

const char *
hangar_pool_get_state_label (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), NULL);

  switch (self->state)
    {
    case HANGAR_POOL_STATE_BUILDING:
      return _("Building");
    case HANGAR_POOL_STATE_RUNNING:
      return _("Active");
    case HANGAR_POOL_STATE_DEGRADED:
      return _("Degraded");
    case HANGAR_POOL_STATE_INACCESSIBLE:
      return _("Inaccessible");
    case HANGAR_POOL_STATE_INACTIVE:
    default:
      return _("Inactive");
    }
}

gboolean
hangar_pool_get_active (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), FALSE);
  /* libvirt counts a degraded or building pool as active too. */
  return self->state != HANGAR_POOL_STATE_INACTIVE &&
         self->state != HANGAR_POOL_STATE_INACCESSIBLE;
}

gboolean
hangar_pool_get_autostart (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), FALSE);
  return self->autostart;
}

gboolean
hangar_pool_get_persistent (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), FALSE);
  return self->persistent;
}

guint64
hangar_pool_get_capacity (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), 0);
  return self->capacity;
}

guint64
hangar_pool_get_allocation (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), 0);
  return self->allocation;
}

guint64
hangar_pool_get_available (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), 0);
  return self->available;
}

double
hangar_pool_get_fraction_used (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), 0);

  if (self->capacity == 0)
    return 0;
  return MIN ((double)self->allocation / (double)self->capacity, 1.0);
}

const char *
hangar_pool_get_target_path (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), NULL);
  return self->target_path;
}

/* Transfer none: the connection outlives its pools' users in practice (it holds them),
 * but may be gone after all, then NULL. */
HangarConnection *
hangar_pool_get_connection (HangarPool *self)
{
  g_autoptr(HangarConnection) connection = NULL;

  g_return_val_if_fail (HANGAR_IS_POOL (self), NULL);

  connection = g_weak_ref_get (&self->connection);
  return connection;
}

HangarPoolSpec *
hangar_pool_get_spec (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), NULL);
  return hangar_pool_spec_copy (self->spec);
}

GListModel *
hangar_pool_get_volumes (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), NULL);

  if (!self->volumes_requested)
    {
      self->volumes_requested = TRUE;
      load_volumes (self);
    }
  return G_LIST_MODEL (self->volumes);
}

gboolean
hangar_pool_get_volumes_loaded (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), FALSE);
  return self->volumes_loaded;
}

HangarVolume *
hangar_pool_find_volume (HangarPool *self,
                         const char *name)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (HANGAR_IS_POOL (self), NULL);

  model = G_LIST_MODEL (self->volumes);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarVolume) volume = g_list_model_get_item (model, i);

      if (g_strcmp0 (hangar_volume_get_name (volume), name) == 0)
        return volume;
    }
  return NULL;
}

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
  if (create->polling || create->cancelling || create->spec->allocation == 0)
    return G_SOURCE_CONTINUE;

  create->polling = TRUE;
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
