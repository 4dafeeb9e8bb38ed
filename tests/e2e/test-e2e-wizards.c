// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The pool and volume wizards on the real libvirtd, driven as a user would under Xvfb:
 * a dir pool made through the pool wizard (libvirt builds its directory), then a raw
 * "allocate now" volume made through the volume wizard, whose progress page ends full
 * and closes. Judged by the host: the directory, the file and its blocks on the disk,
 * libvirt's own answers.
 *
 * Needs (build-aux/test provides them): HANGAR_TEST_LIBVIRT_URI, root, DISPLAY,
 * qemu-img. What the test made is undone by e2e-storage.c's process
 * whatever happens.
 */
#define G_LOG_DOMAIN "test-e2e-wizards"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "e2e-storage.h"
#include "hangar-core.h"
#include "hangar-job-view.h"
#include "hangar-pool-wizard.h"
#include "hangar-volume.h"
#include "hangar-volume-wizard.h"
#include "test-wizard-util.h"

#define MiB (G_GUINT64_CONSTANT (1) << 20)
#define ALLOC_MIB 8

static const char *uri;
static char *tmp_root;
static virConnectPtr virt;
static HangarConnection *connection;

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

typedef struct {
  HangarPool *pool;
  const char *name;
} VolumeWait;

static gboolean
volume_listed (gpointer data)
{
  VolumeWait *w = data;

  return hangar_pool_find_volume (w->pool, w->name) != NULL;
}

static gboolean
pool_listed (gpointer name)
{
  return hangar_connection_find_pool (connection, name) != NULL;
}

static gboolean
volumes_loaded (gpointer pool)
{
  return hangar_pool_get_volumes_loaded (pool);
}

/* Bytes @path takes on its disk, -1 when it is not there. */
static gint64
file_allocation (const char *path)
{
  struct stat st;

  if (g_stat (path, &st) != 0)
    return -1;
  return (gint64)st.st_blocks * 512;
}

static gboolean
is_sensitive (gpointer widget)
{
  return gtk_widget_is_sensitive (widget);
}

static GtkWidget *
button (GtkWidget  *window,
        const char *label)
{
  return test_find_titled (window, GTK_TYPE_BUTTON, label);
}

static GtkWidget *
entry (GtkWidget  *window,
       const char *title)
{
  return test_find_titled (window, ADW_TYPE_ENTRY_ROW, title);
}

/* The pool wizard makes a dir pool on the directory @dir (which exists: a mount). */
static HangarPool *
make_pool (const char *name,
           const char *dir)
{
  GtkWidget *wizard = g_object_ref (GTK_WIDGET (hangar_pool_wizard_new (NULL, connection)));
  virStoragePoolPtr pool;
  int autostart = 0;

  gtk_window_present (GTK_WINDOW (wizard));
  e2e_storage_undo_pool (name);
  test_type_text (entry (wizard, "_Name"), name);
  e2e_assert (e2e_wait_for (is_sensitive, button (wizard, "_Forward"), 10000),
              "the pool wizard does not let the user go on with the name %s", name);
  test_choose (test_find_titled (wizard, ADW_TYPE_COMBO_ROW, "_Type"),
               hangar_pool_type_to_label (HANGAR_POOL_TYPE_DIR));
  test_click (button (wizard, "_Forward"));
  test_type_text (entry (wizard, "_Target Path"), dir);
  test_assert_field_clean (entry (wizard, "_Target Path"));
  test_click (button (wizard, "_Forward"));
  test_click (button (wizard, "C_reate"));
  test_wait_destroyed (wizard, 60000);
  test_assert_finalized (wizard);

  pool = virStoragePoolLookupByName (virt, name);
  e2e_assert (pool != NULL && virStoragePoolIsActive (pool) == 1,
              "libvirt does not run the pool %s the wizard made", name);
  /* Start at Boot is on unless the user turns it off. */
  e2e_assert (virStoragePoolGetAutostart (pool, &autostart) == 0 && autostart == 1,
              "libvirt does not start the pool %s at boot", name);
  virStoragePoolFree (pool);
  e2e_assert (e2e_wait_for (pool_listed, (gpointer)name, 5000), "Hangar does not list %s", name);
  return hangar_connection_find_pool (connection, name);
}

typedef struct {
  GtkProgressBar *bar;
  GArray *fractions;
} BarWatch;

static void
on_bar_fraction_cb (GtkProgressBar *bar,
                    GParamSpec     *pspec,
                    BarWatch       *watch)
{
  double fraction = gtk_progress_bar_get_fraction (bar);

  g_array_append_val (watch->fractions, fraction);
}

static gboolean
bar_forward_to_full (BarWatch *watch)
{
  GArray *f = watch->fractions;

  for (guint i = 1; i < f->len; i++)
    if (g_array_index (f, double, i) < g_array_index (f, double, i - 1))
      return FALSE;
  return f->len > 0 && g_array_index (f, double, f->len - 1) == 1.0;
}

/* Opens the volume wizard on @pool and asks for a raw volume @base of ALLOC_MIB MiB,
 * allocated now; presses Create and returns the wizard, on its progress page, with
 * @watch following its progress bar. */
