// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-guest"

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-guest-private.h"

struct _HangarGuest
{
  GObject parent_instance;

  GWeakRef connection;
  char *host_name;
  virDomainPtr domain;
  char *name;
  char *uuid;
  HangarGuestState state;
  guint64 memory_kib;
  guint vcpus;
  gboolean persistent;
  gint64 start_time;
  gboolean removed;

  /* CPU usage in percent of the guest's vCPUs; a ring of recent values. */
  double cpu_history[HANGAR_GUEST_CPU_HISTORY_LEN];
  guint n_cpu_samples;
  guint64 last_cpu_time;
  gint64 last_cpu_when;
};

G_DEFINE_FINAL_TYPE (HangarGuest, hangar_guest, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_UUID,
  PROP_STATE,
  PROP_STATE_LABEL,
  PROP_STATE_ICON,
  PROP_MEMORY,
  PROP_VCPUS,
  PROP_CPU_USAGE,
  PROP_PERSISTENT,
  PROP_HOST_NAME,
  PROP_ACTIVE,
  PROP_START_TIME,
  PROP_REMOVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64 local_start_time (virConnectPtr  conn,
                                const char    *name);
static void   clear_cpu_stats  (HangarGuest *self);

void
hangar_guest_info_free (HangarGuestInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->uuid);
  g_clear_pointer (&info->domain, virDomainFree);
  g_free (info);
}

static HangarGuestState
state_from_virt (int virt_state)
{
  switch (virt_state)
    {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
      return HANGAR_GUEST_STATE_RUNNING;
    case VIR_DOMAIN_PAUSED:
      return HANGAR_GUEST_STATE_PAUSED;
    case VIR_DOMAIN_SHUTDOWN:
      return HANGAR_GUEST_STATE_SHUTTING_DOWN;
    case VIR_DOMAIN_SHUTOFF:
      return HANGAR_GUEST_STATE_SHUTOFF;
    case VIR_DOMAIN_CRASHED:
      return HANGAR_GUEST_STATE_CRASHED;
    case VIR_DOMAIN_PMSUSPENDED:
      return HANGAR_GUEST_STATE_SUSPENDED;
    case VIR_DOMAIN_NOSTATE:
    default:
      return HANGAR_GUEST_STATE_UNKNOWN;
    }
}

char *
hangar_virt_error_message (void)
{
  const char *msg = virGetLastErrorMessage ();

  if (msg == NULL || *msg == '\0')
    return g_strdup (_("Unknown libvirt error"));
  return g_strdup (msg);
}

/* A crashed guest is still active: libvirt keeps it (on_crash=preserve) to inspect. */
static gboolean
state_is_active (HangarGuestState state)
{
  return state == HANGAR_GUEST_STATE_RUNNING || state == HANGAR_GUEST_STATE_PAUSED ||
         state == HANGAR_GUEST_STATE_SHUTTING_DOWN || state == HANGAR_GUEST_STATE_CRASHED ||
         state == HANGAR_GUEST_STATE_SUSPENDED;
}

/* Runs on a worker thread: the calls may go over the network. */
gboolean
hangar_guest_info_fetch (HangarGuestInfo *info,
                         virDomainPtr     domain)
{
  char uuid[VIR_UUID_STRING_BUFLEN];
  virDomainInfo dinfo;
  const char *name;
  int persistent;

  name = virDomainGetName (domain);
  if (name == NULL || virDomainGetUUIDString (domain, uuid) < 0)
    return FALSE;
  if (virDomainGetInfo (domain, &dinfo) < 0)
    return FALSE;

  info->name = g_strdup (name);
  info->uuid = g_strdup (uuid);
  info->state = state_from_virt (dinfo.state);
  info->memory_kib = dinfo.maxMem;
  info->vcpus = dinfo.nrVirtCpu;
  persistent = virDomainIsPersistent (domain);
  info->persistent = persistent != 0;
  if (state_is_active (info->state))
    info->start_time = local_start_time (virDomainGetConnect (domain), name);
  if (info->domain == NULL && virDomainRef (domain) == 0)
    info->domain = domain;
  return TRUE;
}

