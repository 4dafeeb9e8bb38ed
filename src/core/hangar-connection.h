// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-guest.h"

G_BEGIN_DECLS

typedef enum {
  HANGAR_CONNECTION_STATE_DISCONNECTED,
  HANGAR_CONNECTION_STATE_CONNECTING,
  HANGAR_CONNECTION_STATE_CONNECTED,
  HANGAR_CONNECTION_STATE_FAILED,            /* open failed or the link dropped */
  HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS,
} HangarConnectionState;

#define HANGAR_CONNECTION_ERROR (hangar_connection_error_quark ())
typedef enum {
  HANGAR_CONNECTION_ERROR_FAILED,
  HANGAR_CONNECTION_ERROR_NEEDS_CREDENTIALS,
} HangarConnectionError;

#define HANGAR_TYPE_CONNECTION (hangar_connection_get_type ())
G_DECLARE_FINAL_TYPE (HangarConnection, hangar_connection, HANGAR, CONNECTION, GObject)

GQuark                 hangar_connection_error_quark      (void);

HangarConnection      *hangar_connection_new              (const char *uri);
const char            *hangar_connection_get_uri          (HangarConnection *self);
const char            *hangar_connection_get_title        (HangarConnection *self);
HangarConnectionState  hangar_connection_get_state        (HangarConnection *self);
const char            *hangar_connection_get_state_label  (HangarConnection *self);
const char            *hangar_connection_get_error_message (HangarConnection *self);
GListModel            *hangar_connection_get_guests       (HangarConnection *self);
HangarGuest           *hangar_connection_find_guest       (HangarConnection *self,
                                                           const char       *name);
guint                  hangar_connection_get_stats_interval (HangarConnection *self);
void                   hangar_connection_set_stats_interval (HangarConnection *self,
                                                             guint             msec);

void                   hangar_connection_open_async       (HangarConnection   *self,
                                                           GCancellable       *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer            user_data);
gboolean               hangar_connection_open_finish      (HangarConnection *self,
                                                           GAsyncResult     *result,
                                                           GError          **error);
void                   hangar_connection_close            (HangarConnection *self);

G_END_DECLS
