// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-display"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-display.h"
#include "hangar-keymap.h"

/* Marks that say GTK what changed (update_live): more than a frame's rectangles
 * (MAX_FRAME_RECTS), so that earlier frames' marks can stay. */
#define N_MARKS 48

typedef struct
{
  GskRenderNode *node;
  cairo_surface_t *image;      /* its device pixels; NULL: not drawn (yet, or out of view) */
  cairo_rectangle_int_t dirty; /* device pixels of the picture to scale again */
} Tile;

/* The guest screen: a framebuffer the backend writes into, drawn once per frame at most,
 * scaled to fit, 1:1, or with the guest asked to match the widget; input goes back to the
 * backend as XT scancodes and absolute pointer positions. */
typedef struct
{
  guint8 *framebuffer;
  gboolean owns_framebuffer; /* FALSE: the backend's (a SPICE primary surface) */
  int fb_width;
  int fb_height;
  gsize stride;
  gboolean damaged;     /* since the last frame */
  guint64 frame_count; /* frames drawn with new damage */
  cairo_surface_t *fb_surface; /* the framebuffer for cairo, its pixels not copied */

  /* Under GTK's cairo renderer the picture is one node that paints the picture (the
   * framebuffer at 1:1, else its scaled copy below) as it is whenever GTK draws it: GTK
   * 4.8's cairo renderer keeps no image of a node and draws only the area it repaints,
   * with no tiles to replay one by one. GTK repaints what its diff of two frames finds
   * changed, and this node stays the same; empty nodes over the picture ("marks"), new
   * where the guest changed something, make the diff exactly that (update_live). */
  gboolean live;
  GskRenderNode *live_node;
  cairo_rectangle_int_t live_visible; /* its bounds: the device pixels of the picture in view */
  GArray *live_damage;                /* device pixels changed since the last frame */
  GskRenderNode *marks[N_MARKS];      /* see update_live */
  cairo_rectangle_int_t mark_areas[N_MARKS]; /* device pixels of the picture; empty: none */
  GskRenderNode *empty_mark;
  /* Scaled, the picture as shown, kept up to date where the guest changed it: GTK's
   * repaints copy from it instead of scaling each time. Two cairo surfaces on the same
   * pixels: the node's, which cairo would copy if it were drawn into, and the one that
   * is. */
  guint8 *scaled_data;
  cairo_surface_t *scaled_source;
  cairo_surface_t *scaled_target;

  /* Under other renderers (GL keeps a texture of each node it drew) the picture on
   * screen is a grid of tiles, each a render node of an image of its
   * pixels, kept until they change. A frame scales again only the pixels the guest's
   * changes reach, into their tiles' images, and gives those tiles new nodes; GTK gets
   * the same nodes otherwise, so that its diff of two frames — what it repaints — is
   * those tiles. */
  Tile *tiles; /* row by row */
  int tile_width;        /* device pixels */
  int tile_height;
  int n_tile_columns;
  int n_tile_rows;
  gboolean tiles_valid;
  graphene_rect_t tiles_rect; /* where the picture was when they were drawn */
  int tiles_scale;
  GtkWidget *viewport; /* the scrolled window's, whose scrolling draws again; weak */

  HangarDisplayScaling scaling;
  HangarDisplayState state;
  char *status_message;
  guint picture_timeout;  /* seconds a server has to send its first picture; 0: forever */
  guint picture_source;   /* running while the first picture is awaited */

  /* Keyboard: keys down in the guest, by scancode; the grab and its release keys. */
  guint8 keys_down[0x200];
  gboolean grabbed;
  char *release_keys;
  guint *release_keyvals;
  guint n_release_keyvals;
  GHashTable *saved_accels;
  GtkApplication *accels_app; /* where saved_accels go back to */

  gboolean share_clipboard;

  guint button_mask;
  int last_x;
  int last_y;
  double scroll_dx;
  double scroll_dy;

  guint resize_source;
  int requested_width;  /* what resize-guest mode asked the guest for, or 0 */
  int requested_height;
  int answer_width;     /* the size the guest took instead, not asked for again */
  int answer_height;
  gboolean request_failed; /* the last request could not go out: ask at the next size */

  GdkCursor *cursor;
} HangarDisplayPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (HangarDisplay, hangar_display, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SCALING,
  PROP_STATE,
  PROP_STATUS_MESSAGE,
  PROP_GRABBED,
  PROP_RELEASE_KEYS,
  PROP_SHARE_CLIPBOARD,
  PROP_GUEST_WIDTH,
  PROP_GUEST_HEIGHT,
  PROP_PICTURE_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PASSWORD_NEEDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define RESIZE_DEBOUNCE_MS 300

/* The largest screen taken from a server: 16384 pixels each way (cairo draws images of
 * at most 32767, GL textures often stop at 16384) and 256 MiB of 32-bit pixels (two 8K
 * monitors side by side, 15360 × 4320, fit). A server announcing 65535 × 65535 would
 * otherwise have Hangar hold 16 GiB for one picture. */
#define MAX_SIDE  16384
#define MAX_BYTES ((guint64)256 << 20)

/* Ends the connection with @message shown: the backend lets go of its server. */
static void
give_up (HangarDisplay *self,
         const char    *message)
{
  if (HANGAR_DISPLAY_GET_CLASS (self)->disconnect != NULL)
    HANGAR_DISPLAY_GET_CLASS (self)->disconnect (self);
  hangar_display_set_state (self, HANGAR_DISPLAY_STATE_DISCONNECTED, message);
}

gboolean
hangar_display_accept_size (HangarDisplay *self,
                            int            width,
                            int            height)
{
  g_autofree char *limit = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);

  if (width > 0 && height > 0 && width <= MAX_SIDE && height <= MAX_SIDE &&
      (guint64)width * height * 4 <= MAX_BYTES)
    return TRUE;

  limit = g_format_size_full (MAX_BYTES, G_FORMAT_SIZE_IEC_UNITS);
  message = g_strdup_printf (_("The console announced a screen of %d × %d pixels, which "
                               "Hangar does not show: a screen may be at most %d pixels "
                               "wide and high and take at most %s. Set a smaller "
                               "resolution in the guest, then reconnect."),
                             width, height, MAX_SIDE, limit);
  g_debug ("Refused a screen of %d×%d", width, height);
  give_up (self, message);
  return FALSE;
}

/* First picture. */

static void
on_picture_timeout_cb (gpointer user_data)
{
  HangarDisplay *self = user_data;
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  g_autofree char *message = NULL;

  priv->picture_source = 0;
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "The console sent no picture within %u second of "
                                          "connecting. Reconnect to try again.",
                                          "The console sent no picture within %u seconds of "
                                          "connecting. Reconnect to try again.",
                                          priv->picture_timeout),
                             priv->picture_timeout);
  give_up (self, message);
}

static void
start_picture_timer (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_clear_handle_id (&priv->picture_source, g_source_remove);
  if (priv->picture_timeout > 0)
    priv->picture_source = g_timeout_add_once (MIN (priv->picture_timeout, G_MAXUINT / 1000) *
                                                 1000,
                                               on_picture_timeout_cb, self);
}

void
hangar_display_expect_picture (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY (self));
  g_return_if_fail (priv->state == HANGAR_DISPLAY_STATE_CONNECTING);

  start_picture_timer (self);
}

/* Drawing. */

static void
compute_draw_rect (HangarDisplay   *self,
                   graphene_rect_t *rect)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  int scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  double w, h;

  if (priv->fb_width <= 0 || priv->fb_height <= 0)
    {
      graphene_rect_init (rect, 0, 0, 0, 0);
      return;
    }

  if (priv->scaling == HANGAR_DISPLAY_SCALING_ONE_TO_ONE)
    {
      /* One guest pixel per device pixel. */
      w = (double)priv->fb_width / scale_factor;
      h = (double)priv->fb_height / scale_factor;
    }
  else
    {
      double scale = MIN ((double)width / priv->fb_width, (double)height / priv->fb_height);

      w = priv->fb_width * scale;
      h = priv->fb_height * scale;
    }

  /* Centred, on whole device pixels so that 1:1 stays sharp. */
  graphene_rect_init (rect,
                      floor (MAX (0.0, (width - w) / 2.0) * scale_factor) / scale_factor,
                      floor (MAX (0.0, (height - h) / 2.0) * scale_factor) / scale_factor,
                      w, h);
}

void
hangar_display_get_draw_rect (HangarDisplay   *self,
                              graphene_rect_t *rect)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));
  compute_draw_rect (self, rect);
}

