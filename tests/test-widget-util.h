// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "test-util.h"

G_BEGIN_DECLS

typedef gboolean (*TestWidgetMatch) (GtkWidget    *widget,
                                     gconstpointer data);

/* Depth-first search below @root for a widget of @type that @match accepts (NULL: any). */
GtkWidget *test_find_widget (GtkWidget      *root,
                             GType           type,
                             TestWidgetMatch match,
                             gconstpointer   data);

/* As a click on the button below @root labelled @label ("_Delete") does; fails the
 * test when there is none or it is insensitive. */
void test_click_button (GtkWidget  *root,
                        const char *label);

/* Runs `xdotool ARGS` (real X11 input; the test must run on GDK's X11 backend) and
 * fails the test if it fails. */
void test_xdotool (const char *args);

/* X11 id of @widget's window surface, for xdotool's window arguments. */
gulong test_x11_window_id (GtkWidget *widget);

/* Walks the visible widgets below @root and fails the test (naming the widget and
 * its place in the tree) on every control a screen reader could not name: a focusable
 * or activatable widget with neither an accessible label, nor a labelled-by relation,
 * nor, for roles named from their content (buttons, toggles, rows…), text inside it.
 * Composite controls (menu buttons, drop-downs, entries, lists) are judged as one. */
void hangar_test_assert_accessible_names (GtkWidget *root);

/* Appends to @texts (strings) each text @clipboard takes while connected: the text
 * when this process set it (a console passing on a guest's copy), "(another
 * program's)" when someone else did. Returns the handler, to disconnect. */
gulong test_clipboard_keep_texts (GdkClipboard *clipboard,
                                  GPtrArray    *texts);
/* Reads @clipboard's text into @text (NULL when it has none), running the main
 * context meanwhile; FALSE when the read did not finish within @timeout_ms. */
gboolean test_clipboard_read_text (GdkClipboard *clipboard,
                                   char        **text,
                                   guint         timeout_ms);

G_END_DECLS
