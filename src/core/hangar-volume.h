// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-job.h"
#include "hangar-storage.h"
#include "hangar-types.h"

G_BEGIN_DECLS

/* One volume of a pool. Properties (EXPLICIT_NOTIFY): name, path, format ("qcow2",
 * "raw", "iso", "dir"…), capacity, allocation (bytes), backing-path, used-by (a
 * comma-separated list of guest names for a label, "" when none), pool. */
#define HANGAR_TYPE_VOLUME (hangar_volume_get_type ())
G_DECLARE_FINAL_TYPE (HangarVolume, hangar_volume, HANGAR, VOLUME, GObject)

const char   *hangar_volume_get_name         (HangarVolume *self);
const char   *hangar_volume_get_path         (HangarVolume *self);
const char   *hangar_volume_get_format       (HangarVolume *self);
guint64       hangar_volume_get_capacity     (HangarVolume *self);
guint64       hangar_volume_get_allocation   (HangarVolume *self);
const char   *hangar_volume_get_backing_path (HangarVolume *self);
/* Names of the guests (of this connection) whose disks are this volume. */
const char *const *hangar_volume_get_users   (HangarVolume *self);
const char   *hangar_volume_get_used_by      (HangarVolume *self);
HangarPool   *hangar_volume_get_pool         (HangarVolume *self);

/* Grows the volume to @capacity bytes. A smaller @capacity needs @allow_shrink (the
 * data past the new end is lost: the caller confirmed it); without it, or where the
 * pool cannot shrink, it fails with HANGAR_STORAGE_ERROR_UNSUPPORTED or INVALID_SIZE
 * and a sentence. */
void      hangar_volume_resize_async   (HangarVolume *self, guint64 capacity,
                                        gboolean allow_shrink, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
gboolean  hangar_volume_resize_finish  (HangarVolume *self, GAsyncResult *result, GError **error);
/* Deletes the volume. While a guest uses it this fails with HANGAR_STORAGE_ERROR_IN_USE
 * (naming the guests) unless @even_if_used (the user confirmed). With @wipe the data is
 * overwritten first; @job (may be NULL) shows that. */
void      hangar_volume_delete_async   (HangarVolume *self, gboolean even_if_used,
                                        gboolean wipe, HangarJob *job,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
gboolean  hangar_volume_delete_finish  (HangarVolume *self, GAsyncResult *result, GError **error);

/* The volume at @path among @connection's pools' volumes as last read (a pool reads
 * its volumes when first asked: until then it has none), and its pool; NULL when
 * none. Transfer none. */
HangarVolume *hangar_volume_find_by_path (HangarConnection  *connection,
                                          const char        *path,
                                          HangarPool       **pool);

/* What a disk image file's first bytes say. */
typedef struct {
  HangarVolumeFormat format;        /* QCOW2 for a qcow2 header, RAW for anything else */
  guint64            virtual_size;  /* what a guest sees: qcow2's size, else the file's */
  guint64            file_size;
  gboolean           backed;        /* a qcow2 image naming a backing file of its own */
} HangarImageHeader;

/* Reads @path's header (blocking). */
gboolean  hangar_volume_read_image_header        (const char          *path,
                                                  HangarImageHeader   *header,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

/* Whether New VM can copy the disk image @image on @connection's host, and the size a
 * guest sees of it (asked on a worker): a volume of the host's pools, or on this
 * machine a qcow2 file without a backing file; else HANGAR_STORAGE_ERROR_INVALID_PATH
 * and a sentence for the image's field. */
void      hangar_volume_copyable_size_async      (HangarConnection    *connection,
                                                  const char          *image,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  hangar_volume_copyable_size_finish     (GAsyncResult        *result,
                                                  guint64             *size,
                                                  GError             **error);

G_END_DECLS
