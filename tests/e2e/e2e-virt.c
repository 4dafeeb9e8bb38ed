// SPDX-License-Identifier: GPL-3.0-or-later
#define _GNU_SOURCE /* pipe2 () */
#define G_LOG_DOMAIN "e2e-virt"

#include "config.h"

#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <libvirt/virterror.h>

#include "e2e-virt.h"

/* ---- Warnings ------------------------------------------------------------------------
 *
 * Every warning and critical fails an end-to-end test, as in the unit and widget tests,
 * except these: third-party warnings that are known, understood and harmless. Each is
 * matched by its exact log domain and exact message, and says why it may pass. Keep
 * this list the only place where a warning is let through. */
typedef struct {
  const char *domain;
  const char *message;
} Harmless;

static const Harmless harmless[] = {
  /* spice-client-glib refusing a server certificate that does not verify, as
   * e2e-console-tls makes it do on purpose (no CA, another CA): the console then tells
   * the user so in a sentence, which the test asserts. The one certificate chain that
   * reaches these words is the test's own (its CA is "Hangar test CA"). */
  { "Spice", "../subprojects/spice-common/common/ssl_verify.c:445:openssl_verify: Error in "
             "certificate chain verification: self-signed certificate in certificate chain "
             "(num=19:depth1:/CN=Hangar test CA)" },
  { "GSpice", "main-1:0: SSL_connect: error:00000001:lib(0)::reason(1)" },
  /* End of the list. */
  { NULL, NULL },
};

static gboolean
is_harmless (const char *domain,
             const char *message)
{
  for (guint i = 0; harmless[i].domain != NULL; i++)
    if (g_strcmp0 (domain, harmless[i].domain) == 0 &&
        g_strcmp0 (message, harmless[i].message) == 0)
      return TRUE;
  return FALSE;
}

/* Every message comes here: the structured ones (GTK's, GLib's) straight, the old
 * g_log () ones (spice-client-glib's, gvnc's) through GLib's default handler. Whether a
 * warning is fatal is decided here alone (e2e_test_init () took the decision away from
 * g_log ()), so that the list above can let one through. */
static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  g_autofree char *domain = NULL;
  g_autofree char *message = NULL;

  if (!(level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL)))
    return g_log_writer_default (level, fields, n_fields, user_data);

  for (gsize i = 0; i < n_fields; i++)
    {
      char **value = g_str_equal (fields[i].key, "GLIB_DOMAIN") ? &domain :
                     g_str_equal (fields[i].key, "MESSAGE") ? &message : NULL;

      if (value != NULL && *value == NULL)
        *value = fields[i].length < 0 ? g_strdup (fields[i].value)
                                      : g_strndup (fields[i].value, fields[i].length);
    }
  if (!is_harmless (domain, message))
    return g_log_writer_default (level | G_LOG_FLAG_FATAL, fields, n_fields, user_data);
  g_test_message ("let through as harmless (see e2e-virt.c): %s-%s: %s", domain,
                  level & G_LOG_LEVEL_WARNING ? "WARNING" : "CRITICAL", message);
  return G_LOG_WRITER_HANDLED;
}

/* ---- The cleaner ---------------------------------------------------------------------
 *
 * A failed assertion or g_error () aborts the test, a timeout kills it: no code of the
 * test runs after that. So a process of its own, started first, learns from the test
 * through a pipe what to remove, and removes what is still there once the pipe's other
 * end closes, which happens however the test ends. It has a session of its own, so the
 * kill of the test's process group at a timeout spares it; the pipe is close-on-exec,
 * so no daemon or QEMU the test starts keeps it open. */

static int cleaner_fd = -1;

static void
cleaner_send (char        kind,
              const char *what)
{
  g_autofree char *line = g_strdup_printf ("%c%s", kind, what);

  if (cleaner_fd < 0)
    g_error ("e2e_test_init () was not called: nothing would clean up after a failure");
  e2e_witness_send (cleaner_fd, line);
}

void
e2e_cleanup_domain (const char *name)
{
  cleaner_send ('d', name);
}

void
e2e_cleanup_domain_done (const char *name)
{
  cleaner_send ('D', name);
}

void
e2e_cleanup_path (const char *path)
{
  /* The cleaner ends every process naming it: never a short, general path. */
  if (!g_path_is_absolute (path) || strlen (path) < 8 || strchr (path, '\n') != NULL)
    g_error ("Not a path for the cleaner: %s", path);
  cleaner_send ('p', path);
}

void
e2e_cleanup_path_done (const char *path)
{
  cleaner_send ('P', path);
}

/* Adds (lower case) or removes (upper case) @what in the list for @kind. */
static void
cleaner_note (GPtrArray  *list,
              gboolean    add,
              const char *what)
{
  guint i;

  if (g_ptr_array_find_with_equal_func (list, what, g_str_equal, &i))
    g_ptr_array_remove_index (list, i);
  if (add)
    g_ptr_array_add (list, g_strdup (what));
}

