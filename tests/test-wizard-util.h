// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-connection.h"
#include "test-widget-util.h"

G_BEGIN_DECLS

/* Shared by the pool and volume wizard tests. */

/* Opens @uri and waits until the link is up and at least @min_pools pools are listed. */
HangarConnection *test_open_storage_host (const char *uri,
                                          guint       min_pools);
/* The widget of @type below @root whose title (a row's) or label (a button's) is
 * @title as the .ui writes it, mnemonic underscore included. Fails the test if none. */
GtkWidget        *test_find_titled       (GtkWidget  *root,
                                          GType       type,
                                          const char *title);
/* The name of the page @window's (first) GtkStack shows. */
const char       *test_stack_page        (GtkWidget  *window);
/* A TestWidgetMatch: the widget's name (gtk_widget_set_name, "name" in a .ui) is @data. */
gboolean          test_has_name          (GtkWidget    *widget,
                                          gconstpointer data);
/* Clicks @button as the user would (gtk_widget_activate would click only after its
 * pressed-look timeout); fails the test unless it is shown and sensitive. */
void              test_click             (GtkWidget  *button);
/* Types @text into an entry row (all of it replaced), as the user would. */
void              test_type_text         (GtkWidget  *row,
                                          const char *text);
/* Whether a combo row's list holds an item whose text is @text. */
gboolean          test_combo_offers      (GtkWidget  *combo_row,
                                          const char *text);
/* Selects the item of a combo row whose text is @text; fails the test if none. */
void              test_choose            (GtkWidget  *combo_row,
                                          const char *text);
/* The message that stands just below @row in its list; NULL when none shows. */
GtkLabel         *test_field_message     (GtkWidget  *row);
/* @row shows an error (red, the row marked too) whose text contains @part. */
void              test_assert_field_error (GtkWidget  *row,
                                           const char *part);
/* @row shows a message with the style @css_class ("warning", "dim-label") containing
 * @part, and the row is not marked wrong. */
void              test_assert_field_note (GtkWidget  *row,
                                          const char *css_class,
                                          const char *part);
void              test_assert_field_clean (GtkWidget *row);
/* Clicks @button, which opens a file chooser: GtkFileChooserNative's own
 * GtkFileChooserDialog without a portal (as in the tests). Returns the dialog once it
 * shows @folder (NULL: any folder) — choosing a file while its first folder loads makes
 * GTK 4.8 show an error dialog. */
GtkWidget        *test_file_chooser_open   (GtkWidget  *button,
                                            GFile      *folder);
/* In that dialog, chooses the filter named @filter (unless NULL), selects @path, waits
 * until the chooser has it, and accepts. */
void              test_file_chooser_accept (GtkWidget  *dialog,
                                            const char *path,
                                            const char *filter);
/* A TestPredicate: the message below @row (test_field_message) contains @part. */
typedef struct {
  GtkWidget  *row;
  const char *part;
} TestFieldSays;
gboolean          test_field_says        (gpointer    data);
/* A TestPredicate: the GtkLabel @data is shown with some text. */
gboolean          test_label_shows       (gpointer    data);
/* Runs the main loop until @window is destroyed (the caller holds a reference);
 * fails the test after @timeout_ms. */
void              test_wait_destroyed    (GtkWidget  *window,
                                          guint       timeout_ms);
/* With HANGAR_SCREENSHOT_DIR set, saves what @window shows as DIR/@name.png once it is
 * drawn and its stack has stopped sliding; does nothing otherwise. */
void              test_save_screenshot   (GtkWidget  *window,
                                          const char *name);

G_END_DECLS
