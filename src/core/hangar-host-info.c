// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-host-info"

/* HangarHostInfo: what a host's page tells about the host. The facts (name, hypervisor,
 * versions, CPUs, memory) are read once per opened link; CPU and memory use are sampled
 * only while a view watches, so a host whose page is closed costs nothing. Every
 * libvirt call runs on a worker with its own reference to the link. */

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-connection-private.h"
#include "hangar-guest-private.h"
#include "hangar-host-info.h"
#include "hangar-notify.h"

struct _HangarHostInfo
{
  GObject parent_instance;

  HangarConnection *connection;
  /* Cancelled, and replaced, when the link goes: its answers are dropped. */
  GCancellable *cancellable;
  /* The link the facts were read from; not a reference, only compared. */
  virConnectPtr facts_conn;

  gboolean loaded;
  char *host_name;
  char *hypervisor;
  char *libvirt_version;
  char *architecture;
  guint cpus;
  guint cpu_mhz;
  guint64 memory;

  double cpu_usage;
  guint64 memory_used;
  /* The total the live statistics count against, which may differ from the memory
   * virNodeGetInfo reports (on a host whose NUMA node holds less than /proc/meminfo). */
  guint64 memory_total;
  double memory_fraction;

  guint watchers;
  guint sample_source;
  gboolean sample_in_flight;
  gboolean have_cpu_times;
  /* Samples since sampling (re)started: CPU use needs two. */
  guint n_samples;
  gboolean measuring;
  HangarHostCpuTimes last_cpu_times;
};

G_DEFINE_FINAL_TYPE (HangarHostInfo, hangar_host_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_LOADED,
  PROP_HOST_NAME,
  PROP_HYPERVISOR,
  PROP_LIBVIRT_VERSION,
  PROP_ARCHITECTURE,
  PROP_CPUS,
  PROP_CPU_MHZ,
  PROP_MEMORY,
  PROP_CPU_USAGE,
  PROP_MEMORY_USED,
  PROP_MEMORY_FRACTION,
  PROP_MEASURING,
  PROP_MEMORY_TOTAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SAMPLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_sampling (HangarHostInfo *self);

static void
set_measuring (HangarHostInfo *self,
               gboolean        measuring)
{
  if (self->measuring == measuring)
    return;
  self->measuring = measuring;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEASURING]);
}

double
hangar_host_cpu_usage (const HangarHostCpuTimes *before,
                       const HangarHostCpuTimes *after)
{
  guint64 busy_before, busy_after, total_before, total_after;

  g_return_val_if_fail (before != NULL && after != NULL, -1);

  busy_before = before->kernel + before->user;
  busy_after = after->kernel + after->user;
  total_before = busy_before + before->idle + before->iowait;
  total_after = busy_after + after->idle + after->iowait;
  /* Counters that did not move, or went back (a host restarted): no answer. */
  if (total_after <= total_before || busy_after < busy_before)
    return -1;
  return CLAMP (100.0 * (double)(busy_after - busy_before) /
                (double)(total_after - total_before), 0.0, 100.0);
}

char *
hangar_format_libvirt_version (unsigned long version)
{
  return g_strdup_printf ("%lu.%lu.%lu", version / 1000000, (version / 1000) % 1000,
                          version % 1000);
}

static void
set_live (HangarHostInfo *self,
          double          cpu_usage,
          guint64         memory_used,
          guint64         memory_total,
          double          memory_fraction)
{
  if (self->memory_total != memory_total)
    {
      self->memory_total = memory_total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY_TOTAL]);
    }
  if (self->cpu_usage != cpu_usage)
    {
      self->cpu_usage = cpu_usage;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CPU_USAGE]);
    }
  if (self->memory_used != memory_used)
    {
      self->memory_used = memory_used;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY_USED]);
    }
  if (self->memory_fraction != memory_fraction)
    {
      self->memory_fraction = memory_fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY_FRACTION]);
    }
}

/* The facts, on a worker. */

typedef struct {
  virConnectPtr conn;
  char *host_name;
  char *hypervisor;
  char *libvirt_version;
  char *architecture;
  guint cpus;
  guint cpu_mhz;
  guint64 memory;
} Facts;

