// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-pool-wizard"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <adwaita.h>

#include "hangar-connection.h"
#include "hangar-job-view.h"
#include "hangar-pool-wizard.h"
#include "test-core-util.h"
#include "test-wizard-util.h"

/* The pool wizard driven page by page as a user would, on libvirt's test driver:
 * test:///default (which has "default-pool" but no pool called "default") and
 * tests/data/storage-host.xml (one pool, "images"). */

static char *storage_host_uri;
/* Stand-ins for block devices: the host checks only that a local source device is
 * there, and libvirt's test driver touches none. */
static char *devices_dir;
static const char *const device_names[] = { "fs-device", "disk-device" };

/* A case's device: "@NAME" is the file NAME in devices_dir, anything else as written. */
static char *
device_path (const char *device)
{
  if (device == NULL)
    return NULL;
  if (device[0] == '@')
    return g_build_filename (devices_dir, device + 1, NULL);
  return g_strdup (device);
}

static GtkWidget *
button (GtkWidget  *wizard,
        const char *label)
{
  return test_find_titled (wizard, GTK_TYPE_BUTTON, label);
}

/* A header button the user can press now: shown and not greyed out. */
static gboolean
can_press (GtkWidget  *wizard,
           const char *label)
{
  GtkWidget *widget = button (wizard, label);

  return gtk_widget_get_visible (widget) && gtk_widget_is_sensitive (widget);
}

static void
press (GtkWidget  *wizard,
       const char *label)
{
  g_assert_true (can_press (wizard, label));
  test_click (button (wizard, label));
}

static GtkWidget *
row (GtkWidget  *wizard,
     GType       type,
     const char *title)
{
  return test_find_titled (wizard, type, title);
}

#define ENTRY(w, title) row ((w), ADW_TYPE_ENTRY_ROW, (title))
#define COMBO(w, title) row ((w), ADW_TYPE_COMBO_ROW, (title))

static gboolean
types_known (gpointer data)
{
  GtkWidget *type_row = COMBO (data, "_Type");

  return g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (type_row))) > 0;
}

/* A wizard on @connection, shown, once it knows the host's pool types. The caller
 * owns the returned reference. */
static GtkWidget *
open_wizard (HangarConnection *connection)
{
  GtkWidget *wizard = GTK_WIDGET (hangar_pool_wizard_new (NULL, connection));

  g_object_ref (wizard);
  gtk_window_present (GTK_WINDOW (wizard));
  g_assert_true (test_wait_for (types_known, wizard, 5000));
  g_assert_cmpstr (test_stack_page (wizard), ==, "name");
  return wizard;
}

static const char *
selected_text (GtkWidget *combo_row)
{
  gpointer item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (combo_row));

  return gtk_string_object_get_string (GTK_STRING_OBJECT (item));
}

typedef struct {
  HangarConnection *connection;
  const char *name;
} PoolCheck;

static gboolean
pool_listed (gpointer data)
{
  PoolCheck *check = data;

  return hangar_connection_find_pool (check->connection, check->name) != NULL;
}

static HangarPool *
wait_for_pool (HangarConnection *connection,
               const char       *name)
{
  PoolCheck check = { connection, name };

  g_assert_true (test_wait_for (pool_listed, &check, 5000));
  return hangar_connection_find_pool (connection, name);
}

/* Presses Create on the summary and waits for the window to close. */
static HangarPool *
create (GtkWidget        *wizard,
        HangarConnection *connection,
        const char       *name)
{
  g_assert_cmpstr (test_stack_page (wizard), ==, "summary");
  press (wizard, "C_reate");
  /* The progress page shows at once, with Cancel, and names what it makes. */
  g_assert_cmpstr (test_stack_page (wizard), ==, "progress");
  hangar_test_assert_accessible_names (wizard);
  test_wait_destroyed (wizard, 10000);
  test_assert_finalized (wizard);
  return wait_for_pool (connection, name);
}

