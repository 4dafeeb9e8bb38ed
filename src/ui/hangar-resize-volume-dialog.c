// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-resize-volume-dialog"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "hangar-resize-volume-dialog.h"
#include "hangar-storage.h"
#include "hangar-volume.h"
#include "hangar-wizard-util.h"

#define MIB (G_GUINT64_CONSTANT (1) << 20)

/* The names of the drop-down's units, in its order (hangar_size_unit_bytes's). */
static const char *const units[] = { "MiB", "GiB", "TiB" };

struct _HangarResizeVolumeDialog
{
  AdwMessageDialog parent_instance;

  HangarVolume *volume;

  GtkSpinButton *size_spin;
  GtkDropDown *unit_dropdown;
  GtkLabel *hint_label;
  GtkCheckButton *shrink_check;
};

G_DEFINE_FINAL_TYPE (HangarResizeVolumeDialog, hangar_resize_volume_dialog,
                     ADW_TYPE_MESSAGE_DIALOG)

guint64
hangar_resize_volume_dialog_get_capacity (HangarResizeVolumeDialog *self)
{
  guint unit;

  g_return_val_if_fail (HANGAR_IS_RESIZE_VOLUME_DIALOG (self), 0);

  unit = gtk_drop_down_get_selected (self->unit_dropdown);
  if (unit >= G_N_ELEMENTS (units))
    return 0;
  /* Whole MiB: what the spin button's one decimal can say of the larger units. */
  return (guint64)llround (gtk_spin_button_get_value (self->size_spin) *
                           (double)(hangar_size_unit_bytes (unit) / MIB)) * MIB;
}

/* Resize is offered for a size that differs from now and is not zero; below the
 * current size it turns into a destructive Shrink the check box must allow. */
static void
update (HangarResizeVolumeDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);
  guint64 current, wanted;
  gboolean shrink;
  g_autofree char *check_text = NULL;
  g_autofree char *wanted_text = NULL;

  /* The template's widgets speak up before the volume is known. */
  if (self->volume == NULL)
    return;
  current = hangar_volume_get_capacity (self->volume);
  wanted = hangar_resize_volume_dialog_get_capacity (self);
  shrink = wanted > 0 && wanted < current;
  wanted_text = hangar_storage_format_size (wanted);

  gtk_widget_set_visible (GTK_WIDGET (self->shrink_check), shrink);
  if (shrink)
    {
      /* TRANSLATORS: %s is the new size, "5.0 GiB" */
      check_text = g_strdup_printf (_("I understand that the data past %s is _lost"),
                                    wanted_text);
      gtk_check_button_set_label (self->shrink_check, check_text);
    }
  else
    gtk_check_button_set_active (self->shrink_check, FALSE);

  adw_message_dialog_set_response_label (dialog, "resize", shrink ? _("_Shrink") : _("_Resize"));
  adw_message_dialog_set_response_appearance (dialog, "resize",
                                              shrink ? ADW_RESPONSE_DESTRUCTIVE
                                                     : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "resize",
                                           wanted > 0 && wanted != current &&
                                           (!shrink ||
                                            gtk_check_button_get_active (self->shrink_check)));

  if (wanted == 0)
    gtk_label_set_label (self->hint_label, _("Enter a size larger than zero."));
  else if (wanted == current)
    gtk_label_set_label (self->hint_label, _("That is its size now. Enter a larger size to grow "
                                            "it, or a smaller one to shrink it."));
  else if (shrink)
    gtk_label_set_label (self->hint_label, _("Shrinking cuts off the end of the volume: a file "
                                            "system or partition there is damaged. Many "
                                            "pools and formats refuse it."));
  else
    gtk_label_set_label (self->hint_label, _("The guest sees the new space once it rescans "
                                            "its disk; grow its partition and file system "
                                            "there."));
  if (shrink || wanted == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "warning");
}

void
hangar_resize_volume_dialog_set_size (HangarResizeVolumeDialog *self,
                                      double                    value,
                                      const char               *unit)
{
  g_return_if_fail (HANGAR_IS_RESIZE_VOLUME_DIALOG (self));

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_strcmp0 (units[i], unit) == 0)
      gtk_drop_down_set_selected (self->unit_dropdown, i);
  gtk_spin_button_set_value (self->size_spin, value);
  update (self);
}

HangarVolume *
hangar_resize_volume_dialog_get_volume (HangarResizeVolumeDialog *self)
{
  g_return_val_if_fail (HANGAR_IS_RESIZE_VOLUME_DIALOG (self), NULL);
  return self->volume;
}

static void
hangar_resize_volume_dialog_dispose (GObject *object)
{
  HangarResizeVolumeDialog *self = (HangarResizeVolumeDialog *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_RESIZE_VOLUME_DIALOG);
  g_clear_object (&self->volume);

  G_OBJECT_CLASS (hangar_resize_volume_dialog_parent_class)->dispose (object);
}

static void
hangar_resize_volume_dialog_class_init (HangarResizeVolumeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_resize_volume_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-resize-volume-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarResizeVolumeDialog, size_spin);
  gtk_widget_class_bind_template_child (widget_class, HangarResizeVolumeDialog, unit_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HangarResizeVolumeDialog, hint_label);
  gtk_widget_class_bind_template_child (widget_class, HangarResizeVolumeDialog, shrink_check);
  gtk_widget_class_bind_template_callback (widget_class, update);
}

static void
hangar_resize_volume_dialog_init (HangarResizeVolumeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

HangarResizeVolumeDialog *
hangar_resize_volume_dialog_new (GtkWindow    *parent,
                                 HangarVolume *volume)
{
  HangarResizeVolumeDialog *self;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *current = NULL;
  guint64 capacity;
  guint unit = 0;

  g_return_val_if_fail (HANGAR_IS_VOLUME (volume), NULL);

  self = g_object_new (HANGAR_TYPE_RESIZE_VOLUME_DIALOG, "transient-for", parent, NULL);
  self->volume = g_object_ref (volume);

  capacity = hangar_volume_get_capacity (volume);
  current = hangar_storage_format_size (capacity);
  /* TRANSLATORS: the resize dialog's heading, with the volume's name */
  heading = g_strdup_printf (_("Resize “%s”"), hangar_volume_get_name (volume));
  /* TRANSLATORS: %s is a size, "10.0 GiB" */
  body = g_strdup_printf (_("Its capacity is %s now."), current);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);

  /* Start from the current size in the largest unit that shows it exactly with the
   * spin button's one decimal (10.5 GiB, not 10752 MiB). */
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      guint64 bytes = hangar_size_unit_bytes (i);

      if (capacity >= bytes && (capacity * 10) % bytes == 0)
        unit = i;
    }
  hangar_resize_volume_dialog_set_size (self,
                                        (double)capacity / (double)hangar_size_unit_bytes (unit),
                                        units[unit]);
  return self;
}
