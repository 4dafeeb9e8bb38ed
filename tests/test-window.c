// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <adwaita.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-application.h"
#include "hangar-session.h"
#include "hangar-sparkline.h"
#include "hangar-window.h"
#include "test-widget-util.h"
#include "test-app-util.h"

static gboolean
has_action (GtkWidget    *widget,
            gconstpointer action)
{
  return g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

static gboolean
is_guest_stack (GtkWidget    *widget,
                gconstpointer data)
{
  return gtk_stack_get_child_by_name (GTK_STACK (widget), "guests") != NULL;
}

typedef struct {
  HangarApplication *app;
  HangarWindow *window;
  HangarConnection *connection;
  GListModel *model;
} Fixture;

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

/* One application for the whole run, as in a real session. */
static HangarApplication *
get_app (void)
{
  static HangarApplication *app;

  if (app == NULL)
    app = test_application_new ();
  return app;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  const char *file = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", file, NULL);
  g_autofree char *uri = g_strconcat ("test://", path, NULL);

  f->app = get_app ();
  f->window = hangar_window_new (GTK_APPLICATION (f->app), hangar_application_get_session (f->app));
  gtk_window_present (GTK_WINDOW (f->window));
  f->connection = hangar_session_add_connection (hangar_application_get_session (f->app), uri,
                                                 FALSE, FALSE);
  g_assert_true (test_wait_for (is_connected, f->connection, 5000));
  f->model = hangar_window_get_guest_model (f->window);
}

static gboolean
has_failed (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_FAILED;
}

/* A host libvirt cannot open: the test driver refuses a file that does not exist. */
static void
fixture_setup_failed (Fixture      *f,
                      gconstpointer data)
{
  f->app = get_app ();
  f->window = hangar_window_new (GTK_APPLICATION (f->app), hangar_application_get_session (f->app));
  gtk_window_present (GTK_WINDOW (f->window));
  f->connection = hangar_session_add_connection (hangar_application_get_session (f->app),
                                                     "test:///no-such-dir/no-such-host.xml",
                                                     FALSE, FALSE);
  g_assert_true (test_wait_for (has_failed, f->connection, 5000));
  f->model = hangar_window_get_guest_model (f->window);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  hangar_session_remove_connection (hangar_application_get_session (f->app), f->connection);
}

static char *
names_in_view (GListModel *model)
{
  GString *names = g_string_new (NULL);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarGuest) guest = g_list_model_get_item (model, i);
      g_string_append_printf (names, "%s%s", i ? " " : "", hangar_guest_get_name (guest));
    }
  return g_string_free (names, FALSE);
}

static gboolean
model_has_three (gpointer data)
{
  return g_list_model_get_n_items (data) == 3;
}

static void
test_lists_guests (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *names = NULL;
  GtkWidget *stack;

  g_assert_true (test_wait_for (model_has_three, f->model, 5000));
  names = names_in_view (f->model);
  g_assert_cmpstr (names, ==, "alpha bravo charlie");

  stack = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_STACK, is_guest_stack, NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "guests");

  /* Every control, header bar to rows, has a name a screen reader can say. */
  hangar_test_assert_accessible_names (GTK_WIDGET (f->window));
}

static gboolean
model_has_one (gpointer data)
{
  return g_list_model_get_n_items (data) == 1;
}

static gboolean
model_has_none (gpointer data)
{
  return g_list_model_get_n_items (data) == 0;
}

static void
test_filter (Fixture      *f,
             gconstpointer data)
{
  GtkWidget *entry = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_SEARCH_ENTRY, NULL, NULL);
  GtkWidget *status;
  g_autofree char *names = NULL;

  g_assert_true (test_wait_for (model_has_three, f->model, 5000));
  g_assert_nonnull (entry);

  /* Typing filters by name as you type, ignoring case. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "RAV");
  g_assert_true (test_wait_for (model_has_one, f->model, 5000));
  names = names_in_view (f->model);
  g_assert_cmpstr (names, ==, "bravo");

  gtk_editable_set_text (GTK_EDITABLE (entry), "zulu");
  g_assert_true (test_wait_for (model_has_none, f->model, 5000));
  status = test_find_widget (GTK_WIDGET (f->window), ADW_TYPE_STATUS_PAGE, NULL, NULL);
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==,
                   "No Matching Guests");

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_true (test_wait_for (model_has_three, f->model, 5000));
}

static gboolean
window_is_active (gpointer data)
{
  return gtk_window_is_active (data);
}

static gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
search_has_text (gpointer data)
{
  GtkWidget *entry = data;

  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), "rav") == 0;
}

/* Real X11 key events typed into the window (not its entry) open the search and filter
 * the list; run with fatal warnings, a key the search bar cannot forward would abort. */
