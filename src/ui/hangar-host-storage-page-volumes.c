// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-host-storage-page"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-host-storage-page-private.h"
#include "hangar-resize-volume-dialog.h"
#include "hangar-storage.h"
#include "hangar-volume-wizard.h"
#include "hangar-volume.h"

/* New Volume…: the wizard, over this window, for the chosen pool. */
static void
new_volume_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  HangarHostStoragePage *self = HANGAR_HOST_STORAGE_PAGE (widget);
  HangarPool *pool = hangar_host_storage_page_get_selected_pool (self);
  GtkWindow *wizard;

  g_return_if_fail (pool != NULL);
  wizard = hangar_volume_wizard_new (GTK_WINDOW (gtk_widget_get_root (widget)), pool);
  gtk_window_present (wizard);
}

/* Resize Volume: the dialog asks the size, this file resizes. */

typedef struct {
  HangarHostStoragePage *self;
  HangarVolume *volume;
  gboolean wipe;
} VolumeOp;

static VolumeOp *
volume_op_new (HangarHostStoragePage *self,
               HangarVolume          *volume,
               gboolean               wipe)
{
  VolumeOp *op = g_new0 (VolumeOp, 1);

  op->self = g_object_ref (self);
  op->volume = g_object_ref (volume);
  op->wipe = wipe;
  return op;
}

static void
volume_op_free (VolumeOp *op)
{
  g_object_unref (op->self);
  g_object_unref (op->volume);
  g_free (op);
}

static void
on_resize_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  VolumeOp *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_volume_resize_finish (op->volume, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _hangar_host_storage_page_show_error (op->self, error->message);
  volume_op_free (op);
}

static void
on_resize_response_cb (HangarResizeVolumeDialog *dialog,
                       const char               *response,
                       HangarHostStoragePage    *self)
{
  HangarVolume *volume = hangar_resize_volume_dialog_get_volume (dialog);
  guint64 capacity = hangar_resize_volume_dialog_get_capacity (dialog);

  if (g_strcmp0 (response, "resize") != 0)
    return;
  /* The dialog enabled Resize for a smaller size only after the user's consent. */
  hangar_volume_resize_async (volume, capacity, capacity < hangar_volume_get_capacity (volume),
                              self->cancellable, on_resize_done_cb,
                              volume_op_new (self, volume, FALSE));
}

static void
resize_volume_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  HangarHostStoragePage *self = HANGAR_HOST_STORAGE_PAGE (widget);
  HangarVolume *volume = hangar_host_storage_page_get_selected_volume (self);
  HangarResizeVolumeDialog *dialog;

  g_return_if_fail (volume != NULL);
  dialog = hangar_resize_volume_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), volume);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_resize_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Delete Volume: confirm (with an optional wipe); a volume a guest uses is refused
 * first, with core's sentence naming the guests, and deleted only on a second yes. */

static void delete_volume (HangarHostStoragePage *self,
                           HangarVolume          *volume,
                           gboolean               even_if_used,
                           gboolean               wipe);

static void
volume_op_closure_free (gpointer  user_data,
                        GClosure *closure)
{
  volume_op_free (user_data);
}

static void
on_delete_anyway_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              VolumeOp         *op)
{
  if (g_strcmp0 (response, "delete") == 0)
    delete_volume (op->self, op->volume, TRUE, op->wipe);
}

static void
ask_delete_anyway (HangarHostStoragePage *self,
                   HangarVolume          *volume,
                   gboolean               wipe,
                   const char            *why)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  /* The page left its window meanwhile: no one to ask. */
  if (gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    return;
  /* TRANSLATORS: %s is the sentence that says which guests use the volume */
  body = g_strdup_printf (_("%s Deleting it anyway leaves those guests with a missing disk."),
                          why);
  dialog = _hangar_host_storage_page_confirm (self, _("Volume in Use"), body,
                                              _("Delete _Anyway"), NULL, NULL);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_anyway_response_cb),
                         volume_op_new (self, volume, wipe), volume_op_closure_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
