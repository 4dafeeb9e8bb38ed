// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "fault-stall"

#include "config.h"

#include <stdio.h>

#include "fault-stall.h"

#define PERIOD_MS 10

struct _FaultStallMeter
{
  guint source;
  gint64 due;           /* monotonic µs the next sample is due */
  gint64 waited_at_due; /* the main thread's CPU run-queue wait when it was set, µs */
  gint64 max_late;      /* µs, as the wall clock saw it */
  gint64 max_own;       /* µs, the waits for a CPU taken out */
  guint samples;
};

/* How long the calling thread has waited, runnable, for a CPU since it began (µs): the
 * second field of the kernel's schedstat (CONFIG_SCHED_INFO), or -1 without it. */
static gint64
runqueue_wait_us (void)
{
  FILE *file = fopen ("/proc/thread-self/schedstat", "re");
  unsigned long long on_cpu, waited;
  int n;

  if (file == NULL)
    return -1;
  n = fscanf (file, "%llu %llu", &on_cpu, &waited);
  fclose (file);
  return n == 2 ? (gint64)(waited / 1000) : -1;
}

static gboolean on_sample_cb (gpointer data);

static void
schedule (FaultStallMeter *self,
          gint64           now)
{
  /* A fresh timeout each time: a late sample must not make the next one look late. */
  self->due = now + PERIOD_MS * 1000;
  self->waited_at_due = runqueue_wait_us ();
  self->source = g_timeout_add (PERIOD_MS, on_sample_cb, self);
}

static gboolean
on_sample_cb (gpointer data)
{
  FaultStallMeter *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = MAX (now - self->due, 0);
  gint64 waited = runqueue_wait_us ();
  gint64 own = late;

  /* Time the main thread spent runnable but without a CPU is the machine's load (other
   * tests, builds), not Hangar's doing: it is taken out of the lateness. A blocking call
   * on the main thread sleeps (not runnable) and still counts, as does its own work. */
  if (waited >= 0 && self->waited_at_due >= 0)
    own = late - MIN (late, waited - self->waited_at_due);
  self->max_late = MAX (self->max_late, late);
  self->max_own = MAX (self->max_own, own);
  self->samples++;
  schedule (self, now);
  return G_SOURCE_REMOVE;
}

FaultStallMeter *
fault_stall_meter_start (void)
{
  FaultStallMeter *self = g_new0 (FaultStallMeter, 1);

  if (runqueue_wait_us () < 0)
    g_test_message ("No /proc/thread-self/schedstat: stalls are measured on the wall clock, "
                    "waits for a CPU included");
  schedule (self, g_get_monotonic_time ());
  return self;
}

double
fault_stall_meter_max_ms (FaultStallMeter *self)
{
  return self->max_own / 1000.0;
}

double
fault_stall_meter_max_wall_ms (FaultStallMeter *self)
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
  if (self->samples > 0)
    g_test_message ("Main loop: longest stall %.1f ms of its own, %.1f ms on the wall clock "
                    "(waits for a CPU included), %u samples", self->max_own / 1000.0,
                    self->max_late / 1000.0, self->samples);
  g_clear_handle_id (&self->source, g_source_remove);
  g_free (self);
}