/* test:///default has no pool called "default": the wizard opens on it, as virt-manager
 * would make it (dir, /var/lib/libvirt/images on a system-like host), and creates it.
 * Once it exists, the next wizard proposes a free name and a folder beside it. */
static void
test_default_offer (void)
{
  g_autoptr(HangarConnection) connection = test_open_storage_host ("test:///default", 1);
  GtkWidget *wizard;
  HangarPool *pool;
  g_autoptr(HangarPoolSpec) spec = NULL;

  g_assert_null (hangar_connection_find_pool (connection, "default"));
  wizard = open_wizard (connection);
  hangar_test_assert_accessible_names (wizard);
  test_save_screenshot (wizard, "pool-wizard-1-name");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ENTRY (wizard, "_Name"))), ==, "default");
  g_assert_cmpstr (selected_text (COMBO (wizard, "_Type")), ==,
                   hangar_pool_type_to_label (HANGAR_POOL_TYPE_DIR));
  test_assert_field_clean (ENTRY (wizard, "_Name"));
  g_assert_false (can_press (wizard, "_Back"));

  press (wizard, "_Forward");
  g_assert_cmpstr (test_stack_page (wizard), ==, "details");
  hangar_test_assert_accessible_names (wizard);
  test_save_screenshot (wizard, "pool-wizard-2-details-dir");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ENTRY (wizard, "_Target Path"))), ==,
                   "/var/lib/libvirt/images");
  /* A folder pool has no device, host or format to ask for. */
  g_assert_false (gtk_widget_get_visible (ENTRY (wizard, "_Host")));
  g_assert_false (gtk_widget_get_visible (COMBO (wizard, "_Format")));
  g_assert_false (gtk_widget_is_visible (row (wizard, ADW_TYPE_ACTION_ROW,
                                               "Format the Device (_Erases It)")));

  press (wizard, "_Forward");
  g_assert_cmpstr (test_stack_page (wizard), ==, "summary");
  hangar_test_assert_accessible_names (wizard);
  test_save_screenshot (wizard, "pool-wizard-3-summary");
  g_assert_true (can_press (wizard, "_Back"));
  g_assert_false (gtk_widget_get_visible (button (wizard, "_Forward")));

  pool = create (wizard, connection, "default");
  spec = hangar_pool_get_spec (pool);
  g_assert_cmpint (spec->type, ==, HANGAR_POOL_TYPE_DIR);
  g_assert_cmpstr (spec->target_path, ==, "/var/lib/libvirt/images");
  g_assert_true (hangar_pool_get_active (pool));
  g_assert_true (hangar_pool_get_autostart (pool));

  /* Now that it exists the wizard proposes "pool", in a folder of its own. */
  wizard = open_wizard (connection);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ENTRY (wizard, "_Name"))), ==, "pool");
  press (wizard, "_Forward");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ENTRY (wizard, "_Target Path"))), ==,
                   "/var/lib/libvirt/images/pool");
  /* The target follows the name until the user writes one. */
  press (wizard, "_Back");
  test_type_text (ENTRY (wizard, "_Name"), "scratch");
  press (wizard, "_Forward");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ENTRY (wizard, "_Target Path"))), ==,
                   "/var/lib/libvirt/images/scratch");
  test_type_text (ENTRY (wizard, "_Target Path"), "/srv/scratch");
  press (wizard, "_Back");
  test_type_text (ENTRY (wizard, "_Name"), "scratch2");
  press (wizard, "_Forward");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ENTRY (wizard, "_Target Path"))), ==,
                   "/srv/scratch");
  gtk_window_destroy (GTK_WINDOW (wizard));
  test_assert_finalized (wizard);
  g_assert_null (hangar_connection_find_pool (connection, "scratch2"));
}

/* Each bad name is refused below the name field as it is typed, Forward stays off,
 * and Enter does not go on. */