gboolean
hangar_display_widget_to_guest (HangarDisplay *self,
                                double         x,
                                double         y,
                                int           *guest_x,
                                int           *guest_y)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  graphene_rect_t rect;
  double gx, gy;

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);

  compute_draw_rect (self, &rect);
  if (rect.size.width <= 0 || rect.size.height <= 0)
    {
      *guest_x = *guest_y = 0;
      return FALSE;
    }

  gx = (x - rect.origin.x) * priv->fb_width / rect.size.width;
  gy = (y - rect.origin.y) * priv->fb_height / rect.size.height;
  *guest_x = CLAMP ((int)floor (gx), 0, priv->fb_width - 1);
  *guest_y = CLAMP ((int)floor (gy), 0, priv->fb_height - 1);
  return gx >= 0 && gy >= 0 && gx < priv->fb_width && gy < priv->fb_height;
}

static void schedule_resize_request (HangarDisplay *self);
static void mark_damage (HangarDisplay *self,
                         int            x0,
                         int            y0,
                         int            x1,
                         int            y1);

/* A new mode or connection: what resize-guest mode asked before counts no more. */
static void
forget_resize_requests (HangarDisplayPrivate *priv)
{
  priv->requested_width = priv->requested_height = 0;
  priv->answer_width = priv->answer_height = 0;
  priv->request_failed = FALSE;
}

static void
free_tiles (HangarDisplayPrivate *priv)
{
  for (int i = 0; i < priv->n_tile_columns * priv->n_tile_rows; i++)
    {
      g_clear_pointer (&priv->tiles[i].node, gsk_render_node_unref);
      g_clear_pointer (&priv->tiles[i].image, cairo_surface_destroy);
    }
  g_clear_pointer (&priv->tiles, g_free);
  priv->n_tile_columns = priv->n_tile_rows = 0;
  g_clear_pointer (&priv->live_node, gsk_render_node_unref);
  for (int i = 0; i < N_MARKS; i++)
    {
      g_clear_pointer (&priv->marks[i], gsk_render_node_unref);
      priv->mark_areas[i].width = priv->mark_areas[i].height = 0;
    }
  g_clear_pointer (&priv->empty_mark, gsk_render_node_unref);
  /* The source first: nodes GTK still holds get a copy of the pixels before they go. */
  g_clear_pointer (&priv->scaled_source, cairo_surface_destroy);
  g_clear_pointer (&priv->scaled_target, cairo_surface_destroy);
  g_clear_pointer (&priv->scaled_data, g_free);
  if (priv->live_damage != NULL)
    g_array_set_size (priv->live_damage, 0);
}

/* The framebuffer's pixels go: nodes that still paint them (GTK may hold the last
 * frame's) get a copy of them as they are now, which cairo makes as the surface goes. */
static void
drop_fb_surface (HangarDisplayPrivate *priv)
{
  g_clear_pointer (&priv->fb_surface, cairo_surface_destroy);
}

/* A new picture: everything is drawn again at the next frame. */
static void
reset_tiles (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  free_tiles (priv);
  priv->tiles_valid = FALSE;
}

void
hangar_display_damage (HangarDisplay *self,
                       int            x,
                       int            y,
                       int            width,
                       int            height)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  int top = CLAMP (y, 0, priv->fb_height);
  int bottom = CLAMP (y + height, 0, priv->fb_height);

  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  if (bottom <= top || x >= priv->fb_width || x + width <= 0)
    return;

  /* Straight to the tiles it reaches (without tiles yet, all are drawn anyway). A busy
   * guest sends thousands of rectangles a second: this is all each one costs until the
   * next frame draws them. */
  if (priv->tiles_valid)
    mark_damage (self, MAX (x, 0), top, MIN (x + width, priv->fb_width), bottom);
  priv->damaged = TRUE;
  /* GTK draws at most once per frame, with all the damage that arrived since. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A new picture, @width × @height, at @data (owned or the backend's). */
static void
replace_framebuffer (HangarDisplay *self,
                     guint8        *data,
                     gboolean       owned,
                     int            width,
                     int            height,
                     gsize          stride)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  gboolean resized = width != priv->fb_width || height != priv->fb_height;

  drop_fb_surface (priv);
  if (priv->owns_framebuffer)
    g_free (priv->framebuffer);
  priv->fb_surface = cairo_image_surface_create_for_data (data, CAIRO_FORMAT_RGB24, width,
                                                          height, stride);
  priv->framebuffer = data;
  priv->owns_framebuffer = owned;
  priv->fb_width = width;
  priv->fb_height = height;
  priv->stride = stride;
  reset_tiles (self);
  hangar_display_damage (self, 0, 0, width, height);

  /* In resize-guest mode, a size nobody asked for (the guest rebooted or set a mode
   * itself, or a request could not go out yet) makes Hangar ask again; a guest that
   * answers a request with another size is not asked again for that same answer. */
  if (priv->scaling == HANGAR_DISPLAY_SCALING_RESIZE_GUEST &&
      (priv->request_failed ||
       ((width != priv->requested_width || height != priv->requested_height) &&
        (width != priv->answer_width || height != priv->answer_height))))
    {
      if (priv->requested_width > 0)
        {
          priv->answer_width = width;
          priv->answer_height = height;
        }
      priv->requested_width = priv->requested_height = 0;
      schedule_resize_request (self);
    }

  if (resized)
    {
      gtk_widget_queue_resize (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST_WIDTH]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST_HEIGHT]);
    }

}

guint8 *
hangar_display_set_framebuffer (HangarDisplay *self,
                                int            width,
                                int            height,
                                gsize         *stride)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  /* Calloc'd: pages count only once the server paints them. */
  replace_framebuffer (self, g_malloc0 ((gsize)width * 4 * height), TRUE, width, height,
                       (gsize)width * 4);
  if (stride != NULL)
    *stride = priv->stride;
  return priv->framebuffer;
}

void
hangar_display_set_framebuffer_data (HangarDisplay *self,
                                     guint8        *data,
                                     int            width,
                                     int            height,
                                     gsize          stride)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY (self));
  g_return_if_fail (data == NULL || (width > 0 && height > 0 && stride >= (gsize)width * 4));

  if (data != NULL)
    {
      replace_framebuffer (self, data, FALSE, width, height, stride);
      return;
    }
  /* Detached: the tiles or node already drawn stay on screen (nothing is redrawn from
   * pixels that are gone) until the next picture. */
  drop_fb_surface (priv);
  if (priv->owns_framebuffer)
    g_free (priv->framebuffer);
  priv->framebuffer = NULL;
  priv->owns_framebuffer = FALSE;
}

guint8 *
hangar_display_get_framebuffer (HangarDisplay *self,
                                gsize         *stride)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), NULL);

  if (stride != NULL)
    *stride = priv->stride;
  return priv->framebuffer;
}

/* GTK 4.8 gives up diffing two frames once the changed area takes more than 30
 * rectangles, and repaints the whole window: a frame's tiles are merged into fewer,
 * larger rectangles well before that. */
#define MAX_FRAME_RECTS 16
/* Tiles are at least this large (device pixels), and a picture has at most about this
 * many each way. GTK 4.8's cairo renderer replays every tile inside a frame's bounding
 * box through an image of its own (some 2.5 µs each, 32 × 32 tiles cost 0.8 ms more a
 * frame than 32-row strips), while wider tiles repaint more around each change: 128
 * wide used less CPU than strips and than 32 or 64 wide on the console benchmark. */
#define MIN_TILE_WIDTH 128
#define MIN_TILE_HEIGHT 32
#define MAX_TILE_COLUMNS 32
#define MAX_TILE_ROWS 16

/* Device pixels along one axis that guest pixels [@g0, @g1) change, @s device pixels a
 * guest pixel: with the filter's reach. Bilinear (enlarged) weighs guest pixel g into
 * device pixel d when d's centre, in guest pixels, lies less than one pixel from g's
 * centre: (d + 0.5) / s within (g - 0.5, g + 1.5), i.e. d strictly between
 * (g - 0.5) s - 0.5 and (g + 1.5) s - 0.5 (at the bounds the weight is 0). Pixman
 * places samples in 16.16 fixed point and rounds weights to 1/128, so a device pixel
 * within 1/32 of a guest pixel of either bound is taken too. Shrunk, the filter
 * averages about 1/s guest pixels, and one more is taken for its edge; at 1:1 (no
 * filter) the pixels themselves. */
