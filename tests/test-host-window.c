// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-host-window"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <adwaita.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-add-connection-dialog.h"
#include "hangar-application.h"
#include "hangar-connection-row.h"
#include "hangar-host-storage-page.h"
#include "hangar-host-window.h"
#include "hangar-pool-wizard.h"
#include "hangar-pool.h"
#include "hangar-resize-volume-dialog.h"
#include "hangar-session.h"
#include "hangar-volume-wizard.h"
#include "hangar-volume.h"
#include "test-core-util.h"
#include "test-host-page-util.h"
#include "hangar-window.h"
#include "test-widget-util.h"
#include "test-app-util.h"
#include "test-wizard-util.h"

/* The host page under Xvfb on libvirt's test driver. Expected values come from the
 * test's own libvirt connection. */

static HangarApplication *app;
static HangarSession *session;
static HangarConnection *connection;
/* tests/data/host-storage.xml: pools and volumes to list. */
static HangarConnection *storage_connection;

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static HangarHostWindow *
find_host_window (HangarApplication *application,
                  HangarConnection  *for_connection)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l; l = l->next)
    if (HANGAR_IS_HOST_WINDOW (l->data) &&
        hangar_host_window_get_connection (l->data) == for_connection)
      return l->data;
  return NULL;
}

static guint
count_windows (HangarApplication *application,
               GType              type)
{
  guint n = 0;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l; l = l->next)
    n += G_TYPE_CHECK_INSTANCE_TYPE (l->data, type);
  return n;
}

static HangarHostWindow *
host_window (void)
{
  HangarHostWindow *window;

  hangar_application_show_host (app, connection);
  window = find_host_window (app, connection);
  g_assert_nonnull (window);
  return window;
}

static gboolean
info_loaded (gpointer data)
{
  return hangar_host_info_get_loaded (hangar_host_window_get_host_info (data));
}

static gboolean
memory_measured (gpointer data)
{
  return hangar_host_info_get_memory_fraction (hangar_host_window_get_host_info (data)) >= 0;
}

static gboolean
not_measuring (gpointer data)
{
  return !hangar_host_info_get_measuring (hangar_host_window_get_host_info (data));
}

static void
on_sampled_cb (HangarHostInfo *info,
               guint          *count)
{
  (*count)++;
}

static gboolean
count_at_least_three (gpointer data)
{
  return *(guint *)data >= 3;
}

/* The overview's rows say what libvirt says about the host; the live rows fill in
 * while the page is on screen. */
static void
test_overview (void)
{
  HangarHostWindow *window = host_window ();
  virConnectPtr other = virConnectOpen ("test:///default");
  virNodeInfo node;
  unsigned long lib_version;
  char *host_name;
  g_autofree char *version_text = NULL;
  g_autofree char *memory_text = NULL;
  g_autofree char *cpus_text = NULL;
  g_autofree char *used_text = NULL;
  g_autofree char *usage_text = NULL;
  guint64 used;

  g_assert_nonnull (other);
  g_assert_true (test_wait_for (info_loaded, window, 5000));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Test — Host Details");

  host_name = virConnectGetHostname (other);
  g_assert_cmpstr (test_row_value (GTK_WIDGET (window), "Host Name"), ==, host_name);
  free (host_name);
  g_assert_cmpstr (test_row_value (GTK_WIDGET (window), "Connection"), ==, "test:///default");
  g_assert_cmpstr (test_row_value (GTK_WIDGET (window), "Hypervisor"), ==, "TEST 0.0.2");
  g_assert_cmpint (virConnectGetLibVersion (other, &lib_version), ==, 0);
  version_text = g_strdup_printf ("%lu.%lu.%lu", lib_version / 1000000,
                                  lib_version / 1000 % 1000, lib_version % 1000);
  g_assert_cmpstr (test_row_value (GTK_WIDGET (window), "libvirt Version"), ==, version_text);

  g_assert_cmpint (virNodeGetInfo (other, &node), ==, 0);
  g_assert_cmpstr (test_row_value (GTK_WIDGET (window), "Architecture"), ==, node.model);
  cpus_text = g_strdup_printf ("%u at %u MHz", node.cpus, node.mhz);
  g_assert_cmpstr (test_row_value (GTK_WIDGET (window), "CPUs"), ==, cpus_text);
  /* The test driver's host has 3 GiB. */
  g_assert_cmpuint (node.memory, ==, 3 * 1024 * 1024);
  /* GLib's sizes keep number and unit together with a no-break space. */
  g_assert_cmpstr (test_row_value (GTK_WIDGET (window), "Memory"), ==, "3.0\u00a0GiB");

  /* Memory use: the test driver has no memory statistics, so total less free. */
  used = (guint64)node.memory * 1024 - virNodeGetFreeMemory (other);
  g_assert_true (test_wait_for (memory_measured, window, 5000));
  used_text = g_format_size_full (used, G_FORMAT_SIZE_IEC_UNITS);
  usage_text = g_strdup_printf ("%s of 3.0\u00a0GiB (%.0f %%)", used_text,
                                100.0 * (double)used / ((double)node.memory * 1024));
  g_assert_cmpstr (test_row_value (GTK_WIDGET (window), "Memory Use"), ==, usage_text);
  /* Its CPU counters never move: once two samples are in, it says so. */
  g_assert_true (test_wait_for (not_measuring, window, 5000));
  g_assert_cmpstr (test_row_value (GTK_WIDGET (window), "CPU Use"), ==,
                   "Not reported by this host");

  hangar_test_assert_accessible_names (GTK_WIDGET (window));
  virConnectClose (other);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Sampling runs while the overview is on screen, and stops when the window goes: a
 * second page's samples prove the time passed. */
static void
test_sampling_follows_window (void)
{
  HangarHostWindow *window = host_window ();
  HangarHostInfo *info = g_object_ref (hangar_host_window_get_host_info (window));
  g_autoptr(HangarHostInfo) witness = hangar_host_info_new (connection);
  guint samples = 0, witness_samples = 0;

  hangar_connection_set_stats_interval (connection, 50);
  g_signal_connect (info, "sampled", G_CALLBACK (on_sampled_cb), &samples);
  g_assert_true (test_wait_for (count_at_least_three, &samples, 5000));

  gtk_window_destroy (GTK_WINDOW (window));
  samples = 0;
  g_signal_connect (witness, "sampled", G_CALLBACK (on_sampled_cb), &witness_samples);
  hangar_host_info_watch (witness);
  g_assert_true (test_wait_for (count_at_least_three, &witness_samples, 5000));
  g_assert_cmpuint (samples, ==, 0);
  hangar_host_info_unwatch (witness);

  hangar_connection_set_stats_interval (connection, 3000);
  test_assert_finalized (info);
}

/* The sidebar row's menu has Host Details, which opens that host's page, once. */
static void
test_sidebar_opens_page (void)
{
  HangarWindow *manager = NULL;
  GtkWidget *row = NULL;
  HangarHostWindow *window;

  g_application_activate (G_APPLICATION (app));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (HANGAR_IS_WINDOW (l->data))
      manager = l->data;
  g_assert_nonnull (manager);
  row = test_find_widget (GTK_WIDGET (manager), HANGAR_TYPE_CONNECTION_ROW, NULL, NULL);
  g_assert_nonnull (row);
  g_assert_true (hangar_connection_row_get_connection (HANGAR_CONNECTION_ROW (row)) ==
                 connection);

  g_assert_true (gtk_widget_activate_action (row, "row.details", NULL));
  window = find_host_window (app, connection);
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_activate_action (row, "row.details", NULL));
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_HOST_WINDOW), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (manager));
}

