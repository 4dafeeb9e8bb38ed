// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * End-to-end test of the serial console: HangarConsoleStream and HangarSerialConsole
 * against a real libvirtd + QEMU running the tiny test guest.
 *
 * Needs (build-aux/test provides them):
 *   HANGAR_TEST_LIBVIRT_URI     e.g. qemu:///system; the test fails if unset or unreachable
 *   HANGAR_TEST_GUEST_DIR       the tiny guest (tests/guest/build-guest.sh; guest-xml.sh
 *                               falls back to /var/cache/hangar-test-guest)
 *   HANGAR_TEST_GUEST_XML_SH    tests/guest/guest-xml.sh (set by tests/e2e/meson.build)
 *   DISPLAY                     an X server (Xvfb) for the widget part
 *
 * It boots the guest, reads its boot on a HangarConsoleStream and has its ttyS0 shell
 * compute something; then does the same by typing into a HangarSerialConsole (which
 * takes the console over), stops the guest and checks that the widget says so, starts
 * it again and checks that the widget reconnects by itself. Then another libvirt client
 * takes the console over with force: the widget says it is disconnected, its Reconnect
 * button takes the console back (the other client's stream ends) and the shell answers
 * there again. Last, Hangar's Reboot restarts the guest under the open console: the
 * widget stays connected, shows the new boot and its shell answers. Whatever happens,
 * the guest is destroyed and undefined.
 */
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib-unix.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "e2e-virt.h"
#include "hangar-connection.h"
#include "hangar-console-stream.h"
#include "hangar-core.h"
#include "hangar-guest.h"
#include "hangar-serial-console.h"

#define GUEST_PREFIX "hangar-e2e-serial-"
#define READY_MARK   "HANGAR-GUEST-READY"

/* Timeouts (ms). */
#define CONNECT_TIMEOUT  15000
#define GUEST_TIMEOUT     5000
#define BOOT_TIMEOUT     40000
#define ANSWER_TIMEOUT   10000
#define OPEN_TIMEOUT     10000
#define PROMPT_TIMEOUT   10000

static const char *uri;
static char *guest_name;
static gboolean cleaning_up;

static void cleanup (void);


/* Printable tail of what the guest said, for failure messages. */
static char *
tail_of (const char *text, gsize max)
{
  gsize len = strlen (text);
  return g_strescape (len > max ? text + len - max : text, NULL);
}

/* ---- the test guest ---------------------------------------------------------------------- */

static char *
guest_xml (const char *name)
{
  const char *script = g_getenv ("HANGAR_TEST_GUEST_XML_SH");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  const char *argv[] = { script, name, "none", NULL };

  e2e_assert (script != NULL, "HANGAR_TEST_GUEST_XML_SH is not set (tests/e2e/meson.build sets it)");
  e2e_assert (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                            &out, &err, &status, &error),
              "cannot run %s: %s", script, error->message);
  e2e_assert (g_spawn_check_wait_status (status, NULL),
              "%s failed (build the guest with tests/guest/build-guest.sh): %s", script, err);
  return g_steal_pointer (&out);
}

