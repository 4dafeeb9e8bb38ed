// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-delete-guest-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-delete-guest-dialog.h"

struct _HangarDeleteGuestDialog
{
  AdwMessageDialog parent_instance;

  GPtrArray *guests;
  /* Reading the disks stops when the dialog goes. */
  GCancellable *cancellable;
  /* One guest: a check button per disk with a path; each knows its path as "path". */
  GPtrArray *checks;

  GtkStack *stack;
  GtkSpinner *spinner;
  GtkBox *disk_box;
  GtkLabel *disks_label;
  GtkLabel *error_label;
  GtkCheckButton *delete_disks_check;
};

G_DEFINE_FINAL_TYPE (HangarDeleteGuestDialog, hangar_delete_guest_dialog,
                     ADW_TYPE_MESSAGE_DIALOG)

/* Why a disk is checked or not, or NULL when it goes by default. */
static char *
disk_note (const HangarGuestDisk *disk)
{
  if (disk->volume == NULL)
    return g_strdup (_("Not in a storage pool of this host: Hangar cannot delete it."));
  if (disk->other_users[0] != NULL)
    {
      g_autofree char *users = g_strjoinv (", ", disk->other_users);

      /* Translators: %s is a list of guest names. */
      return g_strdup_printf (_("Also used by %s"), users);
    }
  if (disk->kind == HANGAR_GUEST_DISK_KIND_CDROM)
    return g_strdup (_("CD-ROM media"));
  if (disk->kind == HANGAR_GUEST_DISK_KIND_FLOPPY)
    return g_strdup (_("Floppy media"));
  return NULL;
}

static void
add_disk (HangarDeleteGuestDialog *self,
          const HangarGuestDisk   *disk)
{
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *label = gtk_label_new (disk->path);
  g_autofree char *note = disk_note (disk);

  /* Long paths shorten in the middle, where they say least; the tooltip has it all. */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_check_button_set_child (GTK_CHECK_BUTTON (check), label);
  gtk_widget_set_tooltip_text (check, disk->path);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), disk->delete_by_default);
  gtk_widget_set_sensitive (check, disk->volume != NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  disk->path, -1);
  g_object_set_data_full (G_OBJECT (check), "path", g_strdup (disk->path), g_free);
  gtk_box_append (self->disk_box, check);
  g_ptr_array_add (self->checks, check);

  if (note != NULL)
    {
      GtkWidget *note_label = gtk_label_new (note);

      gtk_label_set_wrap (GTK_LABEL (note_label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (note_label), 0);
      /* Under the path, past the check box. */
      gtk_widget_set_margin_start (note_label, 28);
      gtk_widget_add_css_class (note_label, "caption");
      gtk_widget_add_css_class (note_label, "dim-label");
      gtk_box_append (self->disk_box, note_label);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, note_label, NULL,
                                      -1);
    }
}

static void
on_disks_listed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) disks = hangar_guest_list_disks_finish (HANGAR_GUEST (source), result,
                                                               &error);
  HangarDeleteGuestDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HANGAR_DELETE_GUEST_DIALOG (user_data);
  gtk_spinner_stop (self->spinner);
  /* Deleting the guest alone stays possible when its disks cannot be read. */
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "delete", TRUE);

  if (disks == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s Its disks will be kept."), error->message);

      gtk_label_set_label (self->error_label, text);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  for (guint i = 0; i < disks->len; i++)
    {
      HangarGuestDisk *disk = disks->pdata[i];

      /* An empty drive has nothing to delete. */
      if (disk->path != NULL)
        add_disk (self, disk);
    }
  gtk_label_set_label (self->disks_label,
                       self->checks->len > 0
                         ? _("The checked disks are deleted with the guest; the others are "
                             "kept.")
                         : _("The guest has no disk images."));
  gtk_stack_set_visible_child_name (self->stack, "disks");
}