static void
test_type_to_search (Fixture      *f,
                     gconstpointer data)
{
  GtkWidget *entry = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_SEARCH_ENTRY, NULL, NULL);
  GtkWidget *bar = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_SEARCH_BAR, NULL, NULL);
  GtkWidget *view = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_COLUMN_VIEW, NULL, NULL);
  g_autofree char *focus = NULL;
  g_autofree char *names = NULL;

  g_assert_true (test_wait_for (model_has_three, f->model, 5000));
  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));

  g_assert_true (test_wait_for (widget_is_mapped, bar, 5000));
  focus = g_strdup_printf ("windowfocus --sync %lu", test_x11_window_id (GTK_WIDGET (f->window)));
  test_xdotool (focus);
  g_assert_true (test_wait_for (window_is_active, f->window, 3000));
  /* Focus in the guest list, as after a click on a row: the keys are the window's. */
  gtk_widget_grab_focus (view);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), view));

  test_xdotool ("key r a v");
  g_assert_true (test_wait_for (search_has_text, entry, 3000));
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));
  g_assert_true (test_wait_for (model_has_one, f->model, 5000));
  names = names_in_view (f->model);
  g_assert_cmpstr (names, ==, "bravo");

  /* Escape closes the search and shows every guest again. */
  test_xdotool ("key Escape");
  g_assert_true (test_wait_for (model_has_three, f->model, 5000));
  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));
}

static gboolean
label_says_running (gpointer data)
{
  return g_strcmp0 (gtk_label_get_text (data), "Running") == 0;
}

static gboolean
is_label_with_text (GtkWidget    *widget,
                    gconstpointer text)
{
  return g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
view_shows_bravo (gpointer data)
{
  return test_find_widget (data, GTK_TYPE_LABEL, is_label_with_text, "bravo") != NULL;
}

/* The widget of @column_index in the row showing @name (a row holds its cells in column
 * order, each cell its child). */
static GtkWidget *
cell_child (GtkWidget  *view,
            const char *name,
            guint       column_index)
{
  GtkWidget *label = test_find_widget (view, GTK_TYPE_LABEL, is_label_with_text, name);
  GtkWidget *row = gtk_widget_get_parent (gtk_widget_get_parent (label));
  GtkWidget *cell = gtk_widget_get_first_child (row);

  for (guint i = 0; i < column_index; i++)
    cell = gtk_widget_get_next_sibling (cell);
  return gtk_widget_get_first_child (cell);
}

/* What each column shows for a guest, and that it follows the guest's changes. */
static void
test_cells (Fixture      *f,
            gconstpointer data)
{
  GtkWidget *view = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_COLUMN_VIEW, NULL, NULL);
  HangarGuest *bravo = hangar_connection_find_guest (f->connection, "bravo");
  GtkWidget *name;
  GtkWidget *state;
  GtkWidget *cpu;

  g_assert_true (test_wait_for (view_shows_bravo, view, 5000));

  name = cell_child (view, "bravo", 0);
  g_assert_true (gtk_widget_has_css_class (name, "heading"));
  state = cell_child (view, "bravo", 1);
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (gtk_widget_get_first_child (state))), ==,
                   "media-playback-pause-symbolic");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (state))), ==,
                   "Paused");
  cpu = cell_child (view, "bravo", 2);
  g_assert_true (HANGAR_IS_SPARKLINE (cpu));
  g_assert_true (hangar_sparkline_get_guest (HANGAR_SPARKLINE (cpu)) == bravo);
  /* 2048 MiB and 4 vCPUs in three-guests.xml; GLib puts a no-break space before units. */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (cell_child (view, "bravo", 3))), ==,
                   "2.0\u00a0GiB");
  g_assert_true (gtk_widget_has_css_class (cell_child (view, "bravo", 3), "numeric"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (cell_child (view, "bravo", 4))), ==, "4");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (cell_child (view, "bravo", 5))), ==,
                   hangar_connection_get_title (f->connection));

  /* Resumed, the row says so. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (f->model), 1, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.resume-guest", NULL);
  g_assert_true (test_wait_for (label_says_running, gtk_widget_get_last_child (state), 5000));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (gtk_widget_get_first_child (state))), ==,
                   "media-playback-start-symbolic");
}

static gboolean
has_width (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

static gboolean
popover_is_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static gboolean
is_popover_menu (GtkWidget    *widget,
                 gconstpointer data)
{
  return GTK_IS_POPOVER_MENU (widget);
}

/* A right click on a row selects it and opens the guest menu there (real X11 events). */
static void
test_context_menu (Fixture      *f,
                   gconstpointer data)
{
  GtkWidget *view = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_COLUMN_VIEW, NULL, NULL);
  GtkWidget *popover = test_find_widget (view, GTK_TYPE_POPOVER_MENU, is_popover_menu, NULL);
  GtkWidget *host;
  GtkNative *native = GTK_NATIVE (f->window);
  graphene_point_t point;
  double dx, dy;
  g_autofree char *click = NULL;
  g_autofree char *names = NULL;
  g_autoptr(GtkBitset) selected = NULL;

  g_assert_nonnull (popover);
  g_assert_true (test_wait_for (view_shows_bravo, view, 5000));
  /* The host column of charlie's row: any cell takes the click. */
  host = cell_child (view, "charlie", 5);
  g_assert_true (test_wait_for (has_width, host, 5000));
  g_assert_true (gtk_widget_compute_point (host, GTK_WIDGET (f->window),
                                           &GRAPHENE_POINT_INIT (5, 5), &point));
  gtk_native_get_surface_transform (native, &dx, &dy);
  click = g_strdup_printf ("windowfocus --sync %lu mousemove --window %lu --sync %d %d click 3",
                           test_x11_window_id (GTK_WIDGET (f->window)),
                           test_x11_window_id (GTK_WIDGET (f->window)),
                           (int)(point.x + dx), (int)(point.y + dy));
  test_xdotool (click);
  g_assert_true (test_wait_for (popover_is_visible, popover, 5000));

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (f->model));
  g_assert_cmpuint (gtk_bitset_get_size (selected), ==, 1);
  names = names_in_view (f->model);
  g_assert_cmpstr (names, ==, "alpha bravo charlie");
  g_assert_true (gtk_bitset_contains (selected, 2));
  gtk_popover_popdown (GTK_POPOVER (popover));
}

