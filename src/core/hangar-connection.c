// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-connection"

/* HangarConnection: one libvirt connection (a host) and its guests. This file holds the
 * object and the link's life: opening on a worker, closing, noticing a drop and
 * reconnecting with growing delays. The guest list is in hangar-connection-events.c,
 * the statistics in hangar-connection-stats.c. */

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-connection-private.h"
#include "hangar-core.h"
#include "hangar-credentials-asker.h"
#include "hangar-credentials-private.h"
#include "hangar-guest-private.h"
#include "hangar-ssh.h"

#define DEFAULT_STATS_INTERVAL_MS 3000
#define MAX_RECONNECT_DELAY_S     5

G_DEFINE_FINAL_TYPE (HangarConnection, hangar_connection, G_TYPE_OBJECT)

G_DEFINE_QUARK (hangar-connection-error-quark, hangar_connection_error)

enum {
  PROP_0,
  PROP_URI,
  PROP_TITLE,
  PROP_STATE,
  PROP_STATE_LABEL,
  PROP_ERROR_MESSAGE,
  PROP_GUESTS,
  PROP_STATS_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_reconnect (HangarConnection *self);
static void on_connection_closed_cb (virConnectPtr conn,
                                     int           reason,
                                     void         *opaque);

static char *
title_from_uri (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  const char *scheme, *host, *path;
  g_autofree char *driver = NULL;
  const char *transport;
  const char *hv;

  if (parsed == NULL)
    return g_strdup (uri);

  scheme = g_uri_get_scheme (parsed);
  host = g_uri_get_host (parsed);
  path = g_uri_get_path (parsed);
  transport = strchr (scheme, '+');
  driver = transport ? g_strndup (scheme, transport - scheme) : g_strdup (scheme);

  if (g_str_equal (driver, "qemu"))
    hv = g_strcmp0 (path, "/session") == 0 ? _("QEMU/KVM User Session") : _("QEMU/KVM");
  else if (g_str_equal (driver, "test"))
    hv = _("Test");
  else if (g_str_equal (driver, "lxc"))
    hv = _("LXC");
  else if (g_str_equal (driver, "xen"))
    hv = _("Xen");
  else if (g_str_equal (driver, "ch"))
    hv = _("Cloud Hypervisor");
  else
    hv = driver;

  if (host != NULL && *host != '\0')
    return g_strdup_printf ("%s: %s", hv, host);

  if (g_str_equal (driver, "test") && path != NULL && g_strcmp0 (path, "/default") != 0)
    {
      g_autofree char *base = g_path_get_basename (path);
      return g_strdup_printf ("%s: %s", hv, base);
    }

  return g_strdup (hv);
}

/* State. The label depends on the state and on a pending reconnect, so both notify. */

static void
set_state (HangarConnection     *self,
           HangarConnectionState state,
           const char           *error_message)
{
  gboolean changed_message = g_strcmp0 (self->error_message, error_message) != 0;

  if (changed_message)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (error_message);
    }

  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_LABEL]);
    }

  if (changed_message)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

/* libvirt's callbacks get a weak reference: they may fire on another thread while the
 * object is being finalized, and must then find nothing rather than a dangling pointer. */
static void
weak_ref_free (void *data)
{
  GWeakRef *weak = data;

  g_weak_ref_clear (weak);
  g_free (weak);
}

static GWeakRef *
weak_ref_new (HangarConnection *self)
{
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  g_weak_ref_init (weak, self);
  return weak;
}

/* Tearing down: the calls may block on a dead link, so a worker makes them. */

typedef struct {
  virConnectPtr conn;
  int lifecycle_callback_id;
} Teardown;

static void
teardown_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Teardown *t = task_data;

  if (t->lifecycle_callback_id >= 0)
    virConnectDomainEventDeregisterAny (t->conn, t->lifecycle_callback_id);
  virConnectUnregisterCloseCallback (t->conn, on_connection_closed_cb);
  virConnectClose (t->conn);
  g_task_return_boolean (task, TRUE);
}

/* Unsubscribing and closing are round trips to the daemon: a worker makes them. Takes
 * over @conn's reference. */
