// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-volume"

/* HangarVolume: one volume of a pool, as its pool last read it. It holds no libvirt
 * handle (a pool may have thousands): each operation looks the volume up by name in
 * its pool, on the worker that does the work. */

#include "config.h"

#include <stdlib.h>
#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "hangar-domain-config.h"
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
  GPtrArray *names;

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

  names = users != NULL && info->path != NULL ? g_hash_table_lookup (users, info->path) : NULL;
  if (names != NULL)
    {
      info->users = g_new0 (char *, names->len + 1);
      for (guint i = 0; i < names->len; i++)
        info->users[i] = g_strdup (names->pdata[i]);
      /* Libvirt lists guests in no fixed order; a label should not reshuffle. */
      qsort (info->users, names->len, sizeof (char *), compare_names);
    }
  else
    info->users = g_new0 (char *, 1);

  return g_steal_pointer (&info);
}

/* Setters: notify only on a real change. */

static void
set_string (HangarVolume *self,
            char        **field,
            const char   *value,
            guint         prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_uint64 (HangarVolume *self,
            guint64      *field,
            guint64       value,
            guint         prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
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
  set_string (self, &self->name, info->name, PROP_NAME);
  set_string (self, &self->path, info->path, PROP_PATH);
  set_string (self, &self->format, info->format, PROP_FORMAT);
  set_uint64 (self, &self->capacity, info->capacity, PROP_CAPACITY);
  set_uint64 (self, &self->allocation, info->allocation, PROP_ALLOCATION);
  set_string (self, &self->backing_path, info->backing_path, PROP_BACKING_PATH);
  set_users (self, (const char *const *)info->users);
  g_object_thaw_notify (G_OBJECT (self));
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
