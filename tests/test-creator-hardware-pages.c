// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-creator-hardware-pages"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-creator-details-page.h"
#include "hangar-creator-resources-page.h"
#include "hangar-creator-state.h"
#include "hangar-creator-storage-page.h"
#include "hangar-pool.h"
#include "hangar-guest-spec.h"
#include "test-core-util.h"
#include "test-creator-util.h"
#include "test-wizard-util.h"

/* The New VM window's memory-and-CPUs, storage and details pages, each in a window of
 * its own on a HangarCreatorState, driven as a user would under Xvfb; every message a
 * field can show. Hosts: test:///default (16 CPUs, 3 GiB of memory, of which libvirt
 * reports a few MiB free; the network "default"; the interface eth1) and
 * tests/data/creator-host.xml (see there). */

#define GiB (G_GUINT64_CONSTANT (1) << 30)
#define MiB (G_GUINT64_CONSTANT (1) << 20)

typedef TestCreatorPage Fixture;

static void
fixture_open (Fixture           *fixture,
              const char        *uri,
              TestCreatorPageNew page_new)
{
  fixture->connection = test_open_connection (uri);
  test_creator_page_show (fixture, page_new, 640, 720);
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

/* Every control of the page's rows has a name. (Only the rows: the page's scroll pane
 * is AdwPreferencesPage's own, and a combo row's inner list shows the chosen item, while
 * the row itself is named by its title — libadwaita 1.2's making, not the page's.) */
static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (ADW_IS_COMBO_ROW (widget) || ADW_IS_ACTION_ROW (widget) || ADW_IS_ENTRY_ROW (widget))
    {
      g_ptr_array_add (rows, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static void
assert_controls_named (GtkWidget *page)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (page, rows);
  g_assert_cmpuint (rows->len, >, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = rows->pdata[i];
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

      g_assert_true (title != NULL && *title != '\0');
      if (!ADW_IS_COMBO_ROW (row) && gtk_widget_get_visible (row))
        hangar_test_assert_accessible_names (row);
    }
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
  test_creator_page_close (&fixture);
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
  g_autoptr(OsinfoOs) huge = os_with_resources ("http://example.org/huge", 64 * GiB, 2);

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

  /* More memory than the test driver's host has (3 GiB, as its node info says): the
   * default stops at the host's memory and the page takes it. */
  hangar_creator_state_set_os (fixture.state, huge);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_of (memory_row)), ==, 3);
  g_assert_true (hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  /* The user sets the CPUs: only the memory follows the OS now. */
  gtk_spin_button_set_value (spin_of (vcpus_row), 3);
  hangar_creator_state_set_os (fixture.state, small);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin_of (memory_row)), ==, 512);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin_of (vcpus_row)), ==, 3);
  test_creator_page_close (&fixture);
}

/* Name, network, firmware. */

static gboolean
has_pools (gpointer data)
{
  return g_list_model_get_n_items (hangar_connection_get_pools (data)) >= 2;
}

static char *creator_host_uri;

static gboolean
combo_has_items (gpointer data)
{
  return g_list_model_get_n_items (adw_combo_row_get_model (data)) > 0;
}

static const char *
combo_text (GtkWidget *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (row));

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static GtkWidget *
open_details (Fixture *fixture)
{
  GtkWidget *network_row;

  test_creator_page_show (fixture, hangar_creator_details_page_new, 640, 720);
  network_row = test_find_titled (fixture->page, ADW_TYPE_COMBO_ROW, "Ne_twork");
  g_assert_true (test_wait_for (combo_has_items, network_row, 5000));
  g_assert_true (test_wait_for (is_host_ready, fixture->state, 5000));
  return network_row;
}

static gboolean
row_has_error (gpointer data)
{
  return gtk_widget_has_css_class (data, "error");
}

static gboolean
label_says (GtkWidget    *widget,
            gconstpointer data)
{
  return g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), data) == 0;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* The network list as it pops up: every label whole (libadwaita 1.2's own items cut at
 * 20 characters, which hid "(stopped)"), the check beside the chosen item only. */
static void
assert_network_list_whole (GtkWidget *network_row)
{
  const char *stopped = "Virtual network “isolated” (stopped)";
  GtkWidget *popover;
  GtkWidget *label;
  GtkWidget *chosen;

  adw_action_row_activate (ADW_ACTION_ROW (network_row));
  popover = test_find_widget (network_row, GTK_TYPE_POPOVER, NULL, NULL);
  g_assert_nonnull (popover);
  g_assert_true (test_wait_for (is_mapped, popover, 5000));
  label = test_find_widget (popover, GTK_TYPE_LABEL, label_says, stopped);
  g_assert_nonnull (label);
  g_assert_true (test_wait_for (is_mapped, label, 5000));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
  g_assert_cmpfloat (gtk_widget_get_opacity (gtk_widget_get_next_sibling (label)), ==, 0);
  chosen = test_find_widget (popover, GTK_TYPE_LABEL, label_says, "Virtual network “default”");
  g_assert_nonnull (chosen);
  g_assert_cmpfloat (gtk_widget_get_opacity (gtk_widget_get_next_sibling (chosen)), ==, 1);
  hangar_test_assert_accessible_names (popover);
  gtk_popover_popdown (GTK_POPOVER (popover));
}

/* The OS's short id made unique on the host; every fault of the name; a guest defined
 * behind Hangar's back takes the name the user typed. */
