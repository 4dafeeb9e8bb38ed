// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * End-to-end test of HangarConnection/HangarGuest against a real libvirtd + QEMU.
 *
 * Needs (build-aux/test provides them):
 *   HANGAR_TEST_LIBVIRT_URI   e.g. qemu:///system; the test fails if unset or unreachable
 *   HANGAR_TEST_GUEST_DIR     the tiny guest from tests/guest/build-guest.sh (optional:
 *                             without it a diskless guest is started, which QEMU runs
 *                             just the same, sitting in the BIOS)
 *   HANGAR_TEST_GUEST_XML_IN  tests/guest/guest.xml.in (set by tests/e2e/meson.build)
 *   root, to kill and restart the system libvirtd and to drop clients (virt-admin).
 *
 * survives-closed-socket: libvirtd drops Hangar's connection while the main loop is
 * blocked; the process must not die of SIGPIPE, and must reconnect.
 * lifecycle-and-reconnect: it defines a guest behind Hangar's back, starts it, kills
 * libvirtd (the reconnect attempts must back off: 1, 2, 4, 5 s), restarts it and checks
 * that Hangar follows every step by itself. Whatever happens, the guest is destroyed and
 * undefined and libvirtd is left running.
 */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "e2e-virt.h"
#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-guest.h"

#define GUEST_PREFIX "hangar-e2e-"

/* Timeouts (ms). */
#define CONNECT_TIMEOUT      15000
#define APPEAR_TIMEOUT        1000
#define RUNNING_TIMEOUT       2000
#define DROP_TIMEOUT         10000
#define RECONNECT_TIMEOUT    30000
#define LIBVIRTD_UP_TIMEOUT  15000
#define BACKOFF_TIMEOUT      25000
/* Longer than the keepalive interval of libvirtd (keepalive_interval, 5 s by default)
 * and of Hangar (5 s), shorter than libvirtd's limit (5 × 5 s). */
#define KEEPALIVE_STALL_S        7

static const char *uri;
static char *guest_name;
static gboolean libvirtd_killed;   /* we killed it and have not seen it back yet */
static gboolean cleaning_up;

/* States the connection went through (from notify::state), so a short-lived
 * FAILED between two reconnect attempts is not missed. */
static guint state_seen[HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS + 1];
/* When (monotonic µs) the connection last became each state, since the last reset. */
static GArray *became_failed;
static GArray *became_connecting;

static void cleanup (void);

/* ---- predicates ------------------------------------------------------------------------ */

typedef struct {
  HangarConnection      *conn;
  HangarConnectionState  state;
} StateWait;

static gboolean
conn_state_is (gpointer data)
{
  StateWait *w = data;
  return hangar_connection_get_state (w->conn) == w->state;
}

static gboolean
conn_state_was (gpointer data)
{
  StateWait *w = data;
  return state_seen[w->state] > 0 || hangar_connection_get_state (w->conn) == w->state;
}

/* Waits until @conn is @state (FAILED: has been, however briefly); fails saying @what was
 * awaited. Returns how long it took (ms) and says so in the log. */
static gint64
await_state (HangarConnection      *conn,
             HangarConnectionState  state,
             guint                  timeout_ms,
             const char            *what)
{
  static const char *const names[] = { "DISCONNECTED", "CONNECTING", "CONNECTED", "FAILED",
                                       "NEEDS_CREDENTIALS" };
  StateWait w = { conn, state };
  gint64 ms;

  e2e_assert (e2e_wait_for_elapsed (state == HANGAR_CONNECTION_STATE_FAILED ? conn_state_was
                                                                            : conn_state_is,
                                    &w, timeout_ms, &ms),
              "%s: not %s within %u ms (state %s, error %s)", what, names[state], timeout_ms,
              hangar_connection_get_state_label (conn), hangar_connection_get_error_message (conn));
  g_test_message ("%s: %s after %" G_GINT64_FORMAT " ms%s%s", what, names[state], ms,
                  hangar_connection_get_error_message (conn) ? ": " : "",
                  hangar_connection_get_error_message (conn) ? hangar_connection_get_error_message (conn) : "");
  return ms;
}

