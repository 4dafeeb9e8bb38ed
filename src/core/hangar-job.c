// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-job"

#include "config.h"

#include "hangar-job.h"

struct _HangarJob
{
  GObject parent_instance;

  char *title;
  double fraction;
  char *message;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (HangarJob, hangar_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_FRACTION,
  PROP_MESSAGE,
  PROP_CANCELLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hangar_job_finalize (GObject *object)
{
  HangarJob *self = (HangarJob *)object;

  g_clear_object (&self->cancellable);
  g_free (self->title);
  g_free (self->message);

  G_OBJECT_CLASS (hangar_job_parent_class)->finalize (object);
}

static void
hangar_job_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  HangarJob *self = HANGAR_JOB (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_CANCELLED:
      g_value_set_boolean (value, hangar_job_is_cancelled (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_job_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  HangarJob *self = HANGAR_JOB (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      self->title = g_value_dup_string (value);
      break;
    case PROP_FRACTION:
      hangar_job_set_fraction (self, g_value_get_double (value));
      break;
    case PROP_MESSAGE:
      hangar_job_set_message (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_job_class_init (HangarJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hangar_job_finalize;
  object_class->get_property = hangar_job_get_property;
  object_class->set_property = hangar_job_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, -1, 1, 0, rw);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, rw);
  properties[PROP_CANCELLED] =
    g_param_spec_boolean ("cancelled", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_job_init (HangarJob *self)
{
  self->cancellable = g_cancellable_new ();
}

HangarJob *
hangar_job_new (const char *title)
{
  return g_object_new (HANGAR_TYPE_JOB, "title", title, NULL);
}

const char *
hangar_job_get_title (HangarJob *self)
{
  g_return_val_if_fail (HANGAR_IS_JOB (self), NULL);
  return self->title;
}

double
hangar_job_get_fraction (HangarJob *self)
{
  g_return_val_if_fail (HANGAR_IS_JOB (self), 0);
  return self->fraction;
}

void
hangar_job_set_fraction (HangarJob *self,
                         double     fraction)
{
  g_return_if_fail (HANGAR_IS_JOB (self));

  /* Anything negative means "cannot tell". */
  fraction = fraction < 0 ? -1 : MIN (fraction, 1.0);
  if (self->fraction == fraction)
    return;
  self->fraction = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

const char *
hangar_job_get_message (HangarJob *self)
{
  g_return_val_if_fail (HANGAR_IS_JOB (self), NULL);
  return self->message;
}

void
hangar_job_set_message (HangarJob  *self,
                        const char *message)
{
  g_return_if_fail (HANGAR_IS_JOB (self));

  if (g_strcmp0 (self->message, message) == 0)
    return;
  g_free (self->message);
  self->message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

GCancellable *
hangar_job_get_cancellable (HangarJob *self)
{
  g_return_val_if_fail (HANGAR_IS_JOB (self), NULL);
  return self->cancellable;
}

void
hangar_job_cancel (HangarJob *self)
{
  g_return_if_fail (HANGAR_IS_JOB (self));

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  g_cancellable_cancel (self->cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CANCELLED]);
}

gboolean
hangar_job_is_cancelled (HangarJob *self)
{
  g_return_val_if_fail (HANGAR_IS_JOB (self), FALSE);
  return g_cancellable_is_cancelled (self->cancellable);
}

typedef struct {
  HangarJob *job;
  char *message;
  double fraction;
} JobUpdate;

static gboolean
apply_update (gpointer data)
{
  JobUpdate *update = data;

  hangar_job_set_message (update->job, update->message);
  hangar_job_set_fraction (update->job, update->fraction);
  g_object_unref (update->job);
  g_free (update->message);
  g_free (update);
  return G_SOURCE_REMOVE;
}

void
hangar_job_report_from_worker (HangarJob  *job,
                               const char *message,
                               double      fraction)
{
  JobUpdate *update;

  if (job == NULL)
    return;
  update = g_new0 (JobUpdate, 1);
  update->job = g_object_ref (job);
  update->message = g_strdup (message);
  update->fraction = fraction;
  g_main_context_invoke (NULL, apply_update, update);
}
