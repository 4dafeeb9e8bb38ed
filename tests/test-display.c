// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-display"

#include "config.h"

#include <gtk/gtk.h>
#include <gsk/gl/gskglrenderer.h>
#include <gdk/x11/gdkx.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>

#include "hangar-display.h"
#include "hangar-spinner.h"
#include "test-widget-util.h"

/* A display whose "guest" is this test: it records what the base class sends. */
#define TEST_TYPE_DISPLAY (test_display_get_type ())
G_DECLARE_FINAL_TYPE (TestDisplay, test_display, TEST, DISPLAY, HangarDisplay)

struct _TestDisplay
{
  HangarDisplay parent_instance;
  GArray *keys; /* scancode | (pressed << 16) */
  GArray *keyvals;
  int requested_width;
  int requested_height;
  guint n_requests;
  gboolean refuse; /* request_size fails, as gvnc's before the server can resize */
  guint n_snapshots;
};

G_DEFINE_FINAL_TYPE (TestDisplay, test_display, HANGAR_TYPE_DISPLAY)

static void
test_display_send_key (HangarDisplay *display,
                       guint          scancode,
                       guint          keyval,
                       gboolean       pressed)
{
  guint entry = scancode | (pressed ? 1u << 16 : 0);

  g_array_append_val (TEST_DISPLAY (display)->keys, entry);
  g_array_append_val (TEST_DISPLAY (display)->keyvals, keyval);
}

static gboolean
test_display_request_size (HangarDisplay *display,
                           int            width,
                           int            height)
{
  TestDisplay *self = TEST_DISPLAY (display);

  self->n_requests++;
  if (self->refuse)
    return FALSE;
  self->requested_width = width;
  self->requested_height = height;
  return TRUE;
}

static void
test_display_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  TEST_DISPLAY (widget)->n_snapshots++;
  GTK_WIDGET_CLASS (test_display_parent_class)->snapshot (widget, snapshot);
}

static void
test_display_finalize (GObject *object)
{
  g_array_unref (TEST_DISPLAY (object)->keys);
  g_array_unref (TEST_DISPLAY (object)->keyvals);
  G_OBJECT_CLASS (test_display_parent_class)->finalize (object);
}

static void
test_display_class_init (TestDisplayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_display_finalize;
  HANGAR_DISPLAY_CLASS (klass)->send_key = test_display_send_key;
  HANGAR_DISPLAY_CLASS (klass)->request_size = test_display_request_size;
  GTK_WIDGET_CLASS (klass)->snapshot = test_display_snapshot;
}

static void
test_display_init (TestDisplay *self)
{
  self->keys = g_array_new (FALSE, FALSE, sizeof (guint));
  self->keyvals = g_array_new (FALSE, FALSE, sizeof (guint));
}

static gboolean
has_size (gpointer data)
{
  return gtk_widget_get_width (data) > 0;
}

static GtkWindow *
show_display (HangarDisplay *display,
              int            width,
              int            height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, GTK_WIDGET (display));
  gtk_window_present (window);
  g_assert_true (test_wait_for (has_size, display, 3000));
  /* Under GL, the renderer a machine with a GPU gets, the checks run on a GL renderer for
   * real (Mesa's software GL under Xvfb), not on a fallback. */
  if (g_strcmp0 (g_getenv ("GSK_RENDERER"), "gl") == 0 &&
      !GSK_IS_GL_RENDERER (gtk_native_get_renderer (GTK_NATIVE (window))))
    g_error ("GSK_RENDERER=gl, but GTK made a %s: no usable GL here",
             G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));
  return window;
}

/* The colour of widget pixel (x, y) as drawn: B, G, R of cairo's RGB24. */
static guint32
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);

  return *(const guint32 *)(data + y * cairo_image_surface_get_stride (surface) + x * 4) &
         0xffffff;
}

static cairo_surface_t *render_widget (GtkWidget *widget);

/* The picture (grey, give or take the filter's rounding) or the black around it. */
static gboolean
is_picture (guint32 pixel)
{
  return (pixel & 0xff) >= 0x70 && ((pixel >> 8) & 0xff) >= 0x70 && (pixel >> 16) >= 0x70;
}

/* Fit keeps the aspect and centres the picture, and every widget point maps to the guest
 * pixel under it; 1:1 centres it unscaled. Expected places come from the window's and
 * the picture's sizes alone. */
static void
test_pointer_mapping (void)
{
  HangarDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  cairo_surface_t *drawn;
  GtkWindow *window;
  guint8 *fb;
  gsize stride;
  int x, y, width, height, device;
  double scale, left, top;

  fb = hangar_display_set_framebuffer (display, 320, 200, &stride);
  memset (fb, 0x80, stride * 200);
  window = show_display (display, 600, 300); /* at scale 2 within a 1280 × 800 screen */
  /* Places below are in device pixels (the screen's, at any scale); the widget's points
   * are those divided by @device. */
  device = gtk_widget_get_scale_factor (GTK_WIDGET (display));
  width = gtk_widget_get_width (GTK_WIDGET (display)) * device;
  height = gtk_widget_get_height (GTK_WIDGET (display)) * device;

  /* Fit: as large as fits, the space left split evenly on both sides. */
  scale = MIN (width / 320.0, height / 200.0);
  left = floor ((width - 320 * scale) / 2);
  top = floor ((height - 200 * scale) / 2);
  g_assert_true (left > 1 || top > 1); /* the window's aspect differs from the picture's */

  drawn = render_widget (GTK_WIDGET (display));
  if (top > 1)
    {
      g_assert_cmphex (pixel_at (drawn, width / 2, top - 1), ==, 0);
      g_assert_true (is_picture (pixel_at (drawn, width / 2, top)));
      g_assert_true (is_picture (pixel_at (drawn, width / 2, (int)ceil (top + 200 * scale) - 1)));
      g_assert_cmphex (pixel_at (drawn, width / 2, (int)ceil (top + 200 * scale)), ==, 0);
      g_assert_cmpint (height - (int)ceil (top + 200 * scale) - (int)top, <=, 1);
    }
  else
    {
      g_assert_cmphex (pixel_at (drawn, left - 1, height / 2), ==, 0);
      g_assert_true (is_picture (pixel_at (drawn, left, height / 2)));
      g_assert_true (is_picture (pixel_at (drawn, (int)ceil (left + 320 * scale) - 1, height / 2)));
      g_assert_cmphex (pixel_at (drawn, (int)ceil (left + 320 * scale), height / 2), ==, 0);
      g_assert_cmpint (width - (int)ceil (left + 320 * scale) - (int)left, <=, 1);
    }
  cairo_surface_destroy (drawn);

  /* The centre of guest pixel (gx, gy) on screen maps back to (gx, gy). */
  for (int gy = 0; gy < 200; gy += 7)
    for (int gx = 0; gx < 320; gx += 11)
      {
        g_assert_true (hangar_display_widget_to_guest (display,
                                                       (left + (gx + 0.5) * scale) / device,
                                                       (top + (gy + 0.5) * scale) / device,
                                                       &x, &y));
        g_assert_cmpint (x, ==, gx);
        g_assert_cmpint (y, ==, gy);
      }

  /* Outside the picture: clamped to its edge, and said to be outside. */
  if (top > 1)
    {
      g_assert_false (hangar_display_widget_to_guest (display, width / 2.0 / device,
                                                       top / 2 / device, &x, &y));
      g_assert_cmpint (x, ==, (int)((width / 2.0 - left) / scale));
      g_assert_cmpint (y, ==, 0);
    }
  else
    {
      g_assert_false (hangar_display_widget_to_guest (display, left / 2 / device,
                                                       height / 2.0 / device, &x, &y));
      g_assert_cmpint (x, ==, 0);
      g_assert_cmpint (y, ==, (int)((height / 2.0 - top) / scale));
    }

  /* 1:1: one guest pixel per device pixel, centred. */
  hangar_display_set_scaling (display, HANGAR_DISPLAY_SCALING_ONE_TO_ONE);
  left = (width - 320) / 2;
  top = (height - 200) / 2;
  g_assert_true (hangar_display_widget_to_guest (display, (left + 10.5) / device,
                                                 (top + 20.5) / device, &x, &y));
  g_assert_cmpint (x, ==, 10);
  g_assert_cmpint (y, ==, 20);
  g_assert_true (hangar_display_widget_to_guest (display, (left + 319.5) / device,
                                                 (top + 199.5) / device, &x, &y));
  g_assert_cmpint (x, ==, 319);
  g_assert_cmpint (y, ==, 199);
  g_assert_false (hangar_display_widget_to_guest (display, (left - 0.5) / device,
                                                  (top + 20.5) / device, &x, &y));

  gtk_window_destroy (window);
}