static void
hangar_delete_guest_dialog_dispose (GObject *object)
{
  HangarDeleteGuestDialog *self = HANGAR_DELETE_GUEST_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), HANGAR_TYPE_DELETE_GUEST_DIALOG);

  G_OBJECT_CLASS (hangar_delete_guest_dialog_parent_class)->dispose (object);
}

static void
hangar_delete_guest_dialog_finalize (GObject *object)
{
  HangarDeleteGuestDialog *self = HANGAR_DELETE_GUEST_DIALOG (object);

  g_clear_pointer (&self->guests, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hangar_delete_guest_dialog_parent_class)->finalize (object);
}

static void
hangar_delete_guest_dialog_class_init (HangarDeleteGuestDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_delete_guest_dialog_dispose;
  object_class->finalize = hangar_delete_guest_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-delete-guest-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarDeleteGuestDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarDeleteGuestDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarDeleteGuestDialog, disk_box);
  gtk_widget_class_bind_template_child (widget_class, HangarDeleteGuestDialog, disks_label);
  gtk_widget_class_bind_template_child (widget_class, HangarDeleteGuestDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, HangarDeleteGuestDialog,
                                        delete_disks_check);
}

static void
hangar_delete_guest_dialog_init (HangarDeleteGuestDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  /* Borrowed: the box holds the buttons. */
  self->checks = g_ptr_array_new ();
}

HangarDeleteGuestDialog *
hangar_delete_guest_dialog_new (GtkWindow *parent,
                                GPtrArray *guests)
{
  HangarDeleteGuestDialog *self;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  g_return_val_if_fail (guests != NULL && guests->len > 0, NULL);

  if (guests->len == 1)
    {
      HangarGuest *guest = g_ptr_array_index (guests, 0);

      heading = g_strdup_printf (_("Delete “%s”?"), hangar_guest_get_name (guest));
      body = g_strdup_printf (hangar_guest_is_active (guest)
                                ? _("The guest is running: it will be forced off and its "
                                    "definition removed from %s.")
                                : _("Its definition will be removed from %s."),
                              hangar_guest_get_host_name (guest));
    }
  else
    {
      heading = g_strdup_printf (ngettext ("Delete %u Guest?", "Delete %u Guests?", guests->len),
                                 guests->len);
      body = g_strdup (_("Running guests will be forced off and their definitions removed."));
    }

  self = g_object_new (HANGAR_TYPE_DELETE_GUEST_DIALOG, "transient-for", parent, "modal", TRUE,
                       "heading", heading, "body", body, NULL);
  self->guests = g_ptr_array_ref (guests);

  if (guests->len == 1)
    {
      /* Until the disks are known, Delete could only keep them all. */
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "delete", FALSE);
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
      hangar_guest_list_disks_async (g_ptr_array_index (guests, 0), self->cancellable,
                                     on_disks_listed_cb, self);
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "several");
  return self;
}

GPtrArray *
hangar_delete_guest_dialog_get_guests (HangarDeleteGuestDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_DELETE_GUEST_DIALOG (self), NULL);
  return self->guests;
}

GStrv
hangar_delete_guest_dialog_dup_checked_paths (HangarDeleteGuestDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (HANGAR_IS_DELETE_GUEST_DIALOG (self), NULL);

  for (guint i = 0; i < self->checks->len; i++)
    {
      GtkCheckButton *check = self->checks->pdata[i];

      if (gtk_check_button_get_active (check) && gtk_widget_get_sensitive (GTK_WIDGET (check)))
        g_strv_builder_add (builder, g_object_get_data (G_OBJECT (check), "path"));
    }
  return g_strv_builder_end (builder);
}

gboolean
hangar_delete_guest_dialog_get_delete_disks (HangarDeleteGuestDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_DELETE_GUEST_DIALOG (self), FALSE);
  return self->guests->len > 1 && gtk_check_button_get_active (self->delete_disks_check);
}