static void
device_span (double   s,
             gboolean filtered,
             int      g0,
             int      g1,
             int      limit,
             int     *d0,
             int     *d1)
{
  double lo, hi;

  if (!filtered)
    lo = g0 * s, hi = g1 * s;
  else if (s >= 1.0)
    /* From the first device pixel past the lower bound to the last one before the
     * upper. */
    lo = floor ((g0 - 0.5 - 1.0 / 32) * s - 0.5) + 1, hi = (g1 + 0.5 + 1.0 / 32) * s - 0.5;
  else
    lo = (g0 - ceil (1.0 / s) - 1) * s, hi = (g1 + ceil (1.0 / s) + 1) * s;
  *d0 = CLAMP ((int)floor (lo), 0, limit);
  *d1 = CLAMP ((int)ceil (hi), 0, limit);
}

static gboolean
picture_is_filtered (HangarDisplay         *self,
                     const graphene_rect_t *rect,
                     int                    device)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  /* At 1:1 every guest pixel lands on one screen pixel: no filtering at all. */
  return rect->size.width * device != priv->fb_width ||
         rect->size.height * device != priv->fb_height;
}

static gint64
rect_area (const cairo_rectangle_int_t *r)
{
  return (gint64)r->width * r->height;
}

static void
rect_union (const cairo_rectangle_int_t *a,
            const cairo_rectangle_int_t *b,
            cairo_rectangle_int_t       *out)
{
  int x0 = MIN (a->x, b->x), y0 = MIN (a->y, b->y);
  int x1 = MAX (a->x + a->width, b->x + b->width);
  int y1 = MAX (a->y + a->height, b->y + b->height);

  *out = (cairo_rectangle_int_t) { x0, y0, x1 - x0, y1 - y0 };
}

static gboolean
rect_contains (const cairo_rectangle_int_t *outer,
               const cairo_rectangle_int_t *inner)
{
  return inner->x >= outer->x && inner->y >= outer->y &&
         inner->x + inner->width <= outer->x + outer->width &&
         inner->y + inner->height <= outer->y + outer->height;
}

/* Sets @marks of the tiles that @area (device pixels of the picture) reaches. */
static void
mark_tiles (HangarDisplayPrivate        *priv,
            const cairo_rectangle_int_t *area,
            guint8                      *marks)
{
  if (area->width <= 0 || area->height <= 0)
    return;
  for (int row = area->y / priv->tile_height;
       row <= (area->y + area->height - 1) / priv->tile_height && row < priv->n_tile_rows;
       row++)
    for (int column = area->x / priv->tile_width;
         column <= (area->x + area->width - 1) / priv->tile_width &&
         column < priv->n_tile_columns;
         column++)
      marks[row * priv->n_tile_columns + column] = TRUE;
}

/* Notes the device pixels that guest pixels [@x0, @x1) × [@y0, @y1) change (the picture
 * as it was last drawn): in the tiles they reach, or for the next frame's marks. */
static void
mark_damage (HangarDisplay *self,
             int            x0,
             int            y0,
             int            x1,
             int            y1)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  const graphene_rect_t *rect = &priv->tiles_rect;
  int device = priv->tiles_scale;
  int width = (int)ceil (rect->size.width * device);
  int height = (int)ceil (rect->size.height * device);
  gboolean filtered = picture_is_filtered (self, rect, device);
  cairo_rectangle_int_t area;
  int right, bottom;

  device_span (rect->size.width * device / priv->fb_width, filtered, x0, x1, width,
               &area.x, &right);
  device_span (rect->size.height * device / priv->fb_height, filtered, y0, y1, height,
               &area.y, &bottom);
  area.width = right - area.x;
  area.height = bottom - area.y;
  if (area.width <= 0 || area.height <= 0)
    return;
  if (priv->live)
    {
      g_array_append_val (priv->live_damage, area);
      return;
    }
  for (int row = area.y / priv->tile_height;
       row <= (area.y + area.height - 1) / priv->tile_height && row < priv->n_tile_rows;
       row++)
    for (int column = area.x / priv->tile_width;
         column <= (area.x + area.width - 1) / priv->tile_width &&
         column < priv->n_tile_columns;
         column++)
      {
        Tile *tile = &priv->tiles[row * priv->n_tile_columns + column];

        if (tile->dirty.width > 0)
          rect_union (&tile->dirty, &area, &tile->dirty);
        else
          tile->dirty = area;
      }
}

/* @region in at most @max rectangles, covering it and as little more as this finds:
 * each band of rows becomes one rectangle, then neighbouring bands that add the least
 * area when joined are joined. The result's rectangles lie in distinct rows. */
static void
simplify_region (cairo_region_t *region,
                 int             max)
{
  g_autoptr(GArray) bands = NULL;
  int n = cairo_region_num_rectangles (region);
  cairo_rectangle_int_t *b;

  if (n <= max)
    return;
  bands = g_array_sized_new (FALSE, FALSE, sizeof (cairo_rectangle_int_t), n);
  for (int i = 0; i < n; i++)
    {
      cairo_rectangle_int_t r;

      cairo_region_get_rectangle (region, i, &r);
      b = bands->len > 0 ? &g_array_index (bands, cairo_rectangle_int_t, bands->len - 1)
                         : NULL;
      /* A region's rectangles come in bands of equal rows, left to right. */
      if (b != NULL && b->y == r.y && b->height == r.height)
        rect_union (b, &r, b);
      else
        g_array_append_val (bands, r);
    }
  while (bands->len > (guint)max)
    {
      gint64 best_cost = G_MAXINT64;
      guint best = 0;

      b = (cairo_rectangle_int_t *)(gpointer)bands->data;
      for (guint i = 0; i + 1 < bands->len; i++)
        {
          cairo_rectangle_int_t u;
          gint64 cost;

          rect_union (&b[i], &b[i + 1], &u);
          cost = rect_area (&u) - rect_area (&b[i]) - rect_area (&b[i + 1]);
          if (cost < best_cost)
            best_cost = cost, best = i;
        }
      rect_union (&b[best], &b[best + 1], &b[best]);
      g_array_remove_index (bands, best + 1);
    }
  for (guint i = 0; i < bands->len; i++)
    cairo_region_union_rectangle (region, &g_array_index (bands, cairo_rectangle_int_t, i));
}

/* The part of the widget on screen: all of it, but at 1:1 in a scrolled window only
 * the viewport's part, so that a guest screen larger than the window is not drawn whole,
 * off screen too. Scrolling then draws again. */
static void
visible_area (HangarDisplay   *self,
              graphene_rect_t *area)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  GtkWidget *viewport = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_VIEWPORT);
  graphene_rect_t bounds;

  graphene_rect_init (area, 0, 0, gtk_widget_get_width (GTK_WIDGET (self)),
                      gtk_widget_get_height (GTK_WIDGET (self)));
  if (viewport == NULL)
    return;
  if (viewport != priv->viewport)
    {
      GtkAdjustment *adjustments[] = {
        gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (viewport)),
        gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (viewport)),
      };

      g_set_weak_pointer (&priv->viewport, viewport);
      for (guint i = 0; i < G_N_ELEMENTS (adjustments); i++)
        if (adjustments[i] != NULL)
          g_signal_connect_object (adjustments[i], "value-changed",
                                   G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
    }
  if (gtk_widget_compute_bounds (viewport, GTK_WIDGET (self), &bounds) &&
      !graphene_rect_intersection (area, &bounds, area))
    graphene_rect_init (area, 0, 0, 0, 0);
}

/* The device pixels of the picture on screen now (picture coordinates). */
static void
visible_pixels (HangarDisplay         *self,
                const graphene_rect_t *rect,
                cairo_rectangle_int_t *out)
{
  int device = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int width = (int)ceil (rect->size.width * device);
  int height = (int)ceil (rect->size.height * device);
  graphene_rect_t visible;
  int x0, y0, x1, y1;

  visible_area (self, &visible);
  x0 = CLAMP ((int)floor ((visible.origin.x - rect->origin.x) * device), 0, width);
  y0 = CLAMP ((int)floor ((visible.origin.y - rect->origin.y) * device), 0, height);
  x1 = CLAMP ((int)ceil ((visible.origin.x + visible.size.width - rect->origin.x) * device),
              0, width);
  y1 = CLAMP ((int)ceil ((visible.origin.y + visible.size.height - rect->origin.y) * device),
              0, height);
  *out = (cairo_rectangle_int_t) { x0, y0, MAX (x1 - x0, 0), MAX (y1 - y0, 0) };
}

/* The device pixels of the picture that tile @i covers. */
static void
tile_area (HangarDisplayPrivate  *priv,
           int                    i,
           cairo_rectangle_int_t *area)
{
  int width = (int)ceil (priv->tiles_rect.size.width * priv->tiles_scale);
  int height = (int)ceil (priv->tiles_rect.size.height * priv->tiles_scale);

  area->x = (i % priv->n_tile_columns) * priv->tile_width;
  area->y = (i / priv->n_tile_columns) * priv->tile_height;
  /* The last column and row stop at the picture's edge. */
  area->width = MIN (priv->tile_width, width - area->x);
  area->height = MIN (priv->tile_height, height - area->y);
}