/* Send-key combinations press in order and release in reverse. */
static void
test_send_keys (void)
{
  TestDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  const guint ctrl_alt_del[] = { 0x1d, 0x38, 0x153 };
  const guint expected[] = { 0x1d | 1u << 16, 0x38 | 1u << 16, 0x153 | 1u << 16,
                             0x153, 0x38, 0x1d };
  g_autoptr(GtkWidget) sink = g_object_ref_sink (GTK_WIDGET (display));

  hangar_display_set_state (HANGAR_DISPLAY (display), HANGAR_DISPLAY_STATE_CONNECTED, NULL);
  hangar_display_send_keys (HANGAR_DISPLAY (display), ctrl_alt_del, 3);
  g_assert_cmpuint (display->keys->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmphex (g_array_index (display->keys, guint, i), ==, expected[i]);
  /* With keysyms too, for VNC servers without QEMU's scancode extension. */
  g_assert_cmphex (g_array_index (display->keyvals, guint, 0), ==, GDK_KEY_Control_L);
  g_assert_cmphex (g_array_index (display->keyvals, guint, 1), ==, GDK_KEY_Alt_L);
  g_assert_cmphex (g_array_index (display->keyvals, guint, 2), ==, GDK_KEY_Delete);

  /* Nothing goes to a guest that is not connected. */
  g_array_set_size (display->keys, 0);
  hangar_display_set_state (HANGAR_DISPLAY (display), HANGAR_DISPLAY_STATE_DISCONNECTED, NULL);
  hangar_display_send_keys (HANGAR_DISPLAY (display), ctrl_alt_del, 3);
  g_assert_cmpuint (display->keys->len, ==, 0);
}

static gboolean
count_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       data)
{
  (*(guint *)data)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
two_ticks (gpointer data)
{
  return *(guint *)data >= 2;
}

static gboolean
requested_since (gpointer data)
{
  TestDisplay *display = data;

  return display->n_requests >
         GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (display), "requests"));
}

/* Returns once whatever resize request @display has scheduled so far has gone out or
 * been dropped. First a whole frame passes (its layout is the last place a request is
 * scheduled); then @control, another display in resize-guest mode, is made to ask: its
 * request, debounced as long and scheduled later, comes after any of @display's. */
static void
settle (TestDisplay *display,
        TestDisplay *control)
{
  static int step;
  guint ticks = 0;
  guint tick = gtk_widget_add_tick_callback (GTK_WIDGET (display), count_tick, &ticks, NULL);

  g_assert_true (test_wait_for (two_ticks, &ticks, 3000));
  gtk_widget_remove_tick_callback (GTK_WIDGET (display), tick);

  g_object_set_data (G_OBJECT (control), "requests", GUINT_TO_POINTER (control->n_requests));
  /* A size the control has not had: it asks for its own again. */
  hangar_display_set_framebuffer (HANGAR_DISPLAY (control), 100 + ++step, 100, NULL);
  g_assert_true (test_wait_for (requested_since, control, 3000));
}

static gboolean
n_requests_at_least (gpointer data)
{
  TestDisplay *display = data;

  return display->n_requests >=
         GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (display), "want"));
}

static void
wait_requests (TestDisplay *display,
               guint        n)
{
  g_object_set_data (G_OBJECT (display), "want", GUINT_TO_POINTER (n));
  if (!test_wait_for (n_requests_at_least, display, 3000))
    g_error ("Expected %u resize requests, got %u", n, display->n_requests);
}

/* Resize-guest mode asks the guest for the widget's size, once it settles, and again
 * when the guest changes size by itself — but never in a loop. */
static void
test_resize_request (void)
{
  TestDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  TestDisplay *control = g_object_new (TEST_TYPE_DISPLAY, NULL);
  GtkWindow *window, *control_window;
  int scale, width, height;

  hangar_display_set_framebuffer (HANGAR_DISPLAY (control), 100, 100, NULL);
  hangar_display_set_state (HANGAR_DISPLAY (control), HANGAR_DISPLAY_STATE_CONNECTED, NULL);
  hangar_display_set_scaling (HANGAR_DISPLAY (control), HANGAR_DISPLAY_SCALING_RESIZE_GUEST);
  control_window = show_display (HANGAR_DISPLAY (control), 300, 200);
  wait_requests (control, 1);

  hangar_display_set_framebuffer (HANGAR_DISPLAY (display), 640, 480, NULL);
  hangar_display_set_state (HANGAR_DISPLAY (display), HANGAR_DISPLAY_STATE_CONNECTED, NULL);
  hangar_display_set_scaling (HANGAR_DISPLAY (display), HANGAR_DISPLAY_SCALING_RESIZE_GUEST);
  window = show_display (HANGAR_DISPLAY (display), 900, 700);
  wait_requests (display, 1);

  scale = gtk_widget_get_scale_factor (GTK_WIDGET (display));
  width = gtk_widget_get_width (GTK_WIDGET (display)) * scale;
  height = gtk_widget_get_height (GTK_WIDGET (display)) * scale;
  g_assert_cmpint (display->requested_width, ==, width);
  g_assert_cmpint (display->requested_height, ==, height);
  settle (display, control);
  g_assert_cmpuint (display->n_requests, ==, 1);

  /* The guest takes the size: nothing more to ask. */
  hangar_display_set_framebuffer (HANGAR_DISPLAY (display), width, height, NULL);
  settle (display, control);
  g_assert_cmpuint (display->n_requests, ==, 1);

  /* It reboots into its boot-time size: asked again. */
  display->requested_width = 0;
  hangar_display_set_framebuffer (HANGAR_DISPLAY (display), 720, 400, NULL);
  wait_requests (display, 2);
  g_assert_cmpint (display->requested_width, ==, width);

  /* It answers with a size of its own: asked once more, not again for the same answer. */
  hangar_display_set_framebuffer (HANGAR_DISPLAY (display), width - 1, height - 3, NULL);
  wait_requests (display, 3);
  settle (display, control);
  g_assert_cmpuint (display->n_requests, ==, 3);
  hangar_display_set_framebuffer (HANGAR_DISPLAY (display), width - 1, height - 3, NULL);
  settle (display, control);
  g_assert_cmpuint (display->n_requests, ==, 3);

  /* A request that cannot go out yet goes out when the guest next tells its size. */
  display->refuse = TRUE;
  display->requested_width = 0;
  hangar_display_set_framebuffer (HANGAR_DISPLAY (display), 800, 600, NULL);
  wait_requests (display, 4);
  settle (display, control);
  g_assert_cmpuint (display->n_requests, ==, 4);
  g_assert_cmpint (display->requested_width, ==, 0);
  display->refuse = FALSE;
  hangar_display_set_framebuffer (HANGAR_DISPLAY (display), 800, 600, NULL);
  wait_requests (display, 5);
  g_assert_cmpint (display->requested_width, ==, width);

  /* Out of resize-guest mode before a pending request goes: it does not go. */
  hangar_display_set_framebuffer (HANGAR_DISPLAY (display), 700, 500, NULL);
  hangar_display_set_scaling (HANGAR_DISPLAY (display), HANGAR_DISPLAY_SCALING_FIT);
  settle (display, control);
  g_assert_cmpuint (display->n_requests, ==, 5);

  gtk_window_destroy (window);
  gtk_window_destroy (control_window);
}

