// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-creator-source-page"
/* setresuid */
#define _GNU_SOURCE

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include <adwaita.h>
#include <libvirt/virterror.h>

#include "hangar-creator-source-page.h"
#include "hangar-creator-state.h"
#include "hangar-domain-builder.h"
#include "test-core-util.h"
#include "test-http.h"
#include "test-wizard-util.h"

/* The Install Source page under Xvfb, driven through its widgets, on test:///default
 * (a session-like host on this machine: files are checked here, no PXE) and real files
 * in a temporary folder; install media are bootable ISOs made with xorriso, identified
 * by the installed osinfo-db. */

typedef struct {
  HangarConnection *connection;
  HangarCreatorState *state;
  GtkWidget *window;
  GtkWidget *page;
  char *dir;
} Fixture;

static void
open_page (Fixture *fixture)
{
  fixture->state = hangar_creator_state_new (fixture->connection);
  fixture->page = g_object_ref (hangar_creator_source_page_new (fixture->state));
  fixture->window = g_object_ref (gtk_window_new ());
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 640, 700);
  gtk_window_set_child (GTK_WINDOW (fixture->window), fixture->page);
  gtk_window_present (GTK_WINDOW (fixture->window));
  hangar_creator_page_shown (HANGAR_CREATOR_PAGE (fixture->page));
}

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  g_autofree char *uri = data != NULL ? test_data_uri (data) : g_strdup ("test:///default");

  fixture->dir = g_dir_make_tmp ("hangar-source-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->connection = test_open_connection (uri);
  open_page (fixture);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  test_assert_finalized (fixture->window);
  test_assert_finalized (fixture->page);
  test_assert_finalized (fixture->state);
  g_clear_object (&fixture->connection);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_assert_cmpint (g_rmdir (path), ==, 0);
      else
        g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->dir);
}

static char *
make_file (Fixture    *fixture,
           const char *name)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "not much\n", -1, &error));
  return path;
}

/* A bootable (El Torito, no emulation) or plain ISO with volume id @volid. */
static char *
make_iso (Fixture    *fixture,
          const char *volid,
          gboolean    bootable)
{
  g_autofree char *root = g_build_filename (fixture->dir, "root", NULL);
  g_autofree char *boot = g_build_filename (root, "boot.img", NULL);
  char *iso = g_strdup_printf ("%s/%s.iso", fixture->dir, bootable ? "boot" : "plain");
  const char *argv[] = { "xorriso", "-as", "mkisofs", "-quiet", "-V", volid, "-sysid", "LINUX",
                         bootable ? "-b" : "-m", "boot.img", bootable ? "-no-emul-boot" : "-r",
                         "-o", iso, root, NULL };
  char zeros[2048] = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  g_assert_cmpint (g_mkdir_with_parents (root, 0755), ==, 0);
  g_assert_true (g_file_set_contents (boot, zeros, sizeof zeros, &error));
  /* xorriso comes with the test packages (build-aux/deps.sh); missing, this fails. */
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, &error));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("xorriso failed: %s", err);
  g_assert_cmpint (g_unlink (boot), ==, 0);
  g_assert_cmpint (g_rmdir (root), ==, 0);
  return iso;
}

static GtkWidget *
entry_row (Fixture    *fixture,
           const char *title)
{
  return test_find_titled (fixture->page, ADW_TYPE_ENTRY_ROW, title);
}

static gboolean
complete (Fixture *fixture)
{
  return hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (fixture->page));
}

static void
choose_kind (Fixture    *fixture,
             const char *label)
{
  test_choose (test_find_titled (fixture->page, ADW_TYPE_COMBO_ROW, "_Install From"), label);
}

typedef struct {
  Fixture *fixture;
  GtkWidget *row;
} Settle;

