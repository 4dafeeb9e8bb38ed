// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-ssh"

#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hangar-askpass-server.h"
#include "hangar-ssh.h"

gboolean
hangar_ssh_uri_uses_ssh (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  const char *scheme = parsed ? g_uri_get_scheme (parsed) : NULL;

  return scheme != NULL && g_str_has_suffix (scheme, "+ssh");
}

const char *
hangar_ssh_get_runtime_dir (void)
{
  static char *dir;

  if (g_once_init_enter (&dir))
    {
      char *path = g_build_filename (g_get_user_runtime_dir (), "hangar-ssh", NULL);

      g_mkdir_with_parents (path, 0700);
      g_once_init_leave (&dir, path);
    }
  return dir;
}

/* Each open of a host starts an ssh master of its own, a generation with its own
 * socket: libvirt ends the old master when a connection closes (SIGTERM, then SIGKILL
 * 10 ms later), and a new connection's ssh that joined it meanwhile would be dropped
 * with it ("End of file while reading data"). Console tunnels join the newest
 * generation of their login, the host's current connection. */
G_LOCK_DEFINE_STATIC (generations);
static GHashTable *generations; /* login id → guint */
static guint last_generation;

/* Short (a socket's path has room for 107 bytes, and ssh adds 17 while binding), and
 * of this process: another Hangar's masters are not this one's to join. */
static char *
control_path (const char *id,
              guint       generation)
{
  return g_strdup_printf ("%s/cm-%s-%d-%u", hangar_ssh_get_runtime_dir (), id, (int)getpid (),
                          generation);
}

/* A new generation for the login @id; returns its socket's path. The previous one's
 * socket goes: no ssh may join that master any more (while it runs, it keeps serving
 * the sessions it has), and one libvirt killed leaves its socket behind. */
static char *
begin_generation (const char *id)
{
  guint previous, generation;

  G_LOCK (generations);
  if (generations == NULL)
    generations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  previous = GPOINTER_TO_UINT (g_hash_table_lookup (generations, id));
  generation = ++last_generation;
  g_hash_table_replace (generations, g_strdup (id), GUINT_TO_POINTER (generation));
  G_UNLOCK (generations);

  if (previous != 0)
    {
      g_autofree char *old = control_path (id, previous);

      g_unlink (old);
    }
  return control_path (id, generation);
}

/* The socket of the login @id's newest master (generation 0 before any open). */
static char *
current_control_path (const char *id)
{
  guint generation;

  G_LOCK (generations);
  generation = generations != NULL ? GPOINTER_TO_UINT (g_hash_table_lookup (generations, id)) : 0;
  G_UNLOCK (generations);
  return control_path (id, generation);
}

/* The ssh options every Hangar ssh process of a login shares, so they meet at the master
 * listening on @control. */
static void
add_mux_options (GPtrArray  *argv,
                 const char *control)
{
  const char *config = g_getenv ("HANGAR_SSH_CONFIG");

  if (config != NULL && *config != '\0')
    {
      g_ptr_array_add (argv, g_strdup ("-F"));
      g_ptr_array_add (argv, g_strdup (config));
    }
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup ("ControlMaster=auto"));
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup_printf ("ControlPath=%s", control));
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup ("ControlPersist=no"));
  /* A host that does not answer fails within 10 s (TCP connect and ssh's banner
   * exchange), and a session that goes dead is noticed within 3 × 5 s. */
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup ("ConnectTimeout=10"));
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup ("ServerAliveInterval=5"));
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup ("ServerAliveCountMax=3"));
}

/* The askpass helper: HANGAR_ASKPASS names another (tests), else the installed one,
 * else the build tree's for an uninstalled Hangar. */