static guint
count_guests (HangarConnection *conn, const char *name, HangarGuest **found)
{
  GListModel *guests = hangar_connection_get_guests (conn);
  guint n = guests ? g_list_model_get_n_items (guests) : 0;
  guint count = 0;

  if (found)
    *found = NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (HangarGuest) guest = g_list_model_get_item (guests, i);
      if (g_strcmp0 (hangar_guest_get_name (guest), name) == 0)
        {
          count++;
          if (found && !*found)
            *found = g_object_ref (guest);
        }
    }
  return count;
}

typedef struct {
  HangarConnection *conn;
  guint             count;
} CountWait;

static gboolean
guest_count_is (gpointer data)
{
  CountWait *w = data;
  return count_guests (w->conn, guest_name, NULL) == w->count;
}

typedef struct {
  HangarConnection *conn;
  HangarGuestState  state;
} GuestStateWait;

static gboolean
guest_state_is (gpointer data)
{
  GuestStateWait *w = data;
  g_autoptr (HangarGuest) guest = NULL;

  count_guests (w->conn, guest_name, &guest);
  return guest && hangar_guest_get_state (guest) == w->state;
}

static void
on_state_notify (HangarConnection *conn, GParamSpec *pspec, gpointer data)
{
  HangarConnectionState state = hangar_connection_get_state (conn);

  gint64 now = g_get_monotonic_time ();

  if (state < G_N_ELEMENTS (state_seen))
    state_seen[state]++;
  if (state == HANGAR_CONNECTION_STATE_FAILED)
    g_array_append_val (became_failed, now);
  else if (state == HANGAR_CONNECTION_STATE_CONNECTING)
    g_array_append_val (became_connecting, now);
  g_test_message ("connection state -> %s%s%s", hangar_connection_get_state_label (conn),
                  hangar_connection_get_error_message (conn) ? ": " : "",
                  hangar_connection_get_error_message (conn) ? hangar_connection_get_error_message (conn) : "");
}

/* Reconnect attempts of a dropped connection wait 1, 2, 4 s, then 5 s each (GLib's
 * whole-second timer may shift each by up to -250/+750 ms). */
static const int reconnect_delays_ms[] = { 1000, 2000, 4000, 5000 };

/* @data reconnect attempts failed (the drop was the first FAILED) and none is running. */
static gboolean
failed_attempts_reach (gpointer data)
{
  guint attempts = GPOINTER_TO_UINT (data);

  return became_connecting->len >= attempts && became_failed->len >= attempts + 1;
}

static gboolean
label_says_reconnecting (gpointer data)
{
  return g_strcmp0 (hangar_connection_get_state_label (data), "Disconnected, reconnecting…") == 0;
}

/* ---- libvirtd ------------------------------------------------------------------------------ */

static gboolean
have_systemd (void)
{
  return g_file_test ("/run/systemd/system", G_FILE_TEST_IS_DIR);
}

static gboolean
run_quietly (const char *const *argv, GError **error)
{
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, error))
    return FALSE;
  return g_spawn_check_wait_status (status, error);
}

/* The system libvirtd's pid, or 0. */
static pid_t
libvirtd_pid (void)
{
  g_autofree char *contents = NULL;
  pid_t pid;

  if (!g_file_get_contents ("/run/libvirtd.pid", &contents, NULL, NULL))
    return 0;
  pid = (pid_t) g_ascii_strtoll (contents, NULL, 10);
  if (pid <= 0 || (kill (pid, 0) < 0 && errno == ESRCH))
    return 0;
  return pid;
}

static gboolean
libvirtd_gone (gpointer data)
{
  pid_t pid = GPOINTER_TO_INT (data);
  return kill (pid, 0) < 0 && errno == ESRCH;
}

/* Kills the system libvirtd (the one in /run/libvirtd.pid; else pkill -x libvirtd)
 * and waits for it to exit. Running QEMU processes are not affected. */
