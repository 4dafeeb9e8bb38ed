// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-connection"

/* Statistics of a HangarConnection's running guests: one bulk call
 * (virConnectGetAllDomainStats) per tick, on a worker; per-guest calls for what a driver
 * leaves out of it, or for every running guest where it lacks the call. No timer runs
 * while no guest does. */

#include "config.h"

#include <libvirt/virterror.h>

#include "hangar-connection-private.h"
#include "hangar-guest-private.h"

typedef struct {
  char *uuid;
  guint64 cpu_time;
  guint64 memory_kib;
  gboolean has_cpu;
  gboolean has_memory;
} StatSample;

typedef struct {
  virConnectPtr conn;
  GPtrArray *running; /* virDomainPtr, for drivers without bulk stats */
  gboolean bulk_unsupported;
  GArray *samples;
  gint64 when;
} StatsData;

static void
stat_sample_clear (StatSample *sample)
{
  g_free (sample->uuid);
}

static void
stats_data_free (StatsData *data)
{
  g_clear_pointer (&data->running, g_ptr_array_unref);
  g_clear_pointer (&data->samples, g_array_unref);
  g_clear_pointer (&data->conn, virConnectClose);
  g_free (data);
}

/* One guest's sample: what the bulk call's @params hold, the rest from virDomainGetInfo.
 * Where the driver lacks the bulk call (@params NULL), that is everything; the test
 * driver's bulk records hold neither value, so its guests take the same path. */
static void
add_sample (StatsData           *data,
            virDomainPtr         domain,
            virTypedParameterPtr params,
            int                  nparams)
{
  StatSample sample = { 0 };
  char uuid[VIR_UUID_STRING_BUFLEN];
  unsigned long long value;
  virDomainInfo info;

  if (virDomainGetUUIDString (domain, uuid) < 0)
    return;
  if (params != NULL && virTypedParamsGetULLong (params, nparams, "cpu.time", &value) == 1)
    {
      sample.cpu_time = value;
      sample.has_cpu = TRUE;
    }
  if (params != NULL &&
      virTypedParamsGetULLong (params, nparams, "balloon.current", &value) == 1)
    {
      sample.memory_kib = value;
      sample.has_memory = TRUE;
    }
  if (!sample.has_cpu)
    {
      if (virDomainGetInfo (domain, &info) < 0)
        virResetLastError ();
      /* A guest that stopped after the tick listed it still answers, with no CPU time
       * and its configured memory (LXC): nothing of it is a sample. */
      else if (info.state == VIR_DOMAIN_SHUTOFF)
        return;
      else
        {
          sample.cpu_time = info.cpuTime;
          sample.has_cpu = TRUE;
          if (!sample.has_memory)
            {
              sample.memory_kib = info.memory;
              sample.has_memory = TRUE;
            }
        }
    }
  sample.uuid = g_strdup (uuid);
  g_array_append_val (data->samples, sample);
}

static void
stats_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  StatsData *data = task_data;
  virDomainStatsRecordPtr *records = NULL;
  int n = -1;

  data->samples = g_array_new (FALSE, TRUE, sizeof (StatSample));
  g_array_set_clear_func (data->samples, (GDestroyNotify)stat_sample_clear);

  if (!data->bulk_unsupported)
    n = virConnectGetAllDomainStats (data->conn,
                                     VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON,
                                     &records, VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
  data->when = g_get_monotonic_time ();

  if (n >= 0)
    {
      for (int i = 0; i < n; i++)
        add_sample (data, records[i]->dom, records[i]->params, records[i]->nparams);
      virDomainStatsRecordListFree (records);
    }
  else
    {
      virErrorPtr err = virGetLastError ();

      /* From the next tick on, the running guests are listed for the per-guest calls. */
      data->bulk_unsupported = err == NULL || err->code == VIR_ERR_NO_SUPPORT;
      virResetLastError ();
      for (guint i = 0; i < data->running->len; i++)
        add_sample (data, g_ptr_array_index (data->running, i), NULL, 0);
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_stats_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  HangarConnection *self = HANGAR_CONNECTION (object);
  StatsData *data = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;

  self->stats_in_flight = FALSE;
  if (data->conn != self->conn)
    return;
  self->bulk_stats_unsupported = data->bulk_unsupported;

  for (guint i = 0; i < data->samples->len; i++)
    {
      StatSample *sample = &g_array_index (data->samples, StatSample, i);
      HangarGuest *guest = g_hash_table_lookup (self->guests_by_uuid, sample->uuid);

      if (guest == NULL || !hangar_guest_is_active (guest))
        continue;
      if (sample->has_cpu && hangar_guest_get_state (guest) != HANGAR_GUEST_STATE_PAUSED)
        hangar_guest_add_cpu_sample (guest, sample->cpu_time, data->when);
      if (sample->has_memory && sample->memory_kib > 0)
        hangar_guest_set_memory (guest, sample->memory_kib);
    }
}

static gboolean
on_stats_tick_cb (gpointer user_data)
{
  HangarConnection *self = user_data;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) running = NULL;
  gboolean any_active = FALSE;
  guint n_items;
  StatsData *data;

  if (self->conn == NULL || self->stats_in_flight || !self->populated)
    return G_SOURCE_CONTINUE;

  running = g_ptr_array_new_with_free_func (hangar_domain_unref);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->guests));
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(HangarGuest) guest = g_list_model_get_item (G_LIST_MODEL (self->guests), i);
      virDomainPtr domain = hangar_guest_get_domain (guest);

      if (!hangar_guest_is_active (guest) || domain == NULL)
        continue;
      any_active = TRUE;
      /* For the per-guest fallback; listed on every tick, so that the tick that learns
       * the bulk call is missing already samples each guest. */
      virDomainRef (domain);
      g_ptr_array_add (running, domain);
    }

  /* Nothing runs, so nothing to ask: idle cost does not grow with stopped guests. */
  if (!any_active)
    {
      self->stats_source = 0;
      return G_SOURCE_REMOVE;
    }

  data = g_new0 (StatsData, 1);
  data->conn = self->conn;
  virConnectRef (data->conn);
  data->running = g_steal_pointer (&running);
  data->bulk_unsupported = self->bulk_stats_unsupported;

  self->stats_in_flight = TRUE;
  task = g_task_new (self, self->cancellable, on_stats_done_cb, NULL);
  g_task_set_source_tag (task, on_stats_tick_cb);
  g_task_set_task_data (task, data, (GDestroyNotify)stats_data_free);
  g_task_run_in_thread (task, stats_thread);
  return G_SOURCE_CONTINUE;
}

/* (Re)arms the timer; called when a link opens, the interval changes or a guest
 * starts. */
void
hangar_connection_restart_stats (HangarConnection *self)
{
  if (self->conn == NULL)
    return;
  if (self->stats_source != 0)
    return;

  /* A first sample right away sets each guest's baseline; the timer runs only while
   * some guest does. */
  if (on_stats_tick_cb (self) == G_SOURCE_CONTINUE)
    self->stats_source = g_timeout_add (self->stats_interval, on_stats_tick_cb, self);
}

void
hangar_connection_stop_stats (HangarConnection *self)
{
  g_clear_handle_id (&self->stats_source, g_source_remove);
  self->stats_in_flight = FALSE;
}