/* Whether any argument of process @pid's command line contains @path. */
static gboolean
command_line_names (const char *pid,
                    const char *path)
{
  g_autofree char *file = g_strdup_printf ("/proc/%s/cmdline", pid);
  g_autofree char *cmdline = NULL;
  gsize len = 0;

  if (!g_file_get_contents (file, &cmdline, &len, NULL))
    return FALSE;
  for (const char *arg = cmdline; arg < cmdline + len; arg += strlen (arg) + 1)
    if (strstr (arg, path) != NULL)
      return TRUE;
  return FALSE;
}

/* Ends the processes whose command line names @path: politely, then for good. */
static void
end_users_of (const char *path)
{
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *entry;

  while (proc != NULL && (entry = g_dir_read_name (proc)) != NULL)
    {
      guint64 pid;

      if (g_ascii_string_to_unsigned (entry, 10, 2, G_MAXINT, &pid, NULL) &&
          (pid_t)pid != getpid () && command_line_names (entry, path))
        {
          pid_t p = (pid_t)pid;

          g_printerr ("# e2e cleaner: ending process %d, which uses %s\n", (int)p, path);
          kill (p, SIGTERM);
          g_array_append_val (pids, p);
        }
    }
  for (int tries = 0; tries < 30; tries++)
    {
      gboolean alive = FALSE;

      for (guint i = 0; i < pids->len; i++)
        alive |= kill (g_array_index (pids, pid_t, i), 0) == 0;
      if (!alive)
        return;
      g_usleep (100 * 1000);
    }
  for (guint i = 0; i < pids->len; i++)
    kill (g_array_index (pids, pid_t, i), SIGKILL);
}

void
e2e_witness_send (int         fd,
                  const char *line)
{
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  gsize len = strlen (text);

  for (gsize done = 0; done < len;)
    {
      gssize n = write (fd, text + done, len - done);

      if (n < 0 && errno != EINTR)
        g_error ("Cannot reach the test's witness process: %s", g_strerror (errno));
      done += MAX (n, 0);
    }
}

G_GNUC_NORETURN static void
witness_run (int              fd,
             E2eWitnessFunc   run,
             gpointer         data)
{
  g_autoptr(GString) input = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  int devnull = open ("/dev/null", O_RDWR);
  char buf[4096];
  gssize n;

  setsid ();
  /* Once the test has ended, whoever read its output may have stopped reading. */
  signal (SIGPIPE, SIG_IGN);
  /* The test's standard output is its TAP report: not a word from here in it. */
  dup2 (devnull, STDIN_FILENO);
  dup2 (devnull, STDOUT_FILENO);
  while ((n = read (fd, buf, sizeof buf)) != 0)
    {
      if (n < 0 && errno != EINTR)
        break;
      g_string_append_len (input, buf, MAX (n, 0));
    }
  /* However long libvirtd takes, the witness does not outstay its welcome. */
  alarm (120);
  lines = g_strsplit (input->str, "\n", -1);
  run (lines, data);
  _exit (0);
}

int
e2e_witness_start (E2eWitnessFunc run,
                   gpointer       data)
{
  int fds[2];
  pid_t pid;

  /* Close-on-exec: no daemon or QEMU the test starts keeps the pipe open. */
  if (pipe2 (fds, O_CLOEXEC) != 0)
    g_error ("pipe2 failed: %s", g_strerror (errno));
  pid = fork ();
  if (pid < 0)
    g_error ("Cannot start the test's witness process: %s", g_strerror (errno));
  if (pid == 0)
    {
      close (fds[1]);
      witness_run (fds[0], run, data);
    }
  close (fds[0]);
  return fds[1];
}

static void
cleaner_run (char   **lines,
             gpointer data)
{
  pid_t test = GPOINTER_TO_INT (data);
  g_autoptr(GPtrArray) domains = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      cleaner_note (g_ascii_tolower (lines[i][0]) == 'd' ? domains : paths,
                    g_ascii_islower (lines[i][0]), lines[i] + 1);

  if (domains->len > 0)
    {
      virConnectPtr conn = virConnectOpen (g_getenv ("HANGAR_TEST_LIBVIRT_URI"));

      for (guint i = 0; conn != NULL && i < domains->len; i++)
        {
          const char *name = g_ptr_array_index (domains, i);
          virDomainPtr dom = virDomainLookupByName (conn, name);

          if (dom == NULL)
            continue;
          g_printerr ("# e2e cleaner: test process %d ended without removing guest %s: "
                      "removing it\n", (int)test, name);
          virDomainFree (dom);
          e2e_remove_domain (conn, name);
        }
      if (conn == NULL)
        g_printerr ("# e2e cleaner: cannot reach libvirtd to remove the test's guests: %s\n",
                    e2e_virt_error ());
      else
        virConnectClose (conn);
    }

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      const char *argv[] = { "rm", "-rf", "--", path, NULL };

      end_users_of (path);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      g_printerr ("# e2e cleaner: test process %d ended without removing %s: removing it\n",
                  (int)test, path);
      g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                    NULL, NULL);
    }
}