static void
cleanup (void)
{
  virConnectPtr c;

  if (cleaning_up)
    return;
  cleaning_up = TRUE;
  if (guest_name && uri && (c = virConnectOpen (uri)))
    {
      e2e_remove_domain (c, guest_name);
      e2e_cleanup_domain_done (guest_name);
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

/* ---- shared state: one guest for all steps ---------------------------------------------- */

static virConnectPtr virt;
static virDomainPtr domain;
static HangarConnection *connection;
static HangarGuest *guest;

static gboolean
conn_connected (gpointer data)
{
  return hangar_connection_get_state (connection) == HANGAR_CONNECTION_STATE_CONNECTED;
}

static gboolean
guest_state_is (gpointer data)
{
  HangarGuest *g = hangar_connection_find_guest (connection, guest_name);
  return g != NULL && hangar_guest_get_state (g) == (HangarGuestState) GPOINTER_TO_INT (data);
}

/* Collects a stream's output and how it ended. */
typedef struct {
  GString  *text;
  gboolean  closed;
  char     *reason;
} StreamLog;

static void
on_data_received (HangarConsoleStream *stream, GBytes *bytes, StreamLog *log)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_string_append_len (log->text, data, len);
}

static void
on_closed (HangarConsoleStream *stream, const char *reason, StreamLog *log)
{
  log->closed = TRUE;
  log->reason = g_strdup (reason);
}

typedef struct {
  gboolean             done;
  HangarConsoleStream *stream;
  GError              *error;
} OpenResult;

static void
on_opened (GObject *source, GAsyncResult *result, gpointer data)
{
  OpenResult *r = data;

  r->stream = hangar_console_stream_open_finish (result, &r->error);
  r->done = TRUE;
}

static gboolean
open_done (gpointer data)
{
  return ((OpenResult *) data)->done;
}

typedef struct {
  GString    *text;
  gsize       from;
  const char *needle;
} TextWait;

static gboolean
text_has (gpointer data)
{
  TextWait *w = data;
  return w->text->len > w->from && strstr (w->text->str + w->from, w->needle) != NULL;
}

static gboolean
stream_closed (gpointer data)
{
  return ((StreamLog *) data)->closed;
}

/* Waits until the guest's serial shell shows on @stream: its READY line, or, when the
 * stream attached after the guest printed that (libvirt can take seconds to hand a
 * console over on a busy host), a prompt answering Enter. */
static gboolean
stream_shell_up (StreamLog           *log,
                 HangarConsoleStream *stream,
                 guint                timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!log->closed)
    {
      TextWait ready = { log->text, 0, READY_MARK };
      TextWait prompt = { log->text, 0, "hangar-guest:" };

      if (e2e_wait_for_elapsed (text_has, &ready, 1000, NULL) || text_has (&prompt))
        return TRUE;
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      hangar_console_stream_write (stream, (const guint8 *) "\r", 1);
    }
  return FALSE;
}

/* Boots the guest (defined once, started each time), with Hangar following. */
static void
start_guest (void)
{
  e2e_assert (virDomainCreate (domain) == 0, "cannot start %s: %s", guest_name, e2e_virt_error ());
  e2e_assert (e2e_wait_for_elapsed (guest_state_is, GINT_TO_POINTER (HANGAR_GUEST_STATE_RUNNING),
                        GUEST_TIMEOUT, NULL),
              "Hangar does not show %s running within %d ms", guest_name, GUEST_TIMEOUT);
  guest = hangar_connection_find_guest (connection, guest_name);
}

/* ---- 1: the stream --------------------------------------------------------------------------- */

static StreamLog first_log;
static HangarConsoleStream *first_stream;

