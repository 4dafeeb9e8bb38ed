// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * The host page of a remote host: qemu+ssh through the test's own sshd on 127.0.0.1
 * (e2e-sshd.h) to the real libvirtd (HANGAR_TEST_LIBVIRT_URI from build-aux/test),
 * under Xvfb.
 *   - overview-and-storage: the Overview's facts equal what a direct libvirt connection
 *     says, CPU and memory use are measured (the memory total is the one libvirt's node
 *     statistics give directly); a dir pool the test makes through the direct
 *     connection appears on the Storage tab with its volume, and goes when stopped;
 *     all of it over one SSH session;
 *   - host-away: with sshd gone (its listener and its session ended) the window says
 *     the host is away and reconnecting, naming it, and shows no figures measured on
 *     the old link; with sshd back it shows the host again, measured anew, over one
 *     SSH session.
 */
#define G_LOG_DOMAIN "test-e2e-host-ssh"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>
#include <libvirt/virterror.h>

#include "e2e-guest.h"
#include "e2e-host-page.h"
#include "e2e-sshd.h"
#include "hangar-core.h"
#include "hangar-host-storage-page.h"
#include "hangar-host-window.h"
#include "hangar-pool.h"
#include "test-host-page-util.h"
#include "test-widget-util.h"
#include "test-wizard-util.h"

#define POOL_PREFIX "hangar-e2e-hostssh-"

static virConnectPtr other;
static HangarConnection *remote;
static int sshd_port;
static char *pool_name;

static gboolean
is_settled (gpointer data)
{
  HangarConnectionState state = hangar_connection_get_state (data);

  return state == HANGAR_CONNECTION_STATE_CONNECTED || state == HANGAR_CONNECTION_STATE_FAILED ||
         state == HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS;
}

static void
assert_one_ssh_session (void)
{
  guint n = e2e_sshd_connections ();

  e2e_assert (n == 1, "%u SSH connections to the test sshd, not one", n);
}

/* What the direct connection says, in the page's words. */
static void
assert_facts (HangarHostWindow *window)
{
  virNodeInfo node;
  unsigned long version;
  char *host_name;
  g_autofree char *hypervisor = NULL;
  g_autofree char *lib_version = NULL;
  g_autofree char *cpus = NULL;
  g_autofree char *memory = NULL;

  host_name = virConnectGetHostname (other);
  e2e_assert (host_name != NULL, "%s", e2e_virt_error ());
  e2e_host_assert_row (window, "Host Name", host_name);
  free (host_name);
  e2e_assert (virConnectGetVersion (other, &version) == 0, "%s", e2e_virt_error ());
  hypervisor = g_strdup_printf ("%s %lu.%lu.%lu", virConnectGetType (other), version / 1000000,
                                version / 1000 % 1000, version % 1000);
  e2e_host_assert_row (window, "Hypervisor", hypervisor);
  e2e_assert (virConnectGetLibVersion (other, &version) == 0, "%s", e2e_virt_error ());
  lib_version = g_strdup_printf ("%lu.%lu.%lu", version / 1000000, version / 1000 % 1000,
                                 version % 1000);
  e2e_host_assert_row (window, "libvirt Version", lib_version);
  e2e_assert (virNodeGetInfo (other, &node) == 0, "%s", e2e_virt_error ());
  e2e_host_assert_row (window, "Architecture", node.model);
  cpus = g_strdup_printf ("%u at %u MHz", node.cpus, node.mhz);
  e2e_host_assert_row (window, "CPUs", cpus);
  memory = g_format_size_full ((guint64)node.memory * 1024, G_FORMAT_SIZE_IEC_UNITS);
  e2e_host_assert_row (window, "Memory", memory);
}

/* The memory total of the node's statistics, in bytes, as the direct connection reads
 * it. */
static guint64
direct_memory_total (void)
{
  g_autofree virNodeMemoryStatsPtr params = NULL;
  int n = 0;

  /* libvirt wants the exact count: asked first. */
  e2e_assert (virNodeGetMemoryStats (other, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &n, 0) == 0 &&
              n > 0, "%s", e2e_virt_error ());
  params = g_new0 (virNodeMemoryStats, n);
  e2e_assert (virNodeGetMemoryStats (other, VIR_NODE_MEMORY_STATS_ALL_CELLS, params, &n, 0) == 0,
              "%s", e2e_virt_error ());
  for (int i = 0; i < n; i++)
    if (g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_TOTAL))
      return params[i].value * 1024;
  e2e_fail (__FILE__, __LINE__, G_STRFUNC, "libvirt reports no memory total");
}

