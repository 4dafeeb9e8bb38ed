// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "e2e-sshd"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <gio/gio.h>

#include "e2e-sshd.h"
#include "e2e-tls.h"
#include "e2e-virt.h"
#include "test-free-port.h"

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
keygen_with (const char *name,
             const char *passphrase)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  const char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-f", path, NULL };

  e2e_tls_run (argv);
}

static void
keygen (const char *name)
{
  keygen_with (name, "");
}

static char *
read_file (const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("%s", error->message);
  return contents;
}

/* The password user: a second name for root (uid 0), as libvirtd lets only root past
 * its socket on a machine without polkit. Removed by e2e_sshd_stop, and by the next
 * start after a crash; its password is a fresh random one each time. */
static void
remove_password_user (void)
{
  const char *argv[] = { "sh", "-c", "! getent passwd " E2E_SSHD_PASSWORD_USER " >/dev/null || "
                         "userdel -f " E2E_SSHD_PASSWORD_USER " 2>/dev/null", NULL };

  e2e_tls_run (argv);
}

static char *password;

const char *
e2e_sshd_add_password_user (void)
{
  const char *add[] = { "useradd", "-o", "-u", "0", "-g", "0", "-M", "-N", "-d", "/root", "-s",
                        "/bin/sh", E2E_SSHD_PASSWORD_USER, NULL };
  const char *set[] = { "sh", "-c", "echo \"$0:$1\" | chpasswd", E2E_SSHD_PASSWORD_USER, NULL,
                        NULL };

  g_assert_null (password);
  remove_password_user ();
  password = g_strdup_printf ("pw-%08x%08x", g_random_int (), g_random_int ());
  e2e_tls_run (add);
  set[4] = password;
  e2e_tls_run (set);
  return password;
}

char *
e2e_sshd_add_passphrase_key (const char *passphrase)
{
  g_autofree char *pub = NULL;
  g_autofree char *keys = NULL;

  keygen_with ("pass_key", passphrase);
  pub = read_file ("pass_key.pub");
  keys = read_file ("authorized_keys");
  {
    g_autofree char *both = g_strconcat (keys, pub, NULL);

    write_file ("authorized_keys", both);
  }
  return g_build_filename (dir, "pass_key", NULL);
}

char *
e2e_sshd_host_fingerprint (void)
{
  g_autofree char *pub = g_build_filename (dir, "host_key.pub", NULL);
  g_autofree char *command = g_strdup_printf ("ssh-keygen -l -E sha256 -f %s", pub);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_spawn_command_line_sync (command, &out, NULL, NULL, &error))
    g_error ("ssh-keygen failed: %s", error->message);
  /* "256 SHA256:… comment (ED25519)" */
  fields = g_strsplit (out, " ", 3);
  g_assert_cmpuint (g_strv_length (fields), >=, 2);
  return g_strdup (fields[1]);
}

/* sshd on sshd_port with the directory's configuration; returns once it listens. */
static void
spawn_sshd (void)
{
  g_autofree char *config = g_build_filename (dir, "sshd_config", NULL);
  const char *argv[] = { "/usr/sbin/sshd", "-D", "-e", "-f", config, NULL };
  g_autoptr(GError) error = NULL;

  if (!g_spawn_async (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                      G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                      die_with_parent, NULL, &sshd_pid, &error))
    g_error ("Cannot start sshd: %s", error->message);
  if (!e2e_wait_for (e2e_tls_port_listens, GINT_TO_POINTER (sshd_port), 10000))
    g_error ("sshd did not listen on 127.0.0.1:%d", sshd_port);
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

  dir = g_dir_make_tmp ("hangar-sshd-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  /* After a failure the cleaner ends sshd and the SSH master (their command lines name
   * the directory) and removes it. */
  e2e_cleanup_path (dir);
  sshd_port = test_free_port ();
  g_mkdir_with_parents ("/run/sshd", 0755);
  remove_password_user ();
  keygen ("host_key");
  keygen ("client_key");
  keygen ("other_host_key");
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
                            "MaxSessions 20\n"
                            "Match User " E2E_SSHD_PASSWORD_USER "\n"
                            "  PasswordAuthentication yes\n  PermitRootLogin yes\n"
                            "  PubkeyAuthentication no\n",
                            sshd_port, dir, dir, dir);
  write_file ("sshd_config", config);
  g_free (config);
  config = g_strdup_printf ("[127.0.0.1]:%d %s" "hangar-e2e-sshd %s", sshd_port, host_pub,
                            host_pub);
  write_file ("known_hosts", config);
  g_free (config);
  /* A host never seen, and one whose key is another than the host's. */
  write_file ("known_hosts_new", "");
  {
    g_autofree char *other = read_file ("other_host_key.pub");

    config = g_strdup_printf (E2E_SSHD_HOST_CHANGED " %s", other);
    write_file ("known_hosts_changed", config);
    g_free (config);
  }
  /* The host names below are aliases of 127.0.0.1, each with its own ssh master
   * (ControlPath hashes the name) and its own known host keys. StrictHostKeyChecking
   * is ssh's default (ask), as users have it. */
  config = g_strdup_printf ("Host " E2E_SSHD_HOST_PASSKEY "\n  HostName 127.0.0.1\n"
                            "  HostKeyAlias hangar-e2e-sshd\n  IdentityFile %s/pass_key\n"
                            "Host " E2E_SSHD_HOST_NEW "\n  HostName 127.0.0.1\n"
                            "  HostKeyAlias " E2E_SSHD_HOST_NEW "\n"
                            "  UserKnownHostsFile %s/known_hosts_new\n"
                            "Host " E2E_SSHD_HOST_CHANGED "\n  HostName 127.0.0.1\n"
                            "  HostKeyAlias " E2E_SSHD_HOST_CHANGED "\n"
                            "  UserKnownHostsFile %s/known_hosts_changed\n"
                            "Host *\n  IdentityFile %s/client_key\n  IdentitiesOnly yes\n"
                            "  UserKnownHostsFile %s/known_hosts\n"
                            "  GlobalKnownHostsFile /dev/null\n"
                            "  StrictHostKeyChecking ask\n", dir, dir, dir, dir, dir);
  write_file ("ssh_config", config);
  config_path = g_build_filename (dir, "ssh_config", NULL);
  g_setenv ("HANGAR_SSH_CONFIG", config_path, TRUE);
  /* The multiplexing sockets stay in the test's own directory. */
  g_setenv ("XDG_RUNTIME_DIR", dir, TRUE);

  spawn_sshd ();
  return sshd_port;
}

