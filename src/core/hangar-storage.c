// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-storage"

/* What the storage objects share: pool types and what each needs, the wizards' specs,
 * the field checks and sizes (these run as the user types: no libvirt calls), and the
 * small helpers of hangar-storage-private.h. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include <libvirt/virterror.h>

#include "hangar-core.h"
#include "hangar-storage-private.h"

G_DEFINE_QUARK (hangar-storage-error-quark, hangar_storage_error)

/* Pool types. */

static const char *const type_names[] = {
  [HANGAR_POOL_TYPE_DIR] = "dir",
  [HANGAR_POOL_TYPE_FS] = "fs",
  [HANGAR_POOL_TYPE_NETFS] = "netfs",
  [HANGAR_POOL_TYPE_LOGICAL] = "logical",
  [HANGAR_POOL_TYPE_DISK] = "disk",
  [HANGAR_POOL_TYPE_ISCSI] = "iscsi",
};

const char *
hangar_pool_type_to_string (HangarPoolType type)
{
  if ((guint)type < G_N_ELEMENTS (type_names))
    return type_names[type];
  return "other";
}

HangarPoolType
hangar_pool_type_from_string (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_names); i++)
    if (g_strcmp0 (type, type_names[i]) == 0)
      return i;
  return HANGAR_POOL_TYPE_OTHER;
}

const char *
hangar_pool_type_to_label (HangarPoolType type)
{
  /* virt-manager's names, which its users know. */
  switch (type)
    {
    case HANGAR_POOL_TYPE_DIR:
      return _("Filesystem Directory");
    case HANGAR_POOL_TYPE_FS:
      return _("Pre-Formatted Block Device");
    case HANGAR_POOL_TYPE_NETFS:
      return _("Network Exported Directory");
    case HANGAR_POOL_TYPE_LOGICAL:
      return _("LVM Volume Group");
    case HANGAR_POOL_TYPE_DISK:
      return _("Physical Disk Device");
    case HANGAR_POOL_TYPE_ISCSI:
      return _("iSCSI Target");
    case HANGAR_POOL_TYPE_OTHER:
    default:
      return _("Other");
    }
}

HangarPoolFields
hangar_pool_type_get_fields (HangarPoolType type)
{
  switch (type)
    {
    case HANGAR_POOL_TYPE_DIR:
      return HANGAR_POOL_FIELD_TARGET_PATH;
    case HANGAR_POOL_TYPE_FS:
      return HANGAR_POOL_FIELD_TARGET_PATH | HANGAR_POOL_FIELD_SOURCE_DEVICE |
             HANGAR_POOL_FIELD_SOURCE_FORMAT;
    case HANGAR_POOL_TYPE_NETFS:
      return HANGAR_POOL_FIELD_TARGET_PATH | HANGAR_POOL_FIELD_SOURCE_HOST |
             HANGAR_POOL_FIELD_SOURCE_PATH | HANGAR_POOL_FIELD_SOURCE_FORMAT;
    case HANGAR_POOL_TYPE_LOGICAL:
      return HANGAR_POOL_FIELD_SOURCE_NAME | HANGAR_POOL_FIELD_SOURCE_DEVICE;
    case HANGAR_POOL_TYPE_DISK:
      return HANGAR_POOL_FIELD_TARGET_PATH | HANGAR_POOL_FIELD_SOURCE_DEVICE |
             HANGAR_POOL_FIELD_SOURCE_FORMAT;
    case HANGAR_POOL_TYPE_ISCSI:
      return HANGAR_POOL_FIELD_TARGET_PATH | HANGAR_POOL_FIELD_SOURCE_HOST |
             HANGAR_POOL_FIELD_SOURCE_DEVICE | HANGAR_POOL_FIELD_INITIATOR;
    case HANGAR_POOL_TYPE_OTHER:
    default:
      return 0;
    }
}

gboolean
hangar_pool_type_needs_build (HangarPoolType type)
{
  /* Building a dir pool only makes its directory; building fs or disk would format the
   * device, and logical would make a volume group of it: those only when asked. */
  return type == HANGAR_POOL_TYPE_DIR;
}

const char *const *
hangar_pool_type_get_formats (HangarPoolType type)
{
  /* libvirt's words (src/conf/storage_conf.c), the default first. */
  static const char *const fs[] = { "auto", "ext4", "ext3", "ext2", "xfs", "btrfs", "vfat",
                                    "iso9660", "udf", "ufs", "gfs", "gfs2", "hfs+",
                                    "ocfs2", "vmfs", NULL };
  static const char *const netfs[] = { "auto", "nfs", "cifs", "glusterfs", NULL };
  static const char *const disk[] = { "dos", "gpt", "mac", "bsd", "pc98", "sun", "dvh",
                                      "lvm2", NULL };
  static const char *const none[] = { NULL };

  switch (type)
    {
    case HANGAR_POOL_TYPE_FS:
      return fs;
    case HANGAR_POOL_TYPE_NETFS:
      return netfs;
    case HANGAR_POOL_TYPE_DISK:
      return disk;
    case HANGAR_POOL_TYPE_DIR:
    case HANGAR_POOL_TYPE_LOGICAL:
    case HANGAR_POOL_TYPE_ISCSI:
    case HANGAR_POOL_TYPE_OTHER:
    default:
      return none;
    }
}