static gboolean
row_settled (gpointer data)
{
  Settle *settle = data;
  GtkWidget *spinner = test_find_widget (settle->row, GTK_TYPE_SPINNER, NULL, NULL);

  return (spinner == NULL || !gtk_widget_get_visible (spinner))
         && (test_field_message (settle->row) != NULL || complete (settle->fixture));
}

/* Types @text into @row and waits until its check has said something or the page is
 * complete. */
static void
type_and_wait (Fixture    *fixture,
               GtkWidget  *row,
               const char *text,
               guint       timeout_ms)
{
  Settle settle = { fixture, row };

  test_type_text (row, text);
  if (!test_wait_for (row_settled, &settle, timeout_ms))
    g_error ("“%s”: no word from the check within %u ms", text, timeout_ms);
}

static const char *const kinds[] = {
  "Local Install Media", "Network Install (URL)", "Existing Disk Image",
  "Cloud Image", "Direct Kernel Boot", "Network Boot (PXE)", "Manual Install",
};

/* Each kind shows its own fields alone and sets the state's source; PXE is offered only
 * on system connections; PXE and manual need nothing more. */
static void
test_kinds (Fixture      *fixture,
            gconstpointer data)
{
  static const struct {
    const char *kind;
    HangarGuestSource source;
    const char *fields[3];
  } cases[] = {
    { "Network Install (URL)", HANGAR_GUEST_SOURCE_URL, { "_URL" } },
    { "Existing Disk Image", HANGAR_GUEST_SOURCE_IMPORT, { "_Disk Image" } },
    { "Cloud Image", HANGAR_GUEST_SOURCE_CLOUD_IMAGE, { "_Base Image" } },
    { "Direct Kernel Boot", HANGAR_GUEST_SOURCE_KERNEL,
      { "_Kernel", "I_nitrd (optional)", "Co_mmand Line" } },
    { "Manual Install", HANGAR_GUEST_SOURCE_MANUAL, { NULL } },
    { "Local Install Media", HANGAR_GUEST_SOURCE_MEDIA, { "_ISO Image" } },
  };
  static const char *const all_fields[] = {
    "_ISO Image", "_URL", "_Disk Image", "_Base Image", "_Kernel", "I_nitrd (optional)",
    "Co_mmand Line",
  };
  GtkWidget *kind_row = test_find_titled (fixture->page, ADW_TYPE_COMBO_ROW, "_Install From");
  g_autoptr(HangarConnection) system = hangar_connection_new ("qemu:///system");
  g_autoptr(HangarCreatorState) system_state = NULL;
  GtkWidget *system_page;

  g_assert_cmpint (hangar_creator_state_get_source (fixture->state), ==, HANGAR_GUEST_SOURCE_MEDIA);
  g_assert_true (gtk_widget_get_visible (entry_row (fixture, "_ISO Image")));
  g_assert_false (complete (fixture));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    g_assert_cmpint (test_combo_offers (kind_row, kinds[i]), ==, !g_str_equal (kinds[i], "Network Boot (PXE)"));
  hangar_test_assert_accessible_names (fixture->window);
  test_save_screenshot (fixture->window, "creator-source-page");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      choose_kind (fixture, cases[i].kind);
      g_assert_cmpint (hangar_creator_state_get_source (fixture->state), ==, cases[i].source);
      for (guint f = 0; f < G_N_ELEMENTS (all_fields); f++)
        {
          gboolean shown = FALSE;

          for (guint k = 0; k < G_N_ELEMENTS (cases[i].fields) && cases[i].fields[k]; k++)
            shown |= g_str_equal (cases[i].fields[k], all_fields[f]);
          if (gtk_widget_is_visible (entry_row (fixture, all_fields[f])) != shown)
            g_error ("%s: “%s” %s", cases[i].kind, all_fields[f], shown ? "hidden" : "shown");
        }
      g_assert_cmpint (complete (fixture), ==, cases[i].source == HANGAR_GUEST_SOURCE_MANUAL);
      hangar_test_assert_accessible_names (fixture->window);
    }

  /* A system connection (not even open: only its address counts) offers PXE. */
  system_state = hangar_creator_state_new (system);
  system_page = g_object_ref_sink (hangar_creator_source_page_new (system_state));
  kind_row = test_find_titled (system_page, ADW_TYPE_COMBO_ROW, "_Install From");
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    g_assert_true (test_combo_offers (kind_row, kinds[i]));
  test_choose (kind_row, "Network Boot (PXE)");
  g_assert_cmpint (hangar_creator_state_get_source (system_state), ==, HANGAR_GUEST_SOURCE_PXE);
  g_assert_true (hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (system_page)));
  test_assert_finalized (system_page);
}

