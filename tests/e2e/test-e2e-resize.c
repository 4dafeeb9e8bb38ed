// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * "Resize guest" scaling against a real QEMU guest on the real libvirtd, over VNC, under
 * Xvfb (HANGAR_TEST_LIBVIRT_URI, HANGAR_TEST_GUEST_DIR and DISPLAY from build-aux/test).
 *
 * The guest is the tiny guest's framebuffer variant (tests/guest/build-guest.sh): a
 * virtio-gpu display, to which QEMU hands the SetDesktopSize Hangar's console sends, and
 * in the guest hangar-mode (tests/guest/hangar-mode.c), which sets the mode asked for
 * and prints "HANGAR-MODE <width>x<height>" on the serial port. The guest's new size is
 * seen three ways: the console's own framebuffer, libvirt's screenshot and that line.
 *   - in fit mode the guest keeps its size, whatever the window's;
 *   - in resize-guest mode the guest takes the widget's size in device pixels, and again
 *     when the window is resized;
 *   - back in fit mode, resizing the window leaves the guest alone.
 * That fit mode asked the guest for nothing is judged after a positive event, not after
 * a pause: resize-guest mode then asks for yet another size, and once the guest took it,
 * a size asked for in fit mode would have been set before it (QEMU passes the requests
 * on in order, hangar-mode prints every mode it sets): the guest's modes since must be
 * that one alone.
 *
 * The same guest, booted without its tablet, also tests the relative pointer: its kernel
 * is the only one of the tiny guest's with a PS/2 mouse driver (psmouse), and with no
 * absolute device QEMU's VNC server asks for relative motion. hangar-input-log in the
 * guest copies the mouse's raw input events to the serial port.
 *
 * And the VNC clipboard, this desktop's text to the guest: QEMU's VNC server hands the
 * cut text Hangar sends to its own clipboard, which a qemu-vdagent channel (libvirt's
 * <channel type='qemu-vdagent'>, clipboard on, mouse left to the PS/2 mouse) offers the
 * guest's vdagent, here tests/guest/hangar-agent.c, which prints what it got. The other
 * way QEMU 7.2 sends only as the extended clipboard of RFB, which gvnc 1.3.1 does not
 * speak: a guest's copy cannot reach a gvnc client from QEMU.
 */
#define G_LOG_DOMAIN "test-e2e-resize"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gtk/gtk.h>

#include "e2e-guest.h"
#include "hangar-vnc-display.h"

/* virtio-gpu's mode until someone asks for another. */
#define BOOT_WIDTH      1280
#define BOOT_HEIGHT     800
#define MODE_TIMEOUT_MS 30000

#define AGENT_READY     "HANGAR-AGENT-READY"
#define AGENT_CLIPBOARD "HANGAR-AGENT-CLIPBOARD "
#define AGENT_TIMEOUT_MS 20000

static E2eGuest *guest;
static GtkWindow *window;
static HangarDisplay *display;

static void
cleanup (void)
{
  g_clear_pointer (&guest, e2e_guest_free);
}

/* The last mode hangar-mode set, from the serial log; how many it set so far. */
static guint
guest_mode (E2eSize *mode)
{
  return e2e_guest_serial_size (guest, E2E_GUEST_MODE_MARKER, mode);
}

static gboolean
guest_mode_is (gpointer data)
{
  return e2e_guest_serial_size_is (guest, E2E_GUEST_MODE_MARKER, data);
}

static E2eSize
screenshot_size (void)
{
  g_autoptr(GdkTexture) shot = e2e_guest_screenshot (guest);

  return (E2eSize) { gdk_texture_get_width (shot), gdk_texture_get_height (shot) };
}

/* What resize-guest mode asks for: the widget's size in device pixels. */
static E2eSize
widget_size (void)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (display));

  return (E2eSize) { gtk_widget_get_width (GTK_WIDGET (display)) * scale,
                  gtk_widget_get_height (GTK_WIDGET (display)) * scale };
}