static void
hangar_guest_finalize (GObject *object)
{
  HangarGuest *self = (HangarGuest *)object;

  g_weak_ref_clear (&self->connection);
  g_clear_pointer (&self->domain, virDomainFree);
  g_free (self->host_name);
  g_free (self->name);
  g_free (self->uuid);

  G_OBJECT_CLASS (hangar_guest_parent_class)->finalize (object);
}

static void
hangar_guest_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HangarGuest *self = HANGAR_GUEST (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_STATE_LABEL:
      g_value_set_string (value, hangar_guest_get_state_label (self));
      break;
    case PROP_STATE_ICON:
      g_value_set_string (value, hangar_guest_get_state_icon (self));
      break;
    case PROP_MEMORY:
      g_value_set_uint64 (value, self->memory_kib);
      break;
    case PROP_VCPUS:
      g_value_set_uint (value, self->vcpus);
      break;
    case PROP_CPU_USAGE:
      g_value_set_double (value, hangar_guest_get_cpu_usage (self));
      break;
    case PROP_PERSISTENT:
      g_value_set_boolean (value, self->persistent);
      break;
    case PROP_HOST_NAME:
      g_value_set_string (value, self->host_name);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, hangar_guest_is_active (self));
      break;
    case PROP_START_TIME:
      g_value_set_int64 (value, self->start_time);
      break;
    case PROP_REMOVED:
      g_value_set_boolean (value, self->removed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_guest_class_init (HangarGuestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hangar_guest_finalize;
  object_class->get_property = hangar_guest_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, ro);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL,
                                             HANGAR_GUEST_STATE_UNKNOWN,
                                             HANGAR_GUEST_STATE_SUSPENDED,
                                             HANGAR_GUEST_STATE_UNKNOWN, ro);
  properties[PROP_STATE_LABEL] = g_param_spec_string ("state-label", NULL, NULL, NULL, ro);
  properties[PROP_STATE_ICON] = g_param_spec_string ("state-icon", NULL, NULL, NULL, ro);
  properties[PROP_MEMORY] = g_param_spec_uint64 ("memory", NULL, NULL,
                                                 0, G_MAXUINT64, 0, ro);
  properties[PROP_VCPUS] = g_param_spec_uint ("vcpus", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_CPU_USAGE] = g_param_spec_double ("cpu-usage", NULL, NULL,
                                                    0.0, 100.0, 0.0, ro);
  properties[PROP_PERSISTENT] = g_param_spec_boolean ("persistent", NULL, NULL, TRUE, ro);
  properties[PROP_HOST_NAME] = g_param_spec_string ("host-name", NULL, NULL, NULL, ro);
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, ro);
  properties[PROP_START_TIME] = g_param_spec_int64 ("start-time", NULL, NULL,
                                                    0, G_MAXINT64, 0, ro);
  /* The host no longer has the guest; see hangar_guest_get_removed (). */
  properties[PROP_REMOVED] = g_param_spec_boolean ("removed", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_guest_init (HangarGuest *self)
{
  g_weak_ref_init (&self->connection, NULL);
  self->persistent = TRUE;
}

HangarGuest *
hangar_guest_new (HangarConnection *connection,
                  const char       *host_name,
                  virDomainPtr      domain,
                  const char       *name,
                  const char       *uuid)
{
  HangarGuest *self = g_object_new (HANGAR_TYPE_GUEST, NULL);

  g_weak_ref_set (&self->connection, connection);
  self->host_name = g_strdup (host_name);
  hangar_guest_set_domain (self, domain);
  self->name = g_strdup (name);
  self->uuid = g_strdup (uuid);
  return self;
}

virDomainPtr
hangar_guest_get_domain (HangarGuest *self)
{
  return self->domain;
}

void
hangar_guest_set_domain (HangarGuest *self,
                         virDomainPtr domain)
{
  if (domain != NULL)
    virDomainRef (domain);
  g_clear_pointer (&self->domain, virDomainFree);
  self->domain = domain;
}

const char *
hangar_guest_get_name (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), NULL);
  return self->name;
}

