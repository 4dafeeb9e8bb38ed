// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-creator-hardware-pages"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-creator-resources-page.h"
#include "hangar-creator-state.h"
#include "hangar-guest-spec.h"
#include "test-core-util.h"
#include "test-wizard-util.h"

/* The New VM window's memory-and-CPUs, storage and details pages, each in a window of
 * its own on a HangarCreatorState, driven as a user would under Xvfb; every message a
 * field can show. Hosts: test:///default (16 CPUs, 3 GiB of memory, of which libvirt
 * reports a few MiB free; the network "default"; the interface eth1) and
 * tests/data/creator-host.xml (see there). */

#define GiB (G_GUINT64_CONSTANT (1) << 30)
#define MiB (G_GUINT64_CONSTANT (1) << 20)

typedef struct {
  HangarConnection *connection;
  HangarCreatorState *state;
  GtkWidget *window;
  GtkWidget *page;
} Fixture;

static void
fixture_open (Fixture    *fixture,
              const char *uri,
              GtkWidget *(*page_new) (HangarCreatorState *state))
{
  fixture->connection = test_open_connection (uri);
  fixture->state = hangar_creator_state_new (fixture->connection);
  fixture->page = page_new (fixture->state);
  fixture->window = gtk_window_new ();
  g_object_ref (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 640, 720);
  gtk_window_set_child (GTK_WINDOW (fixture->window), fixture->page);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_close (Fixture *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  test_assert_finalized (g_steal_pointer (&fixture->window));
  test_assert_finalized (g_steal_pointer (&fixture->state));
  hangar_connection_close (fixture->connection);
  test_assert_finalized (g_steal_pointer (&fixture->connection));
}

static gboolean
row_has_subtitle (gpointer data)
{
  const char *subtitle = adw_action_row_get_subtitle (data);

  return subtitle != NULL && *subtitle != '\0';
}

static gboolean
is_host_ready (gpointer data)
{
  return hangar_creator_state_get_host_ready (data);
}

static gboolean
is_complete (HangarCreatorPage *page)
{
  return hangar_creator_page_get_complete (page);
}

static GtkSpinButton *
spin_of (GtkWidget *row)
{
  return GTK_SPIN_BUTTON (test_find_widget (row, GTK_TYPE_SPIN_BUTTON, NULL, NULL));
}

/* Every control of the page's groups has a name. (The page's scroll pane around them
 * is AdwPreferencesPage's own, unnamed in libadwaita 1.2.) */
static void
collect_groups (GtkWidget *widget,
                GPtrArray *groups)
{
  if (ADW_IS_PREFERENCES_GROUP (widget))
    {
      g_ptr_array_add (groups, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_groups (child, groups);
}

static void
assert_controls_named (GtkWidget *page)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();

  collect_groups (page, groups);
  g_assert_cmpuint (groups->len, >, 0);
  for (guint i = 0; i < groups->len; i++)
    hangar_test_assert_accessible_names (groups->pdata[i]);
}

/* Memory and CPUs. */

static unsigned long long
default_host_free_memory (void)
{
  virConnectPtr other = virConnectOpen ("test:///default");
  unsigned long long free_memory;

  g_assert_nonnull (other);
  free_memory = virNodeGetFreeMemory (other);
  virConnectClose (other);
  return free_memory;
}

/* The generic OS's 2 GiB and 2 vCPUs; a warning above the host's free memory, an error
 * above its total and at zero; vCPUs above the host's 16 and zero refused. */
static void
test_resources_bounds (void)
{
  Fixture fixture = { 0 };
  GtkWidget *memory_row;
  GtkWidget *vcpus_row;
  GtkDropDown *unit;
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();
  unsigned long long free_memory = default_host_free_memory ();

  /* The test driver's host: too little free for a real guest, 3 GiB in all. */
  g_assert_cmpuint (free_memory, >, 2 * MiB);
  g_assert_cmpuint (free_memory, <, 1 * GiB);

  fixture_open (&fixture, "test:///default", hangar_creator_resources_page_new);
  memory_row = test_find_titled (fixture.page, ADW_TYPE_ACTION_ROW, "_Memory");
  vcpus_row = test_find_titled (fixture.page, ADW_TYPE_ACTION_ROW, "_CPUs");
  unit = GTK_DROP_DOWN (test_find_widget (memory_row, GTK_TYPE_DROP_DOWN, NULL, NULL));
  g_assert_true (test_wait_for (row_has_subtitle, vcpus_row, 5000));
  g_assert_true (test_wait_for (is_host_ready, fixture.state, 5000));
  assert_controls_named (fixture.page);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (vcpus_row)), ==,
                   "The host has 16 CPUs");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (memory_row)),
                            "The host has 3.0\u00a0GiB"));

  /* The generic defaults, in GiB. */
  g_assert_cmpuint (gtk_drop_down_get_selected (unit), ==, 1);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_of (memory_row)), ==, 2);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin_of (vcpus_row)), ==, 2);
  test_assert_field_note (memory_row, "warning", "free now");
  test_assert_field_clean (vcpus_row);
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  gtk_spin_button_set_value (spin_of (memory_row), 4);
  test_assert_field_error (memory_row, "The host has only 3.0\u00a0GiB of memory");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  gtk_spin_button_set_value (spin_of (memory_row), 0);
  test_assert_field_error (memory_row, "cannot be zero");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  /* MiB: 2 MiB fits in what is free. */
  gtk_drop_down_set_selected (unit, 0);
  gtk_spin_button_set_value (spin_of (memory_row), 2);
  test_assert_field_clean (memory_row);
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  /* The unit converts what is there. */
  gtk_spin_button_set_value (spin_of (memory_row), 1536);
  gtk_drop_down_set_selected (unit, 1);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_of (memory_row)), ==, 1.5);

  gtk_spin_button_set_value (spin_of (vcpus_row), 17);
  test_assert_field_error (vcpus_row, "The host has 16 CPUs");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  gtk_spin_button_set_value (spin_of (vcpus_row), 0);
  test_assert_field_error (vcpus_row, "cannot be zero");
  gtk_spin_button_set_value (spin_of (vcpus_row), 16);
  test_assert_field_clean (vcpus_row);
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
  g_assert_cmpuint (spec->memory, ==, 1536 * MiB);
  g_assert_cmpuint (spec->vcpus, ==, 16);

  /* The final check's error lands beside its field; another page's does not. */
  {
    g_autoptr(GError) memory_error = g_error_new_literal (HANGAR_GUEST_SPEC_ERROR,
                                                          HANGAR_GUEST_SPEC_ERROR_MEMORY,
                                                          "Memory refused by the host.");
    g_autoptr(GError) name_error = g_error_new_literal (HANGAR_GUEST_SPEC_ERROR,
                                                        HANGAR_GUEST_SPEC_ERROR_NAME,
                                                        "Name refused.");

    g_assert_false (hangar_creator_page_show_error (HANGAR_CREATOR_PAGE (fixture.page),
                                                    name_error));
    g_assert_true (hangar_creator_page_show_error (HANGAR_CREATOR_PAGE (fixture.page),
                                                   memory_error));
    test_assert_field_error (memory_row, "Memory refused by the host.");
  }
  test_save_screenshot (fixture.window, "creator-resources");
  fixture_close (&fixture);
}