static void
facts_free (Facts *facts)
{
  g_clear_pointer (&facts->conn, virConnectClose);
  g_free (facts->host_name);
  g_free (facts->hypervisor);
  g_free (facts->libvirt_version);
  g_free (facts->architecture);
  g_free (facts);
}

static void
facts_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Facts *facts = task_data;
  virNodeInfo info;
  unsigned long version = 0;
  const char *type;
  char *host_name;

  host_name = virConnectGetHostname (facts->conn);
  if (host_name == NULL)
    {
      g_autofree char *reason = hangar_virt_error_message ();

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not read the host’s details: %s"), reason);
      return;
    }
  facts->host_name = g_strdup (host_name);
  free (host_name);

  type = virConnectGetType (facts->conn);
  if (type != NULL && virConnectGetVersion (facts->conn, &version) == 0 && version > 0)
    {
      g_autofree char *text = hangar_format_libvirt_version (version);

      facts->hypervisor = g_strdup_printf ("%s %s", type, text);
    }
  else
    {
      /* Some drivers (LXC) have no hypervisor version. */
      facts->hypervisor = g_strdup (type);
      virResetLastError ();
    }

  if (virConnectGetLibVersion (facts->conn, &version) == 0)
    facts->libvirt_version = hangar_format_libvirt_version (version);
  else
    virResetLastError ();

  if (virNodeGetInfo (facts->conn, &info) == 0)
    {
      facts->architecture = g_strdup (info.model);
      facts->cpus = info.cpus;
      facts->cpu_mhz = info.mhz;
      facts->memory = (guint64)info.memory * 1024;
    }
  else
    virResetLastError ();

  g_task_return_boolean (task, TRUE);
}

static void
on_facts_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  HangarHostInfo *self = HANGAR_HOST_INFO (object);
  Facts *facts = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("%s: %s", hangar_connection_get_uri (self->connection), error->message);
      return;
    }

  g_object_freeze_notify (G_OBJECT (self));
  hangar_set_string (G_OBJECT (self), &self->host_name, facts->host_name,
                     properties[PROP_HOST_NAME]);
  hangar_set_string (G_OBJECT (self), &self->hypervisor, facts->hypervisor,
                     properties[PROP_HYPERVISOR]);
  hangar_set_string (G_OBJECT (self), &self->libvirt_version, facts->libvirt_version,
                     properties[PROP_LIBVIRT_VERSION]);
  hangar_set_string (G_OBJECT (self), &self->architecture, facts->architecture,
                     properties[PROP_ARCHITECTURE]);
  hangar_set_uint (G_OBJECT (self), &self->cpus, facts->cpus, properties[PROP_CPUS]);
  hangar_set_uint (G_OBJECT (self), &self->cpu_mhz, facts->cpu_mhz, properties[PROP_CPU_MHZ]);
  if (self->memory != facts->memory)
    {
      self->memory = facts->memory;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY]);
    }
  if (!self->loaded)
    {
      self->loaded = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
  update_sampling (self);
}

/* The live values, on a worker. */

typedef struct {
  virConnectPtr conn;
  gboolean have_cpu;
  HangarHostCpuTimes cpu;
  gboolean have_memory;
  guint64 memory_total;
  guint64 memory_used;
} Sample;

static void
sample_free (Sample *sample)
{
  g_clear_pointer (&sample->conn, virConnectClose);
  g_free (sample);
}

static gboolean
read_cpu_times (virConnectPtr       conn,
                HangarHostCpuTimes *times)
{
  g_autofree virNodeCPUStatsPtr params = NULL;
  int n = 0;

  if (virNodeGetCPUStats (conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &n, 0) < 0 || n <= 0)
    return FALSE;
  params = g_new0 (virNodeCPUStats, n);
  if (virNodeGetCPUStats (conn, VIR_NODE_CPU_STATS_ALL_CPUS, params, &n, 0) < 0)
    return FALSE;
  for (int i = 0; i < n; i++)
    {
      if (g_str_equal (params[i].field, VIR_NODE_CPU_STATS_KERNEL))
        times->kernel = params[i].value;
      else if (g_str_equal (params[i].field, VIR_NODE_CPU_STATS_USER))
        times->user = params[i].value;
      else if (g_str_equal (params[i].field, VIR_NODE_CPU_STATS_IDLE))
        times->idle = params[i].value;
      else if (g_str_equal (params[i].field, VIR_NODE_CPU_STATS_IOWAIT))
        times->iowait = params[i].value;
    }
  return TRUE;
}