/* What the widget would draw now: its render node. */
static GskRenderNode *
widget_node (GtkWidget *widget)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  return gtk_snapshot_free_to_node (snapshot);
}

/* @node drawn as GTK's cairo renderer would on a screen of @scale device pixels a point:
 * @width × @height points, an image of their device pixels. */
static cairo_surface_t *
draw_node (GskRenderNode *node,
           int            width,
           int            height,
           int            scale)
{
  cairo_surface_t *surface =
    cairo_image_surface_create (CAIRO_FORMAT_RGB24, width * scale, height * scale);
  cairo_t *cr;

  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);

  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* What the widget draws, as GTK's cairo renderer would: its device pixels. */
static cairo_surface_t *
render_widget (GtkWidget *widget)
{
  g_autoptr(GskRenderNode) node = widget_node (widget);

  return draw_node (node, gtk_widget_get_width (widget), gtk_widget_get_height (widget),
                    gtk_widget_get_scale_factor (widget));
}

static guint32 surface_pixel (gpointer drawn,
                              int      x,
                              int      y);

/* How far @drawn (the widget's device pixels, read with @pixel) is from @display's
 * framebuffer scaled in one piece to fill the widget: the largest difference of a
 * channel, and in which screen row (@worst_row). */
static int
difference_from_one_piece (HangarDisplay *display,
                           guint32 (*pixel) (gpointer drawn, int x, int y),
                           gpointer       drawn,
                           int           *worst_row)
{
  int device = gtk_widget_get_scale_factor (GTK_WIDGET (display));
  int shown_width = gtk_widget_get_width (GTK_WIDGET (display)) * device;
  int shown_height = gtk_widget_get_height (GTK_WIDGET (display)) * device;
  int width = hangar_display_get_guest_width (display);
  int height = hangar_display_get_guest_height (display);
  cairo_surface_t *reference, *source;
  gsize stride;
  guint8 *fb = hangar_display_get_framebuffer (display, &stride);
  cairo_t *cr;
  int worst = 0;

  reference = cairo_image_surface_create (CAIRO_FORMAT_RGB24, shown_width, shown_height);
  source = cairo_image_surface_create_for_data (fb, CAIRO_FORMAT_RGB24, width, height, stride);
  cr = cairo_create (reference);
  cairo_scale (cr, (double)shown_width / width, (double)shown_height / height);
  cairo_set_source_surface (cr, source, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (reference);

  *worst_row = -1;
  for (int y = 0; y < shown_height; y++)
    for (int x = 0; x < shown_width; x++)
      {
        guint32 a = pixel (drawn, x, y), b = pixel_at (reference, x, y);

        for (int shift = 0; shift < 24; shift += 8)
          {
            int d = ABS ((int)((a >> shift) & 0xff) - (int)((b >> shift) & 0xff));

            if (d > worst)
              worst = d, *worst_row = y;
          }
      }

  cairo_surface_destroy (source);
  cairo_surface_destroy (reference);
  return worst;
}

/* Fails unless @display's picture, filling its widget, is the framebuffer scaled in one
 * piece to the widget's device pixels (within 3 of 255 a channel). */
static void
assert_drawn_in_one_piece (HangarDisplay *display)
{
  cairo_surface_t *picture = render_widget (GTK_WIDGET (display));
  int row, worst = difference_from_one_piece (display, surface_pixel, picture, &row);

  if (worst > 3)
    g_error ("Scaled to %.2f, screen row %d differs from the picture drawn in one piece by %d",
             (double)gtk_widget_get_width (GTK_WIDGET (display)) /
               hangar_display_get_guest_width (display),
             row, worst);
  cairo_surface_destroy (picture);
}

/* Scaled, the picture is the framebuffer drawn in one piece to the screen's device
 * pixels: no seams (under GTK's cairo renderer it is one node; under others, tiles that
 * each blend in the pixels past their edges). */
static void
scaled_without_seams (int size,
                      int shown)
{
  TestDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  GtkWindow *window;
  guint8 *fb;
  gsize stride;

  /* Every row a different grey: what a filter smears across a seam shows. */
  fb = hangar_display_set_framebuffer (HANGAR_DISPLAY (display), size, size, &stride);
  for (int y = 0; y < size; y++)
    memset (fb + y * stride, (y * 97 + 13) % 256, stride);
  hangar_display_set_state (HANGAR_DISPLAY (display), HANGAR_DISPLAY_STATE_CONNECTED, NULL);
  window = show_display (HANGAR_DISPLAY (display), shown, shown);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (display)), ==, shown);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (display)), ==, shown);

  assert_drawn_in_one_piece (HANGAR_DISPLAY (display));
  gtk_window_destroy (window);
}

static void
test_downscaled_without_seams (void)
{
  scaled_without_seams (1000, 400);
}

/* Enlarged: at scale 2, 300 guest pixels on 800 device pixels. */
static void
test_enlarged_without_seams (void)
{
  scaled_without_seams (300, 400);
}

static gboolean
snapshot_since (gpointer data)
{
  TestDisplay *display = data;

  return display->n_snapshots >
         GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (display), "snapshots"));
}

/* Colour of picture row @y: every row differs, none is black. */
static guint8
row_grey (int y)
{
  return 0x40 + y % 0x80;
}

/* What the X server saw drawn into a window: XDamage's raw rectangles, read on a
 * connection of the test's own, as the console benchmark counts them. */
typedef struct
{
  Display *xdisplay;
  Damage damage;
  int event_base;
  GtkWidget *widget;
  guint n_paints;
} DamageWatch;

static void
on_after_paint_cb (GdkFrameClock *clock,
                   DamageWatch   *watch)
{
  watch->n_paints++;
}

static void
damage_watch_start (DamageWatch *watch,
                    GtkWidget   *widget)
{
  int error_base;

  watch->widget = widget;
  watch->xdisplay = XOpenDisplay (NULL);
  g_assert_nonnull (watch->xdisplay);
  if (!XDamageQueryExtension (watch->xdisplay, &watch->event_base, &error_base))
    g_error ("The X server has no DAMAGE extension");
  watch->damage = XDamageCreate (watch->xdisplay, test_x11_window_id (widget),
                                 XDamageReportRawRectangles);
  XSync (watch->xdisplay, False);
  g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                    G_CALLBACK (on_after_paint_cb), watch);
}

static void
damage_watch_stop (DamageWatch *watch)
{
  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (watch->widget),
                                        on_after_paint_cb, watch);
  XDamageDestroy (watch->xdisplay, watch->damage);
  XCloseDisplay (watch->xdisplay);
}

static gboolean
painted_since (gpointer data)
{
  DamageWatch *watch = data;
  TestDisplay *display = TEST_DISPLAY (watch->widget);

  return display->n_snapshots >
           GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (display), "snapshots")) &&
         watch->n_paints > GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (display), "paints"));
}

/* Damages @rects (guest pixels) in one go, waits for the frame that draws them, and
 * returns what reached the window meanwhile: the rectangles' union and their summed
 * area (what the benchmark counts). */
