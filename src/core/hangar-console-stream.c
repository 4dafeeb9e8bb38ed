// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-console-stream"

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "hangar-console-stream.h"
#include "hangar-guest-private.h"

/* One read takes at most this much; the stream fires again while data is queued,
 * so a chatty guest cannot starve the main loop. */
#define READ_CHUNK    (64 * 1024)
#define READS_PER_DISPATCH 4

struct _HangarConsoleStream
{
  GObject parent_instance;

  HangarGuest *guest;
  char *guest_name;

  /* NULL once closed. Used on the main thread only, except for the final
   * abort and free, which a worker does after the callback is gone. */
  virStreamPtr stream;
  gboolean have_callback;
  int events;

  /* Written, not yet accepted by the stream. */
  GByteArray *pending;
};

G_DEFINE_FINAL_TYPE (HangarConsoleStream, hangar_console_stream, G_TYPE_OBJECT)

G_DEFINE_QUARK (hangar-console-stream-error-quark, hangar_console_stream_error)

enum {
  PROP_0,
  PROP_GUEST,
  PROP_OPEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  DATA_RECEIVED,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Tearing a stream down. */

static void
release_stream_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  virStreamPtr stream = task_data;

  /* A round trip to the daemon for remote connections; errors do not matter:
   * the other end may be gone already. */
  virStreamAbort (stream);
  g_task_return_boolean (task, TRUE);
}

static void
stream_unref (gpointer stream)
{
  virStreamFree (stream);
}

/* Aborts and frees @stream on a worker, so the main thread never waits. */
static void
release_stream (virStreamPtr stream)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_source_tag (task, release_stream);
  g_task_set_task_data (task, stream, stream_unref);
  g_task_run_in_thread (task, release_stream_thread);
}

static void
update_events (HangarConsoleStream *self)
{
  int events = VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_HANGUP | VIR_STREAM_EVENT_ERROR;

  /* Remote streams report WRITABLE on every turn of the loop: ask only when
   * something waits to be sent. */
  if (self->pending->len > 0)
    events |= VIR_STREAM_EVENT_WRITABLE;

  if (events != self->events && self->have_callback)
    {
      virStreamEventUpdateCallback (self->stream, events);
      self->events = events;
    }
}

/* Stops using the stream; emits ::closed once, unless @emit is FALSE (dispose). */
static void
shut_down (HangarConsoleStream *self,
           const char          *reason,
           gboolean             emit)
{
  virStreamPtr stream = g_steal_pointer (&self->stream);

  if (stream == NULL)
    return;

  if (self->have_callback)
    {
      virStreamEventRemoveCallback (stream);
      self->have_callback = FALSE;
    }
  g_byte_array_set_size (self->pending, 0);
  release_stream (stream);

  if (reason != NULL)
    g_debug ("Console of %s closed: %s", self->guest_name, reason);

  if (emit)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN]);
      g_signal_emit (self, signals[CLOSED], 0, reason);
    }
}

static void
fail (HangarConsoleStream *self,
      const char          *what)
{
  const char *detail = virGetLastErrorMessage ();
  g_autofree char *reason = NULL;

  if (detail != NULL && *detail != '\0' && virGetLastErrorCode () != VIR_ERR_OK)
    reason = g_strdup_printf ("%s: %s", what, detail);
  else
    reason = g_strdup (what);
  shut_down (self, reason, TRUE);
}

static void
flush (HangarConsoleStream *self)
{
  while (self->stream != NULL && self->pending->len > 0)
    {
      int n = virStreamSend (self->stream, (const char *)self->pending->data,
                             self->pending->len);

      if (n == -2)
        break;
      if (n < 0)
        {
          fail (self, _("The serial console stopped accepting input"));
          return;
        }
      g_byte_array_remove_range (self->pending, 0, n);
    }

  if (self->stream != NULL)
    update_events (self);
}

