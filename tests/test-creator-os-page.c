// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-creator-os-page"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "hangar-creator-os-page.h"
#include "hangar-creator-state.h"
#include "test-core-util.h"
#include "test-wizard-util.h"

/* The Operating System page under Xvfb, on test:///default and this machine's installed
 * osinfo-db (the application's catalog, loaded once for the whole run). Known entries
 * from the database's files: fedora-20.xml ends its life in 2015; debian-11.xml has no
 * end-of-life date and was released in 2021-08, more than five years ago. */

typedef struct {
  HangarConnection *connection;
  HangarCreatorState *state;
  GtkWidget *window;
  GtkWidget *page;
} Fixture;

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  fixture->connection = test_open_connection ("test:///default");
  fixture->state = hangar_creator_state_new (fixture->connection);
  fixture->page = g_object_ref (hangar_creator_os_page_new (fixture->state));
  fixture->window = g_object_ref (gtk_window_new ());
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 640, 800);
  gtk_window_set_child (GTK_WINDOW (fixture->window), fixture->page);
  gtk_window_present (GTK_WINDOW (fixture->window));
  hangar_creator_page_shown (HANGAR_CREATOR_PAGE (fixture->page));
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  test_assert_finalized (fixture->window);
  test_assert_finalized (fixture->page);
  test_assert_finalized (fixture->state);
  g_clear_object (&fixture->connection);
}

static gboolean
catalog_loaded (gpointer data)
{
  return hangar_os_catalog_get_loaded (data);
}

static void
wait_loaded (Fixture *fixture)
{
  g_assert_true (test_wait_for (catalog_loaded,
                                hangar_creator_state_get_catalog (fixture->state), 20000));
}

static GtkStack *
list_stack (Fixture *fixture)
{
  return GTK_STACK (test_find_widget (fixture->page, GTK_TYPE_STACK, NULL, NULL));
}

static GtkSingleSelection *
selection (Fixture *fixture)
{
  GtkWidget *view = test_find_widget (fixture->page, GTK_TYPE_LIST_VIEW, NULL, NULL);

  return GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (view)));
}

static gboolean
complete (Fixture *fixture)
{
  return hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (fixture->page));
}

static const char *
label_text (Fixture    *fixture,
            const char *name)
{
  GtkWidget *label = test_find_widget (fixture->page, GTK_TYPE_LABEL, test_has_name, name);

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

/* The short ids the list shows, each between spaces (" fedora37 fedora36 "). */
static char *
listed (Fixture *fixture)
{
  GListModel *model = G_LIST_MODEL (selection (fixture));
  GString *ids = g_string_new (" ");

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HangarOsEntry) entry = g_list_model_get_item (model, i);

      g_string_append_printf (ids, "%s ", hangar_os_entry_get_short_id (entry));
    }
  return g_string_free (ids, FALSE);
}

/* Types @text in the search entry; the entry reports the search after a short pause
 * (an empty text at once, on the way), which is hurried here. */
static void
search (Fixture    *fixture,
        const char *text)
{
  GtkWidget *entry = test_find_widget (fixture->page, GTK_TYPE_SEARCH_ENTRY, NULL, NULL);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (entry, "search-changed");
}

static GtkSwitch *
eol_switch (Fixture *fixture)
{
  GtkWidget *row = test_find_titled (fixture->page, ADW_TYPE_ACTION_ROW,
                                     "Include _End-of-Life Systems");

  return GTK_SWITCH (test_find_widget (row, GTK_TYPE_SWITCH, NULL, NULL));
}

/* The list's rows are all one height: the position of row @position is its share of
 * the list's whole height. */
static gboolean
selected_on_top (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *view = test_find_widget (fixture->page, GTK_TYPE_LIST_VIEW, NULL, NULL);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  guint position = gtk_single_selection_get_selected (selection (fixture));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (selection (fixture)));
  double row = gtk_adjustment_get_upper (adjustment) / n;
  double top = position * row;

  return position != GTK_INVALID_LIST_POSITION && row > 0
         && G_APPROX_VALUE (gtk_adjustment_get_value (adjustment), top, row / 2);
}

