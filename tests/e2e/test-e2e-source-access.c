// SPDX-License-Identifier: GPL-3.0-or-later

/* The Install Source page on the real libvirtd (qemu:///system) under Xvfb: an install
 * ISO in a 0700 folder is refused beside the field because QEMU's user cannot reach it;
 * Fix Permission lets that user in (checked by the kernel: a child process that becomes
 * the user of the host's DAC label opens the file), and the medium is then identified.
 * The same for the other files a source names — the disk image to import, the cloud
 * image, direct boot's kernel and initrd — each at its own field. */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <libvirt/libvirt.h>

#include "e2e-guest.h"
#include "e2e-virt.h"
#include "hangar-core.h"
#include "hangar-creator-source-page.h"
#include "hangar-creator-state.h"
#include "test-access-util.h"
#include "test-core-util.h"
#include "test-wizard-util.h"

static const char *uri;

/* The user and group of the DAC base label in the host's capabilities, read here with a
 * regular expression (not through the code under test). */
static void
qemu_user (uid_t *uid,
           gid_t *gid)
{
  virConnectPtr conn = virConnectOpen (uri);
  g_autofree char *caps = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("<baselabel type='(kvm|qemu)'>\\+(\\d+):\\+(\\d+)</baselabel>",
                                         0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *u = NULL;
  g_autofree char *g = NULL;

  e2e_assert (conn != NULL, "cannot open %s: %s", uri, e2e_virt_error ());
  caps = virConnectGetCapabilities (conn);
  virConnectClose (conn);
  e2e_assert (caps != NULL && g_regex_match (regex, caps, 0, &match),
              "the host's capabilities name no DAC base label");
  u = g_match_info_fetch (match, 2);
  g = g_match_info_fetch (match, 3);
  *uid = atoi (u);
  *gid = atoi (g);
}

static char *
make_debian_iso (const char *dir)
{
  g_autofree char *root = g_build_filename (dir, "root", NULL);
  g_autofree char *boot = g_build_filename (root, "boot.img", NULL);
  char *iso = g_build_filename (dir, "debian.iso", NULL);
  const char *argv[] = { "xorriso", "-as", "mkisofs", "-quiet", "-V", "Debian 11.5.0 amd64 n",
                         "-b", "boot.img", "-no-emul-boot", "-o", iso, root, NULL };
  char zeros[2048] = { 0 };
  int status = 0;

  e2e_assert (g_mkdir (root, 0755) == 0, "cannot make %s", root);
  e2e_assert (g_file_set_contents (boot, zeros, sizeof zeros, NULL), "cannot write %s", boot);
  e2e_assert (g_spawn_sync (NULL, (char **) argv, NULL,
                            G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                            | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
              && g_spawn_check_wait_status (status, NULL), "xorriso failed");
  g_unlink (boot);
  g_rmdir (root);
  e2e_assert (g_chmod (iso, 0600) == 0, "cannot chmod %s", iso);
  return iso;
}

/* The Install Source page alone in a window (returned with a reference) on the system
 * connection, which the page's state holds. */
static GtkWidget *
open_page (GtkWidget **page)
{
  g_autoptr(HangarConnection) connection = test_open_connection (uri);
  g_autoptr(HangarCreatorState) state = hangar_creator_state_new (connection);
  GtkWidget *window = g_object_ref (gtk_window_new ());

  *page = hangar_creator_source_page_new (state);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 700);
  gtk_window_set_child (GTK_WINDOW (window), *page);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
test_fix_permission (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hangar-e2e-access-XXXXXX", NULL);
  g_autofree char *iso = NULL;
  GtkWidget *window, *page, *row, *fix;
  TestFieldSays denied, detected;
  uid_t uid;
  gid_t gid;

  e2e_cleanup_path (dir);
  e2e_assert (g_chmod (dir, 0700) == 0, "cannot chmod %s", dir);
  iso = make_debian_iso (dir);
  qemu_user (&uid, &gid);
  e2e_assert (test_open_as (iso, uid, gid) == EACCES, "QEMU's user could read %s already", iso);

  window = open_page (&page);

  row = test_find_titled (page, ADW_TYPE_ENTRY_ROW, "_ISO Image");
  fix = test_find_titled (row, GTK_TYPE_BUTTON, "_Fix Permission");
  e2e_assert (!gtk_widget_get_visible (fix), "Fix Permission shows before any file");
  test_type_text (row, iso);
  denied = (TestFieldSays) { row, "QEMU runs as" };
  e2e_assert (e2e_wait_for (test_field_says, &denied, 20000), "no word on QEMU's access to %s", iso);
  test_assert_field_error (row, "cannot open the folder");
  e2e_assert (gtk_widget_get_visible (fix), "Fix Permission is not offered");
  e2e_assert (!hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (page)),
              "the page is complete with a file QEMU cannot read");

  test_click (fix);
  detected = (TestFieldSays) { row, "Detected: Debian 11" };
  e2e_assert (e2e_wait_for (test_field_says, &detected, 30000), "the medium was not identified after the fix");
  e2e_assert (!gtk_widget_get_visible (fix), "Fix Permission still shows");
  e2e_assert (hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (page)),
              "the page is not complete after the fix");
  e2e_assert (test_open_as (iso, uid, gid) == 0, "QEMU's user still cannot read %s", iso);
  /* The fix is for that user alone. */
  e2e_assert (test_open_as (iso, 1, 1) == EACCES, "daemon can read %s", iso);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  g_unlink (iso);
  g_rmdir (dir);
  e2e_cleanup_path_done (dir);
}