/* Used memory as virt-manager and free(1) count it: what is neither free nor a cache
 * the kernel gives back on demand. Values in bytes. */
static gboolean
read_memory (virConnectPtr conn,
             guint64      *total,
             guint64      *used)
{
  g_autofree virNodeMemoryStatsPtr params = NULL;
  guint64 free_kib = 0, buffers_kib = 0, cached_kib = 0, total_kib = 0;
  int n = 0;

  if (virNodeGetMemoryStats (conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &n, 0) == 0 && n > 0)
    {
      params = g_new0 (virNodeMemoryStats, n);
      if (virNodeGetMemoryStats (conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, params, &n, 0) < 0)
        return FALSE;
      for (int i = 0; i < n; i++)
        {
          if (g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_TOTAL))
            total_kib = params[i].value;
          else if (g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_FREE))
            free_kib = params[i].value;
          else if (g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_BUFFERS))
            buffers_kib = params[i].value;
          else if (g_str_equal (params[i].field, VIR_NODE_MEMORY_STATS_CACHED))
            cached_kib = params[i].value;
        }
      if (total_kib == 0)
        return FALSE;
      *total = total_kib * 1024;
      *used = (total_kib - MIN (total_kib, free_kib + buffers_kib + cached_kib)) * 1024;
      return TRUE;
    }
  else
    {
      /* Drivers without memory statistics (the test driver) still know the free
       * memory and the total. */
      virNodeInfo info;
      unsigned long long free_bytes;

      virResetLastError ();
      if (virNodeGetInfo (conn, &info) < 0)
        return FALSE;
      free_bytes = virNodeGetFreeMemory (conn);
      if (free_bytes == 0)
        return FALSE;
      *total = (guint64)info.memory * 1024;
      *used = *total - MIN (*total, free_bytes);
      return TRUE;
    }
}

static void
sample_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Sample *sample = task_data;

  sample->have_cpu = read_cpu_times (sample->conn, &sample->cpu);
  if (!sample->have_cpu)
    virResetLastError ();
  sample->have_memory = read_memory (sample->conn, &sample->memory_total, &sample->memory_used);
  if (!sample->have_memory)
    virResetLastError ();
  g_task_return_boolean (task, TRUE);
}

static void
on_sample_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  HangarHostInfo *self = HANGAR_HOST_INFO (object);
  Sample *sample = g_task_get_task_data (G_TASK (result));
  double cpu_usage = -1;

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  self->sample_in_flight = FALSE;
  /* An answer for an old link, or for a view that has gone, is no news. */
  if (sample->conn != self->connection->conn || self->watchers == 0)
    return;

  if (sample->have_cpu)
    {
      if (self->have_cpu_times)
        cpu_usage = hangar_host_cpu_usage (&self->last_cpu_times, &sample->cpu);
      else
        cpu_usage = self->cpu_usage;
      self->last_cpu_times = sample->cpu;
      self->have_cpu_times = TRUE;
    }
  if (sample->have_memory)
    set_live (self, cpu_usage, sample->memory_used, sample->memory_total,
              (double)sample->memory_used / (double)sample->memory_total);
  else
    set_live (self, cpu_usage, 0, 0, -1);
  /* Two samples tell all there is to tell: what is still unknown, the host does not
   * report. */
  if (++self->n_samples >= 2)
    set_measuring (self, FALSE);
  g_signal_emit (self, signals[SIGNAL_SAMPLED], 0);
}

static gboolean
on_sample_tick_cb (gpointer user_data)
{
  HangarHostInfo *self = user_data;
  g_autoptr(GTask) task = NULL;
  Sample *sample;

  if (self->sample_in_flight || self->connection->conn == NULL)
    return G_SOURCE_CONTINUE;

  sample = g_new0 (Sample, 1);
  sample->conn = self->connection->conn;
  virConnectRef (sample->conn);
  self->sample_in_flight = TRUE;
  task = g_task_new (self, self->cancellable, on_sample_done_cb, NULL);
  g_task_set_source_tag (task, on_sample_tick_cb);
  g_task_set_task_data (task, sample, (GDestroyNotify)sample_free);
  g_task_run_in_thread (task, sample_thread);
  return G_SOURCE_CONTINUE;
}

