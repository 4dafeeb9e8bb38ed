// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-pool-private.h"

G_BEGIN_DECLS

#define HANGAR_STORAGE_N_CALLBACKS 3

/* HangarConnection lives in five files: hangar-connection.c (the object, opening,
 * closing, reconnecting), hangar-connection-events.c (the guest list, filled on open
 * and kept current by libvirt's lifecycle events), hangar-connection-stats.c (CPU
 * and memory sampling of running guests), hangar-connection-storage.c (the pools,
 * kept current by libvirt's storage-pool events) and hangar-connection-pools.c
 * (creating pools). Everything runs on the main thread, except
 * the GTask workers, which get their own references. */
struct _HangarConnection
{
  GObject parent_instance;

  char *uri;
  char *title;
  HangarConnectionState state;
  char *error_message;

  /* The guests, and an index by UUID for events. */
  GListStore *guests;
  GHashTable *guests_by_uuid;
  /* Guests of a connection that went away, by UUID: the same objects come back when it
   * returns, so windows showing them stay current. */
  GHashTable *retired;

  virConnectPtr conn;
  int lifecycle_callback_id;
  /* The list is in: events apply directly. Before, they wait in pending_events. */
  gboolean populated;
  GPtrArray *pending_events;
  /* Cancelled, and replaced, on every teardown: answers for an old link are dropped. */
  GCancellable *cancellable;

  guint stats_interval;
  guint stats_source;
  gboolean stats_in_flight;
  gboolean bulk_stats_unsupported;

  guint reconnect_source;
  guint reconnect_attempts;
  /* The bound on an open (HANGAR_CONNECTION_OPEN_TIMEOUT_S); when it fires the attempt
   * is cancelled and open_timed_out tells its callback why. */
  guint open_timeout_source;
  gboolean open_timed_out;

  /* Storage (hangar-connection-storage.c): the pools, an index by UUID, pools of a link
   * that went away (as retired guests), pools an event announced that are being read,
   * and the events that came while the link was listing. */
  GListStore *pools;
  GHashTable *pools_by_uuid;
  GHashTable *retired_pools;
  GHashTable *arriving_pools;
  GPtrArray *pending_pool_events;
  /* Pool lifecycle, pool refresh, and guest lifecycle (who uses which volume). */
  int storage_callback_ids[HANGAR_STORAGE_N_CALLBACKS];
  /* One read of who uses which volume at a time; news meanwhile asks for one more. */
  gboolean volume_users_reading;
  gboolean volume_users_dirty;
};

/* hangar-connection-faults.c */

/* The host @uri names, or "this computer" for a local one. */
char   *hangar_connection_host_label     (const char *uri);
/* libvirt's message for a failed open of @uri, as a HANGAR_CONNECTION_ERROR with a
 * sentence (its code says which cause was recognised). */
GError *hangar_connection_failure_error  (const char *uri,
                                          const char *reason);
/* @uri did not answer within @seconds (0: ssh or the kernel gave up, time unknown). */
GError *hangar_connection_timeout_error  (const char *uri,
                                          guint       seconds);

/* hangar-connection-events.c */

/* libvirt's lifecycle callback; @opaque is a GWeakRef to the connection. */
int   hangar_connection_lifecycle_cb        (virConnectPtr conn,
                                             virDomainPtr  domain,
                                             int           event,
                                             int           detail,
                                             void         *opaque);
void  hangar_connection_lifecycle_event_free (gpointer event);
/* Installs the guests a new link listed (HangarGuestInfo), then the events that came
 * while listing. */
void  hangar_connection_populate            (HangarConnection *self,
                                             GPtrArray        *infos);
/* The link is gone: every guest leaves the list, kept aside for populate. */
void  hangar_connection_retire_guests       (HangarConnection *self);

/* hangar-connection-storage.c */

typedef struct _HangarStorageLink HangarStorageLink;

void  hangar_connection_storage_init        (HangarConnection *self);
void  hangar_connection_storage_finalize    (HangarConnection *self);
/* On the open worker, after the guest events: subscribes to the storage-pool events,
 * then lists the pools. Never fails the open (a driver without storage has no pools). */
HangarStorageLink *hangar_connection_storage_link_open (HangarConnection *self,
                                                        virConnectPtr     conn);
/* Unsubscribes (on a worker) unless populate_pools took the subscriptions over. */
void  hangar_connection_storage_link_free   (HangarStorageLink *link);
void  hangar_connection_populate_pools      (HangarConnection  *self,
                                             HangarStorageLink *link);
/* The link is going: unsubscribe, set every pool aside for populate_pools. */
void  hangar_connection_retire_pools        (HangarConnection *self);
/* A pool this process deleted leaves the list at once. */
void  hangar_connection_forget_pool         (HangarConnection *self,
                                             HangarPool       *pool);
/* A pool this process made joins it at once (transfer none); a read an event started
 * for it is called off. */
HangarPool *hangar_connection_add_pool      (HangarConnection     *self,
                                             virStoragePoolPtr     pool,
                                             const HangarPoolInfo *info);
void  hangar_connection_cancel_arriving_pool (HangarConnection *self,
                                              const char       *uuid);

/* hangar-connection-stats.c */

/* Samples now and then every stats_interval while some guest runs. */
void  hangar_connection_restart_stats       (HangarConnection *self);
void  hangar_connection_stop_stats          (HangarConnection *self);

G_END_DECLS
