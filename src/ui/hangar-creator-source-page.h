// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-creator-page.h"

G_BEGIN_DECLS

/* The New VM window's first page: the kind of install source and its fields (an ISO
 * image, a CD-ROM drive or a remote host's volume; a tree URL; a disk image; a cloud
 * image; a kernel and initrd; PXE on system connections; manual). Files are checked as
 * typed, QEMU's access included (with Fix Permission), and media and trees are
 * identified (hangar_creator_state_set_match). Complete once the source's check and
 * identification are done and good. */
#define HANGAR_TYPE_CREATOR_SOURCE_PAGE (hangar_creator_source_page_get_type ())
G_DECLARE_FINAL_TYPE (HangarCreatorSourcePage, hangar_creator_source_page, HANGAR, CREATOR_SOURCE_PAGE,
                      HangarCreatorPage)

GtkWidget *hangar_creator_source_page_new (HangarCreatorState *state);

G_END_DECLS