static gboolean
is_host_list (GtkWidget    *widget,
              gconstpointer data)
{
  return gtk_widget_has_css_class (widget, "navigation-sidebar");
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  return n;
}

/* The content's title, not the sidebar's ("Hosts"). */
static gboolean
is_content_title (GtkWidget    *widget,
                  gconstpointer data)
{
  return g_strcmp0 (adw_window_title_get_title (ADW_WINDOW_TITLE (widget)), "Hosts") != 0;
}

static gboolean
title_is_all_hosts (gpointer data)
{
  return g_strcmp0 (adw_window_title_get_title (data), "All Hosts") == 0;
}

/* The sidebar follows the session's connections: All Hosts, then one row per host;
 * choosing one shows its guests only, and removing the chosen one goes back to All
 * Hosts. */
static void
test_sidebar (Fixture      *f,
              gconstpointer data)
{
  HangarSession *session = hangar_application_get_session (f->app);
  GtkListBox *list = GTK_LIST_BOX (test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_LIST_BOX,
                                                     is_host_list, NULL));
  AdwWindowTitle *title = ADW_WINDOW_TITLE (test_find_widget (GTK_WIDGET (f->window),
                                                              ADW_TYPE_WINDOW_TITLE,
                                                              is_content_title, NULL));
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "empty-host.xml", NULL);
  g_autofree char *uri = g_strconcat ("test://", path, NULL);
  HangarConnection *empty;

  g_assert_true (test_wait_for (model_has_three, f->model, 5000));
  g_assert_cmpuint (count_rows (list), ==, 2);
  g_assert_true (gtk_list_box_get_selected_row (list) == gtk_list_box_get_row_at_index (list, 0));

  empty = hangar_session_add_connection (session, uri, FALSE, FALSE);
  g_assert_true (test_wait_for (is_connected, empty, 5000));
  g_assert_cmpuint (count_rows (list), ==, 3);
  g_assert_true (test_wait_for (model_has_three, f->model, 5000));

  /* The empty host alone: no guests, its name in the title. */
  hangar_window_select_connection (f->window, empty);
  g_assert_true (gtk_list_box_get_selected_row (list) == gtk_list_box_get_row_at_index (list, 2));
  g_assert_true (test_wait_for (model_has_none, f->model, 5000));

  hangar_session_remove_connection (session, empty);
  g_assert_cmpuint (count_rows (list), ==, 2);
  g_assert_true (gtk_list_box_get_selected_row (list) == gtk_list_box_get_row_at_index (list, 0));
  g_assert_true (test_wait_for (model_has_three, f->model, 5000));
  g_assert_true (test_wait_for (title_is_all_hosts, title, 5000));
}