typedef struct {
  GtkWidget *page;
  GtkWidget *row;
} Clean;

/* The field says nothing and the page can go on. */
static gboolean
field_clean (gpointer data)
{
  Clean *clean = data;

  return test_field_message (clean->row) == NULL
         && hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (clean->page));
}

/* Each file field of the other sources, in one 0700 folder of files 0600: the first
 * one is stopped at the folder, and once Fix Permission let QEMU's user in there, each
 * of the others at its file; Fix Permission makes each readable to that user (the
 * kernel's word) and the page complete, and to no one else. */
static void
test_fix_each_field (void)
{
  static const struct {
    const char *kind;
    const char *title;
    const char *file;
    const char *denied;
  } fields[] = {
    { "Existing Disk Image", "_Disk Image", "disk.qcow2", "cannot open the folder" },
    { "Cloud Image", "_Base Image", "base.qcow2", "cannot read this file" },
    { "Direct Kernel Boot", "_Kernel", "vmlinuz", "cannot read this file" },
    { "Direct Kernel Boot", "I_nitrd (optional)", "initrd.img", "cannot read this file" },
  };
  g_autofree char *dir = g_dir_make_tmp ("hangar-e2e-access-XXXXXX", NULL);
  GtkWidget *window, *page;
  uid_t uid;
  gid_t gid;

  e2e_cleanup_path (dir);
  e2e_assert (g_chmod (dir, 0700) == 0, "cannot chmod %s", dir);
  qemu_user (&uid, &gid);
  window = open_page (&page);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *path = g_build_filename (dir, fields[i].file, NULL);
      GtkWidget *row, *fix;
      TestFieldSays denied;
      Clean clean;

      e2e_assert (g_file_set_contents (path, "not much\n", -1, NULL), "cannot write %s", path);
      e2e_assert (g_chmod (path, 0600) == 0, "cannot chmod %s", path);
      e2e_assert (test_open_as (path, uid, gid) == EACCES, "QEMU's user could read %s already",
                  path);
      test_choose (test_find_titled (page, ADW_TYPE_COMBO_ROW, "_Install From"), fields[i].kind);
      row = test_find_titled (page, ADW_TYPE_ENTRY_ROW, fields[i].title);
      fix = test_find_titled (row, GTK_TYPE_BUTTON, "_Fix Permission");
      e2e_assert (!gtk_widget_get_visible (fix), "%s: Fix Permission shows before any file",
                  fields[i].title);
      test_type_text (row, path);
      denied = (TestFieldSays) { row, "QEMU runs as" };
      e2e_assert (e2e_wait_for (test_field_says, &denied, 20000), "%s: no word on QEMU's access to %s",
                  fields[i].title, path);
      test_assert_field_error (row, fields[i].denied);
      e2e_assert (gtk_widget_get_visible (fix), "%s: Fix Permission is not offered",
                  fields[i].title);
      e2e_assert (!hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (page)),
                  "%s: the page is complete with a file QEMU cannot read", fields[i].title);
      if (i == 0)
        test_save_screenshot (window, "e2e-source-access-disk");

      test_click (fix);
      clean = (Clean) { page, row };
      e2e_assert (e2e_wait_for (field_clean, &clean, 20000), "%s: still refused after the fix",
                  fields[i].title);
      e2e_assert (!gtk_widget_get_visible (fix), "%s: Fix Permission still shows",
                  fields[i].title);
      e2e_assert (test_open_as (path, uid, gid) == 0, "QEMU's user still cannot read %s", path);
      e2e_assert (test_open_as (path, 1, 1) == EACCES, "daemon can read %s", path);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *path = g_build_filename (dir, fields[i].file, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
  e2e_cleanup_path_done (dir);
}