static void
stop_sampling (HangarHostInfo *self)
{
  g_clear_handle_id (&self->sample_source, g_source_remove);
  set_measuring (self, FALSE);
}

/* Samples now and every statistics interval while watched, connected and loaded;
 * stops otherwise. */
static void
update_sampling (HangarHostInfo *self)
{
  gboolean wanted = self->watchers > 0 && self->loaded && self->connection->conn != NULL &&
                    hangar_connection_get_state (self->connection) ==
                    HANGAR_CONNECTION_STATE_CONNECTED;

  if (!wanted)
    {
      stop_sampling (self);
      return;
    }
  if (self->sample_source != 0)
    return;
  self->n_samples = 0;
  set_measuring (self, TRUE);
  on_sample_tick_cb (self);
  self->sample_source = g_timeout_add (hangar_connection_get_stats_interval (self->connection),
                                       on_sample_tick_cb, self);
}

static void
on_connection_state_cb (HangarHostInfo *self)
{
  virConnectPtr conn = self->connection->conn;
  g_autoptr(GTask) task = NULL;
  Facts *facts;

  if (hangar_connection_get_state (self->connection) != HANGAR_CONNECTION_STATE_CONNECTED ||
      conn == NULL)
    {
      /* Answers for the old link are dropped; what was measured on it is no longer
       * news. The facts stay: they are still the host's. */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      self->sample_in_flight = FALSE;
      self->have_cpu_times = FALSE;
      self->facts_conn = NULL;
      set_live (self, -1, 0, 0, -1);
      stop_sampling (self);
      return;
    }
  if (conn == self->facts_conn)
    return;

  self->facts_conn = conn;
  facts = g_new0 (Facts, 1);
  facts->conn = conn;
  virConnectRef (conn);
  task = g_task_new (self, self->cancellable, on_facts_done_cb, NULL);
  g_task_set_source_tag (task, on_connection_state_cb);
  g_task_set_task_data (task, facts, (GDestroyNotify)facts_free);
  g_task_run_in_thread (task, facts_thread);
}

static void
on_stats_interval_cb (HangarHostInfo *self)
{
  stop_sampling (self);
  update_sampling (self);
}

void
hangar_host_info_watch (HangarHostInfo *self)
{
  g_return_if_fail (HANGAR_IS_HOST_INFO (self));

  self->watchers++;
  update_sampling (self);
}

void
hangar_host_info_unwatch (HangarHostInfo *self)
{
  g_return_if_fail (HANGAR_IS_HOST_INFO (self));
  g_return_if_fail (self->watchers > 0);

  self->watchers--;
  update_sampling (self);
}

