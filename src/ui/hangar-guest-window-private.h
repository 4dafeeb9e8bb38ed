// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-graphics.h"
#include "hangar-types.h"
#include "hangar-guest-overview.h"
#include "hangar-guest-window.h"
#include "hangar-serial-console.h"
#include "hangar-usb-popover.h"

G_BEGIN_DECLS

/* One window per guest: its console (graphical or serial) and an overview. The window
 * is split as GNOME Text Editor splits its own: hangar-guest-window.c (the console page
 * and the window's life), hangar-guest-window-actions.c (guest. and console. actions). */
struct _HangarGuestWindow
{
  AdwApplicationWindow parent_instance;

  HangarGuest *guest;
  HangarSession *session;
  GSettings *settings;           /* the session's */
  GCancellable *cancellable;
  HangarGraphicsInfo *consoles; /* NULL until the guest's definition was read */
  HangarDisplay *display;       /* the graphical console, if the guest has one */
  HangarSerialConsole *serial;
  GtkFileChooserNative *file_chooser;
  char *scaling_mode;
  gboolean tried_saved_password;

  AdwHeaderBar *header_bar;
  GtkRevealer *fullscreen_revealer;
  AdwViewStack *view_stack;
  GtkBox *console_tools;
  GtkToggleButton *clipboard_button;
  GtkMenuButton *usb_button;
  HangarUsbPopover *usb_popover;
  GtkStack *console_stack;
  AdwStatusPage *status_page;
  GtkSpinner *status_spinner;
  GtkButton *status_run_button;
  GtkButton *status_reconnect_button;
  GtkScrolledWindow *display_scroller;
  GtkBox *serial_box;
  GtkActionBar *console_switch_bar;
  GtkToggleButton *serial_toggle;
  HangarGuestOverview *overview;
};

void _hangar_guest_window_class_actions_init (GtkWidgetClass    *widget_class);
void _hangar_guest_window_actions_update     (HangarGuestWindow *self);
void _hangar_guest_window_open_display       (HangarGuestWindow *self);

G_END_DECLS