static void
kill_libvirtd (void)
{
  pid_t pid = libvirtd_pid ();
  g_autoptr (GError) error = NULL;

  libvirtd_killed = TRUE;
  if (pid > 0)
    {
      g_test_message ("killing libvirtd (pid %d)", (int) pid);
      e2e_assert (kill (pid, SIGTERM) == 0, "kill libvirtd pid %d: %s", (int) pid, g_strerror (errno));
      if (!e2e_wait_for_elapsed (libvirtd_gone, GINT_TO_POINTER (pid), 10000, NULL))
        {
          kill (pid, SIGKILL);
          e2e_assert (e2e_wait_for_elapsed (libvirtd_gone, GINT_TO_POINTER (pid), 5000, NULL),
                      "libvirtd pid %d does not exit", (int) pid);
        }
    }
  else
    {
      const char *argv[] = { "pkill", "-x", "libvirtd", NULL };
      g_test_message ("no /run/libvirtd.pid; pkill -x libvirtd");
      e2e_assert (run_quietly (argv, &error), "pkill -x libvirtd: %s", error->message);
    }
}

static gboolean
libvirtd_answers (gpointer data)
{
  virConnectPtr c = virConnectOpen (uri);

  if (!c)
    return FALSE;
  virConnectClose (c);
  return TRUE;
}

/* Starts libvirtd again (systemd if it runs the show, else libvirtd -d). */
static gboolean
start_libvirtd (GError **error)
{
  if (have_systemd ())
    {
      const char *argv[] = { "systemctl", "start", "libvirtd.service", NULL };
      return run_quietly (argv, error);
    }
  else
    {
      const char *daemon = g_file_test ("/usr/sbin/libvirtd", G_FILE_TEST_IS_EXECUTABLE)
                           ? "/usr/sbin/libvirtd" : "libvirtd";
      const char *argv[] = { daemon, "-d", NULL };
      return run_quietly (argv, error);
    }
}

/* ---- libvirtd's clients (virt-admin) ------------------------------------------------------ */

#define LIBVIRTD_SERVER "libvirtd"

static char *
virt_admin (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "virt-admin");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  e2e_assert (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                            &out, &err, &status, &error) &&
              g_spawn_check_wait_status (status, &error),
              "virt-admin %s failed: %s %s (virt-admin is in libvirt-clients; it needs root)",
              args[0], error ? error->message : "", err ? err : "");
  return out;
}

/* The ids libvirtd gives this process's connections (client-list, then client-info's
 * unix_process_id for each). */
static GArray *
own_client_ids (void)
{
  const char *list_args[] = { "client-list", LIBVIRTD_SERVER, NULL };
  g_autofree char *list = virt_admin (list_args);
  g_auto (GStrv) lines = g_strsplit (list, "\n", -1);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autofree char *own_pid = g_strdup_printf ("%d", (int) getpid ());

  for (guint i = 0; lines[i]; i++)
    {
      g_auto (GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " \t", 2);
      g_autofree char *info = NULL;
      g_auto (GStrv) info_lines = NULL;
      guint64 id;

      if (!words[0] || !g_ascii_string_to_unsigned (words[0], 10, 0, G_MAXINT, &id, NULL))
        continue;
      {
        const char *info_args[] = { "client-info", LIBVIRTD_SERVER, words[0], NULL };
        info = virt_admin (info_args);
      }
      info_lines = g_strsplit (info, "\n", -1);
      for (guint j = 0; info_lines[j]; j++)
        {
          g_auto (GStrv) kv = g_strsplit (info_lines[j], ":", 2);

          if (kv[0] && kv[1] && g_str_equal (g_strstrip (kv[0]), "unix_process_id") &&
              g_str_equal (g_strstrip (kv[1]), own_pid))
            g_array_append_val (ids, id);
        }
    }
  return ids;
}

/* ---- the test guest ---------------------------------------------------------------------- */

