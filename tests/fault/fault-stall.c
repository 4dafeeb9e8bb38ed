// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fault-stall"

#include "config.h"

#include "fault-stall.h"

#define PERIOD_MS 10

struct _FaultStallMeter
{
  guint source;
  gint64 due;      /* monotonic µs the next sample is due */
  gint64 max_late; /* µs */
  guint samples;
};

static gboolean
on_sample_cb (gpointer data)
{
  FaultStallMeter *self = data;
  gint64 now = g_get_monotonic_time ();

  self->max_late = MAX (self->max_late, now - self->due);
  self->samples++;
  /* A fresh timeout each time: a late sample must not make the next one look late. */
  self->due = now + PERIOD_MS * 1000;
  self->source = g_timeout_add (PERIOD_MS, on_sample_cb, self);
  return G_SOURCE_REMOVE;
}

FaultStallMeter *
fault_stall_meter_start (void)
{
  FaultStallMeter *self = g_new0 (FaultStallMeter, 1);

  self->due = g_get_monotonic_time () + PERIOD_MS * 1000;
  self->source = g_timeout_add (PERIOD_MS, on_sample_cb, self);
  return self;
}

double
fault_stall_meter_max_ms (FaultStallMeter *self)
{
  return self->max_late / 1000.0;
}

guint
fault_stall_meter_samples (FaultStallMeter *self)
{
  return self->samples;
}

void
fault_stall_meter_free (FaultStallMeter *self)
{
  g_clear_handle_id (&self->source, g_source_remove);
  g_free (self);
}
