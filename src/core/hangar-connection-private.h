// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libvirt/libvirt.h>

#include "hangar-connection.h"

G_BEGIN_DECLS

/* HangarConnection lives in three files: hangar-connection.c (the object, opening,
 * closing, reconnecting), hangar-connection-events.c (the guest list, filled on open
 * and kept current by libvirt's lifecycle events) and hangar-connection-stats.c (CPU
 * and memory sampling of running guests). Everything runs on the main thread, except
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
};

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

/* hangar-connection-stats.c */

/* Samples now and then every stats_interval while some guest runs. */
void  hangar_connection_restart_stats       (HangarConnection *self);
void  hangar_connection_stop_stats          (HangarConnection *self);

G_END_DECLS