/* Specs. */

HangarPoolSpec *
hangar_pool_spec_new (void)
{
  return g_new0 (HangarPoolSpec, 1);
}

HangarPoolSpec *
hangar_pool_spec_copy (const HangarPoolSpec *spec)
{
  HangarPoolSpec *copy;

  g_return_val_if_fail (spec != NULL, NULL);

  copy = g_memdup2 (spec, sizeof *spec);
  copy->name = g_strdup (spec->name);
  copy->target_path = g_strdup (spec->target_path);
  copy->source_device = g_strdup (spec->source_device);
  copy->source_host = g_strdup (spec->source_host);
  copy->source_path = g_strdup (spec->source_path);
  copy->source_format = g_strdup (spec->source_format);
  copy->source_name = g_strdup (spec->source_name);
  copy->initiator = g_strdup (spec->initiator);
  return copy;
}

void
hangar_pool_spec_free (HangarPoolSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->name);
  g_free (spec->target_path);
  g_free (spec->source_device);
  g_free (spec->source_host);
  g_free (spec->source_path);
  g_free (spec->source_format);
  g_free (spec->source_name);
  g_free (spec->initiator);
  g_free (spec);
}

G_DEFINE_BOXED_TYPE (HangarPoolSpec, hangar_pool_spec, hangar_pool_spec_copy,
                     hangar_pool_spec_free)

const char *
hangar_volume_format_to_string (HangarVolumeFormat format)
{
  return format == HANGAR_VOLUME_FORMAT_RAW ? "raw" : "qcow2";
}

const char *
hangar_volume_format_suffix (HangarVolumeFormat format)
{
  return format == HANGAR_VOLUME_FORMAT_RAW ? ".img" : ".qcow2";
}

HangarVolumeSpec *
hangar_volume_spec_new (void)
{
  return g_new0 (HangarVolumeSpec, 1);
}

HangarVolumeSpec *
hangar_volume_spec_copy (const HangarVolumeSpec *spec)
{
  HangarVolumeSpec *copy;

  g_return_val_if_fail (spec != NULL, NULL);

  copy = g_memdup2 (spec, sizeof *spec);
  copy->name = g_strdup (spec->name);
  copy->backing_path = g_strdup (spec->backing_path);
  return copy;
}

void
hangar_volume_spec_free (HangarVolumeSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->name);
  g_free (spec->backing_path);
  g_free (spec);
}

G_DEFINE_BOXED_TYPE (HangarVolumeSpec, hangar_volume_spec, hangar_volume_spec_copy,
                     hangar_volume_spec_free)

/* Field checks. */

static gboolean
is_name_char (gunichar c)
{
  return g_unichar_isalnum (c) || c == '-' || c == '_' || c == '.' || c == '+';
}

gboolean
hangar_storage_check_name (const char *name,
                           GError    **error)
{
  g_autofree char *bad = NULL;

  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_NAME,
                           _("Enter a name."));
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_NAME,
                           _("The name is not valid text. Type it again."));
      return FALSE;
    }
  /* A volume's name is a file name: the file system's limit is 255 bytes. */
  if (strlen (name) > 255)
    {
      g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_NAME,
                           _("The name is too long. Use at most 255 bytes."));
      return FALSE;
    }
  if (g_str_equal (name, ".") || g_str_equal (name, ".."))
    {
      g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_NAME,
                           _("The name cannot be “.” or “..”. Choose another name."));
      return FALSE;
    }

  bad = hangar_name_bad_characters (name, is_name_char);
  if (bad != NULL)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_NAME,
                   _("The name cannot contain %s. Use letters, digits, “-”, “_”, “.” and “+”."),
                   bad);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  const char *unit;
  guint64 factor;
} Unit;

/* libvirt's convention: "K", "KiB" are 1024, "KB" is 1000. */
static const Unit units[] = {
  { "b", 1 }, { "byte", 1 }, { "bytes", 1 },
  { "k", G_GUINT64_CONSTANT (1) << 10 }, { "kib", G_GUINT64_CONSTANT (1) << 10 },
  { "kb", 1000 },
  { "m", G_GUINT64_CONSTANT (1) << 20 }, { "mib", G_GUINT64_CONSTANT (1) << 20 },
  { "mb", 1000 * 1000 },
  { "g", G_GUINT64_CONSTANT (1) << 30 }, { "gib", G_GUINT64_CONSTANT (1) << 30 },
  { "gb", G_GUINT64_CONSTANT (1000000000) },
  { "t", G_GUINT64_CONSTANT (1) << 40 }, { "tib", G_GUINT64_CONSTANT (1) << 40 },
  { "tb", G_GUINT64_CONSTANT (1000000000000) },
  { "p", G_GUINT64_CONSTANT (1) << 50 }, { "pib", G_GUINT64_CONSTANT (1) << 50 },
  { "pb", G_GUINT64_CONSTANT (1000000000000000) },
};