static cairo_region_t *
damage_and_collect (DamageWatch                 *watch,
                    const cairo_rectangle_int_t *rects,
                    guint                        n_rects,
                    gint64                      *area)
{
  TestDisplay *display = TEST_DISPLAY (watch->widget);
  cairo_region_t *region = cairo_region_create ();
  gsize stride;
  guint8 *fb = hangar_display_get_framebuffer (HANGAR_DISPLAY (display), &stride);
  static guint8 grey = 0x20;

  grey += 0x30;
  g_object_set_data (G_OBJECT (display), "snapshots", GUINT_TO_POINTER (display->n_snapshots));
  g_object_set_data (G_OBJECT (display), "paints", GUINT_TO_POINTER (watch->n_paints));
  for (guint i = 0; i < n_rects; i++)
    {
      for (int y = rects[i].y; y < rects[i].y + rects[i].height; y++)
        memset (fb + y * stride + rects[i].x * 4, grey, rects[i].width * 4);
      hangar_display_damage (HANGAR_DISPLAY (display), rects[i].x, rects[i].y,
                             rects[i].width, rects[i].height);
    }
  g_assert_true (test_wait_for (painted_since, watch, 3000));

  /* GTK's requests reach the server before the test's round trip: whatever they damaged
   * is queued for the test by the time it returns. */
  XSync (gdk_x11_display_get_xdisplay (gtk_widget_get_display (watch->widget)), False);
  XSync (watch->xdisplay, False);
  *area = 0;
  while (XPending (watch->xdisplay))
    {
      XEvent event;

      XNextEvent (watch->xdisplay, &event);
      if (event.type == watch->event_base + XDamageNotify)
        {
          XDamageNotifyEvent *notify = (XDamageNotifyEvent *)&event;

          cairo_region_union_rectangle (region, &(cairo_rectangle_int_t) {
                                                  notify->area.x, notify->area.y,
                                                  notify->area.width, notify->area.height });
          *area += (gint64)notify->area.width * notify->area.height;
        }
    }
  return region;
}

/* @r in guest pixels, shown 1.25 times as large, grown by @grow screen pixels. */
static cairo_rectangle_int_t
scaled (cairo_rectangle_int_t r,
        int                   grow)
{
  int x0 = (int)floor (r.x * 1.25) - grow, y0 = (int)floor (r.y * 1.25) - grow;
  int x1 = (int)ceil ((r.x + r.width) * 1.25) + grow;
  int y1 = (int)ceil ((r.y + r.height) * 1.25) + grow;

  return (cairo_rectangle_int_t) { x0, y0, x1 - x0, y1 - y0 };
}

static void
assert_region_within (cairo_region_t              *region,
                      const cairo_rectangle_int_t *bounds,
                      guint                        n_bounds)
{
  cairo_region_t *outside = cairo_region_copy (region);
  cairo_rectangle_int_t extents;

  for (guint i = 0; i < n_bounds; i++)
    cairo_region_subtract_rectangle (outside, &bounds[i]);
  cairo_region_get_extents (outside, &extents);
  if (!cairo_region_is_empty (outside))
    g_error ("Drawn outside what changed: %d rectangles, within %d,%d %d×%d",
             cairo_region_num_rectangles (outside), extents.x, extents.y, extents.width,
             extents.height);
  cairo_region_destroy (outside);
}

/* What the guest changed is what reaches the screen: its rectangles, scaled, with the
 * two screen pixels around them that the filter blends them into — not tiles, nor whole
 * rows of the picture, nor the window. (GTK 4.8 on X11 copies a frame to the window in one
 * request clipped to what changed, and XDamage reports that request's bounding box:
 * rectangles far apart in one frame show as the box around them.) */
static void
test_damages_what_changed (void)
{
  TestDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  const cairo_rectangle_int_t one = { 100, 100, 20, 16 };
  const cairo_rectangle_int_t corner = { 702, 384, 18, 16 };
  cairo_rectangle_int_t lines[25], scattered[3 * 15], bounds[G_N_ELEMENTS (scattered)];
  cairo_rectangle_int_t bound, column, left;
  cairo_region_t *drawn;
  cairo_surface_t *picture;
  GskRenderNode *before;
  guint32 grey;
  DamageWatch watch = { 0 };
  GtkWindow *window;
  gint64 area;
  gsize stride;
  guint8 *fb;

  /* A 720 × 400 guest (VGA text mode) shown 1.25 times as large. */
  fb = hangar_display_set_framebuffer (HANGAR_DISPLAY (display), 720, 400, &stride);
  for (int y = 0; y < 400; y++)
    memset (fb + y * stride, row_grey (y), stride);
  hangar_display_set_state (HANGAR_DISPLAY (display), HANGAR_DISPLAY_STATE_CONNECTED, NULL);
  window = show_display (HANGAR_DISPLAY (display), 900, 500);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (display)), ==, 900);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (display)), ==, 500);
  g_assert_cmpint (gtk_widget_get_scale_factor (GTK_WIDGET (display)), ==, 1);
  damage_watch_start (&watch, GTK_WIDGET (display));
  /* The first frames (the whole picture, focus) out of the way. */
  cairo_region_destroy (damage_and_collect (&watch, &one, 1, &area));

  /* One rectangle. */
  drawn = damage_and_collect (&watch, &one, 1, &area);
  bound = scaled (one, 2);
  assert_region_within (drawn, &bound, 1);
  bound = scaled (one, 0);
  g_assert_cmpint (cairo_region_contains_rectangle (drawn, &bound), ==, CAIRO_REGION_OVERLAP_IN);
  picture = render_widget (GTK_WIDGET (display));
  g_assert_cmphex (pixel_at (picture, 137, 137), ==, fb[one.y * stride + one.x * 4] * 0x010101u);
  cairo_surface_destroy (picture);
  cairo_region_destroy (drawn);

  /* An earlier frame's nodes, drawn again (GTK draws a widget's kept nodes where others
   * changed), show the picture as it is now, never an older one: the node paints the
   * framebuffer, whose changes are drawn in the next frame anyway. */
  before = widget_node (GTK_WIDGET (display));
  picture = draw_node (before, 900, 500, 1);
  grey = pixel_at (picture, 137, 137);
  cairo_surface_destroy (picture);
  cairo_region_destroy (damage_and_collect (&watch, &one, 1, &area));
  picture = draw_node (before, 900, 500, 1);
  g_assert_cmphex (pixel_at (picture, 137, 137), ==, fb[one.y * stride + one.x * 4] * 0x010101u);
  g_assert_cmphex (pixel_at (picture, 137, 137), !=, grey);
  cairo_surface_destroy (picture);
  gsk_render_node_unref (before);

  /* At the picture's corner: nothing past its edge. */
  drawn = damage_and_collect (&watch, &corner, 1, &area);
  bound = scaled (corner, 2);
  assert_region_within (drawn, &bound, 1);
  bound = scaled (corner, 0);
  g_assert_cmpint (cairo_region_contains_rectangle (drawn, &bound), ==, CAIRO_REGION_OVERLAP_IN);
  cairo_region_destroy (drawn);

  /* The first rectangle again: the corner, drawn in the frame before, is not drawn
   * again (GTK pairs a frame's nodes with the last frame's in order). */
  drawn = damage_and_collect (&watch, &one, 1, &area);
  bound = scaled (one, 2);
  assert_region_within (drawn, &bound, 1);
  cairo_region_destroy (drawn);

  /* A column of changed digits, one run per text line, of different widths: more
   * rectangles than GTK diffs (past 30 it repaints the whole window), merged into fewer
   * within the column the digits take. */
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      lines[i] = (cairo_rectangle_int_t) { 9 * (12 + i % 3), 16 * i, 9 * (1 + i % 2), 16 };
      bounds[i] = scaled (lines[i], 0);
    }
  drawn = damage_and_collect (&watch, lines, G_N_ELEMENTS (lines), &area);
  column = (cairo_rectangle_int_t) { 9 * 12 * 5 / 4 - 2, 0, 9 * 4 * 5 / 4 + 4, 500 };
  assert_region_within (drawn, &column, 1);
  g_assert_cmpint (area, <=, (gint64)column.width * column.height);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    g_assert_cmpint (cairo_region_contains_rectangle (drawn, &bounds[i]), ==,
                     CAIRO_REGION_OVERLAP_IN);
  cairo_region_destroy (drawn);

  /* Changes scattered over the left of the picture, the rows staggered: more rectangles
   * than GTK diffs, which would repaint the whole window; merged into fewer, they stay
   * left. */
  for (guint i = 0; i < G_N_ELEMENTS (scattered); i++)
    {
      int row = i / 3, column = 2 * (i % 3) + row % 2;

      scattered[i] = (cairo_rectangle_int_t) { (int)(102.4 * column) + 40,
                                               (int)(25.6 * row) + 4, 9, 16 };
      bounds[i] = scaled (scattered[i], 0);
    }
  drawn = damage_and_collect (&watch, scattered, G_N_ELEMENTS (scattered), &area);
  left = scaled ((cairo_rectangle_int_t) { 0, 0, (int)(102.4 * 5) + 40 + 9, 400 }, 2);
  assert_region_within (drawn, &left, 1);
  for (guint i = 0; i < G_N_ELEMENTS (scattered); i++)
    g_assert_cmpint (cairo_region_contains_rectangle (drawn, &bounds[i]), ==,
                     CAIRO_REGION_OVERLAP_IN);
  cairo_region_destroy (drawn);

  /* After all that, still the picture drawn in one piece. */
  assert_drawn_in_one_piece (HANGAR_DISPLAY (display));

  damage_watch_stop (&watch);
  gtk_window_destroy (window);
}