/* The ISO field: every bad path refused beside it; a bootable Debian 11 medium
 * identified (the state's match set), which completes the page; a medium that is not
 * bootable refused with identification's sentence. */
static void
test_iso (Fixture      *fixture,
          gconstpointer data)
{
  GtkWidget *iso = entry_row (fixture, "_ISO Image");
  g_autofree char *text = make_file (fixture, "notes.txt");
  g_autofree char *debian = make_iso (fixture, "Debian 11.5.0 amd64 n", TRUE);
  g_autofree char *plain = make_iso (fixture, "Hangar plain", FALSE);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.iso", NULL);
  HangarGuestSpec *spec = hangar_creator_state_get_spec (fixture->state);

  /* Untouched, the empty field says nothing until Forward asks for the faults. */
  test_assert_field_clean (iso);
  hangar_creator_page_show_faults (HANGAR_CREATOR_PAGE (fixture->page));
  test_assert_field_error (iso, "Enter the path of an install ISO image");
  g_assert_false (complete (fixture));

  type_and_wait (fixture, iso, missing, 5000);
  test_assert_field_error (iso, "does not exist");
  type_and_wait (fixture, iso, fixture->dir, 5000);
  test_assert_field_error (iso, "is a folder");
  type_and_wait (fixture, iso, "/dev/null", 5000);
  test_assert_field_error (iso, "is not a regular file");
  type_and_wait (fixture, iso, "debian.iso", 5000);
  test_assert_field_error (iso, "full path");
  g_assert_false (complete (fixture));
  hangar_test_assert_accessible_names (fixture->window);

  type_and_wait (fixture, iso, text, 20000);
  test_assert_field_error (iso, "as an ISO image");
  type_and_wait (fixture, iso, plain, 20000);
  test_assert_field_error (iso, "not a bootable install medium");
  g_assert_false (complete (fixture));
  g_assert_null (hangar_creator_state_get_match (fixture->state));

  type_and_wait (fixture, iso, debian, 20000);
  test_assert_field_note (iso, "dim-label", "Detected: Debian 11");
  g_assert_nonnull (hangar_creator_state_get_match (fixture->state));
  g_assert_cmpstr (hangar_creator_state_get_match (fixture->state)->short_id, ==, "debian11");
  g_assert_cmpstr (osinfo_product_get_short_id (OSINFO_PRODUCT (hangar_creator_state_get_os (fixture->state))),
                   ==, "debian11");
  g_assert_true (complete (fixture));
  test_save_screenshot (fixture->window, "creator-source-page-iso");

  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture->page), spec);
  g_assert_cmpint (spec->source, ==, HANGAR_GUEST_SOURCE_MEDIA);
  g_assert_cmpstr (spec->media_path, ==, debian);

  /* Another text forgets what was detected. */
  test_type_text (iso, "");
  g_assert_null (hangar_creator_state_get_match (fixture->state));
  test_assert_field_error (iso, "Enter the path");
  g_assert_false (complete (fixture));
}

/* The first button below @row whose tooltip is @tooltip. */
static GtkWidget *
button_with_tooltip (GtkWidget  *row,
                     const char *tooltip)
{
  for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_widget_get_tooltip_text (child), tooltip) == 0)
        return child;
      if ((found = button_with_tooltip (child, tooltip)) != NULL)
        return found;
    }
  return NULL;
}