static gboolean
console_size_is (gpointer data)
{
  return e2e_display_guest_size_is (display, data);
}

/* Fails unless the console, libvirt's screenshot and hangar-mode all say @want. */
static void
assert_guest_size (E2eSize want)
{
  E2eSize shot, mode;

  e2e_assert (console_size_is (&want), "The console shows %d×%d, not %d×%d",
              hangar_display_get_guest_width (display),
              hangar_display_get_guest_height (display), want.width, want.height);
  shot = screenshot_size ();
  e2e_assert (shot.width == want.width && shot.height == want.height,
              "libvirt's screenshot of the guest is %d×%d, not %d×%d", shot.width,
              shot.height, want.width, want.height);
  guest_mode (&mode);
  e2e_assert (mode.width == want.width && mode.height == want.height,
              "The guest's last mode is %d×%d, not %d×%d", mode.width, mode.height,
              want.width, want.height);
}

/* Waits until the guest took the widget's size, and checks it every way. */
static void
assert_guest_follows_widget (void)
{
  E2eSize want = widget_size ();
  gint64 elapsed = 0;

  if (!e2e_wait_for_elapsed (console_size_is, &want, MODE_TIMEOUT_MS, &elapsed))
    e2e_fail (__FILE__, __LINE__, G_STRFUNC,
              "The guest did not take the console's size %d×%d within %d s: the console "
              "shows %d×%d (the resize request did not reach the guest, or its answer did "
              "not reach the console)", want.width, want.height, MODE_TIMEOUT_MS / 1000,
              hangar_display_get_guest_width (display),
              hangar_display_get_guest_height (display));
  g_test_message ("guest resized to %d×%d in %" G_GINT64_FORMAT " ms", want.width,
                  want.height, elapsed);
  /* The console learns the size from QEMU, which learns it from the guest's mode
   * change: the guest's line is on its way, if not there yet. */
  e2e_wait_for (guest_mode_is, &want, 5000);
  assert_guest_size (want);
}

static gboolean
widget_size_is (gpointer data)
{
  const E2eSize *want = data;
  E2eSize size = widget_size ();

  return size.width == want->width && size.height == want->height;
}

/* Resizes the window to @width×@height application pixels as a window manager would
 * (an X11 ConfigureWindow, which counts device pixels). */
static void
resize_window (int width,
               int height)
{
  g_autofree char *xid = e2e_window_xid (window);
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (display));
  E2eSize want = { width * scale, height * scale };
  g_autofree char *w = g_strdup_printf ("%d", want.width);
  g_autofree char *h = g_strdup_printf ("%d", want.height);

  e2e_xdotool ("windowsize", xid, w, h, NULL);
  e2e_assert (e2e_wait_for (widget_size_is, &want, 5000),
              "The console is %d×%d device pixels, not %d×%d, after resizing the window",
              widget_size ().width, widget_size ().height, want.width, want.height);
}

/* The positive event after a stretch in fit mode that began with @modes modes set:
 * resize-guest mode at another window size, @width×@height. The guest takes that size;
 * then the one mode it set since must be that one (see the top). */
static void
assert_fit_asked_nothing (guint       modes,
                          int         width,
                          int         height,
                          const char *what)
{
  g_autoptr(GArray) sizes = NULL;
  E2eSize want, first;

  resize_window (width, height);
  want = widget_size ();
  hangar_display_set_scaling (display, HANGAR_DISPLAY_SCALING_RESIZE_GUEST);
  assert_guest_follows_widget ();
  sizes = e2e_guest_serial_sizes (guest, E2E_GUEST_MODE_MARKER);
  first = sizes->len > modes ? g_array_index (sizes, E2eSize, modes) : (E2eSize) { 0, 0 };
  e2e_assert (sizes->len == modes + 1,
              "The guest set %u modes after %s, the first %d×%d, not just the %d×%d resize-guest "
              "mode asked for: fit mode asked for a size", sizes->len - modes, what,
              first.width, first.height, want.width, want.height);
}