static void
test_stream (void)
{
  g_autofree char *xml = NULL;
  OpenResult opened = { 0 };
  gint64 ms, t0;
  gsize mark;
  const char *command = "echo $((6*7))\r";

  e2e_assert (uri != NULL && *uri,
              "HANGAR_TEST_LIBVIRT_URI is not set. Run the tests with build-aux/test, or set it "
              "to a libvirt URI with a running libvirtd and QEMU (e.g. qemu:///system, as root).");
  virt = virConnectOpen (uri);
  e2e_assert (virt != NULL, "cannot connect to %s: %s (is libvirtd running?)", uri, e2e_virt_error ());
  e2e_remove_stale_domains (virt, GUEST_PREFIX);

  connection = hangar_connection_new (uri);
  hangar_connection_open_async (connection, NULL, NULL, NULL);
  e2e_assert (e2e_wait_for_elapsed (conn_connected, NULL, CONNECT_TIMEOUT, NULL),
              "Hangar's connection to %s not CONNECTED within %d ms: %s", uri, CONNECT_TIMEOUT,
              hangar_connection_get_error_message (connection));

  xml = guest_xml (guest_name);
  e2e_cleanup_domain (guest_name);
  domain = virDomainDefineXML (virt, xml);
  e2e_assert (domain != NULL, "cannot define %s: %s", guest_name, e2e_virt_error ());

  /* Off: a clear error, no stream. */
  e2e_assert (e2e_wait_for_elapsed (guest_state_is, GINT_TO_POINTER (HANGAR_GUEST_STATE_SHUTOFF),
                        GUEST_TIMEOUT, NULL), "Hangar does not list the defined guest");
  hangar_console_stream_open_async (hangar_connection_find_guest (connection, guest_name),
                                    NULL, NULL, on_opened, &opened);
  e2e_assert (e2e_wait_for_elapsed (open_done, &opened, OPEN_TIMEOUT, NULL), "open_async never completed");
  e2e_assert (opened.stream == NULL && g_error_matches (opened.error, HANGAR_CONSOLE_STREAM_ERROR,
                                                        HANGAR_CONSOLE_STREAM_ERROR_NOT_RUNNING),
              "opening the console of a guest that is off: %s",
              opened.error ? opened.error->message : "no error");
  g_test_message ("guest off: %s", opened.error->message);
  g_clear_error (&opened.error);

  /* Started: open at once, to see the boot. */
  t0 = g_get_monotonic_time ();
  start_guest ();
  opened = (OpenResult) { 0 };
  hangar_console_stream_open_async (guest, NULL, NULL, on_opened, &opened);
  e2e_assert (e2e_wait_for_elapsed (open_done, &opened, OPEN_TIMEOUT, &ms), "open_async never completed");
  e2e_assert (opened.stream != NULL, "cannot open the console of the running guest: %s",
              opened.error->message);
  e2e_assert (hangar_console_stream_is_open (opened.stream), "the new stream is not open");
  g_test_message ("console open in %" G_GINT64_FORMAT " ms", ms);
  first_stream = opened.stream;
  first_log.text = g_string_new (NULL);
  g_signal_connect (first_stream, "data-received", G_CALLBACK (on_data_received), &first_log);
  g_signal_connect (first_stream, "closed", G_CALLBACK (on_closed), &first_log);

  {
    g_autofree char *seen = NULL;

    e2e_assert (stream_shell_up (&first_log, first_stream, BOOT_TIMEOUT) || first_log.closed,
                "no %s or shell prompt on the console within %d ms; it said: \"%s\"",
                READY_MARK, BOOT_TIMEOUT, (seen = tail_of (first_log.text->str, 600)));
    e2e_assert (!first_log.closed, "the stream closed during boot: %s", first_log.reason);
    g_test_message ("shell up %.1f s after start (%zu bytes of boot output)",
                    (g_get_monotonic_time () - t0) / 1e6, first_log.text->len);
  }

  /* Type into the ttyS0 shell; the answer must come back on the stream. */
  mark = first_log.text->len;
  hangar_console_stream_write (first_stream, (const guint8 *) command, strlen (command));
  {
    TextWait w = { first_log.text, mark, "\n42\r" };
    g_autofree char *seen = NULL;

    e2e_assert (e2e_wait_for_elapsed (text_has, &w, ANSWER_TIMEOUT, &ms),
                "no \"42\" from the guest within %d ms of writing %s; it said: \"%s\"",
                ANSWER_TIMEOUT, "echo $((6*7))", (seen = tail_of (first_log.text->str + mark, 400)));
    g_test_message ("the shell answered 42 in %" G_GINT64_FORMAT " ms", ms);
  }
}

/* ---- 2: the widget --------------------------------------------------------------------------- */

static GtkWindow *window;
static HangarSerialConsole *console;

static char *
terminal_text (void)
{
  return vte_terminal_get_text (hangar_serial_console_get_terminal (console), NULL, NULL, NULL);
}

static gboolean
console_connected (gpointer data)
{
  return hangar_serial_console_get_connected (console) == GPOINTER_TO_INT (data);
}

/* Whether a line of the terminal, stripped, is @data. The guest's shell asks the terminal
 * where its cursor is (ESC [6n); the terminal's answer is echoed back by the guest's tty
 * and may land after the command's output, shown as ^[[ROW;COLR: that echo is the
 * terminal's own input, not the command's output, so it is left out. */
static gboolean
terminal_has_line (gpointer data)
{
  static GRegex *echoed_report;
  g_autofree char *text = terminal_text ();
  g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);

  if (g_once_init_enter (&echoed_report))
    g_once_init_leave (&echoed_report, g_regex_new ("\\^\\[\\[[0-9]+;[0-9]+R", 0, 0, NULL));

  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *line = g_regex_replace_literal (echoed_report, lines[i], -1, 0, "", 0,
                                                       NULL);

      if (g_str_equal (g_strstrip (line), data))
        return TRUE;
    }
  return FALSE;
}

