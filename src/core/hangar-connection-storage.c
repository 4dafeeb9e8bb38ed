// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-connection"

/* The pools of a HangarConnection: listed when a link opens (on its open worker), kept
 * current by libvirt's storage-pool lifecycle and refresh events, set aside when the
 * link goes. Creating pools is in hangar-connection-pools.c. */

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "hangar-connection-private.h"
#include "hangar-domain-config.h"
#include "hangar-pool-private.h"
#include "hangar-storage-private.h"

/* A pool and what the worker read about it. */
typedef struct {
  virStoragePoolPtr pool;
  HangarPoolInfo *info;
} PoolEntry;

static void
pool_entry_free (PoolEntry *entry)
{
  g_clear_pointer (&entry->pool, hangar_virt_pool_unref);
  g_clear_pointer (&entry->info, hangar_pool_info_free);
  g_free (entry);
}

/* The subscriptions, in storage_callback_ids. */
enum {
  POOL_LIFECYCLE,
  POOL_REFRESH,
  GUEST_LIFECYCLE,
};

struct _HangarStorageLink {
  virConnectPtr conn;
  int callback_ids[HANGAR_STORAGE_N_CALLBACKS];
  GPtrArray *entries;
};

/* A storage-pool event, copied out of libvirt's callback. */
typedef struct {
  HangarConnection *self;
  virConnectPtr conn;
  virStoragePoolPtr pool;
  char *name;
  char *uuid;
  int event; /* -1: refresh */
  int detail;
} PoolEvent;

static void
pool_event_free (gpointer data)
{
  PoolEvent *ev = data;

  g_clear_pointer (&ev->pool, hangar_virt_pool_unref);
  g_clear_pointer (&ev->conn, virConnectClose);
  g_clear_object (&ev->self);
  g_free (ev->name);
  g_free (ev->uuid);
  g_free (ev);
}

void
hangar_connection_storage_init (HangarConnection *self)
{
  self->pools = g_list_store_new (HANGAR_TYPE_POOL);
  self->pools_by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->retired_pools = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->arriving_pools = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                g_object_unref);
  self->pending_pool_events = g_ptr_array_new_with_free_func (pool_event_free);
  for (guint i = 0; i < HANGAR_STORAGE_N_CALLBACKS; i++)
    self->storage_callback_ids[i] = -1;
}

void
hangar_connection_storage_finalize (HangarConnection *self)
{
  g_clear_object (&self->pools);
  g_clear_pointer (&self->pools_by_uuid, g_hash_table_unref);
  g_clear_pointer (&self->retired_pools, g_hash_table_unref);
  g_clear_pointer (&self->arriving_pools, g_hash_table_unref);
  g_clear_pointer (&self->pending_pool_events, g_ptr_array_unref);
}

/* The list. */

HangarPool *
hangar_connection_add_pool (HangarConnection     *self,
                            virStoragePoolPtr     vpool,
                            const HangarPoolInfo *info)
{
  HangarPool *pool = hangar_pool_new (self, vpool, info);

  g_hash_table_insert (self->pools_by_uuid, g_strdup (info->uuid), pool);
  g_list_store_append (self->pools, pool);
  g_object_unref (pool); /* the store holds it */
  return pool;
}

static void
remove_pool (HangarConnection *self,
             HangarPool       *pool)
{
  guint position;

  if (g_list_store_find (self->pools, pool, &position))
    {
      g_hash_table_remove (self->pools_by_uuid, hangar_pool_get_uuid (pool));
      g_list_store_remove (self->pools, position);
    }
}

void
hangar_connection_forget_pool (HangarConnection *self,
                               HangarPool       *pool)
{
  remove_pool (self, pool);
}

/* A pool an event announced is read on a worker before it joins the list, so that it
 * appears with its type and size. An undefine meanwhile cancels the read. */

static void
read_pool_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  HangarPoolInfo *info = hangar_pool_info_fetch (task_data, &error);

  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, (GDestroyNotify)hangar_pool_info_free);
}

static void
on_read_pool_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  HangarConnection *self = HANGAR_CONNECTION (object);
  g_autoptr(GCancellable) arriving = user_data;
  g_autoptr(HangarPoolInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *current;

  info = g_task_propagate_pointer (G_TASK (result), &error);
  if (info == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("%s", error->message);
      return;
    }
  current = g_hash_table_lookup (self->arriving_pools, info->uuid);
  if (current != arriving)
    return;
  g_hash_table_remove (self->arriving_pools, info->uuid);
  if (g_hash_table_contains (self->pools_by_uuid, info->uuid))
    return;
  hangar_connection_add_pool (self, g_task_get_task_data (G_TASK (result)), info);
}

