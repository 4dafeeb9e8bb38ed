// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libvirt/libvirt.h>

#include "hangar-guest.h"

G_BEGIN_DECLS

/* What a worker thread learns about a domain, applied on the main thread. */
typedef struct {
  char *name;
  char *uuid;
  virDomainPtr domain;
  HangarGuestState state;
  guint64 memory_kib;
  guint vcpus;
  gboolean persistent;
  gint64 start_time; /* wall clock, microseconds; 0 when not known */
} HangarGuestInfo;

void              hangar_guest_info_free        (HangarGuestInfo *info);
gboolean          hangar_guest_info_fetch       (HangarGuestInfo *info,
                                                 virDomainPtr     domain);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarGuestInfo, hangar_guest_info_free)

HangarGuest      *hangar_guest_new              (HangarConnection *connection,
                                                 const char       *host_name,
                                                 virDomainPtr      domain,
                                                 const char       *name,
                                                 const char       *uuid);
virDomainPtr      hangar_guest_get_domain       (HangarGuest *self);
/* A new connection's domain for the same guest, or NULL while disconnected. */
void              hangar_guest_set_domain       (HangarGuest *self,
                                                 virDomainPtr domain);
void              hangar_guest_apply_info       (HangarGuest           *self,
                                                 const HangarGuestInfo *info,
                                                 gboolean               with_state);
void              hangar_guest_set_state        (HangarGuest      *self,
                                                 HangarGuestState  state);
void              hangar_guest_set_persistent   (HangarGuest *self,
                                                 gboolean     persistent);
void              hangar_guest_set_memory       (HangarGuest *self,
                                                 guint64      memory_kib);
/* The host no longer has the guest: for good, and it lets go of its domain. */
void              hangar_guest_set_removed      (HangarGuest *self);
/* When the guest started (wall clock, microseconds), or 0 when not known. */
void              hangar_guest_set_start_time   (HangarGuest *self,
                                                 gint64       start_time);
/* A CPU time sample (nanoseconds) taken at @when (monotonic, microseconds). */
void              hangar_guest_add_cpu_sample   (HangarGuest *self,
                                                 guint64      cpu_time_ns,
                                                 gint64       when);

char             *hangar_virt_error_message     (void);
/* A task on @guest whose task data is its virDomainPtr (a reference), for a worker;
 * NULL when the host is not connected (the task has then failed, saying so). */
GTask            *hangar_guest_new_domain_task  (HangarGuest        *guest,
                                                 gpointer            source_tag,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
/* virDomainUndefineFlags with the metadata flags the host knows, fewer where it refuses. */
int               hangar_guest_undefine_domain  (virDomainPtr domain);

/* virDomainFree as a GDestroyNotify. */
static inline void
hangar_domain_unref (gpointer domain)
{
  virDomainFree (domain);
}

G_END_DECLS
