// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-display"

#include "config.h"

#include <gtk/gtk.h>

#include "hangar-display.h"
#include "test-widget-util.h"

/* A display whose "guest" is this test: it records what the base class sends. */
#define TEST_TYPE_DISPLAY (test_display_get_type ())
G_DECLARE_FINAL_TYPE (TestDisplay, test_display, TEST, DISPLAY, HangarDisplay)

struct _TestDisplay
{
  HangarDisplay parent_instance;
  GArray *keys; /* scancode | (pressed << 16) */
  int requested_width;
  int requested_height;
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
}

static void
test_display_request_size (HangarDisplay *display,
                           int            width,
                           int            height)
{
  TEST_DISPLAY (display)->requested_width = width;
  TEST_DISPLAY (display)->requested_height = height;
}

static void
test_display_finalize (GObject *object)
{
  g_array_unref (TEST_DISPLAY (object)->keys);
  G_OBJECT_CLASS (test_display_parent_class)->finalize (object);
}

static void
test_display_class_init (TestDisplayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_display_finalize;
  HANGAR_DISPLAY_CLASS (klass)->send_key = test_display_send_key;
  HANGAR_DISPLAY_CLASS (klass)->request_size = test_display_request_size;
}

static void
test_display_init (TestDisplay *self)
{
  self->keys = g_array_new (FALSE, FALSE, sizeof (guint));
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
  return window;
}

/* Fit keeps the aspect, centres the picture, and maps every widget point to the guest
 * pixel under it. */
static void
test_pointer_mapping (void)
{
  HangarDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  GtkWindow *window;
  graphene_rect_t rect;
  int x, y, width, height;

  hangar_display_set_framebuffer (display, 320, 200, NULL);
  window = show_display (display, 800, 600);
  width = gtk_widget_get_width (GTK_WIDGET (display));
  height = gtk_widget_get_height (GTK_WIDGET (display));

  hangar_display_get_draw_rect (display, &rect);
  g_assert_cmpfloat_with_epsilon (rect.size.width / 320.0, rect.size.height / 200.0, 0.0001);
  g_assert_true (rect.size.width == width || rect.size.height == height);

  /* The centre of guest pixel (gx, gy), wherever it is drawn, maps back to (gx, gy). */
  for (int gy = 0; gy < 200; gy += 7)
    for (int gx = 0; gx < 320; gx += 11)
      {
        double wx = rect.origin.x + (gx + 0.5) * rect.size.width / 320.0;
        double wy = rect.origin.y + (gy + 0.5) * rect.size.height / 200.0;

        g_assert_true (hangar_display_widget_to_guest (display, wx, wy, &x, &y));
        g_assert_cmpint (x, ==, gx);
        g_assert_cmpint (y, ==, gy);
      }

  /* Outside the picture: clamped to its edge, and said to be outside. */
  if (rect.origin.y > 1)
    {
      g_assert_false (hangar_display_widget_to_guest (display, rect.origin.x + 1, 0, &x, &y));
      g_assert_cmpint (y, ==, 0);
    }

  /* 1:1: one guest pixel per device pixel. */
  hangar_display_set_scaling (display, HANGAR_DISPLAY_SCALING_ONE_TO_ONE);
  hangar_display_get_draw_rect (display, &rect);
  g_assert_cmpfloat (rect.size.width, ==, 320.0 / gtk_widget_get_scale_factor (GTK_WIDGET (display)));
  g_assert_true (hangar_display_widget_to_guest (display, rect.origin.x + 10.5,
                                                 rect.origin.y + 20.5, &x, &y));
  g_assert_cmpint (x, ==, 10);
  g_assert_cmpint (y, ==, 20);

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

  /* Nothing goes to a guest that is not connected. */
  g_array_set_size (display->keys, 0);
  hangar_display_set_state (HANGAR_DISPLAY (display), HANGAR_DISPLAY_STATE_DISCONNECTED, NULL);
  hangar_display_send_keys (HANGAR_DISPLAY (display), ctrl_alt_del, 3);
  g_assert_cmpuint (display->keys->len, ==, 0);
}

static gboolean
size_requested (gpointer data)
{
  return TEST_DISPLAY (data)->requested_width > 0;
}

/* Resize-guest mode asks the guest for the widget's size, once it settles. */
static void
test_resize_request (void)
{
  TestDisplay *display = g_object_new (TEST_TYPE_DISPLAY, NULL);
  GtkWindow *window;
  int scale;

  hangar_display_set_framebuffer (HANGAR_DISPLAY (display), 640, 480, NULL);
  hangar_display_set_state (HANGAR_DISPLAY (display), HANGAR_DISPLAY_STATE_CONNECTED, NULL);
  hangar_display_set_scaling (HANGAR_DISPLAY (display), HANGAR_DISPLAY_SCALING_RESIZE_GUEST);
  window = show_display (HANGAR_DISPLAY (display), 900, 700);
  g_assert_true (test_wait_for (size_requested, display, 3000));

  scale = gtk_widget_get_scale_factor (GTK_WIDGET (display));
  g_assert_cmpint (display->requested_width, ==, gtk_widget_get_width (GTK_WIDGET (display)) * scale);
  g_assert_cmpint (display->requested_height, ==, gtk_widget_get_height (GTK_WIDGET (display)) * scale);

  gtk_window_destroy (window);
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

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/display/pointer-mapping", test_pointer_mapping);
  g_test_add_func ("/display/send-keys", test_send_keys);
  g_test_add_func ("/display/resize-request", test_resize_request);
  g_test_add_func ("/display/screenshot", test_screenshot);

  return g_test_run ();
}