static void
read_new_pool (HangarConnection *self,
               virStoragePoolPtr vpool,
               const char       *uuid)
{
  g_autoptr(GTask) task = NULL;
  GCancellable *arriving;

  if (g_hash_table_contains (self->arriving_pools, uuid))
    return;
  /* Cancelled by an undefine, or when the link goes (retire_pools). */
  arriving = g_cancellable_new ();
  g_hash_table_insert (self->arriving_pools, g_strdup (uuid), arriving);
  virStoragePoolRef (vpool);
  task = g_task_new (self, arriving, on_read_pool_done_cb, g_object_ref (arriving));
  g_task_set_source_tag (task, read_new_pool);
  g_task_set_task_data (task, vpool, hangar_virt_pool_unref);
  g_task_run_in_thread (task, read_pool_thread);
}

void
hangar_connection_cancel_arriving_pool (HangarConnection *self,
                                        const char       *uuid)
{
  GCancellable *arriving = g_hash_table_lookup (self->arriving_pools, uuid);

  if (arriving != NULL)
    {
      g_cancellable_cancel (arriving);
      g_hash_table_remove (self->arriving_pools, uuid);
    }
}

/* Events. */

static void
apply_pool_event (HangarConnection *self,
                  const PoolEvent  *ev)
{
  HangarPool *pool = g_hash_table_lookup (self->pools_by_uuid, ev->uuid);

  g_debug ("%s: pool %s event %d detail %d", self->uri, ev->name, ev->event, ev->detail);

  if (pool == NULL)
    {
      switch (ev->event)
        {
        case VIR_STORAGE_POOL_EVENT_DEFINED:
        case VIR_STORAGE_POOL_EVENT_STARTED:
        case VIR_STORAGE_POOL_EVENT_CREATED:
        case -1:
          read_new_pool (self, ev->pool, ev->uuid);
          break;
        case VIR_STORAGE_POOL_EVENT_UNDEFINED:
        case VIR_STORAGE_POOL_EVENT_STOPPED:
          /* A pool being read that goes away before it arrives. STOPPED only removes a
           * transient pool, but a persistent one is read again by the next event. */
          hangar_connection_cancel_arriving_pool (self, ev->uuid);
          break;
        default:
          break;
        }
      return;
    }

  switch (ev->event)
    {
    case VIR_STORAGE_POOL_EVENT_DEFINED:
      hangar_pool_set_persistent (pool, TRUE);
      /* The definition may have changed. */
      hangar_pool_reload (pool, FALSE);
      break;

    case VIR_STORAGE_POOL_EVENT_UNDEFINED:
      if (hangar_pool_get_active (pool))
        hangar_pool_set_persistent (pool, FALSE);
      else
        remove_pool (self, pool);
      break;

    case VIR_STORAGE_POOL_EVENT_STARTED:
      hangar_pool_set_state (pool, HANGAR_POOL_STATE_RUNNING);
      hangar_pool_reload (pool, TRUE);
      break;

    case VIR_STORAGE_POOL_EVENT_STOPPED:
      if (!hangar_pool_get_persistent (pool))
        {
          remove_pool (self, pool);
          break;
        }
      hangar_pool_set_state (pool, HANGAR_POOL_STATE_INACTIVE);
      hangar_pool_reload (pool, FALSE);
      break;

    case -1: /* refresh: the size and the volumes may have changed */
      hangar_pool_reload (pool, TRUE);
      break;

    case VIR_STORAGE_POOL_EVENT_CREATED:
    case VIR_STORAGE_POOL_EVENT_DELETED:
    default:
      /* Built or its storage deleted: the sizes change. */
      hangar_pool_reload (pool, FALSE);
      break;
    }
}

static gboolean
dispatch_pool_event (gpointer data)
{
  PoolEvent *ev = data;
  HangarConnection *self = ev->self;

  /* As with guests: while connecting, every event waits for the list. */
  if (!self->populated && self->state == HANGAR_CONNECTION_STATE_CONNECTING)
    {
      g_ptr_array_add (self->pending_pool_events, ev);
      return G_SOURCE_REMOVE;
    }
  if (self->populated && ev->conn == self->conn)
    apply_pool_event (self, ev);
  pool_event_free (ev);
  return G_SOURCE_REMOVE;
}

