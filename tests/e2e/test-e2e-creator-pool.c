// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * New Virtual Machine on a real libvirtd that has no pool "default", driven through the
 * window's widgets under Xvfb (DISPLAY from build-aux/test). The Storage page offers
 * "Create It"; the pool it makes is the guest's, and goes again when nothing was made
 * in it:
 *   - Create It: the pool "default" exists, runs, starts at boot, and its directory is
 *     there (the one the page named); a guest (Manual Install: nothing to boot but the
 *     firmware) with a new qcow2 disk is made in it, and runs;
 *   - Create It, then an impossible request (a "kernel" QEMU refuses at start): the run
 *     fails, and the host is as before Create It: no pool, no volume, no domain, no
 *     directory (counted);
 *   - Create It, then the window closed before Create: the same.
 * The suite's libvirtd is not touched (other tests use its pools): the test starts a
 * libvirtd of its own in session mode, as the user nobody, in a temporary directory
 * (its socket, configuration and state there), checked fresh (no pool, no domain), and
 * ended at the end (the e2e cleaner ends it too, and its QEMUs, if the test dies: their
 * command lines name the directory). Hangar connects to
 * qemu+unix:///session?socket=DIR/run/libvirt-sock; for a session connection it puts
 * the pool in the user's data directory, XDG_DATA_HOME, here DIR/data (nobody's).
 * Needs root (to become nobody), libvirtd and QEMU; guests run with TCG.
 */
#define G_LOG_DOMAIN "test-e2e-creator-pool"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>

#include "e2e-creator-util.h"
#include "e2e-guest.h"
#include "e2e-virt.h"
#include "hangar-application.h"
#include "hangar-connection.h"
#include "hangar-creator-page.h"
#include "hangar-creator-state.h"
#include "hangar-domain-creator.h"
#include "hangar-session.h"
#include "test-app-util.h"
#include "test-widget-util.h"
#include "test-wizard-util.h"

#define PREFIX "hangar-e2e-creator-pool-"

/* Timeouts (ms). */
#define START_TIMEOUT   60000
#define CONNECT_TIMEOUT 30000
#define POOL_TIMEOUT    30000
#define CREATE_TIMEOUT  120000

static char *dir;             /* the daemon's: run/, home/, data/ (XDG_DATA_HOME) */
static char *images;          /* where Hangar puts the pool "default" */
static GPid daemon_pid;
static E2eUser nobody;
static E2eCreatorHost host;
static char *guest_name;

static void
make_dir (const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  e2e_assert (g_mkdir (path, 0755) == 0 && chown (path, nobody.uid, nobody.gid) == 0,
              "cannot make %s for nobody: %s", path, g_strerror (errno));
}

static gboolean
daemon_connects (gpointer data)
{
  host.other = virConnectOpen (host.uri);
  return host.other != NULL;
}

/* The test's own libvirtd, as nobody in session mode; host.other is connected to it. */
static void
start_daemon (void)
{
  g_autofree char *conf_path = g_build_filename (dir, "libvirtd.conf", NULL);
  g_autofree char *run = g_build_filename (dir, "run", NULL);
  g_autofree char *home = g_build_filename (dir, "home", NULL);
  g_autofree char *conf = g_strdup_printf ("unix_sock_dir = \"%s\"\n", run);
  g_auto(GStrv) envp = NULL;
  const char *argv[] = { "libvirtd", "-f", conf_path, NULL };
  g_autoptr(GError) error = NULL;

  nobody = e2e_nobody ();
  e2e_assert (g_mkdir (dir, 0755) == 0, "cannot make %s: %s", dir, g_strerror (errno));
  make_dir ("run");
  make_dir ("home");
  make_dir ("data");
  e2e_assert (g_file_set_contents (conf_path, conf, -1, &error), "cannot write %s: %s",
              conf_path, error->message);

  envp = g_environ_setenv (g_get_environ (), "HOME", home, TRUE);
  envp = g_environ_setenv (envp, "XDG_RUNTIME_DIR", run, TRUE);
  envp = g_environ_unsetenv (envp, "XDG_CONFIG_HOME");
  envp = g_environ_unsetenv (envp, "XDG_CACHE_HOME");
  envp = g_environ_unsetenv (envp, "XDG_DATA_HOME");
  envp = g_environ_unsetenv (envp, "DBUS_SESSION_BUS_ADDRESS");
  e2e_assert (g_spawn_async (dir, (char **) argv, envp,
                             G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                             G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                             e2e_become_nobody, &nobody, &daemon_pid, &error),
              "cannot start libvirtd: %s", error->message);
  host.uri = g_strdup_printf ("qemu+unix:///session?socket=%s/libvirt-sock", run);
  e2e_assert (e2e_wait_for (daemon_connects, NULL, START_TIMEOUT),
              "the test's libvirtd did not answer on %s within %d ms: %s", host.uri,
              START_TIMEOUT, e2e_virt_error ());
}

