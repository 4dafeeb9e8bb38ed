// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * What Hangar's SPICE console does through the guest agent, against a real QEMU guest on
 * the real libvirtd under Xvfb (HANGAR_TEST_LIBVIRT_URI, HANGAR_TEST_GUEST_DIR and
 * DISPLAY from build-aux/test).
 *
 * The guest is the tiny guest's framebuffer variant with a spicevmc channel: its
 * hangar-agent (tests/guest/hangar-agent.c) speaks the vdagent protocol on the channel's
 * virtio port, as spice-vdagent does, and reports on the serial port what reached it.
 * Its virtio-gpu display follows the size the console asks for, and hangar-mode prints
 * the guest's new mode there too.
 *   - text put on this desktop's clipboard reaches the guest's clipboard;
 *   - text the guest copies lands on this desktop's clipboard;
 *   - with sharing off, neither way; switched back on, the current text goes across
 *     (what must not cross is judged once later text did cross the same way: the agent's
 *     messages each way travel in order, so anything that crossed before would show);
 *   - in resize-guest mode the guest's screen takes the console's size (spice-client-glib
 *     sends it only to a guest with an agent; QEMU's virtio-gpu then takes it itself).
 */
#define G_LOG_DOMAIN "test-e2e-spice-agent"

#include "config.h"

#include <gtk/gtk.h>

#include "e2e-guest.h"
#include "test-widget-util.h"
#include "hangar-spice-display.h"

#define AGENT_READY     "HANGAR-AGENT-READY"
#define AGENT_CLIPBOARD "HANGAR-AGENT-CLIPBOARD "
#define AGENT_MONITORS  "HANGAR-AGENT-MONITORS "
#define AGENT_COPY      "HANGAR-AGENT-COPY "
#define TIMEOUT_MS      20000

static E2eGuest *guest;
static GtkWindow *window;
static HangarDisplay *display;

static void
cleanup (void)
{
  g_clear_pointer (&guest, e2e_guest_free);
}

static gboolean
serial_has (gpointer text)
{
  return e2e_guest_serial_has (guest, text);
}

static GdkClipboard *
clipboard (void)
{
  return gtk_widget_get_clipboard (GTK_WIDGET (display));
}

/* The text of this desktop's clipboard, read the way any application reads it. */
static char *
clipboard_text (void)
{
  char *text = NULL;

  e2e_assert (test_clipboard_read_text (clipboard (), &text, 5000),
              "Reading the clipboard did not finish");
  return text;
}

static gboolean
clipboard_is (gpointer want)
{
  g_autofree char *text = clipboard_text ();

  return g_strcmp0 (text, want) == 0;
}

/* Makes the guest's agent copy @text, by typing a shell line on the guest's screen
 * (tty1) through the console: the agent takes what is written to its FIFO. */
static void
guest_copies (const char *text)
{
  g_autofree char *xid = e2e_window_xid (window);
  g_autofree char *line = g_strdup_printf ("echo %s >/run/hangar-agent-copy", text);

  gtk_widget_grab_focus (GTK_WIDGET (display));
  /* A keystroke every 50 ms at most, as in test-e2e-spice.c. */
  e2e_xdotool_live ("type", "--delay", "50", "--window", xid, line, NULL);
  e2e_xdotool_live ("key", "--window", xid, "Return", NULL);
}

static void
test_clipboard_to_guest (void)
{
  const char *text = "hangar-host-clip-1";
  g_autofree char *want = g_strconcat (AGENT_CLIPBOARD, text, NULL);

  gdk_clipboard_set_text (clipboard (), text);
  e2e_assert (e2e_wait_for (serial_has, want, TIMEOUT_MS),
              "The guest's agent did not get \"%s\" from this desktop's clipboard within %d s",
              text, TIMEOUT_MS / 1000);
}

static void
test_clipboard_from_guest (void)
{
  const char *text = "hangar-guest-clip-2";
  g_autofree char *got = NULL;

  guest_copies (text);
  if (!e2e_wait_for (clipboard_is, (gpointer)text, TIMEOUT_MS))
    {
      got = clipboard_text ();
      e2e_fail (__FILE__, __LINE__, G_STRFUNC,
                "This desktop's clipboard holds \"%s\", not the guest's \"%s\", after %d s",
                got ? got : "(nothing)", text, TIMEOUT_MS / 1000);
    }
}

static void
test_clipboard_switched_off (void)
{
  const char *host_text = "hangar-host-secret-3";
  const char *guest_text = "hangar-guest-secret-4";
  const char *guest_later = "hangar-guest-clip-5";
  g_autofree char *host_seen = g_strconcat (AGENT_CLIPBOARD, host_text, NULL);
  g_autofree char *guest_copied = g_strconcat (AGENT_COPY, guest_text, NULL);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  gulong handler;

  handler = test_clipboard_keep_texts (clipboard (), texts);
  hangar_display_set_share_clipboard (display, FALSE);
  gdk_clipboard_set_text (clipboard (), host_text);
  guest_copies (guest_text);
  /* The guest did copy (else there would be nothing to keep from crossing). */
  e2e_assert (e2e_wait_for (serial_has, guest_copied, TIMEOUT_MS),
              "The guest's agent did not report copying \"%s\" within %d s", guest_text,
              TIMEOUT_MS / 1000);

  /* On again: the desktop's current text goes to the guest, behind anything that went
   * while sharing was off: the agent prints each text it gets, so once more it must not
   * have had this one. */
  hangar_display_set_share_clipboard (display, TRUE);
  e2e_assert (e2e_wait_for (serial_has, host_seen, TIMEOUT_MS),
              "With sharing back on, the guest's agent did not get \"%s\" within %d s",
              host_text, TIMEOUT_MS / 1000);
  e2e_assert (e2e_guest_serial_count (guest, host_seen) == 1,
              "The guest got this desktop's clipboard with sharing off (%u times in all)",
              e2e_guest_serial_count (guest, host_seen));

  /* And the guest's next copy comes here, behind its copy made with sharing off, which
   * must not have been taken on the way. */
  guest_copies (guest_later);
  e2e_assert (e2e_wait_for (clipboard_is, (gpointer)guest_later, TIMEOUT_MS),
              "With sharing back on, the guest's copy \"%s\" did not reach this desktop "
              "within %d s", guest_later, TIMEOUT_MS / 1000);
  g_signal_handler_disconnect (clipboard (), handler);
  for (guint i = 0; i < texts->len; i++)
    e2e_assert (g_strcmp0 (g_ptr_array_index (texts, i), guest_text) != 0,
                "This desktop's clipboard took the guest's \"%s\" with sharing off",
                guest_text);
}

static gboolean
guest_mode_is (gpointer data)
{
  return e2e_guest_serial_size_is (guest, E2E_GUEST_MODE_MARKER, data);
}

static gboolean
console_size_is (gpointer data)
{
  return e2e_display_guest_size_is (display, data);
}

static void
test_resize_guest (void)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (display));
  E2eSize want = { gtk_widget_get_width (GTK_WIDGET (display)) * scale,
                gtk_widget_get_height (GTK_WIDGET (display)) * scale };
  E2eSize agent, mode;

  e2e_assert (!console_size_is (&want), "The window must differ in size from the guest");
  hangar_display_set_scaling (display, HANGAR_DISPLAY_SCALING_RESIZE_GUEST);
  if (!e2e_wait_for (console_size_is, &want, TIMEOUT_MS))
    {
      gboolean agent_saw = e2e_guest_serial_size (guest, AGENT_MONITORS, &agent) > 0;

      e2e_guest_serial_size (guest, E2E_GUEST_MODE_MARKER, &mode);
      e2e_fail (__FILE__, __LINE__, G_STRFUNC,
                "The guest's screen did not take the console's size %d×%d within %d s: the "
                "console shows %d×%d, the guest's last mode is %d×%d, its agent %s",
                want.width, want.height, TIMEOUT_MS / 1000,
                hangar_display_get_guest_width (display),
                hangar_display_get_guest_height (display), mode.width, mode.height,
                agent_saw ? "got a monitor configuration" : "got no monitor configuration");
    }
  e2e_wait_for (guest_mode_is, &want, 5000);
  e2e_guest_serial_size (guest, E2E_GUEST_MODE_MARKER, &mode);
  e2e_assert (mode.width == want.width && mode.height == want.height,
              "The guest's last mode is %d×%d, not %d×%d", mode.width, mode.height,
              want.width, want.height);
  /* QEMU's virtio-gpu takes the monitor configuration itself; spice-server hands the
   * agent only what the display device does not take (QXL without its guest driver). */
  g_test_message ("the guest took %d×%d (its agent %s)", want.width, want.height,
                  e2e_guest_serial_size_is (guest, AGENT_MONITORS, &want) ?
                    "saw the configuration too" : "was not asked");
}