static void
test_details_name (void)
{
  Fixture fixture = { 0 };
  GtkWidget *name_row;
  g_autoptr(OsinfoOs) debian = os_with_resources ("http://debian.org/debian/11", 0, 0);
  g_autoptr(OsinfoOs) other = os_with_resources ("http://example.org/other", 0, 0);
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();
  virDomainPtr domain;

  osinfo_entity_set_param (OSINFO_ENTITY (debian), OSINFO_PRODUCT_PROP_SHORT_ID, "debian11");
  fixture.connection = test_open_connection (creator_host_uri);
  open_details (&fixture);
  name_row = test_find_titled (fixture.page, ADW_TYPE_ENTRY_ROW, "_Name");
  assert_controls_named (fixture.page);

  /* No OS yet: a plain name. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "vm");
  test_assert_field_clean (name_row);
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  /* debian11 is taken on this host. */
  hangar_creator_state_set_os (fixture.state, debian);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "debian11-2");
  test_assert_field_clean (name_row);

  test_type_text (name_row, "debian11");
  test_assert_field_error (name_row, "already has a virtual machine named “debian11”");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  test_type_text (name_row, "my vm");
  test_assert_field_error (name_row, "cannot contain space");
  test_type_text (name_row, "");
  test_assert_field_error (name_row, "Enter a name");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  test_type_text (name_row, "web-1");
  test_assert_field_clean (name_row);
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  /* Typed by the user: a new OS leaves it. */
  hangar_creator_state_set_os (fixture.state, other);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "web-1");

  /* Someone else defines web-1 meanwhile. */
  domain = virDomainDefineXML (test_raw_connection (fixture.connection),
                               "<domain type='test'><name>web-1</name><memory>65536</memory>"
                               "<os><type>hvm</type></os></domain>");
  g_assert_nonnull (domain);
  virDomainFree (domain);
  g_assert_true (test_wait_for (row_has_error, name_row, 5000));
  test_assert_field_error (name_row, "already has a virtual machine named “web-1”");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  test_type_text (name_row, "web-2");
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
  g_assert_cmpstr (spec->name, ==, "web-2");
  {
    g_autoptr(GError) error = g_error_new_literal (HANGAR_GUEST_SPEC_ERROR,
                                                   HANGAR_GUEST_SPEC_ERROR_NAME,
                                                   "Name refused by the host.");
    g_autoptr(GError) memory_error = g_error_new_literal (HANGAR_GUEST_SPEC_ERROR,
                                                          HANGAR_GUEST_SPEC_ERROR_MEMORY,
                                                          "Memory refused.");

    g_assert_false (hangar_creator_page_show_error (HANGAR_CREATOR_PAGE (fixture.page),
                                                    memory_error));
    g_assert_true (hangar_creator_page_show_error (HANGAR_CREATOR_PAGE (fixture.page), error));
    test_assert_field_error (name_row, "Name refused by the host.");
  }
  test_creator_page_close (&fixture);
}

static gboolean
volumes_loaded (gpointer data)
{
  return hangar_pool_get_volumes_loaded (data);
}

static gboolean
volume_name_is (gpointer data)
{
  const char **expected = data;

  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (expected[0])), expected[1]) == 0;
}

/* Makes a 1 MiB volume @name in the pool "small" behind Hangar's back; its path. */
static char *
add_small_volume (HangarConnection *connection,
                  const char       *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (test_raw_connection (connection),
                                                       "small");
  g_autofree char *xml = g_strdup_printf ("<volume><name>%s</name>"
                                          "<capacity unit='MiB'>1</capacity></volume>", name);
  virStorageVolPtr volume;
  char *path;

  g_assert_nonnull (pool);
  volume = virStorageVolCreateXML (pool, xml, 0);
  g_assert_nonnull (volume);
  path = virStorageVolGetPath (volume);
  virStorageVolFree (volume);
  virStoragePoolFree (pool);
  return path;
}

/* The new disk is named after the guest, made unique as virt-manager does: the pool
 * "small" holds filler.img and (made here) filler-1.img, so the guest "filler" gets
 * filler-2.img. The proposal follows the guest's name until the user writes a disk
 * name; one the pool holds is refused beside the field, as is an empty one. */
static void
test_details_volume_name (void)
{
  Fixture fixture = { 0 };
  GtkWidget *name_row;
  GtkWidget *volume_row;
  HangarGuestSpec *spec;
  HangarPool *small;
  const char *wait[2];
  g_autoptr(OsinfoOs) filler = os_with_resources ("http://example.org/filler", 0, 0);

  osinfo_entity_set_param (OSINFO_ENTITY (filler), OSINFO_PRODUCT_PROP_SHORT_ID, "filler");
  fixture.connection = test_open_connection (creator_host_uri);
  g_assert_true (test_wait_for (has_pools, fixture.connection, 5000));
  g_free (add_small_volume (fixture.connection, "filler-1.img"));
  open_details (&fixture);
  name_row = test_find_titled (fixture.page, ADW_TYPE_ENTRY_ROW, "_Name");
  volume_row = test_find_titled (fixture.page, ADW_TYPE_ENTRY_ROW, "_Disk Name");
  g_assert_false (gtk_widget_get_visible (volume_row));

  /* What the storage page wrote: a new raw disk (".img") in "small". */
  spec = hangar_creator_state_get_spec (fixture.state);
  spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
  spec->disk_format = HANGAR_VOLUME_FORMAT_RAW;
  spec->pool_name = g_strdup ("small");
  small = hangar_connection_find_pool (fixture.connection, "small");
  hangar_creator_state_set_os (fixture.state, filler);
  hangar_creator_page_shown (HANGAR_CREATOR_PAGE (fixture.page));
  g_assert_true (test_wait_for (volumes_loaded, small, 5000));
  g_assert_true (gtk_widget_get_visible (volume_row));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "filler");
  wait[0] = (const char *) volume_row;
  wait[1] = "filler-2.img";
  g_assert_true (test_wait_for (volume_name_is, wait, 5000));
  test_assert_field_clean (name_row);
  test_assert_field_clean (volume_row);
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  /* The proposal follows the name. */
  test_type_text (name_row, "web");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (volume_row)), ==, "web.img");

  /* A name that cannot be one proposes nothing: one message, beside the name. */
  test_type_text (name_row, "my web/1");
  test_assert_field_error (name_row, "The name cannot contain");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (volume_row)), ==, "web.img");
  test_assert_field_clean (volume_row);
  test_type_text (name_row, "");
  test_assert_field_error (name_row, "Enter a name");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (volume_row)), ==, "web.img");
  test_assert_field_clean (volume_row);
  test_type_text (name_row, "web2");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (volume_row)), ==, "web2.img");

  /* A name the user writes stays, and is checked. */
  test_type_text (volume_row, "filler.img");
  test_assert_field_error (volume_row, "The pool “small” already has a volume called “filler.img”");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  test_type_text (name_row, "other");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (volume_row)), ==, "filler.img");
  test_type_text (volume_row, "");
  test_assert_field_error (volume_row, "Enter a name for the new disk.");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  test_type_text (volume_row, "data.img");
  test_assert_field_clean (volume_row);
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
  g_assert_cmpstr (spec->name, ==, "other");
  g_assert_cmpstr (spec->volume_name, ==, "data.img");
  test_creator_page_close (&fixture);
}