static char *
askpass_helper_path (void)
{
  const char *env = g_getenv ("HANGAR_ASKPASS");
  g_autofree char *installed = g_build_filename (HANGAR_LIBEXECDIR, "hangar-askpass", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  return g_build_filename (HANGAR_BUILD_ROOT, "src", "askpass", "hangar-askpass", NULL);
}

/* libvirt runs "command -p PORT -l USER -T -e none -- HOST sh -c ..." with only a few
 * variables of Hangar's environment: a small script adds the multiplexing options in
 * front (the master at @control) and, when Hangar can ask (@socket_path), points ssh's
 * questions at Hangar's helper for the login @id. */
static char *
ensure_wrapper (const char  *id,
                const char  *control,
                const char  *socket_path,
                GError     **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) script = g_string_new ("#!/bin/sh\n# Written by Hangar: one SSH "
                                            "session per host, questions asked in "
                                            "Hangar.\n");
  g_autofree char *name = g_strdup_printf ("ssh-%s", id);
  g_autofree char *path = g_build_filename (hangar_ssh_get_runtime_dir (), name, NULL);

  if (socket_path != NULL)
    {
      g_autofree char *helper = askpass_helper_path ();
      g_autofree char *quoted_helper = g_shell_quote (helper);
      g_autofree char *quoted_socket = g_shell_quote (socket_path);

      /* force: the helper even with a terminal or without DISPLAY (OpenSSH 8.4+). */
      g_string_append_printf (script, "SSH_ASKPASS=%s\nSSH_ASKPASS_REQUIRE=force\n"
                              "HANGAR_ASKPASS_SOCKET=%s\nHANGAR_ASKPASS_LOGIN=%s\n"
                              "export SSH_ASKPASS SSH_ASKPASS_REQUIRE HANGAR_ASKPASS_SOCKET "
                              "HANGAR_ASKPASS_LOGIN\n", quoted_helper, quoted_socket, id);
    }
  g_string_append (script, "exec ssh");
  add_mux_options (argv, control);
  for (guint i = 0; i < argv->len; i++)
    {
      g_autofree char *quoted = g_shell_quote (g_ptr_array_index (argv, i));

      g_string_append_printf (script, " %s", quoted);
    }
  g_string_append (script, " \"$@\"\n");

  if (!g_file_set_contents_full (path, script->str, script->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0700, error))
    return NULL;
  return g_steal_pointer (&path);
}

/* A login's name for the keyring (user@host:port, port 22 when not given), for
 * sentences (user@host), and the id of its askpass wrapper (a hash of the first). */
static void
describe_login (GUri  *parsed,
                char **login,
                char **who,
                char **id)
{
  const char *user = g_uri_get_user (parsed);
  const char *host = g_uri_get_host (parsed);
  int port = g_uri_get_port (parsed) > 0 ? g_uri_get_port (parsed) : 22;
  g_autofree char *hash = NULL;

  if (user != NULL && *user != '\0')
    *who = g_strdup_printf ("%s@%s", user, host);
  else
    *who = g_strdup (host);
  *login = g_strdup_printf ("%s:%d", *who, port);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, *login, -1);
  *id = g_strndup (hash, 16);
}

char *
hangar_ssh_prepare_uri (const char *uri,
                        GError    **error)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GUri) rewritten = NULL;
  g_autofree char *wrapper = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *query = NULL;
  g_autoptr(HangarAskpassServer) server = NULL;
  g_autofree char *login = NULL;
  g_autofree char *who = NULL;
  g_autofree char *id = NULL;
  g_autofree char *control = NULL;
  const char *old_query;
  const char *no_tty;

  if (!hangar_ssh_uri_uses_ssh (uri))
    return g_strdup (uri);

  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, error);
  if (parsed == NULL)
    return NULL;
  old_query = g_uri_get_query (parsed);
  /* A command the user chose is kept. */
  if (old_query != NULL && strstr (old_query, "command=") != NULL)
    return g_strdup (uri);

  if (g_uri_get_host (parsed) != NULL)
    describe_login (parsed, &login, &who, &id);
  else
    id = g_strdup ("localhost");
  control = begin_generation (id);
  server = hangar_askpass_server_dup_default ();
  if (server != NULL && login != NULL)
    {
      hangar_askpass_server_begin_login (server, id, login, who);
      wrapper = ensure_wrapper (id, control, hangar_askpass_server_get_socket_path (server),
                                error);
    }
  else
    wrapper = ensure_wrapper (id, control, NULL, error);
  if (wrapper == NULL)
    return NULL;
  escaped = g_uri_escape_string (wrapper, NULL, FALSE);
  /* no_tty (BatchMode) when nobody can answer: fail instead of hanging on a terminal. */
  no_tty = server != NULL ? "" : "&no_tty=1";
  query = old_query ? g_strdup_printf ("%s&command=%s%s", old_query, escaped, no_tty)
                    : g_strdup_printf ("command=%s%s", escaped, no_tty);
  rewritten = g_uri_build (G_URI_FLAGS_ENCODED_QUERY, g_uri_get_scheme (parsed),
                           g_uri_get_userinfo (parsed), g_uri_get_host (parsed),
                           g_uri_get_port (parsed), g_uri_get_path (parsed), query,
                           g_uri_get_fragment (parsed));
  return g_uri_to_string (rewritten);
}

