// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-creator-copy"

#include "config.h"

#include <glib/gstdio.h>

#include <adwaita.h>

#include "hangar-creator-source-page.h"
#include "hangar-creator-state.h"
#include "hangar-creator-storage-page.h"
#include "hangar-creator-summary-page.h"
#include "test-core-util.h"
#include "test-widget-util.h"
#include "test-wizard-util.h"

/* "Copy the Image" through the New VM pages under Xvfb, on test:///default, with a
 * real qcow2 image made by qemu-img: the cloud image group's switch (named, off,
 * saying what each way means), the answer it gives, the images it cannot copy said at
 * the image's field (one with a backing file, a raw file); the storage page's New Disk text
 * and the size's minimum (the image's size, read from its header) for a copy, none for
 * a layer; the Summary's Disk row. */

#define IMAGE_SIZE "64M"

static GtkWidget *
show_page (HangarCreatorState *state,
           GtkWidget          *page)
{
  GtkWidget *window = g_object_ref (gtk_window_new ());

  gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  hangar_creator_page_shown (HANGAR_CREATOR_PAGE (page));
  return window;
}

static gboolean
switch_on (gpointer data)
{
  return gtk_switch_get_active (data);
}

static gboolean
switch_off (gpointer data)
{
  return !gtk_switch_get_active (data);
}

static gboolean
page_complete (gpointer data)
{
  return hangar_creator_page_get_complete (data);
}

static gboolean
has_pools (gpointer data)
{
  return g_list_model_get_n_items (hangar_connection_get_pools (data)) > 0;
}

/* A switch turns with an animation: its state follows. */
static void
turn (GtkWidget *row,
      GtkWidget *switch_widget,
      gboolean   active)
{
  gtk_widget_activate (row);
  if (!test_wait_for (active ? switch_on : switch_off, switch_widget, 5000))
    g_error ("The switch did not turn %s", active ? "on" : "off");
}

static gboolean
is_host_ready (gpointer data)
{
  return hangar_creator_state_get_host_ready (data);
}