static gboolean
guest_listed (gpointer data)
{
  Fixture *fixture = data;

  return hangar_connection_find_guest (fixture->connection, "scratch") != NULL;
}

/* A guest deleted with its disk through Hangar leaves its name free: the next new
 * guest of that name gets the plain disk name, not "-1" after a volume that is gone,
 * although the pool's list had been read before (libvirt sends no event for a deleted
 * volume). */
static void
test_details_volume_name_after_delete (void)
{
  Fixture fixture = { 0 };
  GtkWidget *name_row;
  GtkWidget *volume_row;
  HangarGuestSpec *spec;
  HangarPool *small;
  virDomainPtr domain;
  g_autofree char *path = NULL;
  g_autofree char *xml = NULL;
  const char *paths[2] = { NULL, NULL };
  const char *wait[2];
  g_autoptr(GError) error = NULL;

  fixture.connection = test_open_connection (creator_host_uri);
  g_assert_true (test_wait_for (has_pools, fixture.connection, 5000));
  path = add_small_volume (fixture.connection, "scratch.img");
  xml = g_strdup_printf ("<domain type='test'><name>scratch</name>"
                         "<memory unit='MiB'>64</memory><os><type>hvm</type></os>"
                         "<devices><disk type='file' device='disk'><source file='%s'/>"
                         "<target dev='vda' bus='virtio'/></disk></devices></domain>", path);
  domain = virDomainDefineXML (test_raw_connection (fixture.connection), xml);
  g_assert_nonnull (domain);
  virDomainFree (domain);
  g_assert_true (test_wait_for (guest_listed, &fixture, 5000));

  /* The pool's list is read (a host page or an earlier wizard did) and has the disk. */
  small = hangar_connection_find_pool (fixture.connection, "small");
  hangar_pool_get_volumes (small);
  g_assert_true (test_wait_for (volumes_loaded, small, 5000));
  g_assert_nonnull (hangar_pool_find_volume (small, "scratch.img"));

  paths[0] = path;
  g_assert_true (test_delete_with_storage (hangar_connection_find_guest (fixture.connection,
                                                                         "scratch"),
                                           paths, 5000, &error));
  g_assert_no_error (error);
  g_assert_null (hangar_pool_find_volume (small, "scratch.img"));

  open_details (&fixture);
  name_row = test_find_titled (fixture.page, ADW_TYPE_ENTRY_ROW, "_Name");
  volume_row = test_find_titled (fixture.page, ADW_TYPE_ENTRY_ROW, "_Disk Name");
  spec = hangar_creator_state_get_spec (fixture.state);
  spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
  spec->disk_format = HANGAR_VOLUME_FORMAT_RAW;
  spec->pool_name = g_strdup ("small");
  hangar_creator_page_shown (HANGAR_CREATOR_PAGE (fixture.page));
  test_type_text (name_row, "scratch");
  test_assert_field_clean (name_row);
  wait[0] = (const char *)volume_row;
  wait[1] = "scratch.img";
  if (!test_wait_for (volume_name_is, wait, 5000))
    g_error ("The disk of the deleted guest “scratch” is proposed as “%s”",
             gtk_editable_get_text (GTK_EDITABLE (volume_row)));
  test_assert_field_clean (volume_row);
  test_creator_page_close (&fixture);
}

static gboolean
has_host_caps (gpointer data)
{
  return hangar_creator_state_get_host_caps (data) != NULL;
}

/* The state asks the host once; pages made after its answer show it from the start,
 * without asking again: the resources page the host's CPUs, the details page its
 * network "default". */
static void
test_host_caps_shared (void)
{
  Fixture fixture = { 0 };
  GtkWidget *details;
  GtkWidget *vcpus_row;
  GtkWidget *network_row;

  fixture.connection = test_open_connection ("test:///default");
  fixture.state = hangar_creator_state_new (fixture.connection);
  g_assert_null (hangar_creator_state_get_host_caps_error (fixture.state));
  g_assert_true (test_wait_for (has_host_caps, fixture.state, 5000));
  g_assert_cmpuint (hangar_creator_state_get_host_caps (fixture.state)->cpus, ==, 16);

  fixture.page = hangar_creator_resources_page_new (fixture.state);
  vcpus_row = test_find_titled (fixture.page, ADW_TYPE_ACTION_ROW, "_CPUs");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (vcpus_row)), ==,
                   "The host has 16 CPUs");
  details = g_object_ref_sink (hangar_creator_details_page_new (fixture.state));
  network_row = test_find_titled (details, ADW_TYPE_COMBO_ROW, "Ne_twork");
  g_assert_cmpstr (combo_text (network_row), ==, "Virtual network “default”");
  g_object_unref (details);
  test_assert_finalized (g_object_ref_sink (g_steal_pointer (&fixture.page)));
  test_assert_finalized (g_steal_pointer (&fixture.state));
  hangar_connection_close (fixture.connection);
  test_assert_finalized (g_steal_pointer (&fixture.connection));
}

