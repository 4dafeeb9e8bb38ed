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
/* TRUE once the guest left its host: undefined, or a transient guest that stopped
 * (also one found gone when its host is connected again). Never set because the
 * connection closed or dropped: the guest then waits, in state Unknown, for its host.
 * A removed guest can do nothing, and its windows close ("removed" notifies). */
gboolean          hangar_guest_get_removed       (HangarGuest *self);
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

/* Delete with storage (hangar-guest-disks.c). */

typedef enum {
  HANGAR_GUEST_DISK_KIND_DISK,
  HANGAR_GUEST_DISK_KIND_CDROM,
  HANGAR_GUEST_DISK_KIND_FLOPPY,
} HangarGuestDiskKind;

/* One disk of a guest, as the delete dialog lists it. */
typedef struct {
  char               *target;       /* the guest's name for it: "vda", "hda" */
  HangarGuestDiskKind kind;
  char               *path;         /* the host path, or NULL (empty drive, network disk) */
  char               *pool;         /* the pool of the host the path is a volume of, or NULL */
  char               *volume;       /* that volume's name, or NULL */
  GStrv               other_users;  /* other guests of the host that use the path; never NULL */
  gboolean            delete_by_default; /* a volume only this guest uses, not removable media */
} HangarGuestDisk;

#define HANGAR_TYPE_GUEST_DISK (hangar_guest_disk_get_type ())
GType             hangar_guest_disk_get_type     (void) G_GNUC_CONST;
HangarGuestDisk  *hangar_guest_disk_copy         (const HangarGuestDisk *disk);
void              hangar_guest_disk_free         (HangarGuestDisk *disk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarGuestDisk, hangar_guest_disk_free)

/* The guest's disks in device order (a GPtrArray of HangarGuestDisk): from the live
 * definition while it runs, the persistent one otherwise. */
void              hangar_guest_list_disks_async  (HangarGuest        *self,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
GPtrArray        *hangar_guest_list_disks_finish (HangarGuest  *self,
                                                  GAsyncResult *result,
                                                  GError      **error);

/* Forces the guest off if it runs, undefines it (with its NVRAM, managed save, snapshot
 * and checkpoint metadata where the host has them), then deletes the storage volumes
 * at @paths_to_delete (host paths; NULL or empty: none). A volume that cannot be
 * deleted does not stop the others: the error then names each one that failed, and
 * the guest is gone all the same. Nothing is deleted when the guest cannot be. The
 * connection's pools drop the deleted volumes from their lists (libvirt sends no event
 * for them) before the callback runs. */
void              hangar_guest_delete_with_storage_async  (HangarGuest        *self,
                                                           const char *const  *paths_to_delete,
                                                           GCancellable       *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer            user_data);
gboolean          hangar_guest_delete_with_storage_finish (HangarGuest  *self,
                                                           GAsyncResult *result,
                                                           GError      **error);

G_END_DECLS
