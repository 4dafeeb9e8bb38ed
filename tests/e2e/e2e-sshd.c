// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "e2e-sshd"

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <gio/gio.h>

#include "e2e-sshd.h"
#include "e2e-tls.h"
#include "e2e-virt.h"

static char *dir;
static GPid sshd_pid;
static int sshd_port;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
write_file (const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, contents, -1, &error))
    g_error ("%s", error->message);
}

static void
keygen (const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  const char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path, NULL };

  e2e_tls_run (argv);
}

int
e2e_sshd_start (void)
{
  g_autofree char *config = NULL;
  g_autofree char *host_pub = NULL;
  g_autofree char *client_pub = NULL;
  g_autofree char *pub_path = NULL;
  g_autofree char *config_path = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "/usr/sbin/sshd", "-D", "-e", "-f", NULL, NULL };

  dir = g_dir_make_tmp ("hangar-sshd-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  /* After a failure the cleaner ends sshd and the SSH master (their command lines name
   * the directory) and removes it. */
  e2e_cleanup_path (dir);
  sshd_port = e2e_tls_free_port ();
  g_mkdir_with_parents ("/run/sshd", 0755);
  keygen ("host_key");
  keygen ("client_key");
  pub_path = g_build_filename (dir, "client_key.pub", NULL);
  if (!g_file_get_contents (pub_path, &client_pub, NULL, &error))
    g_error ("%s", error->message);
  write_file ("authorized_keys", client_pub);
  g_free (pub_path);
  pub_path = g_build_filename (dir, "host_key.pub", NULL);
  if (!g_file_get_contents (pub_path, &host_pub, NULL, &error))
    g_error ("%s", error->message);

  config = g_strdup_printf ("Port %d\nListenAddress 127.0.0.1\nHostKey %s/host_key\n"
                            "PidFile %s/sshd.pid\nAuthorizedKeysFile %s/authorized_keys\n"
                            "PermitRootLogin prohibit-password\nPasswordAuthentication no\n"
                            "KbdInteractiveAuthentication no\nStrictModes no\nUsePAM no\n"
                            "MaxSessions 20\n",
                            sshd_port, dir, dir, dir);
  write_file ("sshd_config", config);
  g_free (config);
  config = g_strdup_printf ("[127.0.0.1]:%d %s", sshd_port, host_pub);
  write_file ("known_hosts", config);
  g_free (config);
  config = g_strdup_printf ("Host *\n  IdentityFile %s/client_key\n  IdentitiesOnly yes\n"
                            "  UserKnownHostsFile %s/known_hosts\n"
                            "  StrictHostKeyChecking yes\n", dir, dir);
  write_file ("ssh_config", config);
  config_path = g_build_filename (dir, "ssh_config", NULL);
  g_setenv ("HANGAR_SSH_CONFIG", config_path, TRUE);
  /* The multiplexing sockets stay in the test's own directory. */
  g_setenv ("XDG_RUNTIME_DIR", dir, TRUE);

  argv[4] = g_build_filename (dir, "sshd_config", NULL);
  if (!g_spawn_async (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                      G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                      die_with_parent, NULL, &sshd_pid, &error))
    g_error ("Cannot start sshd: %s", error->message);
  g_free ((char *)argv[4]);
  if (!e2e_wait_for (e2e_tls_port_listens, GINT_TO_POINTER (sshd_port), 10000))
    g_error ("sshd did not listen on 127.0.0.1:%d", sshd_port);
  return sshd_port;
}

void
e2e_sshd_stop (void)
{
  if (dir == NULL)
    return;
  /* Hangar's SSH master persists by design: end it, or it would outlive the test. */
  {
    g_autofree char *control = g_strdup_printf ("ControlPath=%s/hangar-ssh/cm-%%C", dir);
    g_autofree char *config = g_build_filename (dir, "ssh_config", NULL);
    g_autofree char *port = g_strdup_printf ("%d", sshd_port);
    const char *argv[] = { "ssh", "-F", config, "-o", control, "-O", "exit", "-p", port,
                           "-l", "root", "127.0.0.1", NULL };

    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  if (sshd_pid > 0)
    {
      kill (sshd_pid, SIGTERM);
      g_spawn_close_pid (sshd_pid);
      sshd_pid = 0;
    }
  {
    const char *argv[] = { "rm", "-rf", dir, NULL };

    e2e_tls_run (argv);
  }
  e2e_cleanup_path_done (dir);
  g_clear_pointer (&dir, g_free);
}
