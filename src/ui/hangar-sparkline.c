// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-sparkline"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-sparkline.h"

/* A small graph of a guest's recent CPU usage, with the latest value as text. The guest
 * list's CPU column binds its guest property to the row's item (hangar-window.ui), so
 * one sparkline shows many guests in turn as rows are recycled. */
struct _HangarSparkline
{
  GtkWidget parent_instance;

  HangarGuest *guest;
  /* notify::cpu-usage of guest: each statistics tick redraws. */
  gulong notify_id;
  GtkWidget *label;
};

G_DEFINE_FINAL_TYPE (HangarSparkline, hangar_sparkline, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_GUEST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define GRAPH_WIDTH  64
#define GRAPH_HEIGHT 18
#define GAP          8

/* The percentage shows once a running guest has a sample: a stopped guest or one not
 * sampled yet shows nothing rather than a misleading 0 %. */
static void
update_label (HangarSparkline *self)
{
  g_autofree char *text = NULL;

  if (self->guest != NULL && hangar_guest_is_active (self->guest))
    {
      guint n = 0;

      hangar_guest_get_cpu_history (self->guest, &n);
      if (n > 0)
        text = g_strdup_printf ("%.0f %%", hangar_guest_get_cpu_usage (self->guest));
    }
  gtk_label_set_label (GTK_LABEL (self->label), text ? text : "");
}

static void
on_cpu_usage_cb (HangarSparkline *self)
{
  update_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

#define STEP ((double)GRAPH_WIDTH / (HANGAR_GUEST_CPU_HISTORY_LEN - 1))

/* The newest sample sits at the right edge. */
static void
trace_line (cairo_t      *cr,
            const double *history,
            guint         n,
            float         top)
{
  for (guint i = 0; i < n; i++)
    {
      double value = history[HANGAR_GUEST_CPU_HISTORY_LEN - n + i];
      double x = GRAPH_WIDTH - (n - 1 - i) * STEP;
      double y = top + 1 + (GRAPH_HEIGHT - 2) * (1.0 - value / 100.0);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
}

static void
hangar_sparkline_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  HangarSparkline *self = HANGAR_SPARKLINE (widget);
  int height = gtk_widget_get_height (widget);
  float top = (height - GRAPH_HEIGHT) / 2.0f;
  const double *history;
  guint n = 0;
  cairo_t *cr;

  if (self->guest == NULL)
    goto children;

  if (!hangar_guest_is_active (self->guest))
    goto children;

  /* A faint track, so a young or idle graph still reads as a graph. */
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.21f, 0.52f, 0.89f, 0.08f },
                             &GRAPHENE_RECT_INIT (0, top, GRAPH_WIDTH, GRAPH_HEIGHT));

  history = hangar_guest_get_cpu_history (self->guest, &n);
  if (n < 2)
    goto children;

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, top, GRAPH_WIDTH, GRAPH_HEIGHT));
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  trace_line (cr, history, n, top);
  cairo_line_to (cr, GRAPH_WIDTH, top + GRAPH_HEIGHT);
  cairo_line_to (cr, GRAPH_WIDTH - (n - 1) * STEP, top + GRAPH_HEIGHT);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.25);
  cairo_fill_preserve (cr);
  cairo_new_path (cr);
  trace_line (cr, history, n, top);
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 1.0);
  cairo_stroke (cr);
  cairo_destroy (cr);

children:
  gtk_widget_snapshot_child (widget, self->label, snapshot);
}

static void
hangar_sparkline_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  HangarSparkline *self = HANGAR_SPARKLINE (widget);
  int label_min, label_nat;

  gtk_widget_measure (self->label, orientation, -1, &label_min, &label_nat, NULL, NULL);
  /* Room for "100 %" whatever the label holds now, so columns do not jump per tick. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = GRAPH_WIDTH + GAP + MAX (label_min, 36);
      *natural = GRAPH_WIDTH + GAP + MAX (label_nat, 36);
    }
  else
    {
      *minimum = MAX (GRAPH_HEIGHT, label_min);
      *natural = MAX (GRAPH_HEIGHT, label_nat);
    }
}

static void
hangar_sparkline_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  HangarSparkline *self = HANGAR_SPARKLINE (widget);

  gtk_widget_size_allocate (self->label,
                            &(GtkAllocation) { GRAPH_WIDTH + GAP, 0,
                                               MAX (width - GRAPH_WIDTH - GAP, 0), height },
                            baseline);
}

static void
hangar_sparkline_dispose (GObject *object)
{
  HangarSparkline *self = (HangarSparkline *)object;

  hangar_sparkline_set_guest (self, NULL);
  g_clear_pointer (&self->label, gtk_widget_unparent);

  G_OBJECT_CLASS (hangar_sparkline_parent_class)->dispose (object);
}

static void
hangar_sparkline_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HangarSparkline *self = HANGAR_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      g_value_set_object (value, self->guest);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_sparkline_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HangarSparkline *self = HANGAR_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      hangar_sparkline_set_guest (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_sparkline_class_init (HangarSparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_sparkline_dispose;
  object_class->get_property = hangar_sparkline_get_property;
  object_class->set_property = hangar_sparkline_set_property;
  widget_class->snapshot = hangar_sparkline_snapshot;
  widget_class->measure = hangar_sparkline_measure;
  widget_class->size_allocate = hangar_sparkline_size_allocate;

  properties[PROP_GUEST] =
    g_param_spec_object ("guest", NULL, NULL, HANGAR_TYPE_GUEST,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "sparkline");
  /* A picture to a screen reader; the row's own cells carry the names. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
hangar_sparkline_init (HangarSparkline *self)
{
  self->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->label), 1.0);
  gtk_widget_add_css_class (self->label, "numeric");
  gtk_widget_add_css_class (self->label, "dim-label");
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
}

HangarGuest *
hangar_sparkline_get_guest (HangarSparkline *self)
{
  g_return_val_if_fail (HANGAR_IS_SPARKLINE (self), NULL);
  return self->guest;
}

void
hangar_sparkline_set_guest (HangarSparkline *self,
                            HangarGuest     *guest)
{
  g_return_if_fail (HANGAR_IS_SPARKLINE (self));

  if (self->guest == guest)
    return;

  /* NULL when the row is unbound: the old guest stops redrawing this widget. */
  if (self->guest != NULL)
    g_clear_signal_handler (&self->notify_id, self->guest);
  g_set_object (&self->guest, guest);
  if (guest != NULL)
    self->notify_id = g_signal_connect_swapped (guest, "notify::cpu-usage",
                                                G_CALLBACK (on_cpu_usage_cb), self);
  on_cpu_usage_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST]);
}