static void
queue_pool_event (virConnectPtr     conn,
                  virStoragePoolPtr pool,
                  int               event,
                  int               detail,
                  void             *opaque)
{
  g_autoptr(HangarConnection) self = g_weak_ref_get (opaque);
  char uuid[VIR_UUID_STRING_BUFLEN];
  PoolEvent *ev;

  if (self == NULL || virStoragePoolGetUUIDString (pool, uuid) < 0)
    return;

  ev = g_new0 (PoolEvent, 1);
  ev->self = g_steal_pointer (&self);
  ev->conn = conn;
  virConnectRef (conn);
  ev->pool = pool;
  virStoragePoolRef (pool);
  ev->name = g_strdup (virStoragePoolGetName (pool));
  ev->uuid = g_strdup (uuid);
  ev->event = event;
  ev->detail = detail;
  g_main_context_invoke (NULL, dispatch_pool_event, ev);
}

/* libvirt's callbacks, normally on the main thread. */
static void
on_pool_lifecycle_cb (virConnectPtr     conn,
                      virStoragePoolPtr pool,
                      int               event,
                      int               detail,
                      void             *opaque)
{
  queue_pool_event (conn, pool, event, detail, opaque);
}

static void
on_pool_refresh_cb (virConnectPtr     conn,
                    virStoragePoolPtr pool,
                    void             *opaque)
{
  queue_pool_event (conn, pool, -1, 0, opaque);
}

/* Who uses which volume: re-read when a guest is defined, undefined, started or
 * stopped (a running guest may use other disks than its definition), for the pools
 * whose volumes someone listed. */

static void
volume_users_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GHashTable *users = hangar_domain_config_disk_users (task_data, &error);

  if (users == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, users, (GDestroyNotify)g_hash_table_unref);
}

static void reread_volume_users (HangarConnection *self);

static void
on_volume_users_done_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  HangarConnection *self = HANGAR_CONNECTION (object);
  g_autoptr(GHashTable) users = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *pools = G_LIST_MODEL (self->pools);

  self->volume_users_reading = FALSE;
  users = g_task_propagate_pointer (G_TASK (result), &error);
  if (users == NULL)
    {
      /* Cancelled: the link went, and the next one lists everything anew. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("%s", error->message);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (pools); i++)
    {
      g_autoptr(HangarPool) pool = g_list_model_get_item (pools, i);

      hangar_pool_apply_users (pool, users);
    }
  if (self->volume_users_dirty)
    reread_volume_users (self);
}

static void
reread_volume_users (HangarConnection *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->conn == NULL)
    return;
  if (self->volume_users_reading)
    {
      self->volume_users_dirty = TRUE;
      return;
    }
  self->volume_users_reading = TRUE;
  self->volume_users_dirty = FALSE;
  virConnectRef (self->conn);
  task = g_task_new (self, self->cancellable, on_volume_users_done_cb, NULL);
  g_task_set_source_tag (task, reread_volume_users);
  g_task_set_task_data (task, self->conn, hangar_virt_conn_unref);
  g_task_run_in_thread (task, volume_users_thread);
}

typedef struct {
  HangarConnection *self;
  virConnectPtr conn;
} GuestNews;

static gboolean
dispatch_guest_news (gpointer data)
{
  GuestNews *news = data;
  HangarConnection *self = news->self;
  gboolean listed = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->pools)); i++)
    {
      g_autoptr(HangarPool) pool = g_list_model_get_item (G_LIST_MODEL (self->pools), i);

      listed |= hangar_pool_get_volumes_requested (pool);
    }
  /* Before the list is in, the first volume read finds out who uses what itself. */
  if (self->populated && news->conn == self->conn && listed)
    reread_volume_users (self);
  g_object_unref (news->self);
  virConnectClose (news->conn);
  g_free (news);
  return G_SOURCE_REMOVE;
}

static int
on_guest_lifecycle_cb (virConnectPtr conn,
                       virDomainPtr  domain,
                       int           event,
                       int           detail,
                       void         *opaque)
{
  HangarConnection *self;
  GuestNews *news;

  if (event != VIR_DOMAIN_EVENT_DEFINED && event != VIR_DOMAIN_EVENT_UNDEFINED &&
      event != VIR_DOMAIN_EVENT_STARTED && event != VIR_DOMAIN_EVENT_STOPPED)
    return 0;
  self = g_weak_ref_get (opaque);
  if (self == NULL)
    return 0;
  news = g_new0 (GuestNews, 1);
  news->self = self;
  news->conn = conn;
  virConnectRef (conn);
  g_main_context_invoke (NULL, dispatch_guest_news, news);
  return 0;
}