static gboolean
status_title_is (gpointer data)
{
  HangarHostWindow *window = data;
  GtkWidget *status = test_find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, NULL, NULL);

  return status != NULL && gtk_widget_get_mapped (status) &&
         g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (status)), "Not connected") == 0;
}

/* A host that is not connected: the page says so, and shows the host once it is back. */
static void
test_disconnected (void)
{
  HangarHostWindow *window = host_window ();

  g_assert_true (test_wait_for (test_overview_shown, window, 5000));
  hangar_connection_close (connection);
  g_assert_true (test_wait_for (status_title_is, window, 5000));
  hangar_test_assert_accessible_names (GTK_WIDGET (window));

  hangar_session_open_connection (session, connection);
  g_assert_true (test_wait_for (is_connected, connection, 5000));
  g_assert_true (test_wait_for (test_overview_shown, window, 5000));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Editing and removing the host. */

static HangarWindow *
open_manager (void)
{
  g_application_activate (G_APPLICATION (app));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (HANGAR_IS_WINDOW (l->data))
      return l->data;
  g_error ("No manager window");
}

static gboolean
row_shows (GtkWidget    *widget,
           gconstpointer data)
{
  return hangar_connection_row_get_connection (HANGAR_CONNECTION_ROW (widget)) == data;
}

static GtkWidget *
sidebar_row (HangarWindow     *manager,
             HangarConnection *for_connection)
{
  GtkWidget *row = test_find_widget (GTK_WIDGET (manager), HANGAR_TYPE_CONNECTION_ROW, row_shows,
                                     for_connection);

  g_assert_nonnull (row);
  return row;
}

static HangarAddConnectionDialog *
find_edit_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (HANGAR_IS_ADD_CONNECTION_DIALOG (window) && gtk_widget_get_visible (window))
        return HANGAR_ADD_CONNECTION_DIALOG (window);
    }
  g_error ("No Edit Connection form is open");
}

/* Only @for_connection's guests are listed, and some are. */
static void
assert_lists_only (HangarWindow     *manager,
                   HangarConnection *for_connection)
{
  GListModel *guests = hangar_window_get_guest_model (manager);
  guint n = g_list_model_get_n_items (guests);

  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarGuest) guest = g_list_model_get_item (guests, i);

      g_assert_true (hangar_guest_get_connection (guest) == for_connection);
    }
}

/* Edit Connection gives the host another URI: the session replaces its connection in
 * place, and the old one is closed for good. The host's page follows the new
 * connection, on the tab it showed, and the sidebar keeps the host chosen. Removing
 * the host closes its page, and All Hosts is chosen. */
static void
test_edit_connection (void)
{
  g_autofree char *old_uri = test_data_uri ("empty-host.xml");
  g_autofree char *new_uri = test_data_uri ("three-guests.xml");
  HangarConnection *edited = hangar_session_add_connection (session, old_uri, TRUE, FALSE);
  HangarWindow *manager = open_manager ();
  g_autoptr(GtkWidget) dialog = NULL;
  HangarHostWindow *window;
  HangarConnection *replacement;
  GtkListBox *sidebar;
  GtkWidget *row;

  g_assert_true (test_wait_for (is_connected, edited, 5000));
  hangar_window_select_connection (manager, edited);
  g_assert_true (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (sidebar_row (manager, edited))));
  hangar_application_show_host (app, edited);
  window = find_host_window (app, edited);
  hangar_host_window_show_page (window, "storage");

  g_assert_true (gtk_widget_activate_action (sidebar_row (manager, edited), "row.edit", NULL));
  dialog = g_object_ref (GTK_WIDGET (find_edit_dialog ()));
  test_type_text (test_find_titled (dialog, ADW_TYPE_ENTRY_ROW, "U_RI"), new_uri);
  g_object_ref (edited);
  test_click (test_find_titled (dialog, GTK_TYPE_BUTTON, "Sa_ve"));
  test_wait_destroyed (dialog, 5000);
  g_clear_object (&dialog);

  replacement = hangar_session_lookup (session, new_uri);
  g_assert_nonnull (replacement);
  g_assert_null (hangar_session_lookup (session, old_uri));
  /* The old page went with the old connection (its last holder). */
  g_assert_null (find_host_window (app, edited));
  test_assert_finalized (edited);
  window = find_host_window (app, replacement);
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_HOST_WINDOW), ==, 1);
  g_assert_cmpstr (hangar_host_window_get_page (window), ==, "storage");
  g_assert_true (test_wait_for (is_connected, replacement, 5000));
  g_assert_true (test_wait_for (info_loaded, window, 5000));
  g_assert_cmpstr (test_row_value (GTK_WIDGET (window), "Connection"), ==, new_uri);

  /* The sidebar: the edited host still chosen, its guests listed. */
  row = sidebar_row (manager, replacement);
  sidebar = GTK_LIST_BOX (gtk_widget_get_parent (row));
  g_assert_true (gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (row)));
  assert_lists_only (manager, replacement);

  /* Removed, its page closes. */
  hangar_session_remove_connection (session, replacement);
  g_assert_null (find_host_window (app, replacement));
  g_assert_cmpuint (count_windows (app, HANGAR_TYPE_HOST_WINDOW), ==, 0);
  g_assert_true (gtk_list_box_get_selected_row (sidebar) ==
                 gtk_list_box_get_row_at_index (sidebar, 0));

  gtk_window_destroy (GTK_WINDOW (manager));
}