/* Paints the framebuffer on @cr (widget coordinates) scaled to @rect, with the filter
 * the picture takes on a screen of @device pixels per point. */
static void
paint_framebuffer (HangarDisplay         *self,
                   cairo_t               *cr,
                   const graphene_rect_t *rect,
                   int                    device)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  cairo_translate (cr, rect->origin.x, rect->origin.y);
  cairo_scale (cr, rect->size.width / priv->fb_width, rect->size.height / priv->fb_height);
  cairo_set_source_surface (cr, priv->fb_surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), picture_is_filtered (self, rect, device)
                                                     ? CAIRO_FILTER_GOOD
                                                     : CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_paint (cr);
}

static void scale_into (HangarDisplay        *self,
                        cairo_surface_t      *target,
                        int                   x,
                        int                   y,
                        const cairo_region_t *area);

/* Scales device pixels @area of the picture from the framebuffer as it is now into tile
 * @i's image. Every tile samples the whole framebuffer with the picture's transform, so
 * tiles meet without seams, as if the picture were drawn in one piece. */
static void
scale_into_tile (HangarDisplay               *self,
                 int                          i,
                 const cairo_rectangle_int_t *area)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  Tile *tile = &priv->tiles[i];
  cairo_rectangle_int_t extent;
  cairo_region_t *region = cairo_region_create_rectangle (area);

  tile_area (priv, i, &extent);
  if (tile->image == NULL)
    tile->image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, extent.width, extent.height);
  scale_into (self, tile->image, extent.x, extent.y, region);
  cairo_region_destroy (region);
}

/* Scales device pixels @area of the picture from the framebuffer as it is now into
 * @target, whose pixel (0, 0) is the picture's device pixel (@x, @y). */
static void
scale_into (HangarDisplay        *self,
            cairo_surface_t      *target,
            int                   x,
            int                   y,
            const cairo_region_t *area)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  const graphene_rect_t *rect = &priv->tiles_rect;
  int device = priv->tiles_scale;
  cairo_t *cr = cairo_create (target);

  /* The target's pixels → the picture's device pixels → framebuffer pixels. */
  cairo_translate (cr, -x, -y);
  gdk_cairo_region (cr, area);
  cairo_clip (cr);
  cairo_scale (cr, device, device);
  cairo_translate (cr, -rect->origin.x, -rect->origin.y);
  paint_framebuffer (self, cr, rect, device);
  cairo_destroy (cr);
}

/* A new node for tile @i, showing its image one to one: a texture of the image as it is
 * now (a render node must not change; scaling into the image later leaves the nodes
 * already made as they were). A texture, not a cairo node: GTK 4.8's GL renderer keeps
 * what it drew of a cairo node under the node's address, so a new tile node that reuses
 * a freed one's address showed the old tile's picture (seen on screen, at tile borders,
 * in a second console window); a texture's upload goes with the texture. */
static GskRenderNode *
tile_node (HangarDisplay *self,
           int            i)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  const graphene_rect_t *rect = &priv->tiles_rect;
  int device = priv->tiles_scale;
  cairo_surface_t *image = priv->tiles[i].image;
  int width = cairo_image_surface_get_width (image);
  int height = cairo_image_surface_get_height (image);
  int stride = cairo_image_surface_get_stride (image);
  const guint8 *src;
  guint8 *pixels = g_malloc ((gsize)width * height * 4);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  cairo_rectangle_int_t extent;
  graphene_rect_t bounds, shown;

  /* Cairo's RGB24 leaves the fourth byte undefined: opaque, for a premultiplied BGRA
   * texture. */
  cairo_surface_flush (image);
  src = cairo_image_surface_get_data (image);
  for (int y = 0; y < height; y++)
    {
      const guint32 *in = (const guint32 *)(src + (gsize)y * stride);
      guint32 *out = (guint32 *)(pixels + (gsize)y * width * 4);

      for (int x = 0; x < width; x++)
        out[x] = in[x] | 0xff000000u;
    }
  bytes = g_bytes_new_take (pixels, (gsize)width * height * 4);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, (gsize)width * 4);

  tile_area (priv, i, &extent);
  bounds = GRAPHENE_RECT_INIT (rect->origin.x + (double)extent.x / device,
                               rect->origin.y + (double)extent.y / device,
                               (double)width / device, (double)height / device);
  node = gsk_texture_node_new (texture, &bounds);
  /* The picture's right and bottom edges may cut a device pixel. */
  if (!graphene_rect_intersection (&bounds, rect, &shown))
    return gsk_container_node_new (NULL, 0);
  if (graphene_rect_equal (&shown, &bounds))
    return g_steal_pointer (&node);
  return gsk_clip_node_new (node, &shown);
}

/* Brings the tiles in view up to date with the framebuffer, scaling again the pixels
 * that the guest's changes since the last frame reach; those out of view go. */
static void
update_tiles (HangarDisplay         *self,
              const graphene_rect_t *rect)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  int device = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int width = (int)ceil (rect->size.width * device);
  int height = (int)ceil (rect->size.height * device);
  int n_tiles;
  cairo_rectangle_int_t visible;
  cairo_region_t *todo;
  g_autofree guint8 *renew = NULL;

  /* A new picture, size, place or scale changes every pixel. */
  if (!priv->tiles_valid || !graphene_rect_equal (rect, &priv->tiles_rect) ||
      device != priv->tiles_scale)
    {
      free_tiles (priv);
      priv->tile_width = MAX (MIN_TILE_WIDTH, (width + MAX_TILE_COLUMNS - 1) / MAX_TILE_COLUMNS);
      priv->tile_height = MAX (MIN_TILE_HEIGHT, (height + MAX_TILE_ROWS - 1) / MAX_TILE_ROWS);
      priv->n_tile_columns = (width + priv->tile_width - 1) / priv->tile_width;
      priv->n_tile_rows = (height + priv->tile_height - 1) / priv->tile_height;
      priv->tiles = g_new0 (Tile, priv->n_tile_columns * priv->n_tile_rows);
      priv->tiles_rect = *rect;
      priv->tiles_scale = device;
      priv->tiles_valid = TRUE;
    }
  n_tiles = priv->n_tile_columns * priv->n_tile_rows;

  /* Only what shows is kept and drawn (at 1:1 in a scrolled window, the part in view);
   * what scrolls out goes, and is drawn again when it comes back. */
  visible_pixels (self, rect, &visible);
  todo = cairo_region_create ();
  for (int i = 0; i < n_tiles; i++)
    {
      Tile *tile = &priv->tiles[i];
      cairo_rectangle_int_t area;

      tile_area (priv, i, &area);
      if (!gdk_rectangle_intersect (&area, &visible, NULL))
        {
          g_clear_pointer (&tile->node, gsk_render_node_unref);
          g_clear_pointer (&tile->image, cairo_surface_destroy);
        }
      else if (tile->image == NULL || tile->dirty.width > 0)
        cairo_region_union_rectangle (todo, &area);
    }
  if (cairo_region_is_empty (todo))
    {
      cairo_region_destroy (todo);
      return;
    }

  /* What GTK repaints is what the tiles given new nodes cover: in few rectangles, so
   * that it repaints just that. The rectangles join whole tiles; the tiles they take in
   * that did not change get new nodes of the same image. */
  simplify_region (todo, MAX_FRAME_RECTS);
  renew = g_malloc0 (n_tiles);
  for (int i = 0; i < cairo_region_num_rectangles (todo); i++)
    {
      cairo_rectangle_int_t area;

      cairo_region_get_rectangle (todo, i, &area);
      mark_tiles (priv, &area, renew);
    }
  cairo_region_destroy (todo);

  for (int i = 0; i < n_tiles; i++)
    {
      Tile *tile = &priv->tiles[i];
      cairo_rectangle_int_t area, dirty;

      tile_area (priv, i, &area);
      if (!renew[i] || !gdk_rectangle_intersect (&area, &visible, NULL))
        continue;
      if (tile->image == NULL)
        scale_into_tile (self, i, &area);
      else if (tile->dirty.width > 0 && gdk_rectangle_intersect (&tile->dirty, &area, &dirty))
        scale_into_tile (self, i, &dirty);
      tile->dirty.width = tile->dirty.height = 0;
      g_clear_pointer (&tile->node, gsk_render_node_unref);
      tile->node = tile_node (self, i);
    }
}

/* The node that paints the framebuffer into the device pixels @visible of the picture at
 * @rect. */
