// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-creator-page.h"

G_BEGIN_DECLS

/* The New VM window's disk: a new volume in one of the host's pools (size, qcow2 or
 * raw, the pool), an existing volume or path, or none. The pool's free space bounds the
 * size as in the volume wizard (hangar_pool_check_volume_spec; the creator allocates
 * nothing ahead, so a size above the free space is a warning). When the guest needs the
 * pool "default" (its new disk, or on a remote host the installation files that are
 * uploaded there when the disk's pool holds no files) and the host has none, or has it
 * stopped, the page says so, with a button that creates it as the pool wizard would
 * (hangar_connection_default_pool_spec) or starts it — only when the user asks; the
 * files' need blocks Forward until then. A pool made here goes again when the window
 * closes with nothing in it, and with a failed or cancelled creation
 * (spec->made_pool), with its directory if that was made with it.
 * Sources: not needed for an import (the imported image is the disk); for a cloud image
 * only "create" is offered, without a format (the new volume is a qcow2 layer over the
 * image, and its size is what the image grows to). */
#define HANGAR_TYPE_CREATOR_STORAGE_PAGE (hangar_creator_storage_page_get_type ())
G_DECLARE_FINAL_TYPE (HangarCreatorStoragePage, hangar_creator_storage_page, HANGAR,
                      CREATOR_STORAGE_PAGE, HangarCreatorPage)

GtkWidget *hangar_creator_storage_page_new (HangarCreatorState *state);

G_END_DECLS