static void
release_in_worker (virConnectPtr conn,
                   int           lifecycle_callback_id)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  Teardown *t = g_new0 (Teardown, 1);

  t->conn = conn;
  t->lifecycle_callback_id = lifecycle_callback_id;
  g_task_set_source_tag (task, release_in_worker);
  g_task_set_task_data (task, t, g_free);
  g_task_run_in_thread (task, teardown_thread);
}

static void
teardown (HangarConnection *self)
{
  g_clear_handle_id (&self->open_timeout_source, g_source_remove);
  self->open_timed_out = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  hangar_connection_stop_stats (self);
  hangar_connection_retire_guests (self);
  hangar_connection_retire_pools (self);

  if (self->conn == NULL)
    return;

  release_in_worker (g_steal_pointer (&self->conn), self->lifecycle_callback_id);
  self->lifecycle_callback_id = -1;
}

/* The link dropped: libvirtd stopped, the network went, keepalive timed out. */

typedef struct {
  HangarConnection *self;
  virConnectPtr conn;
  int reason;
} CloseEvent;

static gboolean
dispatch_close (gpointer data)
{
  CloseEvent *ce = data;
  HangarConnection *self = ce->self;
  const char *why;
  g_autofree char *message = NULL;

  if (ce->conn == self->conn)
    {
      switch (ce->reason)
        {
        case VIR_CONNECT_CLOSE_REASON_EOF:
          why = _("the hypervisor service closed the connection");
          break;
        case VIR_CONNECT_CLOSE_REASON_KEEPALIVE:
          why = _("the host stopped answering");
          break;
        case VIR_CONNECT_CLOSE_REASON_ERROR:
        default:
          why = _("a network or protocol error occurred");
          break;
        }
      message = g_strdup_printf (_("Connection lost: %s."), why);
      hangar_trace ("connection-lost", "%s", self->uri);
      teardown (self);
      set_state (self, HANGAR_CONNECTION_STATE_FAILED, message);
      self->reconnect_attempts = 0;
      schedule_reconnect (self);
    }

  g_object_unref (ce->self);
  virConnectClose (ce->conn);
  g_free (ce);
  return G_SOURCE_REMOVE;
}

static void
on_connection_closed_cb (virConnectPtr conn,
                         int           reason,
                         void         *opaque)
{
  GWeakRef *weak = opaque;
  HangarConnection *self = g_weak_ref_get (weak);
  CloseEvent *ce;

  if (self == NULL)
    return;

  ce = g_new0 (CloseEvent, 1);
  ce->self = self;
  ce->conn = conn;
  virConnectRef (conn);
  ce->reason = reason;
  /* This may run on whichever thread noticed the hang-up. */
  g_main_context_invoke (NULL, dispatch_close, ce);
}

/* Opening. */

typedef struct {
  char *uri;
  /* The worker's task (not a reference: it outlives the worker's use of it). */
  GTask *task;
  gboolean needed_credentials;
  /* The host's questions (hangar-credentials.h): 1, or 2 once the keyring's answer
   * was refused; what became of the last one; the answer that also holds the password
   * a driver asks for in a second call. */
  guint attempt;
  gboolean declined;
  gboolean answered;
  gboolean remembered;
  HangarCredentials *ahead;
  /* The last question answered: told when libvirt lets its answer in. */
  HangarCredentials *answer;
  /* Set (atomically) by the worker once it owns the result: from then on the task
   * returns only when the worker does. Until then Cancel returns it at once and the
   * worker, when libvirt finally answers, closes what it got by itself. */
  int claimed;
  virConnectPtr conn;
  int lifecycle_callback_id;
  GPtrArray *infos;
  HangarStorageLink *storage;
} OpenData;

static void
open_data_free (OpenData *data)
{
  if (data->conn != NULL)
    {
      if (data->lifecycle_callback_id >= 0)
        virConnectDomainEventDeregisterAny (data->conn, data->lifecycle_callback_id);
      virConnectUnregisterCloseCallback (data->conn, on_connection_closed_cb);
      virConnectClose (data->conn);
    }
  g_clear_pointer (&data->infos, g_ptr_array_unref);
  g_clear_pointer (&data->storage, hangar_connection_storage_link_free);
  g_clear_object (&data->ahead);
  g_clear_object (&data->answer);
  g_free (data->uri);
  g_free (data);
}

/* A question's answer restarts the open's bound, paused while a person was asked. */
typedef struct {
  GWeakRef self;
  GCancellable *cancellable;
} AskWatch;

