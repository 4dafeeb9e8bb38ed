// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libvirt/libvirt.h>

#include "hangar-pool.h"
#include "hangar-volume-private.h"

G_BEGIN_DECLS

/* HangarPool lives in two files: hangar-pool.c (the object, what it reads of itself and
 * its volume list) and hangar-pool-operations.c (start, stop, refresh, autostart,
 * delete; checking and creating volumes). */
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

/* What a worker reads about a pool, applied on the main thread. */
typedef struct {
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
} HangarPoolInfo;

void            hangar_pool_info_free       (HangarPoolInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarPoolInfo, hangar_pool_info_free)
/* Blocking: virStoragePoolGetInfo and the pool's XML. */
HangarPoolInfo *hangar_pool_info_fetch      (virStoragePoolPtr  pool,
                                             GError           **error);

HangarPool     *hangar_pool_new             (HangarConnection     *connection,
                                             virStoragePoolPtr     pool,
                                             const HangarPoolInfo *info);
/* The libvirt handle, or NULL while the connection is away. */
virStoragePoolPtr hangar_pool_get_virt_pool (HangarPool        *self);
void            hangar_pool_set_virt_pool   (HangarPool        *self,
                                             virStoragePoolPtr  pool);
void            hangar_pool_apply_info      (HangarPool           *self,
                                             const HangarPoolInfo *info);
/* What an event says at once, before the re-read it starts confirms it. */
void            hangar_pool_set_state       (HangarPool      *self,
                                             HangarPoolState  state);
void            hangar_pool_set_persistent  (HangarPool *self,
                                             gboolean    persistent);
/* Re-reads the pool's info on a worker; with @volumes also its volumes, if anyone
 * asked for them. Answers older than the newest request are dropped. */
void            hangar_pool_reload          (HangarPool *self,
                                             gboolean    volumes);
/* A volume this process deleted or made: the list follows without a full re-read. */
void            hangar_pool_remove_volume   (HangarPool   *self,
                                             HangarVolume *volume);
HangarVolume   *hangar_pool_add_volume      (HangarPool             *self,
                                             const HangarVolumeInfo *info);
/* Who uses each listed volume changed (a guest was defined, started…). */
void            hangar_pool_apply_users     (HangarPool *self,
                                             GHashTable *users);

/* Whether someone asked for the volumes (so that they are kept current). */
gboolean        hangar_pool_get_volumes_requested (HangarPool *self);

/* virStoragePoolFree and virConnectClose as GDestroyNotify. */
static inline void
hangar_virt_pool_unref (gpointer pool)
{
  virStoragePoolFree (pool);
}

static inline void
hangar_virt_conn_unref (gpointer conn)
{
  virConnectClose (conn);
}

G_END_DECLS
