// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/* Destroys and undefines the domain @name if it exists. Quiet. */
void e2e_remove_domain        (virConnectPtr conn,
                               const char   *name);
/* Removes leftovers of earlier runs that crashed before cleaning up: every domain whose
 * name starts with @prefix. */
void e2e_remove_stale_domains (virConnectPtr conn,
                               const char   *prefix);

G_END_DECLS