/* Ends the daemon (and its QEMUs, with the guests gone first) and removes its folder. */
static void
stop_daemon (void)
{
  const char *remove[] = { "rm", "-rf", dir, NULL };

  if (host.other != NULL)
    virConnectClose (host.other);
  host.other = NULL;
  if (daemon_pid > 0)
    {
      int status = 0;

      kill (daemon_pid, SIGTERM);
      e2e_assert (waitpid (daemon_pid, &status, 0) == daemon_pid, "the test's libvirtd is lost");
      g_spawn_close_pid (daemon_pid);
      e2e_assert (kill (daemon_pid, 0) < 0, "the test's libvirtd %d still runs", (int) daemon_pid);
      daemon_pid = 0;
    }
  e2e_creator_run_command (remove, NULL);
  e2e_cleanup_path_done (dir);
}

static void
cleanup (void)
{
  if (host.other != NULL && guest_name != NULL)
    e2e_remove_domain (host.other, guest_name);
}

/* The host's pools, running or not. */
static int
count_pools (void)
{
  int active = virConnectNumOfStoragePools (host.other);
  int inactive = virConnectNumOfDefinedStoragePools (host.other);

  e2e_assert (active >= 0 && inactive >= 0, "cannot count the pools: %s", e2e_virt_error ());
  return active + inactive;
}

static gboolean
has_default_pool (gpointer data)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (host.other, "default");
  gboolean active = pool != NULL && virStoragePoolIsActive (pool) == 1;

  if (pool != NULL)
    virStoragePoolFree (pool);
  return active;
}

static gboolean
default_pool_autostarts (gpointer data)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (host.other, "default");
  int autostart = 0;

  if (pool != NULL)
    {
      virStoragePoolGetAutostart (pool, &autostart);
      virStoragePoolFree (pool);
    }
  return autostart == 1;
}

static gboolean
no_pool (gpointer data)
{
  return count_pools () == 0;
}

static gboolean
dir_empty (gpointer path)
{
  g_autofree char *files = e2e_creator_files_in (path);

  return *files == '\0';
}

/* The host is as the test found it: no pool, no domain, nothing in the user's data
 * directory (the pool's folder and the one above it went, in that order). */
static void
assert_host_empty (const char *when)
{
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *files = NULL;

  e2e_assert (e2e_wait_for (no_pool, NULL, POOL_TIMEOUT), "%s, the host has %d pools", when,
              count_pools ());
  e2e_wait_for (dir_empty, data_dir, POOL_TIMEOUT);
  files = e2e_creator_files_in (data_dir);
  e2e_assert (e2e_creator_count_domains (host.other) == 0, "%s, the host has %d domains", when,
              e2e_creator_count_domains (host.other));
  e2e_assert (!g_file_test (images, G_FILE_TEST_EXISTS), "%s, %s is still there", when, images);
  e2e_assert (g_str_equal (files, ""), "%s, %s holds “%s”", when, data_dir, files);
}

static gboolean
row_hidden (gpointer row)
{
  return !gtk_widget_is_visible (row);
}

/* What the walk answers on the Source page. */
typedef enum {
  BOOT_NOTHING,        /* Manual Install */
  BOOT_NOT_A_KERNEL,   /* Direct Kernel Boot of a file QEMU refuses */
} Boot;

/* On the Storage page @shown: the host has no pool "default" and nothing to put the
 * disk in; Create It makes it, where the page said, and the disk goes there. */
