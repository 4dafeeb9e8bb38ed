// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-guest-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-guest-window.h"

/* One window per guest: its overview and lifecycle controls. */
struct _HangarGuestWindow
{
  AdwApplicationWindow parent_instance;

  HangarGuest *guest;
  GCancellable *cancellable;

  AdwWindowTitle *window_title;
  AdwActionRow *name_row;
  AdwActionRow *state_row;
  AdwActionRow *host_row;
  AdwActionRow *vcpus_row;
  AdwActionRow *memory_row;
  AdwActionRow *uuid_row;
};

G_DEFINE_FINAL_TYPE (HangarGuestWindow, hangar_guest_window, ADW_TYPE_APPLICATION_WINDOW)

static const struct {
  const char *name;
  HangarGuestAction action;
} actions[] = {
  { "guest.run", HANGAR_GUEST_ACTION_RUN },
  { "guest.pause", HANGAR_GUEST_ACTION_PAUSE },
  { "guest.resume", HANGAR_GUEST_ACTION_RESUME },
  { "guest.shutdown", HANGAR_GUEST_ACTION_SHUTDOWN },
  { "guest.reboot", HANGAR_GUEST_ACTION_REBOOT },
  { "guest.force-off", HANGAR_GUEST_ACTION_FORCE_OFF },
};

static void
hangar_guest_window_actions_update (HangarGuestWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i].name,
                                   hangar_guest_can_do (self->guest, actions[i].action));
}

static void
update (HangarGuestWindow *self)
{
  g_autofree char *memory = g_format_size_full (hangar_guest_get_memory (self->guest) * 1024,
                                                G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *vcpus = g_strdup_printf ("%u", hangar_guest_get_vcpus (self->guest));

  gtk_window_set_title (GTK_WINDOW (self), hangar_guest_get_name (self->guest));
  adw_window_title_set_title (self->window_title, hangar_guest_get_name (self->guest));
  adw_window_title_set_subtitle (self->window_title, hangar_guest_get_state_label (self->guest));
  adw_action_row_set_subtitle (self->name_row, hangar_guest_get_name (self->guest));
  adw_action_row_set_subtitle (self->state_row, hangar_guest_get_state_label (self->guest));
  adw_action_row_set_subtitle (self->host_row, hangar_guest_get_host_name (self->guest));
  adw_action_row_set_subtitle (self->vcpus_row, vcpus);
  adw_action_row_set_subtitle (self->memory_row, memory);
  adw_action_row_set_subtitle (self->uuid_row, hangar_guest_get_uuid (self->guest));
  hangar_guest_window_actions_update (self);
}

static void
on_action_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(HangarGuestWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  if (hangar_guest_run_action_finish (HANGAR_GUEST (object), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Action Failed"),
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
action_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HangarGuestWindow *self = HANGAR_GUEST_WINDOW (widget);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (actions[i].name, action_name))
      hangar_guest_run_action_async (self->guest, actions[i].action, self->cancellable,
                                     on_action_done_cb, g_object_ref (self));
}

static void
hangar_guest_window_dispose (GObject *object)
{
  HangarGuestWindow *self = (HangarGuestWindow *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->guest != NULL)
    g_signal_handlers_disconnect_by_data (self->guest, self);
  g_clear_object (&self->guest);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_GUEST_WINDOW);

  G_OBJECT_CLASS (hangar_guest_window_parent_class)->dispose (object);
}

static void
hangar_guest_window_finalize (GObject *object)
{
  HangarGuestWindow *self = (HangarGuestWindow *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hangar_guest_window_parent_class)->finalize (object);
}

static void
hangar_guest_window_class_init (HangarGuestWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_guest_window_dispose;
  object_class->finalize = hangar_guest_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-guest-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, state_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, host_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, vcpus_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, memory_row);
  gtk_widget_class_bind_template_child (widget_class, HangarGuestWindow, uuid_row);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i].name, NULL, action_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
hangar_guest_window_init (HangarGuestWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

HangarGuestWindow *
hangar_guest_window_new (HangarApplication *application,
                         HangarGuest       *guest)
{
  HangarGuestWindow *self;

  g_return_val_if_fail (HANGAR_IS_GUEST (guest), NULL);

  self = g_object_new (HANGAR_TYPE_GUEST_WINDOW, "application", application, NULL);
  self->guest = g_object_ref (guest);
  g_signal_connect_swapped (guest, "notify", G_CALLBACK (update), self);
  update (self);
  return self;
}

HangarGuest *
hangar_guest_window_get_guest (HangarGuestWindow *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST_WINDOW (self), NULL);
  return self->guest;
}
