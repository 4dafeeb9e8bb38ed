// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* What the host page's widget and end-to-end tests do alike. */

/* The subtitle of the AdwActionRow titled @title below @root (the test fails without
 * one). */
const char       *test_row_value        (GtkWidget  *root,
                                         const char *title);
/* The GtkLabel on screen below @root whose text is @text, or NULL. */
GtkWidget        *test_find_label       (GtkWidget  *root,
                                         const char *text);
/* For test_wait_for: a label reading @text is on screen below @root / none is. */
typedef struct {
  GtkWidget *root;
  const char *text;
} TestLabelWait;
gboolean          test_label_shown      (gpointer    wait);
gboolean          test_label_gone       (gpointer    wait);
/* For test_wait_for: the host window @window shows its overview's rows. */
gboolean          test_overview_shown   (gpointer    window);
/* The button below @root whose action is @action (the test fails without one). */
GtkWidget        *test_action_button    (GtkWidget  *root,
                                         const char *action);
gboolean          test_action_sensitive (GtkWidget  *root,
                                         const char *action);
/* Clicks @action's button, which must be sensitive. */
void              test_click_action     (GtkWidget  *root,
                                         const char *action);
/* The visible AdwMessageDialog headed @heading, or NULL. */
AdwMessageDialog *test_find_message     (const char *heading);
/* For test_wait_for: @heading is the dialog's heading. */
gboolean          test_message_shown    (gpointer    heading);
gboolean          test_message_gone     (gpointer    heading);
/* Clicks the dialog's button labelled @label (mnemonic as written), as a user does:
 * the dialog answers and closes. */
void              test_click_response   (AdwMessageDialog *dialog,
                                         const char       *label);

G_END_DECLS