const char *
hangar_guest_get_uuid (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), NULL);
  return self->uuid;
}

HangarGuestState
hangar_guest_get_state (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), HANGAR_GUEST_STATE_UNKNOWN);
  return self->state;
}

const char *
hangar_guest_state_to_label (HangarGuestState state)
{
  switch (state)
    {
    case HANGAR_GUEST_STATE_RUNNING:
      return _("Running");
    case HANGAR_GUEST_STATE_PAUSED:
      return _("Paused");
    case HANGAR_GUEST_STATE_SHUTTING_DOWN:
      return _("Shutting Down");
    case HANGAR_GUEST_STATE_SHUTOFF:
      return _("Shut Off");
    case HANGAR_GUEST_STATE_CRASHED:
      return _("Crashed");
    case HANGAR_GUEST_STATE_SUSPENDED:
      return _("Suspended");
    case HANGAR_GUEST_STATE_UNKNOWN:
    default:
      return _("Unknown");
    }
}

const char *
hangar_guest_get_state_label (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), NULL);
  return hangar_guest_state_to_label (self->state);
}

const char *
hangar_guest_get_state_icon (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), NULL);

  switch (self->state)
    {
    case HANGAR_GUEST_STATE_RUNNING:
      return "media-playback-start-symbolic";
    case HANGAR_GUEST_STATE_PAUSED:
      return "media-playback-pause-symbolic";
    case HANGAR_GUEST_STATE_SHUTTING_DOWN:
      return "system-shutdown-symbolic";
    case HANGAR_GUEST_STATE_SHUTOFF:
      return "media-playback-stop-symbolic";
    case HANGAR_GUEST_STATE_CRASHED:
      return "dialog-error-symbolic";
    case HANGAR_GUEST_STATE_SUSPENDED:
      return "weather-clear-night-symbolic";
    case HANGAR_GUEST_STATE_UNKNOWN:
    default:
      return "dialog-question-symbolic";
    }
}

guint64
hangar_guest_get_memory (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), 0);
  return self->memory_kib;
}

guint
hangar_guest_get_vcpus (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), 0);
  return self->vcpus;
}

double
hangar_guest_get_cpu_usage (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), 0.0);

  if (self->n_cpu_samples == 0)
    return 0.0;
  return self->cpu_history[HANGAR_GUEST_CPU_HISTORY_LEN - 1];
}

/* Oldest sample first; *n_samples of the array's tail are valid. */
const double *
hangar_guest_get_cpu_history (HangarGuest *self,
                              guint       *n_samples)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), NULL);

  *n_samples = self->n_cpu_samples;
  return self->cpu_history;
}

gboolean
hangar_guest_get_persistent (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), FALSE);
  return self->persistent;
}

HangarConnection *
hangar_guest_get_connection (HangarGuest *self)
{
  HangarConnection *connection;

  g_return_val_if_fail (HANGAR_IS_GUEST (self), NULL);

  /* Borrowed: the connection owns its guests, so it outlives any use of this pointer. */
  connection = g_weak_ref_get (&self->connection);
  if (connection != NULL)
    g_object_unref (connection);
  return connection;
}

const char *
hangar_guest_get_host_name (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), NULL);
  return self->host_name;
}

gboolean
hangar_guest_is_active (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), FALSE);

  return state_is_active (self->state);
}

