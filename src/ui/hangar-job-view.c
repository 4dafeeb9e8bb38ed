// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-job-view"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-job.h"
#include "hangar-job-view.h"
#include "hangar-ui-util.h"

struct _HangarJobView
{
  AdwBin parent_instance;

  HangarJob *job;
  GSignalGroup *job_signals;
  guint pulse_id;

  AdwStatusPage *status_page;
  GtkProgressBar *progress_bar;
  GtkButton *cancel_button;
};

G_DEFINE_FINAL_TYPE (HangarJobView, hangar_job_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_JOB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
pulse_cb (gpointer user_data)
{
  HangarJobView *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

/* A fraction below 0 means the job cannot tell how far it is: the bar pulses then. */
static void
on_job_fraction_cb (HangarJobView *self)
{
  double fraction = self->job != NULL ? hangar_job_get_fraction (self->job) : 0.0;

  if (fraction < 0.0)
    {
      if (self->pulse_id == 0)
        self->pulse_id = g_timeout_add (100, pulse_cb, self);
      return;
    }
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
}

static void
on_job_message_cb (HangarJobView *self)
{
  const char *message = self->job != NULL ? hangar_job_get_message (self->job) : NULL;

  adw_status_page_set_description (self->status_page, message);
}

void
hangar_job_view_cancel (HangarJobView *self)
{
  g_return_if_fail (HANGAR_IS_JOB_VIEW (self));

  if (self->job == NULL || hangar_job_is_cancelled (self->job))
    return;
  /* The operation undoes what it made before it finishes: say so meanwhile. */
  hangar_job_cancel (self->job);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
  adw_status_page_set_description (self->status_page, _("Cancelling and removing what was made…"));
}

static void
on_cancel_button_clicked_cb (HangarJobView *self)
{
  hangar_job_view_cancel (self);
}

HangarJob *
hangar_job_view_get_job (HangarJobView *self)
{
  g_return_val_if_fail (HANGAR_IS_JOB_VIEW (self), NULL);

  return self->job;
}

void
hangar_job_view_set_job (HangarJobView *self,
                         HangarJob     *job)
{
  g_return_if_fail (HANGAR_IS_JOB_VIEW (self));
  g_return_if_fail (job == NULL || HANGAR_IS_JOB (job));

  if (!g_set_object (&self->job, job))
    return;

  g_signal_group_set_target (self->job_signals, job);
  adw_status_page_set_title (self->status_page, job != NULL ? hangar_job_get_title (job) : NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button),
                            job != NULL && !hangar_job_is_cancelled (job));
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  if (job == NULL)
    g_clear_handle_id (&self->pulse_id, g_source_remove);
  else
    on_job_fraction_cb (self);
  on_job_message_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JOB]);
}

static void
hangar_job_view_dispose (GObject *object)
{
  HangarJobView *self = (HangarJobView *)object;

  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->job_signals != NULL)
    g_signal_group_set_target (self->job_signals, NULL);
  g_clear_object (&self->job_signals);
  g_clear_object (&self->job);
  /* AdwBin keeps its own pointer to the child: let it unparent the child first, or
   * it would unparent a freed one after the template's disposal. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_JOB_VIEW);

  G_OBJECT_CLASS (hangar_job_view_parent_class)->dispose (object);
}

static void
hangar_job_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HangarJobView *self = HANGAR_JOB_VIEW (object);

  switch (prop_id)
    {
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_job_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HangarJobView *self = HANGAR_JOB_VIEW (object);

  switch (prop_id)
    {
    case PROP_JOB:
      hangar_job_view_set_job (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_job_view_class_init (HangarJobViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hangar_job_view_dispose;
  object_class->get_property = hangar_job_view_get_property;
  object_class->set_property = hangar_job_view_set_property;

  /* The job shown, or NULL. */
  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL, HANGAR_TYPE_JOB,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-job-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarJobView, status_page);
  gtk_widget_class_bind_template_child (widget_class, HangarJobView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HangarJobView, cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_button_clicked_cb);
}

static void
hangar_job_view_init (HangarJobView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hangar_name_page_scroller (GTK_WIDGET (self->status_page), _("Progress"));

  /* The job sets its fraction and message on the main thread as it goes. */
  self->job_signals = g_signal_group_new (HANGAR_TYPE_JOB);
  g_signal_group_connect_swapped (self->job_signals, "notify::fraction",
                                  G_CALLBACK (on_job_fraction_cb), self);
  g_signal_group_connect_swapped (self->job_signals, "notify::message",
                                  G_CALLBACK (on_job_message_cb), self);
}

GtkWidget *
hangar_job_view_new (void)
{
  return g_object_new (HANGAR_TYPE_JOB_VIEW, NULL);
}
