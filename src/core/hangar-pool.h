// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-job.h"
#include "hangar-storage.h"
#include "hangar-types.h"

G_BEGIN_DECLS

typedef enum {
  HANGAR_POOL_STATE_INACTIVE,
  HANGAR_POOL_STATE_BUILDING,
  HANGAR_POOL_STATE_RUNNING,
  HANGAR_POOL_STATE_DEGRADED,
  HANGAR_POOL_STATE_INACCESSIBLE,
} HangarPoolState;

/* One storage pool of a connection. Its properties (all EXPLICIT_NOTIFY, for binding):
 * name, uuid, pool-type (HangarPoolType), type-label, state, state-label, active,
 * autostart, persistent, capacity, allocation, available (bytes; 0 while inactive),
 * fraction-used (0…1, for a level bar), target-path, connection, volumes.
 * It follows libvirt's storage-pool lifecycle and refresh events; its volume list is
 * read when first asked for and re-read on each refresh event, never on a timer. */
#define HANGAR_TYPE_POOL (hangar_pool_get_type ())
G_DECLARE_FINAL_TYPE (HangarPool, hangar_pool, HANGAR, POOL, GObject)

const char       *hangar_pool_get_name          (HangarPool *self);
const char       *hangar_pool_get_uuid          (HangarPool *self);
HangarPoolType    hangar_pool_get_pool_type     (HangarPool *self);
gboolean          hangar_pool_holds_files       (HangarPool *self);
const char       *hangar_pool_get_type_label    (HangarPool *self);
HangarPoolState   hangar_pool_get_state         (HangarPool *self);
const char       *hangar_pool_get_state_label   (HangarPool *self);
gboolean          hangar_pool_get_active        (HangarPool *self);
gboolean          hangar_pool_get_autostart     (HangarPool *self);
gboolean          hangar_pool_get_persistent    (HangarPool *self);
guint64           hangar_pool_get_capacity      (HangarPool *self);
guint64           hangar_pool_get_allocation    (HangarPool *self);
guint64           hangar_pool_get_available     (HangarPool *self);
double            hangar_pool_get_fraction_used (HangarPool *self);
const char       *hangar_pool_get_target_path   (HangarPool *self);
HangarConnection *hangar_pool_get_connection    (HangarPool *self);
/* The pool's definition as libvirt reports it now (for tests and "what was asked"). */
HangarPoolSpec   *hangar_pool_get_spec          (HangarPool *self);

/* HangarVolume items. Empty until the first refresh finished (see volumes-loaded);
 * asking for it starts that first read. */
GListModel       *hangar_pool_get_volumes       (HangarPool *self);
gboolean          hangar_pool_get_volumes_loaded (HangarPool *self);
HangarVolume     *hangar_pool_find_volume       (HangarPool *self,
                                                 const char *name);

/* Each one a libvirt call on a worker; the model follows from libvirt's events (and
 * from the answer, for the caller's own change). Errors name the pool. */
void      hangar_pool_start_async          (HangarPool *self, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
gboolean  hangar_pool_start_finish         (HangarPool *self, GAsyncResult *result, GError **error);
void      hangar_pool_stop_async           (HangarPool *self, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
gboolean  hangar_pool_stop_finish          (HangarPool *self, GAsyncResult *result, GError **error);
/* Re-reads the pool's size and its volumes (virStoragePoolRefresh). */
void      hangar_pool_refresh_async        (HangarPool *self, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
gboolean  hangar_pool_refresh_finish       (HangarPool *self, GAsyncResult *result, GError **error);
void      hangar_pool_set_autostart_async  (HangarPool *self, gboolean autostart,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
gboolean  hangar_pool_set_autostart_finish (HangarPool *self, GAsyncResult *result, GError **error);
/* Stops the pool if it runs and forgets its definition. With @delete_storage, first
 * deletes what the pool is on (virStoragePoolDelete: the directory, the volume group…). */
void      hangar_pool_delete_async         (HangarPool *self, gboolean delete_storage,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
gboolean  hangar_pool_delete_finish        (HangarPool *self, GAsyncResult *result, GError **error);

/* Checks @spec against this pool before anything is made: the name (legal, not taken
 * in the pool), the size (not zero; allocation within the pool's free space), the
 * backing volume. Returns FALSE with the error for the field that is wrong. When the
 * capacity alone exceeds the free space it returns TRUE and sets @warning to a
 * sentence to show (as virt-manager: a sparse volume may fit for a while). */
gboolean  hangar_pool_check_volume_spec    (HangarPool             *self,
                                            const HangarVolumeSpec *spec,
                                            char                  **warning,
                                            GError                **error);
/* Creates a volume. @job (may be NULL) gets the allocation's progress, polled from
 * the volume's allocation while libvirt writes. Cancelling removes the half-made
 * volume before the operation finishes with G_IO_ERROR_CANCELLED. */
void          hangar_pool_create_volume_async  (HangarPool             *self,
                                                const HangarVolumeSpec *spec,
                                                HangarJob              *job,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
HangarVolume *hangar_pool_create_volume_finish (HangarPool   *self,
                                                GAsyncResult *result,
                                                GError      **error);

G_END_DECLS
