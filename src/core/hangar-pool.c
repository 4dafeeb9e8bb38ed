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
#include "hangar-notify.h"
#include "hangar-pool-private.h"
#include "hangar-storage-private.h"
#include "hangar-volume-private.h"

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

      changed |= hangar_set_uint64 (G_OBJECT (self), &self->capacity, 0,
                                    properties[PROP_CAPACITY]);
      changed |= hangar_set_uint64 (G_OBJECT (self), &self->allocation, 0,
                                    properties[PROP_ALLOCATION]);
      hangar_set_uint64 (G_OBJECT (self), &self->available, 0, properties[PROP_AVAILABLE]);
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
  hangar_set_boolean (G_OBJECT (self), &self->persistent, persistent,
                      properties[PROP_PERSISTENT]);
}

void
hangar_pool_apply_info (HangarPool           *self,
                        const HangarPoolInfo *info)
{
  gboolean size_changed = FALSE;

  g_return_if_fail (HANGAR_IS_POOL (self));

  g_object_freeze_notify (G_OBJECT (self));
  hangar_set_string (G_OBJECT (self), &self->name, info->name, properties[PROP_NAME]);
  hangar_set_string (G_OBJECT (self), &self->uuid, info->uuid, properties[PROP_UUID]);
  if (self->type != info->type)
    {
      self->type = info->type;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POOL_TYPE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TYPE_LABEL]);
    }
  hangar_pool_set_state (self, info->state);
  hangar_set_boolean (G_OBJECT (self), &self->autostart, info->autostart,
                      properties[PROP_AUTOSTART]);
  hangar_set_boolean (G_OBJECT (self), &self->persistent, info->persistent,
                      properties[PROP_PERSISTENT]);
  size_changed |= hangar_set_uint64 (G_OBJECT (self), &self->capacity, info->capacity,
                                     properties[PROP_CAPACITY]);
  size_changed |= hangar_set_uint64 (G_OBJECT (self), &self->allocation, info->allocation,
                                     properties[PROP_ALLOCATION]);
  hangar_set_uint64 (G_OBJECT (self), &self->available, info->available,
                     properties[PROP_AVAILABLE]);
  if (size_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION_USED]);
  hangar_set_string (G_OBJECT (self), &self->target_path, info->target_path,
                     properties[PROP_TARGET_PATH]);
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

static int
compare_volume_infos (gconstpointer a,
                      gconstpointer b)
{
  const HangarVolumeInfo *x = *(HangarVolumeInfo **)a;
  const HangarVolumeInfo *y = *(HangarVolumeInfo **)b;

  return g_strcmp0 (x->name, y->name);
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
      g_autoptr(GError) error = NULL;

      hangar_storage_set_virt_error (&error, _("Could not list the volumes of the pool “%s”: %s"),
                                     virStoragePoolGetName (data->pool));
      /* Stopped meanwhile: not an error, and its stop event empties the list. */
      if (virStoragePoolIsActive (data->pool) == 0)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
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
  /* In name order, sorted here rather than on the main thread. */
  g_ptr_array_sort (data->infos, compare_volume_infos);

  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_boolean (task, TRUE);
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

  self->volumes_loading = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The list stays as it was; the next refresh tries again. */
      g_message ("%s", error->message);
    }
  else
    install_volumes (self, data->infos);

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

void
hangar_pool_apply_users (HangarPool *self,
                         GHashTable *users)
{
  GListModel *model = G_LIST_MODEL (self->volumes);
  guint n = g_list_model_get_n_items (model);

  g_return_if_fail (HANGAR_IS_POOL (self));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarVolume) volume = g_list_model_get_item (model, i);

      hangar_volume_apply_users (volume, users);
    }
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

/* Only pools of files (a folder, a mounted filesystem or share) can hold qcow2 images
 * and name their volumes like files; a volume group's, a disk's volumes are raw block
 * devices with plain names, as virt-manager makes them. */
gboolean
hangar_pool_holds_files (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), FALSE);

  switch (self->type)
    {
    case HANGAR_POOL_TYPE_DIR:
    case HANGAR_POOL_TYPE_FS:
    case HANGAR_POOL_TYPE_NETFS:
      return TRUE;
    case HANGAR_POOL_TYPE_LOGICAL:
    case HANGAR_POOL_TYPE_DISK:
    case HANGAR_POOL_TYPE_ISCSI:
    case HANGAR_POOL_TYPE_OTHER:
    default:
      return FALSE;
    }
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
hangar_pool_get_volumes_requested (HangarPool *self)
{
  g_return_val_if_fail (HANGAR_IS_POOL (self), FALSE);
  return self->volumes_requested;
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