gboolean
hangar_guest_can_do (HangarGuest      *self,
                     HangarGuestAction action)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), FALSE);

  /* Whatever it was last seen doing, there is nothing left to act on. */
  if (self->removed)
    return FALSE;

  switch (action)
    {
    case HANGAR_GUEST_ACTION_RUN:
      return self->state == HANGAR_GUEST_STATE_SHUTOFF;
    case HANGAR_GUEST_ACTION_PAUSE:
      return self->state == HANGAR_GUEST_STATE_RUNNING;
    case HANGAR_GUEST_ACTION_RESUME:
      /* A PM-suspended guest wakes up (run_action_thread asks libvirt which it is). */
      return self->state == HANGAR_GUEST_STATE_PAUSED ||
             self->state == HANGAR_GUEST_STATE_SUSPENDED;
    /* Both ask the guest's OS, which only a running guest can hear. */
    case HANGAR_GUEST_ACTION_SHUTDOWN:
    case HANGAR_GUEST_ACTION_REBOOT:
      return self->state == HANGAR_GUEST_STATE_RUNNING;
    case HANGAR_GUEST_ACTION_FORCE_OFF:
      return hangar_guest_is_active (self);
    case HANGAR_GUEST_ACTION_DELETE:
      /* Unknown: its host is not connected. */
      return self->state != HANGAR_GUEST_STATE_UNKNOWN;
    default:
      return FALSE;
    }
}

static void
notify_state (HangarGuest *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_LABEL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_ICON]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

void
hangar_guest_set_state (HangarGuest     *self,
                        HangarGuestState state)
{
  if (self->state == state)
    return;

  self->state = state;
  /* Only a running guest uses CPU; a paused one starts a new graph when it resumes. */
  if (state != HANGAR_GUEST_STATE_RUNNING && state != HANGAR_GUEST_STATE_SHUTTING_DOWN)
    clear_cpu_stats (self);
  notify_state (self);
}

void
hangar_guest_set_persistent (HangarGuest *self,
                             gboolean     persistent)
{
  persistent = !!persistent;
  if (self->persistent == persistent)
    return;
  self->persistent = persistent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSISTENT]);
}

gboolean
hangar_guest_get_removed (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), FALSE);
  return self->removed;
}

void
hangar_guest_set_removed (HangarGuest *self)
{
  if (self->removed)
    return;
  self->removed = TRUE;
  /* Its domain pointer keeps the old link open; nothing will use it again. */
  hangar_guest_set_domain (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOVED]);
}

void
hangar_guest_set_start_time (HangarGuest *self,
                             gint64       start_time)
{
  if (self->start_time == start_time)
    return;
  self->start_time = start_time;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START_TIME]);
}

gint64
hangar_guest_get_start_time (HangarGuest *self)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), 0);

  return self->start_time;
}

/* When the QEMU process of a guest of a local qemu:/// connection started, from the pid
 * file libvirt keeps (wall clock, microseconds), or 0. Reads local files only. */
static gint64
local_start_time (virConnectPtr  conn,
                  const char    *name)
{
  g_autofree char *uri = virConnectGetURI (conn);
  g_autofree char *pid_file = NULL;
  g_autofree char *contents = NULL;
  gint64 pid;
  double age;

  if (uri == NULL || name == NULL || strchr (name, '/') != NULL)
    return 0;
  /* libvirt's QEMU driver keeps the pid of each running guest's process in NAME.pid. */
  if (g_str_equal (uri, "qemu:///system"))
    pid_file = g_strdup_printf ("/run/libvirt/qemu/%s.pid", name);
  else if (g_str_equal (uri, "qemu:///session"))
    pid_file = g_strdup_printf ("%s/libvirt/qemu/run/%s.pid", g_get_user_runtime_dir (), name);
  else
    return 0;

  if (!g_file_get_contents (pid_file, &contents, NULL, NULL))
    return 0;
  pid = g_ascii_strtoll (contents, NULL, 10);
  if (pid <= 0 || pid > G_MAXINT || (age = hangar_process_age ((int)pid)) < 0.0)
    return 0;
  return g_get_real_time () - (gint64)(age * G_USEC_PER_SEC);
}