static GskRenderNode *
live_node (HangarDisplay               *self,
           const graphene_rect_t       *rect,
           const cairo_rectangle_int_t *visible)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  int device = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  GskRenderNode *node;
  cairo_t *cr;

  /* A picture that ends in a fraction of a device pixel ends there. */
  node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (
    rect->origin.x + (double)visible->x / device, rect->origin.y + (double)visible->y / device,
    MIN ((double)visible->width / device, rect->size.width - (double)visible->x / device),
    MIN ((double)visible->height / device, rect->size.height - (double)visible->y / device)));
  cr = gsk_cairo_node_get_draw_context (node);
  if (priv->scaled_source != NULL)
    {
      cairo_translate (cr, rect->origin.x, rect->origin.y);
      cairo_scale (cr, 1.0 / device, 1.0 / device);
      cairo_set_source_surface (cr, priv->scaled_source, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
    }
  else
    paint_framebuffer (self, cr, rect, device);
  cairo_destroy (cr);
  return node;
}

/* An empty node over device pixels @area of the picture at @rect (an empty @area: a
 * node of no size on a whole point, which GTK's diff counts as nothing). */
static GskRenderNode *
mark_node (HangarDisplay               *self,
           const graphene_rect_t       *rect,
           const cairo_rectangle_int_t *area)
{
  int device = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  if (area->width <= 0 || area->height <= 0)
    return gsk_cairo_node_new (
      &GRAPHENE_RECT_INIT (floor (rect->origin.x), floor (rect->origin.y), 0, 0));
  return gsk_cairo_node_new (&GRAPHENE_RECT_INIT (rect->origin.x + (double)area->x / device,
                                                  rect->origin.y + (double)area->y / device,
                                                  (double)area->width / device,
                                                  (double)area->height / device));
}

static void
set_mark (HangarDisplayPrivate        *priv,
          int                          slot,
          GskRenderNode               *node,
          const cairo_rectangle_int_t *area)
{
  g_clear_pointer (&priv->marks[slot], gsk_render_node_unref);
  priv->marks[slot] = gsk_render_node_ref (node);
  priv->mark_areas[slot] = *area;
}

/* Brings the picture's node up to date and marks what the guest changed since the last
 * frame, in few rectangles (GTK's diff gives up past 30).
 *
 * GTK 4.8 diffs a container's children in order, any two nodes of one kind paired, so
 * the marks are N_MARKS slots in a fixed order: a slot whose node stays is not repainted;
 * one that changes is repainted where its old and new node were. An empty slot holds a
 * node of no size. A mark of an earlier frame that lies within this frame's change's
 * bounding box (which GTK repaints anyway) is emptied, its area merged into the change;
 * the others stay. */
static void
update_live (HangarDisplay         *self,
             const graphene_rect_t *rect)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  int device = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  const cairo_rectangle_int_t none = { 0, 0, 0, 0 };
  cairo_rectangle_int_t visible, box;
  cairo_region_t *changed;
  int n, free_slots = 0;

  visible_pixels (self, rect, &visible);
  /* A new picture, size, place, scale or view: all of it is drawn again. */
  if (!priv->tiles_valid || !graphene_rect_equal (rect, &priv->tiles_rect) ||
      device != priv->tiles_scale || priv->live_node == NULL ||
      !gdk_rectangle_equal (&visible, &priv->live_visible))
    {
      free_tiles (priv);
      priv->tiles_rect = *rect;
      priv->tiles_scale = device;
      priv->tiles_valid = TRUE;
      priv->live_visible = visible;
      if (visible.width <= 0 || visible.height <= 0)
        return;
      /* At 1:1 the framebuffer is the picture already. */
      if (picture_is_filtered (self, rect, device))
        {
          int width = (int)ceil (rect->size.width * device);
          int height = (int)ceil (rect->size.height * device);
          int stride = cairo_format_stride_for_width (CAIRO_FORMAT_RGB24, width);
          cairo_region_t *all = cairo_region_create_rectangle (&visible);

          priv->scaled_data = g_malloc ((gsize)stride * height);
          priv->scaled_source = cairo_image_surface_create_for_data (
            priv->scaled_data, CAIRO_FORMAT_RGB24, width, height, stride);
          priv->scaled_target = cairo_image_surface_create_for_data (
            priv->scaled_data, CAIRO_FORMAT_RGB24, width, height, stride);
          scale_into (self, priv->scaled_target, 0, 0, all);
          cairo_region_destroy (all);
        }
      priv->live_node = live_node (self, rect, &visible);
      priv->empty_mark = mark_node (self, rect, &none);
      for (int i = 0; i < N_MARKS; i++)
        set_mark (priv, i, priv->empty_mark, &none);
      return;
    }
  if (priv->live_damage->len == 0)
    return;

  changed = cairo_region_create_rectangles ((cairo_rectangle_int_t *)(gpointer)
                                              priv->live_damage->data,
                                            priv->live_damage->len);
  g_array_set_size (priv->live_damage, 0);
  cairo_region_intersect_rectangle (changed, &visible);
  if (cairo_region_is_empty (changed))
    {
      cairo_region_destroy (changed);
      return;
    }
  if (priv->scaled_target != NULL)
    scale_into (self, priv->scaled_target, 0, 0, changed);

  cairo_region_get_extents (changed, &box);
  for (int pass = 0; pass < 2; pass++)
    {
      /* Earlier marks within the change's box go; then, if too few slots are left for
       * this frame's marks, all of them (the box grows, once). */
      for (int i = 0; i < N_MARKS; i++)
        if (priv->mark_areas[i].width > 0 &&
            (pass == 1 || rect_contains (&box, &priv->mark_areas[i])))
          {
            cairo_region_union_rectangle (changed, &priv->mark_areas[i]);
            set_mark (priv, i, priv->empty_mark, &none);
          }
      simplify_region (changed, MAX_FRAME_RECTS);
      free_slots = 0;
      for (int i = 0; i < N_MARKS; i++)
        free_slots += priv->mark_areas[i].width == 0;
      if (free_slots >= cairo_region_num_rectangles (changed))
        break;
    }

  n = cairo_region_num_rectangles (changed);
  for (int i = 0, slot = 0; i < n; i++)
    {
      g_autoptr(GskRenderNode) node = NULL;
      cairo_rectangle_int_t area;

      cairo_region_get_rectangle (changed, i, &area);
      while (priv->mark_areas[slot].width > 0)
        slot++;
      node = mark_node (self, rect, &area);
      set_mark (priv, slot, node, &area);
    }
  cairo_region_destroy (changed);
}

/* Whether the picture is drawn as one node painting the framebuffer (GTK's cairo
 * renderer) or in tiles of images (a renderer that keeps what it drew of a node). */
static gboolean
draws_live (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;

  return renderer == NULL || GSK_IS_CAIRO_RENDERER (renderer);
}

static void
hangar_display_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  HangarDisplay *self = HANGAR_DISPLAY (widget);
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  graphene_rect_t rect;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  const GdkRGBA black = { 0, 0, 0, 1 };

  compute_draw_rect (self, &rect);
  if (draws_live (widget) != priv->live)
    {
      priv->live = !priv->live;
      free_tiles (priv);
      priv->tiles_valid = FALSE;
    }
  /* Without pixels (a SPICE surface between two modes), the tiles drawn last stay. */
  if (rect.size.width <= 0 || rect.size.height <= 0 ||
      (priv->framebuffer == NULL &&
       (!priv->tiles_valid || !graphene_rect_equal (&rect, &priv->tiles_rect) ||
        gtk_widget_get_scale_factor (widget) != priv->tiles_scale)))
    {
      gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, width, height));
      return;
    }

  /* Black only around the picture (each band reaching into the pixels the picture
   * covers only in part): under it, every frame would fill what the tiles then cover. */
  {
    double left = ceil (rect.origin.x), top = ceil (rect.origin.y);
    double right = floor (rect.origin.x + rect.size.width);
    double bottom = floor (rect.origin.y + rect.size.height);

    if (top > 0)
      gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, width, top));
    if (bottom < height)
      gtk_snapshot_append_color (snapshot, &black,
                                 &GRAPHENE_RECT_INIT (0, bottom, width, height - bottom));
    if (left > 0)
      gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, left, height));
    if (right < width)
      gtk_snapshot_append_color (snapshot, &black,
                                 &GRAPHENE_RECT_INIT (right, 0, width - right, height));
  }

  if (priv->framebuffer != NULL && priv->live)
    update_live (self, &rect);
  else if (priv->framebuffer != NULL)
    update_tiles (self, &rect);
  if (priv->damaged)
    {
      priv->damaged = FALSE;
      priv->frame_count++;
    }
  if (priv->live_node != NULL)
    gtk_snapshot_append_node (snapshot, priv->live_node);
  for (int i = 0; i < N_MARKS; i++)
    if (priv->marks[i] != NULL)
      gtk_snapshot_append_node (snapshot, priv->marks[i]);
  for (int i = 0; i < priv->n_tile_columns * priv->n_tile_rows; i++)
    if (priv->tiles[i].node != NULL)
      gtk_snapshot_append_node (snapshot, priv->tiles[i].node);
}