typedef struct {
  const char *needle;
  guint       count; /* more than this many */
} CountWait;

static guint
count_in_terminal (const char *needle)
{
  g_autofree char *text = terminal_text ();
  guint n = 0;

  for (const char *p = text; p && (p = strstr (p, needle)); p += strlen (needle))
    n++;
  return n;
}

static gboolean
terminal_count_above (gpointer data)
{
  CountWait *w = data;
  return count_in_terminal (w->needle) > w->count;
}

/* Types Enter until a fresh prompt shows: the shell is there and reading. */
static void
wait_for_prompt (guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  VteTerminal *terminal = hangar_serial_console_get_terminal (console);

  while (TRUE)
    {
      CountWait w = { "hangar-guest:", count_in_terminal ("hangar-guest:") };

      vte_terminal_feed_child (terminal, "\r", 1);
      if (e2e_wait_for_elapsed (terminal_count_above, &w, 1000, NULL))
        return;
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *text = terminal_text ();
          g_autofree char *seen = tail_of (text ? text : "", 400);
          e2e_fail (__FILE__, __LINE__, G_STRFUNC,
                    "no shell prompt in the terminal within %u ms; it shows: \"%s\"",
                    timeout_ms, seen);
        }
    }
}

static void
type_and_expect (const char *command, const char *answer)
{
  g_autofree char *typed = g_strconcat (command, "\r", NULL);
  gint64 ms;

  wait_for_prompt (PROMPT_TIMEOUT);
  /* feed_child goes through VteTerminal::commit, as typing does. */
  vte_terminal_feed_child (hangar_serial_console_get_terminal (console), typed, -1);
  if (!e2e_wait_for_elapsed (terminal_has_line, (gpointer) answer, ANSWER_TIMEOUT, &ms))
    {
      g_autofree char *text = terminal_text ();
      g_autofree char *seen = tail_of (text ? text : "", 400);
      e2e_fail (__FILE__, __LINE__, G_STRFUNC,
                "no line \"%s\" in the terminal within %d ms of typing %s; it shows: \"%s\"",
                answer, ANSWER_TIMEOUT, command, seen);
    }
  g_test_message ("typed %s, the terminal shows %s after %" G_GINT64_FORMAT " ms",
                  command, answer, ms);
}

static void
test_widget (void)
{
  gint64 ms;

  e2e_assert (guest != NULL && first_stream != NULL, "the stream test did not leave a guest");

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 800, 500);
  console = HANGAR_SERIAL_CONSOLE (hangar_serial_console_new ());
  gtk_window_set_child (window, GTK_WIDGET (console));
  gtk_window_present (window);

  hangar_serial_console_set_guest (console, guest);
  e2e_assert (e2e_wait_for_elapsed (console_connected, GINT_TO_POINTER (TRUE), OPEN_TIMEOUT, &ms),
              "the serial console widget did not connect within %d ms", OPEN_TIMEOUT);
  g_test_message ("widget connected in %" G_GINT64_FORMAT " ms", ms);
  gtk_widget_grab_focus (GTK_WIDGET (console));

  /* It took the console over (VIR_DOMAIN_CONSOLE_FORCE): the first stream ends. */
  e2e_assert (e2e_wait_for_elapsed (stream_closed, &first_log, 5000, NULL),
              "the first stream was not closed when the widget took the console over");
  e2e_assert (!hangar_console_stream_is_open (first_stream), "closed, but still open");
  g_test_message ("first stream closed on takeover: %s",
                  first_log.reason ? first_log.reason : "(no reason)");

  type_and_expect ("echo $((7*6))", "42");
}

/* ---- 3: the guest stops and starts again ----------------------------------------------------- */

static gboolean
guest_stopped (gpointer data)
{
  return guest_state_is (GINT_TO_POINTER (HANGAR_GUEST_STATE_SHUTOFF));
}