/* "default" preselected; a host bridge and a macvtap interface suggested from the
 * host's interfaces, an empty one refused; a stopped network warned about; the choice
 * written into the spec. */
static void
test_details_network (void)
{
  Fixture fixture = { 0 };
  GtkWidget *network_row;
  GtkWidget *device_row;
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();
  virNetworkPtr network;

  fixture.connection = test_open_connection (creator_host_uri);
  network = virNetworkLookupByName (test_raw_connection (fixture.connection), "isolated");
  g_assert_cmpint (virNetworkDestroy (network), ==, 0);
  virNetworkFree (network);
  network_row = open_details (&fixture);
  device_row = test_find_titled (fixture.page, ADW_TYPE_ENTRY_ROW, "_Bridge");

  g_assert_cmpstr (combo_text (network_row), ==, "Virtual network “default”");
  /* Usermode networking is QEMU's: not on the test driver. */
  g_assert_false (test_combo_offers (network_row, "Usermode networking"));
  g_assert_true (test_combo_offers (network_row, "Host bridge"));
  /* Shown whole, as the subtitle: beside the title the combo row would cut it. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (network_row)), ==,
                   "Virtual network “default”");
  g_assert_false (gtk_widget_get_visible (device_row));
  test_assert_field_clean (network_row);
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
  g_assert_cmpint (spec->network, ==, HANGAR_GUEST_SPEC_NETWORK_VIRTUAL);
  g_assert_cmpstr (spec->network_name, ==, "default");

  assert_network_list_whole (network_row);

  test_choose (network_row, "Virtual network “isolated” (stopped)");
  test_assert_field_note (network_row, "warning", "“isolated” is stopped");
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  test_choose (network_row, "Macvtap on a host interface");
  test_assert_field_clean (network_row);
  g_assert_true (gtk_widget_get_visible (device_row));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (device_row)), ==,
                   "Host _Interface");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (device_row)), ==, "eth0");
  test_assert_field_note (device_row, "dim-label", "The host’s interfaces: eth0");
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
  g_assert_cmpint (spec->network, ==, HANGAR_GUEST_SPEC_NETWORK_MACVTAP);
  g_assert_cmpstr (spec->network_name, ==, "eth0");

  test_choose (network_row, "Host bridge");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (device_row)), ==, "_Bridge");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (device_row)), ==, "br0");
  test_assert_field_note (device_row, "dim-label", "The host’s bridges: br0");
  test_type_text (device_row, " ");
  test_assert_field_error (device_row, "Enter the name of a bridge on the host");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  test_type_text (device_row, "br7");
  test_assert_field_note (device_row, "dim-label", "The host’s bridges: br0");
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
  g_assert_cmpint (spec->network, ==, HANGAR_GUEST_SPEC_NETWORK_BRIDGE);
  g_assert_cmpstr (spec->network_name, ==, "br7");
  assert_controls_named (fixture.page);

  test_choose (network_row, "None");
  g_assert_false (gtk_widget_get_visible (device_row));
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
  g_assert_cmpint (spec->network, ==, HANGAR_GUEST_SPEC_NETWORK_NONE);
  g_assert_null (spec->network_name);
  test_creator_page_close (&fixture);
}

/* With no virtual network running, None is preselected and the page says why and how
 * to have one; a network boot (PXE) then refuses None beside the field, not later on
 * the source's page. */
static void
test_details_network_needed (void)
{
  Fixture fixture = { 0 };
  GtkWidget *network_row;
  const char *networks[] = { "default", "isolated", "aaa-lan" };

  fixture.connection = test_open_connection (creator_host_uri);
  for (guint i = 0; i < G_N_ELEMENTS (networks); i++)
    {
      virNetworkPtr network = virNetworkLookupByName (test_raw_connection (fixture.connection),
                                                      networks[i]);

      g_assert_cmpint (virNetworkDestroy (network), ==, 0);
      virNetworkFree (network);
    }
  network_row = open_details (&fixture);
  g_assert_cmpstr (combo_text (network_row), ==, "None");
  test_assert_field_note (network_row, "dim-label", "No virtual network runs on the host");
  test_assert_field_note (network_row, "dim-label", "virsh net-start default");
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_PXE);
  hangar_creator_page_shown (HANGAR_CREATOR_PAGE (fixture.page));
  test_assert_field_error (network_row, "A network boot (PXE) needs a network");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  test_choose (network_row, "Virtual network “default” (stopped)");
  test_assert_field_note (network_row, "warning", "“default” is stopped");
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  /* Chosen by the user, None is left without the hint. */
  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_MANUAL);
  test_choose (network_row, "None");
  test_assert_field_clean (network_row);
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  test_creator_page_close (&fixture);
}

/* With "default" stopped, the first network that runs is preselected. */
static void
test_details_default_stopped (void)
{
  Fixture fixture = { 0 };
  GtkWidget *network_row;
  virNetworkPtr network;

  fixture.connection = test_open_connection (creator_host_uri);
  network = virNetworkLookupByName (test_raw_connection (fixture.connection), "default");
  g_assert_cmpint (virNetworkDestroy (network), ==, 0);
  virNetworkFree (network);
  network_row = open_details (&fixture);
  g_assert_cmpstr (combo_text (network_row), ==, "Virtual network “aaa-lan”");
  test_creator_page_close (&fixture);
}

static gboolean
has_host_caps_error (gpointer data)
{
  return hangar_creator_state_get_host_caps_error (data) != NULL;
}