/* The ISO field's Choose button: its file chooser opens in the folder of the path typed
 * (one that does not exist) and picks the bootable Debian 11 medium there (ISO images
 * only), which lands in the field, is checked and identified. */
static void
test_browse (Fixture      *fixture,
             gconstpointer data)
{
  GtkWidget *iso = entry_row (fixture, "_ISO Image");
  GtkWidget *browse = button_with_tooltip (iso, "Choose an ISO Image");
  g_autofree char *debian = make_iso (fixture, "Debian 11.5.0 amd64 n", TRUE);
  GtkWidget *dialog;
  g_autofree char *missing = g_build_filename (fixture->dir, "debian-11.iso", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (fixture->dir);

  g_assert_nonnull (browse);
  type_and_wait (fixture, iso, missing, 5000);
  test_assert_field_error (iso, "does not exist");
  dialog = test_file_chooser_open (browse, folder);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "Choose an ISO Image");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
  test_file_chooser_accept (dialog, debian, "ISO Images");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (iso)), ==, debian);
  if (!test_wait_for (row_settled, &(Settle) { fixture, iso }, 20000))
    g_error ("%s: no word from the check within 20 s", debian);
  test_assert_field_note (iso, "dim-label", "Detected: Debian 11");
  g_assert_true (complete (fixture));
}

/* The file fields of the other kinds, checked as the ISO's; the answers applied. */
static void
test_files (Fixture      *fixture,
            gconstpointer data)
{
  g_autofree char *disk = make_file (fixture, "disk.qcow2");
  g_autofree char *kernel = make_file (fixture, "vmlinuz");
  g_autofree char *initrd = make_file (fixture, "initrd.img");
  g_autofree char *missing = g_build_filename (fixture->dir, "missing", NULL);
  HangarGuestSpec *spec = hangar_creator_state_get_spec (fixture->state);
  GtkWidget *row;

  choose_kind (fixture, "Existing Disk Image");
  row = entry_row (fixture, "_Disk Image");
  type_and_wait (fixture, row, missing, 5000);
  test_assert_field_error (row, "does not exist");
  g_assert_false (complete (fixture));
  type_and_wait (fixture, row, disk, 5000);
  g_assert_null (test_field_message (row));
  g_assert_true (complete (fixture));
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture->page), spec);
  g_assert_cmpint (spec->source, ==, HANGAR_GUEST_SOURCE_IMPORT);
  g_assert_cmpstr (spec->disk_path, ==, disk);
  g_assert_cmpint (spec->disk, ==, HANGAR_GUEST_SPEC_DISK_EXISTING);

  choose_kind (fixture, "Cloud Image");
  row = entry_row (fixture, "_Base Image");
  g_assert_false (complete (fixture));
  type_and_wait (fixture, row, fixture->dir, 5000);
  test_assert_field_error (row, "is a folder");
  type_and_wait (fixture, row, disk, 5000);
  g_assert_true (complete (fixture));
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture->page), spec);
  g_assert_cmpint (spec->source, ==, HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  g_assert_cmpstr (spec->base_image, ==, disk);

  choose_kind (fixture, "Direct Kernel Boot");
  row = entry_row (fixture, "_Kernel");
  g_assert_false (complete (fixture));
  hangar_creator_page_show_faults (HANGAR_CREATOR_PAGE (fixture->page));
  test_assert_field_error (row, "Enter the path of the kernel");
  type_and_wait (fixture, row, kernel, 5000);
  g_assert_true (complete (fixture));   /* the initrd may stay empty */
  type_and_wait (fixture, entry_row (fixture, "I_nitrd (optional)"), missing, 5000);
  test_assert_field_error (entry_row (fixture, "I_nitrd (optional)"), "does not exist");
  g_assert_false (complete (fixture));
  type_and_wait (fixture, entry_row (fixture, "I_nitrd (optional)"), initrd, 5000);
  g_assert_true (complete (fixture));
  test_type_text (entry_row (fixture, "Co_mmand Line"), "console=ttyS0");
  hangar_test_assert_accessible_names (fixture->window);
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture->page), spec);
  g_assert_cmpint (spec->source, ==, HANGAR_GUEST_SOURCE_KERNEL);
  g_assert_cmpstr (spec->kernel, ==, kernel);
  g_assert_cmpstr (spec->initrd, ==, initrd);
  g_assert_cmpstr (spec->cmdline, ==, "console=ttyS0");
}