static char *
guest_xml (const char *name)
{
  const char *template_path = g_getenv ("HANGAR_TEST_GUEST_XML_IN");
  const char *dir = g_getenv ("HANGAR_TEST_GUEST_DIR");
  g_autofree char *template = NULL;
  g_autofree char *kernel = NULL;
  g_autofree char *initrd = NULL;
  g_autofree char *cmdline = NULL;
  g_autoptr (GError) error = NULL;
  GString *xml;

  e2e_assert (template_path != NULL, "HANGAR_TEST_GUEST_XML_IN is not set (tests/e2e/meson.build sets it)");
  e2e_assert (g_file_get_contents (template_path, &template, NULL, &error),
              "cannot read the guest template: %s", error->message);

  if (dir)
    {
      kernel = g_build_filename (dir, "vmlinuz", NULL);
      initrd = g_build_filename (dir, "initrd.img", NULL);
      g_autofree char *cmdline_path = g_build_filename (dir, "cmdline", NULL);
      if (!g_file_test (kernel, G_FILE_TEST_EXISTS) || !g_file_test (initrd, G_FILE_TEST_EXISTS) ||
          !g_file_get_contents (cmdline_path, &cmdline, NULL, NULL))
        g_clear_pointer (&kernel, g_free);
      else
        g_strstrip (cmdline);
    }

  xml = g_string_new (template);
  g_string_replace (xml, "@NAME@", name, 0);
  /* kvm where build-aux/test found libvirt offers it, else TCG. */
  g_string_replace (xml, "@VIRT_TYPE@",
                    g_getenv ("HANGAR_TEST_VIRT_TYPE") ? g_getenv ("HANGAR_TEST_VIRT_TYPE") : "qemu",
                    0);
  if (kernel)
    {
      g_autofree char *k = g_markup_escape_text (kernel, -1);
      g_autofree char *i = g_markup_escape_text (initrd, -1);
      g_autofree char *c = g_markup_escape_text (cmdline, -1);
      g_string_replace (xml, "@KERNEL@", k, 0);
      g_string_replace (xml, "@INITRD@", i, 0);
      g_string_replace (xml, "@CMDLINE@", c, 0);
    }
  else
    {
      g_autoptr (GRegex) boot = g_regex_new ("^.*@(KERNEL|INITRD|CMDLINE)@.*\\n", G_REGEX_MULTILINE, 0, NULL);
      char *stripped = g_regex_replace_literal (boot, xml->str, -1, 0, "", 0, NULL);
      g_test_message ("HANGAR_TEST_GUEST_DIR has no tiny guest: starting a diskless guest");
      g_string_assign (xml, stripped);
      g_free (stripped);
    }
  g_string_replace (xml, "@GRAPHICS@",
                    "<graphics type='vnc' autoport='yes' listen='127.0.0.1'>"
                    "<listen type='address' address='127.0.0.1'/></graphics>", 0);
  g_string_replace (xml, "@SERIAL_LOG@", "", 0);
  return g_string_free (xml, FALSE);
}

/* Leaves libvirtd running and the test guest gone, whatever state we are in. */
static void
cleanup (void)
{
  virConnectPtr c;
  g_autoptr (GError) error = NULL;

  if (cleaning_up)
    return;
  cleaning_up = TRUE;

  if (libvirtd_killed && !libvirtd_answers (NULL))
    {
      if (!start_libvirtd (&error))
        g_printerr ("# cleanup: could not restart libvirtd: %s\n", error->message);
      for (int i = 0; i < 100 && !libvirtd_answers (NULL); i++)
        g_usleep (100 * 1000);
    }
  libvirtd_killed = FALSE;

  if (guest_name && uri && (c = virConnectOpen (uri)))
    {
      e2e_remove_domain (c, guest_name);
      virConnectClose (c);
    }
  cleaning_up = FALSE;
}

static gboolean
on_terminate (gpointer data)
{
  g_printerr ("# terminated: cleaning up\n");
  cleanup ();
  _exit (1);
  return G_SOURCE_REMOVE;
}

/* ---- the test --------------------------------------------------------------------------------- */

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
} OpenResult;

static void
on_opened (GObject *source, GAsyncResult *result, gpointer data)
{
  OpenResult *r = data;

  r->ok = hangar_connection_open_finish (HANGAR_CONNECTION (source), result, &r->error);
  r->done = TRUE;
}

static gboolean
open_done (gpointer data)
{
  return ((OpenResult *) data)->done;
}

