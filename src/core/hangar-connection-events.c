// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-connection"

/* The guest list of a HangarConnection: filled when a link opens (populate), kept
 * current by libvirt's lifecycle events, set aside when the link goes (retire). */

#include "config.h"

#include <libvirt/virterror.h>

#include "hangar-connection-private.h"
#include "hangar-guest-private.h"

/* A lifecycle event, copied out of libvirt's callback. */
typedef struct {
  HangarConnection *self;
  virConnectPtr conn;
  virDomainPtr domain;
  char *name;
  char *uuid;
  int event;
  int detail;
  gint64 when; /* wall clock, microseconds */
} LifecycleEvent;

void
hangar_connection_lifecycle_event_free (gpointer event)
{
  LifecycleEvent *ev = event;

  g_clear_pointer (&ev->domain, virDomainFree);
  g_clear_pointer (&ev->conn, virConnectClose);
  g_clear_object (&ev->self);
  g_free (ev->name);
  g_free (ev->uuid);
  g_free (ev);
}

static HangarGuest *
add_guest (HangarConnection *self,
           virDomainPtr      domain,
           const char       *name,
           const char       *uuid)
{
  g_autoptr(HangarGuest) guest = hangar_guest_new (self, self->title, domain, name, uuid);

  g_hash_table_insert (self->guests_by_uuid, g_strdup (uuid), guest);
  g_list_store_append (self->guests, guest);
  return guest;
}

static void
remove_guest (HangarConnection *self,
              HangarGuest      *guest)
{
  guint position;

  if (g_list_store_find (self->guests, guest, &position))
    {
      /* The store held the only reference; whoever shows the guest is told after. */
      g_autoptr(HangarGuest) gone = g_object_ref (guest);

      g_hash_table_remove (self->guests_by_uuid, hangar_guest_get_uuid (guest));
      g_list_store_remove (self->guests, position);
      hangar_guest_set_removed (gone);
    }
}

static void
on_refresh_guest_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  virDomainPtr domain = task_data;
  g_autoptr(HangarGuestInfo) info = g_new0 (HangarGuestInfo, 1);

  if (!hangar_guest_info_fetch (info, domain))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               virGetLastErrorMessage ());
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&info), (GDestroyNotify)hangar_guest_info_free);
}

static void
on_refresh_guest_done_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  HangarConnection *self = HANGAR_CONNECTION (object);
  g_autoptr(HangarGuestInfo) info = g_task_propagate_pointer (G_TASK (result), NULL);
  HangarGuest *guest;

  if (info == NULL)
    return;

  guest = g_hash_table_lookup (self->guests_by_uuid, info->uuid);
  if (guest == NULL)
    return;

  /* Events are newer than this answer, unless none has said anything yet. */
  hangar_guest_apply_info (guest, info,
                           hangar_guest_get_state (guest) == HANGAR_GUEST_STATE_UNKNOWN);
}

static void
refresh_guest (HangarConnection *self,
               HangarGuest      *guest)
{
  g_autoptr(GTask) task = NULL;
  virDomainPtr domain = hangar_guest_get_domain (guest);

  if (domain == NULL)
    return;

  virDomainRef (domain);
  task = g_task_new (self, self->cancellable, on_refresh_guest_done_cb, NULL);
  g_task_set_source_tag (task, refresh_guest);
  g_task_set_task_data (task, domain, hangar_domain_unref);
  g_task_run_in_thread (task, on_refresh_guest_thread);
}

static void
apply_lifecycle_event (HangarConnection     *self,
                       const LifecycleEvent *ev)
{
  HangarGuest *guest = g_hash_table_lookup (self->guests_by_uuid, ev->uuid);
  gboolean is_new = FALSE;

  g_debug ("%s: %s event %d detail %d", self->uri, ev->name, ev->event, ev->detail);

  if (guest == NULL)
    {
      /* An undefine or stop of a guest we never saw needs no row. */
      if (ev->event == VIR_DOMAIN_EVENT_UNDEFINED || ev->event == VIR_DOMAIN_EVENT_STOPPED)
        return;
      guest = add_guest (self, ev->domain, ev->name, ev->uuid);
      is_new = TRUE;
      /* A guest we never saw that starts without a definition is transient. */
      if (ev->event != VIR_DOMAIN_EVENT_DEFINED)
        hangar_guest_set_persistent (guest, FALSE);
    }

  switch (ev->event)
    {
    case VIR_DOMAIN_EVENT_DEFINED:
      hangar_guest_set_persistent (guest, TRUE);
      if (is_new)
        hangar_guest_set_state (guest, HANGAR_GUEST_STATE_SHUTOFF);
      /* The definition changed: memory or vCPUs may be new. */
      refresh_guest (self, guest);
      return;

    case VIR_DOMAIN_EVENT_UNDEFINED:
      if (hangar_guest_is_active (guest))
        hangar_guest_set_persistent (guest, FALSE);
      else
        remove_guest (self, guest);
      return;

    case VIR_DOMAIN_EVENT_STARTED:
      hangar_guest_set_start_time (guest, ev->when);
      G_GNUC_FALLTHROUGH;
    case VIR_DOMAIN_EVENT_RESUMED:
      hangar_guest_set_state (guest, HANGAR_GUEST_STATE_RUNNING);
      hangar_connection_restart_stats (self);
      break;

    case VIR_DOMAIN_EVENT_SUSPENDED:
      hangar_guest_set_state (guest, HANGAR_GUEST_STATE_PAUSED);
      break;

    case VIR_DOMAIN_EVENT_STOPPED:
      if (!hangar_guest_get_persistent (guest))
        {
          remove_guest (self, guest);
          return;
        }
      hangar_guest_set_state (guest, HANGAR_GUEST_STATE_SHUTOFF);
      hangar_guest_set_start_time (guest, 0);
      break;

    case VIR_DOMAIN_EVENT_SHUTDOWN:
      if (ev->detail == VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED)
        hangar_guest_set_state (guest, HANGAR_GUEST_STATE_SHUTTING_DOWN);
      break;

    case VIR_DOMAIN_EVENT_PMSUSPENDED:
      hangar_guest_set_state (guest, HANGAR_GUEST_STATE_SUSPENDED);
      break;

    case VIR_DOMAIN_EVENT_CRASHED:
      hangar_guest_set_state (guest, HANGAR_GUEST_STATE_CRASHED);
      break;

    default:
      break;
    }

  if (is_new)
    refresh_guest (self, guest);
}

