// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-credentials-dialog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "hangar-credentials-asker.h"
#include "hangar-credentials-dialog.h"

struct _HangarCredentialsDialog
{
  AdwMessageDialog parent_instance;

  HangarCredentials *question;
  gulong finished_handler;

  GtkLabel *retry_label;
  AdwEntryRow *user_row;
  AdwPasswordEntryRow *password_row;
  GtkCheckButton *remember_check;
  GtkLabel *keyring_label;
};

G_DEFINE_FINAL_TYPE (HangarCredentialsDialog, hangar_credentials_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* The keyring: one login (user name and password) per connection URI. */

static const SecretSchema *
login_schema (void)
{
  static const SecretSchema schema = {
    "io.github.hangarvm.Hangar.LibvirtLogin", SECRET_SCHEMA_NONE,
    {
      { "uri", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

static void
on_login_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_debug ("Could not remember a libvirt login: %s", error->message);
}

static void
on_login_cleared_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_debug ("Could not forget a libvirt login: %s", error->message);
}

/* A login to remember once the host accepts it. */
typedef struct {
  char *uri;
  char *user;
  char *password;
} Login;

static void
login_free (gpointer data,
            GClosure *closure)
{
  Login *login = data;

  g_free (login->uri);
  g_free (login->user);
  memset (login->password, 0, strlen (login->password));
  g_free (login->password);
  g_free (login);
}

static void
on_login_accepted_cb (HangarCredentials *question,
                      Login             *login)
{
  /* What Seahorse lists: whose it is, and for what. */
  g_autofree char *label = g_strdup_printf (_("Hangar: libvirt password of %s for %s"),
                                            login->user, login->uri);

  secret_password_store (login_schema (), SECRET_COLLECTION_DEFAULT, label, login->password,
                         NULL, on_login_stored_cb, NULL, "uri", login->uri, "user", login->user,
                         NULL);
}

/* The dialog. */

static void
hangar_credentials_dialog_response (AdwMessageDialog *dialog,
                                    const char       *response)
{
  HangarCredentialsDialog *self = HANGAR_CREDENTIALS_DIALOG (dialog);
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->user_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->question != NULL && hangar_credentials_is_pending (self->question))
    {
      if (!g_str_equal (response, "connect"))
        hangar_credentials_cancel (self->question);
      else
        {
          /* Kept once the host has let it in: a refused one is never remembered. */
          if (gtk_widget_get_sensitive (GTK_WIDGET (self->remember_check)) &&
              gtk_check_button_get_active (self->remember_check))
            {
              Login *login = g_new0 (Login, 1);

              login->uri = g_strdup (hangar_credentials_get_uri (self->question));
              login->user = g_strdup (user);
              login->password = g_strdup (password);
              g_signal_connect_data (self->question, "accepted", G_CALLBACK (on_login_accepted_cb),
                                     login, login_free, 0);
            }
          hangar_credentials_answer (self->question, user, password, FALSE);
        }
    }
  /* libadwaita 1.2 has no default handler to chain up to. */
  if (ADW_MESSAGE_DIALOG_CLASS (hangar_credentials_dialog_parent_class)->response != NULL)
    ADW_MESSAGE_DIALOG_CLASS (hangar_credentials_dialog_parent_class)->response (dialog, response);
}

/* The open gave up (Cancel on the window, the host's bound): nothing left to ask. */
static void
on_question_finished_cb (HangarCredentialsDialog *self)
{
  if (hangar_credentials_get_outcome (self->question) == HANGAR_CREDENTIALS_WITHDRAWN)
    gtk_window_close (GTK_WINDOW (self));
}

static void
hangar_credentials_dialog_dispose (GObject *object)
{
  HangarCredentialsDialog *self = HANGAR_CREDENTIALS_DIALOG (object);

  /* As the password dialog: the focus goes before the entries do. */
  gtk_window_set_focus (GTK_WINDOW (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), HANGAR_TYPE_CREDENTIALS_DIALOG);
  if (self->question != NULL)
    {
      g_clear_signal_handler (&self->finished_handler, self->question);
      /* Gone unanswered: a Cancel, not a worker left waiting. */
      hangar_credentials_cancel (self->question);
      g_clear_object (&self->question);
    }

  G_OBJECT_CLASS (hangar_credentials_dialog_parent_class)->dispose (object);
}

static void
hangar_credentials_dialog_show (GtkWidget *widget)
{
  HangarCredentialsDialog *self = HANGAR_CREDENTIALS_DIALOG (widget);
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->user_row));

  GTK_WIDGET_CLASS (hangar_credentials_dialog_parent_class)->show (widget);
  /* A proposed user name leaves the password to type. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->user_row)) && *user == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->user_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
hangar_credentials_dialog_class_init (HangarCredentialsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->dispose = hangar_credentials_dialog_dispose;
  widget_class->show = hangar_credentials_dialog_show;
  dialog_class->response = hangar_credentials_dialog_response;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-credentials-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarCredentialsDialog, retry_label);
  gtk_widget_class_bind_template_child (widget_class, HangarCredentialsDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCredentialsDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCredentialsDialog, remember_check);
  gtk_widget_class_bind_template_child (widget_class, HangarCredentialsDialog, keyring_label);
}

static void
hangar_credentials_dialog_init (HangarCredentialsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

HangarCredentialsDialog *
hangar_credentials_dialog_new (GtkWindow         *parent,
                               HangarCredentials *question,
                               const char        *keyring_problem)
{
  HangarCredentialsDialog *self;
  g_autofree char *body = NULL;
  const char *user;

  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (question), NULL);

  body = g_strdup_printf (_("libvirt asks for a user name and password to connect to %s."),
                          hangar_credentials_get_host (question));
  self = g_object_new (HANGAR_TYPE_CREDENTIALS_DIALOG, "transient-for", parent, "modal", TRUE,
                       "body", body, NULL);
  self->question = g_object_ref (question);
  self->finished_handler = g_signal_connect_swapped (question, "finished",
                                                     G_CALLBACK (on_question_finished_cb), self);

  user = hangar_credentials_get_default_user (question);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user ? user : "");
  gtk_widget_set_visible (GTK_WIDGET (self->user_row), hangar_credentials_wants_user (question));
  gtk_widget_set_visible (GTK_WIDGET (self->password_row),
                          hangar_credentials_wants_password (question));
  gtk_widget_set_visible (GTK_WIDGET (self->retry_label),
                          hangar_credentials_get_attempt (question) > 1);
  if (keyring_problem != NULL)
    {
      /* Offering to remember what cannot be stored would lose it silently. */
      gtk_widget_set_sensitive (GTK_WIDGET (self->remember_check), FALSE);
      gtk_label_set_label (self->keyring_label, keyring_problem);
      gtk_widget_set_visible (GTK_WIDGET (self->keyring_label), TRUE);
    }
  return self;
}

