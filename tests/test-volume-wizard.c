// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-volume-wizard"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "hangar-connection.h"
#include "hangar-job-view.h"
#include "hangar-pool.h"
#include "hangar-volume.h"
#include "hangar-volume-wizard.h"
#include "test-core-util.h"
#include "test-wizard-util.h"

/* The volume wizard driven as a user would, on tests/data/storage-host.xml: pool
 * "images" with base.qcow2 (4 GiB) and filler.img, 5 GiB of 100 GiB free, and the
 * volume group "guests" with one logical volume, "root". */

#define GiB (G_GUINT64_CONSTANT (1) << 30)
#define MiB (G_GUINT64_CONSTANT (1) << 20)

static char *storage_host_uri;

static gboolean
volumes_loaded (gpointer data)
{
  return hangar_pool_get_volumes_loaded (data);
}

/* A fresh host (each test:// file connection is a host of its own) and its pool. */
static HangarPool *
open_pool (HangarConnection **connection)
{
  HangarPool *pool;

  *connection = test_open_storage_host (storage_host_uri, 2);
  pool = hangar_connection_find_pool (*connection, "images");
  g_assert_nonnull (pool);
  hangar_pool_get_volumes (pool);
  g_assert_true (test_wait_for (volumes_loaded, pool, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (hangar_pool_get_volumes (pool)), ==, 2);
  g_assert_cmpuint (hangar_pool_get_available (pool), ==, 5 * GiB);
  return pool;
}

static GtkWidget *
open_wizard (HangarPool *pool)
{
  GtkWidget *wizard = GTK_WIDGET (hangar_volume_wizard_new (NULL, pool));

  g_object_ref (wizard);
  gtk_window_present (GTK_WINDOW (wizard));
  return wizard;
}

static GtkWidget *
row (GtkWidget  *wizard,
     GType       type,
     const char *title)
{
  return test_find_titled (wizard, type, title);
}

#define NAME(w) row ((w), ADW_TYPE_ENTRY_ROW, "_Name")
#define CAPACITY(w) row ((w), ADW_TYPE_ENTRY_ROW, "C_apacity")
#define FORMAT(w) row ((w), ADW_TYPE_COMBO_ROW, "_Format")
#define BACKING(w) row ((w), ADW_TYPE_COMBO_ROW, "_Backing Volume")
#define ALLOCATE(w) row ((w), ADW_TYPE_ACTION_ROW, "_Allocate the Whole Disk Now")

static const char *const qcow2_item = "qcow2";
static const char *const raw_item = "raw";

static gboolean
can_create (GtkWidget *wizard)
{
  GtkWidget *create = test_find_titled (wizard, GTK_TYPE_BUTTON, "C_reate");

  return gtk_widget_get_visible (create) && gtk_widget_is_sensitive (create);
}

static void
set_allocate (GtkWidget *wizard,
              gboolean   allocate)
{
  GtkWidget *allocate_switch = test_find_widget (ALLOCATE (wizard), GTK_TYPE_SWITCH, NULL, NULL);

  g_assert_true (gtk_widget_get_visible (ALLOCATE (wizard)));
  gtk_switch_set_active (GTK_SWITCH (allocate_switch), allocate);
}

static void
set_unit (GtkWidget  *wizard,
          guint       position)
{
  GtkWidget *unit = test_find_widget (CAPACITY (wizard), GTK_TYPE_DROP_DOWN, NULL, NULL);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (unit), position);
}

static gboolean
is_suffix (GtkWidget    *widget,
           gconstpointer data)
{
  return gtk_widget_get_visible (widget) && gtk_widget_has_css_class (widget, "dim-label") &&
         g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), ".");
}