static GtkColumnViewColumn *
column_titled (GtkColumnView *view,
               const char    *title)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;
    }
  g_error ("No column titled %s", title);
}

static void
test_sort (Fixture      *f,
           gconstpointer data)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (test_find_widget (GTK_WIDGET (f->window),
                                                      GTK_TYPE_COLUMN_VIEW, NULL, NULL));
  char *names;

  g_assert_true (test_wait_for (model_has_three, f->model, 5000));

  gtk_column_view_sort_by_column (view, column_titled (view, "Name"), GTK_SORT_DESCENDING);
  names = names_in_view (f->model);
  g_assert_cmpstr (names, ==, "charlie bravo alpha");
  g_free (names);

  /* By state: running, then paused, then shut off. */
  gtk_column_view_sort_by_column (view, column_titled (view, "State"), GTK_SORT_ASCENDING);
  names = names_in_view (f->model);
  g_assert_cmpstr (names, ==, "alpha bravo charlie");
  g_free (names);

  gtk_column_view_sort_by_column (view, column_titled (view, "State"), GTK_SORT_DESCENDING);
  names = names_in_view (f->model);
  g_assert_cmpstr (names, ==, "charlie bravo alpha");
  g_free (names);

  gtk_column_view_sort_by_column (view, column_titled (view, "Memory"), GTK_SORT_ASCENDING);
  names = names_in_view (f->model);
  g_assert_cmpstr (names, ==, "charlie alpha bravo");
  g_free (names);
}

static gboolean
charlie_runs (gpointer data)
{
  HangarGuest *guest = hangar_connection_find_guest (data, "charlie");

  return hangar_guest_get_state (guest) == HANGAR_GUEST_STATE_RUNNING;
}

static gboolean
widget_is_sensitive (gpointer data)
{
  return gtk_widget_get_sensitive (data);
}

static void
test_action_on_selection (Fixture      *f,
                          gconstpointer data)
{
  GtkWidget *run = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, has_action,
                                "win.run-guest");
  GtkWidget *pause = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, has_action,
                                  "win.pause-guest");
  guint charlie = GTK_INVALID_LIST_POSITION;

  g_assert_true (test_wait_for (model_has_three, f->model, 5000));
  g_assert_nonnull (run);
  g_assert_nonnull (pause);

  /* Nothing selected: nothing to run. */
  g_assert_false (gtk_widget_get_sensitive (run));

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(HangarGuest) guest = g_list_model_get_item (f->model, i);
      if (g_str_equal (hangar_guest_get_name (guest), "charlie"))
        charlie = i;
    }
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (f->model), charlie, TRUE);

  /* A shut-off guest can run but not pause. */
  g_assert_true (gtk_widget_get_sensitive (run));
  g_assert_false (gtk_widget_get_sensitive (pause));

  g_signal_emit_by_name (run, "clicked");
  g_assert_true (test_wait_for (charlie_runs, f->connection, 5000));

  /* The buttons follow the new state once libvirt reports it. */
  g_assert_true (test_wait_for (widget_is_sensitive, pause, 5000));
  g_assert_false (gtk_widget_get_sensitive (run));
}

static void
on_open_guest_cb (HangarWindow *window,
                  HangarGuest  *guest,
                  GPtrArray    *opened)
{
  g_ptr_array_add (opened, g_strdup (hangar_guest_get_name (guest)));
}

/* Open (the header button, Enter or a double click) asks for the guest's window with
 * the window's open-guest signal, which the application answers. */