static GtkWidget *
start_allocation (HangarPool *pool,
                  const char *base,
                  BarWatch   *watch)
{
  GtkWidget *wizard = g_object_ref (GTK_WIDGET (hangar_volume_wizard_new (NULL, pool)));
  GtkWidget *allocate_row;
  g_autofree char *size = g_strdup_printf ("%d MiB", ALLOC_MIB);

  gtk_window_present (GTK_WINDOW (wizard));
  test_choose (test_find_titled (wizard, ADW_TYPE_COMBO_ROW, "_Format"), "raw");
  test_type_text (entry (wizard, "_Name"), base);
  test_type_text (entry (wizard, "C_apacity"), size);
  allocate_row = test_find_titled (wizard, ADW_TYPE_ACTION_ROW, "_Allocate the Whole Disk Now");
  gtk_switch_set_active (GTK_SWITCH (test_find_widget (allocate_row, GTK_TYPE_SWITCH, NULL, NULL)),
                         TRUE);
  test_assert_field_clean (allocate_row);
  test_assert_field_clean (entry (wizard, "C_apacity"));

  watch->bar = GTK_PROGRESS_BAR (test_find_widget (wizard, GTK_TYPE_PROGRESS_BAR, NULL, NULL));
  watch->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  g_signal_connect (watch->bar, "notify::fraction", G_CALLBACK (on_bar_fraction_cb), watch);
  test_click (button (wizard, "C_reate"));
  e2e_assert (g_strcmp0 (test_stack_page (wizard), "progress") == 0,
              "the volume wizard shows no progress page while it allocates");
  return wizard;
}

static char *
fractions_text (GArray *fractions)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < fractions->len; i++)
    g_string_append_printf (text, "%s%.3f", i ? " " : "", g_array_index (fractions, double, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_wizards (void)
{
  g_autofree char *name = g_strdup_printf ("hangar-e2e-wizards-%d", (int)getpid ());
  g_autofree char *dir = g_build_filename (tmp_root, "pool", NULL);
  g_autofree char *full_path = NULL;
  g_autofree char *seen = NULL;
  GtkWidget *wizard;
  HangarPool *pool;
  HangarVolume *volume;
  BarWatch watch = { 0 };
  VolumeWait listed;

  pool = make_pool (name, dir);
  hangar_pool_get_volumes (pool);
  e2e_assert (e2e_wait_for (volumes_loaded, pool, 10000), "%s's volumes were not listed", name);

  /* Left to run, the allocation ends at a full bar, the window closes, and the whole
   * size is on the disk. (The bar moving part of the way, and Cancel in the middle of
   * an allocation, are e2e-storage's: on a slow disk of its own, through the core. Here,
   * on that disk, libvirtd now and then answered the progress poll only after the
   * allocation, or not for a minute after a Cancel; see the note.) */
  wizard = start_allocation (pool, "full", &watch);
  full_path = g_build_filename (dir, "full.img", NULL);
  test_wait_destroyed (wizard, 60000);
  seen = fractions_text (watch.fractions);
  g_test_message ("the progress bar showed %s", seen);
  e2e_assert (bar_forward_to_full (&watch), "the progress bar did not go forward to full: %s",
              seen);
  test_assert_finalized (wizard);
  listed = (VolumeWait){ pool, "full.img" };
  e2e_assert (e2e_wait_for (volume_listed, &listed, 10000), "Hangar does not list full.img");
  volume = hangar_pool_find_volume (pool, "full.img");
  e2e_assert (hangar_volume_get_capacity (volume) == ALLOC_MIB * MiB,
              "full.img holds %" G_GUINT64_FORMAT " bytes", hangar_volume_get_capacity (volume));
  e2e_assert (file_allocation (full_path) >= (gint64)(ALLOC_MIB * MiB),
              "%s takes %" G_GINT64_FORMAT " bytes on its disk, not the %d MiB allocated",
              full_path, file_allocation (full_path), ALLOC_MIB);
  g_clear_pointer (&watch.fractions, g_array_unref);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *quoted = NULL;
  g_autofree char *remove = NULL;
  int status;

  /* The undo process starts before GTK's threads (e2e-storage.h); then GTK on X11, as
   * e2e_gtk_test_init () does. */
  e2e_test_init (&argc, &argv);
  e2e_storage_init ();
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  if (g_getenv ("DISPLAY") == NULL || !gtk_init_check ())
    g_error ("No X server: DISPLAY must name one (build-aux/test starts Xvfb)");
  adw_init ();
  hangar_core_init ();
  uri = g_getenv ("HANGAR_TEST_LIBVIRT_URI");
  e2e_assert (uri != NULL, "HANGAR_TEST_LIBVIRT_URI is not set (build-aux/test sets it)");
  e2e_assert (getuid () == 0, "the wizard tests make loop devices and mounts: run as root");

  tmp_root = g_strdup_printf ("/var/tmp/hangar-e2e-wizards-%d", (int)getpid ());
  quoted = g_shell_quote (tmp_root);
  remove = g_strdup_printf ("rm -rf %s", quoted);
  e2e_storage_undo (tmp_root, remove);
  e2e_assert (g_mkdir (tmp_root, 0755) == 0, "Cannot make %s: %s", tmp_root, g_strerror (errno));

  virt = virConnectOpen (uri);
  e2e_assert (virt != NULL, "Cannot open %s: %s", uri, e2e_virt_error ());
  connection = hangar_connection_new (uri);
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  e2e_assert (e2e_wait_for (is_connected, connection, 30000), "Hangar did not connect to %s", uri);

  g_test_add_func ("/e2e/wizards/pool-and-allocation", test_wizards);
  status = g_test_run ();

  hangar_connection_close (connection);
  g_object_unref (connection);
  virConnectClose (virt);
  g_free (tmp_root);
  return status;
}
