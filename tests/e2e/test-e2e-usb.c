// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * USB redirection plumbing of Hangar's SPICE console against real QEMU guests on the real
 * libvirtd, under Xvfb (HANGAR_TEST_LIBVIRT_URI, HANGAR_TEST_GUEST_DIR and DISPLAY from
 * build-aux/test; the test fails without them, it never skips):
 *   - a guest with two <redirdev type='spicevmc'> gets a SpiceUsbDeviceManager holding
 *     its two USB channels, both open and free;
 *   - the tiny guest as it is (no redirdev) gets no manager and no error, which the
 *     window shows as "This guest has no USB redirection channels".
 * No USB device is plugged in here, so redirecting one is not tested.
 *
 * A console is closed only once all its channels have linked (e2e_spice_wait_linked):
 * the USB and cursor channels open after the display, and one still linking when the
 * session goes makes spice-client-glib warn "incomplete link header (0/16)".
 */
#define G_LOG_DOMAIN "test-e2e-usb"

#include "config.h"

#include <gtk/gtk.h>

#include "e2e-guest.h"
#include "hangar-spice-display.h"

#define CONNECT_TIMEOUT_MS 30000
#define LINK_TIMEOUT_MS    15000

typedef struct {
  E2eGuest *guest;
  HangarDisplay *display;
} UsbGuest;

/* Connected, or given up with a reason. */
static gboolean
display_settled (gpointer data)
{
  HangarDisplay *display = data;
  HangarDisplayState state = hangar_display_get_state (display);

  return state == HANGAR_DISPLAY_STATE_CONNECTED ||
         (state == HANGAR_DISPLAY_STATE_DISCONNECTED &&
          hangar_display_get_status_message (display) != NULL);
}

/* Starts the tiny guest (with or without USB redirection) and connects a SPICE display. */
static UsbGuest *
usb_guest_start (gboolean redirdev)
{
  /* A USB controller to plug the redirected devices into, and two of them. */
  E2eGuestOptions options = {
    .graphics = "spice",
    .replace = redirdev ? "<controller type='usb' model='none'/>" : NULL,
    .replacement = "<controller type='usb' model='qemu-xhci'/>"
                   "<redirdev bus='usb' type='spicevmc'/>"
                   "<redirdev bus='usb' type='spicevmc'/>",
    /* The SPICE server is QEMU's: it answers before the guest has booted. */
    .skip_shell = TRUE,
  };
  UsbGuest *g = g_new0 (UsbGuest, 1);

  g->guest = e2e_guest_boot_with (&options);
  g->display = g_object_ref_sink (HANGAR_DISPLAY (hangar_spice_display_new ()));
  hangar_spice_display_open (HANGAR_SPICE_DISPLAY (g->display), g->guest->guest);
  if (!e2e_wait_for (display_settled, g->display, CONNECT_TIMEOUT_MS) ||
      hangar_display_get_state (g->display) != HANGAR_DISPLAY_STATE_CONNECTED)
    g_error ("The SPICE console did not connect: %s",
             hangar_display_get_status_message (g->display));
  return g;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *)data == NULL;
}

static void
usb_guest_free (UsbGuest *g)
{
  gpointer display = g->display;

  e2e_spice_wait_linked (LINK_TIMEOUT_MS);
  /* Sockets still on their way from libvirt hold the display until they arrive. */
  hangar_spice_display_close (HANGAR_SPICE_DISPLAY (g->display));
  g_object_add_weak_pointer (display, &display);
  g_object_unref (g->display);
  if (!e2e_wait_for (is_null, &display, 5000))
    g_error ("The SPICE display was not finalized after closing");
  e2e_guest_free (g->guest);
  g_free (g);
}

static gboolean
has_usb_manager_or_error (gpointer data)
{
  HangarSpiceDisplay *display = data;

  return hangar_spice_display_get_usb_manager (display) != NULL ||
         hangar_spice_display_get_usb_error (display) != NULL;
}

static gboolean
both_channels_free (gpointer data)
{
  int free_channels = 0;

  g_object_get (data, "free-channels", &free_channels, NULL);
  return free_channels == 2;
}

static void
test_redirdev_channels (void)
{
  UsbGuest *g = usb_guest_start (TRUE);
  HangarSpiceDisplay *display = HANGAR_SPICE_DISPLAY (g->display);
  SpiceUsbDeviceManager *manager;
  g_autoptr(GPtrArray) devices = NULL;
  int free_channels = 0;

  g_assert_true (e2e_wait_for (has_usb_manager_or_error, display, 5000));
  if (hangar_spice_display_get_usb_error (display) != NULL)
    g_error ("The guest has USB channels but the display cannot share devices: %s",
             hangar_spice_display_get_usb_error (display));
  manager = hangar_spice_display_get_usb_manager (display);
  g_assert_true (SPICE_IS_USB_DEVICE_MANAGER (manager));

  /* Both channels are the manager's, waiting for a device. */
  if (!e2e_wait_for (both_channels_free, manager, 5000))
    {
      g_object_get (manager, "free-channels", &free_channels, NULL);
      g_error ("The USB device manager has %d free channels, not 2", free_channels);
    }
  /* And both channels are open: the server took them. */
  e2e_spice_wait_linked (LINK_TIMEOUT_MS);
  g_assert_cmpuint (e2e_spice_count_opened (SPICE_TYPE_USBREDIR_CHANNEL), ==, 2);
  devices = spice_usb_device_manager_get_devices (manager);
  g_test_message ("%u USB device(s) on this host", devices->len);

  usb_guest_free (g);
}

static void
test_no_redirdev (void)
{
  UsbGuest *g = usb_guest_start (FALSE);
  HangarSpiceDisplay *display = HANGAR_SPICE_DISPLAY (g->display);

  /* Every channel the server listed has linked, the cursor's too (it opens after the
   * display): the list is in, and no channel for USB was among it. */
  e2e_spice_wait_linked (LINK_TIMEOUT_MS);
  g_assert_cmpuint (e2e_spice_count_opened (SPICE_TYPE_CURSOR_CHANNEL), ==, 1);
  g_assert_cmpuint (e2e_spice_count_opened (SPICE_TYPE_USBREDIR_CHANNEL), ==, 0);
  g_assert_null (hangar_spice_display_get_usb_manager (display));
  g_assert_null (hangar_spice_display_get_usb_error (display));

  usb_guest_free (g);
}

int
main (int   argc,
      char *argv[])
{
  e2e_gtk_test_init (&argc, &argv);

  g_test_add_func ("/e2e/usb/redirdev-channels", test_redirdev_channels);
  g_test_add_func ("/e2e/usb/no-redirdev", test_no_redirdev);

  return g_test_run ();
}
