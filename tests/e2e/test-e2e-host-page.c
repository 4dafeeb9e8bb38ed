// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The host page against the real libvirtd (HANGAR_TEST_LIBVIRT_URI and DISPLAY from
 * build-aux/test), under Xvfb:
 *   - the Overview's facts equal what libvirt tells the test's own connection, and its
 *     live use is measured: a CPU percentage, and memory in use within 5 % of what
 *     /proc/meminfo says at the same time (libvirtd runs on this machine);
 *   - on the Storage tab, in a dir pool of the test's own in a temporary directory,
 *     Resize… grows a qcow2 volume (qemu-img info shows the new virtual size), shrinks a
 *     raw one once the user ticked the consent (the file's size shows it), and Delete
 *     removes a volume's file.
 */
#define G_LOG_DOMAIN "test-e2e-host-page"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <adwaita.h>
#include <glib/gstdio.h>
#include <libvirt/virterror.h>

#include "e2e-guest.h"
#include "e2e-host-page.h"
#include "hangar-core.h"
#include "hangar-host-storage-page.h"
#include "hangar-host-window.h"
#include "hangar-pool.h"
#include "hangar-resize-volume-dialog.h"
#include "hangar-volume.h"
#include "test-host-page-util.h"
#include "test-widget-util.h"

#define MIB (G_GUINT64_CONSTANT (1) << 20)
#define POOL_PREFIX "hangar-e2e-host-"

static virConnectPtr other;
static HangarConnection *connection;
static char *pool_name;
static char *pool_dir;

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

/* Memory in use as /proc/meminfo tells it (KiB): neither free nor cache. */
static guint64
meminfo_used_kib (guint64 *total_kib)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 total = 0, free_kib = 0, buffers = 0, cached = 0;

  e2e_assert (g_file_get_contents ("/proc/meminfo", &text, NULL, NULL), "No /proc/meminfo");
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 value = 0;

      if (sscanf (lines[i], "MemTotal: %" G_GUINT64_FORMAT, &value) == 1)
        total = value;
      else if (sscanf (lines[i], "MemFree: %" G_GUINT64_FORMAT, &value) == 1)
        free_kib = value;
      else if (sscanf (lines[i], "Buffers: %" G_GUINT64_FORMAT, &value) == 1)
        buffers = value;
      else if (sscanf (lines[i], "Cached: %" G_GUINT64_FORMAT, &value) == 1)
        cached = value;
    }
  *total_kib = total;
  return total - free_kib - buffers - cached;
}

static void
test_overview (void)
{
  HangarHostWindow *window = hangar_host_window_new (NULL, connection);
  HangarHostInfo *info = hangar_host_window_get_host_info (window);
  virNodeInfo node;
  unsigned long version;
  char *host_name;
  g_autofree char *hypervisor = NULL;
  g_autofree char *cpus = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *cpu_text = NULL;
  guint64 total_kib, used_kib;
  double difference;

  hangar_connection_set_stats_interval (connection, 500);
  gtk_window_present (GTK_WINDOW (window));
  e2e_assert (e2e_wait_for (e2e_host_info_loaded, window, 10000), "The host's facts did not load");

  host_name = virConnectGetHostname (other);
  e2e_host_assert_row (window, "Host Name", host_name);
  free (host_name);
  e2e_assert (virConnectGetVersion (other, &version) == 0, "%s", e2e_virt_error ());
  hypervisor = g_strdup_printf ("%s %lu.%lu.%lu", virConnectGetType (other), version / 1000000,
                                version / 1000 % 1000, version % 1000);
  e2e_host_assert_row (window, "Hypervisor", hypervisor);
  e2e_assert (virNodeGetInfo (other, &node) == 0, "%s", e2e_virt_error ());
  cpus = g_strdup_printf ("%u at %u MHz", node.cpus, node.mhz);
  e2e_host_assert_row (window, "CPUs", cpus);
  memory = g_format_size_full ((guint64)node.memory * 1024, G_FORMAT_SIZE_IEC_UNITS);
  e2e_host_assert_row (window, "Memory", memory);

  /* A real host reports both. */
  e2e_assert (e2e_wait_for (e2e_host_use_measured, window, 10000), "CPU and memory use not measured");
  cpu_text = g_strdup_printf ("%.0f %%", hangar_host_info_get_cpu_usage (info));
  e2e_host_assert_row (window, "CPU Use", cpu_text);
  used_kib = meminfo_used_kib (&total_kib);
  /* The total it counts use against is /proc/meminfo's, which may differ from what
   * virNodeGetInfo reports (on this machine 8 GiB of 23.5). */
  e2e_assert (hangar_host_info_get_memory_total (info) / 1024 == total_kib,
              "Memory total %" G_GUINT64_FORMAT " KiB, /proc/meminfo says %" G_GUINT64_FORMAT,
              hangar_host_info_get_memory_total (info) / 1024, total_kib);
  difference = ABS ((double)hangar_host_info_get_memory_used (info) / 1024 - (double)used_kib);
  e2e_assert (difference < 0.05 * (double)total_kib,
              "Memory in use %" G_GUINT64_FORMAT " KiB, /proc/meminfo says %" G_GUINT64_FORMAT,
              hangar_host_info_get_memory_used (info) / 1024, used_kib);

  gtk_window_destroy (GTK_WINDOW (window));
  hangar_connection_set_stats_interval (connection, 3000);
}

