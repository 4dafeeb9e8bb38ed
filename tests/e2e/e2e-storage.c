// SPDX-License-Identifier: GPL-3.0-or-later
#define _GNU_SOURCE /* pipe2 () */
#define G_LOG_DOMAIN "e2e-storage"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "e2e-storage.h"

/* ---- The undo list --------------------------------------------------------------------
 *
 * Lines on the pipe: "+KEY\tCOMMAND" registers, "-KEY" marks done. The process reads
 * until the test's end of the pipe closes (however the test ended: the pipe is
 * close-on-exec, so no child of the test holds it), then runs what is left. */

static int undo_fd = -1;

static void
undo_send (const char *line)
{
  if (undo_fd < 0)
    g_error ("e2e_storage_init () was not called: nothing would undo a failed test's storage");
  e2e_witness_send (undo_fd, line);
}

void
e2e_storage_undo (const char *key,
                  const char *command)
{
  g_autofree char *line = g_strdup_printf ("+%s\t%s", key, command);

  g_assert (strchr (key, '\t') == NULL && strchr (line, '\n') == NULL);
  undo_send (line);
}

void
e2e_storage_undo_done (const char *key)
{
  g_autofree char *line = g_strconcat ("-", key, NULL);

  undo_send (line);
}

static void
undo_run (char   **lines,
          gpointer data)
{
  /* Keys and their commands, in the order registered. */
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');
      guint at;

      if (lines[i][0] == '\0')
        continue;
      if (tab != NULL)
        *tab = '\0';
      /* A key registered again or marked done drops its earlier command. */
      if (g_ptr_array_find_with_equal_func (keys, lines[i] + 1, g_str_equal, &at))
        {
          g_ptr_array_remove_index (keys, at);
          g_ptr_array_remove_index (commands, at);
        }
      if (lines[i][0] == '+' && tab != NULL)
        {
          g_ptr_array_add (keys, g_strdup (lines[i] + 1));
          g_ptr_array_add (commands, g_strdup (tab + 1));
        }
    }

  for (guint i = commands->len; i-- > 0;)
    {
      const char *argv[] = { "sh", "-c", g_ptr_array_index (commands, i), NULL };

      g_printerr ("# e2e storage undo: the test left %s behind: %s\n",
                  (char *)g_ptr_array_index (keys, i), argv[2]);
      g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                    NULL, NULL, NULL, NULL, NULL, NULL);
    }
}

void
e2e_storage_init (void)
{
  undo_fd = e2e_witness_start (undo_run, NULL);
}

/* ---- Commands ------------------------------------------------------------------------- */

gboolean
e2e_storage_try (const char *const *argv,
                 char             **out,
                 char             **err)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ignored_out = NULL;
  g_autofree char *ignored_err = NULL;
  int status = 0;

  /* Always captured: the test's standard output is its TAP report. */
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     out != NULL ? out : &ignored_out, err != NULL ? err : &ignored_err,
                     &status, &error))
    {
      if (err != NULL)
        *err = g_strdup (error->message);
      return FALSE;
    }
  return g_spawn_check_wait_status (status, NULL);
}

char *
e2e_storage_run (const char *const *argv)
{
  g_autofree char *command = g_strjoinv (" ", (char **)argv);
  g_autofree char *err = NULL;
  char *out = NULL;

  e2e_assert (e2e_storage_try (argv, &out, &err), "%s failed: %s", command,
              err != NULL ? err : "");
  return out;
}

void
e2e_storage_make_file (const char *path,
                       guint64     size)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  e2e_assert (fd >= 0, "Cannot create %s: %s", path, g_strerror (errno));
  e2e_assert (ftruncate (fd, (off_t)size) == 0, "Cannot size %s: %s", path, g_strerror (errno));
  close (fd);
}

/* ---- Loop devices and mounts ---------------------------------------------------------- */

/* Loop device → the file it was attached to (the undo list's key). */
static GHashTable *loops;

