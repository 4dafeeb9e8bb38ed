// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/* Asks for a volume's new size: a number and a unit, beside its current capacity.
 * Answers "resize" or "cancel"; to a smaller size "resize" reads Shrink, is shown as
 * destructive, and is enabled only once the user ticked that the data past the new
 * end is lost. The caller resizes. */
#define HANGAR_TYPE_RESIZE_VOLUME_DIALOG (hangar_resize_volume_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HangarResizeVolumeDialog, hangar_resize_volume_dialog, HANGAR,
                      RESIZE_VOLUME_DIALOG, AdwMessageDialog)

HangarResizeVolumeDialog *hangar_resize_volume_dialog_new          (GtkWindow    *parent,
                                                                    HangarVolume *volume);
HangarVolume             *hangar_resize_volume_dialog_get_volume   (HangarResizeVolumeDialog *self);
/* The size asked for, in bytes (0 while the entry makes no sense). */
guint64                   hangar_resize_volume_dialog_get_capacity (HangarResizeVolumeDialog *self);
/* Sets the number and unit as a user would: @unit is "MiB", "GiB" or "TiB". */
void                      hangar_resize_volume_dialog_set_size     (HangarResizeVolumeDialog *self,
                                                                    double                    value,
                                                                    const char               *unit);

G_END_DECLS