/* At 1:1 in a scrolled window only what shows is drawn; scrolling draws what comes into
 * view. */
static void
test_scrolled_draws_what_shows (void)
{
  TestDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (gtk_scrolled_window_new ());
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkAdjustment *vadjustment;
  cairo_surface_t *drawn;
  guint8 *fb;
  gsize stride;
  int left;

  fb = hangar_display_set_framebuffer (HANGAR_DISPLAY (display), 320, 2000, &stride);
  for (int y = 0; y < 2000; y++)
    memset (fb + y * stride, row_grey (y), stride);
  hangar_display_set_scaling (HANGAR_DISPLAY (display), HANGAR_DISPLAY_SCALING_ONE_TO_ONE);
  gtk_scrolled_window_set_child (scroller, GTK_WIDGET (display));
  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_default_size (window, 400, 300);
  gtk_window_set_child (window, GTK_WIDGET (scroller));
  gtk_window_present (window);
  g_assert_true (test_wait_for (has_size, display, 3000));
  g_assert_cmpint (gtk_widget_get_scale_factor (GTK_WIDGET (display)), ==, 1);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (display)), ==, 2000);
  left = (gtk_widget_get_width (GTK_WIDGET (display)) - 320) / 2;

  /* The top shows; far below, nothing is drawn. */
  drawn = render_widget (GTK_WIDGET (display));
  g_assert_cmphex (pixel_at (drawn, left + 10, 100) & 0xff, ==, row_grey (100));
  g_assert_cmphex (pixel_at (drawn, left + 10, 1600), ==, 0);
  cairo_surface_destroy (drawn);

  /* Scrolled down: drawn again, and row 1600 is there. */
  g_object_set_data (G_OBJECT (display), "snapshots", GUINT_TO_POINTER (display->n_snapshots));
  vadjustment = gtk_scrolled_window_get_vadjustment (scroller);
  gtk_adjustment_set_value (vadjustment, 1500);
  g_assert_true (test_wait_for (snapshot_since, display, 3000));
  drawn = render_widget (GTK_WIDGET (display));
  g_assert_cmphex (pixel_at (drawn, left + 10, 1600) & 0xff, ==, row_grey (1600));
  cairo_surface_destroy (drawn);

  gtk_window_destroy (window);
}

/* The backend's pixels go (a SPICE surface between two modes, freed right after): the
 * picture drawn last stays on screen, drawn from a copy — also by the nodes of a frame
 * GTK still holds — and never from the memory that went. */
static void
detached_keeps_picture (int zoom)
{
  TestDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  const int width = 160, height = 100;
  guint8 *data = g_malloc ((gsize)width * 4 * height);
  cairo_surface_t *picture;
  GskRenderNode *node;
  GtkWindow *window;

  memset (data, 0x60, (gsize)width * 4 * height);
  hangar_display_set_framebuffer_data (HANGAR_DISPLAY (display), data, width, height,
                                       (gsize)width * 4);
  hangar_display_set_state (HANGAR_DISPLAY (display), HANGAR_DISPLAY_STATE_CONNECTED, NULL);
  window = show_display (HANGAR_DISPLAY (display), zoom * width, zoom * height);
  node = widget_node (GTK_WIDGET (display));

  hangar_display_set_framebuffer_data (HANGAR_DISPLAY (display), NULL, 0, 0, 0);
  memset (data, 0xff, (gsize)width * 4 * height);
  g_free (data);

  picture = draw_node (node, zoom * width, zoom * height,
                       gtk_widget_get_scale_factor (GTK_WIDGET (display)));
  g_assert_cmphex (pixel_at (picture, zoom * width / 2, zoom * height / 2), ==, 0x606060);
  cairo_surface_destroy (picture);
  gsk_render_node_unref (node);
  picture = render_widget (GTK_WIDGET (display));
  g_assert_cmphex (pixel_at (picture, zoom * width / 2, zoom * height / 2), ==, 0x606060);
  cairo_surface_destroy (picture);
  gtk_window_destroy (window);
}

/* At 1:1 (the framebuffer drawn itself) and scaled (a scaled copy drawn). */
static void
test_detached_keeps_picture (void)
{
  detached_keeps_picture (1);
  detached_keeps_picture (2);
}

/* Guest pixel (@x, @y) of the sharpness pattern: a one-pixel checkerboard (red 0x10 or
 * 0xf0) whose green and blue say where the pixel is, so that a picture blurred, drawn at
 * half the resolution or shifted by a pixel shows. Never black, the colour around. */
static guint32
sharp_pixel (int x,
             int y)
{
  return ((x + y) % 2 ? 0xf00000u : 0x100000u) | (guint32)(y % 0xf0 + 0x08) << 8 |
         (guint32)(x % 0xf0 + 0x08);
}

static guint8 *
set_sharp_framebuffer (HangarDisplay *display,
                       int            width,
                       int            height)
{
  gsize stride;
  guint8 *fb = hangar_display_set_framebuffer (display, width, height, &stride);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      *(guint32 *)(fb + y * stride + x * 4) = sharp_pixel (x, y);
  hangar_display_set_state (display, HANGAR_DISPLAY_STATE_CONNECTED, NULL);
  return fb;
}

/* The picture's top left corner in the widget's device pixels, which it must start on. */
static void
picture_origin (HangarDisplay *display,
                int           *x,
                int           *y)
{
  int device = gtk_widget_get_scale_factor (GTK_WIDGET (display));
  graphene_rect_t rect;

  hangar_display_get_draw_rect (display, &rect);
  g_assert_cmpfloat (rect.origin.x * device, ==, floor (rect.origin.x * device));
  g_assert_cmpfloat (rect.origin.y * device, ==, floor (rect.origin.y * device));
  *x = (int)(rect.origin.x * device);
  *y = (int)(rect.origin.y * device);
}

/* NULL if @drawn (device pixels, the picture's corner at @left, @top) is @display's
 * framebuffer pixel for pixel with black around it; else where it is not. */