set_job (HangarHostStoragePage *self,
         HangarJob             *job)
{
  if (self->job_revealer == NULL)
    return;
  g_set_object (&self->job, job);
  if (job != NULL)
    {
      g_object_bind_property (job, "message", self->job_label, "label", G_BINDING_SYNC_CREATE);
      g_object_bind_property (job, "fraction", self->job_progress, "fraction",
                              G_BINDING_SYNC_CREATE);
    }
  gtk_revealer_set_reveal_child (self->job_revealer, job != NULL);
  _hangar_host_storage_page_update_actions (self);
}

static void
on_job_cancel_clicked_cb (HangarHostStoragePage *self)
{
  if (self->job != NULL)
    hangar_job_cancel (self->job);
}

static void
on_delete_volume_done_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  VolumeOp *op = user_data;
  g_autoptr(GError) error = NULL;

  if (op->wipe)
    set_job (op->self, NULL);
  /* Cancelled: by the user's Cancel of the wipe, or because the page went. */
  if (hangar_volume_delete_finish (op->volume, result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;
  else if (g_error_matches (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_IN_USE))
    ask_delete_anyway (op->self, op->volume, op->wipe, error->message);
  else
    _hangar_host_storage_page_show_error (op->self, error->message);
  volume_op_free (op);
}

static void
delete_volume (HangarHostStoragePage *self,
               HangarVolume          *volume,
               gboolean               even_if_used,
               gboolean               wipe)
{
  g_autoptr(HangarJob) job = NULL;
  GCancellable *cancellable = self->cancellable;

  /* A wipe writes the whole volume: it shows its progress and can be cancelled. */
  if (wipe)
    {
      g_autofree char *title = NULL;

      /* TRANSLATORS: %s is the volume's name */
      title = g_strdup_printf (_("Wiping “%s”"), hangar_volume_get_name (volume));
      job = hangar_job_new (title);
      set_job (self, job);
      cancellable = hangar_job_get_cancellable (job);
    }
  hangar_volume_delete_async (volume, even_if_used, wipe, job, cancellable,
                              on_delete_volume_done_cb, volume_op_new (self, volume, wipe));
}

typedef struct {
  VolumeOp *op;
  GtkCheckButton *wipe_check;
} DeleteVolume;

static void
delete_volume_dialog_free (gpointer  user_data,
                           GClosure *closure)
{
  DeleteVolume *data = user_data;

  volume_op_free (data->op);
  g_free (data);
}

static void
on_delete_volume_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              DeleteVolume     *data)
{
  if (g_strcmp0 (response, "delete") == 0)
    delete_volume (data->op->self, data->op->volume, FALSE,
                   gtk_check_button_get_active (data->wipe_check));
}

static void
delete_volume_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  HangarHostStoragePage *self = HANGAR_HOST_STORAGE_PAGE (widget);
  HangarVolume *volume = hangar_host_storage_page_get_selected_volume (self);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;
  DeleteVolume *data;

  g_return_if_fail (volume != NULL);

  /* TRANSLATORS: %s is the volume's name */
  heading = g_strdup_printf (_("Delete the Volume “%s”?"), hangar_volume_get_name (volume));
  data = g_new0 (DeleteVolume, 1);
  data->op = volume_op_new (self, volume, FALSE);
  dialog = _hangar_host_storage_page_confirm (self, heading,
                                              _("Its data is lost. This cannot be undone."),
                                              _("_Delete"),
                                              _("_Overwrite the data with zeros first (slow)"),
                                              &data->wipe_check);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_volume_response_cb), data,
                         delete_volume_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_hangar_host_storage_page_class_volumes_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_job_cancel_clicked_cb);
  gtk_widget_class_install_action (widget_class, "storage.new-volume", NULL,
                                   new_volume_activated);
  gtk_widget_class_install_action (widget_class, "storage.resize-volume", NULL,
                                   resize_volume_activated);
  gtk_widget_class_install_action (widget_class, "storage.delete-volume", NULL,
                                   delete_volume_activated);
}