static void
test_name_errors (void)
{
  g_autoptr(HangarConnection) connection = test_open_storage_host (storage_host_uri, 1);
  GtkWidget *wizard = open_wizard (connection);
  GtkWidget *name = ENTRY (wizard, "_Name");

  test_type_text (name, "");
  test_assert_field_error (name, "Enter a name");
  g_assert_false (can_press (wizard, "_Forward"));
  g_signal_emit_by_name (name, "entry-activated");
  g_assert_cmpstr (test_stack_page (wizard), ==, "name");

  test_type_text (name, "my pool/x");
  /* The message names each illegal character. */
  test_assert_field_error (name, "“/”");
  test_assert_field_error (name, "space");
  test_save_screenshot (wizard, "pool-wizard-1-name-error");
  g_assert_false (can_press (wizard, "_Forward"));

  test_type_text (name, "images");
  test_assert_field_error (name, "“images”");
  g_assert_false (can_press (wizard, "_Forward"));
  hangar_test_assert_accessible_names (wizard);

  /* Corrected, the message goes at once and Enter goes on. */
  test_type_text (name, "fresh");
  test_assert_field_clean (name);
  g_assert_true (can_press (wizard, "_Forward"));
  g_signal_emit_by_name (name, "entry-activated");
  g_assert_cmpstr (test_stack_page (wizard), ==, "details");

  gtk_window_destroy (GTK_WINDOW (wizard));
  test_assert_finalized (wizard);
}

static void
choose_type (GtkWidget      *wizard,
             HangarPoolType  type)
{
  test_choose (COMBO (wizard, "_Type"), hangar_pool_type_to_label (type));
}

/* An empty field the type needs: a quiet hint until the user has been there, then
 * an error; Forward stays off either way, and Enter shows every error at once. */
static void
test_required_fields (void)
{
  g_autoptr(HangarConnection) connection = test_open_storage_host (storage_host_uri, 1);
  GtkWidget *wizard = open_wizard (connection);
  GtkWidget *host;
  GtkWidget *export;
  GtkWidget *iqn;

  test_type_text (ENTRY (wizard, "_Name"), "share");
  choose_type (wizard, HANGAR_POOL_TYPE_NETFS);
  press (wizard, "_Forward");
  hangar_test_assert_accessible_names (wizard);
  host = ENTRY (wizard, "_Host");
  export = ENTRY (wizard, "_Exported Directory");
  g_assert_true (gtk_widget_get_visible (host));
  g_assert_true (gtk_widget_get_visible (export));
  g_assert_true (gtk_widget_get_visible (COMBO (wizard, "_Protocol")));
  g_assert_false (gtk_widget_get_visible (ENTRY (wizard, "Source _Device")));
  test_assert_field_note (host, "dim-label", "NFS server");
  test_assert_field_note (export, "dim-label", "exports");
  g_assert_false (can_press (wizard, "_Forward"));

  test_type_text (host, "nfs.example.com");
  test_assert_field_clean (host);
  test_type_text (host, "");
  test_assert_field_error (host, "Enter the name or address of the NFS server");
  test_assert_field_note (export, "dim-label", "exports");
  g_signal_emit_by_name (host, "entry-activated");
  g_assert_cmpstr (test_stack_page (wizard), ==, "details");
  test_assert_field_error (export, "Enter the directory the server exports");
  g_assert_false (can_press (wizard, "_Forward"));
  test_save_screenshot (wizard, "pool-wizard-2-details-netfs-errors");

  test_type_text (host, "nfs.example.com");
  test_type_text (export, "/export/images");
  test_assert_field_clean (host);
  test_assert_field_clean (export);
  g_assert_true (can_press (wizard, "_Forward"));

  /* iSCSI asks for the server and the target's IQN; the initiator is optional. */
  press (wizard, "_Back");
  choose_type (wizard, HANGAR_POOL_TYPE_ISCSI);
  press (wizard, "_Forward");
  iqn = ENTRY (wizard, "Target _IQN");
  g_assert_false (gtk_widget_get_visible (export));
  g_assert_true (gtk_widget_get_visible (ENTRY (wizard, "_Initiator IQN (optional)")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ENTRY (wizard, "_Target Path"))), ==,
                   "/dev/disk/by-path");
  test_assert_field_clean (host);
  test_assert_field_note (iqn, "dim-label", "IQN");
  g_assert_false (can_press (wizard, "_Forward"));
  test_type_text (iqn, "iqn.2024-01.com.example:storage");
  test_type_text (iqn, "");
  test_assert_field_error (iqn, "Enter the IQN of the iSCSI target");
  test_assert_field_clean (ENTRY (wizard, "_Initiator IQN (optional)"));
  g_assert_false (can_press (wizard, "_Forward"));
  hangar_test_assert_accessible_names (wizard);

  gtk_window_destroy (GTK_WINDOW (wizard));
  test_assert_finalized (wizard);
  g_assert_null (hangar_connection_find_pool (connection, "share"));
}