static char *
differs_from_framebuffer (HangarDisplay *display,
                          guint32 (*pixel) (gpointer drawn, int x, int y),
                          gpointer drawn,
                          int      drawn_width,
                          int      drawn_height,
                          int      left,
                          int      top)
{
  int width = hangar_display_get_guest_width (display);
  int height = hangar_display_get_guest_height (display);
  gsize stride;
  const guint8 *fb = hangar_display_get_framebuffer (display, &stride);

  for (int y = 0; y < drawn_height; y++)
    for (int x = 0; x < drawn_width; x++)
      {
        gboolean inside = x >= left && x < left + width && y >= top && y < top + height;
        guint32 want =
          inside ? *(const guint32 *)(fb + (y - top) * stride + (x - left) * 4) & 0xffffff : 0;
        guint32 got = pixel (drawn, x, y);

        if (got != want)
          return g_strdup_printf ("device pixel %d,%d is %06x, not %06x (guest pixel %d,%d)",
                                  x, y, got, want, x - left, y - top);
      }
  return NULL;
}

static guint32
surface_pixel (gpointer drawn,
               int      x,
               int      y)
{
  return pixel_at (drawn, x, y);
}

static guint32
ximage_pixel (gpointer drawn,
              int      x,
              int      y)
{
  return XGetPixel ((XImage *)drawn, x, y) & 0xffffff;
}

typedef struct
{
  HangarDisplay *display;
  int left, top;
  char *difference;
} ScreenCheck;

/* The widget's device pixels as the X server shows them now. */
static XImage *
widget_on_screen (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  int device = gtk_widget_get_scale_factor (widget);
  Display *xdisplay = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  double x, y, surface_x, surface_y;
  XImage *image;

  gtk_widget_translate_coordinates (widget, GTK_WIDGET (native), 0, 0, &x, &y);
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  XSync (xdisplay, False);
  image = XGetImage (xdisplay, gdk_x11_surface_get_xid (gtk_native_get_surface (native)),
                     (int)((x + surface_x) * device), (int)((y + surface_y) * device),
                     gtk_widget_get_width (widget) * device,
                     gtk_widget_get_height (widget) * device, AllPlanes, ZPixmap);
  g_assert_nonnull (image);
  g_assert_cmphex (image->red_mask, ==, 0xff0000);
  g_assert_cmphex (image->blue_mask, ==, 0xff);
  return image;
}

/* Whether the window on the X server shows the picture pixel for pixel now; the
 * difference kept in check->difference if not. */
static gboolean
screen_shows_sharp (gpointer data)
{
  ScreenCheck *check = data;
  XImage *image = widget_on_screen (GTK_WIDGET (check->display));

  g_free (check->difference);
  check->difference =
    differs_from_framebuffer (check->display, ximage_pixel, image, image->width,
                              image->height, check->left, check->top);
  XDestroyImage (image);
  return check->difference == NULL;
}

/* Fails unless @display, drawn as GTK's cairo renderer draws it and as it reached the
 * screen, shows the framebuffer one guest pixel a device pixel. */
static void
assert_sharp (HangarDisplay *display)
{
  int device = gtk_widget_get_scale_factor (GTK_WIDGET (display));
  int width = hangar_display_get_guest_width (display);
  int height = hangar_display_get_guest_height (display);
  ScreenCheck check = { display, 0, 0, NULL };
  cairo_surface_t *drawn;
  graphene_rect_t rect;
  char *difference;

  hangar_display_get_draw_rect (display, &rect);
  g_assert_cmpfloat (rect.size.width * device, ==, width);
  g_assert_cmpfloat (rect.size.height * device, ==, height);
  picture_origin (display, &check.left, &check.top);
  /* All of it within the widget: no guest column or row cut off. */
  g_assert_cmpint (check.left + width, <=, gtk_widget_get_width (GTK_WIDGET (display)) * device);
  g_assert_cmpint (check.top + height, <=, gtk_widget_get_height (GTK_WIDGET (display)) * device);

  drawn = render_widget (GTK_WIDGET (display));
  difference = differs_from_framebuffer (display, surface_pixel, drawn,
                                         cairo_image_surface_get_width (drawn),
                                         cairo_image_surface_get_height (drawn), check.left,
                                         check.top);
  if (difference != NULL)
    g_error ("Scale %d, %d×%d guest, drawn: %s", device, width, height, difference);
  cairo_surface_destroy (drawn);

  if (!test_wait_for (screen_shows_sharp, &check, 3000))
    g_error ("Scale %d, %d×%d guest, on screen: %s", device, width, height, check.difference);
  g_free (check.difference);
}

/* One guest pixel a device pixel, whatever the screen's scale: at 1:1 (an odd-sized guest,
 * centred on whole device pixels, all of it shown however small the window), and when the window fits the guest's size in device
 * pixels exactly — not blurred, not drawn at the resolution of points. Also after the
 * guest changes part of its screen (drawn again, from the framebuffer or a copy). */
static void
test_one_to_one_sharp (void)
{
  HangarDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  GtkWindow *window;
  int device;
  gsize stride;
  guint8 *fb;

  set_sharp_framebuffer (display, 161, 101);
  hangar_display_set_scaling (display, HANGAR_DISPLAY_SCALING_ONE_TO_ONE);
  window = show_display (display, 301, 203);
  device = gtk_widget_get_scale_factor (GTK_WIDGET (display));
  assert_sharp (display);

  /* The guest draws its pattern again, one pixel along (its checkerboard inverted), in
   * part of its screen. */
  fb = hangar_display_get_framebuffer (display, &stride);
  for (int y = 10; y < 50; y++)
    for (int x = 20; x < 50; x++)
      *(guint32 *)(fb + y * stride + x * 4) = sharp_pixel (x + 1, y);
  g_object_set_data (G_OBJECT (display), "snapshots",
                     GUINT_TO_POINTER (TEST_DISPLAY (display)->n_snapshots));
  hangar_display_damage (display, 20, 10, 30, 40);
  g_assert_true (test_wait_for (snapshot_since, display, 3000));
  assert_sharp (display);
  gtk_window_destroy (window);

  /* In a window as small as the widget allows: the whole picture still. */
  display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  set_sharp_framebuffer (display, 161, 101);
  hangar_display_set_scaling (display, HANGAR_DISPLAY_SCALING_ONE_TO_ONE);
  window = show_display (display, 1, 1);
  assert_sharp (display);
  gtk_window_destroy (window);

  /* Fit, with the widget exactly the guest's size in device pixels: unscaled. */
  display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  set_sharp_framebuffer (display, 320, 200);
  window = show_display (display, 320 / device, 200 / device);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (display)) * device, ==, 320);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (display)) * device, ==, 200);
  assert_sharp (display);
  gtk_window_destroy (window);
}

/* Pixman's bilinear weights come in 1/128: the same pixel scaled as part of two
 * rectangles that start elsewhere may differ by a step an axis, 2 levels between black
 * and white. A changed pixel left out of what is drawn again differs by tens. */
#define HIGH_CONTRAST_ROUNDING 6

typedef struct
{
  HangarDisplay *display;
  int worst, worst_row;
} OnePieceCheck;

/* Whether the window on the X server shows the framebuffer scaled in one piece now
 * (within HIGH_CONTRAST_ROUNDING); the largest difference kept in check->worst. */
static gboolean
screen_in_one_piece (gpointer data)
{
  OnePieceCheck *check = data;
  XImage *image = widget_on_screen (GTK_WIDGET (check->display));

  check->worst = difference_from_one_piece (check->display, ximage_pixel, image,
                                            &check->worst_row);
  XDestroyImage (image);
  return check->worst <= HIGH_CONTRAST_ROUNDING;
}