/* Subscribing and listing, on the open worker. */

/* On failure libvirt did not take the callback's data: free it here. */
static void
subscription_failed (GWeakRef *weak)
{
  /* Said, not hidden: the pool list then no longer follows changes made elsewhere. */
  g_message ("A storage event subscription failed: %s", virGetLastErrorMessage ());
  virResetLastError ();
  hangar_storage_weak_ref_free (weak);
}

HangarStorageLink *
hangar_connection_storage_link_open (HangarConnection *self,
                                     virConnectPtr     conn)
{
  HangarStorageLink *link = g_new0 (HangarStorageLink, 1);
  virStoragePoolPtr *pools = NULL;
  GWeakRef *weak;
  int n;

  for (guint i = 0; i < HANGAR_STORAGE_N_CALLBACKS; i++)
    link->callback_ids[i] = -1;
  link->conn = conn;
  virConnectRef (conn);
  link->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)pool_entry_free);

  /* Subscribe before listing, so nothing that happens in between is lost. A driver
   * without storage events just has a list that does not follow. */
  weak = hangar_storage_weak_ref_new (self);
  link->callback_ids[POOL_LIFECYCLE] =
    virConnectStoragePoolEventRegisterAny (conn, NULL, VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                           VIR_STORAGE_POOL_EVENT_CALLBACK (on_pool_lifecycle_cb),
                                           weak, hangar_storage_weak_ref_free);
  if (link->callback_ids[POOL_LIFECYCLE] < 0)
    subscription_failed (weak);

  weak = hangar_storage_weak_ref_new (self);
  link->callback_ids[POOL_REFRESH] =
    virConnectStoragePoolEventRegisterAny (conn, NULL, VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                           VIR_STORAGE_POOL_EVENT_CALLBACK (on_pool_refresh_cb),
                                           weak, hangar_storage_weak_ref_free);
  if (link->callback_ids[POOL_REFRESH] < 0)
    subscription_failed (weak);

  /* A guest defined, undefined, started or stopped may change who uses a volume. */
  weak = hangar_storage_weak_ref_new (self);
  link->callback_ids[GUEST_LIFECYCLE] =
    virConnectDomainEventRegisterAny (conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                      VIR_DOMAIN_EVENT_CALLBACK (on_guest_lifecycle_cb),
                                      weak, hangar_storage_weak_ref_free);
  if (link->callback_ids[GUEST_LIFECYCLE] < 0)
    subscription_failed (weak);

  n = virConnectListAllStoragePools (conn, &pools, 0);
  if (n < 0)
    {
      g_debug ("No storage pools: %s", virGetLastErrorMessage ());
      virResetLastError ();
      return link;
    }
  for (int i = 0; i < n; i++)
    {
      PoolEntry *entry = g_new0 (PoolEntry, 1);

      entry->pool = pools[i];
      entry->info = hangar_pool_info_fetch (pools[i], NULL);
      /* Undefined while listing: not there. */
      if (entry->info != NULL)
        g_ptr_array_add (link->entries, entry);
      else
        pool_entry_free (entry);
    }
  free (pools);
  return link;
}

typedef struct {
  virConnectPtr conn;
  int callback_ids[HANGAR_STORAGE_N_CALLBACKS];
} Unsubscribe;

static void
unsubscribe_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Unsubscribe *u = task_data;

  if (u->callback_ids[POOL_LIFECYCLE] >= 0)
    virConnectStoragePoolEventDeregisterAny (u->conn, u->callback_ids[POOL_LIFECYCLE]);
  if (u->callback_ids[POOL_REFRESH] >= 0)
    virConnectStoragePoolEventDeregisterAny (u->conn, u->callback_ids[POOL_REFRESH]);
  if (u->callback_ids[GUEST_LIFECYCLE] >= 0)
    virConnectDomainEventDeregisterAny (u->conn, u->callback_ids[GUEST_LIFECYCLE]);
  virConnectClose (u->conn);
  g_task_return_boolean (task, TRUE);
}

/* Round trips to the daemon: a worker makes them. Takes over @conn's reference, and
 * marks the subscriptions in @callback_ids as gone. */
