// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>
#include <libvirt/libvirt.h>

#include "e2e-virt.h"
#include "hangar-connection.h"
#include "hangar-display.h"

G_BEGIN_DECLS

/* A tiny test guest booted on the real libvirtd for one console test. */
typedef struct {
  virConnectPtr conn;
  virDomainPtr domain;
  char *name;
  char *serial_log;
  HangarConnection *connection;
  HangarGuest *guest;
} E2eGuest;

/* e2e_test_init (), then GTK on its X11 backend (the tests type and click as X11 events
 * under Xvfb; failing loudly without DISPLAY), and the watch of SPICE channels. */
void       e2e_gtk_test_init       (int         *argc,
                                    char      ***argv);

/* Defines and starts the tiny guest with @graphics ("vnc", "spice" or "none"), opens a
 * HangarConnection on it and waits until the guest's shell is up. Fails the test loudly
 * when HANGAR_TEST_LIBVIRT_URI is unset or libvirtd does not answer. */
E2eGuest  *e2e_guest_boot          (const char  *graphics);
/* The same, with a password on the graphical console. */
E2eGuest  *e2e_guest_boot_with_password (const char *graphics,
                                         const char *password);

typedef struct {
  const char *graphics;    /* "vnc", "spice" or "none" */
  const char *password;    /* on the graphical console, or NULL */
  const char *replace;     /* a piece of the guest's XML to replace, or NULL */
  const char *replacement;
  gboolean    skip_shell;  /* return once listed as running, before the shell is up */
  const char *variant;     /* tests/guest/guest-xml.sh's: NULL (normal) or "fb", a
                            * virtio-gpu display whose mode follows the console's size */
} E2eGuestOptions;

/* The general form of the two above. */
E2eGuest  *e2e_guest_boot_with (const E2eGuestOptions *options);
/* Destroys and undefines the guest; safe to call twice. */
void       e2e_guest_free          (E2eGuest    *guest);
/* Whether the guest wrote @text to its serial port so far. */
gboolean   e2e_guest_serial_has    (E2eGuest    *guest,
                                    const char  *text);
/* How many times the guest wrote @text on its serial port so far. */
guint      e2e_guest_serial_count  (E2eGuest    *guest,
                                    const char  *text);
typedef struct {
  int width;
  int height;
} E2eSize;

/* How many "@marker WxH" lines the guest wrote to its serial port so far; the last one's
 * size goes to @size ({ 0, 0 } when there is none). */
guint      e2e_guest_serial_size   (E2eGuest    *guest,
                                    const char  *marker,
                                    E2eSize     *size);
/* Every "@marker WxH" line's size the guest wrote so far, in order (E2eSize). */
GArray    *e2e_guest_serial_sizes  (E2eGuest    *guest,
                                    const char  *marker);
/* Whether the last "@marker WxH" line the guest wrote says @want. */
gboolean   e2e_guest_serial_size_is (E2eGuest      *guest,
                                     const char    *marker,
                                     const E2eSize *want);
/* What tests/guest/hangar-mode.c (the framebuffer variant) writes on the serial port
 * each time it sets a mode: this marker and WxH. */
#define E2E_GUEST_MODE_MARKER "HANGAR-MODE "
/* Whether @display (a HangarDisplay) shows a guest screen of @size. */
gboolean   e2e_display_guest_size_is (gpointer       display,
                                      const E2eSize *size);
/* The guest screen as libvirt sees it (virDomainScreenshot: PNG or PPM). */
GdkTexture *e2e_guest_screenshot   (E2eGuest    *guest);

/* An E2ePredicate: @display (a HangarDisplay) is connected and has drawn the guest. */
gboolean   e2e_display_shows_picture (gpointer display);
/* An E2ePredicate: @display shows the guest or gave up (disconnected). */
gboolean   e2e_display_settled     (gpointer     display);
/* Fails the test unless @display gave up with a message containing @needle. */
void       e2e_display_assert_fails_naming (gpointer    display,
                                            const char *needle);
/* Closes a VNC or SPICE console; a SPICE one once its channels stopped linking (see
 * e2e_spice_wait_linked). */
void       e2e_display_close       (gpointer     display);

/* Waits until every channel of the newest SPICE session that the console uses (main,
 * display 0, inputs, cursor 0, usbredir) has finished linking: opened, or failed. Call
 * it before closing a SPICE console: a channel closed while it still waits for the
 * server's link reply makes spice-client-glib warn "incomplete link header (0/16)"
 * (its read returns nothing once the disconnect began). Fails the test after
 * @timeout_ms, naming the channels still linking. */
void       e2e_spice_wait_linked   (guint        timeout_ms);
/* How many channels of @type (a SpiceChannel type) in the newest SPICE session opened. */
guint      e2e_spice_count_opened  (GType        type);
/* Starts watching SPICE channels for e2e_spice_wait_linked (once, before any session). */
void       e2e_spice_watch_channels (void);

/* Runs xdotool with @args (NULL-terminated) and fails the test if it fails. */
void       e2e_xdotool             (const char  *first_arg,
                                    ...) G_GNUC_NULL_TERMINATED;
/* The same, with the main loop running meanwhile: for typing into a console, which must
 * forward each key as it comes. */
void       e2e_xdotool_live        (const char  *first_arg,
                                    ...) G_GNUC_NULL_TERMINATED;
/* The X11 window id of @window, as a decimal string for xdotool. */
char      *e2e_window_xid          (GtkWindow   *window);

/* Pixels whose colour differs between two same-sized pictures; the bounding box of the
 * differences goes to @diff (empty when equal). */
guint      e2e_compare_textures    (GdkTexture   *expected,
                                    GdkTexture   *actual,
                                    GdkRectangle *diff);
/* Waits up to @timeout_ms for @display's picture to equal libvirt's screenshot of
 * @guest: takes libvirt's picture, gives the console up to a second to show that very
 * frame, and takes a new picture if not (the guest's screen may have changed meanwhile;
 * the VGA text cursor blinks on QEMU's own clock). Returns how many pixels differed at
 * the last comparison (0: equal), their bounding box in @diff; each attempt is logged. */
guint      e2e_display_wait_for_guest (HangarDisplay *display,
                                       E2eGuest      *guest,
                                       guint          timeout_ms,
                                       GdkRectangle  *diff);

/* The port the guest's graphical console listens on (its live definition), or -1. */
int        e2e_guest_graphics_port (E2eGuest     *guest);
/* How many of this process's sockets are TCP connections to @port on 127.0.0.1 or ::1:
 * a console reached directly rather than through libvirt's socket. */
guint      e2e_tcp_connections_to  (int           port);

G_END_DECLS