/* Every process below @ancestor, from /proc. */
static GArray *
descendants (pid_t ancestor)
{
  g_autoptr(GHashTable) parents = g_hash_table_new (NULL, NULL);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  GArray *found = g_array_new (FALSE, FALSE, sizeof (pid_t));
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      const char *after_comm;
      int ppid;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      /* "pid (comm) state ppid …"; comm may hold spaces and parentheses. */
      after_comm = strrchr (stat, ')');
      if (after_comm != NULL && sscanf (after_comm + 1, " %*c %d", &ppid) == 1)
        g_hash_table_insert (parents, GINT_TO_POINTER (atoi (name)), GINT_TO_POINTER (ppid));
    }
  {
    GHashTableIter iter;
    gpointer pid, ppid;

    g_hash_table_iter_init (&iter, parents);
    while (g_hash_table_iter_next (&iter, &pid, &ppid))
      for (int up = GPOINTER_TO_INT (ppid); up > 1;
           up = GPOINTER_TO_INT (g_hash_table_lookup (parents, GINT_TO_POINTER (up))))
        if (up == ancestor)
          {
            pid_t found_pid = GPOINTER_TO_INT (pid);

            g_array_append_val (found, found_pid);
            break;
          }
  }
  return found;
}

void
e2e_sshd_kill (void)
{
  g_autoptr(GArray) sessions = NULL;
  int status;

  g_assert_cmpint (sshd_pid, >, 0);
  sessions = descendants (sshd_pid);
  /* The listener first, so that no new login gets in; then every session at once. */
  kill (sshd_pid, SIGKILL);
  waitpid (sshd_pid, &status, 0);
  sshd_pid = 0;
  for (guint i = 0; i < sessions->len; i++)
    kill (g_array_index (sessions, pid_t, i), SIGKILL);
  g_test_message ("sshd killed with %u session processes", sessions->len);
}

void
e2e_sshd_restart (void)
{
  g_assert_cmpint (sshd_pid, ==, 0);
  spawn_sshd ();
}

guint
e2e_sshd_connections (void)
{
  g_autofree char *command = g_strdup_printf ("ss -Htnp state established "
                                              "( dport = :%d )", sshd_port);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_spawn_command_line_sync (command, &out, NULL, NULL, &error))
    g_error ("ss failed: %s", error->message);
  lines = g_strsplit (out, "\n", -1);
  /* users:(("ssh",pid=…)) — not sshd's own outgoing connections. */
  for (guint i = 0; lines[i] != NULL; i++)
    n += strstr (lines[i], "((\"ssh\",") != NULL;
  return n;
}

void
e2e_sshd_stop (void)
{
  if (dir == NULL)
    return;
  /* Hangar's SSH masters (a socket each, cm-*, one per open of a host) persist by
   * design: end them, or they would outlive the test. */
  {
    g_autofree char *runtime = g_build_filename (dir, "hangar-ssh", NULL);
    g_autoptr(GDir) sockets = g_dir_open (runtime, 0, NULL);
    const char *name;

    while (sockets != NULL && (name = g_dir_read_name (sockets)) != NULL)
      {
        g_autofree char *control = NULL;
        g_autofree char *config = g_build_filename (dir, "ssh_config", NULL);
        g_autofree char *port = g_strdup_printf ("%d", sshd_port);
        const char *argv[] = { "ssh", "-F", config, "-o", NULL, "-O", "exit", "-p", port,
                               "-l", "root", "127.0.0.1", NULL };

        if (!g_str_has_prefix (name, "cm-"))
          continue;
        control = g_strdup_printf ("ControlPath=%s/%s", runtime, name);
        argv[4] = control;
        g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
                      G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                      NULL, NULL, NULL, NULL);
      }
  }
  if (password != NULL)
    {
      remove_password_user ();
      g_clear_pointer (&password, g_free);
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