static void
create_default_pool (GtkWidget *shown)
{
  GtkWidget *row = test_find_titled (shown, ADW_TYPE_ACTION_ROW,
                                     "The host has no pool called “default”");
  g_autofree char *where = g_strdup_printf ("Hangar can create it, in %s", images);

  e2e_assert (gtk_widget_is_visible (row), "the page does not offer to create the pool “default”");
  e2e_assert (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), where) == 0,
              "the page says “%s”, not “%s”", adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
              where);
  e2e_assert (!hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (shown)),
              "the page is complete with no pool to put the disk in");
  test_click (test_find_titled (shown, GTK_TYPE_BUTTON, "Create _It"));
  e2e_assert (e2e_wait_for (has_default_pool, NULL, POOL_TIMEOUT),
              "the pool “default” is not running within %d ms of Create It", POOL_TIMEOUT);
  e2e_assert (g_file_test (images, G_FILE_TEST_IS_DIR), "the pool's directory %s is missing", images);
  /* Its last step. */
  e2e_assert (e2e_wait_for (default_pool_autostarts, NULL, POOL_TIMEOUT),
              "the pool “default” does not start at boot");
  /* Hangar hears of it through libvirt's event: the offer goes, the pool is chosen. */
  e2e_assert (e2e_wait_for (row_hidden, row, POOL_TIMEOUT),
              "the page still offers to create the pool “default” (“%s”)",
              adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  e2e_creator_answer_new_disk (shown, "default", "64");
}

/* What the walk answers. */
typedef struct {
  const char *name;
  Boot boot;
  gboolean pool_made;
} Answers;

/* Answers each page for a guest with a new 64 MiB disk in the pool "default" made on
 * the Storage page. */
static void
answer_page (const char *page,
             GtkWidget  *shown,
             gpointer    data)
{
  Answers *answers = data;

  if (g_str_equal (page, "source") && answers->boot == BOOT_NOTHING)
    test_choose (test_find_titled (shown, ADW_TYPE_COMBO_ROW, "_Install From"), "Manual Install");
  else if (g_str_equal (page, "source"))
    {
      g_autofree char *kernel = g_build_filename (dir, "not-a-kernel", NULL);

      test_choose (test_find_titled (shown, ADW_TYPE_COMBO_ROW, "_Install From"), "Direct Kernel Boot");
      test_type_text (test_find_titled (shown, ADW_TYPE_ENTRY_ROW, "_Kernel"), kernel);
    }
  else if (g_str_equal (page, "os"))
    g_signal_emit_by_name (test_find_titled (shown, ADW_TYPE_ACTION_ROW, "_Generic / Unknown"),
                           "activated");
  else if (g_str_equal (page, "resources"))
    e2e_creator_answer_memory (shown, 128);
  else if (g_str_equal (page, "storage"))
    {
      create_default_pool (shown);
      answers->pool_made = TRUE;
    }
  else if (g_str_equal (page, "details"))
    {
      test_type_text (test_find_titled (shown, ADW_TYPE_ENTRY_ROW, "_Name"), answers->name);
      test_choose (test_find_titled (shown, ADW_TYPE_COMBO_ROW, "Ne_twork"), "None");
    }
}

/* Answers every page of @window for a guest @name (answer_page); stops on the summary. */
static void
walk_to_summary (GtkWidget  *window,
                 const char *name,
                 Boot        boot)
{
  Answers answers = { name, boot, FALSE };

  e2e_creator_walk_to_summary (window, answer_page, &answers);
  e2e_assert (answers.pool_made, "the window never showed the Storage page");
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* A visible label that names @data: the window's sentence about the failure. */
static gboolean
names_guest (GtkWidget    *widget,
             gconstpointer data)
{
  return gtk_widget_is_visible (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), data) != NULL;
}

static gboolean
not_creating (gpointer window)
{
  return g_strcmp0 (test_stack_page (window), "progress") != 0;
}

static gboolean
guest_listed (gpointer name)
{
  return hangar_connection_find_guest (host.connection, name) != NULL;
}

/* Create It, then the window closed before Create: the pool goes with it. */
static void
test_closed_before_create (void)
{
  g_autofree char *name = g_strdup_printf (PREFIX "%d-closed", (int) getpid ());
  GtkWidget *window = e2e_creator_open_window (&host);

  assert_host_empty ("before the window");
  walk_to_summary (window, name, BOOT_NOTHING);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  e2e_assert (e2e_wait_for (window_gone, &window, CONNECT_TIMEOUT), "the window did not close");
  assert_host_empty ("once the window closed before Create");
}