/* Usermode networking on QEMU hosts only, preselected on a session host and where no
 * virtual network runs, said in plain words and refused for a network boot. The hosts
 * are never opened (no QEMU here): the page decides from the URI, and with the host
 * unasked knows no virtual network — hangar_guest_spec_default_network's other cases
 * are test-guest-creator's /default-network. */
static void
test_details_usermode (void)
{
  const char *uris[] = { "qemu:///session", "qemu+ssh://nobody@host.invalid/system" };
  const char *hint = "Internet access through QEMU; the virtual machine cannot be reached "
                     "from the host.";

  for (guint i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      Fixture fixture = { 0 };
      g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();
      GtkWidget *network_row;
      GtkWidget *popover;
      GtkWidget *label;

      g_test_message ("%s", uris[i]);
      fixture.connection = hangar_connection_new (uris[i]);
      test_creator_page_show (&fixture, hangar_creator_details_page_new, 640, 720);
      g_assert_true (test_wait_for (has_host_caps_error, fixture.state, 5000));
      network_row = test_find_titled (fixture.page, ADW_TYPE_COMBO_ROW, "Ne_twork");
      g_assert_true (test_wait_for (combo_has_items, network_row, 5000));

      g_assert_cmpstr (combo_text (network_row), ==, "Usermode networking");
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (network_row)), ==,
                       "Usermode networking");
      test_assert_field_note (network_row, "dim-label", hint);
      if (i == 0)
        test_save_screenshot (fixture.window, "creator-details-usermode");
      hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
      g_assert_cmpint (spec->network, ==, HANGAR_GUEST_SPEC_NETWORK_USER);
      g_assert_null (spec->network_name);
      assert_controls_named (fixture.page);

      /* In the list as it pops up, named for screen readers like the others. */
      adw_action_row_activate (ADW_ACTION_ROW (network_row));
      popover = test_find_widget (network_row, GTK_TYPE_POPOVER, NULL, NULL);
      g_assert_nonnull (popover);
      g_assert_true (test_wait_for (is_mapped, popover, 5000));
      label = test_find_widget (popover, GTK_TYPE_LABEL, label_says, "Usermode networking");
      g_assert_nonnull (label);
      g_assert_true (test_wait_for (is_mapped, label, 5000));
      g_assert_cmpfloat (gtk_widget_get_opacity (gtk_widget_get_next_sibling (label)), ==, 1);
      hangar_test_assert_accessible_names (popover);
      gtk_popover_popdown (GTK_POPOVER (popover));

      /* A network boot cannot go through it. */
      hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_PXE);
      hangar_creator_page_shown (HANGAR_CREATOR_PAGE (fixture.page));
      test_assert_field_error (network_row, "cannot go through usermode networking");
      g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
      hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_MANUAL);
      test_choose (network_row, "None");
      test_choose (network_row, "Usermode networking");
      test_assert_field_note (network_row, "dim-label", hint);
      g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
      test_creator_page_close (&fixture);
    }
}

static gboolean
customizing (gpointer data)
{
  return hangar_creator_state_get_customize (data);
}

/* A host without UEFI (the test driver has no domain capabilities): BIOS only, said;
 * an OS that needs UEFI is warned about; no Secure Boot, no TPM. The customize switch
 * sets the state's. */
static void
test_details_firmware (void)
{
  Fixture fixture = { 0 };
  GtkWidget *firmware_row;
  GtkWidget *customize_row;
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();
  g_autoptr(OsinfoOs) uefi_only = os_with_resources ("http://example.org/uefi-only", 0, 0);
  g_autoptr(OsinfoFirmware) bios = NULL;
  g_autoptr(OsinfoFirmware) efi = NULL;
  const char *arch;

  fixture.connection = test_open_connection (creator_host_uri);
  open_details (&fixture);
  firmware_row = test_find_titled (fixture.page, ADW_TYPE_COMBO_ROW, "_Firmware");
  customize_row = test_find_titled (fixture.page, ADW_TYPE_ACTION_ROW,
                                    "_Customize Configuration Before Install");

  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (firmware_row))),
                    ==, 1);
  g_assert_cmpstr (combo_text (firmware_row), ==, "BIOS");
  test_assert_field_note (firmware_row, "dim-label", "The host offers no UEFI firmware.");
  g_assert_false (gtk_widget_get_visible (test_find_titled (fixture.page, ADW_TYPE_ACTION_ROW,
                                                            "_Secure Boot")));
  g_assert_false (gtk_widget_get_visible (test_find_titled (fixture.page, ADW_TYPE_ACTION_ROW,
                                                            "Add a _TPM 2.0")));

  /* libosinfo's way of saying an OS refuses BIOS (on the host's architecture). */
  arch = hangar_creator_state_get_spec (fixture.state)->arch;
  bios = osinfo_firmware_new ("http://example.org/uefi-only/bios", arch, "bios");
  efi = osinfo_firmware_new ("http://example.org/uefi-only/efi", arch, "efi");
  osinfo_entity_set_param_boolean (OSINFO_ENTITY (bios), OSINFO_FIRMWARE_PROP_SUPPORTED, FALSE);
  osinfo_entity_set_param_boolean (OSINFO_ENTITY (efi), OSINFO_FIRMWARE_PROP_SUPPORTED, TRUE);
  osinfo_os_add_firmware (uefi_only, bios);
  osinfo_os_add_firmware (uefi_only, efi);
  hangar_creator_state_set_os (fixture.state, uefi_only);
  g_assert_true (hangar_creator_state_get_defaults (fixture.state)->needs_uefi);
  test_assert_field_note (firmware_row, "warning", "needs UEFI, which the host does not offer");
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
  g_assert_cmpint (spec->firmware, ==, HANGAR_GUEST_FIRMWARE_BIOS);
  g_assert_false (spec->secure_boot);
  g_assert_false (spec->tpm);

  g_assert_false (hangar_creator_state_get_customize (fixture.state));
  /* A switch turns on at the end of its animation. */
  gtk_widget_activate (test_find_widget (customize_row, GTK_TYPE_SWITCH, NULL, NULL));
  g_assert_true (test_wait_for (customizing, fixture.state, 5000));
  test_save_screenshot (fixture.window, "creator-details");
  test_creator_page_close (&fixture);
}