static void
hangar_display_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  HangarDisplay *self = HANGAR_DISPLAY (widget);
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  int scale_factor = gtk_widget_get_scale_factor (widget);
  int size = orientation == GTK_ORIENTATION_HORIZONTAL ? priv->fb_width : priv->fb_height;

  /* In points, rounded up: an odd-sized screen at scale 2 needs its last device
   * pixel. */
  size = size > 0 ? (size + scale_factor - 1) / scale_factor
                  : (orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 400);
  /* 1:1 needs the whole picture (a scrolled window shows part of it); the other modes
   * shrink and grow with the window, down to 64 pixels (less only for a screen that
   * small: the minimum may not exceed the natural size). */
  *minimum = priv->scaling == HANGAR_DISPLAY_SCALING_ONE_TO_ONE ? size : MIN (size, 64);
  *natural = size;
}

static void
on_resize_timeout_cb (gpointer user_data)
{
  HangarDisplay *self = user_data;
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  int scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int width = gtk_widget_get_width (GTK_WIDGET (self)) * scale_factor;
  int height = gtk_widget_get_height (GTK_WIDGET (self)) * scale_factor;

  priv->resize_source = 0;
  if (width < 64 || height < 64 || priv->state != HANGAR_DISPLAY_STATE_CONNECTED ||
      priv->scaling != HANGAR_DISPLAY_SCALING_RESIZE_GUEST)
    return;
  if (width == priv->fb_width && height == priv->fb_height)
    return;
  if (width == priv->requested_width && height == priv->requested_height)
    return;
  priv->request_failed = HANGAR_DISPLAY_GET_CLASS (self)->request_size == NULL ||
                         !HANGAR_DISPLAY_GET_CLASS (self)->request_size (self, width, height);
  if (!priv->request_failed)
    {
      priv->requested_width = width;
      priv->requested_height = height;
    }
}

static void
schedule_resize_request (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  if (priv->scaling != HANGAR_DISPLAY_SCALING_RESIZE_GUEST)
    return;
  /* Dragging a window edge would otherwise ask the guest for every size on the way. */
  g_clear_handle_id (&priv->resize_source, g_source_remove);
  priv->resize_source = g_timeout_add_once (RESIZE_DEBOUNCE_MS, on_resize_timeout_cb, self);
}

static void
hangar_display_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  schedule_resize_request (HANGAR_DISPLAY (widget));
}

/* Keyboard and grab. */

static void
send_key (HangarDisplay *self,
          guint          scancode,
          guint          keyval,
          gboolean       pressed)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  if (scancode == 0 || scancode >= G_N_ELEMENTS (priv->keys_down))
    return;
  priv->keys_down[scancode] = pressed;
  if (priv->state == HANGAR_DISPLAY_STATE_CONNECTED &&
      HANGAR_DISPLAY_GET_CLASS (self)->send_key != NULL)
    HANGAR_DISPLAY_GET_CLASS (self)->send_key (self, scancode, keyval, pressed);
}

/* Every key still down in the guest goes up: nothing sticks when focus leaves. */
static void
release_all_keys (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  for (guint code = 0; code < G_N_ELEMENTS (priv->keys_down); code++)
    if (priv->keys_down[code])
      send_key (self, code, 0, FALSE);
}

static void
suspend_app_accels (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  GtkApplication *app = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_auto(GStrv) actions = NULL;

  if (GTK_IS_WINDOW (root))
    app = gtk_window_get_application (GTK_WINDOW (root));
  if (app == NULL || priv->saved_accels != NULL)
    return;

  /* Application accelerators run before the focused widget sees a key: while the guest
   * has the keyboard, they are set aside. */
  priv->saved_accels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify)g_strfreev);
  /* The window may have left its application by the time the grab ends. */
  g_set_object (&priv->accels_app, app);
  actions = gtk_application_list_action_descriptions (app);
  for (guint i = 0; actions[i] != NULL; i++)
    {
      const char *none[] = { NULL };

      g_hash_table_insert (priv->saved_accels, g_strdup (actions[i]),
                           gtk_application_get_accels_for_action (app, actions[i]));
      gtk_application_set_accels_for_action (app, actions[i], none);
    }
}

static void
restore_app_accels (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  GHashTableIter iter;
  gpointer key, value;

  if (priv->saved_accels == NULL)
    return;
  if (priv->accels_app != NULL)
    {
      g_hash_table_iter_init (&iter, priv->saved_accels);
      while (g_hash_table_iter_next (&iter, &key, &value))
        gtk_application_set_accels_for_action (priv->accels_app, key,
                                               (const char * const *)value);
    }
  g_clear_pointer (&priv->saved_accels, g_hash_table_unref);
  g_clear_object (&priv->accels_app);
}

static void
set_grabbed (HangarDisplay *self,
             gboolean       grabbed,
             GdkEvent      *event)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native ? gtk_native_get_surface (native) : NULL;

  if (priv->grabbed == grabbed)
    return;
  priv->grabbed = grabbed;

  if (grabbed)
    {
      if (GDK_IS_TOPLEVEL (surface))
        gdk_toplevel_inhibit_system_shortcuts (GDK_TOPLEVEL (surface), event);
      suspend_app_accels (self);
    }
  else
    {
      if (GDK_IS_TOPLEVEL (surface))
        gdk_toplevel_restore_system_shortcuts (GDK_TOPLEVEL (surface));
      restore_app_accels (self);
      release_all_keys (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRABBED]);
}

static gboolean
release_combination_down (HangarDisplay *self,
                          GdkEvent      *event)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));

  if (priv->n_release_keyvals == 0)
    return FALSE;

  /* Every key of the combination must be down (as hardware keycodes). */
  for (guint i = 0; i < priv->n_release_keyvals; i++)
    {
      g_autofree GdkKeymapKey *keys = NULL;
      int n_keys = 0;
      gboolean down = FALSE;

      if (!gdk_display_map_keyval (display, priv->release_keyvals[i], &keys, &n_keys))
        return FALSE;
      for (int k = 0; k < n_keys && !down; k++)
        {
          guint code = hangar_keymap_keycode_to_xt (keys[k].keycode);

          down = code != 0 && priv->keys_down[code];
        }
      if (!down)
        return FALSE;
    }
  return TRUE;
}

static void
sync_locks (HangarDisplay *self)
{
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (GTK_WIDGET (self)));
  GdkDevice *keyboard = seat ? gdk_seat_get_keyboard (seat) : NULL;

  if (keyboard != NULL && HANGAR_DISPLAY_GET_CLASS (self)->sync_locks != NULL &&
      hangar_display_get_state (self) == HANGAR_DISPLAY_STATE_CONNECTED)
    HANGAR_DISPLAY_GET_CLASS (self)->sync_locks (self,
                                                 gdk_device_get_caps_lock_state (keyboard),
                                                 gdk_device_get_num_lock_state (keyboard));
}

static gboolean
handle_key (HangarDisplay *self,
            GdkEvent      *event,
            gboolean       pressed)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  guint keycode = gdk_key_event_get_keycode (event);
  guint keyval = gdk_key_event_get_keyval (event);
  guint scancode = hangar_keymap_keycode_to_xt (keycode);

  if (priv->state != HANGAR_DISPLAY_STATE_CONNECTED)
    return FALSE;

  if (pressed && !priv->grabbed)
    set_grabbed (self, TRUE, event);

  send_key (self, scancode, keyval, pressed);

  if (pressed && release_combination_down (self, event))
    set_grabbed (self, FALSE, NULL);
  return TRUE;
}

/* Pointer. */

static guint
button_to_mask (guint button)
{
  switch (button)
    {
    case GDK_BUTTON_PRIMARY:
      return HANGAR_DISPLAY_BUTTON_LEFT;
    case GDK_BUTTON_MIDDLE:
      return HANGAR_DISPLAY_BUTTON_MIDDLE;
    case GDK_BUTTON_SECONDARY:
      return HANGAR_DISPLAY_BUTTON_RIGHT;
    default:
      return 0;
    }
}

