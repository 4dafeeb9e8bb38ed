// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-install-watcher"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-connection.h"
#include "hangar-guest.h"
#include "hangar-install-watcher.h"

struct _HangarInstallWatcher
{
  GObject parent_instance;

  HangarConnection *connection;
  HangarGuestCreator *creator;
  char *name;
  GCancellable *cancellable;

  /* The guest once it is in the connection's list. */
  HangarGuest *guest;
  /* The guest was seen running: its next shut-off is the installer's end. */
  gboolean seen_active;
  /* The list said shut off while the host still ran the installer: wait for the list
   * to catch up before trusting a shut-off again. */
  gboolean stale;
  /* A finish or a start is on its way. */
  gboolean busy;
  gboolean finished;
  /* The installer was stopped before its end: the guest waits, shut off, to be run
   * again. */
  gboolean interrupted;
};

G_DEFINE_FINAL_TYPE (HangarInstallWatcher, hangar_install_watcher, G_TYPE_OBJECT)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
finish (HangarInstallWatcher *self,
        const GError         *error)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_signal_handlers_disconnect_by_data (hangar_connection_get_guests (self->connection), self);
  if (self->guest != NULL)
    g_signal_handlers_disconnect_by_data (self->guest, self);
  g_signal_emit (self, signals[FINISHED], 0, error);
}

static void
on_started_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HangarInstallWatcher) self = user_data;
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (!hangar_guest_run_action_finish (HANGAR_GUEST (object), result, &error))
    {
      g_autoptr(GError) sentence = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      sentence = g_error_new (error->domain, error->code,
                              _("The installation of “%s” is finished, but the guest could "
                                "not be started from its disk: %s"),
                              self->name, error->message);
      finish (self, sentence);
      return;
    }
  finish (self, NULL);
}

static void check_state (HangarInstallWatcher *self);

static void
on_switched_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HangarInstallWatcher) self = user_data;
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (self->finished)
    return;
  if (!hangar_guest_creator_finish_install_finish (HANGAR_GUEST_CREATOR (object), result, &error))
    {
      /* Forced off (or crashed) in the middle: the guest keeps its installer, and its
       * next run starts the installation again; its end is watched for then. */
      if (g_error_matches (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_INTERRUPTED))
        {
          g_debug ("%s", error->message);
          self->seen_active = FALSE;
          self->interrupted = TRUE;
          return;
        }
      /* Shut off in the list before the guest's start reached it: the host still runs
       * the installer (the creator checks), so wait for its real end. */
      if (!self->seen_active && !g_cancellable_is_cancelled (self->cancellable))
        {
          g_debug ("“%s” is not off yet: %s", self->name, error->message);
          self->stale = TRUE;
          check_state (self);
          return;
        }
      finish (self, error);
      return;
    }
  g_debug ("“%s”: installation finished, starting it from its disk", self->name);
  self->busy = TRUE;
  hangar_guest_run_action_async (self->guest, HANGAR_GUEST_ACTION_RUN, self->cancellable,
                                 on_started_cb, g_object_ref (self));
}

static void
check_state (HangarInstallWatcher *self)
{
  HangarGuestState state;

  if (self->guest == NULL || self->busy || self->finished)
    return;
  state = hangar_guest_get_state (self->guest);
  if (state != HANGAR_GUEST_STATE_SHUTOFF)
    {
      if (state != HANGAR_GUEST_STATE_UNKNOWN)
        {
          self->seen_active = TRUE;
          self->stale = FALSE;
          self->interrupted = FALSE;
        }
      return;
    }
  if (self->stale || self->interrupted)
    return;
  self->busy = TRUE;
  hangar_guest_creator_finish_install_async (self->creator, self->cancellable, on_switched_cb,
                                             g_object_ref (self));
}

static void
on_guest_state_cb (HangarInstallWatcher *self)
{
  check_state (self);
}

/* The guest arrives in the list through libvirt's event, and leaves it when deleted or
 * when the connection closes. */
static void
on_guests_changed_cb (HangarInstallWatcher *self)
{
  HangarGuest *guest = hangar_connection_find_guest (self->connection, self->name);

  if (guest == self->guest)
    return;
  if (self->guest != NULL)
    {
      g_autoptr(GError) error =
        g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                     _("“%s” went away before its installation finished."), self->name);

      finish (self, error);
      return;
    }
  self->guest = g_object_ref (guest);
  g_signal_connect_object (guest, "notify::state", G_CALLBACK (on_guest_state_cb), self,
                           G_CONNECT_SWAPPED);
  check_state (self);
}

static void
hangar_install_watcher_dispose (GObject *object)
{
  HangarInstallWatcher *self = HANGAR_INSTALL_WATCHER (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (hangar_install_watcher_parent_class)->dispose (object);
}

static void
hangar_install_watcher_finalize (GObject *object)
{
  HangarInstallWatcher *self = HANGAR_INSTALL_WATCHER (object);

  g_clear_object (&self->guest);
  g_clear_object (&self->creator);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_free (self->name);
  G_OBJECT_CLASS (hangar_install_watcher_parent_class)->finalize (object);
}

static void
hangar_install_watcher_class_init (HangarInstallWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_install_watcher_dispose;
  object_class->finalize = hangar_install_watcher_finalize;

  /* Emitted once: NULL when the guest runs from its disk, else why not. */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
hangar_install_watcher_init (HangarInstallWatcher *self)
{
  self->cancellable = g_cancellable_new ();
}

HangarInstallWatcher *
hangar_install_watcher_new (HangarConnection   *connection,
                            HangarGuestCreator *creator,
                            const char         *name)
{
  HangarInstallWatcher *self;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (HANGAR_IS_GUEST_CREATOR (creator), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_INSTALL_WATCHER, NULL);
  self->connection = g_object_ref (connection);
  self->creator = g_object_ref (creator);
  self->name = g_strdup (name);
  g_signal_connect_object (hangar_connection_get_guests (connection), "items-changed",
                           G_CALLBACK (on_guests_changed_cb), self, G_CONNECT_SWAPPED);
  on_guests_changed_cb (self);
  return self;
}

const char *
hangar_install_watcher_get_name (HangarInstallWatcher *self)
{
  g_return_val_if_fail (HANGAR_IS_INSTALL_WATCHER (self), NULL);
  return self->name;
}
