// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-os-catalog"

#include "config.h"

#include <stdlib.h>
#include <glib/gstdio.h>

#include "hangar-os-catalog.h"
#include "test-http.h"
#include "test-util.h"

/* HangarOsCatalog on the real libosinfo and this machine's installed osinfo-db. Install
 * media are bootable ISOs (an El Torito no-emulation boot image, as osinfo-detect
 * wants) made here with xorriso; the expected OSes come from the database's files
 * (their volume ids and resources), or from the test's own libosinfo queries. */

#define GIB ((guint64) 1 << 30)

typedef struct {
  GAsyncResult *result;
} Wait;

static void
on_done_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return ((Wait *) data)->result != NULL;
}

static GAsyncResult *
wait_result (Wait *wait,
             guint timeout_ms)
{
  g_assert_true (test_wait_for (has_result, wait, timeout_ms));
  return wait->result;
}

static HangarOsCatalog *
loaded_catalog (void)
{
  HangarOsCatalog *catalog = hangar_os_catalog_new ();
  Wait wait = { NULL };
  g_autoptr(GError) error = NULL;

  g_assert_false (hangar_os_catalog_get_loaded (catalog));
  hangar_os_catalog_load_async (catalog, NULL, on_done_cb, &wait);
  g_assert_true (hangar_os_catalog_load_finish (catalog, wait_result (&wait, 20000), &error));
  g_assert_no_error (error);
  g_object_unref (wait.result);
  g_assert_true (hangar_os_catalog_get_loaded (catalog));
  return catalog;
}

/* Makes an ISO with volume id @volid in the test's temporary directory; bootable unless
 * @bootable is FALSE. */
static char *
make_iso (const char *tmpdir,
          const char *volid,
          gboolean    bootable)
{
  g_autofree char *root = g_build_filename (tmpdir, "root", NULL);
  g_autofree char *boot = g_build_filename (root, "boot.img", NULL);
  g_autofree char *readme = g_build_filename (root, "README", NULL);
  g_autofree char *iso = g_strdup_printf ("%s/%08x.iso", tmpdir, g_random_int ());
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  char boot_data[2048] = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (root, 0755), ==, 0);
  g_assert_true (g_file_set_contents (boot, boot_data, sizeof boot_data, &error));
  g_assert_true (g_file_set_contents (readme, "Hangar test medium\n", -1, &error));

  g_ptr_array_add (argv, "xorriso");
  g_ptr_array_add (argv, "-as");
  g_ptr_array_add (argv, "mkisofs");
  g_ptr_array_add (argv, "-quiet");
  g_ptr_array_add (argv, "-V");
  g_ptr_array_add (argv, (char *) volid);
  g_ptr_array_add (argv, "-sysid");
  g_ptr_array_add (argv, "LINUX");
  if (bootable)
    {
      g_ptr_array_add (argv, "-b");
      g_ptr_array_add (argv, "boot.img");
      g_ptr_array_add (argv, "-no-emul-boot");
    }
  else
    {
      g_ptr_array_add (argv, "-m");
      g_ptr_array_add (argv, "boot.img");
    }
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, iso);
  g_ptr_array_add (argv, root);
  g_ptr_array_add (argv, NULL);

  /* xorriso must be installed (build-aux/deps.sh): a missing one fails here, loudly. */
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH
                               | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                               &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("xorriso failed: %s", err);
  return g_steal_pointer (&iso);
}

/* Removes what make_iso left in @tmpdir (the ISOs are removed by their tests). */
static void
remove_tmpdir (const char *tmpdir)
{
  g_autofree char *root = g_build_filename (tmpdir, "root", NULL);
  g_autofree char *boot = g_build_filename (root, "boot.img", NULL);
  g_autofree char *readme = g_build_filename (root, "README", NULL);

  g_unlink (boot);
  g_unlink (readme);
  g_rmdir (root);
  g_assert_cmpint (g_rmdir (tmpdir), ==, 0);
}

