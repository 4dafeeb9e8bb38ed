// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-credentials.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_CREDENTIALS_DIALOG (hangar_credentials_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HangarCredentialsDialog, hangar_credentials_dialog, HANGAR,
                      CREDENTIALS_DIALOG, AdwMessageDialog)

/* The dialog for a host's question: its "connect" response answers @question with the
 * rows' user name and password (kept in the keyring if asked), "cancel" — or the
 * dialog going away — cancels it; it closes by itself when the open gives up.
 * @keyring_problem: why Remember cannot be offered, or NULL. */
HangarCredentialsDialog *hangar_credentials_dialog_new          (GtkWindow         *parent,
                                                                 HangarCredentials *question,
                                                                 const char        *keyring_problem);
HangarCredentials       *hangar_credentials_dialog_get_question (HangarCredentialsDialog *self);

/* Answers hosts' questions for the whole application: from the keyring when it holds
 * a login for the host (a refused one is forgotten and asked again), else by a dialog
 * over @app's active window (@app may be NULL). Call on the main thread, before hosts
 * connect. */
void                     hangar_credentials_dialogs_install     (GtkApplication    *app);

G_END_DECLS
