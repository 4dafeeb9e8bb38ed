// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  HANGAR_DISPLAY_SCALING_FIT,          /* the whole screen in the widget, aspect kept */
  HANGAR_DISPLAY_SCALING_ONE_TO_ONE,   /* one guest pixel per device pixel, scrolled */
  HANGAR_DISPLAY_SCALING_RESIZE_GUEST, /* ask the guest to take the widget's size */
} HangarDisplayScaling;

typedef enum {
  HANGAR_DISPLAY_STATE_DISCONNECTED,
  HANGAR_DISPLAY_STATE_CONNECTING,
  HANGAR_DISPLAY_STATE_CONNECTED,
} HangarDisplayState;

/* Default of "picture-timeout": seconds a console that answered has to send a picture. */
#define HANGAR_DISPLAY_PICTURE_TIMEOUT_S 20

/* Pointer buttons, as a mask (bit n = button n + 1 down), as in the VNC protocol. */
#define HANGAR_DISPLAY_BUTTON_LEFT   (1 << 0)
#define HANGAR_DISPLAY_BUTTON_MIDDLE (1 << 1)
#define HANGAR_DISPLAY_BUTTON_RIGHT  (1 << 2)

#define HANGAR_TYPE_DISPLAY (hangar_display_get_type ())
G_DECLARE_DERIVABLE_TYPE (HangarDisplay, hangar_display, HANGAR, DISPLAY, GtkWidget)

struct _HangarDisplayClass
{
  GtkWidgetClass parent_class;

  /* @scancode is a PC XT scancode, E0-prefixed keys as 0x100 | code. */
  void (*send_key)     (HangarDisplay *self,
                        guint          scancode,
                        guint          keyval,
                        gboolean       pressed);
  /* Absolute position in guest framebuffer pixels. */
  void (*send_pointer) (HangarDisplay *self,
                        int            x,
                        int            y,
                        guint          button_mask);
  /* One wheel step: @dx, @dy in {-1, 0, 1}. */
  void (*send_scroll)  (HangarDisplay *self,
                        int            x,
                        int            y,
                        int            dx,
                        int            dy);
  /* Resize-guest mode: the widget's size in device pixels, debounced. FALSE when the
   * request could not go out (yet): it is asked again when the guest's size changes. */
  gboolean (*request_size) (HangarDisplay *self,
                            int            width,
                            int            height);
  /* Lock keys as the local keyboard has them. */
  void (*sync_locks)   (HangarDisplay *self,
                        gboolean       caps_lock,
                        gboolean       num_lock);
  /* The "share-clipboard" property changed: offer or withdraw what is copied. */
  void (*share_clipboard_changed) (HangarDisplay *self);
  /* The answer to "password-needed". */
  void (*set_password) (HangarDisplay *self,
                        const char    *password);
  /* Stop talking to the server now (it sent what the display refuses, or nothing); may
   * be called from the backend's own signal handlers. The base sets the state. */
  void (*disconnect)   (HangarDisplay *self);

  gpointer padding[5];
};

HangarDisplayScaling  hangar_display_get_scaling        (HangarDisplay       *self);
void                  hangar_display_set_scaling        (HangarDisplay       *self,
                                                         HangarDisplayScaling scaling);
HangarDisplayState    hangar_display_get_state          (HangarDisplay       *self);
const char           *hangar_display_get_status_message (HangarDisplay       *self);
gboolean              hangar_display_get_grabbed        (HangarDisplay       *self);
const char           *hangar_display_get_release_keys   (HangarDisplay       *self);
void                  hangar_display_set_release_keys   (HangarDisplay       *self,
                                                         const char          *keys);
/* Answers the "password-needed" signal (the console refused to go on without one, or
 * refused the last): the backend tries again with @password. */
void                  hangar_display_set_password       (HangarDisplay       *self,
                                                         const char          *password);
/* Whether text copied on either side may be pasted on the other (default TRUE). */
gboolean              hangar_display_get_share_clipboard (HangarDisplay      *self);
void                  hangar_display_set_share_clipboard (HangarDisplay      *self,
                                                          gboolean            share);
int                   hangar_display_get_guest_width    (HangarDisplay       *self);
int                   hangar_display_get_guest_height   (HangarDisplay       *self);
/* Presses the keys in order, then releases them in reverse: "Send key" combos. */
void                  hangar_display_send_keys          (HangarDisplay       *self,
                                                         const guint         *scancodes,
                                                         guint                n_scancodes);
/* The guest's screen as last received, full size; NULL before the first frame. */
GdkTexture           *hangar_display_get_screenshot     (HangarDisplay       *self);
gboolean              hangar_display_save_screenshot    (HangarDisplay       *self,
                                                         const char          *path,
                                                         GError             **error);
/* Where the framebuffer is drawn, in widget coordinates. */
void                  hangar_display_get_draw_rect      (HangarDisplay       *self,
                                                         graphene_rect_t     *rect);
/* Guest framebuffer coordinates of a widget point; FALSE outside the picture. */
gboolean              hangar_display_widget_to_guest    (HangarDisplay       *self,
                                                         double               x,
                                                         double               y,
                                                         int                 *guest_x,
                                                         int                 *guest_y);

/* For backends. The framebuffer is 32-bit B, G, R, x in memory (little-endian xRGB,
 * cairo's RGB24); the padding byte is ignored. */
guint8               *hangar_display_set_framebuffer    (HangarDisplay       *self,
                                                         int                  width,
                                                         int                  height,
                                                         gsize               *stride);
guint8               *hangar_display_get_framebuffer    (HangarDisplay       *self,
                                                         gsize               *stride);
/* Draws from pixels the backend's library keeps (same layout), valid until the next call;
 * NULL lets go of them, the last picture staying on screen until the next one. */
void                  hangar_display_set_framebuffer_data (HangarDisplay     *self,
                                                           guint8            *data,
                                                           int                width,
                                                           int                height,
                                                           gsize              stride);
/* Whether a screen of @width × @height may be shown (see MAX_SIDE, MAX_BYTES). If not,
 * the backend is told to disconnect and the display says why, naming the size and the
 * limit; call before allocating anything for it. */
gboolean              hangar_display_accept_size        (HangarDisplay       *self,
                                                         int                  width,
                                                         int                  height);
/* The backend reached its server (state "connecting"): the first picture, which makes
 * it "connected", must come within "picture-timeout" seconds, or the display gives up
 * with a message. A password prompt stops the clock; the answer restarts it. */
void                  hangar_display_expect_picture     (HangarDisplay       *self);
void                  hangar_display_damage             (HangarDisplay       *self,
                                                         int                  x,
                                                         int                  y,
                                                         int                  width,
                                                         int                  height);
void                  hangar_display_set_state          (HangarDisplay       *self,
                                                         HangarDisplayState   state,
                                                         const char          *message);
/* The guest's own pointer shape, shown as the local cursor; NULL for the default. */
void                  hangar_display_set_cursor_image   (HangarDisplay       *self,
                                                         GdkTexture          *texture,
                                                         int                  hot_x,
                                                         int                  hot_y);
/* Emits "password-needed", for the window to ask the user. */
void                  hangar_display_ask_password       (HangarDisplay       *self);
/* Frames drawn so far (for benchmarks and tests). */
guint64               hangar_display_get_frame_count    (HangarDisplay       *self);

G_END_DECLS
