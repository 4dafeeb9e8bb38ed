// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-ssh-prompt-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "hangar-askpass-server.h"
#include "hangar-ssh-prompt-dialog.h"

struct _HangarSshPromptDialog
{
  AdwMessageDialog parent_instance;

  HangarAskpassPrompt *prompt;

  GtkLabel *retry_label;
  GtkLabel *fingerprint_label;
  GtkPasswordEntry *entry;
  GtkCheckButton *remember_check;
  GtkLabel *keyring_label;
};

G_DEFINE_FINAL_TYPE (HangarSshPromptDialog, hangar_ssh_prompt_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* The keyring: passwords by login (user@host:port), passphrases by key file. */

static const SecretSchema *
ssh_secret_schema (void)
{
  static const SecretSchema schema = {
    "io.github.hangarvm.Hangar.SshSecret", SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "subject", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

/* The keyring's key for @prompt's answer, or NULL when it is not kept there. */
static gboolean
secret_key (HangarAskpassPrompt *prompt,
            const char         **kind,
            const char         **subject)
{
  switch (hangar_askpass_prompt_get_kind (prompt))
    {
    case HANGAR_ASKPASS_KIND_PASSWORD:
      *kind = "password";
      *subject = hangar_askpass_prompt_get_login (prompt);
      break;
    case HANGAR_ASKPASS_KIND_PASSPHRASE:
      *kind = "passphrase";
      *subject = hangar_askpass_prompt_get_subject (prompt);
      break;
    case HANGAR_ASKPASS_KIND_HOST_KEY:
    case HANGAR_ASKPASS_KIND_OTHER:
    default:
      return FALSE;
    }
  return *subject != NULL;
}

static void
on_secret_cleared_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_debug ("Could not forget an SSH secret: %s", error->message);
}

/* Answers the keyring holds: keys ("kind subject") whose last answer to ssh was the
 * keyring's (remembered just now, or read from it), until ssh asks again. */

typedef struct {
  GtkApplication *app;           /* weak */
  GHashTable *kept;
} Prompts;

static Prompts prompts;

static char *
kept_key (const char *kind,
          const char *subject)
{
  return g_strdup_printf ("%s %s", kind, subject);
}

static void
remember_kept (HangarAskpassPrompt *prompt)
{
  const char *kind, *subject;

  if (prompts.kept != NULL && secret_key (prompt, &kind, &subject))
    g_hash_table_add (prompts.kept, kept_key (kind, subject));
}

static void
on_secret_stored_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HangarAskpassPrompt) prompt = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  const char *kind, *subject;

  if (!secret_password_store_finish (result, &error))
    {
      g_debug ("Could not remember an SSH secret: %s", error->message);
      return;
    }
  if (prompts.kept == NULL || !secret_key (prompt, &kind, &subject))
    return;
  /* Refused while it was being stored: the clear ssh's new question made may have
   * come before it. */
  key = kept_key (kind, subject);
  if (!g_hash_table_contains (prompts.kept, key))
    secret_password_clear (ssh_secret_schema (), NULL, on_secret_cleared_cb, NULL, "kind",
                           kind, "subject", subject, NULL);
}

/* The dialog. */

static void
hangar_ssh_prompt_dialog_response (AdwMessageDialog *dialog,
                                   const char       *response)
{
  HangarSshPromptDialog *self = HANGAR_SSH_PROMPT_DIALOG (dialog);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  const char *kind, *subject;

  if (self->prompt != NULL && !hangar_askpass_prompt_is_answered (self->prompt))
    {
      if (!g_str_equal (response, "ok"))
        hangar_askpass_prompt_cancel (self->prompt);
      else
        {
          if (gtk_widget_get_visible (GTK_WIDGET (self->remember_check)) &&
              gtk_widget_get_sensitive (GTK_WIDGET (self->remember_check)) &&
              gtk_check_button_get_active (self->remember_check) &&
              secret_key (self->prompt, &kind, &subject))
            {
              /* The label is what Seahorse lists: whose it is, and for what. */
              g_autofree char *label =
                g_strdup_printf (g_str_equal (kind, "password")
                                   ? _("Hangar: SSH password for %s")
                                   : _("Hangar: passphrase of the SSH key %s"),
                                 subject);

              secret_password_store (ssh_secret_schema (), SECRET_COLLECTION_DEFAULT, label,
                                     text, NULL, on_secret_stored_cb,
                                     g_object_ref (self->prompt), "kind", kind,
                                     "subject", subject, NULL);
              /* Not yet tried: if ssh asks again, it goes. */
              remember_kept (self->prompt);
            }
          hangar_askpass_prompt_answer (self->prompt, text);
        }
    }
  /* libadwaita 1.2 has no default handler to chain up to. */
  if (ADW_MESSAGE_DIALOG_CLASS (hangar_ssh_prompt_dialog_parent_class)->response != NULL)
    ADW_MESSAGE_DIALOG_CLASS (hangar_ssh_prompt_dialog_parent_class)->response (dialog, response);
}