static void
ask_watch_free (gpointer data,
                GClosure *closure)
{
  AskWatch *watch = data;

  g_weak_ref_clear (&watch->self);
  g_object_unref (watch->cancellable);
  g_free (watch);
}

static gboolean on_open_timeout_cb (gpointer user_data);

static void
on_question_finished_cb (HangarCredentials *question,
                         AskWatch          *watch)
{
  g_autoptr(HangarConnection) self = g_weak_ref_get (&watch->self);

  if (self == NULL || g_cancellable_is_cancelled (watch->cancellable) ||
      hangar_credentials_get_outcome (question) != HANGAR_CREDENTIALS_ANSWERED)
    return;
  if (self->open_timeout_source == 0 && !hangar_ssh_uri_uses_ssh (self->uri))
    self->open_timeout_source = g_timeout_add (HANGAR_CONNECTION_OPEN_TIMEOUT_S * 1000,
                                               on_open_timeout_cb, self);
}

typedef struct {
  GTask *task;
  HangarCredentials *question;
} Ask;

static void
ask_free (gpointer data)
{
  Ask *ask = data;

  g_object_unref (ask->task);
  g_object_unref (ask->question);
  g_free (ask);
}

/* On the main thread: the question goes to whoever asks people (the application). */
static gboolean
ask_on_main_cb (gpointer data)
{
  Ask *ask = data;
  HangarConnection *self = g_task_get_source_object (ask->task);
  GCancellable *cancellable = g_task_get_cancellable (ask->task);
  AskWatch *watch;

  /* Given up meanwhile: the worker's wait has withdrawn the question. */
  if (g_cancellable_is_cancelled (cancellable))
    return G_SOURCE_REMOVE;

  /* The bound is on the host's answer, not on a person's. */
  g_clear_handle_id (&self->open_timeout_source, g_source_remove);
  watch = g_new0 (AskWatch, 1);
  g_weak_ref_init (&watch->self, self);
  watch->cancellable = g_object_ref (cancellable);
  g_signal_connect_data (ask->question, "finished", G_CALLBACK (on_question_finished_cb), watch,
                         ask_watch_free, 0);
  hangar_credentials_asker_ask (hangar_credentials_asker_get_default (), ask->question);
  return G_SOURCE_REMOVE;
}

/* On the open's worker: libvirt asks for credentials. The question goes to the main
 * thread and the worker waits for its answer; Cancel, Close or the bound withdraw it. */
static int
on_auth_cb (virConnectCredentialPtr cred,
            unsigned int            ncred,
            void                   *cbdata)
{
  OpenData *data = cbdata;
  g_autoptr(HangarCredentials) question = NULL;
  Ask *ask;

  if (data->ahead != NULL)
    {
      g_autoptr(HangarCredentials) ahead = g_steal_pointer (&data->ahead);

      if (hangar_credentials_fill_ahead (ahead, cred, ncred))
        return 0;
    }

  data->needed_credentials = TRUE;
  question = hangar_credentials_new_for_libvirt (data->uri, cred, ncred, data->attempt);
  if (question == NULL)
    return -1;

  ask = g_new0 (Ask, 1);
  ask->task = g_object_ref (data->task);
  ask->question = g_object_ref (question);
  g_idle_add_full (G_PRIORITY_DEFAULT, ask_on_main_cb, ask, ask_free);

  if (!hangar_credentials_wait (question, g_task_get_cancellable (data->task)))
    {
      data->declined = hangar_credentials_get_outcome (question) == HANGAR_CREDENTIALS_CANCELLED;
      return -1;
    }
  data->answered = TRUE;
  data->remembered = hangar_credentials_is_remembered (question);
  data->ahead = g_object_ref (question);
  g_set_object (&data->answer, question);
  return hangar_credentials_fill (question, cred, ncred);
}

/* The open failed after the host's question: why, in a sentence; NULL when the
 * question had nothing to do with it. */