HangarCredentials *
hangar_credentials_dialog_get_question (HangarCredentialsDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS_DIALOG (self), NULL);
  return self->question;
}

/* Answering the application's questions. */

typedef struct {
  GtkApplication *app;        /* weak */
  /* URI → user name of the logins answered from the keyring, until asked again. */
  GHashTable *from_keyring;
} Questions;

static Questions questions;

static void
show_dialog (HangarCredentials *question,
             const char        *keyring_problem)
{
  GtkWindow *parent = questions.app ? gtk_application_get_active_window (questions.app) : NULL;

  gtk_window_present (GTK_WINDOW (hangar_credentials_dialog_new (parent, question,
                                                                 keyring_problem)));
}

typedef struct {
  HangarCredentials *question;
  char *user;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_object_unref (lookup->question);
  g_free (lookup->user);
  g_free (lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lookup, lookup_free)

static void
on_login_retrieved_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(Lookup) lookup = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretValue) value =
    secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (source), result, &error);
  const char *uri = hangar_credentials_get_uri (lookup->question);

  if (!hangar_credentials_is_pending (lookup->question))
    return;
  if (value == NULL)
    {
      g_debug ("Could not read a libvirt login from the keyring: %s",
               error ? error->message : "no secret");
      show_dialog (lookup->question, NULL);
      return;
    }
  g_hash_table_replace (questions.from_keyring, g_strdup (uri), g_strdup (lookup->user));
  hangar_credentials_answer (lookup->question, lookup->user, secret_value_get_text (value), TRUE);
}

