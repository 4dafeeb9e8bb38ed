// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-connection.h"
#include "hangar-guest-spec.h"
#include "hangar-job.h"
#include "hangar-pool.h"

G_BEGIN_DECLS

#define HANGAR_GUEST_CREATOR_ERROR (hangar_guest_creator_error_quark ())
GQuark hangar_guest_creator_error_quark (void);

typedef enum {
  HANGAR_GUEST_CREATOR_ERROR_DISK,    /* creating the new volume */
  HANGAR_GUEST_CREATOR_ERROR_DEFINE,  /* building or defining the install definition */
  HANGAR_GUEST_CREATOR_ERROR_START,
  HANGAR_GUEST_CREATOR_ERROR_CUSTOM_XML, /* libvirt refused the definition the user edited */
  HANGAR_GUEST_CREATOR_ERROR_SETUP,   /* the installation files (hangar-install-setup.h) */
  HANGAR_GUEST_CREATOR_ERROR_INTERRUPTED, /* the installer was forced off or failed: the
                                           * install definition and its files stay */
} HangarGuestCreatorError;

/* Makes a guest from a checked HangarGuestSpec, as one long operation the user
 * watches through a HangarJob: makes the installation files when the spec needs them
 * (hangar-install-setup.h: an unattended install's answers, a cloud image's cidata
 * disc, a network install's kernel and initrd; uploaded into a pool of a remote host),
 * creates the new volume (through HangarPool), defines
 * the install definition, starts it. When a step fails, or the job is cancelled, what
 * was made is undone in reverse (the guest destroyed if started, undefined with its
 * NVRAM, the new volume deleted, the pool spec->made_pool removed as
 * hangar_guest_creator_remove_pool_async does) before the operation fails with a
 * sentence naming the step (G_IO_ERROR_CANCELLED after Cancel).
 * Once the installer ended, hangar_guest_creator_finish_install_async puts the final
 * definition in place. */
#define HANGAR_TYPE_GUEST_CREATOR (hangar_guest_creator_get_type ())
G_DECLARE_FINAL_TYPE (HangarGuestCreator, hangar_guest_creator, HANGAR, GUEST_CREATOR, GObject)

/* @spec's host fields must be filled (hangar_guest_spec_fill_host). */
HangarGuestCreator *hangar_guest_creator_new        (HangarConnection      *connection,
                                                     const HangarGuestSpec *spec);
/* The job's cancellable cancels. Once only. */
void                hangar_guest_creator_run_async  (HangarGuestCreator   *self,
                                                     HangarJob            *job,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
/* The new guest's name (it appears in the connection's guest list through libvirt's
 * event), or NULL. */
char               *hangar_guest_creator_run_finish (HangarGuestCreator   *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* After a successful run, once the installer ended (the install definition powers the
 * guest off instead of rebooting): replaces the install definition by the final one
 * (boots from the disk, media removed), same UUID, and deletes the installation
 * files. Refused while the guest still runs. A cloud image with cloud-init has its
 * final definition (without the cidata disc) from the start: call this once it first
 * stopped, to delete the disc's file. Does nothing for other sources without an
 * install phase. */
void                hangar_guest_creator_finish_install_async  (HangarGuestCreator  *self,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            hangar_guest_creator_finish_install_finish (HangarGuestCreator  *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* Removes @pool, which the New VM window made for a guest (spec->made_pool), unless it
 * holds a volume (counted after a refresh, so that files made behind libvirt's back
 * count too): stopped and forgotten as the host page's Delete does
 * (hangar_pool_delete_async), with its directory when @made_dirs is not 0, and the
 * @made_dirs - 1 folders above it that were made with it when they are empty (this
 * machine's: @made_dirs is 0 for a remote host's). Returns TRUE
 * when the pool went or was kept for its volumes, FALSE with a sentence when removing
 * it failed. */
void                hangar_guest_creator_remove_pool_async  (HangarPool          *pool,
                                                             guint                made_dirs,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean            hangar_guest_creator_remove_pool_finish (HangarPool          *pool,
                                                             GAsyncResult        *result,
                                                             GError             **error);

G_END_DECLS