static void
assert_selected_on_top (Fixture *fixture)
{
  g_assert_cmpuint (gtk_single_selection_get_selected (selection (fixture)), >, 20);
  g_assert_true (test_wait_for (selected_on_top, fixture, 5000));
}

/* The wizard's Forward, counted (the page activates the window's creator.forward). */
static void
on_forward_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  guint *forwards = user_data;

  (*forwards)++;
}

/* The page says the catalog is loading until it is, then lists it; nothing chosen, not
 * complete. Searching "fedora" lists Fedora entries only; the end-of-life switch adds
 * Fedora 20. Choosing one sets the state's OS and completes the page. */
static void
test_list (Fixture      *fixture,
           gconstpointer data)
{
  g_autofree char *fedoras = NULL;
  g_autofree char *with_eol = NULL;
  g_auto(GStrv) ids = NULL;
  GListModel *model = G_LIST_MODEL (selection (fixture));
  guint all;

  /* The first test of the run meets the catalog still loading (loading finishes on
   * this main loop, which has not run yet). */
  g_assert_false (hangar_os_catalog_get_loaded (hangar_creator_state_get_catalog (fixture->state)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (list_stack (fixture)), ==, "loading");
  g_assert_cmpstr (label_text (fixture, "loading"), ==, "Loading the list of operating systems…");
  g_assert_false (complete (fixture));
  hangar_test_assert_accessible_names (fixture->window);

  wait_loaded (fixture);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (list_stack (fixture)), ==, "list");
  all = g_list_model_get_n_items (model);
  g_assert_cmpuint (all, >, 20);
  g_assert_false (complete (fixture));
  g_assert_cmpstr (label_text (fixture, "chosen"), ==, "None yet");
  test_save_screenshot (fixture->window, "creator-os-page");

  search (fixture, "fedora");
  fedoras = listed (fixture);
  ids = g_strsplit (g_strstrip (g_strdup (fedoras)), " ", -1);
  g_assert_cmpuint (g_strv_length (ids), >, 3);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(HangarOsEntry) entry = g_list_model_get_item (model, i);
      g_autofree char *name = g_ascii_strdown (hangar_os_entry_get_name (entry), -1);

      if (strstr (name, "fedora") == NULL && strstr (ids[i], "fedora") == NULL)
        g_error ("“%s” (%s) listed for “fedora”", hangar_os_entry_get_name (entry), ids[i]);
    }
  g_assert_null (strstr (fedoras, " fedora20 "));

  gtk_switch_set_active (eol_switch (fixture), TRUE);
  with_eol = listed (fixture);
  g_assert_nonnull (strstr (with_eol, " fedora20 "));
  g_assert_cmpuint (strlen (with_eol), >, strlen (fedoras));

  /* A search nothing matches says so. */
  search (fixture, "no such system");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (list_stack (fixture)), ==, "empty");
  g_assert_nonnull (strstr (label_text (fixture, "empty"), "No operating system matches"));

  search (fixture, "fedora20");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  gtk_single_selection_set_selected (selection (fixture), 0);
  g_assert_cmpstr (osinfo_product_get_short_id (OSINFO_PRODUCT (hangar_creator_state_get_os (fixture->state))),
                   ==, "fedora20");
  g_assert_cmpstr (hangar_creator_state_get_spec (fixture->state)->os_id, ==,
                   "http://fedoraproject.org/fedora/20");
  g_assert_cmpstr (label_text (fixture, "chosen"), ==, "Fedora 20");
  g_assert_true (complete (fixture));
  hangar_test_assert_accessible_names (fixture->window);
}

/* Generic / Unknown: libosinfo's linux2022, and the page is complete. */
static void
test_generic (Fixture      *fixture,
              gconstpointer data)
{
  GtkWidget *row = test_find_titled (fixture->page, ADW_TYPE_ACTION_ROW, "_Generic / Unknown");

  wait_loaded (fixture);
  g_assert_false (complete (fixture));
  g_signal_emit_by_name (row, "activated");
  g_assert_cmpstr (osinfo_product_get_short_id (OSINFO_PRODUCT (hangar_creator_state_get_os (fixture->state))),
                   ==, "linux2022");
  g_assert_true (complete (fixture));
}