/* Storage. */

static HangarHostStoragePage *
storage_page (HangarHostWindow *window)
{
  GtkWidget *page = test_find_widget (GTK_WIDGET (window), HANGAR_TYPE_HOST_STORAGE_PAGE, NULL,
                                      NULL);

  g_assert_nonnull (page);
  hangar_host_window_show_page (window, "storage");
  return HANGAR_HOST_STORAGE_PAGE (page);
}

static HangarHostWindow *
storage_window (HangarConnection *for_connection)
{
  hangar_application_show_host (app, for_connection);
  return find_host_window (app, for_connection);
}

static void
assert_label_shown (GtkWidget  *root,
                    const char *text)
{
  TestLabelWait wait = { root, text };

  if (!test_wait_for (test_label_shown, &wait, 5000))
    g_error ("No label “%s” within 5 s", text);
}

static void
assert_label_gone (GtkWidget  *root,
                   const char *text)
{
  TestLabelWait wait = { root, text };

  if (!test_wait_for (test_label_gone, &wait, 5000))
    g_error ("The label “%s” is still shown after 5 s", text);
}

static int
compare_names (const void *a,
               const void *b)
{
  return g_strcmp0 (*(char *const *)a, *(char *const *)b);
}

/* "b, a" as "a, b": core lists a volume's users in no set order. */
static char *
sorted_list (const char *text)
{
  g_auto(GStrv) names = g_strsplit (text, ", ", -1);

  qsort (names, g_strv_length (names), sizeof (char *), compare_names);
  return g_strjoinv (", ", names);
}

/* The texts of the column view row that shows @name, cell by cell (the last one, the
 * users, sorted). */
static char *
row_texts (GtkWidget  *view,
           const char *name)
{
  GtkWidget *label = test_find_label (view, name);
  GtkWidget *row;
  g_autoptr(GString) texts = g_string_new (NULL);

  g_assert_nonnull (label);
  row = gtk_widget_get_parent (gtk_widget_get_parent (label));
  for (GtkWidget *cell = gtk_widget_get_first_child (row); cell;
       cell = gtk_widget_get_next_sibling (cell))
    {
      GtkWidget *child = gtk_widget_get_first_child (cell);
      g_autofree char *text = gtk_widget_get_next_sibling (cell) != NULL ?
                              g_strdup (gtk_label_get_text (GTK_LABEL (child))) :
                              sorted_list (gtk_label_get_text (GTK_LABEL (child)));

      if (texts->len > 0)
        g_string_append (texts, " | ");
      g_string_append (texts, text);
    }
  return g_string_free (g_steal_pointer (&texts), FALSE);
}

static char *
size_text (unsigned long long bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static void
collect_widgets (GtkWidget *widget,
                 GType      type,
                 GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, type, found);
}

/* Each pool's autostart switch is labelled by its pool's name: a screen reader says
 * which pool it starts. */
static void
assert_autostart_switches_named (GtkWidget   *page,
                                 const char **pools)
{
  g_autoptr(GPtrArray) switches = g_ptr_array_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  collect_widgets (page, GTK_TYPE_SWITCH, switches);
  g_assert_cmpuint (switches->len, ==, g_strv_length ((char **) pools));
  for (guint i = 0; i < switches->len; i++)
    {
      GtkWidget *name_label = gtk_widget_get_first_child (gtk_widget_get_first_child (
        gtk_widget_get_parent (switches->pdata[i])));
      g_autofree char *mismatch = NULL;

      g_assert_true (GTK_IS_LABEL (name_label));
      mismatch = gtk_test_accessible_check_relation (switches->pdata[i],
                                                     GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                                     name_label, NULL);
      g_assert_null (mismatch);
      g_ptr_array_add (names, (gpointer) gtk_label_get_text (GTK_LABEL (name_label)));
    }
  for (guint i = 0; pools[i] != NULL; i++)
    g_assert_true (g_ptr_array_find_with_equal_func (names, pools[i], g_str_equal, NULL));
}

static gboolean
has_css_class_below (GtkWidget  *widget,
                     const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_css_class_below (child, css_class))
      return TRUE;
  return FALSE;
}

/* The bars of pools 90 % full or more, and only those, paint their filled block with the
 * warning offset's class (style.css colours it). */