static void
send_pointer (HangarDisplay *self,
              double         wx,
              double         wy)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  int x, y;

  /* Before the first picture there is nowhere in the guest to point at. */
  if (priv->state != HANGAR_DISPLAY_STATE_CONNECTED || priv->framebuffer == NULL)
    return;
  hangar_display_widget_to_guest (self, wx, wy, &x, &y);
  priv->last_x = x;
  priv->last_y = y;
  if (HANGAR_DISPLAY_GET_CLASS (self)->send_pointer != NULL)
    HANGAR_DISPLAY_GET_CLASS (self)->send_pointer (self, x, y, priv->button_mask);
}

static void
send_scroll_steps (HangarDisplay *self,
                   double         dx,
                   double         dy)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  HangarDisplayClass *klass = HANGAR_DISPLAY_GET_CLASS (self);

  if (klass->send_scroll == NULL || priv->state != HANGAR_DISPLAY_STATE_CONNECTED)
    return;

  /* Smooth scrolling accumulates until a whole wheel step. */
  priv->scroll_dx += dx;
  priv->scroll_dy += dy;
  while (priv->scroll_dy >= 1.0)
    klass->send_scroll (self, priv->last_x, priv->last_y, 0, 1), priv->scroll_dy -= 1.0;
  while (priv->scroll_dy <= -1.0)
    klass->send_scroll (self, priv->last_x, priv->last_y, 0, -1), priv->scroll_dy += 1.0;
  while (priv->scroll_dx >= 1.0)
    klass->send_scroll (self, priv->last_x, priv->last_y, 1, 0), priv->scroll_dx -= 1.0;
  while (priv->scroll_dx <= -1.0)
    klass->send_scroll (self, priv->last_x, priv->last_y, -1, 0), priv->scroll_dx += 1.0;
}

/* A pointer event's position in this widget's coordinates. */
static gboolean
event_position (HangarDisplay *self,
                GdkEvent      *event,
                double        *x,
                double        *y)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  double sx, sy, tx, ty;

  if (native == NULL || !gdk_event_get_position (event, &sx, &sy))
    return FALSE;
  gtk_native_get_surface_transform (native, &tx, &ty);
  return gtk_widget_translate_coordinates (GTK_WIDGET (native), GTK_WIDGET (self),
                                           sx - tx, sy - ty, x, y);
}

static gboolean
on_legacy_event_cb (GtkEventControllerLegacy *controller,
                    GdkEvent                 *event,
                    HangarDisplay            *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  GdkEventType type = gdk_event_get_event_type (event);
  double x = 0, y = 0;

  switch ((int)type)
    {
    case GDK_KEY_PRESS:
      return handle_key (self, event, TRUE);

    case GDK_KEY_RELEASE:
      return handle_key (self, event, FALSE);

    case GDK_BUTTON_PRESS:
    case GDK_BUTTON_RELEASE:
      if (priv->state != HANGAR_DISPLAY_STATE_CONNECTED)
        return FALSE;
      gtk_widget_grab_focus (GTK_WIDGET (self));
      if (type == GDK_BUTTON_PRESS && !priv->grabbed)
        set_grabbed (self, TRUE, event);
      if (type == GDK_BUTTON_PRESS)
        priv->button_mask |= button_to_mask (gdk_button_event_get_button (event));
      else
        priv->button_mask &= ~button_to_mask (gdk_button_event_get_button (event));
      if (event_position (self, event, &x, &y))
        send_pointer (self, x, y);
      return TRUE;

    case GDK_MOTION_NOTIFY:
      if (event_position (self, event, &x, &y))
        send_pointer (self, x, y);
      return FALSE;

    case GDK_SCROLL:
      {
        GdkScrollDirection direction = gdk_scroll_event_get_direction (event);
        double dx = 0, dy = 0;

        switch (direction)
          {
          case GDK_SCROLL_UP:
            dy = -1;
            break;
          case GDK_SCROLL_DOWN:
            dy = 1;
            break;
          case GDK_SCROLL_LEFT:
            dx = -1;
            break;
          case GDK_SCROLL_RIGHT:
            dx = 1;
            break;
          case GDK_SCROLL_SMOOTH:
          default:
            gdk_scroll_event_get_deltas (event, &dx, &dy);
            break;
          }
        /* Where the wheel turned, which a motion event may not have said yet (right
         * after the console connected, say). */
        if (priv->framebuffer != NULL && event_position (self, event, &x, &y))
          hangar_display_widget_to_guest (self, x, y, &priv->last_x, &priv->last_y);
        send_scroll_steps (self, dx, dy);
        return TRUE;
      }

    default:
      return FALSE;
    }
}

static void
on_focus_enter_cb (HangarDisplay *self)
{
  sync_locks (self);
}

static void
on_focus_leave_cb (HangarDisplay *self)
{
  set_grabbed (self, FALSE, NULL);
  release_all_keys (self);
}

/* The unshifted keysym of the key with this scancode on the local keyboard, for servers
 * that take keysyms rather than scancodes; 0 when there is none. */
static guint
keyval_for_scancode (HangarDisplay *self,
                     guint          scancode)
{
  GdkDisplay *display = gtk_widget_get_display (GTK_WIDGET (self));

  for (guint keycode = 8; keycode < 256 + 8; keycode++)
    {
      g_autofree guint *keyvals = NULL;
      int n = 0;

      if (hangar_keymap_keycode_to_xt (keycode) != scancode)
        continue;
      if (gdk_display_map_keycode (display, keycode, NULL, &keyvals, &n) && n > 0)
        return keyvals[0];
      return 0;
    }
  return 0;
}

void
hangar_display_send_keys (HangarDisplay *self,
                          const guint   *scancodes,
                          guint          n_scancodes)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  for (guint i = 0; i < n_scancodes; i++)
    send_key (self, scancodes[i], keyval_for_scancode (self, scancodes[i]), TRUE);
  for (guint i = n_scancodes; i > 0; i--)
    send_key (self, scancodes[i - 1], keyval_for_scancode (self, scancodes[i - 1]), FALSE);
}

/* Properties and state. */

HangarDisplayScaling
hangar_display_get_scaling (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), HANGAR_DISPLAY_SCALING_FIT);
  return priv->scaling;
}

void
hangar_display_set_scaling (HangarDisplay       *self,
                            HangarDisplayScaling scaling)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  if (priv->scaling == scaling)
    return;
  priv->scaling = scaling;
  forget_resize_requests (priv);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  schedule_resize_request (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALING]);
}

HangarDisplayState
hangar_display_get_state (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), HANGAR_DISPLAY_STATE_DISCONNECTED);
  return priv->state;
}

const char *
hangar_display_get_status_message (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), NULL);
  return priv->status_message;
}

void
hangar_display_set_state (HangarDisplay     *self,
                          HangarDisplayState state,
                          const char        *message)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  if (g_strcmp0 (priv->status_message, message) != 0)
    {
      g_free (priv->status_message);
      priv->status_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_MESSAGE]);
    }
  if (priv->state == state)
    return;

  /* Connected means a picture came; anything else ends the wait for one too. */
  g_clear_handle_id (&priv->picture_source, g_source_remove);
  if (state != HANGAR_DISPLAY_STATE_CONNECTED)
    {
      set_grabbed (self, FALSE, NULL);
      memset (priv->keys_down, 0, sizeof priv->keys_down);
      priv->button_mask = 0;
    }
  priv->state = state;
  forget_resize_requests (priv);
  if (state == HANGAR_DISPLAY_STATE_CONNECTED)
    {
      gtk_widget_set_cursor (GTK_WIDGET (self), priv->cursor);
      if (gtk_widget_has_focus (GTK_WIDGET (self)))
        sync_locks (self);
      schedule_resize_request (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

gboolean
hangar_display_get_grabbed (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);
  return priv->grabbed;
}

const char *
hangar_display_get_release_keys (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), NULL);
  return priv->release_keys;
}

/* @keys: key names joined by '+', e.g. "Control_L+Alt_L". */
void
hangar_display_set_release_keys (HangarDisplay *self,
                                 const char    *keys)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  g_auto(GStrv) names = NULL;
  guint n = 0;

  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  if (g_strcmp0 (priv->release_keys, keys) == 0)
    return;

  names = g_strsplit (keys ? keys : "", "+", -1);
  g_free (priv->release_keyvals);
  priv->release_keyvals = g_new0 (guint, g_strv_length (names) + 1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      guint keyval = gdk_keyval_from_name (g_strstrip (names[i]));

      if (keyval != GDK_KEY_VoidSymbol && keyval != 0)
        priv->release_keyvals[n++] = keyval;
    }
  priv->n_release_keyvals = n;
  g_free (priv->release_keys);
  priv->release_keys = g_strdup (keys);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RELEASE_KEYS]);
}