static void
test_widget_follows_guest (void)
{
  gint64 ms, t0;
  GtkWidget *stack;

  e2e_assert (console != NULL && hangar_serial_console_get_connected (console),
              "the widget test did not leave a connected console");

  e2e_assert (virDomainDestroy (domain) == 0, "cannot stop %s: %s", guest_name, e2e_virt_error ());
  e2e_assert (e2e_wait_for_elapsed (guest_stopped, NULL, GUEST_TIMEOUT, NULL), "Hangar does not show it off");
  e2e_assert (e2e_wait_for_elapsed (console_connected, GINT_TO_POINTER (FALSE), GUEST_TIMEOUT, &ms),
              "the widget still says connected %d ms after the guest stopped", GUEST_TIMEOUT);
  g_test_message ("widget disconnected %" G_GINT64_FORMAT " ms after the guest stopped", ms);
  stack = gtk_widget_get_first_child (GTK_WIDGET (console));
  e2e_assert (GTK_IS_STACK (stack), "the console's child is not a GtkStack");
  e2e_assert (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), "disconnected") == 0,
              "the widget shows \"%s\", not the disconnected page",
              gtk_stack_get_visible_child_name (GTK_STACK (stack)));
  {
    AdwStatusPage *page = ADW_STATUS_PAGE (gtk_stack_get_child_by_name (GTK_STACK (stack),
                                                                         "disconnected"));
    const char *description = adw_status_page_get_description (page);

    e2e_assert (description && strstr (description, "is not running"),
                "the disconnected page says \"%s\"", description);
    g_test_message ("widget says: %s", description);
  }

  /* Started again behind the widget's back: it reconnects by itself. */
  t0 = g_get_monotonic_time ();
  start_guest ();
  e2e_assert (e2e_wait_for_elapsed (console_connected, GINT_TO_POINTER (TRUE), OPEN_TIMEOUT, &ms),
              "the widget did not reconnect within %d ms of the guest starting", OPEN_TIMEOUT);
  g_test_message ("widget reconnected %" G_GINT64_FORMAT " ms after the guest started", ms);
  /* The console may attach after the guest's shell printed READY (libvirt can take
   * seconds to hand it over on a busy host): the reconnected terminal is shown to work by
   * a fresh prompt and an answer, not by boot output it may have missed. */
  wait_for_prompt (BOOT_TIMEOUT);
  type_and_expect ("echo $((6*9))", "54");
  g_test_message ("second boot: the shell answered %.1f s after start",
                  (g_get_monotonic_time () - t0) / 1e6);
}

/* ---- 4: another client takes the console over; Reconnect takes it back ----------------------- */

/* Another libvirt client on the guest's console (as virsh console --force would be): its
 * own connection and stream, read on the main loop. */
typedef struct {
  virConnectPtr conn;
  virDomainPtr  domain;
  virStreamPtr  stream;
  StreamLog     log;
} OtherClient;

static void
on_other_stream_cb (virStreamPtr stream, int events, void *opaque)
{
  OtherClient *other = opaque;
  char buffer[4096];
  int n;

  while ((n = virStreamRecv (stream, buffer, sizeof buffer)) > 0)
    g_string_append_len (other->log.text, buffer, n);
  /* 0: the daemon ended it; -1: broken (a takeover looks like either); -2: nothing yet. */
  if (n != -2 || (events & (VIR_STREAM_EVENT_HANGUP | VIR_STREAM_EVENT_ERROR)))
    {
      other->log.closed = TRUE;
      virStreamEventRemoveCallback (stream);
    }
}

static void
other_client_open (OtherClient *other)
{
  other->log.text = g_string_new (NULL);
  other->conn = virConnectOpen (uri);
  e2e_assert (other->conn != NULL, "the other client cannot connect: %s", e2e_virt_error ());
  other->domain = virDomainLookupByName (other->conn, guest_name);
  other->stream = virStreamNew (other->conn, VIR_STREAM_NONBLOCK);
  e2e_assert (other->domain != NULL && other->stream != NULL &&
              virDomainOpenConsole (other->domain, NULL, other->stream,
                                    VIR_DOMAIN_CONSOLE_FORCE) == 0,
              "the other client cannot take the console over: %s", e2e_virt_error ());
  e2e_assert (virStreamEventAddCallback (other->stream,
                                         VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_HANGUP |
                                         VIR_STREAM_EVENT_ERROR,
                                         on_other_stream_cb, other, NULL) == 0,
              "cannot watch the other client's stream: %s", e2e_virt_error ());
}

