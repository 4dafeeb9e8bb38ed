// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/* What the storage code says when it refuses or fails. Every message is a sentence
 * for the user that names the field, pool or volume and says what to do. */
#define HANGAR_STORAGE_ERROR (hangar_storage_error_quark ())
typedef enum {
  HANGAR_STORAGE_ERROR_FAILED,        /* libvirt said no; the message names the object */
  HANGAR_STORAGE_ERROR_INVALID_NAME,  /* empty, illegal characters, too long */
  HANGAR_STORAGE_ERROR_EXISTS,        /* a pool or volume of that name is already there */
  HANGAR_STORAGE_ERROR_INVALID_SIZE,  /* zero, unparsable, or smaller than it must be */
  HANGAR_STORAGE_ERROR_NO_SPACE,      /* allocation above the pool's free space */
  HANGAR_STORAGE_ERROR_INVALID_PATH,  /* not absolute, or exists as something else */
  HANGAR_STORAGE_ERROR_NO_DEVICE,     /* a source device the host does not have */
  HANGAR_STORAGE_ERROR_MISSING,       /* a required field is empty */
  HANGAR_STORAGE_ERROR_IN_USE,        /* a guest uses the volume */
  HANGAR_STORAGE_ERROR_UNSUPPORTED,   /* the host cannot do this (pool type, shrink) */
} HangarStorageError;

/* The pool types Hangar's wizard offers, in its order. */
typedef enum {
  HANGAR_POOL_TYPE_DIR,
  HANGAR_POOL_TYPE_FS,
  HANGAR_POOL_TYPE_NETFS,
  HANGAR_POOL_TYPE_LOGICAL,
  HANGAR_POOL_TYPE_DISK,
  HANGAR_POOL_TYPE_ISCSI,
  HANGAR_POOL_TYPE_OTHER,   /* a type Hangar lists but does not create */
} HangarPoolType;

/* Which fields a pool type uses (the wizard shows only these). */
typedef enum {
  HANGAR_POOL_FIELD_TARGET_PATH   = 1 << 0,  /* dir, fs, netfs, disk (/dev), iscsi (/dev/disk/by-path) */
  HANGAR_POOL_FIELD_SOURCE_DEVICE = 1 << 1,  /* fs, logical (optional PV), disk; iscsi: target IQN */
  HANGAR_POOL_FIELD_SOURCE_HOST   = 1 << 2,  /* netfs, iscsi */
  HANGAR_POOL_FIELD_SOURCE_PATH   = 1 << 3,  /* netfs: the exported directory */
  HANGAR_POOL_FIELD_SOURCE_FORMAT = 1 << 4,  /* fs (auto, ext4, xfs…), netfs (auto, nfs), disk (dos, gpt…) */
  HANGAR_POOL_FIELD_SOURCE_NAME   = 1 << 5,  /* logical: the volume group */
  HANGAR_POOL_FIELD_INITIATOR     = 1 << 6,  /* iscsi: the initiator IQN (optional) */
} HangarPoolFields;

const char       *hangar_pool_type_to_string  (HangarPoolType type);   /* libvirt's word: "dir" */
HangarPoolType    hangar_pool_type_from_string (const char *type);
const char       *hangar_pool_type_to_label   (HangarPoolType type);   /* "Filesystem Directory" */
HangarPoolFields  hangar_pool_type_get_fields (HangarPoolType type);
/* Whether defining a pool of this type needs virStoragePoolBuild before it starts
 * (dir: creates the directory; fs/disk: would format, so only when asked). */
gboolean          hangar_pool_type_needs_build (HangarPoolType type);
/* The source formats libvirt accepts for a type, NULL-terminated, first the default. */
const char *const *hangar_pool_type_get_formats (HangarPoolType type);

/* What the user asked for in the pool wizard. Fields a type does not use are ignored. */
typedef struct {
  char           *name;
  HangarPoolType  type;
  char           *target_path;
  char           *source_device;
  char           *source_host;
  char           *source_path;
  char           *source_format;
  char           *source_name;
  char           *initiator;
  gboolean        build;      /* run virStoragePoolBuild (formats fs/disk sources!) */
  gboolean        autostart;
} HangarPoolSpec;

HangarPoolSpec *hangar_pool_spec_new  (void);
HangarPoolSpec *hangar_pool_spec_copy (const HangarPoolSpec *spec);
void            hangar_pool_spec_free (HangarPoolSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarPoolSpec, hangar_pool_spec_free)
GType           hangar_pool_spec_get_type (void);

typedef enum {
  HANGAR_VOLUME_FORMAT_QCOW2,
  HANGAR_VOLUME_FORMAT_RAW,
} HangarVolumeFormat;

const char *hangar_volume_format_to_string (HangarVolumeFormat format); /* "qcow2" */
const char *hangar_volume_format_suffix    (HangarVolumeFormat format); /* ".qcow2", ".img" */

/* What the user asked for in the volume wizard. */
typedef struct {
  char               *name;        /* with its suffix */
  HangarVolumeFormat  format;
  guint64             capacity;    /* bytes */
  guint64             allocation;  /* bytes: 0 sparse; capacity for "allocate now" (raw) */
  char               *backing_path; /* qcow2 only: the backing volume's path, or NULL */
} HangarVolumeSpec;

HangarVolumeSpec *hangar_volume_spec_new  (void);
HangarVolumeSpec *hangar_volume_spec_copy (const HangarVolumeSpec *spec);
void              hangar_volume_spec_free (HangarVolumeSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarVolumeSpec, hangar_volume_spec_free)
GType             hangar_volume_spec_get_type (void);

GQuark    hangar_storage_error_quark    (void);

/* Field checks the wizards run as the user types, before anything is created; each
 * fails with a HANGAR_STORAGE_ERROR whose message stands beside the field. */
gboolean  hangar_storage_check_name     (const char *name,
                                         GError    **error);
/* "20", "20 GiB", "1.5G", "512M", "2 TB": bytes. Plain numbers are @default_unit. */
gboolean  hangar_storage_parse_size     (const char *text,
                                         guint64     default_unit,
                                         guint64    *bytes,
                                         GError    **error);
char     *hangar_storage_format_size    (guint64     bytes);   /* "20.0 GiB" */

G_END_DECLS