static void
read_some (HangarConsoleStream *self)
{
  for (guint i = 0; i < READS_PER_DISPATCH && self->stream != NULL; i++)
    {
      g_autofree char *buffer = g_malloc (READ_CHUNK);
      g_autoptr(GBytes) bytes = NULL;
      int n = virStreamRecv (self->stream, buffer, READ_CHUNK);

      if (n == -2)
        return;
      if (n == 0)
        {
          shut_down (self, _("The serial console was closed: the guest stopped, "
                             "or another program took the console over."), TRUE);
          return;
        }
      if (n < 0)
        {
          /* Also what a takeover (another client opening with FORCE) looks like. */
          fail (self, _("The serial console connection ended; another program may have "
                        "taken the console over"));
          return;
        }

      bytes = g_bytes_new_take (g_steal_pointer (&buffer), n);
      g_signal_emit (self, signals[DATA_RECEIVED], 0, bytes);
    }
}

/* Called by libvirt's event loop, on the main thread. */
static void
on_stream_event_cb (virStreamPtr stream,
                    int          events,
                    void        *opaque)
{
  g_autoptr(HangarConsoleStream) self = g_weak_ref_get (opaque);

  if (self == NULL || self->stream != stream)
    return;

  if (events & VIR_STREAM_EVENT_WRITABLE)
    flush (self);

  if (self->stream != NULL &&
      (events & (VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_HANGUP | VIR_STREAM_EVENT_ERROR)))
    read_some (self);

  /* Local streams say HANGUP or ERROR; the read above usually explains it. */
  if (self->stream != NULL && (events & VIR_STREAM_EVENT_ERROR))
    fail (self, _("The serial console connection broke"));
  else if (self->stream != NULL && (events & VIR_STREAM_EVENT_HANGUP))
    shut_down (self, _("The serial console was closed: the guest stopped, "
                       "or another program took the console over."), TRUE);
}

static void
weak_ref_free (void *data)
{
  GWeakRef *weak = data;

  g_weak_ref_clear (weak);
  g_free (weak);
}

/* Takes @stream; starts listening on it. On the main thread: libvirt runs the
 * callback from its event loop, which hangar_core_init() put there. */
static HangarConsoleStream *
console_stream_new (HangarGuest  *guest,
                    virStreamPtr  stream,
                    GError      **error)
{
  g_autoptr(HangarConsoleStream) self = g_object_new (HANGAR_TYPE_CONSOLE_STREAM,
                                                      "guest", guest, NULL);
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  self->stream = stream;
  self->events = VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_HANGUP | VIR_STREAM_EVENT_ERROR;
  g_weak_ref_init (weak, self);
  if (virStreamEventAddCallback (stream, self->events, on_stream_event_cb,
                                 weak, weak_ref_free) < 0)
    {
      g_autofree char *detail = hangar_virt_error_message ();

      weak_ref_free (weak);
      g_set_error (error, HANGAR_CONSOLE_STREAM_ERROR, HANGAR_CONSOLE_STREAM_ERROR_FAILED,
                   _("Could not open the serial console of “%s”: %s"),
                   self->guest_name, detail);
      return NULL;
    }
  self->have_callback = TRUE;
  return g_steal_pointer (&self);
}

/* GObject. */

static void
hangar_console_stream_dispose (GObject *object)
{
  HangarConsoleStream *self = HANGAR_CONSOLE_STREAM (object);

  shut_down (self, NULL, FALSE);
  g_clear_object (&self->guest);

  G_OBJECT_CLASS (hangar_console_stream_parent_class)->dispose (object);
}

static void
hangar_console_stream_finalize (GObject *object)
{
  HangarConsoleStream *self = HANGAR_CONSOLE_STREAM (object);

  g_clear_pointer (&self->pending, g_byte_array_unref);
  g_free (self->guest_name);

  G_OBJECT_CLASS (hangar_console_stream_parent_class)->finalize (object);
}

