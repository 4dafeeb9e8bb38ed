// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-askpass-server"

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hangar-askpass-server.h"
#include "hangar-ssh.h"

/* A question longer than this is not ssh's. */
#define MAX_REQUEST 16384

struct _HangarAskpassServer
{
  GObject parent_instance;

  char *socket_path;
  GSocketService *service;

  /* Logins by id; touched by libvirt's workers too. */
  GMutex lock;
  GHashTable *logins;
};

G_DEFINE_FINAL_TYPE (HangarAskpassServer, hangar_askpass_server, G_TYPE_OBJECT)

enum {
  SIGNAL_PROMPT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  char *login;
  char *who;
  GHashTable *asked;   /* prompt text → times asked */
  guint passwords;
  guint passphrases;
  char *key;           /* the last key whose passphrase was asked */
  gboolean cancelled;
} Login;

static void
login_free (Login *login)
{
  g_free (login->login);
  g_free (login->who);
  g_free (login->key);
  g_hash_table_unref (login->asked);
  g_free (login);
}

/* One helper's connection. */
typedef struct {
  HangarAskpassServer *server;
  GSocketConnection *connection;
  GByteArray *request;
  guint8 chunk[1024];
  char *id;
  char *answer;        /* "y…" or "n": what is being written back */
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->server);
  g_clear_object (&request->connection);
  if (request->request != NULL)
    g_byte_array_unref (request->request);
  g_free (request->id);
  /* A password must not linger in freed memory. */
  if (request->answer != NULL)
    {
      memset (request->answer, 0, strlen (request->answer));
      g_free (request->answer);
    }
  g_free (request);
}

static void
on_closed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_io_stream_close_finish (G_IO_STREAM (object), result, NULL);
  request_free (user_data);
}

static void
on_written_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;

  /* A helper that went away (its ssh was killed) no longer needs the answer. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    g_debug ("Could not answer the askpass helper: %s", error->message);
  g_io_stream_close_async (G_IO_STREAM (request->connection), G_PRIORITY_DEFAULT, NULL,
                           on_closed_cb, request);
}

/* The prompt's answer (NULL: Cancel) goes back to the helper. */
static void
on_prompt_reply (HangarAskpassPrompt *prompt,
                 const char          *answer,
                 gpointer             data)
{
  Request *request = data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (request->connection));

  if (answer == NULL)
    {
      g_mutex_lock (&request->server->lock);
      {
        Login *login = g_hash_table_lookup (request->server->logins, request->id);

        if (login != NULL)
          login->cancelled = TRUE;
      }
      g_mutex_unlock (&request->server->lock);
    }
  request->answer = answer != NULL ? g_strconcat ("y", answer, NULL) : g_strdup ("n");
  g_output_stream_write_all_async (out, request->answer, strlen (request->answer),
                                   G_PRIORITY_DEFAULT, NULL, on_written_cb, request);
}

static void
dispatch (Request *request)
{
  HangarAskpassServer *self = request->server;
  g_autoptr(HangarAskpassPrompt) prompt = NULL;
  g_autofree char *text = NULL;
  g_autofree char *login_name = NULL;
  const char *newline;
  guint attempt = 1;

  g_byte_array_append (request->request, (const guint8 *)"", 1);
  newline = strchr ((const char *)request->request->data, '\n');
  if (newline == NULL)
    {
      g_debug ("An askpass request without a login id: ignored");
      request_free (request);
      return;
    }
  request->id = g_strndup ((const char *)request->request->data,
                           newline - (const char *)request->request->data);
  text = g_strdup (newline + 1);

  g_mutex_lock (&self->lock);
  {
    Login *login = g_hash_table_lookup (self->logins, request->id);

    if (login != NULL)
      {
        g_autofree char *subject = NULL;
        HangarAskpassKind kind = hangar_askpass_classify (text, &subject, NULL);

        attempt = GPOINTER_TO_UINT (g_hash_table_lookup (login->asked, text)) + 1;
        g_hash_table_insert (login->asked, g_strdup (text), GUINT_TO_POINTER (attempt));
        if (kind == HANGAR_ASKPASS_KIND_PASSWORD)
          login->passwords++;
        else if (kind == HANGAR_ASKPASS_KIND_PASSPHRASE)
          {
            login->passphrases++;
            g_free (login->key);
            login->key = g_steal_pointer (&subject);
          }
        login_name = g_strdup (login->login);
      }
  }
  g_mutex_unlock (&self->lock);

  prompt = hangar_askpass_prompt_new (text, login_name, attempt, on_prompt_reply, request,
                                      NULL);
  /* A handler that keeps the prompt answers it later; one that does not leaves it to
   * be cancelled when the last reference goes. */
  g_signal_emit (self, signals[SIGNAL_PROMPT], 0, prompt);
}

static void
on_read_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  if (n < 0)
    {
      g_debug ("Could not read an askpass request: %s", error->message);
      request_free (request);
      return;
    }
  if (n == 0)
    {
      dispatch (request);
      return;
    }
  g_byte_array_append (request->request, request->chunk, n);
  if (request->request->len > MAX_REQUEST)
    {
      g_debug ("An askpass request over %d bytes: refused", MAX_REQUEST);
      request_free (request);
      return;
    }
  g_input_stream_read_async (G_INPUT_STREAM (object), request->chunk, sizeof request->chunk,
                             G_PRIORITY_DEFAULT, NULL, on_read_cb, request);
}