gboolean
hangar_storage_parse_size (const char *text,
                           guint64     default_unit,
                           guint64    *bytes,
                           GError    **error)
{
  g_autofree char *copy = NULL;
  g_autofree char *unit = NULL;
  guint64 factor = 0;
  char *end = NULL;
  const char *p;
  double value;
  double result;

  g_return_val_if_fail (default_unit > 0, FALSE);

  copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*copy == '\0')
    {
      g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_SIZE,
                           _("Enter a size, such as “20 GiB”."));
      return FALSE;
    }

  /* Only plain decimal numbers: no sign, no hexadecimal, no "inf". */
  if (!g_ascii_isdigit (copy[0]) && !(copy[0] == '.' && g_ascii_isdigit (copy[1])))
    goto not_a_size;
  for (p = copy; g_ascii_isdigit (*p) || *p == '.'; p++)
    ;
  value = g_ascii_strtod (copy, &end);
  if (end != p)
    goto not_a_size;
  while (*end == ' ')
    end++;

  if (*end == '\0')
    factor = default_unit;
  else
    {
      unit = g_ascii_strdown (end, -1);
      for (guint i = 0; i < G_N_ELEMENTS (units); i++)
        if (g_str_equal (unit, units[i].unit))
          factor = units[i].factor;
      if (factor == 0)
        goto not_a_size;
    }

  /* Rounded to whole bytes (the cast truncates). */
  result = value * (double)factor + 0.5;
  if (!isfinite (result) || result >= 18446744073709551615.0)
    {
      g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_SIZE,
                   _("“%s” is too large. Enter a smaller size."), copy);
      return FALSE;
    }
  if (result < 1)
    {
      g_set_error_literal (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_SIZE,
                           _("The size must be more than zero."));
      return FALSE;
    }
  *bytes = (guint64)result;
  return TRUE;

not_a_size:
  g_set_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_SIZE,
               _("“%s” is not a size. Enter a number and a unit, such as “20 GiB”."), copy);
  return FALSE;
}

/* GLib puts a no-break space between number and unit: labels never split them. */
char *
hangar_storage_format_size (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/* Helpers for the other storage files (hangar-storage-private.h). */

HangarStorageError
hangar_storage_virt_error_code (void)
{
  virErrorPtr err = virGetLastError ();

  if (err == NULL)
    return HANGAR_STORAGE_ERROR_FAILED;
  switch (err->code)
    {
    case VIR_ERR_NO_SUPPORT:
      return HANGAR_STORAGE_ERROR_UNSUPPORTED;
    case VIR_ERR_STORAGE_VOL_EXIST:
      return HANGAR_STORAGE_ERROR_EXISTS;
    default:
      return HANGAR_STORAGE_ERROR_FAILED;
    }
}

char *
hangar_storage_virt_reason (void)
{
  const char *msg = virGetLastErrorMessage ();

  if (msg == NULL || *msg == '\0')
    return g_strdup (_("libvirt gave no reason"));
  return g_strdup (msg);
}

xmlNodePtr
hangar_storage_config_node (gpointer config)
{
  xmlNodePtr node = NULL;

  g_object_get (config, "node", &node, NULL);
  return node;
}

xmlNodePtr
hangar_storage_xml_child (xmlNodePtr  node,
                          const char *name)
{
  for (xmlNodePtr child = node != NULL ? node->children : NULL; child; child = child->next)
    if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, BAD_CAST name))
      return child;
  return NULL;
}

char *
hangar_storage_xml_attr (xmlNodePtr  node,
                         const char *attr)
{
  xmlChar *value;
  char *copy;

  if (node == NULL)
    return NULL;
  value = xmlGetProp (node, BAD_CAST attr);
  copy = g_strdup ((const char *)value);
  xmlFree (value);
  return copy;
}

char *
hangar_storage_xml_text (xmlNodePtr node)
{
  xmlChar *value;
  char *copy;

  if (node == NULL)
    return NULL;
  value = xmlNodeGetContent (node);
  copy = g_strdup ((const char *)value);
  xmlFree (value);
  return copy;
}

GWeakRef *
hangar_storage_weak_ref_new (gpointer object)
{
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  g_weak_ref_init (weak, object);
  return weak;
}

void
hangar_storage_weak_ref_free (void *weak)
{
  g_weak_ref_clear (weak);
  g_free (weak);
}