static void
hangar_host_info_constructed (GObject *object)
{
  HangarHostInfo *self = (HangarHostInfo *)object;

  G_OBJECT_CLASS (hangar_host_info_parent_class)->constructed (object);

  g_assert (self->connection != NULL);
  g_signal_connect_object (self->connection, "notify::state",
                           G_CALLBACK (on_connection_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::stats-interval",
                           G_CALLBACK (on_stats_interval_cb), self, G_CONNECT_SWAPPED);
  on_connection_state_cb (self);
}

static void
hangar_host_info_dispose (GObject *object)
{
  HangarHostInfo *self = (HangarHostInfo *)object;

  stop_sampling (self);
  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (hangar_host_info_parent_class)->dispose (object);
}

static void
hangar_host_info_finalize (GObject *object)
{
  HangarHostInfo *self = (HangarHostInfo *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);
  g_free (self->host_name);
  g_free (self->hypervisor);
  g_free (self->libvirt_version);
  g_free (self->architecture);

  G_OBJECT_CLASS (hangar_host_info_parent_class)->finalize (object);
}

static void
hangar_host_info_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HangarHostInfo *self = HANGAR_HOST_INFO (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_HOST_NAME:
      g_value_set_string (value, self->host_name);
      break;
    case PROP_HYPERVISOR:
      g_value_set_string (value, self->hypervisor);
      break;
    case PROP_LIBVIRT_VERSION:
      g_value_set_string (value, self->libvirt_version);
      break;
    case PROP_ARCHITECTURE:
      g_value_set_string (value, self->architecture);
      break;
    case PROP_CPUS:
      g_value_set_uint (value, self->cpus);
      break;
    case PROP_CPU_MHZ:
      g_value_set_uint (value, self->cpu_mhz);
      break;
    case PROP_MEMORY:
      g_value_set_uint64 (value, self->memory);
      break;
    case PROP_CPU_USAGE:
      g_value_set_double (value, self->cpu_usage);
      break;
    case PROP_MEMORY_USED:
      g_value_set_uint64 (value, self->memory_used);
      break;
    case PROP_MEMORY_FRACTION:
      g_value_set_double (value, self->memory_fraction);
      break;
    case PROP_MEASURING:
      g_value_set_boolean (value, self->measuring);
      break;
    case PROP_MEMORY_TOTAL:
      g_value_set_uint64 (value, self->memory_total);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_host_info_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HangarHostInfo *self = HANGAR_HOST_INFO (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_host_info_class_init (HangarHostInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = hangar_host_info_constructed;
  object_class->dispose = hangar_host_info_dispose;
  object_class->finalize = hangar_host_info_finalize;
  object_class->get_property = hangar_host_info_get_property;
  object_class->set_property = hangar_host_info_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PROP_HOST_NAME] = g_param_spec_string ("host-name", NULL, NULL, NULL, ro);
  properties[PROP_HYPERVISOR] = g_param_spec_string ("hypervisor", NULL, NULL, NULL, ro);
  properties[PROP_LIBVIRT_VERSION] =
    g_param_spec_string ("libvirt-version", NULL, NULL, NULL, ro);
  properties[PROP_ARCHITECTURE] = g_param_spec_string ("architecture", NULL, NULL, NULL, ro);
  properties[PROP_CPUS] = g_param_spec_uint ("cpus", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_CPU_MHZ] = g_param_spec_uint ("cpu-mhz", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_MEMORY] =
    g_param_spec_uint64 ("memory", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_CPU_USAGE] =
    g_param_spec_double ("cpu-usage", NULL, NULL, -1, 100, -1, ro);
  properties[PROP_MEMORY_USED] =
    g_param_spec_uint64 ("memory-used", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_MEMORY_FRACTION] =
    g_param_spec_double ("memory-fraction", NULL, NULL, -1, 1, -1, ro);
  properties[PROP_MEASURING] = g_param_spec_boolean ("measuring", NULL, NULL, FALSE, ro);
  properties[PROP_MEMORY_TOTAL] =
    g_param_spec_uint64 ("memory-total", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SAMPLED] = g_signal_new ("sampled", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
hangar_host_info_init (HangarHostInfo *self)
{
  self->cancellable = g_cancellable_new ();
  self->cpu_usage = -1;
  self->memory_fraction = -1;
}

HangarHostInfo *
hangar_host_info_new (HangarConnection *connection)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  return g_object_new (HANGAR_TYPE_HOST_INFO, "connection", connection, NULL);
}

HangarConnection *
hangar_host_info_get_connection (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), NULL);
  return self->connection;
}

gboolean
hangar_host_info_get_loaded (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), FALSE);
  return self->loaded;
}

const char *
hangar_host_info_get_host_name (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), NULL);
  return self->host_name;
}

const char *
hangar_host_info_get_hypervisor (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), NULL);
  return self->hypervisor;
}

const char *
hangar_host_info_get_libvirt_version (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), NULL);
  return self->libvirt_version;
}

const char *
hangar_host_info_get_architecture (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), NULL);
  return self->architecture;
}

guint
hangar_host_info_get_cpus (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), 0);
  return self->cpus;
}

guint
hangar_host_info_get_cpu_mhz (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), 0);
  return self->cpu_mhz;
}

guint64
hangar_host_info_get_memory (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), 0);
  return self->memory;
}

double
hangar_host_info_get_cpu_usage (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), -1);
  return self->cpu_usage;
}

guint64
hangar_host_info_get_memory_used (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), 0);
  return self->memory_used;
}

double
hangar_host_info_get_memory_fraction (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), -1);
  return self->memory_fraction;
}

guint64
hangar_host_info_get_memory_total (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), 0);
  return self->memory_total;
}

gboolean
hangar_host_info_get_measuring (HangarHostInfo *self)
{
  g_return_val_if_fail (HANGAR_IS_HOST_INFO (self), FALSE);
  return self->measuring;
}