static void
assert_nearly_full_bars (GtkWidget *page,
                         guint      expected)
{
  g_autoptr(GPtrArray) bars = g_ptr_array_new ();
  guint warned = 0;

  collect_widgets (page, GTK_TYPE_LEVEL_BAR, bars);
  g_assert_cmpuint (bars->len, >, 1);
  for (guint i = 0; i < bars->len; i++)
    {
      gboolean nearly_full = gtk_level_bar_get_value (bars->pdata[i]) >= 0.9;

      g_assert_cmpint (has_css_class_below (bars->pdata[i], "pool-nearly-full"), ==, nearly_full);
      /* An empty pool's bar draws no filled block. */
      if (gtk_level_bar_get_value (bars->pdata[i]) > 0)
        g_assert_cmpint (has_css_class_below (bars->pdata[i], "pool-used"), ==, !nearly_full);
      warned += nearly_full;
    }
  g_assert_cmpuint (warned, ==, expected);
}

/* Clicks the page's button for @action, which must be sensitive. */
static gboolean
volumes_loaded (gpointer data)
{
  return hangar_pool_get_volumes_loaded (data);
}

/* The pools and the chosen pool's volumes, as libvirt lists them to another connection
 * on the same host file; each volume's row: name, format, capacity, allocation, users. */