void
hangar_guest_set_memory (HangarGuest *self,
                         guint64      memory_kib)
{
  if (self->memory_kib == memory_kib)
    return;
  self->memory_kib = memory_kib;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY]);
}

void
hangar_guest_apply_info (HangarGuest           *self,
                         const HangarGuestInfo *info,
                         gboolean               with_state)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->domain == NULL && info->domain != NULL)
    hangar_guest_set_domain (self, info->domain);
  hangar_guest_set_memory (self, info->memory_kib);
  if (self->vcpus != info->vcpus)
    {
      self->vcpus = info->vcpus;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VCPUS]);
    }
  hangar_guest_set_persistent (self, info->persistent);
  if (with_state)
    {
      hangar_guest_set_state (self, info->state);
      /* Keep what an event told when nothing better is known. */
      if (info->start_time != 0 || !hangar_guest_is_active (self))
        hangar_guest_set_start_time (self, info->start_time);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
hangar_guest_add_cpu_sample (HangarGuest *self,
                             guint64      cpu_time_ns,
                             gint64       when)
{
  double usage;

  /* A counter that went back means a new process (stopped and started between samples). */
  if (self->last_cpu_when == 0 || cpu_time_ns < self->last_cpu_time || when <= self->last_cpu_when)
    {
      /* The first sample only sets the baseline. */
      self->last_cpu_time = cpu_time_ns;
      self->last_cpu_when = when;
      return;
    }

  /* CPU nanoseconds over wall microseconds × 1000, shared among the vCPUs: 100 % is
   * every vCPU busy, as virt-manager shows it. */
  usage = (double)(cpu_time_ns - self->last_cpu_time) /
          ((double)(when - self->last_cpu_when) * 1000.0 * MAX (self->vcpus, 1)) * 100.0;
  usage = CLAMP (usage, 0.0, 100.0);
  self->last_cpu_time = cpu_time_ns;
  self->last_cpu_when = when;

  memmove (self->cpu_history, self->cpu_history + 1,
           sizeof (double) * (HANGAR_GUEST_CPU_HISTORY_LEN - 1));
  self->cpu_history[HANGAR_GUEST_CPU_HISTORY_LEN - 1] = usage;
  self->n_cpu_samples = MIN (self->n_cpu_samples + 1, HANGAR_GUEST_CPU_HISTORY_LEN);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CPU_USAGE]);
}

static void
clear_cpu_stats (HangarGuest *self)
{
  gboolean had = self->n_cpu_samples > 0;

  memset (self->cpu_history, 0, sizeof self->cpu_history);
  self->n_cpu_samples = 0;
  self->last_cpu_time = 0;
  self->last_cpu_when = 0;
  if (had)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CPU_USAGE]);
}

/* Lifecycle actions. */

typedef struct {
  virDomainPtr domain;
  HangarGuestAction action;
  char *name;
} ActionData;

static void
action_data_free (ActionData *data)
{
  g_clear_pointer (&data->domain, virDomainFree);
  g_free (data->name);
  g_free (data);
}

const char *
hangar_guest_action_to_verb (HangarGuestAction action)
{
  switch (action)
    {
    case HANGAR_GUEST_ACTION_RUN:
      return _("start");
    case HANGAR_GUEST_ACTION_PAUSE:
      return _("pause");
    case HANGAR_GUEST_ACTION_RESUME:
      return _("resume");
    case HANGAR_GUEST_ACTION_SHUTDOWN:
      return _("shut down");
    case HANGAR_GUEST_ACTION_REBOOT:
      return _("reboot");
    case HANGAR_GUEST_ACTION_FORCE_OFF:
      return _("force off");
    case HANGAR_GUEST_ACTION_DELETE:
      return _("delete");
    default:
      return "?";
    }
}