/* The suffix shown after the name, or NULL when none shows. */
static const char *
shown_suffix (GtkWidget *wizard)
{
  GtkWidget *label = test_find_widget (NAME (wizard), GTK_TYPE_LABEL, is_suffix, NULL);

  return label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

/* The name: a free one proposed, the format's suffix shown after it and kept in step
 * with the format, unless the user writes their own; each bad name refused below it. */
static void
test_name (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  HangarPool *pool = open_pool (&connection);
  GtkWidget *wizard = open_wizard (pool);
  GtkWidget *name = NAME (wizard);

  hangar_test_assert_accessible_names (wizard);
  test_save_screenshot (wizard, "volume-wizard-qcow2");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "disk");
  g_assert_cmpstr (shown_suffix (wizard), ==, ".qcow2");
  test_assert_field_clean (name);
  g_assert_true (can_create (wizard));
  /* qcow2 can have a backing volume and is never allocated ahead. */
  g_assert_true (gtk_widget_get_visible (BACKING (wizard)));
  g_assert_false (gtk_widget_get_visible (ALLOCATE (wizard)));

  test_choose (FORMAT (wizard), raw_item);
  test_save_screenshot (wizard, "volume-wizard-raw");
  g_assert_cmpstr (shown_suffix (wizard), ==, ".img");
  g_assert_false (gtk_widget_get_visible (BACKING (wizard)));
  g_assert_true (gtk_widget_get_visible (ALLOCATE (wizard)));
  hangar_test_assert_accessible_names (wizard);

  /* The user's own suffix stays as written whatever the format. */
  test_type_text (name, "mine.vol");
  g_assert_null (shown_suffix (wizard));
  test_choose (FORMAT (wizard), qcow2_item);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "mine.vol");
  g_assert_null (shown_suffix (wizard));

  test_type_text (name, "");
  test_assert_field_error (name, "Enter a name");
  g_assert_false (can_create (wizard));
  test_type_text (name, "a/b c");
  test_assert_field_error (name, "“/”");
  test_assert_field_error (name, "space");
  g_assert_false (can_create (wizard));
  /* "base" with qcow2's suffix is the pool's base.qcow2. */
  test_type_text (name, "base");
  test_assert_field_error (name, "“base.qcow2”");
  g_assert_false (can_create (wizard));
  hangar_test_assert_accessible_names (wizard);
  /* Enter does not create while the name is wrong. */
  g_signal_emit_by_name (name, "entry-activated");
  g_assert_cmpstr (test_stack_page (wizard), ==, "form");
  /* As raw it is base.img, which is free. */
  test_choose (FORMAT (wizard), raw_item);
  test_assert_field_clean (name);
  g_assert_true (can_create (wizard));

  gtk_window_destroy (GTK_WINDOW (wizard));
  test_assert_finalized (wizard);
}

/* Sizes: zero and nonsense are errors at the capacity; a sparse volume larger than
 * the free space is a warning that does not block; an allocation larger than the free
 * space is an error at the allocation switch. */
static void
test_sizes (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  HangarPool *pool = open_pool (&connection);
  GtkWidget *wizard = open_wizard (pool);
  GtkWidget *capacity = CAPACITY (wizard);

  test_type_text (capacity, "0");
  test_assert_field_error (capacity, "more than zero");
  g_assert_false (can_create (wizard));
  test_type_text (capacity, "twenty");
  test_assert_field_error (capacity, "“twenty” is not a size");
  g_assert_false (can_create (wizard));
  test_type_text (capacity, "");
  test_assert_field_error (capacity, "Enter a size");
  g_assert_false (can_create (wizard));
  hangar_test_assert_accessible_names (wizard);

  /* 6 GiB with 5 GiB free: a sparse qcow2 volume may fit for a while. */
  test_type_text (capacity, "6");
  test_assert_field_note (capacity, "warning", "");
  g_assert_true (can_create (wizard));
  test_save_screenshot (wizard, "volume-wizard-warning");

  /* Allocated now, 6 GiB cannot fit: the error is at the switch that asks for it. */
  test_choose (FORMAT (wizard), raw_item);
  test_assert_field_note (capacity, "warning", "");
  set_allocate (wizard, TRUE);
  test_assert_field_error (ALLOCATE (wizard), "");
  g_assert_false (gtk_widget_has_css_class (capacity, "error"));
  g_assert_false (can_create (wizard));
  test_save_screenshot (wizard, "volume-wizard-allocation-error");
  hangar_test_assert_accessible_names (wizard);

  /* 4 GiB fits, allocated or not. */
  test_type_text (capacity, "4");
  test_assert_field_clean (capacity);
  test_assert_field_clean (ALLOCATE (wizard));
  g_assert_true (can_create (wizard));

  /* The unit applies to a plain number; a written unit wins over it. */
  test_type_text (capacity, "6");
  set_unit (wizard, 0);
  test_assert_field_clean (capacity);
  test_assert_field_clean (ALLOCATE (wizard));
  test_type_text (capacity, "6 GiB");
  test_assert_field_error (ALLOCATE (wizard), "");
  set_unit (wizard, 2);
  test_type_text (capacity, "1");
  test_assert_field_error (ALLOCATE (wizard), "");

  gtk_window_destroy (GTK_WINDOW (wizard));
  test_assert_finalized (wizard);
}