static GError *
credentials_error (OpenData *data,
                   int       code)
{
  g_autofree char *host = hangar_connection_host_label (data->uri);
  gboolean local = !hangar_connection_uri_is_remote (data->uri);

  if (data->declined)
    return g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_NEEDS_CREDENTIALS,
                        local ? _("libvirt on this computer asks for a user name and "
                                  "password. Retry to give them.")
                              : _("The host %s asks for a user name and password. Retry to "
                                  "give them."), host);
  if (data->answered && code == VIR_ERR_AUTH_FAILED)
    return g_error_new (HANGAR_CONNECTION_ERROR, HANGAR_CONNECTION_ERROR_LOGIN_REFUSED,
                        local ? _("libvirt on this computer refused the user name or "
                                  "password. Check them, then retry.")
                              : _("The host %s refused the user name or password. Check "
                                  "them, then retry."), host);
  return NULL;
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  int cred_types[] = { VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE, VIR_CRED_ECHOPROMPT,
                       VIR_CRED_NOECHOPROMPT, VIR_CRED_REALM, VIR_CRED_EXTERNAL };
  virConnectAuth auth = { cred_types, G_N_ELEMENTS (cred_types), on_auth_cb, data };
  virDomainPtr *domains = NULL;
  int n;
  int code;

  g_autofree char *open_uri = NULL;
  g_autoptr(GError) error = NULL;

  data->lifecycle_callback_id = -1;
  data->task = task;
  data->attempt = 1;
  /* Over SSH, libvirt's ssh joins Hangar's one session per host. */
  open_uri = hangar_ssh_prepare_uri (data->uri, &error);
  if (open_uri == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  {
    virConnectPtr conn;

    for (;;)
      {
        conn = virConnectOpenAuth (open_uri, &auth, 0);
        code = conn == NULL ? virGetLastErrorCode () : VIR_ERR_OK;
        /* Only now may the answer be remembered (the application waits for this). */
        if (conn != NULL && data->answer != NULL)
          hangar_credentials_report_accepted (data->answer);
        g_clear_object (&data->answer);
        /* The keyring's answer was refused: the person is asked, at once. */
        if (conn != NULL || !data->remembered || code != VIR_ERR_AUTH_FAILED ||
            data->attempt > 1 || g_cancellable_is_cancelled (cancellable))
          break;
        data->attempt++;
        data->answered = data->remembered = FALSE;
        g_clear_object (&data->ahead);
      }

    /* Abandoned meanwhile (Cancel, or the bound passed): nobody reads the result. */
    if (!g_task_set_return_on_cancel (task, FALSE))
      {
        if (conn != NULL)
          virConnectClose (conn);
        return;
      }
    g_atomic_int_set (&data->claimed, TRUE);
    data->conn = conn;
  }
  if (data->conn == NULL)
    {
      g_autofree char *reason = hangar_virt_error_message ();
      /* What the SSH login's questions tell, if anything (hangar-ssh.h). */
      g_autofree char *ssh_reason = hangar_ssh_explain_failure (data->uri, reason, NULL);
      GError *credentials = ssh_reason == NULL ? credentials_error (data, code) : NULL;

      if (ssh_reason != NULL)
        g_task_return_new_error (task, HANGAR_CONNECTION_ERROR,
                                 HANGAR_CONNECTION_ERROR_FAILED, "%s", ssh_reason);
      else if (credentials != NULL)
        g_task_return_error (task, credentials);
      else if (data->needed_credentials)
        g_task_return_new_error (task, HANGAR_CONNECTION_ERROR,
                                 HANGAR_CONNECTION_ERROR_NEEDS_CREDENTIALS,
                                 _("The host asks for credentials: %s"), reason);
      else
        g_task_return_error (task, hangar_connection_failure_error (data->uri, reason));
      return;
    }

  /* Keepalive notices a dead host; drivers without it (test://) just say no. */
  if (virConnectSetKeepAlive (data->conn, 5, 3) < 0)
    virResetLastError ();
  {
    GWeakRef *weak = weak_ref_new (g_task_get_source_object (task));

    /* On failure libvirt does not take the data: free it here. */
    if (virConnectRegisterCloseCallback (data->conn, on_connection_closed_cb, weak,
                                         weak_ref_free) < 0)
      {
        weak_ref_free (weak);
        virResetLastError ();
      }
  }

  /* Subscribe before listing, so nothing that happens in between is lost. */
  {
    GWeakRef *weak = weak_ref_new (g_task_get_source_object (task));

    data->lifecycle_callback_id =
      virConnectDomainEventRegisterAny (data->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                        VIR_DOMAIN_EVENT_CALLBACK (hangar_connection_lifecycle_cb),
                                        weak, weak_ref_free);
    if (data->lifecycle_callback_id < 0)
      weak_ref_free (weak);
  }
  if (data->lifecycle_callback_id < 0)
    {
      g_autofree char *reason = hangar_virt_error_message ();

      g_task_return_new_error (task, HANGAR_CONNECTION_ERROR,
                               HANGAR_CONNECTION_ERROR_FAILED,
                               _("Could not subscribe to guest events: %s"), reason);
      return;
    }

  n = virConnectListAllDomains (data->conn, &domains, 0);
  if (n < 0)
    {
      g_autofree char *reason = hangar_virt_error_message ();

      g_task_return_new_error (task, HANGAR_CONNECTION_ERROR,
                               HANGAR_CONNECTION_ERROR_FAILED,
                               _("Could not list the guests: %s"), reason);
      return;
    }

  data->infos = g_ptr_array_new_full (n, (GDestroyNotify)hangar_guest_info_free);
  for (int i = 0; i < n; i++)
    {
      HangarGuestInfo *info = g_new0 (HangarGuestInfo, 1);

      /* The domain reference moves into the info. */
      info->domain = domains[i];
      if (hangar_guest_info_fetch (info, domains[i]))
        g_ptr_array_add (data->infos, info);
      else
        hangar_guest_info_free (info);
    }
  g_free (domains);

  data->storage = hangar_connection_storage_link_open (g_task_get_source_object (task),
                                                       data->conn);
  g_task_return_boolean (task, TRUE);
}

