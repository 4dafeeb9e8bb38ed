// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libvirt/libvirt.h>

#include "hangar-volume.h"

G_BEGIN_DECLS

/* What a worker reads about a volume, applied on the main thread. */
typedef struct {
  char *name;
  char *path;
  char *format;
  guint64 capacity;
  guint64 allocation;
  char *backing_path;
  GStrv users;
} HangarVolumeInfo;

void              hangar_volume_info_free  (HangarVolumeInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarVolumeInfo, hangar_volume_info_free)
/* Blocking. @users is hangar_domain_config_disk_users()'s table, or NULL. */
HangarVolumeInfo *hangar_volume_info_fetch (virStorageVolPtr  volume,
                                            GHashTable       *users,
                                            GError          **error);

HangarVolume     *hangar_volume_new        (HangarPool             *pool,
                                            const HangarVolumeInfo *info);
void              hangar_volume_apply_info (HangarVolume           *self,
                                            const HangarVolumeInfo *info);
/* Who uses it, from hangar_domain_config_disk_users()'s table. */
void              hangar_volume_apply_users (HangarVolume *self,
                                             GHashTable   *users);

/* Blocking, on a worker. Sends @size bytes of @input into @vol (virStorageVolUpload
 * and a stream), reporting @message and the fraction sent to @job (may be NULL) at
 * each percent; @cancellable is checked between chunks. On failure or Cancel the
 * stream is aborted (the volume stays: the caller deletes it) and @error says why
 * (G_IO_ERROR_CANCELLED on Cancel, libvirt's reason otherwise). */
gboolean          hangar_volume_upload     (virStorageVolPtr  vol,
                                            GInputStream     *input,
                                            guint64           size,
                                            const char       *message,
                                            HangarJob        *job,
                                            GCancellable     *cancellable,
                                            GError          **error);

/* Copying a disk image into a new volume (blocking, on a worker), a whole qcow2 volume
 * without a backing file. hangar_volume_image_size: the size a guest sees of @image,
 * a volume of the host's pools (libvirt says) or, on a @local host only, a qcow2
 * file (its header says); anything else fails with a sentence for the image field
 * (HANGAR_STORAGE_ERROR_INVALID_PATH) saying why it cannot be copied.
 * hangar_volume_copy_image: the volume @name in @pool; a volume of a pool is copied by
 * libvirt (virStorageVolCreateXMLFrom), a local file uploaded (hangar_volume_upload,
 * progress on @job); then grown to @capacity when that is larger. On failure or
 * Cancel (G_IO_ERROR_CANCELLED) the new volume is deleted again. */
gboolean          hangar_volume_image_size (virConnectPtr      conn,
                                            const char        *image,
                                            gboolean           local,
                                            guint64           *size,
                                            GError           **error);
HangarVolumeInfo *hangar_volume_copy_image (virStoragePoolPtr  pool,
                                            const char        *name,
                                            const char        *image,
                                            guint64            capacity,
                                            gboolean           local,
                                            HangarJob         *job,
                                            GCancellable      *cancellable,
                                            GError           **error);

G_END_DECLS