/* What only the host can tell, said at the field: a target path that is a file or
 * not absolute, a source device this machine does not have, a bad volume group. */
static void
test_host_checks (void)
{
  g_autoptr(HangarConnection) connection = test_open_storage_host (storage_host_uri, 1);
  GtkWidget *wizard = open_wizard (connection);
  g_autofree char *file = device_path ("@fs-device");
  GtkWidget *target;

  test_type_text (ENTRY (wizard, "_Name"), "checks");
  press (wizard, "_Forward");
  target = ENTRY (wizard, "_Target Path");
  test_type_text (target, file);
  test_assert_field_error (target, "exists and is not a directory");
  test_assert_field_error (target, file);
  g_assert_false (can_press (wizard, "_Forward"));
  test_type_text (target, "images/checks");
  test_assert_field_error (target, "not absolute");
  g_assert_false (can_press (wizard, "_Forward"));
  test_type_text (target, "/srv/checks");
  test_assert_field_clean (target);
  g_assert_true (can_press (wizard, "_Forward"));

  press (wizard, "_Back");
  choose_type (wizard, HANGAR_POOL_TYPE_FS);
  press (wizard, "_Forward");
  test_type_text (ENTRY (wizard, "Source _Device"), "/nonexistent/sdz");
  test_assert_field_error (ENTRY (wizard, "Source _Device"), "does not exist on this host");
  test_assert_field_clean (ENTRY (wizard, "_Target Path"));
  g_assert_false (can_press (wizard, "_Forward"));
  test_type_text (ENTRY (wizard, "Source _Device"), file);
  test_assert_field_clean (ENTRY (wizard, "Source _Device"));
  g_assert_true (can_press (wizard, "_Forward"));

  press (wizard, "_Back");
  choose_type (wizard, HANGAR_POOL_TYPE_LOGICAL);
  press (wizard, "_Forward");
  /* The group's name follows the pool's until the user writes one. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ENTRY (wizard, "_Volume Group"))), ==,
                   "checks");
  test_type_text (ENTRY (wizard, "_Volume Group"), "vg/guests");
  test_assert_field_error (ENTRY (wizard, "_Volume Group"), "“/”");
  g_assert_false (can_press (wizard, "_Forward"));
  hangar_test_assert_accessible_names (wizard);

  gtk_window_destroy (GTK_WINDOW (wizard));
  test_assert_finalized (wizard);
  g_assert_null (hangar_connection_find_pool (connection, "checks"));
}

typedef struct {
  HangarPoolType type;
  const char *target;       /* NULL: keep the wizard's default, which must be this */
  const char *default_target;
  const char *host;
  const char *source_path;
  const char *device;
  const char *source_name;
  const char *initiator;
  const char *format;       /* a choice of the format row, NULL for the first */
} PoolCase;

/* One pool of each type the host offers (the test driver has no pool capabilities
 * call, so all six), made through the pages and read back from libvirt. */
