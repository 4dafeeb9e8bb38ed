// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/* The New Volume window, on one page: name (the format's suffix is added unless the
 * user writes a suffix of their own), format (qcow2 or raw), capacity with its unit,
 * "allocate the whole disk now" (raw), a backing volume (qcow2), and the pool's free
 * space. Each field is checked as the user types (hangar_pool_check_volume_spec):
 * a fault stands below its field and keeps Create off; a capacity above the free
 * space is only a warning. Create shows the allocation's progress with Cancel. */
#define HANGAR_TYPE_VOLUME_WIZARD (hangar_volume_wizard_get_type ())
G_DECLARE_FINAL_TYPE (HangarVolumeWizard, hangar_volume_wizard, HANGAR, VOLUME_WIZARD, AdwWindow)

/* A modal window, transient for @parent (may be NULL); the caller presents it. */
GtkWindow *hangar_volume_wizard_new (GtkWindow  *parent,
                                     HangarPool *pool);

G_END_DECLS