static void
on_open_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HangarConnection *self = HANGAR_CONNECTION (object);
  g_autoptr(GTask) outer = user_data;
  OpenData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Opened after all, but nobody wants it any more: let a worker close it. An
       * abandoned worker (not claimed) is still running and closes its own. */
      if (g_atomic_int_get (&data->claimed) && data->conn != NULL)
        {
          release_in_worker (g_steal_pointer (&data->conn), data->lifecycle_callback_id);
          data->lifecycle_callback_id = -1;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          self->open_timed_out)
        {
          /* The bound passed: the attempt failed, and says so. */
          teardown (self);
          g_clear_error (&error);
          error = hangar_connection_timeout_error (self->uri, HANGAR_CONNECTION_OPEN_TIMEOUT_S);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (outer, g_steal_pointer (&error));
          return;
        }
      g_clear_handle_id (&self->open_timeout_source, g_source_remove);

      if (g_error_matches (error, HANGAR_CONNECTION_ERROR,
                           HANGAR_CONNECTION_ERROR_NEEDS_CREDENTIALS))
        set_state (self, HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS, error->message);
      else
        set_state (self, HANGAR_CONNECTION_STATE_FAILED, error->message);

      /* A failed reconnect tries again, later; a failed first open waits for Retry, as
       * does one a person declined or answered wrong (no question every 5 s). */
      if (self->reconnect_attempts > 0 && !data->declined &&
          !(data->answered && !data->remembered))
        schedule_reconnect (self);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  g_clear_handle_id (&self->open_timeout_source, g_source_remove);
  /* The connection and its subscription now belong to this object. */
  self->conn = g_steal_pointer (&data->conn);
  self->lifecycle_callback_id = data->lifecycle_callback_id;
  data->lifecycle_callback_id = -1;
  self->reconnect_attempts = 0;
  /* A new link may lead to another daemon version: ask for bulk stats again. */
  self->bulk_stats_unsupported = FALSE;

  hangar_trace ("connection-opened", "%s", self->uri);
  hangar_connection_populate (self, data->infos);
  hangar_connection_populate_pools (self, data->storage);
  set_state (self, HANGAR_CONNECTION_STATE_CONNECTED, NULL);
  hangar_connection_restart_stats (self);

  g_task_return_boolean (outer, TRUE);
}

static gboolean
on_open_timeout_cb (gpointer user_data)
{
  HangarConnection *self = user_data;

  self->open_timeout_source = 0;
  self->open_timed_out = TRUE;
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_REMOVE;
}

