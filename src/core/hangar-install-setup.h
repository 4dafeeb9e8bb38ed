// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>
#include <osinfo/osinfo.h>

#include "hangar-connection.h"
#include "hangar-gconfig.h"
#include "hangar-guest-spec.h"
#include "hangar-job.h"

G_BEGIN_DECLS

/* What a guest's first boot reads so that nobody has to answer its installer: an
 * unattended install's script (libosinfo's install scripts, filled from the spec's
 * user, passwords, host name and the desktop's time zone and language) or a cloud
 * image's NoCloud seed (a "cidata" ISO with user-data and meta-data).
 *
 * The script goes where it prefers: appended to the installer's initrd (a gzipped
 * cpio, the kernel and initrd taken from the ISO with xorriso -osirrox, or from the
 * tree's files fetched by the creator) and booted directly with the script's command
 * line, or on a small ISO attached as an extra CD-ROM. Floppies are not made (no
 * script of the installed osinfo-db needs one alone).
 *
 * Where the files go: a directory made for the run in this machine's temporary
 * directory (mode 0711, the files 0600): libvirt's DAC driver hands them to QEMU's user
 * when the guest starts. For a remote host (hangar_connection_uri_is_remote) that
 * path means nothing there: hangar_install_setup_upload puts what the guest reads into
 * volumes of one of the host's pools, as virt-manager does, and deletes the local
 * copies. Passwords are written only into the generated files, never logged;
 * hangar_install_setup_remove deletes every file, the directory and the uploaded
 * volumes (the creator calls it after the install and when a run fails or is
 * cancelled). */
typedef struct _HangarInstallSetup HangarInstallSetup;

/* The install script for @os installing from @media or @tree (either or both NULL):
 * the media's own scripts when the media supports them, else the OS's; of the profile
 * "desktop", then "jeos" ("jeos" first when @minimal: a system without a desktop).
 * NULL when the OS has none, or the media says its installer cannot take one.
 * Transfer none. */
OsinfoInstallScript *hangar_install_setup_find_script (OsinfoOs    *os,
                                                       OsinfoMedia *media,
                                                       OsinfoTree  *tree,
                                                       gboolean     minimal);
/* Whether the scripts found there install a desktop or not as asked: both profiles. */
gboolean             hangar_install_setup_offers_minimal (OsinfoOs    *os,
                                                          OsinfoMedia *media,
                                                          OsinfoTree  *tree);
/* Whether @script asks for @param (an OSINFO_INSTALL_CONFIG_PROP_…) at all, and whether
 * it must have it (policy "required"). */
gboolean             hangar_install_setup_script_wants    (OsinfoInstallScript *script,
                                                           const char          *param,
                                                           gboolean            *required);

/* Whether @spec needs a setup at all: an unattended install, cloud-init on a cloud
 * image, or a network install whose installer is not fetched yet. */
gboolean             hangar_install_setup_needed   (const HangarGuestSpec *spec);

/* BLOCKING (files, xorriso, reading the ISO): run on a worker. For @spec with unattended
 * or cloud_init set, makes the files. @db names spec->os_id and identifies the media.
 * For URL sources spec->kernel and spec->initrd must be the fetched files: the script
 * is appended to a copy of the initrd. Returns NULL with @error (a sentence) when
 * something could not be made; nothing is left behind then. */
HangarInstallSetup  *hangar_install_setup_prepare  (const HangarGuestSpec *spec,
                                                    OsinfoDb              *db,
                                                    GCancellable          *cancellable,
                                                    GError               **error);

/* Like hangar_install_setup_prepare, for a host that is @remote: the install medium
 * (spec->media_path) is a path on that host then, never read here — its installer
 * cannot be taken out of it, so a script goes on a disc of its own where it can. */
HangarInstallSetup  *hangar_install_setup_prepare_for_host (const HangarGuestSpec *spec,
                                                            OsinfoDb              *db,
                                                            gboolean               remote,
                                                            GCancellable          *cancellable,
                                                            GError               **error);

/* The pool the setup of @spec is uploaded to on @connection's remote host: the new
 * disk's pool when it holds files, else "default". */
const char          *hangar_install_setup_upload_pool  (const HangarGuestSpec *spec,
                                                        HangarConnection      *connection);

/* BLOCKING (libvirt): run on a worker. Uploads the files the guest reads (the CD-ROM's
 * ISO, the kernel, the initrd) into new raw volumes of the pool @pool_name of @conn,
 * named after @guest_name (virStorageVolCreateXML, then virStorageVolUpload through a
 * stream), and deletes their local copies; apply() and the getters give the volumes'
 * paths from then on. Progress (fraction and message) goes to @job on the main
 * context; @cancellable stops between chunks. On failure or Cancel the volumes made so
 * far are remembered for hangar_install_setup_remove, which the caller runs. */
