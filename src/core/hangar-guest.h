// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  HANGAR_GUEST_STATE_UNKNOWN,
  HANGAR_GUEST_STATE_RUNNING,
  HANGAR_GUEST_STATE_PAUSED,
  HANGAR_GUEST_STATE_SHUTTING_DOWN,
  HANGAR_GUEST_STATE_SHUTOFF,
  HANGAR_GUEST_STATE_CRASHED,
  HANGAR_GUEST_STATE_SUSPENDED, /* guest power management (S3/S4) */
} HangarGuestState;

typedef enum {
  HANGAR_GUEST_ACTION_RUN,
  HANGAR_GUEST_ACTION_PAUSE,
  HANGAR_GUEST_ACTION_RESUME,
  HANGAR_GUEST_ACTION_SHUTDOWN,
  HANGAR_GUEST_ACTION_REBOOT,
  HANGAR_GUEST_ACTION_FORCE_OFF,
  HANGAR_GUEST_ACTION_DELETE,
} HangarGuestAction;

#define HANGAR_GUEST_CPU_HISTORY_LEN 24

#define HANGAR_TYPE_GUEST (hangar_guest_get_type ())
G_DECLARE_FINAL_TYPE (HangarGuest, hangar_guest, HANGAR, GUEST, GObject)

typedef struct _HangarConnection HangarConnection;

const char       *hangar_guest_get_name          (HangarGuest *self);
const char       *hangar_guest_get_uuid          (HangarGuest *self);
HangarGuestState  hangar_guest_get_state         (HangarGuest *self);
const char       *hangar_guest_get_state_label   (HangarGuest *self);
const char       *hangar_guest_get_state_icon    (HangarGuest *self);
guint64           hangar_guest_get_memory        (HangarGuest *self);
guint             hangar_guest_get_vcpus         (HangarGuest *self);
/* When the guest started (wall clock, microseconds, as g_get_real_time), or 0 when
 * Hangar cannot tell: it is not running, or it was already running on a host whose
 * start times Hangar cannot read (anything but a local qemu:/// connection). */
gint64            hangar_guest_get_start_time    (HangarGuest *self);
double            hangar_guest_get_cpu_usage     (HangarGuest *self);
const double     *hangar_guest_get_cpu_history   (HangarGuest *self,
                                                  guint       *n_samples);
gboolean          hangar_guest_get_persistent    (HangarGuest *self);
HangarConnection *hangar_guest_get_connection    (HangarGuest *self);
const char       *hangar_guest_get_host_name     (HangarGuest *self);
gboolean          hangar_guest_is_active         (HangarGuest *self);
gboolean          hangar_guest_can_do            (HangarGuest      *self,
                                                  HangarGuestAction action);

const char       *hangar_guest_state_to_label    (HangarGuestState state);
const char       *hangar_guest_action_to_verb    (HangarGuestAction action);

void              hangar_guest_run_action_async  (HangarGuest        *self,
                                                  HangarGuestAction   action,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
gboolean          hangar_guest_run_action_finish (HangarGuest  *self,
                                                  GAsyncResult *result,
                                                  GError      **error);

G_END_DECLS