void
hangar_connection_open_async (HangarConnection   *self,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (HANGAR_IS_CONNECTION (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, hangar_connection_open_async);

  if (self->state == HANGAR_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_boolean (outer, TRUE);
      return;
    }
  if (self->state == HANGAR_CONNECTION_STATE_CONNECTING)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("%s is already connecting"), self->title);
      return;
    }

  /* Retry while a dropped host waits for its next attempt counts as that attempt: if
   * it fails, the host keeps trying by itself. */
  if (self->reconnect_source != 0)
    self->reconnect_attempts = MAX (self->reconnect_attempts, 1);
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  teardown (self);
  set_state (self, HANGAR_CONNECTION_STATE_CONNECTING, NULL);

  data = g_new0 (OpenData, 1);
  data->uri = g_strdup (self->uri);
  data->lifecycle_callback_id = -1;

  /* The inner task is tied to this object's own cancellable: closing cancels it, and
   * returns it at once even while libvirt still waits on the host. */
  task = g_task_new (self, self->cancellable, on_open_done_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (task, open_thread);
  g_task_set_task_data (task, data, (GDestroyNotify)open_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  if (!hangar_ssh_uri_uses_ssh (self->uri))
    self->open_timeout_source = g_timeout_add (HANGAR_CONNECTION_OPEN_TIMEOUT_S * 1000,
                                               on_open_timeout_cb, self);
  g_task_run_in_thread (task, open_thread);
}

gboolean
hangar_connection_open_finish (HangarConnection *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hangar_connection_close (HangarConnection *self)
{
  g_return_if_fail (HANGAR_IS_CONNECTION (self));

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->reconnect_attempts = 0;
  teardown (self);
  set_state (self, HANGAR_CONNECTION_STATE_DISCONNECTED, NULL);
}

/* Reconnecting after a drop. */

static void
on_reconnect_done_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hangar_connection_open_finish (HANGAR_CONNECTION (object), result, &error))
    g_debug ("Reconnect failed: %s", error->message);
}

static gboolean
on_reconnect_timeout_cb (gpointer user_data)
{
  HangarConnection *self = user_data;

  self->reconnect_source = 0;
  /* Counted until an attempt succeeds: the next delay, and the label, depend on it. */
  self->reconnect_attempts++;
  hangar_connection_open_async (self, NULL, on_reconnect_done_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (HangarConnection *self)
{
  guint delay;

  if (self->reconnect_source != 0)
    return;

  /* 1, 2, 4, then 5 s: a host that is back is found soon, one that stays away costs an
   * attempt every 5 s. */
  delay = MIN (1u << MIN (self->reconnect_attempts, 4u), (guint)MAX_RECONNECT_DELAY_S);
  self->reconnect_source = g_timeout_add_seconds (delay, on_reconnect_timeout_cb, self);
  /* "Disconnected" becomes "Disconnected, reconnecting…". */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_LABEL]);
}

/* GObject. */

static void
hangar_connection_dispose (GObject *object)
{
  HangarConnection *self = (HangarConnection *)object;

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  teardown (self);
  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (hangar_connection_parent_class)->dispose (object);
}

static void
hangar_connection_finalize (GObject *object)
{
  HangarConnection *self = (HangarConnection *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->guests);
  g_clear_pointer (&self->guests_by_uuid, g_hash_table_unref);
  g_clear_pointer (&self->retired, g_hash_table_unref);
  g_clear_pointer (&self->pending_events, g_ptr_array_unref);
  hangar_connection_storage_finalize (self);
  g_free (self->uri);
  g_free (self->title);
  g_free (self->error_message);

  G_OBJECT_CLASS (hangar_connection_parent_class)->finalize (object);
}