/* Makes the process's real user @uid (the one access(2) answers for) and leaves its
 * effective user as it is: root stays able to read the test's folders while GIO's
 * "can read" speaks for @uid. */
static void
set_real_user (uid_t uid)
{
  g_assert_cmpint (setresuid (uid, -1, -1), ==, 0);
}

/* Each file field: a missing file, and a file this process cannot read (mode 000, read
 * as "nobody" when the test runs as root), refused beside it with what to do, before
 * anything looks at QEMU's access. */
static void
test_unreadable (Fixture      *fixture,
                 gconstpointer data)
{
  static const struct {
    const char *kind;
    const char *title;
  } fields[] = {
    { "Local Install Media", "_ISO Image" },
    { "Existing Disk Image", "_Disk Image" },
    { "Cloud Image", "_Base Image" },
    { "Direct Kernel Boot", "_Kernel" },
    { "Direct Kernel Boot", "I_nitrd (optional)" },
  };
  g_autofree char *locked = make_file (fixture, "locked.img");
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.img", NULL);
  uid_t uid = getuid ();

  g_assert_cmpint (g_chmod (locked, 0), ==, 0);
  /* Others may pass the folder: only the file is closed. */
  g_assert_cmpint (g_chmod (fixture->dir, 0711), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      GtkWidget *row;

      choose_kind (fixture, fields[i].kind);
      row = entry_row (fixture, fields[i].title);
      type_and_wait (fixture, row, missing, 5000);
      test_assert_field_error (row, "missing.img” does not exist. Check the path.");
      g_assert_false (complete (fixture));

      if (uid == 0)
        set_real_user (65534);
      test_type_text (row, locked);
      if (!test_wait_for (row_settled, &(Settle) { fixture, row }, 5000))
        g_error ("%s: no word on %s within 5 s", fields[i].title, locked);
      if (uid == 0)
        set_real_user (0);
      test_assert_field_error (row, "locked.img”. Check its permissions, or choose another file.");
      test_assert_field_error (row, "You cannot read “");
      g_assert_false (complete (fixture));
      g_assert_false (gtk_widget_get_visible (test_find_titled (row, GTK_TYPE_BUTTON, "_Fix Permission")));
      hangar_test_assert_accessible_names (fixture->window);
      test_type_text (row, "");
    }
  g_assert_cmpint (g_chmod (fixture->dir, 0700), ==, 0);
}

/* A URL field: not a web address; an address where nothing answers (a port nobody
 * listens on) and a web server's folder without .treeinfo refused with
 * identification's sentence; a Fedora 37 tree served on 127.0.0.1 detected, which
 * completes the page and is applied. */