/* Storage. */

/* Waits for the dialog headed @heading and clicks its button @label. */
static AdwMessageDialog *
answer (const char *heading,
        const char *label)
{
  AdwMessageDialog *dialog;

  e2e_assert (e2e_wait_for (test_message_shown, (gpointer)heading, 5000), "No dialog “%s”",
              heading);
  dialog = test_find_message (heading);
  test_click_response (dialog, label);
  return dialog;
}

static gboolean
pool_listed (gpointer data)
{
  HangarPool *pool = hangar_connection_find_pool (connection, pool_name);

  return pool != NULL && hangar_pool_get_active (pool);
}

/* What the connection lists, for a failure's message. */
static char *
listed_pool_names (HangarConnection *self)
{
  GListModel *pools = hangar_connection_get_pools (self);
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (pools); i++)
    {
      g_autoptr(HangarPool) pool = g_list_model_get_item (pools, i);

      g_string_append_printf (names, "%s%s (%s)", i > 0 ? ", " : "", hangar_pool_get_name (pool),
                              hangar_pool_get_active (pool) ? "active" : "inactive");
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
volumes_loaded (gpointer data)
{
  return hangar_pool_get_volumes_loaded (data);
}

static char *
volume_path (const char *name)
{
  return g_build_filename (pool_dir, name, NULL);
}

/* Sparse: libvirt shrinks no volume below what it has allocated. */
static void
make_volume (virStoragePoolPtr pool,
             const char       *name,
             const char       *format,
             guint64           capacity)
{
  g_autofree char *xml = g_strdup_printf ("<volume><name>%s</name>"
                                          "<capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>"
                                          "<allocation unit='bytes'>0</allocation>"
                                          "<target><format type='%s'/></target></volume>",
                                          name, capacity, format);
  virStorageVolPtr volume = virStorageVolCreateXML (pool, xml, 0);

  e2e_assert (volume != NULL, "Cannot create %s: %s", name, e2e_virt_error ());
  virStorageVolFree (volume);
}

/* The virtual size qemu-img reads from the image itself. */
static guint64
qemu_img_size (const char *path)
{
  const char *argv[] = { "qemu-img", "info", "--output=json", "-U", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *field;
  int status;

  e2e_assert (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                            &err, &status, &error), "qemu-img: %s", error->message);
  e2e_assert (g_spawn_check_wait_status (status, NULL), "qemu-img info failed: %s", err);
  /* Its JSON has one "virtual-size": <bytes> at the top. */
  field = strstr (out, "\"virtual-size\":");
  e2e_assert (field != NULL, "qemu-img info says no virtual size: %s", out);
  return g_ascii_strtoull (field + strlen ("\"virtual-size\":"), NULL, 10);
}

typedef struct {
  const char *path;
  guint64 size;
} SizeWait;

static gboolean
qcow2_size_is (gpointer data)
{
  SizeWait *wait = data;

  return qemu_img_size (wait->path) == wait->size;
}

static gboolean
file_size_is (gpointer data)
{
  SizeWait *wait = data;
  struct stat st;

  return stat (wait->path, &st) == 0 && (guint64)st.st_size == wait->size;
}

static gboolean
file_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

static HangarResizeVolumeDialog *
open_resize (HangarHostStoragePage *page,
             const char            *name)
{
  HangarPool *pool = hangar_connection_find_pool (connection, pool_name);
  HangarVolume *volume = hangar_pool_find_volume (pool, name);
  g_autofree char *heading = g_strdup_printf ("Resize “%s”", name);

  e2e_assert (volume != NULL, "%s is not listed", name);
  hangar_host_storage_page_select_volume (page, volume);
  test_click_action (GTK_WIDGET (page), "storage.resize-volume");
  e2e_assert (e2e_wait_for (test_message_shown, heading, 5000), "No dialog “%s”", heading);
  return HANGAR_RESIZE_VOLUME_DIALOG (test_find_message (heading));
}

static void
test_resize_and_delete (void)
{
  HangarHostWindow *window = hangar_host_window_new (NULL, connection);
  HangarHostStoragePage *page;
  HangarResizeVolumeDialog *resize;
  g_autofree char *xml = NULL;
  g_autofree char *grow_path = NULL;
  g_autofree char *shrink_path = NULL;
  virStoragePoolPtr pool;
  GtkWidget *check;
  SizeWait grown, shrunk;

  pool_dir = g_strdup_printf ("/var/tmp/%s%d", POOL_PREFIX, (int)getpid ());
  pool_name = g_path_get_basename (pool_dir);
  e2e_cleanup_path (pool_dir);
  e2e_assert (g_mkdir (pool_dir, 0755) == 0, "Cannot make %s", pool_dir);
  xml = g_strdup_printf ("<pool type='dir'><name>%s</name><target><path>%s</path></target>"
                         "</pool>", pool_name, pool_dir);
  pool = virStoragePoolCreateXML (other, xml, 0);
  e2e_assert (pool != NULL, "Cannot create the pool: %s", e2e_virt_error ());
  make_volume (pool, "grow.qcow2", "qcow2", 64 * MIB);
  make_volume (pool, "shrink.img", "raw", 128 * MIB);

  gtk_window_present (GTK_WINDOW (window));
  hangar_host_window_show_page (window, "storage");
  page = HANGAR_HOST_STORAGE_PAGE (test_find_widget (GTK_WIDGET (window),
                                                     HANGAR_TYPE_HOST_STORAGE_PAGE, NULL, NULL));
  if (!e2e_wait_for (pool_listed, NULL, 10000))
    {
      g_autofree char *listed = listed_pool_names (connection);

      e2e_assert (FALSE, "The pool %s is not listed after 10 s (libvirt says it is %s; Hangar's "
                  "connection is %s and lists: %s)", pool_name,
                  virStoragePoolIsActive (pool) == 1 ? "active" : "not active",
                  hangar_connection_get_state_label (connection), listed);
    }
  hangar_host_storage_page_select_pool (page, hangar_connection_find_pool (connection,
                                                                           pool_name));
  e2e_assert (e2e_wait_for (volumes_loaded, hangar_connection_find_pool (connection, pool_name),
                            10000), "The volumes of %s were not read", pool_name);

  /* Grow the qcow2 volume to 128 MiB. */
  resize = open_resize (page, "grow.qcow2");
  hangar_resize_volume_dialog_set_size (resize, 128, "MiB");
  answer ("Resize “grow.qcow2”", "_Resize");
  grow_path = volume_path ("grow.qcow2");
  grown = (SizeWait) { grow_path, 128 * MIB };
  e2e_assert (e2e_wait_for (qcow2_size_is, &grown, 10000),
              "qemu-img says %" G_GUINT64_FORMAT " bytes", qemu_img_size (grow_path));

  /* Shrink the raw one to 32 MiB: only after the consent. */
  resize = open_resize (page, "shrink.img");
  hangar_resize_volume_dialog_set_size (resize, 32, "MiB");
  e2e_assert (!adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (resize), "resize"),
              "Shrink is offered before the consent");
  check = test_find_widget (GTK_WIDGET (resize), GTK_TYPE_CHECK_BUTTON, NULL, NULL);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  answer ("Resize “shrink.img”", "_Shrink");
  shrink_path = volume_path ("shrink.img");
  shrunk = (SizeWait) { shrink_path, 32 * MIB };
  e2e_assert (e2e_wait_for (file_size_is, &shrunk, 10000), "shrink.img did not become 32 MiB");

  /* Delete the grown one. */
  hangar_host_storage_page_select_volume (page, hangar_pool_find_volume (
                                            hangar_connection_find_pool (connection, pool_name),
                                            "grow.qcow2"));
  test_click_action (GTK_WIDGET (page), "storage.delete-volume");
  answer ("Delete the Volume “grow.qcow2”?", "_Delete");
  e2e_assert (e2e_wait_for (file_gone, grow_path, 10000), "%s is still there", grow_path);
  e2e_assert (g_file_test (shrink_path, G_FILE_TEST_EXISTS), "%s went too", shrink_path);

  gtk_window_destroy (GTK_WINDOW (window));
  virStoragePoolDestroy (pool);
  virStoragePoolFree (pool);
}

