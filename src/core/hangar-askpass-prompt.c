// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-askpass-prompt"

#include "config.h"

#include <string.h>

#include "hangar-askpass-prompt.h"

struct _HangarAskpassPrompt
{
  GObject parent_instance;

  HangarAskpassKind kind;
  char *text;
  char *subject;
  char *fingerprint;
  char *login;
  guint attempt;

  HangarAskpassReply reply;
  gpointer reply_data;
  GDestroyNotify reply_data_free;
};

G_DEFINE_FINAL_TYPE (HangarAskpassPrompt, hangar_askpass_prompt, G_TYPE_OBJECT)

/* The text between @start and the next @end in @text, or NULL. */
static char *
between (const char *text,
         const char *start,
         const char *end)
{
  const char *from = strstr (text, start);
  const char *to;

  if (from == NULL)
    return NULL;
  from += strlen (start);
  to = strstr (from, end);
  return to != NULL && to > from ? g_strndup (from, to - from) : NULL;
}

HangarAskpassKind
hangar_askpass_classify (const char  *text,
                         char       **subject,
                         char       **fingerprint)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autofree char *found_subject = NULL;
  g_autofree char *found_fingerprint = NULL;
  HangarAskpassKind kind = HANGAR_ASKPASS_KIND_OTHER;

  g_return_val_if_fail (text != NULL, HANGAR_ASKPASS_KIND_OTHER);

  /* OpenSSH's sshconnect.c: "The authenticity of host 'H (ADDR)' can't be established
   * …\nED25519 key fingerprint is SHA256:….\n…Are you sure you want to continue
   * connecting (yes/no/[fingerprint])?" */
  if (strstr (stripped, "continue connecting (yes/no") != NULL)
    {
      g_autofree char *line = between (stripped, "key fingerprint is ", "\n");

      kind = HANGAR_ASKPASS_KIND_HOST_KEY;
      if (line == NULL)
        line = between (stripped, "key fingerprint is ", "Are you sure");
      if (line != NULL)
        {
          char *end;

          g_strstrip (line);
          end = line + strcspn (line, " \t");
          *end = '\0';
          /* The sentence's full stop is not part of the fingerprint. */
          if (end > line && end[-1] == '.')
            end[-1] = '\0';
          found_fingerprint = g_strdup (line);
        }
      found_subject = between (stripped, "authenticity of host '", " (");
      if (found_subject == NULL)
        found_subject = between (stripped, "authenticity of host '", "'");
    }
  /* sshconnect2.c: "Enter passphrase for key '/path': ". */
  else if (g_str_has_prefix (stripped, "Enter passphrase for key '"))
    {
      kind = HANGAR_ASKPASS_KIND_PASSPHRASE;
      found_subject = between (stripped, "Enter passphrase for key '", "':");
    }
  /* Password authentication: "user@host's password:"; keyboard-interactive through
   * PAM: "(user@host) Password:". */
  else if (g_str_has_suffix (stripped, "'s password:"))
    {
      kind = HANGAR_ASKPASS_KIND_PASSWORD;
      found_subject = g_strndup (stripped, strlen (stripped) - strlen ("'s password:"));
    }
  else if (g_ascii_strcasecmp (stripped + MAX (0, (int)strlen (stripped) - 9), "password:") == 0)
    {
      kind = HANGAR_ASKPASS_KIND_PASSWORD;
      if (stripped[0] == '(')
        found_subject = between (stripped, "(", ")");
    }

  if (subject != NULL)
    *subject = g_steal_pointer (&found_subject);
  if (fingerprint != NULL)
    *fingerprint = g_steal_pointer (&found_fingerprint);
  return kind;
}

