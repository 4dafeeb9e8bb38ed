// SPDX-License-Identifier: GPL-3.0-or-later
#define _GNU_SOURCE /* unshare () */
#define G_LOG_DOMAIN "e2e-tls"

#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "e2e-tls.h"

char *
e2e_tls_enter_private_pki (void)
{
  struct passwd *pw = getpwuid (getuid ());

  if (pw == NULL || pw->pw_dir == NULL || g_strcmp0 (pw->pw_dir, "/") == 0)
    g_error ("The user has no home directory of its own for ~/.pki");
  if (unshare (CLONE_NEWNS) != 0)
    g_error ("unshare (CLONE_NEWNS) failed: %s. This test needs root, as the other "
             "end-to-end tests.", g_strerror (errno));
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
      mount ("tmpfs", pw->pw_dir, "tmpfs", 0, "mode=0700") != 0)
    g_error ("Could not put a tmpfs over %s: %s", pw->pw_dir, g_strerror (errno));
  /* An empty directory is all that shows outside: the files go to the tmpfs. */
  if (g_mkdir_with_parents ("/etc/pki", 0755) != 0 ||
      mount ("tmpfs", "/etc/pki", "tmpfs", 0, "mode=0755") != 0)
    g_error ("Could not put a tmpfs over /etc/pki: %s", g_strerror (errno));
  return g_strdup (pw->pw_dir);
}

void
e2e_tls_run (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", argv[0], error->message, err ? err : "");
}

void
e2e_tls_make_cert (const char *config,
                   const char *dir,
                   const char *name,
                   const char *extensions,
                   const char *subject,
                   const char *ca_dir)
{
  g_autofree char *key = g_strdup_printf ("%s/%s-key.pem", dir, name);
  g_autofree char *cert = g_strdup_printf ("%s/%s-cert.pem", dir, name);
  g_autofree char *ca_cert = ca_dir ? g_strdup_printf ("%s/ca-cert.pem", ca_dir) : NULL;
  g_autofree char *ca_key = ca_dir ? g_strdup_printf ("%s/ca-key.pem", ca_dir) : NULL;
  const char *argv[] = {
    "openssl", "req", "-x509", "-config", config, "-extensions", extensions,
    "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-noenc", "-days", "2",
    "-subj", subject, "-keyout", key, "-out", cert,
    ca_dir ? "-CA" : NULL, ca_cert, "-CAkey", ca_key, NULL
  };

  g_mkdir_with_parents (dir, 0700);
  e2e_tls_run (argv);
}

void
e2e_tls_copy_file (const char *from,
                   const char *to)
{
  g_autofree char *contents = NULL;
  g_autofree char *dir = g_path_get_dirname (to);
  g_autoptr(GError) error = NULL;
  gsize length;

  g_remove (to);
  if (from == NULL)
    return;
  g_mkdir_with_parents (dir, 0700);
  if (!g_file_get_contents (from, &contents, &length, &error) ||
      !g_file_set_contents (to, contents, length, &error))
    g_error ("%s", error->message);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

GSubprocess *
e2e_tls_start_qemu (const char *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *command =
    g_strdup_printf ("qemu-system-x86_64 -nodefaults -no-user-config -machine pc,accel=tcg "
                     "-m 32 -vga std -display none %s", args);
  g_auto(GStrv) argv = g_strsplit (command, " ", -1);
  g_autoptr(GError) error = NULL;
  GSubprocess *qemu;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* QEMU is a GLib program too: with the test's G_DEBUG=fatal-warnings the warning its
   * SPICE server logs for a client at the plain port of a TLS-only channel kills it,
   * and the console then meets "Connection refused". */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  qemu = g_subprocess_launcher_spawnv (launcher, (const char *const *)argv, &error);
  if (qemu == NULL)
    g_error ("Could not start QEMU: %s", error->message);
  return qemu;
}

gboolean
e2e_tls_file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

gboolean
e2e_tls_port_listens (gpointer data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection =
    g_socket_client_connect_to_host (client, "127.0.0.1", GPOINTER_TO_INT (data), NULL, NULL);

  return connection != NULL;
}