/* Scaled, a guest's changes drawn one frame after another leave nothing of what they
 * covered, drawn or on screen: what GTK repaints and what Hangar scales again reach
 * every device pixel the filter blends a changed guest pixel into. Hundreds of small
 * changes, one to 24 pixels wide, at every place a pixel can fall on the screen's grid,
 * in high contrast. @guest_width × @guest_height fills @shown_width × @shown_height
 * points. */
static void
scaled_changes_leave_nothing_stale (int guest_width,
                                    int guest_height,
                                    int shown_width,
                                    int shown_height)
{
  HangarDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  OnePieceCheck check = { display, 0, -1 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  cairo_surface_t *picture;
  GtkWindow *window;
  double scale;
  gsize stride;
  guint8 *fb;

  fb = hangar_display_set_framebuffer (display, guest_width, guest_height, &stride);
  for (int y = 0; y < guest_height; y++)
    for (int x = 0; x < guest_width; x++)
      *(guint32 *)(fb + y * stride + x * 4) = g_rand_int (rand) | 0xff000000u;
  hangar_display_set_state (display, HANGAR_DISPLAY_STATE_CONNECTED, NULL);
  window = show_display (display, shown_width, shown_height);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (display)), ==, shown_width);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (display)), ==, shown_height);

  for (int frame = 0; frame < 80; frame++)
    {
      g_object_set_data (G_OBJECT (display), "snapshots",
                         GUINT_TO_POINTER (TEST_DISPLAY (display)->n_snapshots));
      for (int n = g_rand_int_range (rand, 1, 6); n > 0; n--)
        {
          int width = g_rand_int_range (rand, 1, 25), height = g_rand_int_range (rand, 1, 25);
          int x0 = g_rand_int_range (rand, 0, guest_width - width + 1);
          int y0 = g_rand_int_range (rand, 0, guest_height - height + 1);
          /* Black, white or a colour: far from what it covers, mostly. */
          const guint32 colours[] = { 0, 0xffffff, g_rand_int (rand) };
          guint32 colour = colours[g_rand_int_range (rand, 0, G_N_ELEMENTS (colours))];

          for (int y = y0; y < y0 + height; y++)
            for (int x = x0; x < x0 + width; x++)
              *(guint32 *)(fb + y * stride + x * 4) = colour | 0xff000000u;
          hangar_display_damage (display, x0, y0, width, height);
        }
      g_assert_true (test_wait_for (snapshot_since, display, 3000));
    }

  scale = (double)shown_width * gtk_widget_get_scale_factor (GTK_WIDGET (display)) / guest_width;
  picture = render_widget (GTK_WIDGET (display));
  check.worst = difference_from_one_piece (display, surface_pixel, picture, &check.worst_row);
  if (check.worst > HIGH_CONTRAST_ROUNDING)
    g_error ("Scaled to %.4f, drawn, row %d differs from the picture drawn in one piece by %d",
             scale, check.worst_row, check.worst);
  cairo_surface_destroy (picture);
  if (!test_wait_for (screen_in_one_piece, &check, 3000))
    g_error ("Scaled to %.4f, on screen, row %d differs from the picture drawn in one piece by %d",
             scale, check.worst_row, check.worst);
  gtk_window_destroy (window);
}

static int screen_scale (void);

/* VGA text mode (720 × 400) in a 900 × 500 window, and as the console benchmark shows
 * it (891 × 495: 1.2375 times, the grid of device pixels not the guest's). On a screen
 * of scale 2, a 360 × 200 guest 2.5 and 2.2 times as large in device pixels. */
static void
test_scaled_changes_leave_nothing_stale (void)
{
  if (screen_scale () == 1)
    {
      scaled_changes_leave_nothing_stale (720, 400, 900, 500);
      scaled_changes_leave_nothing_stale (720, 400, 891, 495);
    }
  else
    {
      scaled_changes_leave_nothing_stale (360, 200, 450, 250);
      scaled_changes_leave_nothing_stale (360, 200, 396, 220);
    }
}

/* The screenshot is the framebuffer, opaque whatever the padding byte held. */
static void
test_screenshot (void)
{
  HangarDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  g_autoptr(GtkWidget) sink = g_object_ref_sink (GTK_WIDGET (display));
  g_autoptr(GdkTexture) texture = NULL;
  guint8 *fb;
  guint8 pixel[4];
  gsize stride;

  g_assert_null (hangar_display_get_screenshot (display));
  fb = hangar_display_set_framebuffer (display, 4, 2, &stride);
  /* B, G, R, garbage */
  fb[stride + 2 * 4 + 0] = 0x10;
  fb[stride + 2 * 4 + 1] = 0x20;
  fb[stride + 2 * 4 + 2] = 0x30;
  fb[stride + 2 * 4 + 3] = 0x00;

  texture = hangar_display_get_screenshot (display);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 4);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 2);
  {
    g_autofree guint8 *data = g_malloc (4 * 4 * 2);

    gdk_texture_download (texture, data, 16);
    memcpy (pixel, data + 16 + 8, 4);
  }
  g_assert_cmphex (pixel[0], ==, 0x10);
  g_assert_cmphex (pixel[1], ==, 0x20);
  g_assert_cmphex (pixel[2], ==, 0x30);
  g_assert_cmphex (pixel[3], ==, 0xff);
}

static gboolean
has_focus (gpointer data)
{
  return gtk_widget_has_focus (data) && gtk_window_is_active (GTK_WINDOW (gtk_widget_get_root (data)));
}

static gboolean
n_keys_at_least (gpointer data)
{
  TestDisplay *display = data;

  return display->keys->len >= GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (data), "want"));
}

static void
wait_keys (TestDisplay *display,
           guint        n)
{
  g_object_set_data (G_OBJECT (display), "want", GUINT_TO_POINTER (n));
  if (!test_wait_for (n_keys_at_least, display, 3000))
    g_error ("Expected %u key events, got %u", n, display->keys->len);
}

static gboolean
is_released (gpointer data)
{
  return !hangar_display_get_grabbed (data);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *param,
                gpointer       data)
{
}

/* Real X11 key events (xdotool): typing grabs the keyboard for the guest and sets the
 * application's accelerators aside; Ctrl+Alt gives both back. */