static void
unsubscribe_in_worker (virConnectPtr conn,
                       int          *callback_ids)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  Unsubscribe *u = g_new0 (Unsubscribe, 1);

  u->conn = conn;
  for (guint i = 0; i < HANGAR_STORAGE_N_CALLBACKS; i++)
    {
      u->callback_ids[i] = callback_ids[i];
      callback_ids[i] = -1;
    }
  g_task_set_source_tag (task, unsubscribe_in_worker);
  g_task_set_task_data (task, u, g_free);
  g_task_run_in_thread (task, unsubscribe_thread);
}

void
hangar_connection_storage_link_free (HangarStorageLink *link)
{
  if (link == NULL)
    return;
  if (link->conn != NULL)
    unsubscribe_in_worker (g_steal_pointer (&link->conn), link->callback_ids);
  g_clear_pointer (&link->entries, g_ptr_array_unref);
  g_free (link);
}

/* On the main thread, with the link installed (self->conn set). */
void
hangar_connection_populate_pools (HangarConnection  *self,
                                  HangarStorageLink *link)
{
  g_autoptr(GPtrArray) pools = g_ptr_array_new_full (link->entries->len, g_object_unref);
  g_autoptr(GPtrArray) pending = NULL;

  /* The subscriptions are the connection's now. */
  for (guint i = 0; i < HANGAR_STORAGE_N_CALLBACKS; i++)
    {
      self->storage_callback_ids[i] = link->callback_ids[i];
      link->callback_ids[i] = -1;
    }

  for (guint i = 0; i < link->entries->len; i++)
    {
      PoolEntry *entry = g_ptr_array_index (link->entries, i);
      HangarPool *pool;

      if (g_hash_table_contains (self->pools_by_uuid, entry->info->uuid))
        continue;
      /* The same objects come back, so views showing them stay current. */
      if (g_hash_table_steal_extended (self->retired_pools, entry->info->uuid, NULL,
                                       (gpointer *)&pool))
        {
          hangar_pool_set_virt_pool (pool, entry->pool);
          hangar_pool_apply_info (pool, entry->info);
          hangar_pool_reload (pool, TRUE);
        }
      else
        pool = hangar_pool_new (self, entry->pool, entry->info);
      g_hash_table_insert (self->pools_by_uuid, g_strdup (entry->info->uuid), pool);
      g_ptr_array_add (pools, pool);
    }

  g_list_store_splice (self->pools, 0, g_list_model_get_n_items (G_LIST_MODEL (self->pools)),
                       pools->pdata, pools->len);
  g_hash_table_remove_all (self->retired_pools);

  /* Events that arrived while listing are newer than the list. */
  pending = g_steal_pointer (&self->pending_pool_events);
  self->pending_pool_events = g_ptr_array_new_with_free_func (pool_event_free);
  for (guint i = 0; i < pending->len; i++)
    {
      PoolEvent *ev = g_ptr_array_index (pending, i);

      if (ev->conn == self->conn)
        apply_pool_event (self, ev);
    }
}

void
hangar_connection_retire_pools (HangarConnection *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->pools));
  GHashTableIter iter;
  gpointer arriving;

  if (self->conn != NULL)
    {
      virConnectRef (self->conn);
      unsubscribe_in_worker (self->conn, self->storage_callback_ids);
    }
  self->volume_users_dirty = FALSE;
  g_ptr_array_set_size (self->pending_pool_events, 0);

  g_hash_table_iter_init (&iter, self->arriving_pools);
  while (g_hash_table_iter_next (&iter, NULL, &arriving))
    g_cancellable_cancel (arriving);
  g_hash_table_remove_all (self->arriving_pools);

  for (guint i = 0; i < n; i++)
    {
      HangarPool *pool = g_list_model_get_item (G_LIST_MODEL (self->pools), i);

      hangar_pool_set_virt_pool (pool, NULL);
      g_hash_table_replace (self->retired_pools, g_strdup (hangar_pool_get_uuid (pool)), pool);
    }
  g_hash_table_remove_all (self->pools_by_uuid);
  g_list_store_remove_all (self->pools);
}

/* Public. */

GListModel *
hangar_connection_get_pools (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);
  return G_LIST_MODEL (self->pools);
}

HangarPool *
hangar_connection_find_pool (HangarConnection *self,
                             const char       *name)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  model = G_LIST_MODEL (self->pools);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarPool) pool = g_list_model_get_item (model, i);

      if (g_strcmp0 (hangar_pool_get_name (pool), name) == 0)
        return pool;
    }
  return NULL;
}