static void
test_lifecycle_and_reconnect (void)
{
  g_autoptr (HangarConnection) conn = NULL;
  g_autoptr (HangarGuest) guest = NULL;
  OpenResult opened = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *xml = NULL;
  virConnectPtr virt;
  virDomainPtr dom;
  gint64 ms;

  /* -- preconditions -- */
  e2e_assert (uri != NULL && *uri,
              "HANGAR_TEST_LIBVIRT_URI is not set. Run the tests with build-aux/test, or set it "
              "to a libvirt URI with a running libvirtd and QEMU (e.g. qemu:///system, as root).");
  virt = virConnectOpen (uri);
  e2e_assert (virt != NULL, "cannot connect to %s: %s (is libvirtd running?)", uri, e2e_virt_error ());
  e2e_assert (libvirtd_pid () > 0 || have_systemd () || getuid () == 0,
              "this test kills and restarts libvirtd: run it as root");
  e2e_remove_stale_domains (virt, GUEST_PREFIX);

  /* -- connect -- */
  conn = hangar_connection_new (uri);
  e2e_assert (conn != NULL, "hangar_connection_new returned NULL");
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (conn), "state"))
    g_signal_connect (conn, "notify::state", G_CALLBACK (on_state_notify), NULL);
  hangar_connection_open_async (conn, NULL, on_opened, &opened);

  await_state (conn, HANGAR_CONNECTION_STATE_CONNECTED, CONNECT_TIMEOUT, "opening");
  e2e_assert (e2e_wait_for_elapsed (open_done, &opened, 5000, NULL), "open_async never completed");
  e2e_assert (opened.ok, "open_finish failed: %s",
              opened.error ? opened.error->message : "FALSE without an error");

  /* -- a guest defined behind Hangar's back appears -- */
  guest_name = g_strdup_printf (GUEST_PREFIX "%d-%" G_GINT64_FORMAT, (int) getpid (),
                                g_get_real_time () / 1000);
  xml = guest_xml (guest_name);
  e2e_cleanup_domain (guest_name);
  dom = virDomainDefineXML (virt, xml);
  e2e_assert (dom != NULL, "virDomainDefineXML: %s", e2e_virt_error ());
  {
    CountWait w = { conn, 1 };
    e2e_assert (e2e_wait_for_elapsed (guest_count_is, &w, APPEAR_TIMEOUT, &ms),
                "defined guest %s not listed exactly once within %d ms (count %u)",
                guest_name, APPEAR_TIMEOUT, count_guests (conn, guest_name, NULL));
    g_test_message ("defined guest listed after %" G_GINT64_FORMAT " ms", ms);
  }
  count_guests (conn, guest_name, &guest);
  e2e_assert (hangar_connection_find_guest (conn, guest_name) == guest,
              "hangar_connection_find_guest does not return the listed guest");
  e2e_assert (hangar_guest_get_state (guest) == HANGAR_GUEST_STATE_SHUTOFF,
              "a defined guest should be SHUTOFF, is %s", hangar_guest_get_state_label (guest));
  e2e_assert (hangar_guest_get_persistent (guest), "a defined guest should be persistent");
  e2e_assert (!hangar_guest_is_active (guest), "a defined guest should not be active");

  /* -- started behind Hangar's back: it follows -- */
  e2e_assert (virDomainCreate (dom) == 0, "virDomainCreate: %s", e2e_virt_error ());
  e2e_assert (virDomainIsActive (dom) == 1, "libvirt does not report the guest active");
  {
    GuestStateWait w = { conn, HANGAR_GUEST_STATE_RUNNING };
    e2e_assert (e2e_wait_for_elapsed (guest_state_is, &w, RUNNING_TIMEOUT, &ms),
                "guest not RUNNING in Hangar within %d ms of libvirt reporting it (is %s)",
                RUNNING_TIMEOUT, hangar_guest_get_state_label (guest));
    g_test_message ("guest RUNNING in Hangar %" G_GINT64_FORMAT " ms after libvirt", ms);
  }
  e2e_assert (hangar_guest_is_active (guest), "a running guest should be active");
  virDomainFree (dom);
  virConnectClose (virt);
  virt = NULL;

  /* -- libvirtd dies: the connection reports the drop -- */
  memset (state_seen, 0, sizeof state_seen);
  g_array_set_size (became_failed, 0);
  g_array_set_size (became_connecting, 0);
  kill_libvirtd ();
  await_state (conn, HANGAR_CONNECTION_STATE_FAILED, DROP_TIMEOUT, "libvirtd killed");

  /* Auto-reconnect fails against the missing daemon, waiting longer each time. */
  {
    guint attempts = G_N_ELEMENTS (reconnect_delays_ms);

    /* Between two attempts (one may be under way just now). */
    e2e_assert (e2e_wait_for (label_says_reconnecting, conn, 2000),
                "a dropped connection reads “%s”, not that it is reconnecting",
                hangar_connection_get_state_label (conn));
    e2e_assert (e2e_wait_for_elapsed (failed_attempts_reach, GUINT_TO_POINTER (attempts),
                                      BACKOFF_TIMEOUT, &ms),
                "%u reconnect attempts did not fail within %d ms (%u tried, %u failed)",
                attempts, BACKOFF_TIMEOUT, became_connecting->len, became_failed->len);
    for (guint i = 0; i < attempts; i++)
      {
        /* From the failure before to the attempt: how long the connection waited. */
        gint64 waited = (g_array_index (became_connecting, gint64, i) -
                         g_array_index (became_failed, gint64, i)) / 1000;

        g_test_message ("reconnect attempt %u after %" G_GINT64_FORMAT " ms", i + 1, waited);
        e2e_assert (waited >= reconnect_delays_ms[i] - 300 &&
                    waited <= reconnect_delays_ms[i] + 1000,
                    "reconnect attempt %u came %" G_GINT64_FORMAT " ms after the failure "
                    "before it, not about %d ms", i + 1, waited, reconnect_delays_ms[i]);
      }
  }

  /* -- libvirtd comes back: Hangar reconnects by itself -- */
  memset (state_seen, 0, sizeof state_seen);
  e2e_assert (start_libvirtd (&error), "could not restart libvirtd: %s", error->message);
  e2e_assert (e2e_wait_for_elapsed (libvirtd_answers, NULL, LIBVIRTD_UP_TIMEOUT, &ms),
              "libvirtd does not answer within %d ms of being restarted", LIBVIRTD_UP_TIMEOUT);
  libvirtd_killed = FALSE;
  g_test_message ("libvirtd answers again after %" G_GINT64_FORMAT " ms", ms);
  await_state (conn, HANGAR_CONNECTION_STATE_CONNECTED, RECONNECT_TIMEOUT,
               "reconnecting once libvirtd answered");
  {
    CountWait w = { conn, 1 };
    e2e_assert (e2e_wait_for_elapsed (guest_count_is, &w, 2000, NULL),
                "after reconnecting, guest %s listed %u times, not once",
                guest_name, count_guests (conn, guest_name, NULL));
    /* ... and stays once (no late duplicate from a second refresh) */
    e2e_spin (1000);
    e2e_assert (count_guests (conn, guest_name, NULL) == 1,
                "after reconnecting, guest %s listed %u times, not once",
                guest_name, count_guests (conn, guest_name, NULL));
  }
  {
    GuestStateWait w = { conn, HANGAR_GUEST_STATE_RUNNING };
    e2e_assert (e2e_wait_for_elapsed (guest_state_is, &w, RUNNING_TIMEOUT, NULL),
                "after reconnecting, the still-running guest is not RUNNING in Hangar");
  }

  /* -- destroyed and undefined behind Hangar's back: it goes away -- */
  virt = virConnectOpen (uri);
  e2e_assert (virt != NULL, "cannot reconnect to %s: %s", uri, e2e_virt_error ());
  e2e_remove_domain (virt, guest_name);
  e2e_cleanup_domain_done (guest_name);
  virConnectClose (virt);
  {
    CountWait w = { conn, 0 };
    e2e_assert (e2e_wait_for_elapsed (guest_count_is, &w, 2000, &ms),
                "undefined guest %s still listed after 2000 ms", guest_name);
    g_test_message ("undefined guest gone after %" G_GINT64_FORMAT " ms", ms);
  }

  hangar_connection_close (conn);
  cleanup ();
}