static void
test_fit_keeps_guest_size (void)
{
  E2eSize boot = { BOOT_WIDTH, BOOT_HEIGHT };
  E2eSize widget = widget_size ();

  e2e_assert (widget.width != BOOT_WIDTH || widget.height != BOOT_HEIGHT,
              "The window must differ in size from the guest for this test");
  assert_guest_size (boot);
  /* Sizes that are no multiple of 8 or 16: the guest takes exactly what it is asked. */
  assert_fit_asked_nothing (1, 1001, 707, "showing the console in fit mode");
}

static void
test_resize_guest_follows_window (void)
{
  /* Resize-guest mode since the test before. */
  resize_window (957, 613);
  assert_guest_follows_widget ();
}

static void
test_fit_again_leaves_guest (void)
{
  guint modes = guest_mode (&(E2eSize) { 0 });

  hangar_display_set_scaling (display, HANGAR_DISPLAY_SCALING_FIT);
  resize_window (812, 590);
  assert_fit_asked_nothing (modes, 900, 640, "going back to fit mode and resizing the window");

  /* Fit mode again, the picture scaled down, for the pointer test. */
  hangar_display_set_scaling (display, HANGAR_DISPLAY_SCALING_FIT);
  resize_window (812, 590);
}

/* The PS/2 mouse's motion, as the guest saw it between two left-button presses. */
typedef struct {
  int dx;
  int dy;
  int wheel;
} Motion;

/* The mouse's motion in the serial log, one Motion per left-button press: what moved
 * since the press before. The lines are hangar-input-log's: sec, usec (each two 32-bit
 * halves), type + code * 65536 and value of each evdev event. */
static GArray *
mouse_motions (void)
{
  GArray *motions = g_array_new (FALSE, TRUE, sizeof (Motion));
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  Motion motion = { 0, 0, 0 };

  if (!g_file_get_contents (guest->serial_log, &log, NULL, NULL))
    return motions;
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      long event, value;

      if (sscanf (lines[i], "%*d %*d %*d %*d %ld %ld", &event, &value) != 2)
        continue;
      if (event == 2)                        /* EV_REL, REL_X */
        motion.dx += value;
      else if (event == 2 + (1 << 16))       /* EV_REL, REL_Y */
        motion.dy += value;
      else if (event == 2 + (8 << 16))       /* EV_REL, REL_WHEEL */
        motion.wheel += value;
      else if (event == 1 + (0x110 << 16) && value == 1) /* BTN_LEFT down */
        {
          g_array_append_val (motions, motion);
          motion = (Motion) { 0, 0, 0 };
        }
    }
  return motions;
}

static gboolean
mouse_clicks_reach (gpointer data)
{
  g_autoptr(GArray) motions = mouse_motions ();

  return motions->len >= GPOINTER_TO_UINT (data);
}

/* Guest pixels per widget pixel in fit mode, from the sizes alone: the guest's mode as
 * it printed it, scaled to fit the widget whole. */
static double
fit_guest_pixels_per_widget_pixel (void)
{
  E2eSize mode;

  guest_mode (&mode);
  return 1.0 / MIN ((double)gtk_widget_get_width (GTK_WIDGET (display)) / mode.width,
                    (double)gtk_widget_get_height (GTK_WIDGET (display)) / mode.height);
}

/* Moves the real X11 pointer from widget point @from by @dx, @dy window pixels in steps,
 * then clicks there; returns that motion in guest pixels (fit mode). */
