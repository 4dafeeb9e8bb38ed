// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-guest.h"

G_BEGIN_DECLS

/* How to reach a running guest's graphical console. */
typedef struct {
  char *type;      /* "vnc" or "spice" */
  int fd;          /* a connected socket from libvirt, or -1 */
  char *host;      /* where the console listens, or NULL (no listener / unix socket) */
  int port;        /* -1 when none */
  int tls_port;    /* -1 when none */
  char *socket;    /* a UNIX socket path, or NULL */
  char *password;  /* NULL when none is set */
  gboolean remote; /* the host is not this machine: host/port need a tunnel */
  char *tls_host;  /* the name the console's TLS certificate must carry: the remote host's
                    * name from the URI, or this machine's */
  gboolean has_serial; /* the guest also has a serial or virtio text console */
  char *os_id;         /* libosinfo's id from the metadata, e.g. http://debian.org/debian/12 */
  gboolean direct;     /* fd is -1 by choice: a local console on a loopback port that asks
                        * for no password, reached over TCP (see below) */
} HangarGraphicsInfo;

typedef enum {
  HANGAR_GRAPHICS_OPEN_DEFAULT = 0,
  /* Through libvirt's socket even when the console could be reached directly: for a
   * console that asked a direct connection for what libvirt's socket skips. */
  HANGAR_GRAPHICS_OPEN_THROUGH_LIBVIRT = 1 << 0,
} HangarGraphicsOpenFlags;

void                hangar_graphics_info_free          (HangarGraphicsInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarGraphicsInfo, hangar_graphics_info_free)

/* Reads the live domain XML and, for a local host, asks libvirt for a connected socket
 * (virDomainOpenGraphicsFD). A local console listening on a loopback port with neither
 * password nor TLS port is instead left to the caller to reach over TCP (@direct set, fd
 * -1): QEMU's SPICE server batches its messages on TCP (TCP_CORK), not on libvirt's Unix
 * socket, where a busy display wakes the client several times as often (bench/README.md).
 * A direct console that asks for anything (QEMU's own TLS or SASL, a password set
 * outside libvirt) is opened again with HANGAR_GRAPHICS_OPEN_THROUGH_LIBVIRT, whose
 * socket skips authentication. Fails with a sentence when the guest is not running or
 * has no graphics. */
void                hangar_guest_open_graphics_async   (HangarGuest            *guest,
                                                        HangarGraphicsOpenFlags flags,
                                                        GCancellable           *cancellable,
                                                        GAsyncReadyCallback     callback,
                                                        gpointer                user_data);
HangarGraphicsInfo *hangar_guest_open_graphics_finish  (HangarGuest        *guest,
                                                        GAsyncResult       *result,
                                                        GError            **error);

/* Just another connected socket (SPICE opens one per channel); -1 and @error on failure.
 * With @tls, one to the console's TLS port (a SPICE channel the server keeps secure). */
void                hangar_guest_open_graphics_fd_async  (HangarGuest        *guest,
                                                          gboolean            tls,
                                                          GCancellable       *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer            user_data);
int                 hangar_guest_open_graphics_fd_finish (HangarGuest        *guest,
                                                          GAsyncResult       *result,
                                                          GError            **error);

/* Which consoles the guest has (graphics type or NULL, has_serial), from its XML;
 * opens nothing. */
void                hangar_guest_query_consoles_async  (HangarGuest        *guest,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
HangarGraphicsInfo *hangar_guest_query_consoles_finish (HangarGuest        *guest,
                                                        GAsyncResult       *result,
                                                        GError            **error);

/* TLS files of libvirt's clients (its TLS guide, and where gvnc looks): under /etc/pki,
 * else under ~/.pki of the user's home in the password database (not $HOME). */
#define HANGAR_PKI_SYSTEM_DIR "/etc/pki"
/* @relative (e.g. "CA/cacert.pem") under the user's ~/.pki. */
char               *hangar_pki_user_path (const char *relative);
/* The first of /etc/pki/@relative, ~/.pki/@relative that exists, or NULL. */
char               *hangar_pki_find      (const char *relative);

G_END_DECLS