/* libvirt's RPC writes with plain write(): a keepalive ping or pong sent on a socket
 * libvirtd has closed gets EPIPE, and SIGPIPE unless the process ignores it. Here the
 * main thread blocks (as in a slow synchronous call) past both sides' keepalive
 * interval, so libvirtd has sent a ping Hangar did not answer and Hangar's own ping is
 * due; libvirtd drops the client meanwhile (virt-admin client-disconnect). When the main
 * loop runs again, libvirt writes to the dead socket. The process must live, report the
 * connection lost and reconnect. */
static void
test_survives_closed_socket (void)
{
  g_autoptr (HangarConnection) conn = NULL;
  g_autoptr (GArray) before = NULL;
  g_autoptr (GArray) after = NULL;
  g_autofree char *client = NULL;

  e2e_assert (uri != NULL && *uri,
              "HANGAR_TEST_LIBVIRT_URI is not set. Run the tests with build-aux/test.");

  conn = hangar_connection_new (uri);
  g_signal_connect (conn, "notify::state", G_CALLBACK (on_state_notify), NULL);
  hangar_connection_open_async (conn, NULL, NULL, NULL);
  await_state (conn, HANGAR_CONNECTION_STATE_CONNECTED, CONNECT_TIMEOUT, "opening");
  before = own_client_ids ();
  e2e_assert (before->len == 1, "libvirtd lists %u connections of this process, not 1",
              before->len);
  client = g_strdup_printf ("%" G_GUINT64_FORMAT, g_array_index (before, guint64, 0));

  /* The main thread blocks: no main-loop iteration from here to the disconnect. */
  g_test_message ("main thread blocked for %d s", KEEPALIVE_STALL_S);
  g_usleep (KEEPALIVE_STALL_S * G_USEC_PER_SEC);
  {
    const char *args[] = { "client-disconnect", LIBVIRTD_SERVER, client, NULL };
    g_free (virt_admin (args));
  }
  g_test_message ("libvirtd dropped client %s; main loop runs again", client);

  memset (state_seen, 0, sizeof state_seen);
  await_state (conn, HANGAR_CONNECTION_STATE_FAILED, DROP_TIMEOUT, "client dropped");
  await_state (conn, HANGAR_CONNECTION_STATE_CONNECTED, RECONNECT_TIMEOUT, "reconnecting");
  /* A new client of libvirtd, not the old one surviving somehow. */
  after = own_client_ids ();
  e2e_assert (after->len == 1 && g_array_index (after, guint64, 0) != g_array_index (before, guint64, 0),
              "after reconnecting, libvirtd lists %u connections of this process (the dropped one was %s)",
              after->len, client);

  hangar_connection_close (conn);
}

