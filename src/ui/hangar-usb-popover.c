// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-usb-popover"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hangar-spice-display.h"
#include "hangar-ui-util.h"
#include "hangar-usb-popover.h"

/* USB redirection (SPICE): a switch per host device, the list rebuilt from the session's
 * SpiceUsbDeviceManager whenever it or the console changes. */
struct _HangarUsbPopover
{
  GtkPopover parent_instance;

  HangarDisplay *display;
  SpiceUsbDeviceManager *manager; /* the SPICE display's, while it has one */
  GCancellable *cancellable;

  GtkStack *stack;
  GtkListBox *list;
  AdwStatusPage *status;
};

G_DEFINE_FINAL_TYPE (HangarUsbPopover, hangar_usb_popover, GTK_TYPE_POPOVER)

/* A device being shared or taken back: the switch settles when the manager answers. */
typedef struct
{
  HangarUsbPopover *self;
  GtkSwitch *toggle;
  gboolean share;
} UsbOperation;

static void fill (HangarUsbPopover *self);

static void
usb_device_free (gpointer device)
{
  g_boxed_free (SPICE_TYPE_USB_DEVICE, device);
}

/* The row of @device: rows keep a copy of the device they switch, and the manager hands
 * out the same pointers for the same devices. */
static GtkWidget *
find_row (HangarUsbPopover *self,
          SpiceUsbDevice   *device)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_object_get_data (G_OBJECT (row), "device") == (gpointer)device)
      return row;
  return NULL;
}

/* Puts the switch back where the device is, without asking the manager again. */
static void
reset_switch (GtkSwitch  *toggle,
              gboolean    shared,
              const char *error)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (toggle), ADW_TYPE_ACTION_ROW);
  gpointer handler = g_object_get_data (G_OBJECT (toggle), "state-set-handler");

  if (handler != NULL)
    g_signal_handler_block (toggle, GPOINTER_TO_SIZE (handler));
  gtk_switch_set_active (toggle, shared);
  gtk_switch_set_state (toggle, shared);
  if (handler != NULL)
    g_signal_handler_unblock (toggle, GPOINTER_TO_SIZE (handler));
  gtk_widget_set_sensitive (GTK_WIDGET (toggle), TRUE);
  if (row != NULL && error != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error);
}

static void
on_operation_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  UsbOperation *op = user_data;
  SpiceUsbDeviceManager *manager = SPICE_USB_DEVICE_MANAGER (source);
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (op->share)
    done = spice_usb_device_manager_connect_device_finish (manager, result, &error);
  else
    done = spice_usb_device_manager_disconnect_device_finish (manager, result, &error);

  if (done)
    reset_switch (op->toggle, op->share, NULL);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    reset_switch (op->toggle, !op->share, NULL);
  else
    {
      g_autofree char *message =
        op->share ? g_strdup_printf (_("Could not share the device: %s"), error->message)
                  : g_strdup_printf (_("Could not take the device back: %s"), error->message);

      reset_switch (op->toggle, !op->share, message);
    }

  g_object_unref (op->self);
  g_object_unref (op->toggle);
  g_free (op);
}

/* The user flips a switch: ask the manager, and keep the switch from settling (TRUE) until
 * it answers. */
static gboolean
on_switch_state_set_cb (GtkSwitch        *toggle,
                        gboolean          share,
                        HangarUsbPopover *self)
{
  SpiceUsbDevice *device = g_object_get_data (G_OBJECT (toggle), "device");
  UsbOperation *op;

  if (self->manager == NULL || device == NULL)
    return TRUE;

  op = g_new0 (UsbOperation, 1);
  op->self = g_object_ref (self);
  op->toggle = g_object_ref (toggle);
  op->share = share;
  /* The switch moves now and settles (its "state") when the guest has the device. */
  gtk_widget_set_sensitive (GTK_WIDGET (toggle), FALSE);
  if (share)
    spice_usb_device_manager_connect_device_async (self->manager, device, self->cancellable,
                                                   on_operation_done_cb, op);
  else
    spice_usb_device_manager_disconnect_device_async (self->manager, device, self->cancellable,
                                                      on_operation_done_cb, op);
  return TRUE;
}

static GtkWidget *
row_new (HangarUsbPopover *self,
         SpiceUsbDevice   *device)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *description = spice_usb_device_get_description (device, NULL);
  gboolean shared = spice_usb_device_manager_is_device_connected (self->manager, device);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();
  gulong handler;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), description);
  g_object_set_data_full (G_OBJECT (row), "device",
                          g_boxed_copy (SPICE_TYPE_USB_DEVICE, device), usb_device_free);

  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), shared);
  gtk_switch_set_state (GTK_SWITCH (toggle), shared);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description, -1);
  g_object_set_data_full (G_OBJECT (toggle), "device",
                          g_boxed_copy (SPICE_TYPE_USB_DEVICE, device), usb_device_free);
  handler = g_signal_connect (toggle, "state-set", G_CALLBACK (on_switch_state_set_cb), self);
  /* Kept to put the switch back without asking the manager again. */
  g_object_set_data (G_OBJECT (toggle), "state-set-handler", GSIZE_TO_POINTER (handler));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);

  /* Say why a device cannot go, rather than let the switch fail. */
  if (!shared && !spice_usb_device_manager_can_redirect_device (self->manager, device, &error))
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
      gtk_widget_set_sensitive (toggle, FALSE);
    }
  return row;
}