/* What detection found: named as detected, selected in the list (end-of-life ones
 * shown for it); a family guess with its note in view; nothing found says so and
 * leaves the choice to the user. */
static void
test_detected (Fixture      *fixture,
               gconstpointer data)
{
  HangarOsCatalog *catalog = hangar_creator_state_get_catalog (fixture->state);
  GtkWidget *detected = NULL;
  HangarOsMatch match = { 0 };
  HangarOsEntry *selected;
  const char *note = "This Debian medium is newer than Hangar's OS database.";

  wait_loaded (fixture);
  detected = test_find_titled (fixture->page, ADW_TYPE_ACTION_ROW, "Not recognised");
  g_assert_true (gtk_widget_is_visible (detected));   /* the source is media by default */

  match.os = hangar_os_catalog_find_os (catalog, "debian11");
  g_assert_nonnull (match.os);
  match.short_id = (char *) "debian11";
  match.name = (char *) "Debian 11";
  match.identified = TRUE;
  hangar_creator_state_set_match (fixture->state, &match);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (detected)), ==, "Debian 11");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (detected)), ==,
                   "Detected from the medium");
  g_assert_false (gtk_widget_is_visible (test_find_widget (fixture->page, GTK_TYPE_LABEL,
                                                           test_has_name, "note")));
  g_assert_true (gtk_switch_get_active (eol_switch (fixture)));
  selected = gtk_single_selection_get_selected_item (selection (fixture));
  g_assert_nonnull (selected);
  g_assert_cmpstr (hangar_os_entry_get_short_id (selected), ==, "debian11");
  g_assert_cmpstr (label_text (fixture, "chosen"), ==, "Debian 11");
  g_assert_true (complete (fixture));
  /* Far down the list, it is scrolled to the top of the view. */
  assert_selected_on_top (fixture);

  match.identified = FALSE;
  match.from_family_guess = TRUE;
  match.note = (char *) note;
  hangar_creator_state_set_match (fixture->state, &match);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (detected)), ==,
                   "Suggested from the medium’s name");
  g_assert_true (gtk_widget_is_visible (test_find_widget (fixture->page, GTK_TYPE_LABEL,
                                                          test_has_name, "note")));
  g_assert_cmpstr (label_text (fixture, "note"), ==, note);
  test_save_screenshot (fixture->window, "creator-os-page-guess");
  hangar_test_assert_accessible_names (fixture->window);

  /* Nothing recognised: the page waits for the user's choice. */
  hangar_creator_state_set_os (fixture->state, NULL);
  memset (&match, 0, sizeof match);
  match.name = (char *) "Unknown";
  hangar_creator_state_set_match (fixture->state, &match);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (detected)), ==,
                   "Not recognised");
  g_assert_null (gtk_single_selection_get_selected_item (selection (fixture)));
  g_assert_cmpstr (label_text (fixture, "chosen"), ==, "None yet");
  g_assert_false (complete (fixture));

  /* Sources that read nothing have nothing detected to show. */
  hangar_creator_state_set_match (fixture->state, NULL);
  hangar_creator_state_set_source (fixture->state, HANGAR_GUEST_SOURCE_PXE);
  g_assert_false (gtk_widget_is_visible (detected));
}

/* A source with no medium to read (a kernel, a disk image, the network, nothing) starts
 * on Generic / Unknown, the page complete; a choice of the user's stays. */