static void
hangar_connection_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HangarConnection *self = HANGAR_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_STATE_LABEL:
      g_value_set_string (value, hangar_connection_get_state_label (self));
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_GUESTS:
      g_value_set_object (value, self->guests);
      break;
    case PROP_STATS_INTERVAL:
      g_value_set_uint (value, self->stats_interval);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_connection_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HangarConnection *self = HANGAR_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URI:
      self->uri = g_value_dup_string (value);
      self->title = title_from_uri (self->uri);
      break;
    case PROP_STATS_INTERVAL:
      hangar_connection_set_stats_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_connection_class_init (HangarConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = hangar_connection_dispose;
  object_class->finalize = hangar_connection_finalize;
  object_class->get_property = hangar_connection_get_property;
  object_class->set_property = hangar_connection_set_property;

  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL,
                                             HANGAR_CONNECTION_STATE_DISCONNECTED,
                                             HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS,
                                             HANGAR_CONNECTION_STATE_DISCONNECTED, ro);
  properties[PROP_STATE_LABEL] = g_param_spec_string ("state-label", NULL, NULL, NULL, ro);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties[PROP_GUESTS] = g_param_spec_object ("guests", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_STATS_INTERVAL] = g_param_spec_uint ("stats-interval", NULL, NULL,
                                                       100, 3600 * 1000,
                                                       DEFAULT_STATS_INTERVAL_MS, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_connection_init (HangarConnection *self)
{
  self->guests = g_list_store_new (HANGAR_TYPE_GUEST);
  self->guests_by_uuid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->retired = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->pending_events = g_ptr_array_new_with_free_func (hangar_connection_lifecycle_event_free);
  self->cancellable = g_cancellable_new ();
  self->lifecycle_callback_id = -1;
  self->stats_interval = DEFAULT_STATS_INTERVAL_MS;
  hangar_connection_storage_init (self);
}

HangarConnection *
hangar_connection_new (const char *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  hangar_core_init ();
  return g_object_new (HANGAR_TYPE_CONNECTION, "uri", uri, NULL);
}

gboolean
hangar_connection_uri_is_remote (const char *uri)
{
  g_autoptr(GUri) parsed = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = parsed != NULL ? g_uri_get_host (parsed) : NULL;

  return host != NULL && host[0] != '\0';
}

gboolean
hangar_connection_uri_is_qemu (const char *uri)
{
  g_autoptr(GUri) parsed = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = parsed != NULL ? g_uri_get_scheme (parsed) : NULL;

  /* The driver, before any transport ("qemu+ssh"). */
  return scheme != NULL && g_str_has_prefix (scheme, "qemu")
         && (scheme[4] == '\0' || scheme[4] == '+');
}

gboolean
hangar_connection_uri_is_session (const char *uri)
{
  g_autoptr(GUri) parsed = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_NONE, NULL) : NULL;

  return parsed != NULL && g_strcmp0 (g_uri_get_path (parsed), "/session") == 0;
}

const char *
hangar_connection_get_uri (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);
  return self->uri;
}

const char *
hangar_connection_get_title (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);
  return self->title;
}

HangarConnectionState
hangar_connection_get_state (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), HANGAR_CONNECTION_STATE_DISCONNECTED);
  return self->state;
}

const char *
hangar_connection_get_state_label (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  switch (self->state)
    {
    case HANGAR_CONNECTION_STATE_CONNECTING:
      return _("Connecting…");
    case HANGAR_CONNECTION_STATE_CONNECTED:
      return _("Connected");
    case HANGAR_CONNECTION_STATE_FAILED:
      return self->reconnect_source != 0 || self->reconnect_attempts > 0
               ? _("Disconnected, reconnecting…")
               : _("Disconnected");
    case HANGAR_CONNECTION_STATE_NEEDS_CREDENTIALS:
      return _("Needs credentials");
    case HANGAR_CONNECTION_STATE_DISCONNECTED:
    default:
      return _("Not connected");
    }
}

const char *
hangar_connection_get_error_message (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);
  return self->error_message;
}

GListModel *
hangar_connection_get_guests (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);
  return G_LIST_MODEL (self->guests);
}

HangarGuest *
hangar_connection_find_guest (HangarConnection *self,
                              const char       *name)
{
  guint n;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->guests));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarGuest) guest = g_list_model_get_item (G_LIST_MODEL (self->guests), i);

      if (g_strcmp0 (hangar_guest_get_name (guest), name) == 0)
        return guest;
    }
  return NULL;
}

guint
hangar_connection_get_stats_interval (HangarConnection *self)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (self), 0);
  return self->stats_interval;
}

void
hangar_connection_set_stats_interval (HangarConnection *self,
                                      guint             msec)
{
  g_return_if_fail (HANGAR_IS_CONNECTION (self));

  msec = CLAMP (msec, 100, 3600 * 1000);
  if (self->stats_interval == msec)
    return;
  self->stats_interval = msec;
  if (self->stats_source != 0)
    {
      g_clear_handle_id (&self->stats_source, g_source_remove);
      hangar_connection_restart_stats (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATS_INTERVAL]);
}