static void
hangar_askpass_prompt_finalize (GObject *object)
{
  HangarAskpassPrompt *self = HANGAR_ASKPASS_PROMPT (object);

  /* Nobody answered: to ssh that is a Cancel, not a silence it would wait on. */
  if (self->reply != NULL)
    self->reply (self, NULL, self->reply_data);
  if (self->reply_data_free != NULL)
    self->reply_data_free (self->reply_data);
  g_free (self->text);
  g_free (self->subject);
  g_free (self->fingerprint);
  g_free (self->login);

  G_OBJECT_CLASS (hangar_askpass_prompt_parent_class)->finalize (object);
}

static void
hangar_askpass_prompt_class_init (HangarAskpassPromptClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hangar_askpass_prompt_finalize;
}

static void
hangar_askpass_prompt_init (HangarAskpassPrompt *self)
{
}

HangarAskpassPrompt *
hangar_askpass_prompt_new (const char         *text,
                           const char         *login,
                           guint               attempt,
                           HangarAskpassReply  reply,
                           gpointer            reply_data,
                           GDestroyNotify      reply_data_free)
{
  HangarAskpassPrompt *self = g_object_new (HANGAR_TYPE_ASKPASS_PROMPT, NULL);

  self->text = g_strdup (text);
  self->kind = hangar_askpass_classify (text, &self->subject, &self->fingerprint);
  self->login = g_strdup (login);
  self->attempt = attempt;
  self->reply = reply;
  self->reply_data = reply_data;
  self->reply_data_free = reply_data_free;
  return self;
}

HangarAskpassKind
hangar_askpass_prompt_get_kind (HangarAskpassPrompt *self)
{
  g_return_val_if_fail (HANGAR_IS_ASKPASS_PROMPT (self), HANGAR_ASKPASS_KIND_OTHER);
  return self->kind;
}

const char *
hangar_askpass_prompt_get_text (HangarAskpassPrompt *self)
{
  g_return_val_if_fail (HANGAR_IS_ASKPASS_PROMPT (self), NULL);
  return self->text;
}

const char *
hangar_askpass_prompt_get_subject (HangarAskpassPrompt *self)
{
  g_return_val_if_fail (HANGAR_IS_ASKPASS_PROMPT (self), NULL);
  return self->subject;
}

const char *
hangar_askpass_prompt_get_fingerprint (HangarAskpassPrompt *self)
{
  g_return_val_if_fail (HANGAR_IS_ASKPASS_PROMPT (self), NULL);
  return self->fingerprint;
}

const char *
hangar_askpass_prompt_get_login (HangarAskpassPrompt *self)
{
  g_return_val_if_fail (HANGAR_IS_ASKPASS_PROMPT (self), NULL);
  return self->login;
}

guint
hangar_askpass_prompt_get_attempt (HangarAskpassPrompt *self)
{
  g_return_val_if_fail (HANGAR_IS_ASKPASS_PROMPT (self), 0);
  return self->attempt;
}

gboolean
hangar_askpass_prompt_is_answered (HangarAskpassPrompt *self)
{
  g_return_val_if_fail (HANGAR_IS_ASKPASS_PROMPT (self), FALSE);
  return self->reply == NULL;
}

static void
reply (HangarAskpassPrompt *self,
       const char          *answer)
{
  HangarAskpassReply func = g_steal_pointer (&self->reply);

  g_return_if_fail (func != NULL);
  func (self, answer, self->reply_data);
}

void
hangar_askpass_prompt_answer (HangarAskpassPrompt *self,
                              const char          *answer)
{
  g_return_if_fail (HANGAR_IS_ASKPASS_PROMPT (self));
  g_return_if_fail (answer != NULL);

  /* ssh reads "yes" (or the fingerprint itself) as trust. */
  reply (self, self->kind == HANGAR_ASKPASS_KIND_HOST_KEY ? "yes" : answer);
}

void
hangar_askpass_prompt_cancel (HangarAskpassPrompt *self)
{
  g_return_if_fail (HANGAR_IS_ASKPASS_PROMPT (self));
  reply (self, NULL);
}
