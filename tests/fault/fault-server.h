// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A server on 127.0.0.1 that misbehaves on purpose — the one hand-written
 * server the tests may use: real servers do not send absurd sizes or fall silent on
 * demand. Everything that works is tested against QEMU (tests/e2e). */

typedef enum {
  /* VNC: ServerInit announces WIDTH × HEIGHT; the first update request is answered with
   * one rectangle filling all of it (RRE, a few bytes on the wire). */
  FAULT_VNC_SIZE,
  /* VNC: a 640 × 480 screen and its first picture, then a desktop resize to
   * WIDTH × HEIGHT. */
  FAULT_VNC_RESIZE,
  /* VNC: a normal handshake and ServerInit (640 × 480), then never a picture. */
  FAULT_VNC_SILENT,
  /* SPICE: main, display and inputs channels link; the display channel announces a
   * primary surface of WIDTH × HEIGHT. */
  FAULT_SPICE_SURFACE,
  /* SPICE: the channels link, and no primary surface ever comes. */
  FAULT_SPICE_SILENT,
  /* Any protocol: accepts, reads what comes and never says a word (a host whose
   * service hangs; libvirt's RPC over tcp waits on it forever). */
  FAULT_TCP_SILENT,
} FaultMode;

typedef struct _FaultServer FaultServer;

/* Listens on 127.0.0.1, on a free port; serves every connection in a thread of its own. */
FaultServer *fault_server_new             (FaultMode    mode,
                                           guint        width,
                                           guint        height);
guint16      fault_server_get_port        (FaultServer *self);
/* Connections accepted so far (SPICE: one per channel). */
guint        fault_server_get_connections (FaultServer *self);
/* Closes every connection and waits for their threads. */
void         fault_server_free            (FaultServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FaultServer, fault_server_free)

G_END_DECLS