void
e2e_test_init (int    *argc,
               char ***argv)
{
  g_log_set_writer_func (log_writer, NULL, NULL);
  /* Before any thread, and before libvirt or GTK hold anything the child would copy. */
  cleaner_fd = e2e_witness_start (cleaner_run, GINT_TO_POINTER (getpid ()));

  g_test_init (argc, argv, NULL);
  /* Fatal warnings and criticals, as g_test_init () and G_DEBUG=fatal-warnings would
   * have them, but decided by log_writer (), which knows the harmless ones. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
}

void
e2e_remove_domain (virConnectPtr conn,
                   const char   *name)
{
  virDomainPtr dom = virDomainLookupByName (conn, name);

  if (!dom)
    return;
  if (virDomainIsActive (dom) == 1)
    virDomainDestroy (dom);
  virDomainUndefineFlags (dom, VIR_DOMAIN_UNDEFINE_NVRAM);
  virDomainFree (dom);
}

/* Test guests are named PREFIX[WORD-]PID[-…] after the test process that made them: one
 * whose process still runs belongs to a test running now and is left alone. */
static gboolean
owner_alive (const char *rest)
{
  g_auto(GStrv) parts = g_strsplit (rest, "-", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 pid;

      if (g_ascii_string_to_unsigned (parts[i], 10, 1, G_MAXINT, &pid, NULL))
        return (int)pid == getpid () || kill ((pid_t)pid, 0) == 0 || errno == EPERM;
    }
  return FALSE;
}

void
e2e_remove_stale_domains (virConnectPtr conn,
                          const char   *prefix)
{
  virDomainPtr *doms = NULL;
  int n = virConnectListAllDomains (conn, &doms, 0);

  for (int i = 0; i < n; i++)
    {
      const char *name = virDomainGetName (doms[i]);

      if (name && g_str_has_prefix (name, prefix) && !owner_alive (name + strlen (prefix)))
        {
          g_test_message ("removing stale test guest %s", name);
          e2e_remove_domain (conn, name);
        }
      virDomainFree (doms[i]);
    }
  free (doms);
}

void
e2e_remove_stale_pools (virConnectPtr conn,
                        const char   *prefix)
{
  virStoragePoolPtr *pools = NULL;
  int n = virConnectListAllStoragePools (conn, &pools, 0);

  for (int i = 0; i < n; i++)
    {
      const char *name = virStoragePoolGetName (pools[i]);

      if (name && g_str_has_prefix (name, prefix) && !owner_alive (name + strlen (prefix)))
        {
          g_test_message ("removing stale test pool %s", name);
          virStoragePoolDestroy (pools[i]);
          /* A transient pool is gone once stopped; undefining it fails, harmlessly. */
          virStoragePoolUndefine (pools[i]);
          virResetLastError ();
        }
      virStoragePoolFree (pools[i]);
    }
  free (pools);
}

static void (*cleanup_hook) (void);

void
e2e_set_cleanup (void (*cleanup) (void))
{
  cleanup_hook = cleanup;
}

void
e2e_fail (const char *file,
          int         line,
          const char *func,
          const char *format,
          ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  if (cleanup_hook != NULL)
    cleanup_hook ();
  g_assertion_message (G_LOG_DOMAIN, file, line, func, msg);
  abort ();
}

const char *
e2e_virt_error (void)
{
  const char *msg = virGetLastErrorMessage ();

  return msg ? msg : "(no libvirt error)";
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
e2e_wait_for_elapsed (E2ePredicate pred,
                      gpointer     data,
                      guint        timeout_ms,
                      gint64      *elapsed_ms)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64)timeout_ms * 1000;
  /* A tick, so that a blocking iteration wakes up to look at the clock. At the lowest
   * priority: an iteration dispatches only the most urgent of the sources that are ready,
   * and a tick of default priority is ready again whenever the predicate took longer than
   * its period (comparing a console with a screenshot takes ~11 ms), which shut out every
   * idle for good; gvnc hands over each update rectangle in one, so a console stopped in
   * the middle of an update and never showed the rest of the screen. */
  guint tick = g_timeout_add_full (G_PRIORITY_LOW, 10, wake_up, NULL, NULL);
  gboolean ok;

  while (!(ok = pred (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
  if (elapsed_ms != NULL)
    *elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  return ok;
}

gboolean
e2e_wait_for (E2ePredicate pred,
              gpointer     data,
              guint        timeout_ms)
{
  return e2e_wait_for_elapsed (pred, data, timeout_ms, NULL);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
e2e_spin (guint ms)
{
  e2e_wait_for (never, NULL, ms);
}

E2eUser
e2e_nobody (void)
{
  struct passwd *nobody = getpwnam ("nobody");

  e2e_assert (geteuid () == 0, "the test needs root: it runs a daemon as nobody");
  e2e_assert (nobody != NULL, "the test needs the user nobody");
  return (E2eUser) { nobody->pw_uid, nobody->pw_gid };
}

/* In the child, before exec. */
void
e2e_become_nobody (gpointer user)
{
  const E2eUser *nobody = user;

  if (setgroups (0, NULL) < 0 || setgid (nobody->gid) < 0 || setuid (nobody->uid) < 0)
    _exit (127);
  /* After setuid, which clears it. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}