static void
show_status (HangarUsbPopover *self,
             const char       *title,
             const char       *description)
{
  adw_status_page_set_title (self->status, title);
  adw_status_page_set_description (self->status, description);
  hangar_name_page_scroller (GTK_WIDGET (self->status), title);
  gtk_stack_set_visible_child_name (self->stack, "status");
}

/* Rebuilds the list, or says why there is none: not SPICE (nothing), not connected,
 * USB unavailable in this build or session, no channels, no devices. */
static void
fill (HangarUsbPopover *self)
{
  HangarSpiceDisplay *spice = HANGAR_IS_SPICE_DISPLAY (self->display)
                                ? HANGAR_SPICE_DISPLAY (self->display) : NULL;
  g_autoptr(GPtrArray) devices = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  if (spice == NULL)
    return;
  if (hangar_display_get_state (self->display) != HANGAR_DISPLAY_STATE_CONNECTED)
    {
      show_status (self, _("Not Connected"),
                   _("USB devices can be shared while the console is connected."));
      return;
    }
  if (hangar_spice_display_get_usb_error (spice) != NULL)
    {
      show_status (self, _("USB Sharing Unavailable"), hangar_spice_display_get_usb_error (spice));
      return;
    }
  if (self->manager == NULL)
    {
      show_status (self, _("No USB Redirection"),
                   _("This guest has no USB redirection channels."));
      return;
    }

  devices = spice_usb_device_manager_get_devices (self->manager);
  if (devices == NULL || devices->len == 0)
    {
      show_status (self, _("No USB Devices"),
                   _("Plug in a USB device to share it with the guest."));
      return;
    }
  for (guint i = 0; i < devices->len; i++)
    gtk_list_box_append (self->list, row_new (self, g_ptr_array_index (devices, i)));
  gtk_stack_set_visible_child_name (self->stack, "devices");
}

/* A device failed on its own (unplugged while shared, refused by the guest): its row
 * says so after the list is rebuilt. */
static void
on_device_error_cb (SpiceUsbDeviceManager *manager,
                    SpiceUsbDevice        *device,
                    GError                *error,
                    HangarUsbPopover      *self)
{
  GtkWidget *row;

  fill (self);
  row = find_row (self, device);
  if (row != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
}

/* Follows the display's USB device manager, which comes and goes with its session. */
static void
update_manager (HangarUsbPopover *self)
{
  SpiceUsbDeviceManager *manager = HANGAR_IS_SPICE_DISPLAY (self->display)
    ? hangar_spice_display_get_usb_manager (HANGAR_SPICE_DISPLAY (self->display))
    : NULL;

  if (manager != self->manager)
    {
      if (self->manager != NULL)
        g_signal_handlers_disconnect_by_data (self->manager, self);
      g_set_object (&self->manager, manager);
      if (manager != NULL)
        {
          g_signal_connect_swapped (manager, "device-added", G_CALLBACK (fill), self);
          g_signal_connect_swapped (manager, "device-removed", G_CALLBACK (fill), self);
          g_signal_connect (manager, "device-error", G_CALLBACK (on_device_error_cb), self);
        }
    }
  fill (self);
}

static void
on_show_cb (HangarUsbPopover *self)
{
  /* The devices' states may have changed behind the list's back. */
  fill (self);
}

void
hangar_usb_popover_set_display (HangarUsbPopover *self,
                                HangarDisplay    *display)
{
  g_return_if_fail (HANGAR_IS_USB_POPOVER (self));
  g_return_if_fail (display == NULL || HANGAR_IS_DISPLAY (display));

  if (self->display == display)
    return;
  if (self->display != NULL)
    g_signal_handlers_disconnect_by_data (self->display, self);
  g_set_object (&self->display, display);
  if (display != NULL)
    {
      g_signal_connect_swapped (display, "notify::state", G_CALLBACK (update_manager), self);
      if (HANGAR_IS_SPICE_DISPLAY (display))
        g_signal_connect_swapped (display, "notify::usb-manager", G_CALLBACK (update_manager),
                                  self);
    }
  update_manager (self);
}

static void
hangar_usb_popover_dispose (GObject *object)
{
  HangarUsbPopover *self = HANGAR_USB_POPOVER (object);

  /* Operations still running put their switches back when they see the cancel. */
  g_cancellable_cancel (self->cancellable);
  hangar_usb_popover_set_display (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_USB_POPOVER);

  G_OBJECT_CLASS (hangar_usb_popover_parent_class)->dispose (object);
}

static void
hangar_usb_popover_finalize (GObject *object)
{
  HangarUsbPopover *self = HANGAR_USB_POPOVER (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hangar_usb_popover_parent_class)->finalize (object);
}

static void
hangar_usb_popover_class_init (HangarUsbPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_usb_popover_dispose;
  object_class->finalize = hangar_usb_popover_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-usb-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarUsbPopover, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarUsbPopover, list);
  gtk_widget_class_bind_template_child (widget_class, HangarUsbPopover, status);
  gtk_widget_class_bind_template_callback (widget_class, on_show_cb);
}

static void
hangar_usb_popover_init (HangarUsbPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