static void
test_keyboard_grab (void)
{
  g_autoptr(GtkApplication) app = gtk_application_new ("io.github.hangarvm.HangarTestDisplay",
                                                        G_APPLICATION_NON_UNIQUE);
  const GActionEntry entries[] = { { "quit", quit_activated } };
  const char *quit_accels[] = { "<Control>q", NULL };
  g_autoptr(GError) error = NULL;
  TestDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  GtkWindow *window;
  g_auto(GStrv) accels = NULL;
  g_autofree char *xid = NULL;

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, 1, NULL);
  gtk_application_set_accels_for_action (app, "app.quit", quit_accels);

  hangar_display_set_framebuffer (HANGAR_DISPLAY (display), 320, 200, NULL);
  hangar_display_set_state (HANGAR_DISPLAY (display), HANGAR_DISPLAY_STATE_CONNECTED, NULL);
  window = GTK_WINDOW (gtk_application_window_new (app));
  gtk_window_set_default_size (window, 400, 300);
  gtk_window_set_child (window, GTK_WIDGET (display));
  gtk_window_present (window);
  gtk_widget_grab_focus (GTK_WIDGET (display));
  g_assert_true (test_wait_for (has_size, display, 3000));

  xid = g_strdup_printf ("windowfocus --sync %lu", test_x11_window_id (GTK_WIDGET (window)));
  test_xdotool (xid);
  g_assert_true (test_wait_for (has_focus, display, 3000));

  /* "a": evdev 30, XT 0x1e, pressed then released; typing takes the grab. */
  test_xdotool ("key a");
  wait_keys (display, 2);
  g_assert_cmphex (g_array_index (display->keys, guint, 0), ==, 0x1e | 1u << 16);
  g_assert_cmphex (g_array_index (display->keys, guint, 1), ==, 0x1e);
  g_assert_true (hangar_display_get_grabbed (HANGAR_DISPLAY (display)));
  accels = gtk_application_get_accels_for_action (app, "app.quit");
  g_assert_cmpuint (g_strv_length (accels), ==, 0);
  g_clear_pointer (&accels, g_strfreev);

  /* E0-prefixed keys: Up and keypad Enter. */
  g_array_set_size (display->keys, 0);
  test_xdotool ("key Up KP_Enter");
  wait_keys (display, 4);
  g_assert_cmphex (g_array_index (display->keys, guint, 0), ==, 0x148 | 1u << 16);
  g_assert_cmphex (g_array_index (display->keys, guint, 1), ==, 0x148);
  g_assert_cmphex (g_array_index (display->keys, guint, 2), ==, 0x11c | 1u << 16);
  g_assert_cmphex (g_array_index (display->keys, guint, 3), ==, 0x11c);

  /* Ctrl+Alt, still held, releases the grab, lets go of both keys in the guest (the
   * keyboard's own key-ups come later, if at all, to a console without the grab), and
   * gives the accelerators back. */
  g_array_set_size (display->keys, 0);
  test_xdotool ("keydown Control_L keydown Alt_L");
  g_assert_true (test_wait_for (is_released, display, 3000));
  wait_keys (display, 4);
  g_assert_cmphex (g_array_index (display->keys, guint, 0), ==, 0x1d | 1u << 16);
  g_assert_cmphex (g_array_index (display->keys, guint, 1), ==, 0x38 | 1u << 16);
  g_assert_cmphex (g_array_index (display->keys, guint, 2), ==, 0x1d);
  g_assert_cmphex (g_array_index (display->keys, guint, 3), ==, 0x38);
  accels = gtk_application_get_accels_for_action (app, "app.quit");
  g_assert_cmpstrv (accels, quit_accels);
  test_xdotool ("keyup Alt_L keyup Control_L");

  gtk_window_destroy (window);
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

/* A spinner spins only while it is on screen: one on a hidden stack page (like the serial
 * console's "Connecting…" behind a graphical console) would restyle the window every
 * frame. */
static void
test_spinner_while_mapped (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkStack *stack = GTK_STACK (gtk_stack_new ());
  GtkSpinner *shown = GTK_SPINNER (gtk_spinner_new ());
  GtkSpinner *hidden = GTK_SPINNER (gtk_spinner_new ());

  hangar_spinner_spin_while_mapped (shown);
  hangar_spinner_spin_while_mapped (hidden);
  gtk_stack_add_named (stack, GTK_WIDGET (shown), "shown");
  gtk_stack_add_named (stack, GTK_WIDGET (hidden), "hidden");
  gtk_stack_set_visible_child_name (stack, "shown");
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (stack));
  g_assert_false (gtk_spinner_get_spinning (shown));

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (test_wait_for (is_mapped, shown, 3000));
  g_assert_true (gtk_spinner_get_spinning (shown));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (hidden)));
  g_assert_false (gtk_spinner_get_spinning (hidden));

  gtk_stack_set_visible_child_name (stack, "hidden");
  g_assert_true (test_wait_for (is_mapped, hidden, 3000));
  g_assert_true (gtk_spinner_get_spinning (hidden));
  g_assert_false (gtk_spinner_get_spinning (shown));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A guest screen smaller than the widget's least size (64 pixels) in each mode: the
 * widget asks for no more than it would like (GTK warns, and the tests' fatal warnings
 * abort, when a minimum exceeds the natural size), measured in points. */
static void
test_small_screen (void)
{
  const HangarDisplayScaling modes[] = { HANGAR_DISPLAY_SCALING_FIT,
                                         HANGAR_DISPLAY_SCALING_ONE_TO_ONE };
  HangarDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  GtkWindow *window;
  int minimum, natural, device;

  hangar_display_set_framebuffer (display, 100, 40, NULL);
  window = show_display (display, 200, 100);
  device = gtk_widget_get_scale_factor (GTK_WIDGET (display));
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      hangar_display_set_scaling (display, modes[i]);
      gtk_widget_measure (GTK_WIDGET (display), GTK_ORIENTATION_VERTICAL, -1, &minimum,
                          &natural, NULL, NULL);
      g_assert_cmpint (natural, ==, 40 / device);
      g_assert_cmpint (minimum, <=, natural);
      gtk_widget_measure (GTK_WIDGET (display), GTK_ORIENTATION_HORIZONTAL, -1, &minimum,
                          &natural, NULL, NULL);
      g_assert_cmpint (natural, ==, 100 / device);
      g_assert_cmpint (minimum, ==,
                       modes[i] == HANGAR_DISPLAY_SCALING_ONE_TO_ONE ? 100 / device
                                                                      : MIN (64, 100 / device));
      /* A frame laid out with it. */
      gtk_widget_queue_resize (GTK_WIDGET (display));
      test_spin (100);
    }
  gtk_window_destroy (window);
}

/* The screen's scale: GDK_SCALE, which "--scale N" (tests/meson.build's HiDPI run) sets. */
static int
screen_scale (void)
{
  GListModel *monitors = gdk_display_get_monitors (gdk_display_get_default ());
  g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, 0);

  return gdk_monitor_get_scale_factor (monitor);
}

int
main (int   argc,
      char *argv[])
{
  int scale;

  g_setenv ("GDK_BACKEND", "x11", TRUE);
  for (int i = 1; i + 1 < argc; i++)
    if (g_str_equal (argv[i], "--scale"))
      {
        g_setenv ("GDK_SCALE", argv[i + 1], TRUE);
        memmove (&argv[i], &argv[i + 2], (argc - i - 1) * sizeof (char *));
        argc -= 2;
        break;
      }
  gtk_test_init (&argc, &argv, NULL);
  scale = screen_scale ();
  if (g_getenv ("GDK_SCALE") != NULL)
    g_assert_cmpint (scale, ==, atoi (g_getenv ("GDK_SCALE")));

  /* The checks of what is drawn, at any scale and on any renderer. */
  g_test_add_func ("/display/one-to-one-sharp", test_one_to_one_sharp);
  g_test_add_func ("/display/detached-keeps-picture", test_detached_keeps_picture);
  g_test_add_func ("/display/downscaled-without-seams", test_downscaled_without_seams);
  g_test_add_func ("/display/enlarged-without-seams", test_enlarged_without_seams);
  g_test_add_func ("/display/scaled-changes-leave-nothing-stale",
                   test_scaled_changes_leave_nothing_stale);
  g_test_add_func ("/display/resize-request", test_resize_request);
  g_test_add_func ("/display/pointer-mapping", test_pointer_mapping);
  g_test_add_func ("/display/small-screen", test_small_screen);
  /* GL redraws the whole window each frame: what is damaged is checked with cairo. */
  if (scale != 1 || g_strcmp0 (g_getenv ("GSK_RENDERER"), "gl") == 0)
    return g_test_run ();

  g_test_add_func ("/display/send-keys", test_send_keys);
  g_test_add_func ("/display/screenshot", test_screenshot);
  g_test_add_func ("/display/scrolled-draws-what-shows", test_scrolled_draws_what_shows);
  g_test_add_func ("/display/damages-what-changed", test_damages_what_changed);
  g_test_add_func ("/display/keyboard-grab", test_keyboard_grab);
  g_test_add_func ("/display/spinner-while-mapped", test_spinner_while_mapped);

  return g_test_run ();
}
