// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "hangar-connection.h"
#include "hangar-creator-state.h"

G_BEGIN_DECLS

/* Shared by the New VM page tests: one page of the window, alone in a window of its own,
 * on a test connection. */

typedef struct {
  HangarConnection *connection;
  HangarCreatorState *state;
  GtkWidget *window;
  GtkWidget *page;
} TestCreatorPage;

typedef GtkWidget *(*TestCreatorPageNew) (HangarCreatorState *state);

/* Makes @fixture->state on the open @fixture->connection (unless the caller made it
 * already, to give the page earlier answers), the page with @page_new, and a window of
 * @width × @height showing it. */
void test_creator_page_show  (TestCreatorPage   *fixture,
                              TestCreatorPageNew page_new,
                              int                width,
                              int                height);
/* Destroys the window and closes the connection; fails the test unless the window, the
 * state and the connection are finalized (a reference leaked otherwise). */
void test_creator_page_close (TestCreatorPage   *fixture);

G_END_DECLS
