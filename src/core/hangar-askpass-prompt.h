// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What ssh asks through SSH_ASKPASS, sorted by what the user must give. */
typedef enum {
  HANGAR_ASKPASS_KIND_OTHER,      /* Any other question (keyboard-interactive, codes). */
  HANGAR_ASKPASS_KIND_PASSWORD,   /* "user@host's password:" */
  HANGAR_ASKPASS_KIND_PASSPHRASE, /* "Enter passphrase for key '/path':" */
  HANGAR_ASKPASS_KIND_HOST_KEY,   /* An unknown host's key: "yes" to trust it. */
} HangarAskpassKind;

/* Sorts ssh's @text. @subject: the user@host of a password, the key file of a
 * passphrase, the host of a host key; @fingerprint: the host key's (both may be NULL). */
HangarAskpassKind hangar_askpass_classify (const char  *text,
                                           char       **subject,
                                           char       **fingerprint);

#define HANGAR_TYPE_ASKPASS_PROMPT (hangar_askpass_prompt_get_type ())
G_DECLARE_FINAL_TYPE (HangarAskpassPrompt, hangar_askpass_prompt, HANGAR, ASKPASS_PROMPT, GObject)

/* One question from one ssh, waiting for hangar_askpass_prompt_answer () or _cancel ()
 * (exactly one of them, once; a prompt dropped unanswered counts as cancelled). */
HangarAskpassKind  hangar_askpass_prompt_get_kind        (HangarAskpassPrompt *self);
/* ssh's own words. */
const char        *hangar_askpass_prompt_get_text        (HangarAskpassPrompt *self);
const char        *hangar_askpass_prompt_get_subject     (HangarAskpassPrompt *self);
const char        *hangar_askpass_prompt_get_fingerprint (HangarAskpassPrompt *self);
/* The login the prompt belongs to, as user@host:port (the keyring's key); NULL when the
 * ssh was not started by Hangar for a host. */
const char        *hangar_askpass_prompt_get_login       (HangarAskpassPrompt *self);
/* 1 the first time this login asks this question, 2 when the first answer was refused… */
guint              hangar_askpass_prompt_get_attempt     (HangarAskpassPrompt *self);
gboolean           hangar_askpass_prompt_is_answered     (HangarAskpassPrompt *self);
/* For a host key, any non-NULL @answer trusts it. */
void               hangar_askpass_prompt_answer          (HangarAskpassPrompt *self,
                                                          const char          *answer);
/* Ends the login at once: the helper stops the ssh that asked. */
void               hangar_askpass_prompt_cancel          (HangarAskpassPrompt *self);

/* For the server (hangar-askpass-server.c). */
typedef void (*HangarAskpassReply) (HangarAskpassPrompt *prompt,
                                    const char          *answer,
                                    gpointer             data);
HangarAskpassPrompt *hangar_askpass_prompt_new (const char         *text,
                                                const char         *login,
                                                guint               attempt,
                                                HangarAskpassReply  reply,
                                                gpointer            reply_data,
                                                GDestroyNotify      reply_data_free);

G_END_DECLS