static void
test_url (Fixture      *fixture,
          gconstpointer data)
{
  GtkWidget *row;
  HangarGuestSpec *spec = hangar_creator_state_get_spec (fixture->state);
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  guint16 port;

  /* A port that was free a moment ago and is closed again: nothing answers there. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  url = g_strdup_printf ("http://127.0.0.1:%u/fedora/", port);

  choose_kind (fixture, "Network Install (URL)");
  row = entry_row (fixture, "_URL");
  hangar_creator_page_show_faults (HANGAR_CREATOR_PAGE (fixture->page));
  test_assert_field_error (row, "Enter the URL");
  test_type_text (row, "fedora mirror");
  test_assert_field_error (row, "is not a web address");
  g_assert_false (complete (fixture));

  type_and_wait (fixture, row, url, 30000);
  test_assert_field_error (row, "is not a distribution tree");
  g_assert_false (complete (fixture));
  hangar_test_assert_accessible_names (fixture->window);

  /* A web server that answers, with a page but no tree. */
  {
    g_autofree char *index = g_build_filename (fixture->dir, "index.html", NULL);
    g_autofree char *treeinfo = g_build_filename (fixture->dir, ".treeinfo", NULL);
    g_autofree char *served = NULL;
    g_autofree char *expected = NULL;
    GSubprocess *server;

    g_assert_true (g_file_set_contents (index, "<html><body>mirror</body></html>", -1, NULL));
    server = test_http_serve (fixture->dir, &served);
    type_and_wait (fixture, row, served, 30000);
    expected = g_strdup_printf ("“%s” is not a distribution tree", served);
    test_assert_field_error (row, expected);
    test_assert_field_error (row, "Give the URL of a directory that holds a .treeinfo file, or of Debian’s or Ubuntu’s installer");
    g_assert_false (complete (fixture));
    g_assert_null (hangar_creator_state_get_match (fixture->state));

    /* The same server once the folder is a Fedora 37 tree. */
    g_assert_true (g_file_set_contents (treeinfo, TEST_FEDORA_TREEINFO, -1, NULL));
    test_type_text (row, "");
    type_and_wait (fixture, row, served, 30000);
    test_assert_field_note (row, "dim-label", "Detected: Fedora Linux 37");
    g_assert_cmpstr (hangar_creator_state_get_match (fixture->state)->short_id, ==, "fedora37");
    g_assert_true (complete (fixture));
    hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture->page), spec);
    g_assert_cmpint (spec->source, ==, HANGAR_GUEST_SOURCE_URL);
    g_assert_cmpstr (spec->tree_url, ==, served);

    /* Debian's installer directory on the same mirror: no .treeinfo; bookworm is newer
     * than the database, whose newest Debian is suggested. */
    {
      g_autofree char *images = g_build_filename (fixture->dir, "debian", "dists", "bookworm", "main",
                                                  "installer-amd64", "current", "images", NULL);
      g_autofree char *manifest = g_build_filename (images, "MANIFEST", NULL);
      g_autofree char *debian = g_strconcat (served, "debian/dists/bookworm/main/installer-amd64/", NULL);
      const HangarOsMatch *match;

      g_assert_cmpint (g_mkdir_with_parents (images, 0700), ==, 0);
      g_assert_true (g_file_set_contents (manifest, "netboot/debian-installer/amd64\n", -1, NULL));
      test_type_text (row, "");
      type_and_wait (fixture, row, debian, 30000);
      match = hangar_creator_state_get_match (fixture->state);
      g_assert_nonnull (match);
      g_assert_true (match->from_family_guess);
      g_assert_cmpstr (osinfo_os_get_distro (match->os), ==, "debian");
      {
        g_autofree char *note = g_strdup_printf ("Suggested: %s (not recognised for sure)", match->name);

        test_assert_field_note (row, "dim-label", note);
      }
      test_save_screenshot (fixture->window, "creator-source-page-debian-tree");
      g_assert_true (complete (fixture));
      g_unlink (manifest);
      for (int i = 0; i < 7; i++)
        {
          char *slash = strrchr (images, '/');

          g_assert_cmpint (g_rmdir (images), ==, 0);
          *slash = '\0';
        }
    }
    test_http_stop (server);
  }
}

static GtkWidget *
combo_row (Fixture    *fixture,
           const char *title)
{
  return test_find_titled (fixture->page, ADW_TYPE_COMBO_ROW, title);
}

