// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-window.h"

G_BEGIN_DECLS

/* The main window spans hangar-window.c (template, guest list, sidebar, empty pages)
 * and hangar-window-actions.c (the win. actions and what enables them). */
struct _HangarWindow
{
  AdwApplicationWindow parent_instance;

  /* What the window shows (construct-only). */
  HangarSession *session;
  /* Cancelled when the window goes: guest actions still running report to no one. */
  GCancellable *cancellable;

  /* Template widgets. */
  AdwLeaflet *leaflet;
  GtkListBox *host_list;
  AdwWindowTitle *content_title;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  GtkStack *stack;
  GtkColumnView *column_view;
  GtkColumnViewColumn *name_column;
  AdwStatusPage *empty_page;
  GtkButton *empty_button;
  GtkMenuButton *power_button;
  GMenuModel *guest_context_menu;
  GtkPopoverMenu *context_menu;

  /* The model chain, declared in hangar-window.ui (a diagram is there). */
  GtkFlattenListModel *all_guests;
  GtkStringFilter *name_filter;
  GtkCustomFilter *host_filter;
  GtkFilterListModel *filter_model;
  GtkMultiSelection *selection;

  /* The host chosen in the sidebar; NULL for All Hosts. Not a reference: the session
   * holds it, and the window forgets it when the session drops it. */
  HangarConnection *selected_connection;
  /* The selected guests, whose state changes enable and disable actions. */
  GPtrArray *watched_guests;
  /* The connection the empty page's button retries, if any. */
  HangarConnection *retry_connection;
  /* The host the empty page's button stops opening (Cancel), if any. */
  HangarConnection *cancel_connection;
  gboolean list_shown_traced;
};

void       _hangar_window_class_actions_init  (GtkWidgetClass *widget_class);
void       _hangar_window_actions_update      (HangarWindow   *self);
GPtrArray *_hangar_window_get_selected_guests (HangarWindow   *self);
gboolean   _hangar_window_can_make_domain     (HangarWindow   *self);

G_END_DECLS