static HangarOsMatch *
identify (HangarOsCatalog *catalog,
          const char      *iso,
          GError         **error)
{
  Wait wait = { NULL };
  HangarOsMatch *match;

  hangar_os_catalog_identify_media_async (catalog, iso, NULL, on_done_cb, &wait);
  match = hangar_os_catalog_identify_media_finish (catalog, wait_result (&wait, 20000), error);
  g_object_unref (wait.result);
  return match;
}

static void
test_identify_media (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("hangar-os-XXXXXX", NULL);
  g_autoptr(HangarOsCatalog) catalog = hangar_os_catalog_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarOsMatch) debian = NULL;
  g_autoptr(HangarOsMatch) fedora = NULL;
  g_autofree char *debian_iso = make_iso (tmpdir, "Debian 11.5.0 amd64 n", TRUE);
  /* osinfo-db's fedora-37.xml: Fedora Server's DVD. */
  g_autofree char *fedora_iso = make_iso (tmpdir, "Fedora-S-dvd-x86_64-37", TRUE);

  /* Identification loads the database itself when nobody has yet. */
  debian = identify (catalog, debian_iso, &error);
  g_assert_no_error (error);
  g_assert_true (hangar_os_catalog_get_loaded (catalog));
  g_assert_cmpstr (debian->short_id, ==, "debian11");
  g_assert_cmpstr (debian->name, ==, "Debian 11");
  g_assert_true (debian->identified);
  g_assert_false (debian->from_family_guess);
  g_assert_null (debian->note);
  g_assert_nonnull (debian->media);
  g_assert_cmpstr (osinfo_media_get_volume_id (debian->media), ==, "Debian 11.5.0 amd64 n");

  fedora = identify (catalog, fedora_iso, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fedora->short_id, ==, "fedora37");
  g_assert_true (fedora->identified);
  g_assert_false (fedora->from_family_guess);

  g_unlink (debian_iso);
  g_unlink (fedora_iso);
  remove_tmpdir (tmpdir);
  test_assert_finalized (g_steal_pointer (&catalog));
}

/* The newest released Debian of the database, by the test's own query: the latest
 * release date among distro "debian" entries with status "released". */
static OsinfoOs *
newest_debian (OsinfoDb *db)
{
  g_autoptr(OsinfoOsList) list = osinfo_db_get_os_list (db);
  g_autoptr(GDate) best_date = NULL;
  OsinfoOs *best = NULL;

  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (list), i));
      g_autoptr(GDate) date = osinfo_product_get_release_date (OSINFO_PRODUCT (os));

      if (g_strcmp0 (osinfo_os_get_distro (os), "debian") != 0 || date == NULL
          || osinfo_os_get_release_status (os) != OSINFO_RELEASE_STATUS_RELEASED)
        continue;
      if (best_date == NULL || g_date_compare (date, best_date) > 0)
        {
          best = os;
          g_clear_pointer (&best_date, g_date_free);
          best_date = g_steal_pointer (&date);
        }
    }
  return best;
}