/* Storage. */

/* The storage page's rows, found by their titles. */
typedef struct {
  GtkWidget *size;
  GtkWidget *pool;
  GtkWidget *format;
  GtkWidget *default_pool;
  GtkWidget *existing;
  GtkWidget *none;
  GtkWidget *path;
} StorageRows;

static void
open_storage (Fixture     *fixture,
              const char  *uri,
              StorageRows *rows)
{
  fixture->connection = test_open_connection (uri);
  g_assert_true (test_wait_for (has_pools, fixture->connection, 5000));
  test_creator_page_show (fixture, hangar_creator_storage_page_new, 640, 720);
  g_assert_true (test_wait_for (is_host_ready, fixture->state, 5000));
  rows->size = test_find_titled (fixture->page, ADW_TYPE_ENTRY_ROW, "_Size");
  rows->pool = test_find_titled (fixture->page, ADW_TYPE_COMBO_ROW, "_Pool");
  rows->format = test_find_titled (fixture->page, ADW_TYPE_COMBO_ROW, "_Format");
  rows->default_pool = test_find_titled (fixture->page, ADW_TYPE_ACTION_ROW,
                                         "The host has no pool called “default”");
  rows->existing = test_find_titled (fixture->page, ADW_TYPE_ACTION_ROW,
                                     "Use an _Existing Volume or Path");
  rows->none = test_find_titled (fixture->page, ADW_TYPE_ACTION_ROW, "No _Disk");
  rows->path = test_find_titled (fixture->page, ADW_TYPE_ENTRY_ROW, "P_ath");
}

static const char *
pool_text (GtkWidget *row)
{
  gpointer pool = adw_combo_row_get_selected_item (ADW_COMBO_ROW (row));

  return pool != NULL ? hangar_pool_get_name (pool) : NULL;
}

static gboolean
filler_gone (gpointer data)
{
  return hangar_pool_find_volume (data, "filler.img") == NULL;
}

/* A pool whose volume list was read before the wizard (a host window had it) is
 * refreshed when chosen: a volume deleted since by another program (no event says so)
 * leaves the list, and its name is free again for the details page. */
static void
test_storage_refreshes_pool (void)
{
  Fixture fixture = { 0 };
  StorageRows rows;
  HangarPool *small;
  virStoragePoolPtr pool;
  virStorageVolPtr volume;

  open_storage (&fixture, creator_host_uri, &rows);
  g_assert_cmpstr (pool_text (rows.pool), ==, "default");
  small = hangar_connection_find_pool (fixture.connection, "small");
  hangar_pool_get_volumes (small);
  g_assert_true (test_wait_for (volumes_loaded, small, 5000));
  /* A read asked for meanwhile ends too, before the volume goes. */
  test_spin (200);
  g_assert_nonnull (hangar_pool_find_volume (small, "filler.img"));

  pool = virStoragePoolLookupByName (test_raw_connection (fixture.connection), "small");
  g_assert_nonnull (pool);
  volume = virStorageVolLookupByName (pool, "filler.img");
  g_assert_nonnull (volume);
  g_assert_cmpint (virStorageVolDelete (volume, 0), ==, 0);
  virStorageVolFree (volume);
  virStoragePoolFree (pool);
  test_spin (100);
  g_assert_nonnull (hangar_pool_find_volume (small, "filler.img"));

  test_choose (rows.pool, "small");
  if (!test_wait_for (filler_gone, small, 5000))
    g_error ("The pool “small” still lists filler.img, deleted before it was chosen");
  test_creator_page_close (&fixture);
}

/* A new disk: the OS's 20 GiB in the pool "default"; an unreadable and a zero size
 * refused; a size above a pool's free space warned about; the answers in the spec. */
static void
test_storage_new_disk (void)
{
  Fixture fixture = { 0 };
  StorageRows rows;
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();

  open_storage (&fixture, creator_host_uri, &rows);

  assert_controls_named (fixture.page);
  g_assert_true (hangar_creator_page_get_needed (HANGAR_CREATOR_PAGE (fixture.page)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (rows.size)), ==, "20");
  g_assert_cmpstr (pool_text (rows.pool), ==, "default");
  g_assert_false (gtk_widget_get_visible (rows.default_pool));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (rows.pool)), ==,
                   "100.0\u00a0GiB free of 100.0\u00a0GiB");
  test_assert_field_clean (rows.size);
  test_assert_field_clean (rows.pool);
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  test_type_text (rows.size, "lots");
  test_assert_field_error (rows.size, "is not a size");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  test_type_text (rows.size, "0");
  test_assert_field_error (rows.size, "The size must be more than zero.");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));

  test_type_text (rows.size, "2");
  test_choose (rows.pool, "small");
  test_assert_field_note (rows.size, "warning", "The pool “small” has 1.0\u00a0GiB free");
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  test_choose (rows.format, "raw");
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
  g_assert_cmpint (spec->disk, ==, HANGAR_GUEST_SPEC_DISK_NEW);
  g_assert_cmpstr (spec->pool_name, ==, "small");
  g_assert_cmpuint (spec->disk_size, ==, 2 * GiB);
  g_assert_cmpint (spec->disk_format, ==, HANGAR_VOLUME_FORMAT_RAW);

  /* The user wrote a size: a new OS leaves it. */
  hangar_creator_state_set_os (fixture.state, NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (rows.size)), ==, "2");

  {
    g_autoptr(GError) error = g_error_new_literal (HANGAR_GUEST_SPEC_ERROR,
                                                   HANGAR_GUEST_SPEC_ERROR_DISK,
                                                   "The disk was refused.");

    g_assert_true (hangar_creator_page_show_error (HANGAR_CREATOR_PAGE (fixture.page), error));
    test_assert_field_error (rows.size, "The disk was refused.");
  }
  test_save_screenshot (fixture.window, "creator-storage");
  test_creator_page_close (&fixture);
}