static void
test_storage_lists (void)
{
  HangarHostWindow *window = storage_window (storage_connection);
  HangarHostStoragePage *page = storage_page (window);
  g_autofree char *uri = test_data_uri ("host-storage.xml");
  virConnectPtr other = virConnectOpen (uri);
  virStoragePoolPtr *pools = NULL;
  virStorageVolPtr *volumes = NULL;
  virStoragePoolPtr images;
  GtkWidget *view;
  int n;

  g_assert_nonnull (other);
  n = virConnectListAllStoragePools (other, &pools, 0);
  g_assert_cmpint (n, ==, 3);
  for (int i = 0; i < n; i++)
    {
      virStoragePoolInfo info;
      g_autofree char *used = NULL;
      g_autofree char *total = NULL;
      g_autofree char *available = NULL;
      g_autofree char *usage = NULL;

      g_assert_cmpint (virStoragePoolGetInfo (pools[i], &info), ==, 0);
      used = size_text (info.allocation);
      total = size_text (info.capacity);
      available = size_text (info.available);
      /* 90 % and more is nearly full; "backups" (95 of 100 GiB) is. */
      if (info.allocation * 10 >= info.capacity * 9)
        usage = g_strdup_printf ("%s of %s used, nearly full: %s free", used, total, available);
      else
        usage = g_strdup_printf ("%s of %s used, %s free", used, total, available);
      g_assert_true ((g_strcmp0 (virStoragePoolGetName (pools[i]), "backups") == 0)
                     == (strstr (usage, "nearly full") != NULL));
      assert_label_shown (GTK_WIDGET (page), virStoragePoolGetName (pools[i]));
      assert_label_shown (GTK_WIDGET (page), usage);
      virStoragePoolFree (pools[i]);
    }
  free (pools);
  assert_autostart_switches_named (GTK_WIDGET (page), (const char *[]) { "images", "backups",
                                                                        "vg-fast", NULL });
  assert_nearly_full_bars (GTK_WIDGET (page), 1);
  assert_label_shown (GTK_WIDGET (page), "Active · LVM Volume Group");

  hangar_host_storage_page_select_pool (page, hangar_connection_find_pool (storage_connection,
                                                                           "images"));
  g_assert_true (test_wait_for (volumes_loaded,
                                hangar_connection_find_pool (storage_connection, "images"),
                                5000));
  view = test_find_widget (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW, NULL, NULL);
  images = virStoragePoolLookupByName (other, "images");
  n = virStoragePoolListAllVolumes (images, &volumes, 0);
  g_assert_cmpint (n, ==, 4);
  for (int i = 0; i < n; i++)
    {
      const char *name = virStorageVolGetName (volumes[i]);
      virStorageVolInfo info;
      g_autofree char *capacity = NULL;
      g_autofree char *allocation = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *shown = NULL;
      /* Formats and users (by name) as host-storage.xml has them. */
      const char *format = g_str_has_suffix (name, ".qcow2") ? "qcow2" :
                           g_str_has_suffix (name, ".iso") ? "iso" : "raw";
      const char *users = g_str_equal (name, "debian-12.qcow2") ? "web" :
                          g_str_equal (name, "shared-data.img") ? "db, web" : "";

      g_assert_cmpint (virStorageVolGetInfo (volumes[i], &info), ==, 0);
      capacity = size_text (info.capacity);
      allocation = size_text (info.allocation);
      expected = g_strdup_printf ("%s | %s | %s | %s | %s", name, format, capacity, allocation,
                                  users);
      assert_label_shown (view, name);
      shown = row_texts (view, name);
      g_assert_cmpstr (shown, ==, expected);
      virStorageVolFree (volumes[i]);
    }
  free (volumes);
  virStoragePoolFree (images);

  /* No volume chosen yet: nothing to resize or delete. */
  g_assert_false (test_action_sensitive (GTK_WIDGET (page), "storage.resize-volume"));
  g_assert_false (test_action_sensitive (GTK_WIDGET (page), "storage.delete-volume"));
  hangar_test_assert_accessible_names (GTK_WIDGET (window));

  virConnectClose (other);
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct {
  virConnectPtr conn;
  const char *pool;
  int active;
} PoolWait;

static gboolean
pool_active_is (gpointer data)
{
  PoolWait *wait = data;
  virStoragePoolPtr pool = virStoragePoolLookupByName (wait->conn, wait->pool);
  int active = virStoragePoolIsActive (pool);

  virStoragePoolFree (pool);
  return active == wait->active;
}

static gboolean
pool_autostart_is (gpointer data)
{
  PoolWait *wait = data;
  virStoragePoolPtr pool = virStoragePoolLookupByName (wait->conn, wait->pool);
  int autostart = -1;

  virStoragePoolGetAutostart (pool, &autostart);
  virStoragePoolFree (pool);
  return autostart == wait->active;
}

typedef struct {
  HangarHostStoragePage *page;
  const char *action;
  gboolean sensitive;
} ActionWait;

static gboolean
action_sensitive_is (gpointer data)
{
  ActionWait *wait = data;

  return test_action_sensitive (GTK_WIDGET (wait->page), wait->action) == wait->sensitive;
}

static void
assert_action_becomes (HangarHostStoragePage *page,
                       const char            *action,
                       gboolean               sensitive)
{
  ActionWait wait = { page, action, sensitive };

  if (!test_wait_for (action_sensitive_is, &wait, 5000))
    g_error ("%s did not become %s", action, sensitive ? "sensitive" : "insensitive");
}

static gboolean
is_switch (GtkWidget    *widget,
           gconstpointer data)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
switch_state_is (gpointer data)
{
  GtkSwitch *toggle = data;

  return gtk_switch_get_state (toggle) == GPOINTER_TO_INT (g_object_get_data (data, "want"));
}

/* Stop, start, autostart and refresh "default-pool" of test:///default from the page;
 * libvirt, asked through another connection, agrees each time. */
static void
test_pool_operations (void)
{
  HangarHostWindow *window = storage_window (connection);
  HangarHostStoragePage *page = storage_page (window);
  virConnectPtr other = virConnectOpen ("test:///default");
  HangarPool *pool = hangar_connection_find_pool (connection, "default-pool");
  PoolWait wait = { other, "default-pool", 0 };
  virStoragePoolPtr vpool;
  virStorageVolPtr volume;
  GtkWidget *toggle;

  g_assert_nonnull (other);
  g_assert_nonnull (pool);
  hangar_host_storage_page_select_pool (page, pool);
  g_assert_true (test_wait_for (volumes_loaded, pool, 5000));
  assert_label_shown (GTK_WIDGET (page), "default-pool");
  g_assert_false (test_action_sensitive (GTK_WIDGET (page), "storage.start-pool"));

  test_click_action (GTK_WIDGET (page), "storage.stop-pool");
  g_assert_true (test_wait_for (pool_active_is, &wait, 5000));
  assert_label_shown (GTK_WIDGET (page), "Pool Not Running");
  assert_action_becomes (page, "storage.start-pool", TRUE);
  g_assert_false (test_action_sensitive (GTK_WIDGET (page), "storage.stop-pool"));
  g_assert_false (test_action_sensitive (GTK_WIDGET (page), "storage.refresh-pool"));

  test_click_action (GTK_WIDGET (page), "storage.start-pool");
  wait.active = 1;
  g_assert_true (test_wait_for (pool_active_is, &wait, 5000));
  assert_action_becomes (page, "storage.stop-pool", TRUE);
  g_assert_false (test_action_sensitive (GTK_WIDGET (page), "storage.start-pool"));

  /* Autostart: the row's switch. */
  toggle = test_find_widget (GTK_WIDGET (page), GTK_TYPE_SWITCH, is_switch, NULL);
  g_assert_nonnull (toggle);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  g_assert_true (test_wait_for (pool_autostart_is, &wait, 5000));
  g_object_set_data (G_OBJECT (toggle), "want", GINT_TO_POINTER (TRUE));
  g_assert_true (test_wait_for (switch_state_is, toggle, 5000));
  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  wait.active = 0;
  g_assert_true (test_wait_for (pool_autostart_is, &wait, 5000));
  g_object_set_data (G_OBJECT (toggle), "want", GINT_TO_POINTER (FALSE));
  g_assert_true (test_wait_for (switch_state_is, toggle, 5000));

  /* A volume made behind Hangar's back shows after Refresh. */
  vpool = virStoragePoolLookupByName (other, "default-pool");
  volume = virStorageVolCreateXML (vpool, "<volume><name>made-elsewhere.img</name>"
                                   "<capacity unit='MiB'>64</capacity></volume>", 0);
  g_assert_nonnull (volume);
  test_click_action (GTK_WIDGET (page), "storage.refresh-pool");
  assert_label_shown (GTK_WIDGET (page), "made-elsewhere.img");
  g_assert_cmpint (virStorageVolDelete (volume, 0), ==, 0);
  virStorageVolFree (volume);
  virStoragePoolFree (vpool);
  test_click_action (GTK_WIDGET (page), "storage.refresh-pool");
  assert_label_gone (GTK_WIDGET (page), "made-elsewhere.img");

  virConnectClose (other);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* As a click does: the dialog answers and closes. */
/* The resize dialog: the current capacity, Resize for a larger size, a destructive
 * Shrink for a smaller one that only the check box enables, nothing for zero or the
 * same size. */
static void
test_resize_dialog (void)
{
  HangarHostWindow *window = storage_window (storage_connection);
  HangarPool *images = hangar_connection_find_pool (storage_connection, "images");
  HangarVolume *volume;
  HangarResizeVolumeDialog *dialog;
  AdwMessageDialog *message;
  GtkWidget *check;

  storage_page (window);
  hangar_pool_get_volumes (images);
  g_assert_true (test_wait_for (volumes_loaded, images, 5000));
  volume = hangar_pool_find_volume (images, "shared-data.img");
  g_assert_nonnull (volume);

  dialog = hangar_resize_volume_dialog_new (GTK_WINDOW (window), volume);
  message = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (message), ==, "Resize “shared-data.img”");
  /* 10 GiB in host-storage.xml. */
  g_assert_cmpstr (adw_message_dialog_get_body (message), ==, "Its capacity is 10.0\u00a0GiB now.");
  g_assert_cmpuint (hangar_resize_volume_dialog_get_capacity (dialog), ==,
                    G_GUINT64_CONSTANT (10) << 30);
  g_assert_false (adw_message_dialog_get_response_enabled (message, "resize"));

  hangar_resize_volume_dialog_set_size (dialog, 12.5, "GiB");
  g_assert_cmpuint (hangar_resize_volume_dialog_get_capacity (dialog), ==,
                    G_GUINT64_CONSTANT (12800) << 20);
  g_assert_true (adw_message_dialog_get_response_enabled (message, "resize"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (message, "resize"), ==, "_Resize");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (message, "resize"), ==,
                   ADW_RESPONSE_SUGGESTED);

  hangar_resize_volume_dialog_set_size (dialog, 512, "MiB");
  g_assert_cmpstr (adw_message_dialog_get_response_label (message, "resize"), ==, "_Shrink");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (message, "resize"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  g_assert_false (adw_message_dialog_get_response_enabled (message, "resize"));
  check = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON, NULL, NULL);
  g_assert_true (gtk_widget_get_visible (check));
  g_assert_cmpstr (gtk_check_button_get_label (GTK_CHECK_BUTTON (check)), ==,
                   "I understand that the data past 512.0\u00a0MiB is _lost");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_assert_true (adw_message_dialog_get_response_enabled (message, "resize"));
  hangar_test_assert_accessible_names (GTK_WIDGET (dialog));

  /* Back to growing: the consent does not carry over. */
  hangar_resize_volume_dialog_set_size (dialog, 1, "TiB");
  g_assert_false (gtk_widget_get_visible (check));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  g_assert_cmpstr (adw_message_dialog_get_response_label (message, "resize"), ==, "_Resize");

  hangar_resize_volume_dialog_set_size (dialog, 0, "GiB");
  g_assert_false (adw_message_dialog_get_response_enabled (message, "resize"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Delete Pool asks first; Cancel keeps the pool. */
static void
test_delete_pool_cancelled (void)
{
  HangarHostWindow *window = storage_window (storage_connection);
  HangarHostStoragePage *page = storage_page (window);
  const char *heading = "Delete the Pool “backups”?";
  AdwMessageDialog *dialog;
  GtkWidget *check;

  hangar_host_storage_page_select_pool (page, hangar_connection_find_pool (storage_connection,
                                                                           "backups"));
  test_click_action (GTK_WIDGET (page), "storage.delete-pool");
  g_assert_true (test_wait_for (test_message_shown, (gpointer)heading, 5000));
  dialog = test_find_message (heading);
  check = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON, NULL, NULL);
  g_assert_cmpstr (gtk_check_button_get_label (GTK_CHECK_BUTTON (check)), ==,
                   "Also _delete the pool’s storage (/srv/backups)");
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  hangar_test_assert_accessible_names (GTK_WIDGET (dialog));
  test_click_response (dialog, "_Cancel");
  g_assert_true (test_wait_for (test_message_gone, (gpointer)heading, 5000));
  g_assert_nonnull (hangar_connection_find_pool (storage_connection, "backups"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Delete Pool, confirmed, on a pool of test:///default's own making: libvirt forgets it. */
static void
test_delete_pool (void)
{
  HangarHostWindow *window = storage_window (connection);
  HangarHostStoragePage *page = storage_page (window);
  virConnectPtr other = virConnectOpen ("test:///default");
  const char *heading = "Delete the Pool “doomed”?";
  virStoragePoolPtr doomed;
  HangarPool *pool = NULL;

  doomed = virStoragePoolDefineXML (other, "<pool type='dir'><name>doomed</name>"
                                    "<target><path>/doomed</path></target></pool>", 0);
  g_assert_nonnull (doomed);
  g_assert_cmpint (virStoragePoolCreate (doomed, 0), ==, 0);
  assert_label_shown (GTK_WIDGET (page), "doomed");
  pool = hangar_connection_find_pool (connection, "doomed");
  hangar_host_storage_page_select_pool (page, pool);

  test_click_action (GTK_WIDGET (page), "storage.delete-pool");
  g_assert_true (test_wait_for (test_message_shown, (gpointer)heading, 5000));
  test_click_response (test_find_message (heading), "_Delete");
  assert_label_gone (GTK_WIDGET (page), "doomed");
  g_assert_null (virStoragePoolLookupByName (other, "doomed"));
  virResetLastError ();

  virStoragePoolFree (doomed);
  virConnectClose (other);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_label_starting (GtkWidget    *widget,
                   gconstpointer prefix)
{
  return gtk_widget_get_mapped (widget) &&
         g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix);
}

static gboolean
toast_shown (gpointer data)
{
  TestLabelWait *wait = data;

  return test_find_widget (wait->root, GTK_TYPE_LABEL, is_label_starting, wait->text) != NULL;
}

/* A sentence beginning with @prefix shows in the page (a toast). */
static void
assert_toast (HangarHostStoragePage *page,
              const char            *prefix)
{
  TestLabelWait wait = { GTK_WIDGET (page), prefix };

  if (!test_wait_for (toast_shown, &wait, 5000))
    g_error ("No message starting “%s” within 5 s", prefix);
}

typedef struct {
  virConnectPtr conn;
  const char *name;
} VolumeWait;

static gboolean
volume_absent (gpointer data)
{
  VolumeWait *wait = data;
  virStoragePoolPtr pool = virStoragePoolLookupByName (wait->conn, "default-pool");
  virStorageVolPtr volume = virStorageVolLookupByName (pool, wait->name);

  virStoragePoolFree (pool);
  if (volume == NULL)
    {
      virResetLastError ();
      return TRUE;
    }
  virStorageVolFree (volume);
  return FALSE;
}

/* Makes @name (64 MiB) in test:///default's default-pool through @other, shows it with
 * the page's Refresh and selects it. */
static HangarVolume *
make_volume (HangarHostStoragePage *page,
             virConnectPtr          other,
             const char            *name)
{
  HangarPool *pool = hangar_connection_find_pool (connection, "default-pool");
  virStoragePoolPtr vpool = virStoragePoolLookupByName (other, "default-pool");
  g_autofree char *xml = g_strdup_printf ("<volume><name>%s</name>"
                                          "<capacity unit='MiB'>64</capacity></volume>", name);
  virStorageVolPtr volume = virStorageVolCreateXML (vpool, xml, 0);
  HangarVolume *shown;

  g_assert_nonnull (volume);
  virStorageVolFree (volume);
  virStoragePoolFree (vpool);

  hangar_host_storage_page_select_pool (page, pool);
  g_assert_true (test_wait_for (volumes_loaded, pool, 5000));
  test_click_action (GTK_WIDGET (page), "storage.refresh-pool");
  assert_label_shown (GTK_WIDGET (page), name);
  shown = hangar_pool_find_volume (pool, name);
  g_assert_nonnull (shown);
  hangar_host_storage_page_select_volume (page, shown);
  assert_action_becomes (page, "storage.delete-volume", TRUE);
  return shown;
}

/* Delete Volume asks, then deletes: gone from libvirt and from the list. */
static void
test_delete_volume (void)
{
  HangarHostWindow *window = storage_window (connection);
  HangarHostStoragePage *page = storage_page (window);
  virConnectPtr other = virConnectOpen ("test:///default");
  const char *heading = "Delete the Volume “victim.img”?";
  VolumeWait gone = { other, "victim.img" };
  AdwMessageDialog *dialog;

  make_volume (page, other, "victim.img");
  g_assert_true (test_action_sensitive (GTK_WIDGET (page), "storage.resize-volume"));
  test_click_action (GTK_WIDGET (page), "storage.delete-volume");
  g_assert_true (test_wait_for (test_message_shown, (gpointer)heading, 5000));
  dialog = test_find_message (heading);
  hangar_test_assert_accessible_names (GTK_WIDGET (dialog));
  test_click_response (dialog, "_Delete");
  g_assert_true (test_wait_for (volume_absent, &gone, 5000));
  assert_label_gone (GTK_WIDGET (page), "victim.img");
  /* Nothing chosen any more: nothing to delete. */
  assert_action_becomes (page, "storage.delete-volume", FALSE);

  virConnectClose (other);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A volume a guest uses: refused with core's sentence naming the guest, deleted after
 * Delete Anyway. */
static void
test_delete_volume_in_use (void)
{
  HangarHostWindow *window = storage_window (connection);
  HangarHostStoragePage *page = storage_page (window);
  virConnectPtr other = virConnectOpen ("test:///default");
  VolumeWait gone = { other, "in-use.img" };
  const char *confirm = "Delete the Volume “in-use.img”?";
  virDomainPtr guest;
  AdwMessageDialog *dialog;
  const char *body;

  guest = virDomainDefineXML (other, "<domain type='test'><name>disk-user</name>"
                              "<memory unit='MiB'>128</memory><vcpu>1</vcpu>"
                              "<os><type arch='x86_64'>hvm</type></os><devices>"
                              "<disk type='file' device='disk'>"
                              "<source file='/default-pool/in-use.img'/>"
                              "<target dev='vda' bus='virtio'/></disk></devices></domain>");
  g_assert_nonnull (guest);
  make_volume (page, other, "in-use.img");

  test_click_action (GTK_WIDGET (page), "storage.delete-volume");
  g_assert_true (test_wait_for (test_message_shown, (gpointer)confirm, 5000));
  test_click_response (test_find_message (confirm), "_Delete");
  g_assert_true (test_wait_for (test_message_shown, (gpointer)"Volume in Use", 5000));
  dialog = test_find_message ("Volume in Use");
  body = adw_message_dialog_get_body (dialog);
  g_assert_nonnull (strstr (body, "in-use.img"));
  g_assert_nonnull (strstr (body, "disk-user"));
  g_assert_true (g_str_has_suffix (body, "Deleting it anyway leaves those guests with a "
                                         "missing disk."));
  g_assert_false (volume_absent (&gone));
  hangar_test_assert_accessible_names (GTK_WIDGET (dialog));
  test_click_response (dialog, "Delete _Anyway");
  g_assert_true (test_wait_for (volume_absent, &gone, 5000));
  assert_label_gone (GTK_WIDGET (page), "in-use.img");

  g_assert_cmpint (virDomainUndefine (guest), ==, 0);
  virDomainFree (guest);
  virConnectClose (other);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* What the test driver cannot do reaches the user as core's sentence naming the
 * volume: resizing, and wiping before a delete (which then keeps the volume). */
static void
test_volume_refusals (void)
{
  HangarHostWindow *window = storage_window (connection);
  HangarHostStoragePage *page = storage_page (window);
  virConnectPtr other = virConnectOpen ("test:///default");
  VolumeWait gone = { other, "stubborn.img" };
  HangarResizeVolumeDialog *resize = NULL;
  const char *heading = "Delete the Volume “stubborn.img”?";
  AdwMessageDialog *dialog;
  GtkWidget *wipe;

  make_volume (page, other, "stubborn.img");

  test_click_action (GTK_WIDGET (page), "storage.resize-volume");
  g_assert_true (test_wait_for (test_message_shown, (gpointer)"Resize “stubborn.img”", 5000));
  resize = HANGAR_RESIZE_VOLUME_DIALOG (test_find_message ("Resize “stubborn.img”"));
  g_assert_true (hangar_resize_volume_dialog_get_volume (resize) ==
                 hangar_host_storage_page_get_selected_volume (page));
  hangar_resize_volume_dialog_set_size (resize, 128, "MiB");
  test_click_response (ADW_MESSAGE_DIALOG (resize), "_Resize");
  assert_toast (page, "The pool of the volume “stubborn.img” cannot resize it");

  test_click_action (GTK_WIDGET (page), "storage.delete-volume");
  g_assert_true (test_wait_for (test_message_shown, (gpointer)heading, 5000));
  dialog = test_find_message (heading);
  wipe = test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON, NULL, NULL);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (wipe), TRUE);
  test_click_response (dialog, "_Delete");
  assert_toast (page, "Could not wipe the volume “stubborn.img”");
  g_assert_false (volume_absent (&gone));
  /* The wipe's progress went with it; the volume can be acted on again. */
  assert_action_becomes (page, "storage.delete-volume", TRUE);

  virConnectClose (other);
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

/* New Pool… opens the pool wizard over the host's page; New Volume… the volume wizard,
 * only for a running pool. */
static void
test_new_buttons (void)
{
  HangarHostWindow *window = storage_window (storage_connection);
  HangarHostStoragePage *page = storage_page (window);
  HangarPool *images = hangar_connection_find_pool (storage_connection, "images");
  GtkWindow *wizard;

  hangar_host_storage_page_select_pool (page, images);
  test_click_action (GTK_WIDGET (page), "storage.new-pool");
  wizard = find_toplevel (HANGAR_TYPE_POOL_WIZARD);
  g_assert_nonnull (wizard);
  g_assert_true (gtk_window_get_transient_for (wizard) == GTK_WINDOW (window));
  gtk_window_destroy (wizard);

  test_click_action (GTK_WIDGET (page), "storage.new-volume");
  wizard = find_toplevel (HANGAR_TYPE_VOLUME_WIZARD);
  g_assert_nonnull (wizard);
  g_assert_true (gtk_window_get_transient_for (wizard) == GTK_WINDOW (window));
  gtk_window_destroy (wizard);

  /* A stopped pool takes no new volume. */
  test_click_action (GTK_WIDGET (page), "storage.stop-pool");
  assert_action_becomes (page, "storage.new-volume", FALSE);
  test_click_action (GTK_WIDGET (page), "storage.start-pool");
  assert_action_becomes (page, "storage.new-volume", TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A page made without the application (as the end-to-end test makes it) comes and
 * goes without a warning. */
static void
test_without_application (void)
{
  HangarHostWindow *window = hangar_host_window_new (NULL, connection);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (test_wait_for (test_overview_shown, window, 5000));
  hangar_host_window_show_page (window, "storage");
  assert_label_shown (GTK_WIDGET (window), "default-pool");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* hangar --connect URI --show-host-summary: that host's page alone; closing it ends
 * the application. Without --connect it says what is missing. */
typedef struct {
  HangarApplication *app;
  gboolean checked;
} Run;

static gboolean
has_host_window (gpointer data)
{
  return count_windows (data, HANGAR_TYPE_HOST_WINDOW) > 0;
}

static gboolean
run_steps_cb (gpointer data)
{
  Run *run = data;
  HangarHostWindow *window;

  g_assert_true (test_wait_for (has_host_window, run->app, 5000));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (run->app))),
                    ==, 1);
  window = gtk_application_get_windows (GTK_APPLICATION (run->app))->data;
  g_assert_cmpstr (hangar_connection_get_uri (hangar_host_window_get_connection (window)), ==,
                   "test:///default");
  run->checked = TRUE;
  gtk_window_destroy (GTK_WINDOW (window));
  return G_SOURCE_REMOVE;
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("The application still runs after 30 s");
  return G_SOURCE_REMOVE;
}

static int
run_application (const char *const *args,
                 Run               *run)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  guint timeout;
  int status;

  run->app = hangar_application_new ();
  g_application_set_flags (G_APPLICATION (run->app),
                           G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  g_ptr_array_add (argv, (char *)"hangar");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);

  g_idle_add (run_steps_cb, run);
  timeout = g_timeout_add_seconds (30, timeout_cb, NULL);
  status = g_application_run (G_APPLICATION (run->app), argv->len - 1, (char **)argv->pdata);
  g_source_remove (timeout);
  g_clear_object (&run->app);
  return status;
}

/* In a process of its own: the test's application already holds the bus name. */
static void
test_command_line (void)
{
  if (g_test_subprocess ())
    {
      const char *args[] = { "--connect", "test:///default", "--show-host-summary", NULL };
      Run run = { 0 };

      g_assert_cmpint (run_application (args, &run), ==, 0);
      g_assert_true (run.checked);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_command_line_without_uri (void)
{
  if (g_test_subprocess ())
    {
      char *args[] = { (char *)"hangar", (char *)"--show-host-summary", NULL };
      HangarApplication *alone = hangar_application_new ();

      g_application_set_flags (G_APPLICATION (alone),
                               G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
      exit (g_application_run (G_APPLICATION (alone), 2, args));
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*--show-host-summary needs the host*URI: add --connect URI.*");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *storage_uri = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (!g_test_subprocess ())
    {
      app = test_application_new ();
      session = hangar_application_get_session (app);
      connection = hangar_session_add_connection (session, "test:///default", FALSE, FALSE);
      g_assert_true (test_wait_for (is_connected, connection, 5000));
      storage_uri = test_data_uri ("host-storage.xml");
      storage_connection = hangar_session_add_connection (session, storage_uri, FALSE, FALSE);
      g_assert_true (test_wait_for (is_connected, storage_connection, 5000));
    }

  g_test_add_func ("/host-window/overview", test_overview);
  g_test_add_func ("/host-window/sampling-follows-window", test_sampling_follows_window);
  g_test_add_func ("/host-window/sidebar-opens-page", test_sidebar_opens_page);
  g_test_add_func ("/host-window/disconnected", test_disconnected);
  g_test_add_func ("/host-window/edit-connection", test_edit_connection);
  g_test_add_func ("/host-window/storage-lists", test_storage_lists);
  g_test_add_func ("/host-window/pool-operations", test_pool_operations);
  g_test_add_func ("/host-window/resize-dialog", test_resize_dialog);
  g_test_add_func ("/host-window/delete-pool-cancelled", test_delete_pool_cancelled);
  g_test_add_func ("/host-window/delete-pool", test_delete_pool);
  g_test_add_func ("/host-window/delete-volume", test_delete_volume);
  g_test_add_func ("/host-window/delete-volume-in-use", test_delete_volume_in_use);
  g_test_add_func ("/host-window/volume-refusals", test_volume_refusals);
  g_test_add_func ("/host-window/new-buttons", test_new_buttons);
  g_test_add_func ("/host-window/without-application", test_without_application);
  g_test_add_func ("/host-window/command-line", test_command_line);
  g_test_add_func ("/host-window/command-line-without-uri", test_command_line_without_uri);

  return g_test_run ();
}
