// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-guest.h"
#include "hangar-job.h"
#include "hangar-pool.h"
#include "hangar-storage.h"

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
  /* Why an open failed, told apart for the failure page (hangar-connection-faults.c);
   * each error's message is a sentence naming the host and what to do. */
  HANGAR_CONNECTION_ERROR_TIMED_OUT,        /* no answer within the bound */
  HANGAR_CONNECTION_ERROR_REFUSED,          /* nothing listens on the port */
  HANGAR_CONNECTION_ERROR_UNREACHABLE,      /* no route, no such name */
  HANGAR_CONNECTION_ERROR_LOGIN_REFUSED,    /* ssh or SASL refused the login */
  HANGAR_CONNECTION_ERROR_NO_DAEMON,        /* libvirtd's socket missing or dead */
  HANGAR_CONNECTION_ERROR_NO_LIBVIRT,       /* no virt-ssh-helper, no nc on the host */
  HANGAR_CONNECTION_ERROR_SOCKET_DENIED,    /* the socket refuses this user */
} HangarConnectionError;

/* How long an open may take before it is abandoned (tcp, tls, local sockets: libvirt
 * has no timeout of its own). Over ssh, ssh's ConnectTimeout bounds the handshake
 * instead, since a login may wait on a person answering a password question. */
#define HANGAR_CONNECTION_OPEN_TIMEOUT_S 15

#define HANGAR_TYPE_CONNECTION (hangar_connection_get_type ())
G_DECLARE_FINAL_TYPE (HangarConnection, hangar_connection, HANGAR, CONNECTION, GObject)

GQuark                 hangar_connection_error_quark      (void);

HangarConnection      *hangar_connection_new              (const char *uri);
const char            *hangar_connection_get_uri          (HangarConnection *self);
/* Whether @uri (a libvirt URI) names a host, even this machine by its address
 * (qemu+ssh://root@127.0.0.1/system): its libvirtd then sees its own files, not this
 * machine's as Hangar does. */
gboolean               hangar_connection_uri_is_remote    (const char       *uri);
/* Whether @uri's driver is QEMU's (qemu:///system, qemu:///session,
 * qemu+ssh://host/system…). */
gboolean               hangar_connection_uri_is_qemu      (const char       *uri);
/* Whether @uri names an unprivileged daemon's host: its path is /session
 * (qemu:///session, qemu+unix:///session?socket=…). */
gboolean               hangar_connection_uri_is_session   (const char       *uri);
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
/* Also cancels an open in progress at once: its worker's late result is dropped and
 * the connection it may still make is closed. */
void                   hangar_connection_close            (HangarConnection *self);

/* Storage (hangar-connection-storage.c). The pools, as HangarPool items, filled when
 * the link opens and kept current by libvirt's storage-pool events. */
GListModel            *hangar_connection_get_pools        (HangarConnection *self);
HangarPool            *hangar_connection_find_pool        (HangarConnection *self,
                                                           const char       *name);
/* The pool types this host can make (virConnectGetStoragePoolCapabilities), as an array
 * of HangarPoolType in the wizard's order; hosts without the call get all six. */
void                   hangar_connection_get_pool_types_async  (HangarConnection   *self,
                                                                GCancellable       *cancellable,
                                                                GAsyncReadyCallback callback,
                                                                gpointer            user_data);
GArray                *hangar_connection_get_pool_types_finish (HangarConnection *self,
                                                                GAsyncResult     *result,
                                                                GError          **error);
/* Checks @spec against the host before anything is made (name legal and not taken,
 * required fields there, target path not an existing file, a local source device
 * present). FALSE with the error for the first wrong field. */
gboolean               hangar_connection_check_pool_spec  (HangarConnection     *self,
                                                           const HangarPoolSpec *spec,
                                                           GError              **error);
/* Defines, builds (when asked or the type needs it), starts and sets autostart; @job
 * (may be NULL) says which step runs. Any failure or Cancel undoes every step done. */
void                   hangar_connection_create_pool_async  (HangarConnection     *self,
                                                             const HangarPoolSpec *spec,
                                                             HangarJob            *job,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
HangarPool            *hangar_connection_create_pool_finish (HangarConnection *self,
                                                             GAsyncResult     *result,
                                                             GError          **error);
/* The spec of the pool called "default" virt-manager would make on this host: dir,
 * /var/lib/libvirt/images on a system connection, $XDG_DATA_HOME/libvirt/images on a
 * session one. */
HangarPoolSpec        *hangar_connection_default_pool_spec (HangarConnection *self);

G_END_DECLS