/* The strings a combo row offers, joined with spaces. */
static char *
offered (GtkWidget *row)
{
  GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (row));
  g_autoptr(GString) all = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      g_string_append_printf (all, "%s%s", i > 0 ? " " : "", gtk_string_object_get_string (item));
    }
  return g_string_free (g_steal_pointer (&all), FALSE);
}

static gboolean
cdrom_read (gpointer data)
{
  Fixture *fixture = data;
  GtkLabel *message = test_field_message (combo_row (fixture, "_CD-ROM Drive"));

  return message != NULL && strstr (gtk_label_get_text (message), "…") == NULL;
}

/* The host's CD-ROM drives are libvirt's node devices of drive type cdrom
 * (tests/data/cdrom-host.xml: /dev/sr1, a hard disk, /dev/sr0), sorted; the one chosen
 * becomes the guest's CD-ROM, a block device, in the definition the creator builds,
 * which the driver takes. */
static void
test_cdrom (Fixture      *fixture,
            gconstpointer data)
{
  GtkWidget *drive = combo_row (fixture, "_CD-ROM Drive");
  HangarGuestSpec *spec = hangar_creator_state_get_spec (fixture->state);
  virConnectPtr conn = test_raw_connection (fixture->connection);
  g_autofree char *drives = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *defined = NULL;
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  /* The one disk: the drive, as a read-only CD-ROM that boots first. */
  const char *expected[][2] = {
    { "count(/domain/devices/disk)", "1" },
    { "string(/domain/devices/disk/@device)", "cdrom" },
    { "string(/domain/devices/disk/@type)", "block" },
    { "string(/domain/devices/disk/source/@dev)", "/dev/sr1" },
    { "count(/domain/devices/disk/readonly)", "1" },
    { "string(/domain/os/boot[1]/@dev)", "cdrom" },
  };
  virDomainPtr guest;

  g_assert_true (test_combo_offers (combo_row (fixture, "_Medium"), "CD-ROM Drive"));
  test_choose (combo_row (fixture, "_Medium"), "CD-ROM Drive");
  g_assert_false (gtk_widget_get_visible (entry_row (fixture, "_ISO Image")));
  if (!test_wait_for (cdrom_read, fixture, 20000))
    g_error ("the drives were not listed and read within 20 s");
  g_assert_true (gtk_widget_get_visible (drive));
  drives = offered (drive);
  g_assert_cmpstr (drives, ==, "/dev/sr0 /dev/sr1");
  /* No disc can be read here (the drives are the driver's): the OS is asked next. */
  test_assert_field_note (drive, "dim-label", "Could not read a disc in /dev/sr0. If one is in the drive, choose its operating system on the next page.");
  g_assert_true (complete (fixture));
  hangar_test_assert_accessible_names (fixture->window);
  test_save_screenshot (fixture->window, "creator-source-page-cdrom");

  test_choose (drive, "/dev/sr1");
  if (!test_wait_for (cdrom_read, fixture, 20000))
    g_error ("/dev/sr1 was not read within 20 s");
  g_assert_true (complete (fixture));
  hangar_creator_page_apply (HANGAR_CREATOR_PAGE (fixture->page), spec);
  g_assert_cmpint (spec->source, ==, HANGAR_GUEST_SOURCE_MEDIA);
  g_assert_cmpstr (spec->media_path, ==, "/dev/sr1");

  /* The rest of a guest, as the later pages would give it. */
  spec->name = g_strdup ("cdrom-guest");
  spec->memory = G_GUINT64_CONSTANT (512) << 20;
  spec->vcpus = 1;
  spec->disk = HANGAR_GUEST_SPEC_DISK_NONE;
  spec->network = HANGAR_GUEST_SPEC_NETWORK_NONE;
  g_assert_true (hangar_guest_spec_fill_host (spec, fixture->connection, &error));
  g_assert_no_error (error);
  domain = hangar_domain_builder_build (spec, HANGAR_DOMAIN_PHASE_INSTALL, &error);
  g_assert_no_error (error);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  guest = virDomainDefineXML (conn, xml);
  if (guest == NULL)
    g_error ("the test driver refused the definition: %s\n%s", virGetLastErrorMessage (), xml);
  defined = virDomainGetXMLDesc (guest, VIR_DOMAIN_XML_INACTIVE);
  g_assert_cmpint (virDomainUndefine (guest), ==, 0);
  virDomainFree (guest);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *value = test_xpath (defined, expected[i][0]);

      if (g_strcmp0 (value, expected[i][1]) != 0)
        g_error ("%s is “%s”, not “%s”, in:\n%s", expected[i][0], value, expected[i][1], defined);
    }
}