static void
test_nothing_to_detect (Fixture      *fixture,
                        gconstpointer data)
{
  OsinfoOs *fedora;

  wait_loaded (fixture);
  g_assert_false (complete (fixture));   /* media: the medium will tell */
  hangar_creator_state_set_source (fixture->state, HANGAR_GUEST_SOURCE_KERNEL);
  hangar_creator_page_shown (HANGAR_CREATOR_PAGE (fixture->page));
  g_assert_cmpstr (osinfo_product_get_short_id (OSINFO_PRODUCT (hangar_creator_state_get_os (fixture->state))),
                   ==, "linux2022");
  g_assert_true (gtk_widget_get_visible (test_find_widget (fixture->page, GTK_TYPE_IMAGE, test_has_name,
                                                           "generic-check")));
  g_assert_true (complete (fixture));

  search (fixture, "fedora37");
  gtk_single_selection_set_selected (selection (fixture), 0);
  fedora = hangar_creator_state_get_os (fixture->state);
  g_assert_cmpstr (osinfo_product_get_short_id (OSINFO_PRODUCT (fedora)), ==, "fedora37");
  hangar_creator_state_set_source (fixture->state, HANGAR_GUEST_SOURCE_IMPORT);
  hangar_creator_page_shown (HANGAR_CREATOR_PAGE (fixture->page));
  g_assert_true (hangar_creator_state_get_os (fixture->state) == fedora);
}

/* Keyboard only: Enter in the search chooses the first match when the chosen OS is not
 * among the matches; Enter again (the choice listed) goes forward, as an empty search
 * does; Enter on a row chooses it and goes forward. */
static void
test_search_enter (Fixture      *fixture,
                   gconstpointer data)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) forward = g_simple_action_new ("forward", NULL);
  GtkWidget *entry = test_find_widget (fixture->page, GTK_TYPE_SEARCH_ENTRY, NULL, NULL);
  g_autoptr(HangarOsEntry) first = NULL;
  GtkWidget *focus;
  guint forwards = 0;

  g_signal_connect (forward, "activate", G_CALLBACK (on_forward_cb), &forwards);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (forward));
  gtk_widget_insert_action_group (fixture->window, "creator", G_ACTION_GROUP (group));
  wait_loaded (fixture);
  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_true (focus != NULL && gtk_widget_is_ancestor (focus, entry));   /* where one types */

  search (fixture, "fedora3");
  g_assert_false (complete (fixture));
  first = g_list_model_get_item (G_LIST_MODEL (selection (fixture)), 0);
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (hangar_creator_state_get_os (fixture->state) == hangar_os_entry_get_os (first));
  g_assert_cmpstr (label_text (fixture, "chosen"), ==, hangar_os_entry_get_name (first));
  g_assert_true (complete (fixture));
  g_assert_cmpuint (forwards, ==, 0);

  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (forwards, ==, 1);
  g_assert_true (hangar_creator_state_get_os (fixture->state) == hangar_os_entry_get_os (first));

  /* A choice made on another search stays when Enter comes on an empty one. */
  search (fixture, "");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (forwards, ==, 2);
  g_assert_true (hangar_creator_state_get_os (fixture->state) == hangar_os_entry_get_os (first));

  /* Enter on a row of the list (or a double click) chooses it and goes forward. */
  search (fixture, "fedora3");
  g_object_unref (first);
  first = g_list_model_get_item (G_LIST_MODEL (selection (fixture)), 1);
  g_signal_emit_by_name (test_find_widget (fixture->page, GTK_TYPE_LIST_VIEW, NULL, NULL),
                         "activate", 1);
  g_assert_true (hangar_creator_state_get_os (fixture->state) == hangar_os_entry_get_os (first));
  g_assert_cmpuint (forwards, ==, 3);
  gtk_widget_insert_action_group (fixture->window, "creator", NULL);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/creator-os-page/list", Fixture, NULL, fixture_set_up, test_list,
              fixture_tear_down);
  g_test_add ("/creator-os-page/generic", Fixture, NULL, fixture_set_up, test_generic,
              fixture_tear_down);
  g_test_add ("/creator-os-page/detected", Fixture, NULL, fixture_set_up, test_detected,
              fixture_tear_down);
  g_test_add ("/creator-os-page/nothing-to-detect", Fixture, NULL, fixture_set_up,
              test_nothing_to_detect, fixture_tear_down);
  g_test_add ("/creator-os-page/search-enter", Fixture, NULL, fixture_set_up, test_search_enter,
              fixture_tear_down);
  return g_test_run ();
}
