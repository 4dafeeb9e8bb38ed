// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-file-access"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "hangar-file-access.h"
#include "test-access-util.h"
#include "test-core-util.h"

/* hangar-file-access on real files and real users: what it says a user can read is
 * checked against the kernel, by a child process that becomes that user and opens the
 * file. Acting as another user needs root, as build-aux/test runs the tests. */

#define NOBODY 65534
#define NOGROUP 65534
#define DAEMON 1

static char *
make_file (const char *dir,
           const char *name,
           int         mode)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "install medium\n", -1, &error));
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
  return path;
}

/* A file in a 0700 folder: nobody is stopped at the folder and at the file; the fix
 * lets nobody in, and nobody alone. */
static void
test_denied_then_granted (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hangar-access-XXXXXX", NULL);
  g_autofree char *file = NULL;
  g_auto(GStrv) denied = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
  file = make_file (dir, "media.iso", 0600);
  g_assert_cmpint (test_open_as (file, NOBODY, NOGROUP), ==, EACCES);

  denied = hangar_file_access_find_denied (file, NOBODY, NOGROUP, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (denied), ==, 2);
  g_assert_cmpstr (denied[0], ==, dir);
  g_assert_cmpstr (denied[1], ==, file);
  g_clear_pointer (&denied, g_strfreev);

  g_assert_true (hangar_file_access_grant (file, NOBODY, NOGROUP, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_open_as (file, NOBODY, NOGROUP), ==, 0);
  denied = hangar_file_access_find_denied (file, NOBODY, NOGROUP, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (denied), ==, 0);

  /* An ACL entry for nobody, not wider modes: daemon is still kept out. */
  g_assert_cmpint (test_open_as (file, DAEMON, DAEMON), ==, EACCES);
  g_clear_pointer (&denied, g_strfreev);
  denied = hangar_file_access_find_denied (file, DAEMON, DAEMON, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (denied), ==, 2);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07, ==, 0);

  g_assert_cmpint (g_unlink (file), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Group permissions count: a folder and file of group nogroup, open to the group. A
 * file only others may read is not readable by its group (the group entry decides). */
static void
test_group (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hangar-access-XXXXXX", NULL);
  g_autofree char *file = NULL;
  g_autofree char *others = NULL;
  g_auto(GStrv) denied = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (chown (dir, 0, NOGROUP), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0710), ==, 0);
  file = make_file (dir, "kernel", 0640);
  g_assert_cmpint (chown (file, 0, NOGROUP), ==, 0);
  others = make_file (dir, "initrd", 0604);
  g_assert_cmpint (chown (others, 0, NOGROUP), ==, 0);

  g_assert_cmpint (test_open_as (file, NOBODY, NOGROUP), ==, 0);
  denied = hangar_file_access_find_denied (file, NOBODY, NOGROUP, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (denied), ==, 0);
  g_clear_pointer (&denied, g_strfreev);

  g_assert_cmpint (test_open_as (others, NOBODY, NOGROUP), ==, EACCES);
  denied = hangar_file_access_find_denied (others, NOBODY, NOGROUP, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (denied), ==, 1);
  g_assert_cmpstr (denied[0], ==, others);
  g_clear_pointer (&denied, g_strfreev);

  /* daemon is not in the group: the folder stops it. */
  denied = hangar_file_access_find_denied (file, DAEMON, DAEMON, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (denied[0], ==, dir);
  g_assert_cmpint (test_open_as (file, DAEMON, DAEMON), ==, EACCES);

  g_assert_cmpint (g_unlink (file), ==, 0);
  g_assert_cmpint (g_unlink (others), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) denied = NULL;

  denied = hangar_file_access_find_denied ("/nonexistent/hangar.iso", NOBODY, NOGROUP, &error);
  g_assert_null (denied);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "does not exist"));
}

/* The DAC base label of libvirt's host capabilities, as libvirtd 9.0 writes it. */
static void
test_parse_label (void)
{
  static const char caps[] =
    "<capabilities><host><uuid>0</uuid>"
    "<secmodel><model>apparmor</model><doi>0</doi></secmodel>"
    "<secmodel><model>dac</model><doi>0</doi>"
    "<baselabel type='kvm'>+64055:+994</baselabel>"
    "<baselabel type='qemu'>+64056:+995</baselabel></secmodel>"
    "</host></capabilities>";
  static const char qemu_only[] =
    "<capabilities><host><secmodel><model>dac</model><doi>0</doi>"
    "<baselabel type='qemu'>+107:+107</baselabel></secmodel></host></capabilities>";
  static const char none[] =
    "<capabilities><host><secmodel><model>none</model></secmodel></host></capabilities>";
  g_autoptr(GError) error = NULL;
  uid_t uid = 0;
  gid_t gid = 0;

  g_assert_true (hangar_file_access_parse_label (caps, &uid, &gid, &error));
  g_assert_cmpuint (uid, ==, 64055);
  g_assert_cmpuint (gid, ==, 994);
  g_assert_true (hangar_file_access_parse_label (qemu_only, &uid, &gid, &error));
  g_assert_cmpuint (uid, ==, 107);
  g_assert_cmpuint (gid, ==, 107);
  g_assert_false (hangar_file_access_parse_label (none, &uid, &gid, &error));
  g_assert_error (error, HANGAR_FILE_ACCESS_ERROR, HANGAR_FILE_ACCESS_ERROR_FAILED);
}

static void
test_applies (void)
{
  static const struct {
    const char *uri;
    gboolean applies;
  } cases[] = {
    { "qemu:///system", TRUE },
    { "qemu+unix:///system", TRUE },
    { "qemu:///session", FALSE },
    { "qemu+ssh://root@host.example/system", FALSE },
    { "test:///default", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HangarConnection) connection = hangar_connection_new (cases[i].uri);

      g_assert_cmpint (hangar_file_access_applies (connection), ==, cases[i].applies);
    }
}

/* Where the check does not apply, a file QEMU could not read passes without a
 * question to the host. */
static void
test_check_not_applying (void)
{
  g_autoptr(HangarConnection) connection = test_open_connection ("test:///default");
  g_autofree char *dir = g_dir_make_tmp ("hangar-access-XXXXXX", NULL);
  g_autofree char *file = make_file (dir, "media.iso", 0600);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  hangar_file_access_check_async (connection, file, NULL, test_on_result_cb, &result);
  g_assert_true (test_wait_for (test_has_result, &result, 5000));
  g_assert_true (hangar_file_access_check_finish (result, &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_unlink (file), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Becoming nobody to check the kernel's answer needs root. */
  if (getuid () != 0)
    g_error ("test-file-access must run as root (build-aux/test does) to act as other users");

  g_test_add_func ("/file-access/denied-then-granted", test_denied_then_granted);
  g_test_add_func ("/file-access/group", test_group);
  g_test_add_func ("/file-access/missing", test_missing);
  g_test_add_func ("/file-access/parse-label", test_parse_label);
  g_test_add_func ("/file-access/applies", test_applies);
  g_test_add_func ("/file-access/check-not-applying", test_check_not_applying);
  return g_test_run ();
}
