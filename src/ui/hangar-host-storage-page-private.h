// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-host-storage-page.h"

G_BEGIN_DECLS

/* The Storage tab spans hangar-host-storage-page.c (template, lists, pool actions) and
 * hangar-host-storage-page-volumes.c (Resize and Delete Volume, a wipe's progress).
 * Lists are bound in hangar-host-storage-page.ui; the C files hold the actions
 * (storage.*), their confirmations and what enables them. Every change goes through
 * the pool's or volume's _async call; the lists follow libvirt's events, and failures
 * reach the user as a toast with core's sentence, which names the pool or volume. */
struct _HangarHostStoragePage
{
  AdwBin parent_instance;

  HangarConnection *connection;
  /* Cancelled when the page goes: answers after that find no one to tell. */
  GCancellable *cancellable;
  /* The chosen pool, watched for what enables the actions and which page shows. */
  HangarPool *watched_pool;
  /* The running wipe, shown under the volumes with Cancel. */
  HangarJob *job;

  AdwToastOverlay *toast_overlay;
  /* The failure shown, if any (a weak pointer: the overlay holds it while shown). */
  AdwToast *toast;
  GtkListView *pool_list;
  GtkSingleSelection *pool_selection;
  GtkSortListModel *pool_sort;
  GtkStack *volume_stack;
  GtkColumnView *volume_view;
  GtkColumnViewColumn *name_column;
  GtkSingleSelection *volume_selection;
  GtkSortListModel *volume_sort;
  GtkRevealer *job_revealer;
  GtkLabel *job_label;
  GtkProgressBar *job_progress;
  AdwStatusPage *no_pool_page;
  AdwStatusPage *inactive_page;
  AdwStatusPage *empty_page;
};

/* hangar-host-storage-page.c */
void _hangar_host_storage_page_show_error     (HangarHostStoragePage *self,
                                               const char            *message);
void _hangar_host_storage_page_update_actions (HangarHostStoragePage *self);
AdwMessageDialog *_hangar_host_storage_page_confirm (HangarHostStoragePage *self,
                                                     const char            *heading,
                                                     const char            *body,
                                                     const char            *confirm_label,
                                                     const char            *check_label,
                                                     GtkCheckButton       **check);

/* hangar-host-storage-page-volumes.c: Resize and Delete Volume, the wipe's progress. */
void _hangar_host_storage_page_class_volumes_init (GtkWidgetClass *widget_class);

G_END_DECLS