static void
other_client_close (OtherClient *other)
{
  if (other->stream != NULL)
    {
      if (!other->log.closed)
        virStreamEventRemoveCallback (other->stream);
      virStreamAbort (other->stream);
      virStreamFree (other->stream);
    }
  g_clear_pointer (&other->domain, virDomainFree);
  g_clear_pointer (&other->conn, virConnectClose);
  if (other->log.text != NULL)
    g_string_free (other->log.text, TRUE);
}

static GtkWidget *
visible_page (const char *name)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_first_child (GTK_WIDGET (console)));

  e2e_assert (g_strcmp0 (gtk_stack_get_visible_child_name (stack), name) == 0,
              "the widget shows its \"%s\" page, not \"%s\"",
              gtk_stack_get_visible_child_name (stack), name);
  return gtk_stack_get_visible_child (stack);
}

static void
test_reconnect_after_takeover (void)
{
  OtherClient other = { 0 };
  AdwStatusPage *page;
  GtkWidget *button;
  const char *description;
  gsize mark;
  gint64 ms;

  e2e_assert (console != NULL && hangar_serial_console_get_connected (console),
              "the previous test did not leave a connected console");

  /* Someone else opens the console with force: the widget's stream ends, and it says so. */
  other_client_open (&other);
  e2e_assert (e2e_wait_for_elapsed (console_connected, GINT_TO_POINTER (FALSE), OPEN_TIMEOUT, &ms),
              "the widget still says connected %d ms after another client took the console",
              OPEN_TIMEOUT);
  g_test_message ("widget disconnected %" G_GINT64_FORMAT " ms after the takeover", ms);
  page = ADW_STATUS_PAGE (visible_page ("disconnected"));
  description = adw_status_page_get_description (page);
  /* The reason depends on which of libvirt's stream events comes first (a failed read
   * names a takeover, a failed write does not): it must be there, whatever it says. */
  e2e_assert (g_strcmp0 (adw_status_page_get_title (page), "Serial Console Disconnected") == 0 &&
              description != NULL && strstr (description, "serial console") != NULL,
              "after the takeover the widget says \"%s\": \"%s\"",
              adw_status_page_get_title (page), description);
  g_test_message ("widget says: %s", description);

  /* The other client really has it: the guest's shell answers there. */
  mark = other.log.text->len;
  e2e_assert (virStreamSend (other.stream, "echo $((5*5))\r", 14) == 14,
              "the other client cannot write: %s", e2e_virt_error ());
  {
    TextWait w = { other.log.text, mark, "\n25\r" };

    e2e_assert (e2e_wait_for (text_has, &w, ANSWER_TIMEOUT),
                "the other client got no answer from the guest's shell");
  }

  /* The page's button, as a person would press it (GtkButton::activate is its click). */
  button = adw_status_page_get_child (page);
  e2e_assert (GTK_IS_BUTTON (button) && gtk_widget_is_visible (button) &&
              gtk_widget_is_sensitive (button) &&
              g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), "_Reconnect") == 0 &&
              gtk_button_get_use_underline (GTK_BUTTON (button)),
              "the disconnected page offers no Reconnect button");
  gtk_widget_activate (button);
  e2e_assert (e2e_wait_for_elapsed (console_connected, GINT_TO_POINTER (TRUE), OPEN_TIMEOUT, &ms),
              "Reconnect did not connect the widget within %d ms", OPEN_TIMEOUT);
  g_test_message ("Reconnect connected again in %" G_GINT64_FORMAT " ms", ms);
  visible_page ("terminal");

  /* Taken back: the other client's stream ends, and the widget's shell answers. */
  e2e_assert (e2e_wait_for (stream_closed, &other.log, OPEN_TIMEOUT),
              "the other client kept the console after Reconnect");
  type_and_expect ("echo $((8*8))", "64");
  other_client_close (&other);
}

/* ---- 5: the guest reboots under the console -------------------------------------------------- */