static void
hangar_ssh_prompt_dialog_dispose (GObject *object)
{
  HangarSshPromptDialog *self = HANGAR_SSH_PROMPT_DIALOG (object);

  /* As the password dialog: the focus goes before the entry does. */
  gtk_window_set_focus (GTK_WINDOW (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), HANGAR_TYPE_SSH_PROMPT_DIALOG);
  /* Unanswered, the prompt cancels itself as it goes. */
  g_clear_object (&self->prompt);

  G_OBJECT_CLASS (hangar_ssh_prompt_dialog_parent_class)->dispose (object);
}

static void
hangar_ssh_prompt_dialog_show (GtkWidget *widget)
{
  HangarSshPromptDialog *self = HANGAR_SSH_PROMPT_DIALOG (widget);

  GTK_WIDGET_CLASS (hangar_ssh_prompt_dialog_parent_class)->show (widget);
  if (gtk_widget_get_visible (GTK_WIDGET (self->entry)))
    gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
hangar_ssh_prompt_dialog_class_init (HangarSshPromptDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->dispose = hangar_ssh_prompt_dialog_dispose;
  widget_class->show = hangar_ssh_prompt_dialog_show;
  dialog_class->response = hangar_ssh_prompt_dialog_response;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-ssh-prompt-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarSshPromptDialog, retry_label);
  gtk_widget_class_bind_template_child (widget_class, HangarSshPromptDialog, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, HangarSshPromptDialog, entry);
  gtk_widget_class_bind_template_child (widget_class, HangarSshPromptDialog, remember_check);
  gtk_widget_class_bind_template_child (widget_class, HangarSshPromptDialog, keyring_label);
}

static void
hangar_ssh_prompt_dialog_init (HangarSshPromptDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* The host a login names, for headings: "user@host:port" without the port. */
static char *
login_who (HangarAskpassPrompt *prompt)
{
  const char *login = hangar_askpass_prompt_get_login (prompt);
  const char *colon = login != NULL ? strrchr (login, ':') : NULL;

  if (colon != NULL)
    return g_strndup (login, colon - login);
  return g_strdup (hangar_askpass_prompt_get_subject (prompt));
}

HangarSshPromptDialog *
hangar_ssh_prompt_dialog_new (GtkWindow           *parent,
                              HangarAskpassPrompt *prompt,
                              const char          *keyring_problem)
{
  HangarSshPromptDialog *self;
  g_autofree char *who = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  const char *subject;
  const char *entry_name = NULL;
  const char *remember = NULL;
  const char *retry = NULL;
  gboolean again;

  g_return_val_if_fail (HANGAR_IS_ASKPASS_PROMPT (prompt), NULL);

  self = g_object_new (HANGAR_TYPE_SSH_PROMPT_DIALOG, "transient-for", parent, "modal", TRUE,
                       NULL);
  self->prompt = g_object_ref (prompt);
  who = login_who (prompt);
  subject = hangar_askpass_prompt_get_subject (prompt);
  again = hangar_askpass_prompt_get_attempt (prompt) > 1;

  switch (hangar_askpass_prompt_get_kind (prompt))
    {
    case HANGAR_ASKPASS_KIND_PASSWORD:
      heading = g_strdup (_("SSH Password"));
      body = g_strdup_printf (_("Enter the password of %s to connect to the host."),
                              who ? who : subject);
      entry_name = _("Password");
      remember = _("_Remember this password");
      retry = _("The password was refused. Try again.");
      break;
    case HANGAR_ASKPASS_KIND_PASSPHRASE:
      heading = g_strdup (_("Unlock SSH Key"));
      body = g_strdup_printf (_("Enter the passphrase of the key %s to connect to %s."),
                              subject, who ? who : _("the host"));
      entry_name = _("Passphrase");
      remember = _("_Remember this passphrase");
      retry = _("The passphrase was wrong. Try again.");
      break;
    case HANGAR_ASKPASS_KIND_HOST_KEY:
      heading = g_strdup (_("Unknown Host Key"));
      body = g_strdup_printf (_("Hangar has never connected to %s before, so it cannot tell "
                                "whether this is really that host. Compare the key's "
                                "fingerprint below with the one the host's administrator "
                                "gives; trust it only if they are the same. It is then "
                                "kept in ~/.ssh/known_hosts."),
                              subject ? subject : who);
      gtk_label_set_label (self->fingerprint_label,
                           hangar_askpass_prompt_get_fingerprint (prompt)
                             ? hangar_askpass_prompt_get_fingerprint (prompt)
                             : hangar_askpass_prompt_get_text (prompt));
      gtk_widget_set_visible (GTK_WIDGET (self->fingerprint_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->entry), FALSE);
      adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "ok",
                                             _("_Trust and Connect"));
      break;
    case HANGAR_ASKPASS_KIND_OTHER:
    default:
      /* ssh's own words: a question Hangar does not know (a one-time code…). */
      heading = g_strdup (_("SSH Login"));
      body = g_strdup (hangar_askpass_prompt_get_text (prompt));
      entry_name = _("Answer");
      retry = _("Try again.");
      break;
    }

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  if (entry_name != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    entry_name, -1);
  if (again && retry != NULL)
    {
      gtk_label_set_label (self->retry_label, retry);
      gtk_widget_set_visible (GTK_WIDGET (self->retry_label), TRUE);
    }
  if (remember != NULL)
    {
      gtk_check_button_set_label (self->remember_check, remember);
      gtk_widget_set_visible (GTK_WIDGET (self->remember_check), TRUE);
      if (keyring_problem != NULL)
        {
          /* Offering to remember what cannot be stored would lose it silently. */
          gtk_widget_set_sensitive (GTK_WIDGET (self->remember_check), FALSE);
          gtk_label_set_label (self->keyring_label, keyring_problem);
          gtk_widget_set_visible (GTK_WIDGET (self->keyring_label), TRUE);
        }
    }
  return self;
}