static void
assert_use (HangarHostWindow *window)
{
  HangarHostInfo *info = hangar_host_window_get_host_info (window);
  g_autofree char *cpu_text = NULL;
  double fraction;

  e2e_assert (e2e_wait_for (e2e_host_use_measured, window, 15000),
              "CPU and memory use not measured");
  cpu_text = g_strdup_printf ("%.0f %%", hangar_host_info_get_cpu_usage (info));
  e2e_host_assert_row (window, "CPU Use", cpu_text);
  e2e_assert (hangar_host_info_get_memory_total (info) == direct_memory_total (),
              "Memory total %" G_GUINT64_FORMAT ", libvirt says %" G_GUINT64_FORMAT,
              hangar_host_info_get_memory_total (info), direct_memory_total ());
  fraction = hangar_host_info_get_memory_fraction (info);
  e2e_assert (fraction > 0 && fraction < 1, "Memory use %f", fraction);
}

static HangarHostWindow *
open_window (void)
{
  HangarHostWindow *window = hangar_host_window_new (NULL, remote);

  gtk_window_present (GTK_WINDOW (window));
  e2e_assert (e2e_wait_for (e2e_host_info_loaded, window, 15000), "The host's facts did not load");
  return window;
}

/* Storage. */

static gboolean
volumes_loaded (gpointer data)
{
  HangarPool *pool = hangar_connection_find_pool (remote, pool_name);

  return pool != NULL && hangar_pool_get_volumes_loaded (pool);
}

static void
test_overview_and_storage (void)
{
  HangarHostWindow *window;
  HangarHostStoragePage *page;
  g_autofree char *pool_dir = NULL;
  g_autofree char *xml = NULL;
  const char *volume_xml = "<volume><name>hostssh.qcow2</name>"
                           "<capacity unit='MiB'>16</capacity>"
                           "<target><format type='qcow2'/></target></volume>";
  virStoragePoolPtr pool;
  virStorageVolPtr volume;
  TestLabelWait wait;

  hangar_connection_set_stats_interval (remote, 500);
  window = open_window ();
  assert_facts (window);
  assert_use (window);

  /* A pool made on the host by someone else appears, with its volume. */
  pool_dir = g_strdup_printf ("/var/tmp/%s%d", POOL_PREFIX, (int)getpid ());
  pool_name = g_path_get_basename (pool_dir);
  e2e_cleanup_path (pool_dir);
  e2e_assert (g_mkdir (pool_dir, 0755) == 0, "Cannot make %s: %s", pool_dir, g_strerror (errno));
  hangar_host_window_show_page (window, "storage");
  page = HANGAR_HOST_STORAGE_PAGE (test_find_widget (GTK_WIDGET (window),
                                                     HANGAR_TYPE_HOST_STORAGE_PAGE, NULL, NULL));
  xml = g_strdup_printf ("<pool type='dir'><name>%s</name><target><path>%s</path></target>"
                         "</pool>", pool_name, pool_dir);
  pool = virStoragePoolCreateXML (other, xml, 0);
  e2e_assert (pool != NULL, "Cannot create the pool: %s", e2e_virt_error ());
  volume = virStorageVolCreateXML (pool, volume_xml, 0);
  e2e_assert (volume != NULL, "Cannot create the volume: %s", e2e_virt_error ());
  virStorageVolFree (volume);
  /* The volume came after the pool's start: a refresh tells the host's listeners. */
  e2e_assert (virStoragePoolRefresh (pool, 0) == 0, "%s", e2e_virt_error ());

  wait = (TestLabelWait) { GTK_WIDGET (page), pool_name };
  e2e_assert (e2e_wait_for (test_label_shown, &wait, 15000), "The pool %s is not listed",
              pool_name);
  hangar_host_storage_page_select_pool (page, hangar_connection_find_pool (remote, pool_name));
  e2e_assert (e2e_wait_for (volumes_loaded, NULL, 15000), "The volumes of %s were not read",
              pool_name);
  wait.text = "hostssh.qcow2";
  e2e_assert (e2e_wait_for (test_label_shown, &wait, 15000), "The volume is not listed");
  assert_one_ssh_session ();

  /* Stopped by someone else, it goes. */
  e2e_assert (virStoragePoolDestroy (pool) == 0, "%s", e2e_virt_error ());
  virStoragePoolFree (pool);
  wait.text = pool_name;
  e2e_assert (e2e_wait_for (test_label_gone, &wait, 15000), "The stopped pool %s is still listed",
              pool_name);
  assert_one_ssh_session ();

  gtk_window_destroy (GTK_WINDOW (window));
  hangar_connection_set_stats_interval (remote, 3000);
}

static AdwStatusPage *
status_page (HangarHostWindow *window)
{
  GtkWidget *status = test_find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE, NULL, NULL);

  e2e_assert (status != NULL, "The host window has no status page");
  return ADW_STATUS_PAGE (status);
}

static gboolean
shows_away (gpointer data)
{
  AdwStatusPage *status = status_page (data);

  return gtk_widget_get_mapped (GTK_WIDGET (status)) && !test_overview_shown (data) &&
         g_strcmp0 (adw_status_page_get_title (status), "Disconnected, reconnecting…") == 0;
}