static void
test_each_type (void)
{
  static const PoolCase cases[] = {
    { HANGAR_POOL_TYPE_DIR, NULL, "/var/lib/libvirt/images/t-dir" },
    { HANGAR_POOL_TYPE_FS, "/mnt/t-fs", "/var/lib/libvirt/images/t-fs", .device = "@fs-device",
      .format = "ext4" },
    { HANGAR_POOL_TYPE_NETFS, NULL, "/var/lib/libvirt/images/t-netfs", .host = "nfs.example.com",
      .source_path = "/export/images", .format = "nfs" },
    { HANGAR_POOL_TYPE_LOGICAL, .source_name = "vg-guests" },
    { HANGAR_POOL_TYPE_DISK, NULL, "/dev", .device = "@disk-device", .format = "gpt" },
    { HANGAR_POOL_TYPE_ISCSI, NULL, "/dev/disk/by-path", .host = "iscsi.example.com",
      .device = "iqn.2024-01.com.example:storage", .initiator = "iqn.2024-01.com.example:client" },
  };
  g_autoptr(HangarConnection) connection = test_open_storage_host (storage_host_uri, 1);
  GtkWidget *wizard = open_wizard (connection);
  GListModel *types = adw_combo_row_get_model (ADW_COMBO_ROW (COMBO (wizard, "_Type")));

  g_assert_cmpuint (g_list_model_get_n_items (types), ==, G_N_ELEMENTS (cases));
  gtk_window_destroy (GTK_WINDOW (wizard));
  test_assert_finalized (wizard);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const PoolCase *c = &cases[i];
      g_autofree char *name = g_strdup_printf ("t-%s", hangar_pool_type_to_string (c->type));
      g_autoptr(HangarPoolSpec) spec = NULL;
      g_autofree char *device = device_path (c->device);
      HangarPool *pool;
      gboolean autostart = i % 2 == 0;

      g_test_message ("Creating a %s pool", hangar_pool_type_to_string (c->type));
      wizard = open_wizard (connection);
      test_type_text (ENTRY (wizard, "_Name"), name);
      choose_type (wizard, c->type);
      press (wizard, "_Forward");
      hangar_test_assert_accessible_names (wizard);
      if (c->default_target != NULL)
        g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ENTRY (wizard, "_Target Path"))), ==,
                         c->default_target);
      else
        g_assert_false (gtk_widget_get_visible (ENTRY (wizard, "_Target Path")));
      if (c->target != NULL)
        test_type_text (ENTRY (wizard, "_Target Path"), c->target);
      if (c->host != NULL)
        test_type_text (ENTRY (wizard, "_Host"), c->host);
      if (c->source_path != NULL)
        test_type_text (ENTRY (wizard, "_Exported Directory"), c->source_path);
      if (device != NULL)
        test_type_text (ENTRY (wizard, c->type == HANGAR_POOL_TYPE_ISCSI ? "Target _IQN"
                                                                         : "Source _Device"),
                        device);
      if (c->source_name != NULL)
        test_type_text (ENTRY (wizard, "_Volume Group"), c->source_name);
      if (c->initiator != NULL)
        test_type_text (ENTRY (wizard, "_Initiator IQN (optional)"), c->initiator);
      if (c->format != NULL)
        {
          /* The format row's title says what the format is of. */
          GtkWidget *format = row (wizard, ADW_TYPE_COMBO_ROW,
                                   c->type == HANGAR_POOL_TYPE_FS ? "_Filesystem"
                                   : c->type == HANGAR_POOL_TYPE_NETFS ? "_Protocol"
                                   : "_Partition Table");

          test_choose (format, c->format);
        }
      if (c->type == HANGAR_POOL_TYPE_NETFS)
        test_save_screenshot (wizard, "pool-wizard-2-details-netfs");
      if (c->type == HANGAR_POOL_TYPE_FS || c->type == HANGAR_POOL_TYPE_DISK)
        {
          GtkWidget *build = row (wizard, ADW_TYPE_ACTION_ROW, "Format the Device (_Erases It)");
          GtkWidget *build_switch = test_find_widget (build, GTK_TYPE_SWITCH, NULL, NULL);

          /* Off by default, with the caution beside it; on, it names the device. */
          g_assert_false (gtk_switch_get_active (GTK_SWITCH (build_switch)));
          test_assert_field_note (build, "warning", "erases everything");
          gtk_switch_set_active (GTK_SWITCH (build_switch), TRUE);
          test_assert_field_note (build, "warning", device);
          if (c->type == HANGAR_POOL_TYPE_FS)
            test_save_screenshot (wizard, "pool-wizard-2-details-fs");
        }

      if (c->type == HANGAR_POOL_TYPE_LOGICAL)
        {
          GtkWidget *build = row (wizard, ADW_TYPE_ACTION_ROW,
                                  "Create the Volume Group (_Erases the Device)");
          GtkWidget *build_switch = test_find_widget (build, GTK_TYPE_SWITCH, NULL, NULL);
          GtkWidget *device = ENTRY (wizard, "Physical _Volume (optional)");

          /* Making the group needs a device to make it on: the empty field says so
           * (as a hint: the user has not been there yet). */
          g_assert_true (gtk_widget_is_visible (build));
          g_assert_false (gtk_switch_get_active (GTK_SWITCH (build_switch)));
          test_assert_field_clean (device);
          gtk_switch_set_active (GTK_SWITCH (build_switch), TRUE);
          test_assert_field_note (device, "dim-label",
                                  "Enter the device to make the volume group on");
          g_assert_false (can_press (wizard, "_Forward"));
          gtk_switch_set_active (GTK_SWITCH (build_switch), FALSE);
          test_assert_field_clean (device);
        }

      press (wizard, "_Forward");
      hangar_test_assert_accessible_names (wizard);
      gtk_switch_set_active (GTK_SWITCH (test_find_widget (row (wizard, ADW_TYPE_ACTION_ROW,
                                                                "Start at _Boot"),
                                                           GTK_TYPE_SWITCH, NULL, NULL)),
                             autostart);
      pool = create (wizard, connection, name);

      spec = hangar_pool_get_spec (pool);
      g_assert_cmpint (spec->type, ==, c->type);
      g_assert_cmpint (hangar_pool_get_pool_type (pool), ==, c->type);
      if (c->default_target != NULL)
        g_assert_cmpstr (spec->target_path, ==, c->target != NULL ? c->target : c->default_target);
      g_assert_cmpstr (spec->source_host, ==, c->host);
      g_assert_cmpstr (spec->source_path, ==, c->source_path);
      g_assert_cmpstr (spec->source_device, ==, device);
      if (c->source_name != NULL)
        g_assert_cmpstr (spec->source_name, ==, c->source_name);
      g_assert_cmpstr (spec->initiator, ==, c->initiator);
      if (c->format != NULL)
        g_assert_cmpstr (spec->source_format, ==, c->format);
      g_assert_true (hangar_pool_get_active (pool));
      g_assert_cmpint (hangar_pool_get_autostart (pool), ==, autostart);
    }
}

