// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <gio/gio.h>

#include "hangar-connection.h"

G_BEGIN_DECLS

/* Can the user QEMU runs as read a file the user chose (install media, kernel, disk
 * image)? On a system connection to this machine QEMU runs as the user of the host's
 * DAC security label (libvirt-qemu on Debian), not as the user of Hangar: a file in a
 * home directory is often out of its reach. The fix, as virt-manager's: POSIX ACLs
 * granting that user search on each folder on the way and read on the file. Session
 * connections (QEMU runs as the user) and remote hosts need no check. */

#define HANGAR_FILE_ACCESS_ERROR (hangar_file_access_error_quark ())
GQuark hangar_file_access_error_quark (void);

typedef enum {
  HANGAR_FILE_ACCESS_ERROR_DENIED,     /* QEMU's user cannot read the file */
  HANGAR_FILE_ACCESS_ERROR_FAILED,     /* the check or the fix could not be done */
} HangarFileAccessError;

/* TRUE for a system connection to this machine: qemu:///system (no host). */
gboolean hangar_file_access_applies      (HangarConnection *connection);

/* BLOCKING (file system only). The paths @uid (with primary group @gid and, when it
 * names a local user, that user's other groups) lacks for reading @path: each folder on
 * the way without search permission, then @path itself when it is not readable. NULL
 * with @error when @path does not exist; an empty array when it can read. Owner, group
 * and other bits and POSIX ACLs are read as the kernel reads them. */
GStrv    hangar_file_access_find_denied  (const char *path,
                                          uid_t       uid,
                                          gid_t       gid,
                                          GError    **error);
/* BLOCKING. Adds ACL entries for @uid: search on each denied folder, read on @path
 * when denied. Needs the right to change them (the owner, or root). */
gboolean hangar_file_access_grant        (const char *path,
                                          uid_t       uid,
                                          gid_t       gid,
                                          GError    **error);
/* The user and group of the host's DAC base label ("+64055:+994", for virt type kvm,
 * else qemu) in the host capabilities @caps_xml. */
gboolean hangar_file_access_parse_label  (const char *caps_xml,
                                          uid_t      *uid,
                                          gid_t      *gid,
                                          GError    **error);

/* Asks the host for QEMU's user, then checks @path. TRUE when QEMU's user can read it
 * or the check does not apply; else FALSE with HANGAR_FILE_ACCESS_ERROR_DENIED and a
 * sentence naming the user and the first place it is stopped. */
void     hangar_file_access_check_async  (HangarConnection   *connection,
                                          const char         *path,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean hangar_file_access_check_finish (GAsyncResult       *result,
                                          GError            **error);
/* As check, then grants what is missing (hangar_file_access_grant). */
void     hangar_file_access_fix_async    (HangarConnection   *connection,
                                          const char         *path,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean hangar_file_access_fix_finish   (GAsyncResult       *result,
                                          GError            **error);

G_END_DECLS