/* An existing disk's path: empty said once Forward is pressed, a relative one refused.
 * No disk needs nothing. */
static void
test_storage_existing_and_none (void)
{
  Fixture fixture = { 0 };
  StorageRows rows;
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();

  open_storage (&fixture, creator_host_uri, &rows);

  g_assert_false (gtk_widget_is_visible (rows.path));
  gtk_widget_activate (rows.existing);
  g_assert_true (gtk_widget_is_visible (rows.path));
  g_assert_false (gtk_widget_is_visible (rows.size));
  test_assert_field_clean (rows.path);
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  hangar_creator_page_show_faults (HANGAR_CREATOR_PAGE (fixture.page));
  test_assert_field_error (rows.path, "Enter the path of a disk image");

  test_type_text (rows.path, "disk.img");
  test_assert_field_error (rows.path, "full path");
  g_assert_false (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  test_type_text (rows.path, "/srv/disk.img");
  test_assert_field_clean (rows.path);
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  assert_controls_named (fixture.page);
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
  g_assert_cmpint (spec->disk, ==, HANGAR_GUEST_SPEC_DISK_EXISTING);
  g_assert_cmpstr (spec->disk_path, ==, "/srv/disk.img");
  g_assert_null (spec->pool_name);

  gtk_widget_activate (rows.none);
  g_assert_false (gtk_widget_is_visible (rows.path));
  g_assert_true (is_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
  g_assert_cmpint (spec->disk, ==, HANGAR_GUEST_SPEC_DISK_NONE);
  g_assert_null (spec->disk_path);
  test_creator_page_close (&fixture);
}

/* An import needs no storage page; a cloud image only a new disk, always qcow2. */
static void
test_storage_sources (void)
{
  Fixture fixture = { 0 };
  StorageRows rows;
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();

  open_storage (&fixture, creator_host_uri, &rows);

  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_IMPORT);
  g_assert_false (hangar_creator_page_get_needed (HANGAR_CREATOR_PAGE (fixture.page)));

  test_choose (rows.format, "raw");
  gtk_widget_activate (rows.none);
  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  g_assert_true (hangar_creator_page_get_needed (HANGAR_CREATOR_PAGE (fixture.page)));
  g_assert_false (gtk_widget_is_visible (rows.existing));
  g_assert_false (gtk_widget_is_visible (rows.none));
  /* No choice of one: the "Create a Disk" row goes with the others. */
  g_assert_false (gtk_widget_is_visible (test_find_titled (fixture.page, ADW_TYPE_ACTION_ROW,
                                                           "C_reate a Disk")));
  g_assert_false (gtk_widget_is_visible (rows.format));
  g_assert_true (gtk_widget_is_visible (rows.size));
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture.page), spec);
  g_assert_cmpint (spec->disk, ==, HANGAR_GUEST_SPEC_DISK_NEW);
  g_assert_cmpint (spec->disk_format, ==, HANGAR_VOLUME_FORMAT_QCOW2);
  g_assert_cmpstr (spec->pool_name, ==, "default");
  g_assert_cmpuint (spec->disk_size, ==, 20 * GiB);

  /* Back to install media: the choice again. */
  hangar_creator_state_set_source (fixture.state, HANGAR_GUEST_SOURCE_MEDIA);
  g_assert_true (gtk_widget_is_visible (rows.existing));
  g_assert_true (gtk_widget_is_visible (rows.none));
  test_creator_page_close (&fixture);
}

static gboolean
row_hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

static gboolean
pool_chosen (gpointer data)
{
  return g_strcmp0 (pool_text (data), "default") == 0;
}

/* A host without "default": said, and made when the user asks (as the pool wizard
 * would make it); then chosen. */
static void
test_storage_default_pool (void)
{
  Fixture fixture = { 0 };
  StorageRows rows;
  g_autofree char *uri = test_data_uri ("storage-host.xml");

  open_storage (&fixture, uri, &rows);
  g_assert_true (gtk_widget_get_visible (rows.default_pool));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (rows.default_pool)), ==,
                   "Hangar can create it, in /var/lib/libvirt/images");
  /* Meanwhile the first pool that runs. */
  g_assert_cmpstr (pool_text (rows.pool), ==, "images");
  assert_controls_named (fixture.page);

  test_click (test_find_titled (fixture.page, GTK_TYPE_BUTTON, "Create _It"));
  g_assert_true (test_wait_for (pool_chosen, rows.pool, 5000));
  /* Hidden once the new pool runs. */
  g_assert_true (test_wait_for (row_hidden, rows.default_pool, 5000));
  g_assert_nonnull (hangar_connection_find_pool (fixture.connection, "default"));
  test_creator_page_close (&fixture);
}

static gboolean
no_default_pool (gpointer data)
{
  return hangar_connection_find_pool (data, "default") == NULL;
}

static gboolean
spec_names_made_pool (gpointer page)
{
  g_autoptr(HangarGuestSpec) spec = hangar_guest_spec_new ();

  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (page), spec);
  return g_strcmp0 (spec->made_pool, "default") == 0 && g_strcmp0 (spec->pool_name, "default") == 0;
}

/* Destroys the page's window; the connection stays open to watch the host. */
static void
destroy_page (Fixture *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  test_assert_finalized (g_steal_pointer (&fixture->window));
  test_assert_finalized (g_steal_pointer (&fixture->state));
}

