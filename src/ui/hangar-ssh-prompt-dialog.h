// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-askpass-prompt.h"

G_BEGIN_DECLS

#define HANGAR_TYPE_SSH_PROMPT_DIALOG (hangar_ssh_prompt_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HangarSshPromptDialog, hangar_ssh_prompt_dialog, HANGAR, SSH_PROMPT_DIALOG,
                      AdwMessageDialog)

/* The dialog for one question of ssh's; its "ok" response answers @prompt with the
 * entry's text (remembered in the keyring if asked), "cancel" — or the dialog going
 * away — cancels it. @keyring_problem: why Remember cannot be offered, or NULL. */
HangarSshPromptDialog *hangar_ssh_prompt_dialog_new          (GtkWindow           *parent,
                                                              HangarAskpassPrompt *prompt,
                                                              const char          *keyring_problem);
HangarAskpassPrompt   *hangar_ssh_prompt_dialog_get_prompt   (HangarSshPromptDialog *self);

/* Answers ssh's questions for the whole application: the askpass server is started,
 * and each question is answered from the keyring (a password or passphrase asked the
 * first time, if remembered; forgotten when refused) or by a dialog over @app's
 * active window (@app may be NULL). Call on the main thread, before hosts connect. */
void                   hangar_ssh_prompts_install            (GtkApplication      *app);

G_END_DECLS