static GtkLabel *
failure_label (GtkWidget *wizard)
{
  GtkWidget *label = test_find_widget (wizard, GTK_TYPE_LABEL, test_has_name, "failure");

  g_assert_nonnull (label);
  return GTK_LABEL (label);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarPool) pool = hangar_connection_create_pool_finish (HANGAR_CONNECTION (source),
                                                                     result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pool);
}

static void
create_elsewhere (HangarConnection *connection,
                  const char       *name)
{
  g_autoptr(HangarPoolSpec) spec = hangar_pool_spec_new ();

  spec->name = g_strdup (name);
  spec->type = HANGAR_POOL_TYPE_DIR;
  spec->target_path = g_strdup_printf ("/elsewhere/%s", name);
  hangar_connection_create_pool_async (connection, spec, NULL, NULL, created_cb, NULL);
  wait_for_pool (connection, name);
}

static GtkWidget *
wizard_at_summary (HangarConnection *connection,
                   const char       *name)
{
  GtkWidget *wizard = open_wizard (connection);

  test_type_text (ENTRY (wizard, "_Name"), name);
  press (wizard, "_Forward");
  press (wizard, "_Forward");
  g_assert_cmpstr (test_stack_page (wizard), ==, "summary");
  return wizard;
}

/* libvirt refuses (the name was taken meanwhile, by another client): the wizard stays
 * on the summary with libvirt's sentence naming the pool, and nothing more is made. */
