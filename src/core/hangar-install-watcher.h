// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-guest-creator.h"
#include "hangar-types.h"

G_BEGIN_DECLS

/* Finishes an installation as virt-install does: holds the HangarGuestCreator of a run
 * whose guest boots an installer (the install definition powers the guest off instead
 * of rebooting), and once the guest has shut off puts the final definition in place
 * (hangar_guest_creator_finish_install_async) and starts the guest again, now from its
 * disk. Emits "finished" once, with NULL when the guest was started again, else with
 * the GError: a sentence, or G_IO_ERROR_CANCELLED when the guest went away (deleted,
 * the connection closed) before its installer ended. The application keeps it until
 * then. */
#define HANGAR_TYPE_INSTALL_WATCHER (hangar_install_watcher_get_type ())
G_DECLARE_FINAL_TYPE (HangarInstallWatcher, hangar_install_watcher, HANGAR, INSTALL_WATCHER, GObject)

/* @name: the guest the creator made (hangar_guest_creator_run_finish), which may not be
 * in @connection's list yet. */
HangarInstallWatcher *hangar_install_watcher_new      (HangarConnection   *connection,
                                                       HangarGuestCreator *creator,
                                                       const char         *name);
const char           *hangar_install_watcher_get_name (HangarInstallWatcher *self);

G_END_DECLS
