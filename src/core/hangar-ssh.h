// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One multiplexed SSH session per remote host: libvirt's own connection and every
 * console tunnel go through the same ssh ControlMaster, so a host costs one login.
 * Each open of the host (hangar_ssh_prepare_uri) starts a master of its own, so that a
 * host opened again right after a close never joins the master being closed. */

gboolean  hangar_ssh_uri_uses_ssh  (const char *uri);
/* The URI libvirt should open: @uri with its ssh command pointed at Hangar's
 * multiplexing wrapper, for a new master of the host's. Returns a copy of @uri for
 * other transports. Thread-safe. */
char     *hangar_ssh_prepare_uri   (const char *uri,
                                    GError    **error);
/* After libvirt failed to open @uri (before hangar_ssh_prepare_uri) with @reason: what
 * happened in SSH's login, as a sentence — a changed host key refused, a question the
 * user cancelled (@cancelled set), a password refused — or NULL. Thread-safe. */
char     *hangar_ssh_explain_failure (const char *uri,
                                      const char *reason,
                                      gboolean   *cancelled);
/* $XDG_RUNTIME_DIR/hangar-ssh (0700): the SSH masters' sockets, the askpass socket. */
const char *hangar_ssh_get_runtime_dir (void);
/* A socket connected, through the host's SSH session (the master of its newest open),
 * to @target_host:@target_port as seen from the remote host (`ssh -W`). Spawns ssh;
 * does not wait on the network. */
int       hangar_ssh_open_tunnel   (const char *uri,
                                    const char *target_host,
                                    int         target_port,
                                    GError    **error);

G_END_DECLS