static void
test_open_guest (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr(GPtrArray) opened = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *open = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_BUTTON, has_action,
                                      "win.open-guest");
  GtkWidget *view = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_COLUMN_VIEW, NULL, NULL);
  guint bravo = GTK_INVALID_LIST_POSITION;

  g_assert_true (test_wait_for (model_has_three, f->model, 5000));
  g_assert_nonnull (open);
  g_assert_nonnull (view);
  g_signal_connect (f->window, "open-guest", G_CALLBACK (on_open_guest_cb), opened);
  g_assert_false (gtk_widget_get_sensitive (open));

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(HangarGuest) guest = g_list_model_get_item (f->model, i);
      if (g_str_equal (hangar_guest_get_name (guest), "bravo"))
        bravo = i;
    }
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (f->model), bravo, TRUE);
  g_assert_true (gtk_widget_get_sensitive (open));
  g_signal_emit_by_name (open, "clicked");
  g_assert_cmpuint (opened->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (opened, 0), ==, "bravo");

  /* A row activated (Enter, double click) opens that row's guest. */
  g_signal_emit_by_name (view, "activate", bravo);
  g_assert_cmpuint (opened->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (opened, 1), ==, "bravo");
}

static void
test_empty_host (Fixture      *f,
                 gconstpointer data)
{
  GtkWidget *status = test_find_widget (GTK_WIDGET (f->window), ADW_TYPE_STATUS_PAGE, NULL, NULL);
  GtkWidget *stack = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_STACK, is_guest_stack, NULL);

  g_assert_cmpuint (g_list_model_get_n_items (f->model), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "No Guests");
  hangar_test_assert_accessible_names (GTK_WIDGET (f->window));
}

/* The failure page says why and offers Retry, its mnemonic rendered as such. */
static void
test_failed_host (Fixture      *f,
                  gconstpointer data)
{
  GtkWidget *status = test_find_widget (GTK_WIDGET (f->window), ADW_TYPE_STATUS_PAGE, NULL, NULL);
  GtkWidget *button = test_find_widget (status, GTK_TYPE_BUTTON, NULL, NULL);
  GtkWidget *label;

  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==,
                   "Could Not Connect to Test: no-such-host.xml");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  label = test_find_widget (button, GTK_TYPE_LABEL, NULL, NULL);
  g_assert_nonnull (label);
  /* What the label draws: "Retry", with R underlined on Alt, never "_Retry". */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "Retry");
  g_assert_true (gtk_label_get_use_underline (GTK_LABEL (label)));
  hangar_test_assert_accessible_names (GTK_WIDGET (f->window));
}

static gboolean
is_new_domain_button (GtkWidget    *widget,
                      gconstpointer data)
{
  return g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.new-domain") == 0;
}

static void
on_new_domain_cb (HangarWindow      *window,
                  HangarConnection  *connection,
                  HangarConnection **asked)
{
  *asked = connection;
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *)data != NULL;
}

static gboolean
has_add_connection_dialog (gpointer data)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (HANGAR_IS_ADD_CONNECTION_DIALOG (l->data))
      {
        *(GtkWindow **)data = l->data;
        return TRUE;
      }
  return FALSE;
}

/* The header bar's New Virtual Machine button (named for a screen reader, with a
 * tooltip) and Ctrl+N ask for a new guest on the connected host; Ctrl+Shift+N adds a
 * connection instead. Real X11 keys. */
static void
test_new_domain (Fixture      *f,
                 gconstpointer data)
{
  GtkWidget *button = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_BUTTON,
                                        is_new_domain_button, NULL);
  HangarConnection *asked = NULL;
  GtkWindow *dialog = NULL;
  g_autofree char *focus = NULL;

  g_assert_nonnull (button);
  g_assert_null (gtk_test_accessible_check_property (GTK_ACCESSIBLE (button),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                     "New Virtual Machine"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "New Virtual Machine");
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (button)), ==, "list-add-symbolic");
  g_assert_true (gtk_widget_is_sensitive (button));

  g_signal_connect (f->window, "new-domain", G_CALLBACK (on_new_domain_cb), &asked);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (asked == f->connection);
  asked = NULL;

  g_assert_true (test_wait_for (widget_is_mapped, button, 5000));
  focus = g_strdup_printf ("windowfocus --sync %lu", test_x11_window_id (GTK_WIDGET (f->window)));
  test_xdotool (focus);
  g_assert_true (test_wait_for (window_is_active, f->window, 3000));
  test_xdotool ("key ctrl+n");
  g_assert_true (test_wait_for (is_set, &asked, 3000));
  g_assert_true (asked == f->connection);
  g_assert_false (has_add_connection_dialog (&dialog));

  test_xdotool ("key ctrl+shift+n");
  g_assert_true (test_wait_for (has_add_connection_dialog, &dialog, 3000));
  gtk_window_destroy (dialog);
}

