// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-e2e-sasl"

/* A user name and password asked by a real libvirtd over SASL, answered in Hangar's
 * dialog. The suite's libvirtd is left alone: the test starts a libvirtd of its own in
 * session mode, as the user nobody, in a temporary directory (its sockets, its state,
 * its SASL configuration and user database there), listening on a free TCP port of
 * 127.0.0.1 with auth_tcp = "sasl" (DIGEST-MD5, which gives plain TCP the security
 * layer libvirt asks for). Hangar connects to qemu+tcp://USER@127.0.0.1:PORT/session:
 * libvirt's remote driver asks for the user name and password in one call. Needs root
 * (to become nobody), libvirtd, saslpasswd2 (sasl2-bin) and DISPLAY (Xvfb). */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "e2e-guest.h"
#include "e2e-tls.h"
#include "e2e-virt.h"
#include "hangar-connection.h"
#include "test-credentials-util.h"
#include "test-free-port.h"

#define USER     "hangar-sasl"
#define PASSWORD "sasl-s3cret"

static char *dir;
static int port;
static GPid daemon_pid;
static E2eUser nobody;

static void
write_file (const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, contents, -1, &error))
    g_error ("Cannot write %s: %s", path, error->message);
  if (chown (path, nobody.uid, nobody.gid) < 0)
    g_error ("Cannot give %s to nobody: %s", path, g_strerror (errno));
}

static void
make_dir (const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (g_mkdir (path, 0700) < 0 || chown (path, nobody.uid, nobody.gid) < 0)
    g_error ("Cannot make %s for nobody: %s", path, g_strerror (errno));
}

/* SASL's user database, made by saslpasswd2 as the SASL documentation says. */
static void
add_sasl_user (void)
{
  g_autofree char *db = g_build_filename (dir, "sasl", "passwd.db", NULL);
  const char *argv[] = { "saslpasswd2", "-p", "-c", "-a", "libvirt", "-f", db, USER, NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE, &error);
  if (process == NULL)
    g_error ("Cannot run saslpasswd2 (install sasl2-bin): %s", error->message);
  if (!g_subprocess_communicate_utf8 (process, PASSWORD, NULL, NULL, NULL, &error) ||
      !g_subprocess_get_successful (process))
    g_error ("saslpasswd2 could not add %s: %s", USER, error ? error->message : "it failed");
  if (chown (db, nobody.uid, nobody.gid) < 0)
    g_error ("Cannot give %s to nobody: %s", db, g_strerror (errno));
}

static void
start_daemon (void)
{
  g_autofree char *conf = NULL;
  g_autofree char *sasl = NULL;
  g_autofree char *conf_path = NULL;
  g_autofree char *run = NULL;
  g_autofree char *home = NULL;
  g_autofree char *sasl_dir = NULL;
  g_auto(GStrv) envp = NULL;
  const char *argv[] = { "libvirtd", "--listen", "-f", NULL, NULL };
  g_autoptr(GError) error = NULL;

  nobody = e2e_nobody ();

  dir = g_strdup_printf ("%s/hangar-e2e-sasl-%d", g_get_tmp_dir (), (int)getpid ());
  /* The cleaner ends the daemon (its command line names the directory) and removes it. */
  e2e_cleanup_path (dir);
  if (g_mkdir (dir, 0755) < 0)
    g_error ("Cannot make %s: %s", dir, g_strerror (errno));
  make_dir ("run");
  make_dir ("home");
  make_dir ("sasl");
  run = g_build_filename (dir, "run", NULL);
  home = g_build_filename (dir, "home", NULL);

  port = test_free_port ();
  conf = g_strdup_printf ("listen_tls = 0\nlisten_tcp = 1\ntcp_port = \"%d\"\n"
                          "listen_addr = \"127.0.0.1\"\nauth_tcp = \"sasl\"\n"
                          "unix_sock_dir = \"%s\"\n", port, run);
  write_file ("libvirtd.conf", conf);
  sasl = g_strdup_printf ("mech_list: digest-md5\nsasldb_path: %s/sasl/passwd.db\n", dir);
  write_file ("sasl/libvirt.conf", sasl);
  add_sasl_user ();

  envp = g_environ_setenv (g_get_environ (), "HOME", home, TRUE);
  envp = g_environ_setenv (envp, "XDG_RUNTIME_DIR", run, TRUE);
  envp = g_environ_unsetenv (envp, "XDG_CONFIG_HOME");
  envp = g_environ_unsetenv (envp, "XDG_CACHE_HOME");
  envp = g_environ_unsetenv (envp, "DBUS_SESSION_BUS_ADDRESS");
  /* Cyrus SASL reads libvirt.conf from here instead of /etc/sasl2. */
  sasl_dir = g_build_filename (dir, "sasl", NULL);
  envp = g_environ_setenv (envp, "SASL_CONF_PATH", sasl_dir, TRUE);
  conf_path = g_build_filename (dir, "libvirtd.conf", NULL);
  argv[3] = conf_path;
  if (!g_spawn_async (dir, (char **)argv, envp,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                      G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                      e2e_become_nobody, &nobody, &daemon_pid, &error))
    g_error ("Cannot start libvirtd: %s", error->message);
  if (!e2e_wait_for (e2e_tls_port_listens, GINT_TO_POINTER (port), 30000))
    g_error ("The test's libvirtd did not listen on 127.0.0.1:%d within 30 s", port);
}