static void
test_copy (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  HangarCreatorState *state = hangar_creator_state_new (connection);
  HangarGuestSpec *spec = hangar_creator_state_get_spec (state);
  g_autofree char *dir = g_dir_make_tmp ("hangar-copy-XXXXXX", NULL);
  g_autofree char *image = g_build_filename (dir, "cloud.qcow2", NULL);
  g_autofree char *backed = g_build_filename (dir, "backed.qcow2", NULL);
  g_autofree char *raw = g_build_filename (dir, "disk.img", NULL);
  g_autofree char *summary_text = NULL;
  g_autofree char *label_problem = NULL;
  GtkWidget *source_window, *storage_window, *summary_window;
  GtkWidget *source, *storage, *summary;
  GtkWidget *copy_row, *copy_switch, *base_row, *size_row, *create_group, *disk_row;
  TestFieldSays says;

  test_make_qcow2 (image, IMAGE_SIZE, NULL);
  g_assert_true (test_wait_for (has_pools, connection, 5000));
  g_assert_true (test_wait_for (is_host_ready, state, 5000));

  /* The source page: the switch lives in the cloud image group. */
  source = hangar_creator_source_page_new (state);
  source_window = show_page (state, source);
  copy_row = test_find_titled (source, ADW_TYPE_ACTION_ROW, "_Copy the Image");
  g_assert_false (gtk_widget_is_visible (copy_row));
  test_choose (test_find_titled (source, ADW_TYPE_COMBO_ROW, "_Install From"), "Cloud Image");
  g_assert_true (gtk_widget_is_visible (copy_row));
  copy_switch = test_find_widget (copy_row, GTK_TYPE_SWITCH, NULL, NULL);
  g_assert_nonnull (copy_switch);
  label_problem = gtk_test_accessible_check_property (GTK_ACCESSIBLE (copy_switch),
                                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                      "Copy the Image");
  g_assert_null (label_problem);
  hangar_test_assert_accessible_names (source_window);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (copy_switch)));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (copy_row)), ==,
                   "The new disk keeps only the guest’s changes and reads the rest from the image, which must stay where it is.");
  base_row = test_find_titled (source, ADW_TYPE_ENTRY_ROW, "_Base Image");
  test_type_text (base_row, image);
  g_assert_true (test_wait_for (page_complete, source, 5000));
  /* The row switches it, as a click on it would. */
  turn (copy_row, copy_switch, TRUE);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (copy_row)), ==,
                   "The new disk is a whole copy: independent of the image, it takes the image’s space, and time to copy.");
  g_assert_true (test_wait_for (page_complete, source, 5000));
  test_assert_field_clean (base_row);
  /* What cannot be copied is said at the image, as soon as the switch is on. */
  test_make_qcow2 (backed, IMAGE_SIZE, image);
  g_assert_true (g_file_set_contents (raw, "raw", -1, NULL));
  test_type_text (base_row, backed);
  says = (TestFieldSays) { base_row, "reads part of its data from a backing file of its own: Hangar copies only whole images. Turn off Copy the Image." };
  g_assert_true (test_wait_for (test_field_says, &says, 5000));
  g_assert_false (hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (source)));
  test_type_text (base_row, raw);
  says = (TestFieldSays) { base_row, "is not a qcow2 image: Hangar copies other formats only from a storage pool. Put the image in a pool, or turn off Copy the Image." };
  g_assert_true (test_wait_for (test_field_says, &says, 5000));
  test_save_screenshot (source_window, "creator-source-page-copy-raw");
  /* A layer over it is another matter. */
  turn (copy_row, copy_switch, FALSE);
  g_assert_true (test_wait_for (page_complete, source, 5000));
  test_assert_field_clean (base_row);
  turn (copy_row, copy_switch, TRUE);
  says = (TestFieldSays) { base_row, "is not a qcow2 image" };
  g_assert_true (test_wait_for (test_field_says, &says, 5000));
  test_type_text (base_row, image);
  g_assert_true (test_wait_for (page_complete, source, 5000));
  test_assert_field_clean (base_row);
  test_save_screenshot (source_window, "creator-source-page-copy");
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (source), spec);
  g_assert_cmpint (spec->source, ==, HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  g_assert_cmpstr (spec->base_image, ==, image);
  g_assert_true (spec->copy_base_image);

  /* The storage page: a copy is no smaller than the image. */
  storage = hangar_creator_storage_page_new (state);
  storage_window = show_page (state, storage);
  size_row = test_find_titled (storage, ADW_TYPE_ENTRY_ROW, "_Size");
  create_group = gtk_widget_get_ancestor (size_row, ADW_TYPE_PREFERENCES_GROUP);
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (create_group)), ==,
                   "A whole qcow2 copy of the cloud image, grown to this size: no smaller than the image");
  test_type_text (size_row, "32 MiB");
  says = (TestFieldSays) { size_row, "The disk must be at least 64.0\u00a0MiB, the size of the image it copies. Give a larger size." };
  if (!test_wait_for (test_field_says, &says, 5000))
    g_error ("No minimum said: “%s”", test_field_message (size_row) != NULL
             ? gtk_label_get_text (test_field_message (size_row)) : "");
  g_assert_false (hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (storage)));
  test_save_screenshot (storage_window, "creator-storage-page-copy");
  test_type_text (size_row, "64 MiB");
  test_assert_field_clean (size_row);
  g_assert_true (hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (storage)));
  test_type_text (size_row, "2 GiB");
  test_assert_field_clean (size_row);
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (storage), spec);
  g_assert_cmpuint (spec->disk_size, ==, G_GUINT64_CONSTANT (2) << 30);

  /* The Summary says which. */
  g_free (spec->name);
  spec->name = g_strdup ("copied");
  summary = hangar_creator_summary_page_new (state);
  summary_window = show_page (state, summary);
  disk_row = test_find_titled (summary, ADW_TYPE_ACTION_ROW, "Disk");
  summary_text = g_strdup_printf ("A new 2.0\u00a0GiB disk “copied.qcow2” in pool “default-pool”, a copy of the cloud image “%s”",
                                  image);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (disk_row)), ==, summary_text);
  g_clear_pointer (&summary_text, g_free);

  /* A layer: any size, said so. */
  turn (copy_row, copy_switch, FALSE);
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (source), spec);
  g_assert_false (spec->copy_base_image);
  hangar_creator_page_shown (HANGAR_CREATOR_PAGE (storage));
  g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (create_group)), ==,
                   "A qcow2 volume over the cloud image, which grows to this size");
  test_type_text (size_row, "32 MiB");
  test_assert_field_clean (size_row);
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (storage), spec);
  hangar_creator_page_shown (HANGAR_CREATOR_PAGE (summary));
  summary_text = g_strdup_printf ("A new 32.0\u00a0MiB disk “copied.qcow2” in pool “default-pool” on the cloud image “%s”",
                                  image);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (disk_row)), ==, summary_text);

  /* Another kind of source: no copy. */
  turn (copy_row, copy_switch, TRUE);
  test_choose (test_find_titled (source, ADW_TYPE_COMBO_ROW, "_Install From"), "Manual Install");
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (source), spec);
  g_assert_false (spec->copy_base_image);

  gtk_window_destroy (GTK_WINDOW (summary_window));
  gtk_window_destroy (GTK_WINDOW (storage_window));
  gtk_window_destroy (GTK_WINDOW (source_window));
  test_assert_finalized (summary_window);
  test_assert_finalized (storage_window);
  test_assert_finalized (source_window);
  test_assert_finalized (state);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
  g_assert_cmpint (g_unlink (image), ==, 0);
  g_assert_cmpint (g_unlink (backed), ==, 0);
  g_assert_cmpint (g_unlink (raw), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/creator-copy/copy", test_copy);
  return g_test_run ();
}