int
main (int   argc,
      char *argv[])
{
  E2eGuestOptions options = {
    .graphics = "spice",
    .variant = "fb",
    .replace = "<memballoon model='none'/>",
    .replacement = "<channel type='spicevmc'>"
                   "<target type='virtio' name='com.redhat.spice.0'/></channel>"
                   "<memballoon model='none'/>",
  };
  int ret;

  e2e_gtk_test_init (&argc, &argv);

  guest = e2e_guest_boot_with (&options);
  e2e_assert (e2e_wait_for (serial_has, AGENT_READY, TIMEOUT_MS),
              "The guest's hangar-agent did not print " AGENT_READY " within %d s",
              TIMEOUT_MS / 1000);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 900, 600);
  display = HANGAR_DISPLAY (hangar_spice_display_new ());
  gtk_window_set_child (window, GTK_WIDGET (display));
  gtk_window_present (window);

  hangar_spice_display_open (HANGAR_SPICE_DISPLAY (display), guest->guest);
  e2e_assert (e2e_wait_for (e2e_display_shows_picture, display, TIMEOUT_MS),
              "The SPICE console did not show the guest: %s",
              hangar_display_get_status_message (display));

  g_test_add_func ("/e2e/spice-agent/clipboard-to-guest", test_clipboard_to_guest);
  g_test_add_func ("/e2e/spice-agent/clipboard-from-guest", test_clipboard_from_guest);
  g_test_add_func ("/e2e/spice-agent/clipboard-switched-off", test_clipboard_switched_off);
  g_test_add_func ("/e2e/spice-agent/resize-guest", test_resize_guest);
  ret = g_test_run ();

  e2e_spice_wait_linked (TIMEOUT_MS);
  gtk_window_destroy (window);
  cleanup ();
  return ret;
}