static OsinfoOs *
os_with_resources (const char *id,
                   gint64      ram,
                   int         cpus)
{
  OsinfoOs *os = osinfo_os_new (id);
  g_autoptr(OsinfoResources) resources = osinfo_resources_new (id, "all");

  osinfo_resources_set_ram (resources, ram);
  osinfo_resources_set_n_cpus (resources, cpus);
  osinfo_entity_set_param (OSINFO_ENTITY (os), OSINFO_PRODUCT_PROP_SHORT_ID, "testos");
  osinfo_os_add_recommended_resources (os, resources);
  return os;
}

/* A new OS brings its sizes to the fields the user left alone, never to one touched;
 * a default above the host's CPUs is cut to them. */
static void
test_resources_defaults (void)
{
  Fixture fixture = { 0 };
  GtkWidget *memory_row;
  GtkWidget *vcpus_row;
  g_autoptr(OsinfoOs) small = os_with_resources ("http://example.org/small", 512 * MiB, 1);
  g_autoptr(OsinfoOs) big = os_with_resources ("http://example.org/big", 3 * GiB, 32);

  fixture_open (&fixture, "test:///default", hangar_creator_resources_page_new);
  memory_row = test_find_titled (fixture.page, ADW_TYPE_ACTION_ROW, "_Memory");
  vcpus_row = test_find_titled (fixture.page, ADW_TYPE_ACTION_ROW, "_CPUs");
  g_assert_true (test_wait_for (row_has_subtitle, vcpus_row, 5000));
  g_assert_true (test_wait_for (is_host_ready, fixture.state, 5000));

  hangar_creator_state_set_os (fixture.state, small);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_of (memory_row)), ==, 512);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin_of (vcpus_row)), ==, 1);

  hangar_creator_state_set_os (fixture.state, big);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_of (memory_row)), ==, 3);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin_of (vcpus_row)), ==, 16);

  /* The user sets the CPUs: only the memory follows the OS now. */
  gtk_spin_button_set_value (spin_of (vcpus_row), 3);
  hangar_creator_state_set_os (fixture.state, small);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_of (memory_row)), ==, 512);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin_of (vcpus_row)), ==, 3);
  fixture_close (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/creator-hardware/resources/bounds", test_resources_bounds);
  g_test_add_func ("/creator-hardware/resources/defaults", test_resources_defaults);
  return g_test_run ();
}