typedef struct {
  HangarPool *pool;
  const char *name;
} VolumeCheck;

static gboolean
volume_listed (gpointer data)
{
  VolumeCheck *check = data;

  return hangar_pool_find_volume (check->pool, check->name) != NULL;
}

static HangarVolume *
create (GtkWidget  *wizard,
        HangarPool *pool,
        const char *name)
{
  VolumeCheck check = { pool, name };

  g_assert_true (can_create (wizard));
  test_click (test_find_titled (wizard, GTK_TYPE_BUTTON, "C_reate"));
  g_assert_cmpstr (test_stack_page (wizard), ==, "progress");
  hangar_test_assert_accessible_names (wizard);
  test_wait_destroyed (wizard, 10000);
  test_assert_finalized (wizard);
  g_assert_true (test_wait_for (volume_listed, &check, 5000));
  return hangar_pool_find_volume (pool, name);
}

/* A qcow2 overlay on the pool's base image, made through the window and read back. */
static void
test_create_backed (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  HangarPool *pool = open_pool (&connection);
  GtkWidget *wizard = open_wizard (pool);
  HangarVolume *volume;

  test_type_text (NAME (wizard), "overlay");
  /* The overlay takes its backing volume's size (4 GiB) while the user wrote none. */
  test_choose (BACKING (wizard), "base.qcow2");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (CAPACITY (wizard))), ==, "4");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (
                      test_find_widget (CAPACITY (wizard), GTK_TYPE_DROP_DOWN, NULL, NULL))), ==, 1);
  test_assert_field_clean (BACKING (wizard));
  test_assert_field_clean (CAPACITY (wizard));
  hangar_test_assert_accessible_names (wizard);
  test_save_screenshot (wizard, "volume-wizard-backed");
  volume = create (wizard, pool, "overlay.qcow2");

  g_assert_cmpstr (hangar_volume_get_format (volume), ==, "qcow2");
  g_assert_cmpuint (hangar_volume_get_capacity (volume), ==, 4 * GiB);
  g_assert_cmpstr (hangar_volume_get_backing_path (volume), ==, "/images/base.qcow2");
  g_assert_cmpstr (hangar_volume_get_path (volume), ==, "/images/overlay.qcow2");
}

static gboolean
available_is (gpointer data)
{
  HangarPool *pool = data;

  return hangar_pool_get_available (pool) == 5 * GiB - 1536 * MiB;
}

/* A raw volume allocated now, sized in MiB: it takes its space from the pool at once. */
static void
test_create_allocated (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  HangarPool *pool = open_pool (&connection);
  GtkWidget *wizard = open_wizard (pool);
  HangarVolume *volume;

  test_choose (FORMAT (wizard), raw_item);
  test_type_text (NAME (wizard), "data");
  test_type_text (CAPACITY (wizard), "1536");
  set_unit (wizard, 0);
  set_allocate (wizard, TRUE);
  volume = create (wizard, pool, "data.img");

  g_assert_cmpstr (hangar_volume_get_format (volume), ==, "raw");
  g_assert_cmpuint (hangar_volume_get_capacity (volume), ==, 1536 * MiB);
  g_assert_cmpuint (hangar_volume_get_allocation (volume), ==, 1536 * MiB);
  g_assert_true (test_wait_for (available_is, pool, 5000));
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarVolume) volume = hangar_pool_create_volume_finish (HANGAR_POOL (source),
                                                                     result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (volume);
}

/* Another client makes a volume of the name typed: the field says so at once. Cancel
 * during creation brings the form back, saying the volume was removed, and it is. */
