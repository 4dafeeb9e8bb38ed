// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-creator-state.h"
#include "hangar-types.h"

G_BEGIN_DECLS

/* The New Virtual Machine window, for the one connection its caller gives (the manager
 * passes the host chosen in its sidebar; under All Hosts the connected one, or, when
 * several are, the one the user picks when asked; the summary names the host). It shows the pages of issue 10 in order — source, os,
 * setup, resources, storage, details, xml — skipping those whose "needed" is FALSE,
 * then the summary; Back and Forward move between them, Forward is sensitive while
 * the page is complete, and Enter in a field goes forward (or shows the page's
 * faults). Create checks the spec on the host, then makes the guest through
 * HangarGuestCreator while a progress page with Cancel watches it. An error goes back
 * to the page that owns its field; others stand on the summary. On success the window
 * waits (at most 10 s) for the guest to appear in the connection's list, emits
 * "created" and closes. */
#define HANGAR_TYPE_DOMAIN_CREATOR (hangar_domain_creator_get_type ())
G_DECLARE_FINAL_TYPE (HangarDomainCreator, hangar_domain_creator, HANGAR, DOMAIN_CREATOR, AdwWindow)

/* A modal window, transient for @parent (may be NULL); the caller presents it. */
HangarDomainCreator *hangar_domain_creator_new       (GtkWindow        *parent,
                                                      HangarConnection *connection);
HangarConnection    *hangar_domain_creator_get_connection (HangarDomainCreator *self);
/* The answers the pages share. */
HangarCreatorState  *hangar_domain_creator_get_state (HangarDomainCreator *self);

G_END_DECLS
