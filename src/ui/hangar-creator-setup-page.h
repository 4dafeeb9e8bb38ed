// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-creator-page.h"

G_BEGIN_DECLS

/* The New VM window's answers for the guest's first boot: who logs in. Needed for a
 * cloud image (cloud-init: user, password or "Locked, SSH key only", SSH public keys
 * pasted or read from a file, host name) and for install media or a tree whose OS has
 * an install script (hangar_install_setup_find_script): then "Install automatically"
 * (on by default) with user, full name, password, the administrator's password for
 * Windows ("same as the user's" by default), a product key when the script needs one,
 * and the host name (empty: the guest's name). The user name and full name start as
 * the desktop user's. Every field says what is wrong beside it once touched, or when
 * Forward is pressed. */
#define HANGAR_TYPE_CREATOR_SETUP_PAGE (hangar_creator_setup_page_get_type ())
G_DECLARE_FINAL_TYPE (HangarCreatorSetupPage, hangar_creator_setup_page, HANGAR,
                      CREATOR_SETUP_PAGE, HangarCreatorPage)

GtkWidget *hangar_creator_setup_page_new (HangarCreatorState *state);

G_END_DECLS