gboolean             hangar_install_setup_upload   (HangarInstallSetup *self,
                                                    virConnectPtr       conn,
                                                    const char         *pool_name,
                                                    const char         *guest_name,
                                                    HangarJob          *job,
                                                    GCancellable       *cancellable,
                                                    GError            **error);
/* The uploaded volumes' paths on the host (for tests and messages), NULL-terminated;
 * empty when nothing was uploaded. */
const char * const  *hangar_install_setup_get_volumes (HangarInstallSetup *self);

/* Adds the setup to an install definition: the extra CD-ROM, and for initrd injection
 * the kernel, the initrd with the script and the command line. No libvirt calls. */
void                 hangar_install_setup_apply    (HangarInstallSetup *self,
                                                    GVirConfigDomain   *domain);

/* Customize before install shows what the setup will add with this in place of the
 * paths known only at creation ("@hangar-setup@/cidata.iso", "…/unattended.iso" for an
 * installer's answers on a disc, "…/kernel", "…/initrd", and "…/cmdline" for an
 * installer's arguments made with the answers). */
#define HANGAR_INSTALL_SETUP_PLACEHOLDER "@hangar-setup@"

/* No files, no blocking: what the setup of @spec will add on a host that is @remote or
 * not, with placeholders for its paths, for hangar_install_setup_apply; NULL when @spec
 * needs no setup. @os (may be NULL) gives a network install's arguments and, for
 * unattended answers, its script's way of taking them: a disc is shown where that way
 * is known before creation. @unshown (may be NULL) gets a sentence naming what only
 * creation can add, or NULL. */
HangarInstallSetup  *hangar_install_setup_new_preview (const HangarGuestSpec *spec,
                                                       OsinfoOs              *os,
                                                       gboolean               remote,
                                                       char                 **unshown);
/* Like apply, for a definition the user edited from the preview's: its placeholders
 * get the real paths; a part the preview showed and the user removed stays out; a part
 * it could not show is added. A placeholder nothing fills, or a kernel of the user's
 * where the setup boots its own, gives @error (a sentence). No libvirt calls. */
gboolean             hangar_install_setup_apply_edited (HangarInstallSetup    *self,
                                                        const HangarGuestSpec *spec,
                                                        GVirConfigDomain      *domain,
                                                        GError               **error);

/* The directory holding every file (for tests and messages). */
const char          *hangar_install_setup_get_dir  (HangarInstallSetup *self);
/* The ISO attached as CD-ROM, or NULL. */
const char          *hangar_install_setup_get_cdrom (HangarInstallSetup *self);
/* For initrd injection: the kernel and the initrd that carries the script, and the
 * command line; else NULL. */
const char          *hangar_install_setup_get_kernel  (HangarInstallSetup *self);
const char          *hangar_install_setup_get_initrd  (HangarInstallSetup *self);
const char          *hangar_install_setup_get_cmdline (HangarInstallSetup *self);

/* BLOCKING (files, libvirt for uploaded volumes). Deletes every file the setup made,
 * its directory and the volumes it uploaded; returns how many files and volumes went. A file that could not be deleted gives @error (a sentence) after
 * the others were tried. Calling it again does nothing. */
guint                hangar_install_setup_remove   (HangarInstallSetup *self,
                                                    GError            **error);

void                 hangar_install_setup_free     (HangarInstallSetup *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarInstallSetup, hangar_install_setup_free)

/* A user name the installers and cloud-init take (as useradd's default rule: a lower-case
 * letter or "_", then lower-case letters, digits, "_", ".", "-"; at most 32), and not
 * "root": the account made is a user's, the administrator is asked for apart. */
gboolean             hangar_install_setup_check_user_login (const char *login,
                                                            GError    **error);
/* The new guest's user name to propose, as GNOME Boxes does: the desktop's user. When
 * Hangar runs as root, the user who became root (sudo's SUDO_USER, pkexec's PKEXEC_UID),
 * else "user"; the same when the name is not one check_user_login takes. */
char                *hangar_install_setup_default_user_login (void);
/* A host name: letters, digits and "-" in dot-separated labels of at most 63. */
gboolean             hangar_install_setup_check_hostname   (const char *hostname,
                                                            GError    **error);

/* Checks an SSH public key list (one key a line; empty lines and # comments allowed):
 * each line is "TYPE BASE64 [comment]" of a type OpenSSH knows (ssh-ed25519, ssh-rsa,
 * ecdsa-sha2-nistp256/384/521, sk-ssh-ed25519@openssh.com,
 * sk-ecdsa-sha2-nistp256@openssh.com, ssh-dss) whose decoded blob names that same
 * type. @error names the first bad line. */
gboolean             hangar_install_setup_check_ssh_keys (const char *keys,
                                                          GError    **error);

G_END_DECLS