static void
drop_log_message (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
}

int
main (int argc, char **argv)
{
  int ret;

  setlocale (LC_ALL, "");
  /* Fatal warnings, and a cleaner that removes the test guest however the test ends;
   * cleanup () below also restarts a libvirtd this test stopped. */
  e2e_test_init (&argc, &argv);
  e2e_set_cleanup (cleanup);
  became_failed = g_array_new (FALSE, FALSE, sizeof (gint64));
  became_connecting = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* libvirt-glib logs every event-loop poll update at debug level: keep the log readable. */
  g_log_set_handler (NULL, G_LOG_LEVEL_DEBUG, drop_log_message, NULL);
  uri = g_getenv ("HANGAR_TEST_LIBVIRT_URI");

  /* SIGPIPE as a plain program starts with it (ignored signals are inherited): what
   * keeps this process alive in survives-closed-socket must be hangar_core_init. */
  signal (SIGPIPE, SIG_DFL);
  /* Ignores SIGPIPE, runs libvirt's event loop on the default main context
   * (gvir_event_register), keeps libvirt errors off stderr. */
  hangar_core_init ();
  g_unix_signal_add (SIGTERM, on_terminate, NULL);
  g_unix_signal_add (SIGINT, on_terminate, NULL);

  g_test_add_func ("/e2e/libvirtd/survives-closed-socket", test_survives_closed_socket);
  g_test_add_func ("/e2e/libvirtd/lifecycle-and-reconnect", test_lifecycle_and_reconnect);
  ret = g_test_run ();
  cleanup ();
  g_free (guest_name);
  return ret;
}