/* Create It, then a run QEMU refuses: the run undoes the guest, its volume and the pool. */
static void
test_failed_create (void)
{
  g_autofree char *name = g_strdup_printf (PREFIX "%d-fails", (int) getpid ());
  GtkWidget *window = e2e_creator_open_window (&host);
  GtkWidget *message;

  guest_name = name;
  e2e_cleanup_domain (name);
  assert_host_empty ("before the window");
  walk_to_summary (window, name, BOOT_NOT_A_KERNEL);
  test_click (test_find_titled (window, GTK_TYPE_BUTTON, "C_reate"));
  e2e_assert (e2e_wait_for (not_creating, window, CREATE_TIMEOUT), "the run did not end within %d ms",
              CREATE_TIMEOUT);
  message = test_find_widget (window, GTK_TYPE_LABEL, names_guest, name);
  e2e_assert (message != NULL, "the window does not say what failed (on “%s”)", test_stack_page (window));
  g_test_message ("the window says: %s", gtk_label_get_text (GTK_LABEL (message)));
  assert_host_empty ("after the failed run");

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  e2e_assert (e2e_wait_for (window_gone, &window, CONNECT_TIMEOUT), "the window did not close");
  assert_host_empty ("once the window closed after the failed run");
  e2e_cleanup_domain_done (name);
  guest_name = NULL;
}

/* Create It, then Create: the guest runs with its new disk in the pool made for it, which
 * stays (it is not empty) when the window goes. */
static void
test_create_in_new_pool (void)
{
  g_autofree char *name = g_strdup_printf (PREFIX "%d", (int) getpid ());
  g_autofree char *volume = g_strconcat (name, ".qcow2", NULL);
  g_autofree char *files = NULL;
  GtkWidget *window = e2e_creator_open_window (&host);
  virDomainPtr domain;
  HangarGuest *guest;

  guest_name = name;
  e2e_cleanup_domain (name);
  assert_host_empty ("before the window");
  walk_to_summary (window, name, BOOT_NOTHING);
  e2e_creator_create_and_wait (window, CREATE_TIMEOUT);

  domain = virDomainLookupByName (host.other, name);
  e2e_assert (domain != NULL, "libvirt has no %s: %s", name, e2e_virt_error ());
  e2e_assert (virDomainIsActive (domain) == 1, "%s does not run", name);
  virDomainFree (domain);
  files = e2e_creator_files_in (images);
  e2e_assert (g_str_equal (files, volume), "the pool holds “%s”, not %s", files, volume);
  e2e_assert (has_default_pool (NULL), "the pool “default” went with the window");

  e2e_assert (e2e_wait_for (guest_listed, name, CONNECT_TIMEOUT), "%s is not in Hangar's list", name);
  guest = hangar_connection_find_guest (host.connection, name);
  e2e_creator_close_guest_window (host.app, guest);
  e2e_remove_domain (host.other, name);
  e2e_cleanup_domain_done (name);
  guest_name = NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dir = NULL;
  g_autofree char *kernel = NULL;
  int status;

  /* Before GTK reads it: for a session connection, Hangar puts the pool "default" in
   * the user's data directory. */
  dir = g_strdup_printf ("%s/" PREFIX "%d", g_get_tmp_dir (), (int) getpid ());
  data_dir = g_build_filename (dir, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);
  images = g_build_filename (data_dir, "libvirt", "images", NULL);
  e2e_creator_init (&argc, &argv);
  e2e_assert (g_str_equal (g_get_user_data_dir (), data_dir), "the data directory was read before");
  e2e_set_cleanup (cleanup);
  e2e_cleanup_path (dir);
  start_daemon ();

  /* Fresh: no pool, no domain. */
  e2e_assert (count_pools () == 0, "the test's libvirtd has %d pools already", count_pools ());
  e2e_assert (e2e_creator_count_domains (host.other) == 0, "the test's libvirtd has domains already");
  /* Readable, but no kernel: QEMU stops at once. */
  kernel = g_build_filename (dir, "not-a-kernel", NULL);
  e2e_assert (g_file_set_contents (kernel, "no kernel here\n", -1, NULL), "cannot write %s", kernel);

  host.app = test_application_new ();
  host.connection = hangar_session_add_connection (hangar_application_get_session (host.app),
                                                   host.uri, FALSE, FALSE);
  e2e_assert (e2e_wait_for (e2e_creator_is_connected, host.connection, CONNECT_TIMEOUT),
              "Hangar did not connect to %s within %d ms", host.uri, CONNECT_TIMEOUT);

  g_test_add_func ("/e2e-creator-pool/closed-before-create", test_closed_before_create);
  g_test_add_func ("/e2e-creator-pool/failed-create", test_failed_create);
  g_test_add_func ("/e2e-creator-pool/create", test_create_in_new_pool);
  status = g_test_run ();

  cleanup ();
  stop_daemon ();
  return status;
}
