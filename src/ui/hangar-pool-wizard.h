// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/* The New Storage Pool wizard: name and type, the type's own fields, a summary with
 * "Start at boot", then the creation's progress with Cancel. Each field is checked as
 * the user types; Forward stays off while a field is wrong, and the field says why.
 * On success the window closes (the pool appears in the connection's pool list); on
 * failure it stays on the summary with libvirt's sentence, and nothing is left behind.
 *
 * The default pool: when the host has no pool called "default", the wizard proposes
 * it by itself — it opens with the name "default" and the type and target path of
 * hangar_connection_default_pool_spec(), and says so on the first page. The user may
 * change either. There is no separate call for this. */
#define HANGAR_TYPE_POOL_WIZARD (hangar_pool_wizard_get_type ())
G_DECLARE_FINAL_TYPE (HangarPoolWizard, hangar_pool_wizard, HANGAR, POOL_WIZARD, AdwWindow)

/* A modal window, transient for @parent (may be NULL); the caller presents it. */
GtkWindow *hangar_pool_wizard_new (GtkWindow        *parent,
                                   HangarConnection *connection);

G_END_DECLS