static Motion
move_and_click (graphene_point_t *from,
                int               dx,
                int               dy)
{
  g_autofree char *xid = e2e_window_xid (window);
  const int steps = 5;
  graphene_point_t to = GRAPHENE_POINT_INIT (from->x + dx, from->y + dy);
  graphene_point_t origin;
  double per_pixel = fit_guest_pixels_per_widget_pixel ();

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (display), GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (0, 0), &origin));
  for (int i = 1; i <= steps; i++)
    {
      g_autofree char *wx = g_strdup_printf ("%d", (int)(origin.x + from->x) + dx * i / steps);
      g_autofree char *wy = g_strdup_printf ("%d", (int)(origin.y + from->y) + dy * i / steps);

      e2e_xdotool ("mousemove", "--window", xid, wx, wy, NULL);
      e2e_spin (100);
    }
  e2e_spin (300);
  e2e_xdotool ("click", "1", NULL);

  *from = to;
  return (Motion) { (int)round (dx * per_pixel), (int)round (dy * per_pixel), 0 };
}

/* Whether the guest's @seen is @sent, give or take the mouse's ways: QEMU hands VNC
 * motion to its PS/2 mouse unscaled, but a guest may set 2:1 scaling or a resolution the
 * driver converts, and evdev passes what the packets say; so the direction must be
 * right and the amount within a factor of two. */
static gboolean
roughly (int sent,
         int seen)
{
  return sent != 0 && (sent > 0) == (seen > 0) && abs (seen) * 2 >= abs (sent) &&
         abs (seen) <= abs (sent) * 2;
}

/* Right and down, then left and up, each ended by a click: the guest's PS/2 mouse moves
 * that way, and each click arrives as a press of its left button. Then a wheel step
 * down, which turns the wheel and moves nothing. */
static void
test_relative_pointer (void)
{
  static const int moves[][2] = { { 150, 90 }, { -120, -150 } };
  graphene_point_t at;
  const guint clicks = 1 + G_N_ELEMENTS (moves) + 1;
  Motion scrolled;
  g_autoptr(GArray) seen = NULL;
  Motion sent[G_N_ELEMENTS (moves)];

  /* From the middle (the picture is centred), a click first: what the pointer did
   * before it does not count. */
  at = GRAPHENE_POINT_INIT (gtk_widget_get_width (GTK_WIDGET (display)) / 2,
                            gtk_widget_get_height (GTK_WIDGET (display)) / 2);
  move_and_click (&at, 0, 0);
  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    sent[i] = move_and_click (&at, moves[i][0], moves[i][1]);
  e2e_xdotool ("click", "5", NULL);
  e2e_spin (300);
  e2e_xdotool ("click", "1", NULL);

  e2e_wait_for (mouse_clicks_reach, GUINT_TO_POINTER (clicks), 15000);
  seen = mouse_motions ();
  e2e_assert (seen->len >= clicks, "The guest's PS/2 mouse saw %u of %u clicks%s", seen->len,
              clicks, e2e_guest_serial_has (guest, "hangar-input-log: no input device") ?
                        " (the guest has no PS/2 mouse device)" : "");
  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      Motion got = g_array_index (seen, Motion, i + 1);

      g_test_message ("moved %+d,%+d guest pixels: the guest's mouse %+d,%+d", sent[i].dx,
                      sent[i].dy, got.dx, got.dy);
      e2e_assert (roughly (sent[i].dx, got.dx) && roughly (sent[i].dy, got.dy),
                  "The pointer moved %+d,%+d guest pixels, the guest's PS/2 mouse %+d,%+d",
                  sent[i].dx, sent[i].dy, got.dx, got.dy);
    }
  scrolled = g_array_index (seen, Motion, clicks - 1);
  g_test_message ("a wheel step down: the guest's mouse %+d,%+d, wheel %+d", scrolled.dx,
                  scrolled.dy, scrolled.wheel);
  e2e_assert (scrolled.dx == 0 && scrolled.dy == 0 && scrolled.wheel < 0,
              "A wheel step down turned the guest's wheel %+d and moved its pointer %+d,%+d",
              scrolled.wheel, scrolled.dx, scrolled.dy);
}

static gboolean
serial_has (gpointer text)
{
  return e2e_guest_serial_has (guest, text);
}