static gboolean
run_chattr (const char *flag,
            const char *path)
{
  const char *argv[] = { "chattr", flag, path, NULL };
  int status = -1;

  return g_spawn_sync (NULL, (char **) argv, NULL,
                       G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
}

/* A fix that cannot be made — the file is immutable (chattr +i), so not even root may
 * change its ACL — is said at the field with the system's reason and what to do
 * instead; Fix Permission is offered again and the page stays incomplete. */
static void
test_fix_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hangar-e2e-access-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "disk.qcow2", NULL);
  GtkWidget *window, *page, *row, *fix;
  TestFieldSays denied, refused;
  gboolean said;
  uid_t uid;
  gid_t gid;

  e2e_cleanup_path (dir);
  e2e_assert (g_file_set_contents (path, "not much\n", -1, NULL), "cannot write %s", path);
  e2e_assert (g_chmod (path, 0600) == 0, "cannot chmod %s", path);
  qemu_user (&uid, &gid);
  e2e_assert (test_open_as (path, uid, gid) == EACCES, "QEMU's user could read %s already", path);
  /* chattr comes with e2fsprogs; /tmp is ext4 here. */
  e2e_assert (run_chattr ("+i", path), "cannot make %s immutable", path);

  window = open_page (&page);
  test_choose (test_find_titled (page, ADW_TYPE_COMBO_ROW, "_Install From"), "Existing Disk Image");
  row = test_find_titled (page, ADW_TYPE_ENTRY_ROW, "_Disk Image");
  fix = test_find_titled (row, GTK_TYPE_BUTTON, "_Fix Permission");
  test_type_text (row, path);
  denied = (TestFieldSays) { row, "QEMU runs as" };
  said = e2e_wait_for (test_field_says, &denied, 20000);
  if (said)
    {
      test_click (fix);
      refused = (TestFieldSays) { row, "Could not change the permissions of" };
      said = e2e_wait_for (test_field_says, &refused, 20000);
    }
  e2e_assert (run_chattr ("-i", path), "cannot make %s mutable again", path);
  e2e_assert (said, "no word that the fix of %s failed", path);
  test_assert_field_error (row, "Operation not permitted. Move the file to a folder QEMU can read instead.");
  e2e_assert (gtk_widget_get_visible (fix), "Fix Permission is not offered again");
  e2e_assert (!hangar_creator_page_get_complete (HANGAR_CREATOR_PAGE (page)),
              "the page is complete after a failed fix");
  e2e_assert (test_open_as (path, uid, gid) == EACCES, "QEMU's user can read %s", path);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  g_unlink (path);
  g_rmdir (dir);
  e2e_cleanup_path_done (dir);
}

int
main (int   argc,
      char *argv[])
{
  e2e_gtk_test_init (&argc, &argv);
  adw_init ();
  hangar_core_init ();
  uri = g_getenv ("HANGAR_TEST_LIBVIRT_URI");
  if (uri == NULL || !g_str_equal (uri, "qemu:///system"))
    g_error ("HANGAR_TEST_LIBVIRT_URI must be qemu:///system (build-aux/test sets it): QEMU "
             "runs as another user only there");

  g_test_add_func ("/e2e-source-access/fix-permission", test_fix_permission);
  g_test_add_func ("/e2e-source-access/fix-each-field", test_fix_each_field);
  g_test_add_func ("/e2e-source-access/fix-refused", test_fix_refused);
  return g_test_run ();
}
