// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-ssh"

#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hangar-ssh.h"

gboolean
hangar_ssh_uri_uses_ssh (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  const char *scheme = parsed ? g_uri_get_scheme (parsed) : NULL;

  return scheme != NULL && g_str_has_suffix (scheme, "+ssh");
}

static const char *
runtime_dir (void)
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

/* The ssh options every Hangar ssh process shares, so they meet at one master. */
static void
add_mux_options (GPtrArray *argv)
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
  g_ptr_array_add (argv, g_strdup_printf ("ControlPath=%s/cm-%%C", runtime_dir ()));
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup ("ControlPersist=no"));
}

/* libvirt runs "command -p PORT -l USER -T -e none -- HOST sh -c ...": a small script
 * adds the multiplexing options in front. */
static char *
ensure_wrapper (GError **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) script = g_string_new ("#!/bin/sh\n# Written by Hangar: one SSH "
                                            "session per host.\nexec ssh");
  g_autofree char *path = g_build_filename (runtime_dir (), "ssh", NULL);

  add_mux_options (argv);
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

char *
hangar_ssh_prepare_uri (const char *uri,
                        GError    **error)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GUri) rewritten = NULL;
  g_autofree char *wrapper = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *query = NULL;
  const char *old_query;

  if (!hangar_ssh_uri_uses_ssh (uri))
    return g_strdup (uri);

  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, error);
  if (parsed == NULL)
    return NULL;
  old_query = g_uri_get_query (parsed);
  /* A command the user chose is kept. */
  if (old_query != NULL && strstr (old_query, "command=") != NULL)
    return g_strdup (uri);

  wrapper = ensure_wrapper (error);
  if (wrapper == NULL)
    return NULL;
  escaped = g_uri_escape_string (wrapper, NULL, FALSE);
  /* no_tty: there is no terminal to type a password into; fail instead of hanging. */
  query = old_query ? g_strdup_printf ("%s&command=%s&no_tty=1", old_query, escaped)
                    : g_strdup_printf ("command=%s&no_tty=1", escaped);
  rewritten = g_uri_build (G_URI_FLAGS_ENCODED_QUERY, g_uri_get_scheme (parsed),
                           g_uri_get_userinfo (parsed), g_uri_get_host (parsed),
                           g_uri_get_port (parsed), g_uri_get_path (parsed), query,
                           g_uri_get_fragment (parsed));
  return g_uri_to_string (rewritten);
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

  /* The same options and host spelling as libvirt's ssh, so the same master serves. */
  g_ptr_array_add (argv, g_strdup ("ssh"));
  add_mux_options (argv);
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