static void
test_failure_stays (void)
{
  g_autoptr(HangarConnection) connection = test_open_storage_host (storage_host_uri, 1);
  GtkWidget *wizard = wizard_at_summary (connection, "late");
  GtkLabel *failure = failure_label (wizard);
  guint n_pools;

  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (failure)));
  create_elsewhere (connection, "late");
  n_pools = g_list_model_get_n_items (hangar_connection_get_pools (connection));

  press (wizard, "C_reate");
  g_assert_true (test_wait_for (test_label_shows, failure, 10000));
  g_assert_cmpstr (test_stack_page (wizard), ==, "summary");
  test_save_screenshot (wizard, "pool-wizard-3-summary-failure");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (failure), "error"));
  g_assert_nonnull (strstr (gtk_label_get_text (failure), "late"));
  g_assert_true (can_press (wizard, "C_reate"));
  g_assert_true (can_press (wizard, "_Back"));
  hangar_test_assert_accessible_names (wizard);

  /* The other client's pool is untouched, and no second one appeared. */
  g_assert_cmpuint (g_list_model_get_n_items (hangar_connection_get_pools (connection)), ==, n_pools);
  g_assert_cmpstr (hangar_pool_get_target_path (hangar_connection_find_pool (connection, "late")),
                   ==, "/elsewhere/late");

  /* Back on the name page the name is now refused at the field. */
  press (wizard, "_Back");
  press (wizard, "_Back");
  test_assert_field_error (ENTRY (wizard, "_Name"), "“late”");

  gtk_window_destroy (GTK_WINDOW (wizard));
  test_assert_finalized (wizard);
}

/* Cancel on the progress page: the wizard comes back to the summary saying nothing
 * was made, and the pool is not on the host; closing the window there does the same. */
static void
test_cancel (void)
{
  g_autoptr(HangarConnection) connection = test_open_storage_host (storage_host_uri, 1);
  GtkWidget *wizard = wizard_at_summary (connection, "gone");
  GtkLabel *failure = failure_label (wizard);
  GtkWidget *job_view;
  HangarJob *job;

  press (wizard, "C_reate");
  g_assert_cmpstr (test_stack_page (wizard), ==, "progress");
  job_view = test_find_widget (wizard, HANGAR_TYPE_JOB_VIEW, NULL, NULL);
  job = hangar_job_view_get_job (HANGAR_JOB_VIEW (job_view));
  g_assert_nonnull (job);
  g_assert_nonnull (strstr (hangar_job_get_title (job), "gone"));
  /* Pressed before the main loop runs again: the core sees it whatever step it is at. */
  test_click (test_find_titled (job_view, GTK_TYPE_BUTTON, "_Cancel"));
  g_assert_true (hangar_job_is_cancelled (job));
  test_save_screenshot (wizard, "pool-wizard-4-cancelling");

  g_assert_true (test_wait_for (test_label_shows, failure, 10000));
  g_assert_cmpstr (test_stack_page (wizard), ==, "summary");
  g_assert_nonnull (strstr (gtk_label_get_text (failure), "Cancelled"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (failure), "error"));
  g_assert_true (can_press (wizard, "C_reate"));

  /* Events arrive in order: once a pool made after it is listed, anything the
   * cancelled one made and undid has come and gone. */
  create_elsewhere (connection, "after-cancel");
  g_assert_null (hangar_connection_find_pool (connection, "gone"));

  /* Closing the window while it creates cancels too: the window goes once the
   * core has undone its steps, and the pool is not there. */
  press (wizard, "C_reate");
  g_assert_cmpstr (test_stack_page (wizard), ==, "progress");
  gtk_window_close (GTK_WINDOW (wizard));
  test_wait_destroyed (wizard, 10000);
  test_assert_finalized (wizard);
  create_elsewhere (connection, "after-close");
  g_assert_null (hangar_connection_find_pool (connection, "gone"));
}