static void
hangar_console_stream_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HangarConsoleStream *self = HANGAR_CONSOLE_STREAM (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      g_value_set_object (value, self->guest);
      break;
    case PROP_OPEN:
      g_value_set_boolean (value, hangar_console_stream_is_open (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_console_stream_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HangarConsoleStream *self = HANGAR_CONSOLE_STREAM (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      g_assert (self->guest == NULL);
      self->guest = g_value_dup_object (value);
      self->guest_name = g_strdup (self->guest ? hangar_guest_get_name (self->guest) : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_console_stream_class_init (HangarConsoleStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hangar_console_stream_dispose;
  object_class->finalize = hangar_console_stream_finalize;
  object_class->get_property = hangar_console_stream_get_property;
  object_class->set_property = hangar_console_stream_set_property;

  properties[PROP_GUEST] =
    g_param_spec_object ("guest", NULL, NULL, HANGAR_TYPE_GUEST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPEN] =
    g_param_spec_boolean ("open", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * HangarConsoleStream::data-received:
   * @bytes: what the guest wrote, as it came (not necessarily whole characters)
   */
  signals[DATA_RECEIVED] =
    g_signal_new ("data-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);

  /**
   * HangarConsoleStream::closed:
   * @reason: (nullable): why, as a sentence; %NULL when closed on purpose
   *
   * Emitted once, when the stream ends for any reason.
   */
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
hangar_console_stream_init (HangarConsoleStream *self)
{
  self->pending = g_byte_array_new ();
}

/* Opening. */

typedef struct {
  virDomainPtr domain;
  char *dev_name;
  char *guest_name;
  HangarGuest *guest;
  virStreamPtr stream; /* the result, until taken by _finish */
} OpenData;

static void
open_data_free (OpenData *data)
{
  /* Opened, but nobody took it (cancelled, or _finish never called). */
  if (data->stream != NULL)
    release_stream (g_steal_pointer (&data->stream));
  g_clear_pointer (&data->domain, virDomainFree);
  g_clear_object (&data->guest);
  g_free (data->dev_name);
  g_free (data->guest_name);
  g_free (data);
}

static GError *
not_running_error (const OpenData *data)
{
  return g_error_new (HANGAR_CONSOLE_STREAM_ERROR, HANGAR_CONSOLE_STREAM_ERROR_NOT_RUNNING,
                      _("“%s” is not running: start it to use its serial console."),
                      data->guest_name);
}

/* Runs on a worker: virDomainOpenConsole is a round trip to the daemon. */
static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  virConnectPtr conn = virDomainGetConnect (data->domain);
  virStreamPtr stream;
  int active = virDomainIsActive (data->domain);
  int code;
  g_autofree char *detail = NULL;

  if (active == 0)
    {
      g_task_return_error (task, not_running_error (data));
      return;
    }

  if (conn == NULL || (stream = virStreamNew (conn, VIR_STREAM_NONBLOCK)) == NULL)
    {
      detail = hangar_virt_error_message ();
      g_task_return_new_error (task, HANGAR_CONSOLE_STREAM_ERROR,
                               HANGAR_CONSOLE_STREAM_ERROR_FAILED,
                               _("Could not open the serial console of “%s”: %s"),
                               data->guest_name, detail);
      return;
    }

  /* FORCE: take the console over from another client (virsh console, another
   * Hangar window) instead of failing. */
  if (virDomainOpenConsole (data->domain, data->dev_name, stream,
                            VIR_DOMAIN_CONSOLE_FORCE) == 0)
    {
      data->stream = stream;
      g_task_return_boolean (task, TRUE);
      return;
    }

  code = virGetLastErrorCode ();
  detail = hangar_virt_error_message ();
  virStreamFree (stream);

  /* It may have stopped while we asked. */
  if (virDomainIsActive (data->domain) == 0)
    g_task_return_error (task, not_running_error (data));
  else if (code == VIR_ERR_NO_SUPPORT)
    g_task_return_new_error (task, HANGAR_CONSOLE_STREAM_ERROR,
                             HANGAR_CONSOLE_STREAM_ERROR_NOT_SUPPORTED,
                             _("The serial console of “%s” cannot be opened: this "
                               "connection’s hypervisor driver has no text consoles."),
                             data->guest_name);
  else if (code == VIR_ERR_INTERNAL_ERROR && data->dev_name == NULL)
    /* What the QEMU driver says when there is no console, or it is not a pty. */
    g_task_return_new_error (task, HANGAR_CONSOLE_STREAM_ERROR,
                             HANGAR_CONSOLE_STREAM_ERROR_NO_CONSOLE,
                             _("“%s” has no serial console Hangar can open (%s). Add a "
                               "serial or console device of type “pty” to use one."),
                             data->guest_name, detail);
  else
    g_task_return_new_error (task, HANGAR_CONSOLE_STREAM_ERROR,
                             HANGAR_CONSOLE_STREAM_ERROR_FAILED,
                             _("Could not open the serial console of “%s”: %s"),
                             data->guest_name, detail);
}

/**
 * hangar_console_stream_open_async:
 * @guest: a guest
 * @dev_name: (nullable): the console's alias (as "serial0"), or %NULL for the first
 * @cancellable: (nullable): a #GCancellable
 *
 * Opens the guest's text console through libvirt, taking it over from any other
 * client. The blocking call runs on a worker.
 */
void
hangar_console_stream_open_async (HangarGuest        *guest,
                                  const char         *dev_name,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  virDomainPtr domain;
  OpenData *data;

  g_return_if_fail (HANGAR_IS_GUEST (guest));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_console_stream_open_async);

  domain = hangar_guest_get_domain (guest);
  if (domain == NULL)
    {
      g_task_return_new_error (task, HANGAR_CONSOLE_STREAM_ERROR,
                               HANGAR_CONSOLE_STREAM_ERROR_FAILED,
                               _("Could not open the serial console of “%s”: its host is "
                                 "not connected."),
                               hangar_guest_get_name (guest));
      return;
    }

  data = g_new0 (OpenData, 1);
  data->domain = domain;
  virDomainRef (domain);
  data->dev_name = g_strdup (dev_name);
  data->guest_name = g_strdup (hangar_guest_get_name (guest));
  data->guest = g_object_ref (guest);
  g_task_set_task_data (task, data, (GDestroyNotify)open_data_free);
  g_task_run_in_thread (task, open_thread);
}

/**
 * hangar_console_stream_open_finish:
 *
 * Returns: (transfer full): an open stream, listening for data, or %NULL with
 *   @error set (%HANGAR_CONSOLE_STREAM_ERROR_NOT_RUNNING for a guest that is off)
 */
HangarConsoleStream *
hangar_console_stream_open_finish (GAsyncResult *result,
                                   GError      **error)
{
  OpenData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        hangar_console_stream_open_async, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  data = g_task_get_task_data (G_TASK (result));
  g_assert (data->stream != NULL);
  return console_stream_new (data->guest, g_steal_pointer (&data->stream), error);
}

/* Using it. */

/**
 * hangar_console_stream_get_guest:
 *
 * Returns: (transfer none): the guest whose console this is
 */
HangarGuest *
hangar_console_stream_get_guest (HangarConsoleStream *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_STREAM (self), NULL);
  return self->guest;
}

gboolean
hangar_console_stream_is_open (HangarConsoleStream *self)
{
  g_return_val_if_fail (HANGAR_IS_CONSOLE_STREAM (self), FALSE);
  return self->stream != NULL;
}

/**
 * hangar_console_stream_write:
 *
 * Queues @data for the guest; it is sent as soon as the stream takes it.
 * Never blocks. Does nothing on a closed stream.
 */
void
hangar_console_stream_write (HangarConsoleStream *self,
                             const guint8        *data,
                             gsize                len)
{
  g_return_if_fail (HANGAR_IS_CONSOLE_STREAM (self));
  g_return_if_fail (data != NULL || len == 0);

  if (self->stream == NULL || len == 0)
    return;

  g_byte_array_append (self->pending, data, len);
  /* Ask for WRITABLE rather than sending now: a write may come from a
   * ::data-received handler, in the middle of a dispatch. */
  update_events (self);
}

/**
 * hangar_console_stream_close:
 *
 * Stops the stream and emits ::closed with a %NULL reason. Idempotent.
 */
void
hangar_console_stream_close (HangarConsoleStream *self)
{
  g_return_if_fail (HANGAR_IS_CONSOLE_STREAM (self));

  g_object_ref (self);
  shut_down (self, NULL, TRUE);
  g_object_unref (self);
}
