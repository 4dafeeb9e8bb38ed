// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-creator-util"

#include "config.h"

#include "test-creator-util.h"
#include "test-util.h"

void
test_creator_page_show (TestCreatorPage   *fixture,
                        TestCreatorPageNew page_new,
                        int                width,
                        int                height)
{
  if (fixture->state == NULL)
    fixture->state = hangar_creator_state_new (fixture->connection);
  fixture->page = page_new (fixture->state);
  fixture->window = gtk_window_new ();
  g_object_ref (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, height);
  gtk_window_set_child (GTK_WINDOW (fixture->window), fixture->page);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

void
test_creator_page_close (TestCreatorPage *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  test_assert_finalized (g_steal_pointer (&fixture->window));
  test_assert_finalized (g_steal_pointer (&fixture->state));
  hangar_connection_close (fixture->connection);
  test_assert_finalized (g_steal_pointer (&fixture->connection));
}