/* The progress page on its own: it follows a job's title, fraction and message, and
 * its Cancel cancels the job. */
static void
test_progress_view (void)
{
  g_autoptr(HangarJob) job = hangar_job_new ("Creating Pool “shown”");
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = hangar_job_view_new ();
  GtkWidget *status;
  GtkWidget *bar;
  GtkWidget *cancel;

  g_object_ref (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 420);
  gtk_window_set_child (GTK_WINDOW (window), view);
  hangar_job_view_set_job (HANGAR_JOB_VIEW (view), job);
  gtk_window_present (GTK_WINDOW (window));
  status = test_find_widget (view, ADW_TYPE_STATUS_PAGE, NULL, NULL);
  bar = test_find_widget (view, GTK_TYPE_PROGRESS_BAR, NULL, NULL);
  cancel = test_find_titled (view, GTK_TYPE_BUTTON, "_Cancel");

  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==,
                   "Creating Pool “shown”");
  hangar_job_set_fraction (job, 0.4);
  hangar_job_set_message (job, "Building the pool");
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)), ==, 0.4);
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)), ==,
                   "Building the pool");
  hangar_test_assert_accessible_names (window);
  test_save_screenshot (window, "pool-wizard-4-progress");

  /* While the job cannot tell, the bar pulses; a fraction again shows as it is. */
  hangar_job_set_fraction (job, -1);
  hangar_job_set_fraction (job, 0.75);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)), ==, 0.75);

  test_click (cancel);
  g_assert_true (hangar_job_is_cancelled (job));
  g_assert_false (gtk_widget_is_sensitive (cancel));
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)),
                            "Cancelling"));

  gtk_window_destroy (GTK_WINDOW (window));
  test_assert_finalized (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  storage_host_uri = test_data_uri ("storage-host.xml");
  devices_dir = g_dir_make_tmp ("hangar-pool-wizard-XXXXXX", NULL);
  g_assert_nonnull (devices_dir);
  for (guint i = 0; i < G_N_ELEMENTS (device_names); i++)
    {
      g_autofree char *path = g_build_filename (devices_dir, device_names[i], NULL);

      g_assert_true (g_file_set_contents (path, "", 0, NULL));
    }

  g_test_add_func ("/pool-wizard/default-offer", test_default_offer);
  g_test_add_func ("/pool-wizard/name-errors", test_name_errors);
  g_test_add_func ("/pool-wizard/required-fields", test_required_fields);
  g_test_add_func ("/pool-wizard/host-checks", test_host_checks);
  g_test_add_func ("/pool-wizard/each-type", test_each_type);
  g_test_add_func ("/pool-wizard/failure-stays", test_failure_stays);
  g_test_add_func ("/pool-wizard/cancel", test_cancel);
  g_test_add_func ("/pool-wizard/progress-view", test_progress_view);

  status = g_test_run ();
  for (guint i = 0; i < G_N_ELEMENTS (device_names); i++)
    {
      g_autofree char *path = g_build_filename (devices_dir, device_names[i], NULL);

      g_unlink (path);
    }
  g_rmdir (devices_dir);
  g_free (devices_dir);
  g_free (storage_host_uri);
  return status;
}
