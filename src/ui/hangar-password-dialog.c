// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-password-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "hangar-password-dialog.h"

/* The question a guest window asks when its console wants a password (VNC or SPICE
 * servers that libvirt does not let Hangar past, such as remote guests). */
struct _HangarPasswordDialog
{
  AdwMessageDialog parent_instance;

  GtkPasswordEntry *entry;
  GtkCheckButton *remember_check;
  GtkLabel *keyring_label;
};

G_DEFINE_FINAL_TYPE (HangarPasswordDialog, hangar_password_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
hangar_password_dialog_show (GtkWidget *widget)
{
  HangarPasswordDialog *self = HANGAR_PASSWORD_DIALOG (widget);

  GTK_WIDGET_CLASS (hangar_password_dialog_parent_class)->show (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
hangar_password_dialog_dispose (GObject *object)
{
  /* The window keeps its focus widget (the entry's text) past the entry itself unless
   * told first; GTK 4.8's password entry then hears of the focus loss after its end. */
  gtk_window_set_focus (GTK_WINDOW (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), HANGAR_TYPE_PASSWORD_DIALOG);

  G_OBJECT_CLASS (hangar_password_dialog_parent_class)->dispose (object);
}

static void
hangar_password_dialog_class_init (HangarPasswordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_password_dialog_dispose;
  widget_class->show = hangar_password_dialog_show;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-password-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarPasswordDialog, entry);
  gtk_widget_class_bind_template_child (widget_class, HangarPasswordDialog, remember_check);
  gtk_widget_class_bind_template_child (widget_class, HangarPasswordDialog, keyring_label);
}

static void
hangar_password_dialog_init (HangarPasswordDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

HangarPasswordDialog *
hangar_password_dialog_new (GtkWindow  *parent,
                            const char *guest_name,
                            const char *keyring_problem)
{
  HangarPasswordDialog *self;
  g_autofree char *body = NULL;

  g_return_val_if_fail (guest_name != NULL, NULL);

  body = g_strdup_printf (_("The console of “%s” is protected by a password."), guest_name);
  self = g_object_new (HANGAR_TYPE_PASSWORD_DIALOG, "transient-for", parent, "modal", TRUE,
                       "body", body, NULL);
  if (keyring_problem != NULL)
    {
      /* Offering to remember what cannot be stored would lose the password silently. */
      gtk_widget_set_sensitive (GTK_WIDGET (self->remember_check), FALSE);
      gtk_label_set_label (self->keyring_label, keyring_problem);
      gtk_widget_set_visible (GTK_WIDGET (self->keyring_label), TRUE);
    }
  return self;
}

const char *
hangar_password_dialog_get_password (HangarPasswordDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_PASSWORD_DIALOG (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->entry));
}

gboolean
hangar_password_dialog_get_remember (HangarPasswordDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_PASSWORD_DIALOG (self), FALSE);
  return gtk_widget_get_sensitive (GTK_WIDGET (self->remember_check)) &&
         gtk_check_button_get_active (self->remember_check);
}

/* The keyring. */

static const SecretSchema *
console_password_schema (void)
{
  static const SecretSchema schema = {
    "io.github.hangarvm.Hangar.ConsolePassword", SECRET_SCHEMA_NONE,
    {
      { "uuid", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

static void
on_lookup_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, password, g_free);
}

void
hangar_console_password_lookup_async (const char          *uuid,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (uuid != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_console_password_lookup_async);
  secret_password_lookup (console_password_schema (), cancellable, on_lookup_done_cb, task,
                          "uuid", uuid, NULL);
}

/* NULL without an error when the keyring holds no password for the guest. */
char *
hangar_console_password_lookup_finish (GAsyncResult *result,
                                       GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_store_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The keyring answered the lookup moments ago; if it fails now the password is
   * simply asked again next time. */
  if (!secret_password_store_finish (result, &error))
    g_debug ("Could not remember a console password: %s", error->message);
}

void
hangar_console_password_store (const char *uuid,
                               const char *guest_name,
                               const char *password)
{
  g_autofree char *label = NULL;

  g_return_if_fail (uuid != NULL && guest_name != NULL && password != NULL);

  /* The label is what Seahorse lists: whose it is, and for what. */
  label = g_strdup_printf (_("Hangar: console password of “%s”"), guest_name);
  secret_password_store (console_password_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                         NULL, on_store_done_cb, NULL, "uuid", uuid, NULL);
}