/* Only a guest that needs a pool is told of the missing "default": a new disk, not
 * "No Disk" or an existing one on this host (nothing is uploaded locally). The pool
 * the window made goes with the window when nothing was put in it. */
static void
test_storage_default_pool_removed (void)
{
  Fixture fixture = { 0 };
  StorageRows rows;
  g_autofree char *uri = test_data_uri ("storage-host.xml");

  open_storage (&fixture, uri, &rows);
  g_assert_true (gtk_widget_get_visible (rows.default_pool));
  gtk_widget_activate (rows.none);
  g_assert_false (gtk_widget_get_visible (rows.default_pool));
  g_assert_true (hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (fixture.page)));
  gtk_widget_activate (rows.existing);
  g_assert_false (gtk_widget_get_visible (rows.default_pool));
  gtk_widget_activate (test_find_titled (fixture.page, ADW_TYPE_ACTION_ROW, "C_reate a Disk"));
  g_assert_true (gtk_widget_get_visible (rows.default_pool));

  test_click (test_find_titled (fixture.page, GTK_TYPE_BUTTON, "Create _It"));
  /* The spec names it as made here: a failed creation removes it too
   * (test-guest-creator /made-pool). */
  g_assert_true (test_wait_for (spec_names_made_pool, fixture.page, 5000));
  g_assert_cmpstr (pool_text (rows.pool), ==, "default");
  destroy_page (&fixture);
  g_assert_true (test_wait_for (no_default_pool, fixture.connection, 5000));
  hangar_connection_close (fixture.connection);
  test_assert_finalized (g_steal_pointer (&fixture.connection));
}

static HangarPool *
make_default_pool (HangarConnection *connection)
{
  g_autoptr(HangarPoolSpec) spec = hangar_connection_default_pool_spec (connection);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarPool *pool;

  hangar_connection_create_pool_async (connection, spec, NULL, NULL, test_on_result_cb, &result);
  g_assert_true (test_wait_for (test_has_result, &result, 5000));
  pool = hangar_connection_create_pool_finish (connection, result, &error);
  g_assert_no_error (error);
  return pool;
}

static gboolean
pool_is_active (gpointer data)
{
  return hangar_pool_get_active (data);
}

static gboolean
pool_is_stopped (gpointer data)
{
  return !hangar_pool_get_active (data);
}

/* The user's own "default", stopped: said, started with Start It, and kept when the
 * window goes. */
static void
test_storage_default_pool_stopped (void)
{
  Fixture fixture = { 0 };
  g_autofree char *uri = test_data_uri ("storage-host.xml");
  g_autoptr(HangarPool) pool = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row;

  fixture.connection = test_open_connection (uri);
  g_assert_true (test_wait_for (has_pools, fixture.connection, 5000));
  pool = make_default_pool (fixture.connection);
  hangar_pool_stop_async (pool, NULL, test_on_result_cb, &result);
  g_assert_true (test_wait_for (test_has_result, &result, 5000));
  g_assert_true (hangar_pool_stop_finish (pool, result, &error));
  g_assert_no_error (error);
  g_assert_true (test_wait_for (pool_is_stopped, pool, 5000));

  test_creator_page_show (&fixture, hangar_creator_storage_page_new, 640, 720);
  g_assert_true (test_wait_for (is_host_ready, fixture.state, 5000));
  row = test_find_titled (fixture.page, ADW_TYPE_ACTION_ROW, "The pool “default” is stopped");
  g_assert_true (gtk_widget_get_visible (row));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Hangar can start it");
  assert_controls_named (fixture.page);
  test_click (test_find_titled (fixture.page, GTK_TYPE_BUTTON, "Start _It"));
  g_assert_true (test_wait_for (pool_is_active, pool, 5000));
  g_assert_true (test_wait_for (row_hidden, row, 5000));

  destroy_page (&fixture);
  test_spin (200);
  g_assert_true (hangar_connection_find_pool (fixture.connection, "default") == pool);
  g_clear_object (&pool);
  hangar_connection_close (fixture.connection);
  test_assert_finalized (g_steal_pointer (&fixture.connection));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  creator_host_uri = test_data_uri ("creator-host.xml");

  g_test_add_func ("/creator-hardware/host-caps-shared", test_host_caps_shared);
  g_test_add_func ("/creator-hardware/resources/bounds", test_resources_bounds);
  g_test_add_func ("/creator-hardware/resources/defaults", test_resources_defaults);
  g_test_add_func ("/creator-hardware/details/name", test_details_name);
  g_test_add_func ("/creator-hardware/details/volume-name", test_details_volume_name);
  g_test_add_func ("/creator-hardware/details/volume-name-after-delete",
                   test_details_volume_name_after_delete);
  g_test_add_func ("/creator-hardware/details/network", test_details_network);
  g_test_add_func ("/creator-hardware/details/network-needed", test_details_network_needed);
  g_test_add_func ("/creator-hardware/details/default-stopped", test_details_default_stopped);
  g_test_add_func ("/creator-hardware/details/usermode", test_details_usermode);
  g_test_add_func ("/creator-hardware/details/firmware", test_details_firmware);
  g_test_add_func ("/creator-hardware/storage/new-disk", test_storage_new_disk);
  g_test_add_func ("/creator-hardware/storage/refreshes-pool", test_storage_refreshes_pool);
  g_test_add_func ("/creator-hardware/storage/existing-and-none", test_storage_existing_and_none);
  g_test_add_func ("/creator-hardware/storage/sources", test_storage_sources);
  g_test_add_func ("/creator-hardware/storage/default-pool", test_storage_default_pool);
  g_test_add_func ("/creator-hardware/storage/default-pool-removed", test_storage_default_pool_removed);
  g_test_add_func ("/creator-hardware/storage/default-pool-stopped", test_storage_default_pool_stopped);
  status = g_test_run ();
  g_free (creator_host_uri);
  return status;
}
