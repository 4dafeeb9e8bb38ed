// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <osinfo/osinfo.h>

#include "hangar-guest-spec.h"
#include "hangar-host-caps.h"
#include "hangar-os-catalog.h"
#include "hangar-types.h"

G_BEGIN_DECLS

/* What the pages of the New VM window share: the host, the answers so far (a
 * HangarGuestSpec each page writes its own fields into), the source kind, the OS and
 * the defaults that follow from it. Pages listen to its notifications to adapt (a new
 * OS brings new default sizes for fields the user has not touched; the source kind
 * decides which pages are needed).
 *
 * Properties (EXPLICIT_NOTIFY): connection (construct-only), source
 * (HangarGuestSource), os (OsinfoOs, NULL: unknown / generic), match (HangarOsMatch
 * from the media or tree, NULL when none), defaults (HangarOsDefaults for os on the
 * host's arch), customize (the user wants to edit the definition before the install),
 * host-ready (the spec's arch, machine and virt type are filled from the host),
 * host-error (a sentence when the host could not be asked, else NULL), host-caps
 * (HangarHostCaps, NULL until the host answered), host-caps-error (a sentence when
 * the host's capabilities could not be read, else NULL). */
#define HANGAR_TYPE_CREATOR_STATE (hangar_creator_state_get_type ())
G_DECLARE_FINAL_TYPE (HangarCreatorState, hangar_creator_state, HANGAR, CREATOR_STATE, GObject)

/* Starts asking the host's capabilities (once, for every page: they fill the spec's
 * arch, machine and virt type too) and loading the OS catalog. */
HangarCreatorState *hangar_creator_state_new           (HangarConnection *connection);

HangarConnection   *hangar_creator_state_get_connection (HangarCreatorState *self);
HangarOsCatalog    *hangar_creator_state_get_catalog   (HangarCreatorState *self);

/* The answers (transfer none). Pages write their fields in their apply vfunc. */
HangarGuestSpec    *hangar_creator_state_get_spec      (HangarCreatorState *self);

HangarGuestSource   hangar_creator_state_get_source    (HangarCreatorState *self);
/* Also sets the spec's source. */
void                hangar_creator_state_set_source    (HangarCreatorState *self,
                                                        HangarGuestSource   source);

OsinfoOs           *hangar_creator_state_get_os        (HangarCreatorState *self);
/* The user's choice; also sets the spec's os_id and the defaults. */
void                hangar_creator_state_set_os        (HangarCreatorState *self,
                                                        OsinfoOs           *os);
const HangarOsMatch *hangar_creator_state_get_match    (HangarCreatorState *self);
/* What identification found (NULL clears it); sets os to the match's os. */
void                hangar_creator_state_set_match     (HangarCreatorState  *self,
                                                        const HangarOsMatch *match);
const HangarOsDefaults *hangar_creator_state_get_defaults (HangarCreatorState *self);

gboolean            hangar_creator_state_get_customize (HangarCreatorState *self);
void                hangar_creator_state_set_customize (HangarCreatorState *self,
                                                        gboolean            customize);

gboolean            hangar_creator_state_get_host_ready (HangarCreatorState *self);
const char         *hangar_creator_state_get_host_error (HangarCreatorState *self);

/* Transfer none; NULL until the host answered, and when it could not be asked. */
const HangarHostCaps *hangar_creator_state_get_host_caps (HangarCreatorState *self);
const char         *hangar_creator_state_get_host_caps_error (HangarCreatorState *self);

G_END_DECLS