/* What `ss` says of the established TCP connections from this process (Hangar's links)
 * to the test's libvirtd: one line each. */
static char *
links_to_daemon (void)
{
  g_autofree char *command = g_strdup_printf ("ss -Htnp state established ( dport = :%d )",
                                              port);
  g_autofree char *out = NULL;
  g_autofree char *mine = g_strdup_printf ("pid=%d,", (int)getpid ());
  g_autoptr(GString) found = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_spawn_command_line_sync (command, &out, NULL, NULL, &error))
    g_error ("ss failed: %s", error->message);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], mine) != NULL)
      g_string_append_printf (found, "%s\n", lines[i]);
  return g_string_free (g_steal_pointer (&found), FALSE);
}

/* No connection from this process to the test's libvirtd is open any more. */
static gboolean
no_client (gpointer data)
{
  g_autofree char *links = links_to_daemon ();

  return *links == '\0';
}

static void
stop_daemon (void)
{
  const char *argv[] = { "rm", "-rf", dir, NULL };

  if (daemon_pid > 0)
    {
      kill (daemon_pid, SIGTERM);
      waitpid (daemon_pid, NULL, 0);
      g_spawn_close_pid (daemon_pid);
      daemon_pid = 0;
    }
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                NULL);
  e2e_cleanup_path_done (dir);
}

/* The host asks; the dialog proposes the URI's user; a wrong password is refused in a
 * sentence naming the host; Retry asks again and the right one connects. */
static void
test_sasl_login (void)
{
  g_autofree char *uri = g_strdup_printf ("qemu+tcp://" USER "@127.0.0.1:%d/session", port);
  g_autoptr(HangarConnection) connection = hangar_connection_new (uri);
  HangarCredentialsDialog *dialog;
  GtkWidget *user_row;
  const char *message;

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  dialog = test_credentials_wait_dialog (1, 30000);
  user_row = test_credentials_dialog_part (dialog, ADW_TYPE_ENTRY_ROW);

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (user_row)), ==, USER);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "127.0.0.1"));

  test_credentials_answer (dialog, USER, "wrong");
  test_credentials_wait_state (connection, HANGAR_CONNECTION_STATE_FAILED, 30000);
  message = hangar_connection_get_error_message (connection);
  g_test_message ("Refused: %s", message);
  g_assert_cmpstr (message, ==, "The host 127.0.0.1 refused the user name or password. Check "
                                "them, then retry.");
  test_credentials_wait_no_dialog ();

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  test_credentials_answer (test_credentials_wait_dialog (1, 30000), USER, PASSWORD);
  test_credentials_wait_state (connection, HANGAR_CONNECTION_STATE_CONNECTED, 30000);
  test_credentials_wait_no_dialog ();
  g_assert_false (no_client (NULL));
  hangar_connection_close (connection);
  /* Closing ends on a worker: the daemon goes only once the link has (killed under an
   * unregistering client, libvirt's teardown met a reset connection). */
  if (!e2e_wait_for (no_client, NULL, 15000))
    {
      g_autofree char *links = links_to_daemon ();

      g_error ("Hangar's link to the test's libvirtd stayed open after Close:\n%s", links);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  e2e_gtk_test_init (&argc, &argv);
  adw_init ();
  start_daemon ();
  /* As the application does at startup. */
  hangar_credentials_dialogs_install (NULL);

  g_test_add_func ("/e2e-sasl/login", test_sasl_login);
  status = g_test_run ();

  stop_daemon ();
  return status;
}