static gboolean
dispatch_lifecycle_event (gpointer data)
{
  LifecycleEvent *ev = data;
  HangarConnection *self = ev->self;

  /* While connecting, self->conn is not set yet: keep every event; populate () applies
   * those of the connection it installs, newer than its list. */
  if (!self->populated && self->state == HANGAR_CONNECTION_STATE_CONNECTING)
    {
      g_ptr_array_add (self->pending_events, ev);
      return G_SOURCE_REMOVE;
    }

  /* Otherwise only events of the live connection count. */
  if (self->populated && ev->conn == self->conn)
    apply_lifecycle_event (self, ev);
  hangar_connection_lifecycle_event_free (ev);
  return G_SOURCE_REMOVE;
}

/* Called by libvirt's event loop, normally on the main thread. */
int
hangar_connection_lifecycle_cb (virConnectPtr conn,
                                virDomainPtr  domain,
                                int           event,
                                int           detail,
                                void         *opaque)
{
  GWeakRef *weak = opaque;
  g_autoptr(HangarConnection) self = g_weak_ref_get (weak);
  char uuid[VIR_UUID_STRING_BUFLEN];
  LifecycleEvent *ev;

  if (self == NULL || virDomainGetUUIDString (domain, uuid) < 0)
    return 0;

  ev = g_new0 (LifecycleEvent, 1);
  ev->self = g_steal_pointer (&self);
  ev->conn = conn;
  virConnectRef (conn);
  ev->domain = domain;
  virDomainRef (domain);
  ev->name = g_strdup (virDomainGetName (domain));
  ev->uuid = g_strdup (uuid);
  ev->event = event;
  ev->detail = detail;
  ev->when = g_get_real_time ();

  g_main_context_invoke (NULL, dispatch_lifecycle_event, ev);
  return 0;
}

void
hangar_connection_populate (HangarConnection *self,
                            GPtrArray        *infos)
{
  g_autoptr(GPtrArray) guests = g_ptr_array_new_full (infos->len, g_object_unref);
  g_autoptr(GPtrArray) pending = NULL;

  for (guint i = 0; i < infos->len; i++)
    {
      HangarGuestInfo *info = g_ptr_array_index (infos, i);
      HangarGuest *guest;

      if (g_hash_table_contains (self->guests_by_uuid, info->uuid))
        continue;
      if (g_hash_table_steal_extended (self->retired, info->uuid, NULL, (gpointer *)&guest))
        hangar_guest_set_domain (guest, info->domain);
      else
        guest = hangar_guest_new (self, self->title, info->domain, info->name, info->uuid);
      hangar_guest_apply_info (guest, info, TRUE);
      g_hash_table_insert (self->guests_by_uuid, g_strdup (info->uuid), guest);
      g_ptr_array_add (guests, guest);
    }

  /* One splice, so views see one change instead of thousands. */
  g_list_store_splice (self->guests, 0, g_list_model_get_n_items (G_LIST_MODEL (self->guests)),
                       guests->pdata, guests->len);
  self->populated = TRUE;
  /* Guests that did not come back were removed while the link was down. */
  {
    GHashTableIter iter;
    gpointer guest;

    g_hash_table_iter_init (&iter, self->retired);
    while (g_hash_table_iter_next (&iter, NULL, &guest))
      hangar_guest_set_removed (guest);
  }
  g_hash_table_remove_all (self->retired);

  /* Events that arrived while listing are newer than the list. */
  pending = g_steal_pointer (&self->pending_events);
  self->pending_events = g_ptr_array_new_with_free_func (hangar_connection_lifecycle_event_free);
  for (guint i = 0; i < pending->len; i++)
    {
      LifecycleEvent *ev = g_ptr_array_index (pending, i);

      if (ev->conn == self->conn)
        apply_lifecycle_event (self, ev);
    }
}

/* The link is gone. Each guest's domain pointer held it, and nothing is known of its
 * state now; it waits in retired for the next link to list it again. */
void
hangar_connection_retire_guests (HangarConnection *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->guests));

  self->populated = FALSE;
  g_ptr_array_set_size (self->pending_events, 0);
  for (guint i = 0; i < n; i++)
    {
      HangarGuest *guest = g_list_model_get_item (G_LIST_MODEL (self->guests), i);

      hangar_guest_set_domain (guest, NULL);
      hangar_guest_set_state (guest, HANGAR_GUEST_STATE_UNKNOWN);
      g_hash_table_replace (self->retired, g_strdup (hangar_guest_get_uuid (guest)), guest);
    }
  g_hash_table_remove_all (self->guests_by_uuid);
  g_list_store_remove_all (self->guests);
}