/* test:///default has no CD-ROM drive: the page says so instead of an empty list, and
 * is not complete; the ISO medium is still there. */
static void
test_no_cdrom (Fixture      *fixture,
               gconstpointer data)
{
  GtkWidget *drive = combo_row (fixture, "_CD-ROM Drive");
  TestFieldSays none = { drive, "This host has no CD-ROM drive." };

  test_choose (combo_row (fixture, "_Medium"), "CD-ROM Drive");
  if (!test_wait_for (test_field_says, &none, 20000))
    g_error ("no word that the host has no drive within 20 s");
  test_assert_field_error (drive, "This host has no CD-ROM drive. Choose another install source.");
  g_assert_false (gtk_widget_get_visible (drive));
  g_assert_false (complete (fixture));
  hangar_test_assert_accessible_names (fixture->window);

  test_choose (combo_row (fixture, "_Medium"), "ISO Image File");
  g_assert_true (gtk_widget_get_visible (entry_row (fixture, "_ISO Image")));
  g_assert_null (test_field_message (drive));
}

/* The final check's error about the source comes back to its field. */
static void
test_show_error (Fixture      *fixture,
                 gconstpointer data)
{
  g_autoptr(GError) source = g_error_new_literal (HANGAR_GUEST_SPEC_ERROR,
                                                  HANGAR_GUEST_SPEC_ERROR_SOURCE,
                                                  "The host cannot read the medium.");
  g_autoptr(GError) name = g_error_new_literal (HANGAR_GUEST_SPEC_ERROR,
                                                HANGAR_GUEST_SPEC_ERROR_NAME, "Bad name.");

  g_assert_false (hangar_creator_page_show_error (HANGAR_CREATOR_PAGE (fixture->page), name));
  g_assert_true (hangar_creator_page_show_error (HANGAR_CREATOR_PAGE (fixture->page), source));
  test_assert_field_error (entry_row (fixture, "_ISO Image"), "The host cannot read the medium.");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/creator-source-page/kinds", Fixture, NULL, fixture_set_up, test_kinds,
              fixture_tear_down);
  g_test_add ("/creator-source-page/iso", Fixture, NULL, fixture_set_up, test_iso,
              fixture_tear_down);
  g_test_add ("/creator-source-page/browse", Fixture, NULL, fixture_set_up, test_browse,
              fixture_tear_down);
  g_test_add ("/creator-source-page/files", Fixture, NULL, fixture_set_up, test_files,
              fixture_tear_down);
  g_test_add ("/creator-source-page/cdrom", Fixture, "cdrom-host.xml", fixture_set_up,
              test_cdrom, fixture_tear_down);
  g_test_add ("/creator-source-page/no-cdrom", Fixture, NULL, fixture_set_up, test_no_cdrom,
              fixture_tear_down);
  g_test_add ("/creator-source-page/unreadable", Fixture, NULL, fixture_set_up, test_unreadable,
              fixture_tear_down);
  g_test_add ("/creator-source-page/url", Fixture, NULL, fixture_set_up, test_url,
              fixture_tear_down);
  g_test_add ("/creator-source-page/show-error", Fixture, NULL, fixture_set_up,
              test_show_error, fixture_tear_down);
  return g_test_run ();
}
