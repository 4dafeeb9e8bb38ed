// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-guest.h"

G_BEGIN_DECLS

/* The question before guests are deleted ("delete" or "cancel"). With one guest it
 * lists the guest's disks with a check button each (the path is its name), checked for
 * the volumes only that guest uses; with several it offers to delete their disks too.
 * Deleting is the caller's job, with what the getters say. */
#define HANGAR_TYPE_DELETE_GUEST_DIALOG (hangar_delete_guest_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HangarDeleteGuestDialog, hangar_delete_guest_dialog, HANGAR,
                      DELETE_GUEST_DIALOG, AdwMessageDialog)

/* @guests: HangarGuest items, at least one. */
HangarDeleteGuestDialog *hangar_delete_guest_dialog_new               (GtkWindow *parent,
                                                                       GPtrArray *guests);
GPtrArray               *hangar_delete_guest_dialog_get_guests        (HangarDeleteGuestDialog *self);
/* One guest: the paths of the checked disks (never NULL). */
GStrv                    hangar_delete_guest_dialog_dup_checked_paths (HangarDeleteGuestDialog *self);
/* Several guests: whether their own disks go too. */
gboolean                 hangar_delete_guest_dialog_get_delete_disks  (HangarDeleteGuestDialog *self);

G_END_DECLS