static guint attempts_seen;

static void
on_state_cb (HangarConnection *connection)
{
  if (hangar_connection_get_state (connection) == HANGAR_CONNECTION_STATE_CONNECTING)
    attempts_seen++;
}

static gboolean
two_attempts_seen (gpointer data)
{
  return attempts_seen >= 2 &&
         hangar_connection_get_state (remote) == HANGAR_CONNECTION_STATE_FAILED;
}

static gboolean
is_connected (gpointer data)
{
  return hangar_connection_get_state (data) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static void
test_host_away (void)
{
  HangarHostWindow *window;
  HangarHostInfo *info;
  AdwStatusPage *status;
  const char *description;
  gulong handler;

  hangar_connection_set_stats_interval (remote, 500);
  window = open_window ();
  info = hangar_host_window_get_host_info (window);
  e2e_assert (e2e_wait_for (e2e_host_use_measured, window, 15000),
              "CPU and memory use not measured");
  assert_one_ssh_session ();

  e2e_sshd_kill ();
  e2e_assert (e2e_wait_for (shows_away, window, 30000),
              "The window does not say the host is away (state %s: %s)",
              hangar_connection_get_state_label (remote),
              hangar_connection_get_error_message (remote));
  status = status_page (window);
  description = adw_status_page_get_description (status);
  g_test_message ("Away: %s — %s", adw_status_page_get_title (status), description);
  e2e_assert (description != NULL && strstr (description, "127.0.0.1") != NULL,
              "The status page does not name the host: “%s”", description);
  /* Nothing measured on the old link is kept as if it were live. */
  e2e_assert (hangar_host_info_get_cpu_usage (info) < 0 &&
              hangar_host_info_get_memory_fraction (info) < 0,
              "The old link's use is still held: %f %% CPU, %f memory",
              hangar_host_info_get_cpu_usage (info), hangar_host_info_get_memory_fraction (info));
  hangar_test_assert_accessible_names (GTK_WIDGET (window));
  test_save_screenshot (GTK_WIDGET (window), "host-ssh-away");

  /* Through the attempts that fail while sshd is away, the page stays the same. */
  attempts_seen = 0;
  handler = g_signal_connect (remote, "notify::state", G_CALLBACK (on_state_cb), NULL);
  e2e_assert (e2e_wait_for (two_attempts_seen, NULL, 30000),
              "Hangar did not try to reconnect twice (state %s)",
              hangar_connection_get_state_label (remote));
  g_signal_handler_disconnect (remote, handler);
  e2e_assert (shows_away (window), "After failed reconnects the page says “%s”",
              adw_status_page_get_title (status));
  description = adw_status_page_get_description (status);
  g_test_message ("Still away: %s", description);
  e2e_assert (description != NULL && strstr (description, "127.0.0.1") != NULL,
              "After failed reconnects the status page does not name the host: “%s”",
              description);

  e2e_sshd_restart ();
  e2e_assert (e2e_wait_for (is_connected, remote, 30000), "Hangar did not reconnect: %s",
              hangar_connection_get_error_message (remote));
  e2e_assert (e2e_wait_for (test_overview_shown, window, 10000), "The overview did not come back");
  assert_facts (window);
  assert_use (window);
  assert_one_ssh_session ();
  test_save_screenshot (GTK_WIDGET (window), "host-ssh-back");

  gtk_window_destroy (GTK_WINDOW (window));
  hangar_connection_set_stats_interval (remote, 3000);
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
  g_autofree char *remote_uri = NULL;
  int status;

  /* The away page's names are checked as a screen reader gets them. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  e2e_gtk_test_init (&argc, &argv);
  adw_init ();
  hangar_core_init ();
  other = e2e_host_open_direct ();
  e2e_remove_stale_pools (other, POOL_PREFIX);
  e2e_set_cleanup (cleanup);

  sshd_port = e2e_sshd_start ();
  remote_uri = g_strdup_printf ("qemu+ssh://root@127.0.0.1:%d/system", sshd_port);
  remote = hangar_connection_new (remote_uri);
  hangar_connection_open_async (remote, NULL, NULL, NULL);
  if (!e2e_wait_for (is_settled, remote, 30000) ||
      hangar_connection_get_state (remote) != HANGAR_CONNECTION_STATE_CONNECTED)
    g_error ("Hangar did not connect to %s: %s", remote_uri,
             hangar_connection_get_error_message (remote));

  g_test_add_func ("/e2e-host-ssh/overview-and-storage", test_overview_and_storage);
  g_test_add_func ("/e2e-host-ssh/host-away", test_host_away);
  status = g_test_run ();

  hangar_connection_close (remote);
  g_object_unref (remote);
  cleanup ();
  e2e_sshd_stop ();
  virConnectClose (other);
  return status;
}