GTask *
hangar_guest_new_domain_task (HangarGuest        *guest,
                              gpointer            source_tag,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  GTask *task = g_task_new (guest, cancellable, callback, user_data);
  virDomainPtr domain = hangar_guest_get_domain (guest);

  g_task_set_source_tag (task, source_tag);
  if (domain == NULL && guest->removed)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("“%s” is no longer on its host: it was deleted."),
                               hangar_guest_get_name (guest));
      g_object_unref (task);
      return NULL;
    }
  if (domain == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The host of “%s” is not connected."),
                               hangar_guest_get_name (guest));
      g_object_unref (task);
      return NULL;
    }
  virDomainRef (domain);
  g_task_set_task_data (task, domain, hangar_domain_unref);
  return task;
}

int
hangar_guest_undefine_domain (virDomainPtr domain)
{
  unsigned int flags = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                       VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                       VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA |
                       VIR_DOMAIN_UNDEFINE_NVRAM;

  if (virDomainUndefineFlags (domain, flags) == 0)
    return 0;

  /* Some drivers reject flags they do not know; fall back to fewer. */
  flags = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;
  if (virDomainUndefineFlags (domain, flags) == 0)
    return 0;
  return virDomainUndefine (domain);
}

static void
run_action_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ActionData *data = task_data;
  int ret = -1;

  switch (data->action)
    {
    case HANGAR_GUEST_ACTION_RUN:
      ret = virDomainCreate (data->domain);
      break;
    case HANGAR_GUEST_ACTION_PAUSE:
      ret = virDomainSuspend (data->domain);
      break;
    case HANGAR_GUEST_ACTION_RESUME:
      if (virDomainGetState (data->domain, &ret, NULL, 0) == 0 && ret == VIR_DOMAIN_PMSUSPENDED)
        ret = virDomainPMWakeup (data->domain, 0);
      else
        ret = virDomainResume (data->domain);
      break;
    case HANGAR_GUEST_ACTION_SHUTDOWN:
      ret = virDomainShutdown (data->domain);
      break;
    case HANGAR_GUEST_ACTION_REBOOT:
      ret = virDomainReboot (data->domain, 0);
      break;
    case HANGAR_GUEST_ACTION_FORCE_OFF:
      ret = virDomainDestroy (data->domain);
      break;
    case HANGAR_GUEST_ACTION_DELETE:
      {
        int active = virDomainIsActive (data->domain);
        int persistent = virDomainIsPersistent (data->domain);

        ret = 0;
        if (active == 1)
          ret = virDomainDestroy (data->domain);
        if (ret == 0 && persistent == 1)
          ret = hangar_guest_undefine_domain (data->domain);
      }
      break;
    default:
      g_assert_not_reached ();
    }

  if (ret < 0)
    {
      g_autofree char *reason = hangar_virt_error_message ();

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               /* Translators: "Could not pause “web1”: reason" */
                               _("Could not %s “%s”: %s"),
                               hangar_guest_action_to_verb (data->action),
                               data->name, reason);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
hangar_guest_run_action_async (HangarGuest        *self,
                               HangarGuestAction   action,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  ActionData *data;

  g_return_if_fail (HANGAR_IS_GUEST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_guest_run_action_async);

  if (self->domain == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("Could not %s “%s”: its host is not connected"),
                               hangar_guest_action_to_verb (action), self->name);
      return;
    }

  data = g_new0 (ActionData, 1);
  data->domain = self->domain;
  virDomainRef (data->domain);
  data->action = action;
  data->name = g_strdup (self->name);
  g_task_set_task_data (task, data, (GDestroyNotify)action_data_free);
  g_task_run_in_thread (task, run_action_thread);
}

gboolean
hangar_guest_run_action_finish (HangarGuest  *self,
                                GAsyncResult *result,
                                GError      **error)
{
  g_return_val_if_fail (HANGAR_IS_GUEST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