static void
test_clipboard_to_guest (void)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (display));
  const char *text = "hangar-vnc-clip-1";
  const char *secret = "hangar-vnc-secret-2";
  g_autofree char *seen = g_strconcat (AGENT_CLIPBOARD, text, NULL);
  g_autofree char *secret_seen = g_strconcat (AGENT_CLIPBOARD, secret, NULL);

  e2e_assert (e2e_wait_for (serial_has, AGENT_READY, AGENT_TIMEOUT_MS),
              "The guest's hangar-agent did not print " AGENT_READY " within %d s",
              AGENT_TIMEOUT_MS / 1000);
  gdk_clipboard_set_text (clipboard, text);
  e2e_assert (e2e_wait_for (serial_has, seen, AGENT_TIMEOUT_MS),
              "The guest's agent did not get \"%s\" from this desktop's clipboard over VNC "
              "within %d s", text, AGENT_TIMEOUT_MS / 1000);

  /* Sharing off: nothing goes. Switched back on, the current text goes, behind anything
   * that went meanwhile (one stream): so the agent must have got it once only. */
  hangar_display_set_share_clipboard (display, FALSE);
  gdk_clipboard_set_text (clipboard, secret);
  hangar_display_set_share_clipboard (display, TRUE);
  e2e_assert (e2e_wait_for (serial_has, secret_seen, AGENT_TIMEOUT_MS),
              "With sharing back on, the guest's agent did not get \"%s\" within %d s", secret,
              AGENT_TIMEOUT_MS / 1000);
  e2e_assert (e2e_guest_serial_count (guest, secret_seen) == 1,
              "The guest got this desktop's clipboard with sharing off (%u times in all)",
              e2e_guest_serial_count (guest, secret_seen));
}

int
main (int   argc,
      char *argv[])
{
  /* No tablet: the PS/2 mouse the pc machine always has is the only pointer. In its
   * place the channel for the clipboard (see the top). */
  E2eGuestOptions options = {
    .graphics = "vnc",
    .variant = "fb",
    .replace = "<input type='tablet' bus='virtio'/>",
    .replacement = "<channel type='qemu-vdagent'>"
                   "<source><clipboard copypaste='yes'/><mouse mode='server'/></source>"
                   "<target type='virtio' name='com.redhat.spice.0'/></channel>",
  };
  E2eSize boot = { BOOT_WIDTH, BOOT_HEIGHT };
  gint64 start;
  int ret;

  e2e_gtk_test_init (&argc, &argv);

  start = g_get_monotonic_time ();
  guest = e2e_guest_boot_with (&options);
  e2e_assert (e2e_wait_for (guest_mode_is, &boot, MODE_TIMEOUT_MS),
              "The guest's hangar-mode did not print " E2E_GUEST_MODE_MARKER "%dx%d within %d s",
              BOOT_WIDTH, BOOT_HEIGHT, MODE_TIMEOUT_MS / 1000);
  g_test_message ("guest up in %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 900, 600);
  display = HANGAR_DISPLAY (hangar_vnc_display_new ());
  gtk_window_set_child (window, GTK_WIDGET (display));
  gtk_window_present (window);

  hangar_vnc_display_open (HANGAR_VNC_DISPLAY (display), guest->guest);
  e2e_assert (e2e_wait_for (e2e_display_shows_picture, display, 20000),
              "The VNC console did not show the guest: %s",
              hangar_display_get_status_message (display));

  g_test_add_func ("/e2e/resize/fit-keeps-guest-size", test_fit_keeps_guest_size);
  g_test_add_func ("/e2e/resize/resize-guest-follows-window", test_resize_guest_follows_window);
  g_test_add_func ("/e2e/resize/fit-again-leaves-guest", test_fit_again_leaves_guest);
  g_test_add_func ("/e2e/resize/relative-pointer", test_relative_pointer);
  g_test_add_func ("/e2e/vnc-clipboard/to-guest", test_clipboard_to_guest);
  ret = g_test_run ();

  gtk_window_destroy (window);
  cleanup ();
  return ret;
}