typedef struct {
  gboolean done;
  GError  *error;
} ActionWait;

static void
on_reboot_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  ActionWait *w = data;

  hangar_guest_run_action_finish (HANGAR_GUEST (source), result, &w->error);
  w->done = TRUE;
}

static gboolean
action_done (gpointer data)
{
  return ((ActionWait *) data)->done;
}

static void
on_connected_changed (HangarSerialConsole *c, GParamSpec *pspec, guint *drops)
{
  if (!hangar_serial_console_get_connected (c))
    (*drops)++;
}

/* Hangar's Reboot (the guest powers off on the ACPI button, libvirt starts it again in
 * the same QEMU): the console stays open and shows the new boot; nothing to reconnect. */
static void
test_console_survives_reboot (void)
{
  CountWait booted = { READY_MARK, count_in_terminal (READY_MARK) };
  ActionWait reboot = { 0 };
  guint drops = 0;
  gulong handler;
  gint64 ms;

  e2e_assert (console != NULL && hangar_serial_console_get_connected (console),
              "the previous test did not leave a connected console");
  handler = g_signal_connect (console, "notify::connected", G_CALLBACK (on_connected_changed),
                              &drops);
  hangar_guest_run_action_async (guest, HANGAR_GUEST_ACTION_REBOOT, NULL, on_reboot_done_cb,
                                 &reboot);
  e2e_assert (e2e_wait_for (action_done, &reboot, ANSWER_TIMEOUT) && reboot.error == NULL,
              "Hangar could not reboot the guest: %s",
              reboot.error ? reboot.error->message : "no answer");
  /* The new boot's READY line in the terminal is the moment the reboot is over. */
  e2e_assert (e2e_wait_for_elapsed (terminal_count_above, &booted, BOOT_TIMEOUT, &ms),
              "the terminal shows no new %s within %d ms of Reboot", READY_MARK, BOOT_TIMEOUT);
  g_test_message ("the terminal showed the new boot %" G_GINT64_FORMAT " ms after Reboot", ms);
  g_signal_handler_disconnect (console, handler);
  e2e_assert (drops == 0 && hangar_serial_console_get_connected (console),
              "the console disconnected %u times while the guest rebooted", drops);
  visible_page ("terminal");
  type_and_expect ("echo $((9*9))", "81");
}

static void
drop_log_message (const char *log_domain, GLogLevelFlags level, const char *message, gpointer data)
{
}

int
main (int argc, char **argv)
{
  int ret;

  setlocale (LC_ALL, "");
  e2e_test_init (&argc, &argv);
  g_log_set_handler (NULL, G_LOG_LEVEL_DEBUG, drop_log_message, NULL);
  uri = g_getenv ("HANGAR_TEST_LIBVIRT_URI");
  guest_name = g_strdup_printf (GUEST_PREFIX "%d", (int) getpid ());

  hangar_core_init ();
  g_unix_signal_add (SIGTERM, on_terminate, NULL);
  g_unix_signal_add (SIGINT, on_terminate, NULL);

  if (!gtk_init_check ())
    g_error ("cannot open a display (DISPLAY=%s): run the tests with build-aux/test",
             g_getenv ("DISPLAY"));
  adw_init ();

  g_test_add_func ("/e2e/serial/stream", test_stream);
  g_test_add_func ("/e2e/serial/widget", test_widget);
  g_test_add_func ("/e2e/serial/widget-follows-guest", test_widget_follows_guest);
  g_test_add_func ("/e2e/serial/reconnect-after-takeover", test_reconnect_after_takeover);
  g_test_add_func ("/e2e/serial/survives-reboot", test_console_survives_reboot);
  ret = g_test_run ();

  if (window)
    gtk_window_destroy (window);
  g_clear_object (&first_stream);
  g_clear_pointer (&first_log.reason, g_free);
  if (first_log.text)
    g_string_free (first_log.text, TRUE);
  if (connection)
    {
      hangar_connection_close (connection);
      g_clear_object (&connection);
    }
  cleanup ();
  g_clear_pointer (&domain, virDomainFree);
  g_clear_pointer (&virt, virConnectClose);
  g_free (guest_name);
  return ret;
}