static void
cleanup (void)
{
  if (other != NULL && pool_name != NULL)
    e2e_host_stop_pool (other, pool_name);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* The connection's pool events in the log: test_resize_and_delete failed once in CI
   * (hard9, 2026-12-04) with no pool listed after 10 s and could not be made to fail
   * again (25 runs alone); if it does, the log tells whether the event came. */
  g_setenv ("G_MESSAGES_DEBUG", "hangar-connection", FALSE);
  e2e_gtk_test_init (&argc, &argv);
  adw_init ();
  hangar_core_init ();
  other = e2e_host_open_direct ();
  e2e_remove_stale_pools (other, POOL_PREFIX);
  e2e_set_cleanup (cleanup);

  connection = hangar_connection_new (g_getenv ("HANGAR_TEST_LIBVIRT_URI"));
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  if (!e2e_wait_for (is_connected, connection, 30000))
    g_error ("Hangar did not connect to %s", hangar_connection_get_uri (connection));

  g_test_add_func ("/e2e-host-page/overview", test_overview);
  g_test_add_func ("/e2e-host-page/resize-and-delete", test_resize_and_delete);
  status = g_test_run ();

  cleanup ();
  hangar_connection_close (connection);
  g_object_unref (connection);
  virConnectClose (other);
  return status;
}