char *
e2e_storage_loop_attach (const char *file)
{
  const char *argv[] = { "losetup", "--find", "--show", file, NULL };
  g_autofree char *quoted = g_shell_quote (file);
  g_autofree char *key = g_strconcat ("loop:", file, NULL);
  g_autofree char *undo = NULL;
  g_autofree char *out = NULL;

  /* losetup -j names the device of a file, whichever it got. */
  undo = g_strdup_printf ("losetup -j %s -O NAME -n | xargs -r -n1 losetup -d", quoted);
  e2e_storage_undo (key, undo);
  out = e2e_storage_run (argv);
  g_strstrip (out);
  e2e_assert (g_str_has_prefix (out, "/dev/loop"), "losetup gave no loop device for %s: %s",
              file, out);
  if (loops == NULL)
    loops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (loops, g_strdup (out), g_steal_pointer (&key));
  return g_steal_pointer (&out);
}

void
e2e_storage_loop_detach (const char *device)
{
  const char *detach[] = { "losetup", "--detach", device, NULL };
  const char *key = loops != NULL ? g_hash_table_lookup (loops, device) : NULL;

  g_assert (key != NULL);
  g_free (e2e_storage_run (detach));
  e2e_storage_undo_done (key);
  g_hash_table_remove (loops, device);
}

void
e2e_storage_mount (const char *device,
                   const char *dir,
                   const char *options)
{
  const char *argv[] = { "mount", "-o", options != NULL ? options : "defaults", device, dir,
                         NULL };
  g_autofree char *quoted = g_shell_quote (dir);
  g_autofree char *key = g_strconcat ("mount:", dir, NULL);
  g_autofree char *undo = g_strdup_printf ("umount %s", quoted);

  e2e_storage_undo (key, undo);
  g_free (e2e_storage_run (argv));
}

void
e2e_storage_umount (const char *dir)
{
  const char *argv[] = { "umount", dir, NULL };
  g_autofree char *key = g_strconcat ("mount:", dir, NULL);

  g_free (e2e_storage_run (argv));
  e2e_storage_undo_done (key);
}

gboolean
e2e_storage_is_mounted (const char *dir)
{
  g_autofree char *mounts = NULL;
  g_auto(GStrv) lines = NULL;

  e2e_assert (g_file_get_contents ("/proc/mounts", &mounts, NULL, NULL),
              "Cannot read /proc/mounts");
  lines = g_strsplit (mounts, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], " ", 3);

      if (g_strv_length (fields) >= 2 && g_str_equal (fields[1], dir))
        return TRUE;
    }
  return FALSE;
}

/* ---- Pools ---------------------------------------------------------------------------- */

void
e2e_storage_undo_pool (const char *name)
{
  const char *uri = g_getenv ("HANGAR_TEST_LIBVIRT_URI");
  g_autofree char *quoted_uri = NULL;
  g_autofree char *quoted = g_shell_quote (name);
  g_autofree char *key = g_strconcat ("pool:", name, NULL);
  g_autofree char *undo = NULL;

  e2e_assert (uri != NULL, "HANGAR_TEST_LIBVIRT_URI is not set (build-aux/test sets it)");
  quoted_uri = g_shell_quote (uri);
  /* libvirt refuses to stop a pool while it still allocates a volume in it (a test
   * ended mid-way): try again until it is not running. */
  undo = g_strdup_printf ("for try in $(seq 100); do"
                          "  virsh -c %1$s pool-destroy %2$s && break;"
                          "  virsh -c %1$s pool-info %2$s | grep -q '^State: *running' || break;"
                          "  sleep 0.5; "
                          "done; virsh -c %1$s pool-undefine %2$s", quoted_uri, quoted);
  e2e_storage_undo (key, undo);
}

void
e2e_storage_undo_pool_done (const char *name)
{
  g_autofree char *key = g_strconcat ("pool:", name, NULL);

  e2e_storage_undo_done (key);
}