char *
hangar_ssh_explain_failure (const char *uri,
                            const char *reason,
                            gboolean   *cancelled)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(HangarAskpassServer) server = NULL;
  g_autofree char *login = NULL;
  g_autofree char *who = NULL;
  g_autofree char *id = NULL;
  g_autofree char *known_name = NULL;

  if (cancelled != NULL)
    *cancelled = FALSE;
  if (!hangar_ssh_uri_uses_ssh (uri))
    return NULL;
  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    return NULL;
  describe_login (parsed, &login, &who, &id);
  /* known_hosts names a host on another port than 22 "[host]:port". */
  known_name = g_uri_get_port (parsed) > 0 && g_uri_get_port (parsed) != 22
               ? g_strdup_printf ("[%s]:%d", g_uri_get_host (parsed), g_uri_get_port (parsed))
               : g_strdup (g_uri_get_host (parsed));

  /* ssh refuses a changed key by itself (StrictHostKeyChecking ask or yes), and says
   * so in a banner libvirt passes on; nothing is offered to accept it. */
  if (reason != NULL && strstr (reason, "REMOTE HOST IDENTIFICATION HAS CHANGED") != NULL)
    return g_strdup_printf (_("The host key of %s has changed since it was last trusted, "
                              "so Hangar did not connect: someone may be intercepting the "
                              "connection, or the host was reinstalled. If you know the "
                              "host's key changed, remove the old one with “ssh-keygen -R "
                              "%s” and connect again."),
                            g_uri_get_host (parsed), known_name);

  server = hangar_askpass_server_dup_default ();
  if (server == NULL)
    return NULL;
  return hangar_askpass_server_explain (server, id, reason, cancelled);
}

static void
on_tunnel_exited_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  g_debug ("SSH tunnel ended");
}

int
hangar_ssh_open_tunnel (const char *uri,
                        const char *target_host,
                        int         target_port,
                        GError    **error)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, error);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *login = NULL;
  g_autofree char *who = NULL;
  g_autofree char *id = NULL;
  g_autofree char *control = NULL;
  const char *user, *host;
  int fds[2];

  if (parsed == NULL)
    return -1;
  host = g_uri_get_host (parsed);
  user = g_uri_get_user (parsed);
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The connection URI “%s” names no host to tunnel through."), uri);
      return -1;
    }

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("Could not create a socket for the console tunnel: %s"),
                   g_strerror (errno));
      return -1;
    }

  /* The same options and host spelling as libvirt's ssh, so its master serves. */
  describe_login (parsed, &login, &who, &id);
  control = current_control_path (id);
  g_ptr_array_add (argv, g_strdup ("ssh"));
  add_mux_options (argv, control);
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup ("BatchMode=yes"));
  if (g_uri_get_port (parsed) > 0)
    {
      g_ptr_array_add (argv, g_strdup ("-p"));
      g_ptr_array_add (argv, g_strdup_printf ("%d", g_uri_get_port (parsed)));
    }
  if (user != NULL && *user != '\0')
    {
      g_ptr_array_add (argv, g_strdup ("-l"));
      g_ptr_array_add (argv, g_strdup (user));
    }
  g_ptr_array_add (argv, g_strdup ("-W"));
  g_ptr_array_add (argv, g_strdup_printf ("%s:%d", target_host, target_port));
  g_ptr_array_add (argv, g_strdup ("--"));
  g_ptr_array_add (argv, g_strdup (host));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_stdin_fd (launcher, dup (fds[1]));
  g_subprocess_launcher_take_stdout_fd (launcher, fds[1]);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, error);
  if (process == NULL)
    {
      close (fds[0]);
      return -1;
    }
  /* ssh ends when the console closes its end; reap it then. */
  g_subprocess_wait_async (process, NULL, on_tunnel_exited_cb, NULL);
  return fds[0];
}
