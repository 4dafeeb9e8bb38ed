// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-host-storage-page.h"

G_BEGIN_DECLS

/* The Storage tab: hangar-host-storage-page.c (template, lists, pool actions). Lists
 * are bound in hangar-host-storage-page.ui; the C files hold the actions (storage.*),
 * their confirmations and what enables them. Every change goes through the pool's or
 * volume's _async call; the lists follow libvirt's events, and failures reach the user
 * as a toast with core's sentence, which names the pool or volume. */
struct _HangarHostStoragePage
{
  AdwBin parent_instance;

  HangarConnection *connection;
  /* Cancelled when the page goes: answers after that find no one to tell. */
  GCancellable *cancellable;
  /* The chosen pool, watched for what enables the actions and which page shows. */
  HangarPool *watched_pool;

  AdwToastOverlay *toast_overlay;
  GtkListView *pool_list;
  GtkSingleSelection *pool_selection;
  GtkSortListModel *pool_sort;
  GtkStack *volume_stack;
  GtkColumnView *volume_view;
  GtkColumnViewColumn *name_column;
  GtkSingleSelection *volume_selection;
  GtkSortListModel *volume_sort;
  AdwStatusPage *no_pool_page;
  AdwStatusPage *inactive_page;
  AdwStatusPage *empty_page;
};

/* hangar-host-storage-page.c */
void _hangar_host_storage_page_show_error     (HangarHostStoragePage *self,
                                               const char            *message);
void _hangar_host_storage_page_update_actions (HangarHostStoragePage *self);

G_END_DECLS