HangarAskpassPrompt *
hangar_ssh_prompt_dialog_get_prompt (HangarSshPromptDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_SSH_PROMPT_DIALOG (self), NULL);
  return self->prompt;
}

/* Answering the application's questions. */

static void
show_dialog (HangarAskpassPrompt *prompt,
             const char          *keyring_problem)
{
  GtkWindow *parent = prompts.app ? gtk_application_get_active_window (prompts.app) : NULL;
  HangarSshPromptDialog *dialog = hangar_ssh_prompt_dialog_new (parent, prompt, keyring_problem);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_secret_looked_up_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(HangarAskpassPrompt) prompt = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = secret_password_lookup_finish (result, &error);
  const char *kind, *subject;

  if (error != NULL)
    {
      /* No Secret Service on the session bus (no GNOME Keyring, KWallet…). */
      g_debug ("No keyring for SSH secrets: %s", error->message);
      show_dialog (prompt, _("Hangar cannot remember it: no keyring service (such as GNOME "
                             "Keyring) answers on this desktop."));
      return;
    }
  if (secret != NULL && secret_key (prompt, &kind, &subject))
    {
      remember_kept (prompt);
      hangar_askpass_prompt_answer (prompt, secret);
      memset (secret, 0, strlen (secret));
      return;
    }
  show_dialog (prompt, NULL);
}

static void
on_prompt_cb (HangarAskpassServer *server,
              HangarAskpassPrompt *prompt,
              gpointer             user_data)
{
  const char *kind, *subject;
  g_autofree char *key = NULL;
  gboolean kept;

  if (!secret_key (prompt, &kind, &subject))
    {
      show_dialog (prompt, NULL);
      return;
    }

  /* A first question belongs to a new login: what the keyring answered an earlier one
   * was not refused (that login went on), so it stays. */
  key = kept_key (kind, subject);
  kept = g_hash_table_remove (prompts.kept, key);
  if (hangar_askpass_prompt_get_attempt (prompt) > 1)
    {
      /* Asked again within a login: the last answer was refused. If the keyring holds
       * it, it goes, or every later login would be refused with it first. */
      if (kept)
        secret_password_clear (ssh_secret_schema (), NULL, on_secret_cleared_cb, NULL, "kind",
                               kind, "subject", subject, NULL);
      show_dialog (prompt, NULL);
      return;
    }
  secret_password_lookup (ssh_secret_schema (), NULL, on_secret_looked_up_cb,
                          g_object_ref (prompt), "kind", kind, "subject", subject, NULL);
}

/* The socket goes with the application, not left behind in the runtime directory. */
static void
on_app_shutdown_cb (GtkApplication *app)
{
  g_clear_pointer (&prompts.kept, g_hash_table_unref);
  g_clear_weak_pointer (&prompts.app);
  hangar_askpass_server_release_default ();
}

void
hangar_ssh_prompts_install (GtkApplication *app)
{
  HangarAskpassServer *server = hangar_askpass_server_get_default ();

  if (server == NULL || prompts.kept != NULL)
    return;
  prompts.kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (app != NULL)
    {
      g_set_weak_pointer (&prompts.app, app);
      g_signal_connect (app, "shutdown", G_CALLBACK (on_app_shutdown_cb), NULL);
    }
  g_signal_connect (server, "prompt", G_CALLBACK (on_prompt_cb), NULL);
}