/* With the only host not connected, there is nowhere to make a guest: the button is
 * off. */
static void
test_new_domain_no_host (Fixture      *f,
                         gconstpointer data)
{
  GtkWidget *button = test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_BUTTON,
                                        is_new_domain_button, NULL);

  g_assert_false (gtk_widget_is_sensitive (button));
}

static AdwMessageDialog *
find_host_question (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        g_strcmp0 (adw_message_dialog_get_heading (l->data), "New Virtual Machine") == 0)
      return l->data;
  return NULL;
}

static gboolean
asks_host (gpointer data)
{
  return find_host_question () != NULL;
}

static gboolean
is_labelled (GtkWidget    *widget,
             gconstpointer data)
{
  return g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), data) == 0;
}

/* Under All Hosts with two hosts connected, New Virtual Machine asks which one (a
 * button per host) instead of guessing; with one chosen in the sidebar it asks
 * nothing. */
static void
test_new_domain_two_hosts (Fixture      *f,
                           gconstpointer data)
{
  HangarSession *session = hangar_application_get_session (f->app);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "empty-host.xml", NULL);
  g_autofree char *uri = g_strconcat ("test://", path, NULL);
  HangarConnection *second = hangar_session_add_connection (session, uri, FALSE, FALSE);
  HangarConnection *asked = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *host_button;

  g_assert_true (test_wait_for (is_connected, second, 5000));
  g_signal_connect (f->window, "new-domain", G_CALLBACK (on_new_domain_cb), &asked);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-domain", NULL);
  g_assert_true (test_wait_for (asks_host, NULL, 3000));
  g_assert_null (asked);
  dialog = find_host_question ();
  hangar_test_assert_accessible_names (GTK_WIDGET (dialog));
  g_assert_nonnull (test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, is_labelled,
                                      hangar_connection_get_title (f->connection)));
  host_button = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, is_labelled,
                                  hangar_connection_get_title (second));
  g_assert_nonnull (host_button);
  g_signal_emit_by_name (host_button, "clicked");
  g_assert_true (asked == second);

  /* A host chosen in the sidebar is where the guest goes. */
  asked = NULL;
  hangar_window_select_connection (f->window, f->connection);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-domain", NULL);
  g_assert_true (asked == f->connection);

  hangar_session_remove_connection (session, second);
}

int
main (int   argc,
      char *argv[])
{
  /* Typing goes through xdotool, which needs X11 windows. */
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/window/lists-guests", Fixture, "three-guests.xml", fixture_setup,
              test_lists_guests, fixture_teardown);
  g_test_add ("/window/filter", Fixture, "three-guests.xml", fixture_setup, test_filter,
              fixture_teardown);
  g_test_add ("/window/type-to-search", Fixture, "three-guests.xml", fixture_setup,
              test_type_to_search, fixture_teardown);
  g_test_add ("/window/cells", Fixture, "three-guests.xml", fixture_setup, test_cells,
              fixture_teardown);
  g_test_add ("/window/context-menu", Fixture, "three-guests.xml", fixture_setup,
              test_context_menu, fixture_teardown);
  g_test_add ("/window/sidebar", Fixture, "three-guests.xml", fixture_setup, test_sidebar,
              fixture_teardown);
  g_test_add ("/window/sort", Fixture, "three-guests.xml", fixture_setup, test_sort,
              fixture_teardown);
  g_test_add ("/window/action-on-selection", Fixture, "three-guests.xml", fixture_setup,
              test_action_on_selection, fixture_teardown);
  g_test_add ("/window/open-guest", Fixture, "three-guests.xml", fixture_setup, test_open_guest,
              fixture_teardown);
  g_test_add ("/window/empty-host", Fixture, "empty-host.xml", fixture_setup, test_empty_host,
              fixture_teardown);

  g_test_add ("/window/new-domain", Fixture, "three-guests.xml", fixture_setup, test_new_domain,
              fixture_teardown);
  g_test_add ("/window/new-domain-two-hosts", Fixture, "three-guests.xml", fixture_setup,
              test_new_domain_two_hosts, fixture_teardown);

  g_test_add ("/window/failed-host", Fixture, NULL, fixture_setup_failed, test_failed_host,
              fixture_teardown);
  g_test_add ("/window/new-domain-no-host", Fixture, NULL, fixture_setup_failed,
              test_new_domain_no_host, fixture_teardown);

  return g_test_run ();
}