static void
test_taken_and_cancel (void)
{
  g_autoptr(HangarConnection) connection = NULL;
  HangarPool *pool = open_pool (&connection);
  GtkWidget *wizard = open_wizard (pool);
  g_autoptr(HangarVolumeSpec) spec = hangar_volume_spec_new ();
  VolumeCheck check = { pool, "late.qcow2" };
  GtkLabel *failure = GTK_LABEL (test_find_widget (wizard, GTK_TYPE_LABEL, test_has_name, "failure"));
  GtkWidget *job_view;

  test_type_text (NAME (wizard), "late");
  test_assert_field_clean (NAME (wizard));
  spec->name = g_strdup ("late.qcow2");
  spec->format = HANGAR_VOLUME_FORMAT_QCOW2;
  spec->capacity = GiB;
  hangar_pool_create_volume_async (pool, spec, NULL, NULL, created_cb, NULL);
  g_assert_true (test_wait_for (volume_listed, &check, 5000));
  test_assert_field_error (NAME (wizard), "“late.qcow2”");
  g_assert_false (can_create (wizard));

  test_type_text (NAME (wizard), "gone");
  test_click (test_find_titled (wizard, GTK_TYPE_BUTTON, "C_reate"));
  g_assert_cmpstr (test_stack_page (wizard), ==, "progress");
  job_view = test_find_widget (wizard, HANGAR_TYPE_JOB_VIEW, NULL, NULL);
  test_click (test_find_titled (job_view, GTK_TYPE_BUTTON, "_Cancel"));
  g_assert_true (test_wait_for (test_label_shows, failure, 10000));
  g_assert_nonnull (strstr (gtk_label_get_text (failure), "Cancelled"));
  g_assert_cmpstr (test_stack_page (wizard), ==, "form");
  g_assert_true (can_create (wizard));

  /* Once a later volume is listed, whatever the cancelled one did has been seen. */
  g_free (spec->name);
  spec->name = g_strdup ("after-cancel.qcow2");
  check.name = "after-cancel.qcow2";
  hangar_pool_create_volume_async (pool, spec, NULL, NULL, created_cb, NULL);
  g_assert_true (test_wait_for (volume_listed, &check, 5000));
  g_assert_null (hangar_pool_find_volume (pool, "gone.qcow2"));

  gtk_window_destroy (GTK_WINDOW (wizard));
  test_assert_finalized (wizard);
}

/* A volume group's volumes are raw block devices with plain names: no format to
 * choose, no suffix, no backing volume. */
static void
test_logical_pool (void)
{
  g_autoptr(HangarConnection) connection = test_open_storage_host (storage_host_uri, 2);
  HangarPool *pool = hangar_connection_find_pool (connection, "guests");
  GtkWidget *wizard;
  HangarVolume *volume;

  g_assert_nonnull (pool);
  hangar_pool_get_volumes (pool);
  g_assert_true (test_wait_for (volumes_loaded, pool, 5000));
  wizard = open_wizard (pool);
  hangar_test_assert_accessible_names (wizard);
  g_assert_false (gtk_widget_is_sensitive (FORMAT (wizard)));
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (FORMAT (wizard)))),
                   ==, "raw");
  g_assert_false (gtk_widget_get_visible (BACKING (wizard)));
  g_assert_true (gtk_widget_get_visible (ALLOCATE (wizard)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (NAME (wizard))), ==, "disk");
  g_assert_null (shown_suffix (wizard));

  test_type_text (NAME (wizard), "root");
  test_assert_field_error (NAME (wizard), "“root”");
  g_assert_false (can_create (wizard));
  test_type_text (NAME (wizard), "data");
  test_type_text (CAPACITY (wizard), "2");
  test_assert_field_clean (NAME (wizard));
  test_assert_field_clean (CAPACITY (wizard));
  volume = create (wizard, pool, "data");
  g_assert_cmpstr (hangar_volume_get_path (volume), ==, "/dev/guests/data");
  g_assert_cmpuint (hangar_volume_get_capacity (volume), ==, 2 * GiB);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  storage_host_uri = test_data_uri ("storage-host.xml");

  g_test_add_func ("/volume-wizard/name", test_name);
  g_test_add_func ("/volume-wizard/sizes", test_sizes);
  g_test_add_func ("/volume-wizard/create-backed", test_create_backed);
  g_test_add_func ("/volume-wizard/create-allocated", test_create_allocated);
  g_test_add_func ("/volume-wizard/taken-and-cancel", test_taken_and_cancel);
  g_test_add_func ("/volume-wizard/logical-pool", test_logical_pool);

  status = g_test_run ();
  g_free (storage_host_uri);
  return status;
}