static void
test_family_guess (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("hangar-os-XXXXXX", NULL);
  g_autoptr(HangarOsCatalog) catalog = loaded_catalog ();
  g_autoptr(OsinfoLoader) loader = osinfo_loader_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarOsMatch) match = NULL;
  g_autoptr(HangarOsMatch) plain = NULL;
  g_autofree char *iso = make_iso (tmpdir, "Debian 12.2.0 amd64 n", TRUE);
  g_autofree char *plain_iso = make_iso (tmpdir, "HANGAR_TEST_DISC", TRUE);
  g_autofree char *not_bootable = make_iso (tmpdir, "Debian 11.5.0 amd64 n", FALSE);
  OsinfoOs *expected;
  HangarOsMatch *none;

  osinfo_loader_process_default_path (loader, &error);
  g_assert_no_error (error);
  expected = newest_debian (osinfo_loader_get_db (loader));
  g_assert_nonnull (expected);

  /* A Debian medium newer than the database (bookworm's osinfo-db predates Debian 12). */
  match = identify (catalog, iso, &error);
  g_assert_no_error (error);
  g_assert_false (match->identified);
  g_assert_true (match->from_family_guess);
  g_assert_cmpstr (match->short_id, ==, osinfo_product_get_short_id (OSINFO_PRODUCT (expected)));
  g_assert_cmpstr (osinfo_os_get_distro (match->os), ==, "debian");
  g_assert_nonnull (match->note);
  g_assert_nonnull (strstr (match->note, "older than") ?: strstr (match->note, "newer than"));
  g_assert_nonnull (strstr (match->note, "osinfo-db-import --local"));
  g_assert_nonnull (strstr (match->note, match->name));

  /* A bootable medium of nothing known: libosinfo's generic Linux, no note. */
  plain = identify (catalog, plain_iso, &error);
  g_assert_no_error (error);
  g_assert_false (plain->identified);
  g_assert_false (plain->from_family_guess);
  g_assert_null (plain->note);
  g_assert_cmpstr (plain->short_id, ==, "linux2022");

  /* An ISO that does not boot is no install medium: a sentence, no match. */
  none = identify (catalog, not_bootable, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "not a bootable install medium"));

  g_unlink (iso);
  g_unlink (plain_iso);
  g_unlink (not_bootable);
  remove_tmpdir (tmpdir);
  test_assert_finalized (g_steal_pointer (&catalog));
}

/* A distribution tree: fedora-37.xml's Server tree has treeinfo family Fedora, version
 * 37, arch x86_64, variant Server. Returns its directory. */
static char *
make_tree (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("hangar-tree-XXXXXX", NULL);
  g_autofree char *treeinfo = g_build_filename (tmpdir, ".treeinfo", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (treeinfo, TEST_FEDORA_TREEINFO, -1, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&tmpdir);
}

static HangarOsMatch *
identify_tree (HangarOsCatalog *catalog,
               const char      *location,
               GError         **error)
{
  Wait wait = { NULL };
  HangarOsMatch *match;

  hangar_os_catalog_identify_tree_async (catalog, location, NULL, on_done_cb, &wait);
  match = hangar_os_catalog_identify_tree_finish (catalog, wait_result (&wait, 20000), error);
  g_object_unref (wait.result);
  return match;
}

static void
assert_fedora_tree (HangarOsMatch *match)
{
  g_assert_nonnull (match);
  g_assert_cmpstr (match->short_id, ==, "fedora37");
  g_assert_true (match->identified);
  g_assert_false (match->from_family_guess);
  g_assert_nonnull (match->tree);
}

static void
test_identify_tree (void)
{
  g_autofree char *tmpdir = make_tree ();
  g_autofree char *treeinfo = g_build_filename (tmpdir, ".treeinfo", NULL);
  g_autofree char *uri = g_filename_to_uri (tmpdir, NULL, NULL);
  g_autoptr(HangarOsCatalog) catalog = loaded_catalog ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarOsMatch) match = NULL;
  HangarOsMatch *none;

  match = identify_tree (catalog, uri, &error);
  g_assert_no_error (error);
  assert_fedora_tree (match);

  /* A directory without .treeinfo is no distribution tree. */
  g_unlink (treeinfo);
  none = identify_tree (catalog, uri, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);

  g_assert_cmpint (g_rmdir (tmpdir), ==, 0);
  test_assert_finalized (g_steal_pointer (&catalog));
}

/* The same tree over HTTP, served by Python's http.server on 127.0.0.1. */
static void
test_identify_tree_http (void)
{
  g_autofree char *tmpdir = make_tree ();
  g_autofree char *treeinfo = g_build_filename (tmpdir, ".treeinfo", NULL);
  g_autoptr(HangarOsCatalog) catalog = loaded_catalog ();
  GSubprocess *server;
  g_autoptr(GError) error = NULL;
  g_autoptr(HangarOsMatch) match = NULL;
  g_autofree char *url = NULL;

  server = test_http_serve (tmpdir, &url);

  match = identify_tree (catalog, url, &error);
  g_assert_no_error (error);
  assert_fedora_tree (match);

  test_http_stop (server);
  g_unlink (treeinfo);
  g_assert_cmpint (g_rmdir (tmpdir), ==, 0);
  test_assert_finalized (g_steal_pointer (&catalog));
}