static void
on_login_searched_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(HangarCredentials) question = user_data;
  g_autoptr(GError) error = NULL;
  GList *items = secret_password_search_finish (result, &error);
  const char *proposed = hangar_credentials_get_default_user (question);
  SecretRetrievable *chosen = NULL;
  Lookup *lookup;

  if (error != NULL)
    {
      /* No Secret Service on the session bus (no GNOME Keyring, KWallet…). */
      g_debug ("No keyring for libvirt logins: %s", error->message);
      if (hangar_credentials_is_pending (question))
        show_dialog (question, _("Hangar cannot remember it: no keyring service (such as "
                                 "GNOME Keyring) answers on this desktop."));
      return;
    }
  /* The proposed user's login if there is one, else the first. */
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);

      if (chosen == NULL || g_strcmp0 (g_hash_table_lookup (attributes, "user"), proposed) == 0)
        chosen = l->data;
    }
  if (chosen == NULL || !hangar_credentials_is_pending (question))
    {
      if (hangar_credentials_is_pending (question))
        show_dialog (question, NULL);
      g_list_free_full (items, g_object_unref);
      return;
    }

  lookup = g_new0 (Lookup, 1);
  lookup->question = g_steal_pointer (&question);
  {
    g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (chosen);

    lookup->user = g_strdup (g_hash_table_lookup (attributes, "user"));
  }
  secret_retrievable_retrieve_secret (chosen, NULL, on_login_retrieved_cb, lookup);
  g_list_free_full (items, g_object_unref);
}

static void
on_ask_cb (HangarCredentialsAsker *asker,
           HangarCredentials      *question,
           gpointer                user_data)
{
  const char *uri = hangar_credentials_get_uri (question);
  const char *user = g_hash_table_lookup (questions.from_keyring, uri);

  if (hangar_credentials_get_attempt (question) > 1)
    {
      /* Asked again after the keyring's answer: it was refused, so it goes. */
      if (user != NULL)
        secret_password_clear (login_schema (), NULL, on_login_cleared_cb, NULL, "uri", uri,
                               "user", user, NULL);
      g_hash_table_remove (questions.from_keyring, uri);
      show_dialog (question, NULL);
      return;
    }
  secret_password_search (login_schema (), SECRET_SEARCH_ALL, NULL,
                          on_login_searched_cb, g_object_ref (question), "uri", uri, NULL);
}

static void
on_app_shutdown_cb (GtkApplication *app)
{
  g_signal_handlers_disconnect_by_func (hangar_credentials_asker_get_default (), on_ask_cb, NULL);
  g_clear_pointer (&questions.from_keyring, g_hash_table_unref);
  g_clear_weak_pointer (&questions.app);
}

void
hangar_credentials_dialogs_install (GtkApplication *app)
{
  if (questions.from_keyring != NULL)
    return;
  questions.from_keyring = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (app != NULL)
    {
      g_set_weak_pointer (&questions.app, app);
      g_signal_connect (app, "shutdown", G_CALLBACK (on_app_shutdown_cb), NULL);
    }
  g_signal_connect (hangar_credentials_asker_get_default (), "ask", G_CALLBACK (on_ask_cb), NULL);
}