static gboolean
on_incoming_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source,
                gpointer           user_data)
{
  HangarAskpassServer *self = user_data;
  g_autoptr(GCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  Request *request;

  /* The directory is the user's alone; this says so again at the door. */
  credentials = g_socket_get_credentials (g_socket_connection_get_socket (connection), &error);
  if (credentials == NULL || g_credentials_get_unix_user (credentials, NULL) != getuid ())
    {
      g_warning ("An askpass request from another user was refused");
      return TRUE;
    }

  request = g_new0 (Request, 1);
  request->server = g_object_ref (self);
  request->connection = g_object_ref (connection);
  request->request = g_byte_array_new ();
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                             request->chunk, sizeof request->chunk, G_PRIORITY_DEFAULT, NULL,
                             on_read_cb, request);
  return TRUE;
}

static void
hangar_askpass_server_finalize (GObject *object)
{
  HangarAskpassServer *self = HANGAR_ASKPASS_SERVER (object);

  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
      g_unlink (self->socket_path);
    }
  g_free (self->socket_path);
  g_hash_table_unref (self->logins);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (hangar_askpass_server_parent_class)->finalize (object);
}

static void
hangar_askpass_server_class_init (HangarAskpassServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hangar_askpass_server_finalize;

  /**
   * HangarAskpassServer::prompt:
   * @prompt: the question; keep a reference to answer it later
   *
   * ssh asks something. Emitted on the main context.
   */
  signals[SIGNAL_PROMPT] = g_signal_new ("prompt", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                         HANGAR_TYPE_ASKPASS_PROMPT);
}

static void
hangar_askpass_server_init (HangarAskpassServer *self)
{
  g_mutex_init (&self->lock);
  self->logins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)login_free);
}

HangarAskpassServer *
hangar_askpass_server_new (const char  *socket_path,
                           GError     **error)
{
  g_autoptr(HangarAskpassServer) self = g_object_new (HANGAR_TYPE_ASKPASS_SERVER, NULL);
  g_autoptr(GSocketAddress) address = NULL;

  g_return_val_if_fail (socket_path != NULL, NULL);

  self->socket_path = g_strdup (socket_path);
  /* A socket left by an earlier Hangar with this pid is stale. */
  g_unlink (socket_path);
  address = g_unix_socket_address_new (socket_path);
  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL,
                                      NULL, error))
    {
      g_clear_object (&self->service);
      return NULL;
    }
  g_chmod (socket_path, 0600);
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming_cb), self);
  g_socket_service_start (self->service);
  return g_steal_pointer (&self);
}

const char *
hangar_askpass_server_get_socket_path (HangarAskpassServer *self)
{
  g_return_val_if_fail (HANGAR_IS_ASKPASS_SERVER (self), NULL);
  return self->socket_path;
}

static GMutex default_lock;
static HangarAskpassServer *default_server;

HangarAskpassServer *
hangar_askpass_server_get_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  HangarAskpassServer *server;

  g_mutex_lock (&default_lock);
  if (default_server == NULL)
    {
      path = g_strdup_printf ("%s/askpass-%d", hangar_ssh_get_runtime_dir (), (int)getpid ());
      default_server = hangar_askpass_server_new (path, &error);
      if (default_server == NULL)
        g_warning ("SSH questions cannot be asked in Hangar: %s", error->message);
    }
  server = default_server;
  g_mutex_unlock (&default_lock);
  return server;
}

HangarAskpassServer *
hangar_askpass_server_dup_default (void)
{
  HangarAskpassServer *server;

  g_mutex_lock (&default_lock);
  server = default_server != NULL ? g_object_ref (default_server) : NULL;
  g_mutex_unlock (&default_lock);
  return server;
}

void
hangar_askpass_server_release_default (void)
{
  HangarAskpassServer *server;

  g_mutex_lock (&default_lock);
  server = g_steal_pointer (&default_server);
  g_mutex_unlock (&default_lock);
  g_clear_object (&server);
}

void
hangar_askpass_server_begin_login (HangarAskpassServer *self,
                                   const char          *id,
                                   const char          *login,
                                   const char          *who)
{
  Login *entry;

  g_return_if_fail (HANGAR_IS_ASKPASS_SERVER (self));
  g_return_if_fail (id != NULL && login != NULL && who != NULL);

  entry = g_new0 (Login, 1);
  entry->login = g_strdup (login);
  entry->who = g_strdup (who);
  entry->asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->logins, g_strdup (id), entry);
  g_mutex_unlock (&self->lock);
}

char *
hangar_askpass_server_explain (HangarAskpassServer *self,
                               const char          *id,
                               const char          *reason,
                               gboolean            *cancelled)
{
  char *sentence = NULL;
  gboolean denied;
  Login *login;

  g_return_val_if_fail (HANGAR_IS_ASKPASS_SERVER (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (cancelled != NULL)
    *cancelled = FALSE;
  denied = reason != NULL && strstr (reason, "Permission denied") != NULL;

  g_mutex_lock (&self->lock);
  login = g_hash_table_lookup (self->logins, id);
  if (login == NULL)
    ;
  else if (login->cancelled)
    {
      sentence = g_strdup_printf (_("The login to %s was cancelled."), login->who);
      if (cancelled != NULL)
        *cancelled = TRUE;
    }
  else if (denied && login->passwords > 0)
    sentence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "The password for %s was refused. Check the "
                                             "user name and the password, then try again.",
                                             "The password for %s was refused %u times. "
                                             "Check the user name and the password, then "
                                             "try again.", login->passwords),
                                login->who, login->passwords);
  else if (denied && login->passphrases > 0)
    sentence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "The passphrase of the key %1$s was wrong, "
                                             "and %3$s accepted no other login.",
                                             "The passphrase of the key %1$s was wrong "
                                             "%2$u times, and %3$s accepted no other "
                                             "login.",
                                             login->passphrases),
                                login->key, login->passphrases, login->who);
  g_mutex_unlock (&self->lock);
  return sentence;
}
