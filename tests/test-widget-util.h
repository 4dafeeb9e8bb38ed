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

G_END_DECLS
