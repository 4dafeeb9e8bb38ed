// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HANGAR_TYPE_PASSWORD_DIALOG (hangar_password_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HangarPasswordDialog, hangar_password_dialog, HANGAR, PASSWORD_DIALOG,
                      AdwMessageDialog)

/* Asks for the console password of @guest_name. @keyring_problem is NULL when a keyring
 * can remember the answer, else a sentence that the dialog shows beside a Remember box
 * it turns off. Its "connect" response means the user answered. */
HangarPasswordDialog *hangar_password_dialog_new          (GtkWindow            *parent,
                                                           const char           *guest_name,
                                                           const char           *keyring_problem);
const char           *hangar_password_dialog_get_password (HangarPasswordDialog *self);
gboolean              hangar_password_dialog_get_remember (HangarPasswordDialog *self);

/* Console passwords in the user's keyring (the Secret Service), one per guest UUID.
 * The lookup's error, if any, says that no keyring could be reached. */
void                  hangar_console_password_lookup_async  (const char          *uuid,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
char                 *hangar_console_password_lookup_finish (GAsyncResult        *result,
                                                             GError             **error);
void                  hangar_console_password_store         (const char          *uuid,
                                                             const char          *guest_name,
                                                             const char          *password);

G_END_DECLS