void
hangar_display_set_password (HangarDisplay *self,
                             const char    *password)
{
  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  if (HANGAR_DISPLAY_GET_CLASS (self)->set_password != NULL)
    HANGAR_DISPLAY_GET_CLASS (self)->set_password (self, password);
  /* The time for the first picture starts again from the answer. */
  if (hangar_display_get_state (self) == HANGAR_DISPLAY_STATE_CONNECTING)
    start_picture_timer (self);
}

void
hangar_display_ask_password (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY (self));
  /* However long the user takes to answer, the server is not to blame. */
  g_clear_handle_id (&priv->picture_source, g_source_remove);
  g_signal_emit (self, signals[SIGNAL_PASSWORD_NEEDED], 0);
}

gboolean
hangar_display_get_share_clipboard (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);
  return priv->share_clipboard;
}

void
hangar_display_set_share_clipboard (HangarDisplay *self,
                                    gboolean       share)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  share = !!share;
  if (priv->share_clipboard == share)
    return;
  priv->share_clipboard = share;
  if (HANGAR_DISPLAY_GET_CLASS (self)->share_clipboard_changed != NULL)
    HANGAR_DISPLAY_GET_CLASS (self)->share_clipboard_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARE_CLIPBOARD]);
}

int
hangar_display_get_guest_width (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), 0);
  return priv->fb_width;
}

int
hangar_display_get_guest_height (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), 0);
  return priv->fb_height;
}

GdkTexture *
hangar_display_get_screenshot (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *copy = NULL;

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), NULL);

  if (priv->framebuffer == NULL)
    return NULL;

  /* The framebuffer as it is now, damage not yet drawn included, alpha made opaque. */
  copy = g_memdup2 (priv->framebuffer, priv->stride * priv->fb_height);
  for (gsize i = 3; i < priv->stride * priv->fb_height; i += 4)
    copy[i] = 0xff;
  bytes = g_bytes_new_take (g_steal_pointer (&copy), priv->stride * priv->fb_height);
  return gdk_memory_texture_new (priv->fb_width, priv->fb_height,
                                 GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, priv->stride);
}

gboolean
hangar_display_save_screenshot (HangarDisplay *self,
                                const char    *path,
                                GError       **error)
{
  g_autoptr(GdkTexture) texture = NULL;

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), FALSE);

  texture = hangar_display_get_screenshot (self);
  if (texture == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   _("There is no guest screen to save yet."));
      return FALSE;
    }
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write the screenshot to “%s”."), path);
      return FALSE;
    }
  return TRUE;
}

void
hangar_display_set_cursor_image (HangarDisplay *self,
                                 GdkTexture    *texture,
                                 int            hot_x,
                                 int            hot_y)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_DISPLAY (self));

  g_clear_object (&priv->cursor);
  if (texture != NULL)
    priv->cursor = gdk_cursor_new_from_texture (texture, hot_x, hot_y, NULL);
  gtk_widget_set_cursor (GTK_WIDGET (self), priv->cursor);
}

guint64
hangar_display_get_frame_count (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_DISPLAY (self), 0);
  return priv->frame_count;
}

/* GObject. */

static void
hangar_display_dispose (GObject *object)
{
  HangarDisplay *self = (HangarDisplay *)object;
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  restore_app_accels (self);
  g_clear_handle_id (&priv->resize_source, g_source_remove);
  g_clear_handle_id (&priv->picture_source, g_source_remove);
  free_tiles (priv);
  drop_fb_surface (priv);
  g_clear_object (&priv->cursor);
  g_clear_weak_pointer (&priv->viewport);

  G_OBJECT_CLASS (hangar_display_parent_class)->dispose (object);
}

static void
hangar_display_finalize (GObject *object)
{
  HangarDisplay *self = (HangarDisplay *)object;
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  drop_fb_surface (priv);
  if (priv->owns_framebuffer)
    g_free (priv->framebuffer);
  g_clear_pointer (&priv->live_damage, g_array_unref);
  g_free (priv->status_message);
  g_free (priv->release_keys);
  g_free (priv->release_keyvals);

  G_OBJECT_CLASS (hangar_display_parent_class)->finalize (object);
}

static void
hangar_display_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HangarDisplay *self = HANGAR_DISPLAY (object);
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SCALING:
      g_value_set_int (value, priv->scaling);
      break;
    case PROP_STATE:
      g_value_set_int (value, priv->state);
      break;
    case PROP_STATUS_MESSAGE:
      g_value_set_string (value, priv->status_message);
      break;
    case PROP_GRABBED:
      g_value_set_boolean (value, priv->grabbed);
      break;
    case PROP_RELEASE_KEYS:
      g_value_set_string (value, priv->release_keys);
      break;
    case PROP_SHARE_CLIPBOARD:
      g_value_set_boolean (value, priv->share_clipboard);
      break;
    case PROP_GUEST_WIDTH:
      g_value_set_int (value, priv->fb_width);
      break;
    case PROP_GUEST_HEIGHT:
      g_value_set_int (value, priv->fb_height);
      break;
    case PROP_PICTURE_TIMEOUT:
      g_value_set_uint (value, priv->picture_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_display_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HangarDisplay *self = HANGAR_DISPLAY (object);
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SCALING:
      hangar_display_set_scaling (self, g_value_get_int (value));
      break;
    case PROP_RELEASE_KEYS:
      hangar_display_set_release_keys (self, g_value_get_string (value));
      break;
    case PROP_SHARE_CLIPBOARD:
      hangar_display_set_share_clipboard (self, g_value_get_boolean (value));
      break;
    case PROP_PICTURE_TIMEOUT:
      if (priv->picture_timeout != g_value_get_uint (value))
        {
          priv->picture_timeout = g_value_get_uint (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_display_class_init (HangarDisplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = hangar_display_dispose;
  object_class->finalize = hangar_display_finalize;
  object_class->get_property = hangar_display_get_property;
  object_class->set_property = hangar_display_set_property;
  widget_class->snapshot = hangar_display_snapshot;
  widget_class->measure = hangar_display_measure;
  widget_class->size_allocate = hangar_display_size_allocate;

  properties[PROP_SCALING] = g_param_spec_int ("scaling", NULL, NULL,
                                               HANGAR_DISPLAY_SCALING_FIT,
                                               HANGAR_DISPLAY_SCALING_RESIZE_GUEST,
                                               HANGAR_DISPLAY_SCALING_FIT, rw);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL,
                                             HANGAR_DISPLAY_STATE_DISCONNECTED,
                                             HANGAR_DISPLAY_STATE_CONNECTED,
                                             HANGAR_DISPLAY_STATE_DISCONNECTED, ro);
  properties[PROP_STATUS_MESSAGE] = g_param_spec_string ("status-message", NULL, NULL, NULL, ro);
  properties[PROP_GRABBED] = g_param_spec_boolean ("grabbed", NULL, NULL, FALSE, ro);
  properties[PROP_RELEASE_KEYS] = g_param_spec_string ("release-keys", NULL, NULL,
                                                       "Control_L+Alt_L", rw);
  /* Text copied on either side can be pasted on the other (SPICE needs the agent). */
  properties[PROP_SHARE_CLIPBOARD] = g_param_spec_boolean ("share-clipboard", NULL, NULL, TRUE,
                                                           rw);
  properties[PROP_GUEST_WIDTH] = g_param_spec_int ("guest-width", NULL, NULL, 0, G_MAXINT, 0, ro);
  properties[PROP_GUEST_HEIGHT] = g_param_spec_int ("guest-height", NULL, NULL, 0, G_MAXINT, 0,
                                                    ro);
  /* Seconds a console that answered has to send its first picture before the display
   * gives up with a message (0: it waits forever). QEMU sends one at once; 20 s leaves
   * room for a slow tunnel. */
  properties[PROP_PICTURE_TIMEOUT] = g_param_spec_uint ("picture-timeout", NULL, NULL, 0,
                                                        G_MAXUINT,
                                                        HANGAR_DISPLAY_PICTURE_TIMEOUT_S, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PASSWORD_NEEDED] = g_signal_new ("password-needed", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "hangar-display");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

/* Strips off screen, or too thin to draw, have no node. */
static void
hangar_display_init (HangarDisplay *self)
{
  HangarDisplayPrivate *priv = hangar_display_get_instance_private (self);
  GtkEventController *legacy = gtk_event_controller_legacy_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  priv->share_clipboard = TRUE;
  priv->live_damage = g_array_new (FALSE, FALSE, sizeof (cairo_rectangle_int_t));
  priv->picture_timeout = HANGAR_DISPLAY_PICTURE_TIMEOUT_S;
  hangar_display_set_release_keys (self, "Control_L+Alt_L");

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  g_signal_connect (legacy, "event", G_CALLBACK (on_legacy_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), legacy);
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (on_focus_enter_cb), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
}