/* Debian-style installer directories, as a mirror has them: bullseye (Debian 11 in the
 * database), bookworm (newer than the database), sid without images. */
static const char *const debian_files[] = {
  "debian/dists/bullseye/main/installer-amd64/current/images/MANIFEST",
  "debian/dists/bookworm/main/installer-amd64/current/images/MANIFEST",
  "ubuntu/dists/bionic/main/installer-amd64/current/images/MANIFEST",
  "debian/dists/sid/main/installer-amd64/README",
};

static void
remove_debian_mirror (const char *tmpdir)
{
  for (gsize i = 0; i < G_N_ELEMENTS (debian_files); i++)
    {
      g_autofree char *path = g_build_filename (tmpdir, debian_files[i], NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
      /* Its directories, up to the mirror's, while empty. */
      for (char *slash = strrchr (path, '/'); slash != NULL && strlen (path) > strlen (tmpdir);
           slash = strrchr (path, '/'))
        {
          *slash = '\0';
          if (strlen (path) > strlen (tmpdir))
            g_rmdir (path);
        }
    }
  g_assert_cmpint (g_rmdir (tmpdir), ==, 0);
}

/* Debian's and Ubuntu's installer directories hold no .treeinfo: their layout names the
 * release (the suite's code name) and where the kernel is. */
static void
test_identify_debian_tree (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("hangar-mirror-XXXXXX", NULL);
  g_autoptr(HangarOsCatalog) catalog = loaded_catalog ();
  g_autofree char *url = NULL;
  GSubprocess *server;

  for (gsize i = 0; i < G_N_ELEMENTS (debian_files); i++)
    {
      g_autofree char *path = g_build_filename (tmpdir, debian_files[i], NULL);
      g_autofree char *dir = g_path_get_dirname (path);
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_assert_true (g_file_set_contents (path, "netboot/debian-installer/amd64\n", -1, &error));
    }
  server = test_http_serve (tmpdir, &url);

  {
    g_autofree char *bullseye = g_strconcat (url, "debian/dists/bullseye/main/installer-amd64/", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(HangarOsMatch) match = identify_tree (catalog, bullseye, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (match->short_id, ==, "debian11");
    g_assert_true (match->identified);
    g_assert_false (match->from_family_guess);
    g_assert_cmpstr (osinfo_tree_get_architecture (match->tree), ==, "x86_64");
    g_assert_cmpstr (osinfo_tree_get_kernel_path (match->tree), ==,
                     "current/images/netboot/debian-installer/amd64/linux");
    g_assert_cmpstr (osinfo_tree_get_initrd_path (match->tree), ==,
                     "current/images/netboot/debian-installer/amd64/initrd.gz");
  }
  {
    /* Without the slash at the end, as typed. */
    g_autofree char *bionic = g_strconcat (url, "ubuntu/dists/bionic/main/installer-amd64", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(HangarOsMatch) match = identify_tree (catalog, bionic, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (match->short_id, ==, "ubuntu18.04");
    g_assert_true (match->identified);
    g_assert_cmpstr (osinfo_tree_get_kernel_path (match->tree), ==,
                     "current/images/netboot/ubuntu-installer/amd64/linux");
  }
  {
    /* Debian 12 is newer than Debian 12's osinfo-db: the newest Debian it knows is
     * suggested, and said to be a guess; the kernel is where Debian's netboot keeps it. */
    g_autofree char *bookworm = g_strconcat (url, "debian/dists/bookworm/main/installer-amd64/", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(HangarOsMatch) match = identify_tree (catalog, bookworm, &error);

    g_assert_no_error (error);
    g_assert_nonnull (match->os);
    g_assert_cmpstr (osinfo_os_get_distro (match->os), ==, "debian");
    g_assert_false (match->identified);
    g_assert_true (match->from_family_guess);
    g_assert_nonnull (strstr (match->note, "Debian"));
    g_assert_cmpstr (osinfo_tree_get_architecture (match->tree), ==, "x86_64");
    g_assert_cmpstr (osinfo_tree_get_kernel_path (match->tree), ==,
                     "current/images/netboot/debian-installer/amd64/linux");
  }
  {
    /* The shape of one, without its images: no tree, and the message says what was
     * looked for. */
    g_autofree char *sid = g_strconcat (url, "debian/dists/sid/main/installer-amd64/", NULL);
    g_autoptr(GError) error = NULL;
    HangarOsMatch *none = identify_tree (catalog, sid, &error);

    g_assert_null (none);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_nonnull (strstr (error->message, "current/images/MANIFEST"));
    g_assert_nonnull (strstr (error->message, "installer-amd64/)"));
  }

  test_http_stop (server);
  remove_debian_mirror (tmpdir);
  test_assert_finalized (g_steal_pointer (&catalog));
}

/* The fault injector: a server that accepts connections and never answers. */
typedef struct {
  GSocketListener *listener;
  GPtrArray *connections;
} SilentServer;

static void
on_accepted_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SilentServer *server = user_data;
  GSocketConnection *connection;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (object), result, NULL, NULL);
  if (connection == NULL)
    return;
  g_ptr_array_add (server->connections, connection);
  g_socket_listener_accept_async (server->listener, NULL, on_accepted_cb, server);
}

static char *
silent_server_start (SilentServer *server)
{
  g_autoptr(GError) error = NULL;
  guint16 port;

  server->listener = g_socket_listener_new ();
  server->connections = g_ptr_array_new_with_free_func (g_object_unref);
  port = g_socket_listener_add_any_inet_port (server->listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_accept_async (server->listener, NULL, on_accepted_cb, server);
  return g_strdup_printf ("http://127.0.0.1:%u/tree/", port);
}

static void
silent_server_stop (SilentServer *server)
{
  g_socket_listener_close (server->listener);
  g_clear_object (&server->listener);
  g_clear_pointer (&server->connections, g_ptr_array_unref);
}

static gboolean
has_connection (gpointer data)
{
  return ((SilentServer *) data)->connections->len > 0;
}

/* A tree server that never answers: the caller's Cancel ends the read at once, and
 * without one, the bound does. */
static void
test_tree_silent_server (void)
{
  g_autoptr(HangarOsCatalog) catalog = loaded_catalog ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  SilentServer server = { NULL };
  g_autofree char *url = silent_server_start (&server);
  Wait wait = { NULL };
  gint64 start;
  double elapsed;

  hangar_os_catalog_identify_tree_async (catalog, url, cancellable, on_done_cb, &wait);
  g_assert_true (test_wait_for (has_connection, &server, 10000));
  g_cancellable_cancel (cancellable);
  g_assert_null (hangar_os_catalog_identify_tree_finish (catalog, wait_result (&wait, 5000),
                                                         &error));
  g_clear_object (&wait.result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  start = g_get_monotonic_time ();
  hangar_os_catalog_identify_tree_async (catalog, url, NULL, on_done_cb, &wait);
  g_assert_null (hangar_os_catalog_identify_tree_finish (
    catalog, wait_result (&wait, (HANGAR_OS_CATALOG_TREE_TIMEOUT_S + 10) * 1000), &error));
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_clear_object (&wait.result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, url));
  g_assert_cmpfloat (elapsed, >=, HANGAR_OS_CATALOG_TREE_TIMEOUT_S - 0.5);
  g_assert_cmpuint (server.connections->len, ==, 2);

  silent_server_stop (&server);
  test_assert_finalized (g_steal_pointer (&catalog));
}

static HangarOsEntry *
find_entry (GListModel *model,
            const char *short_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(HangarOsEntry) entry = g_list_model_get_item (model, i);

      if (g_strcmp0 (hangar_os_entry_get_short_id (entry), short_id) == 0)
        return entry;
    }
  return NULL;
}

static void
test_list (void)
{
  g_autoptr(HangarOsCatalog) catalog = loaded_catalog ();
  g_autoptr(GListModel) current = hangar_os_catalog_get_oses (catalog, FALSE);
  g_autoptr(GListModel) all = hangar_os_catalog_get_oses (catalog, TRUE);
  g_autoptr(OsinfoOsList) db_list = osinfo_db_get_os_list (hangar_os_catalog_get_db (catalog));
  guint n_all = g_list_model_get_n_items (all);
  guint n_current = g_list_model_get_n_items (current);
  HangarOsEntry *xp, *rawhide;

  g_assert_cmpuint (g_list_model_get_item_type (all), ==, HANGAR_TYPE_OS_ENTRY);
  /* Every OS of the database, hundreds of them. */
  g_assert_cmpuint (n_all, ==, osinfo_list_get_length (OSINFO_LIST (db_list)));
  g_assert_cmpuint (n_all, >=, 500);
  /* Most entries carry only a release date, so how many are current depends on the
   * day (79 of 790 in December 2026 with bookworm's database); dateless ones such as
   * Rawhide always are. */
  g_assert_cmpuint (n_current, >=, 10);
  g_assert_cmpuint (n_current, <, n_all);

  /* Windows XP: its end-of-life date (2014-04-08) is in the file. */
  xp = find_entry (all, "winxp");
  g_assert_nonnull (xp);
  g_assert_true (hangar_os_entry_get_eol (xp));
  g_assert_cmpstr (hangar_os_entry_get_vendor (xp), ==, "Microsoft Corporation");
  g_assert_null (find_entry (current, "winxp"));
  /* Rawhide has neither release nor end-of-life date: never end-of-life. */
  rawhide = find_entry (current, "fedora-rawhide");
  g_assert_nonnull (rawhide);
  g_assert_false (hangar_os_entry_get_eol (rawhide));

  /* No end-of-life entry in the default list; sorted by the name shown, case aside,
   * numbers in numeric order. */
  for (guint i = 0; i < n_current; i++)
    {
      g_autoptr(HangarOsEntry) entry = g_list_model_get_item (current, i);

      g_assert_false (hangar_os_entry_get_eol (entry));
    }
  for (guint i = 1; i < n_all; i++)
    {
      g_autoptr(HangarOsEntry) a = g_list_model_get_item (all, i - 1);
      g_autoptr(HangarOsEntry) b = g_list_model_get_item (all, i);

      g_autofree char *folded_a = g_utf8_casefold (
        hangar_os_entry_get_name (a) ? hangar_os_entry_get_name (a) : "", -1);
      g_autofree char *key_a = g_utf8_collate_key_for_filename (folded_a, -1);
      g_autofree char *folded_b = g_utf8_casefold (
        hangar_os_entry_get_name (b) ? hangar_os_entry_get_name (b) : "", -1);
      g_autofree char *key_b = g_utf8_collate_key_for_filename (folded_b, -1);

      g_assert_cmpint (strcmp (key_a, key_b), <=, 0);
    }
  {
    guint pos9 = G_MAXUINT, pos10 = G_MAXUINT;

    for (guint i = 0; i < n_all; i++)
      {
        g_autoptr(HangarOsEntry) entry = g_list_model_get_item (all, i);

        if (g_strcmp0 (hangar_os_entry_get_short_id (entry), "debian9") == 0)
          pos9 = i;
        else if (g_strcmp0 (hangar_os_entry_get_short_id (entry), "debian10") == 0)
          pos10 = i;
      }
    g_assert_cmpuint (pos9, <, pos10);
    g_assert_cmpuint (pos10, <, n_all);
  }

  g_clear_object (&current);
  g_clear_object (&all);
  test_assert_finalized (g_steal_pointer (&catalog));
}

static void
test_defaults (void)
{
  g_autoptr(HangarOsCatalog) catalog = loaded_catalog ();
  OsinfoOs *debian = hangar_os_catalog_find_os (catalog, "debian11");
  OsinfoOs *win11 = hangar_os_catalog_find_os (catalog, "win11");
  g_autoptr(HangarOsDefaults) d = NULL;
  g_autoptr(HangarOsDefaults) w = NULL;
  g_autoptr(HangarOsDefaults) u = NULL;

  g_assert_nonnull (debian);
  g_assert_nonnull (win11);
  g_assert_null (hangar_os_catalog_find_os (catalog, "no-such-os"));

  /* debian-11.xml: recommended 1 GiB and 20 GiB, no recommended CPU count (minimum 1,
   * so 2); virtio devices inherited from Debian 9/10; BIOS fine. */
  d = hangar_os_catalog_get_defaults (catalog, debian, "x86_64");
  g_assert_cmpuint (d->memory, ==, 1 * GIB);
  g_assert_cmpuint (d->vcpus, ==, 2);
  g_assert_cmpuint (d->disk, ==, 20 * GIB);
  g_assert_true (d->virtio_disk);
  g_assert_true (d->virtio_net);
  g_assert_true (d->virtio_rng);
  g_assert_true (d->balloon);
  g_assert_false (d->needs_uefi);
  g_assert_false (d->wants_tpm);

  /* win-11.xml: only minimums (2 CPUs, 4 GiB, 64 GiB), so twice those; EFI, BIOS
   * "supported=false"; no virtio device in its (or Windows 10's…) list. */
  w = hangar_os_catalog_get_defaults (catalog, win11, "x86_64");
  g_assert_cmpuint (w->memory, ==, 8 * GIB);
  g_assert_cmpuint (w->vcpus, ==, 4);
  g_assert_cmpuint (w->disk, ==, 128 * GIB);
  g_assert_false (w->virtio_disk);
  g_assert_false (w->virtio_net);
  g_assert_true (w->needs_uefi);
  g_assert_true (w->wants_tpm);

  /* Unknown OS: the fallbacks. */
  u = hangar_os_catalog_get_defaults (catalog, NULL, "x86_64");
  g_assert_cmpuint (u->memory, ==, 2 * GIB);
  g_assert_cmpuint (u->vcpus, ==, 2);
  g_assert_cmpuint (u->disk, ==, 20 * GIB);
  g_assert_false (u->virtio_disk || u->virtio_net || u->virtio_rng || u->balloon);
  g_assert_false (u->needs_uefi || u->wants_tpm);

  test_assert_finalized (g_steal_pointer (&catalog));
}

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* Loads asked for together share one load, and both answer. */
static void
test_shared_load (void)
{
  g_autoptr(HangarOsCatalog) catalog = hangar_os_catalog_new ();
  Wait a = { NULL }, b = { NULL };
  guint notified = 0;

  g_signal_connect (catalog, "notify::loaded", G_CALLBACK (on_notify_cb), &notified);
  hangar_os_catalog_load_async (catalog, NULL, on_done_cb, &a);
  hangar_os_catalog_load_async (catalog, NULL, on_done_cb, &b);
  g_assert_true (hangar_os_catalog_load_finish (catalog, wait_result (&a, 20000), NULL));
  g_assert_true (hangar_os_catalog_load_finish (catalog, wait_result (&b, 20000), NULL));
  g_assert_cmpuint (notified, ==, 1);
  g_object_unref (a.result);
  g_object_unref (b.result);
  test_assert_finalized (g_steal_pointer (&catalog));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/os-catalog/identify-media", test_identify_media);
  g_test_add_func ("/os-catalog/family-guess", test_family_guess);
  g_test_add_func ("/os-catalog/identify-tree", test_identify_tree);
  g_test_add_func ("/os-catalog/identify-tree-http", test_identify_tree_http);
  g_test_add_func ("/os-catalog/tree-silent-server", test_tree_silent_server);
  g_test_add_func ("/os-catalog/identify-debian-tree", test_identify_debian_tree);
  g_test_add_func ("/os-catalog/list", test_list);
  g_test_add_func ("/os-catalog/defaults", test_defaults);
  g_test_add_func ("/os-catalog/shared-load", test_shared_load);

  return g_test_run ();
}
