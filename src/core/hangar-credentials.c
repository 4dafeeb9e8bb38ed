// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-credentials"

/* One question a host asks while its connection opens. It is made on the open's
 * worker from libvirt's credential list, handed to the main thread, and the worker
 * waits on it (a mutex and a condition) until the main thread answers or cancels it,
 * or the open gives up: a cancelled open withdraws it, so no worker waits forever. */

#include "config.h"

#include <string.h>

#include "hangar-connection-private.h"
#include "hangar-credentials-private.h"

struct _HangarCredentials
{
  GObject parent_instance;

  /* Set on the worker before the question is handed over; read-only afterwards. */
  char *uri;
  char *host;
  gboolean wants_user;
  gboolean wants_password;
  /* The user name was asked alone: the password is asked with it, for later. */
  gboolean password_ahead;
  char *user_prompt;
  char *password_prompt;
  char *default_user;
  guint attempt;

  /* The answer, under lock: the worker reads what the main thread wrote. */
  GMutex lock;
  GCond cond;
  HangarCredentialsOutcome outcome;
  gboolean remembered;
  char *user;
  char *password;
};

G_DEFINE_FINAL_TYPE (HangarCredentials, hangar_credentials, G_TYPE_OBJECT)

enum {
  SIGNAL_FINISHED,
  SIGNAL_ACCEPTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static void
hangar_credentials_finalize (GObject *object)
{
  HangarCredentials *self = HANGAR_CREDENTIALS (object);

  g_free (self->uri);
  g_free (self->host);
  g_free (self->user_prompt);
  g_free (self->password_prompt);
  g_free (self->default_user);
  g_free (self->user);
  clear_secret (&self->password);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (hangar_credentials_parent_class)->finalize (object);
}

static void
hangar_credentials_class_init (HangarCredentialsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hangar_credentials_finalize;

  /* On the main thread, once: the question ended (see hangar_credentials_get_outcome). */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
  /* On the main thread, after "finished": the host let the answer in. */
  signals[SIGNAL_ACCEPTED] = g_signal_new ("accepted", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
}

static void
hangar_credentials_init (HangarCredentials *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->outcome = HANGAR_CREDENTIALS_PENDING;
}

static char *
user_of_uri (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  const char *user = parsed != NULL ? g_uri_get_user (parsed) : NULL;

  return user != NULL && *user != '\0' ? g_uri_unescape_string (user, NULL) : NULL;
}

HangarCredentials *
hangar_credentials_new_for_libvirt (const char             *uri,
                                    virConnectCredentialPtr cred,
                                    unsigned int            ncred,
                                    guint                   attempt)
{
  g_autoptr(HangarCredentials) self = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  self = g_object_new (HANGAR_TYPE_CREDENTIALS, NULL);
  self->uri = g_strdup (uri);
  self->host = hangar_connection_host_label (uri);
  self->attempt = MAX (attempt, 1);

  for (unsigned int i = 0; i < ncred; i++)
    {
      switch (cred[i].type)
        {
        case VIR_CRED_AUTHNAME:
          self->wants_user = TRUE;
          g_free (self->user_prompt);
          self->user_prompt = g_strdup (cred[i].prompt);
          if (cred[i].defresult != NULL && *cred[i].defresult != '\0')
            {
              g_free (self->default_user);
              self->default_user = g_strdup (cred[i].defresult);
            }
          break;
        case VIR_CRED_ECHOPROMPT:
          if (!self->wants_user)
            self->user_prompt = g_strdup (cred[i].prompt);
          self->wants_user = TRUE;
          break;
        case VIR_CRED_PASSPHRASE:
        case VIR_CRED_NOECHOPROMPT:
          if (!self->wants_password)
            self->password_prompt = g_strdup (cred[i].prompt);
          self->wants_password = TRUE;
          break;
        default:
          /* The realm takes libvirt's default, an external one nothing (it is not a
           * person's answer). */
          break;
        }
    }

  if (!self->wants_user && !self->wants_password)
    return NULL;
  if (self->default_user == NULL)
    self->default_user = user_of_uri (uri);
  if (self->wants_user && !self->wants_password)
    {
      self->password_ahead = TRUE;
      self->wants_password = TRUE;
    }
  return g_steal_pointer (&self);
}

int
hangar_credentials_fill (HangarCredentials      *self,
                         virConnectCredentialPtr cred,
                         unsigned int            ncred)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), -1);

  g_mutex_lock (&self->lock);
  if (self->outcome != HANGAR_CREDENTIALS_ANSWERED)
    {
      g_mutex_unlock (&self->lock);
      return -1;
    }
  for (unsigned int i = 0; i < ncred; i++)
    {
      const char *value;

      switch (cred[i].type)
        {
        case VIR_CRED_AUTHNAME:
        case VIR_CRED_ECHOPROMPT:
          value = self->user;
          break;
        case VIR_CRED_PASSPHRASE:
        case VIR_CRED_NOECHOPROMPT:
          value = self->password;
          break;
        case VIR_CRED_REALM:
          value = cred[i].defresult;
          break;
        default:
          value = NULL;
          break;
        }
      /* libvirt frees the results with g_free. */
      cred[i].result = value != NULL ? g_strdup (value) : NULL;
      cred[i].resultlen = value != NULL ? strlen (value) : 0;
    }
  g_mutex_unlock (&self->lock);
  return 0;
}

gboolean
hangar_credentials_fill_ahead (HangarCredentials      *self,
                               virConnectCredentialPtr cred,
                               unsigned int            ncred)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), FALSE);

  /* Only the worker reads and clears password_ahead once the question is answered. */
  if (!self->password_ahead || ncred == 0 ||
      hangar_credentials_get_outcome (self) != HANGAR_CREDENTIALS_ANSWERED)
    return FALSE;
  for (unsigned int i = 0; i < ncred; i++)
    if (cred[i].type != VIR_CRED_PASSPHRASE && cred[i].type != VIR_CRED_NOECHOPROMPT)
      return FALSE;
  self->password_ahead = FALSE;
  return hangar_credentials_fill (self, cred, ncred) == 0;
}

const char *
hangar_credentials_get_uri (HangarCredentials *self)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), NULL);
  return self->uri;
}

const char *
hangar_credentials_get_host (HangarCredentials *self)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), NULL);
  return self->host;
}

gboolean
hangar_credentials_wants_user (HangarCredentials *self)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), FALSE);
  return self->wants_user;
}

gboolean
hangar_credentials_wants_password (HangarCredentials *self)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), FALSE);
  return self->wants_password;
}

const char *
hangar_credentials_get_user_prompt (HangarCredentials *self)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), NULL);
  return self->user_prompt;
}

const char *
hangar_credentials_get_password_prompt (HangarCredentials *self)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), NULL);
  return self->password_prompt;
}

const char *
hangar_credentials_get_default_user (HangarCredentials *self)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), NULL);
  return self->default_user;
}

guint
hangar_credentials_get_attempt (HangarCredentials *self)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), 0);
  return self->attempt;
}

HangarCredentialsOutcome
hangar_credentials_get_outcome (HangarCredentials *self)
{
  HangarCredentialsOutcome outcome;

  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), HANGAR_CREDENTIALS_WITHDRAWN);

  g_mutex_lock (&self->lock);
  outcome = self->outcome;
  g_mutex_unlock (&self->lock);
  return outcome;
}

gboolean
hangar_credentials_is_pending (HangarCredentials *self)
{
  return hangar_credentials_get_outcome (self) == HANGAR_CREDENTIALS_PENDING;
}

gboolean
hangar_credentials_is_remembered (HangarCredentials *self)
{
  gboolean remembered;

  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), FALSE);

  g_mutex_lock (&self->lock);
  remembered = self->remembered;
  g_mutex_unlock (&self->lock);
  return remembered;
}

/* Main thread only: the worker does not change the user once answered. */
const char *
hangar_credentials_get_user (HangarCredentials *self)
{
  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), NULL);
  return self->user;
}

/* Ends the question with @outcome; FALSE if it had already ended. */
static gboolean
finish (HangarCredentials       *self,
        HangarCredentialsOutcome outcome,
        const char              *user,
        const char              *password,
        gboolean                 remembered)
{
  g_mutex_lock (&self->lock);
  if (self->outcome != HANGAR_CREDENTIALS_PENDING)
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  self->outcome = outcome;
  self->remembered = remembered;
  self->user = g_strdup (user);
  self->password = g_strdup (password);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

void
hangar_credentials_answer (HangarCredentials *self,
                           const char        *user,
                           const char        *password,
                           gboolean           remembered)
{
  g_return_if_fail (HANGAR_IS_CREDENTIALS (self));

  if (finish (self, HANGAR_CREDENTIALS_ANSWERED, user ? user : "", password ? password : "",
              remembered))
    g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

void
hangar_credentials_cancel (HangarCredentials *self)
{
  g_return_if_fail (HANGAR_IS_CREDENTIALS (self));

  if (finish (self, HANGAR_CREDENTIALS_CANCELLED, NULL, NULL, FALSE))
    g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static gboolean
emit_finished_cb (gpointer data)
{
  g_signal_emit (data, signals[SIGNAL_FINISHED], 0);
  return G_SOURCE_REMOVE;
}

void
hangar_credentials_withdraw (HangarCredentials *self)
{
  g_return_if_fail (HANGAR_IS_CREDENTIALS (self));

  /* An idle, not g_main_context_invoke: from a worker that would run the handlers on
   * the worker whenever the main context happens to be free. */
  if (finish (self, HANGAR_CREDENTIALS_WITHDRAWN, NULL, NULL, FALSE))
    g_idle_add_full (G_PRIORITY_DEFAULT, emit_finished_cb, g_object_ref (self), g_object_unref);
}

static gboolean
emit_accepted_cb (gpointer data)
{
  g_signal_emit (data, signals[SIGNAL_ACCEPTED], 0);
  return G_SOURCE_REMOVE;
}

void
hangar_credentials_report_accepted (HangarCredentials *self)
{
  g_return_if_fail (HANGAR_IS_CREDENTIALS (self));

  g_idle_add_full (G_PRIORITY_DEFAULT, emit_accepted_cb, g_object_ref (self), g_object_unref);
}

static void
on_cancelled_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  hangar_credentials_withdraw (user_data);
}

gboolean
hangar_credentials_wait (HangarCredentials *self,
                         GCancellable      *cancellable)
{
  gulong handler = 0;
  gboolean answered;

  g_return_val_if_fail (HANGAR_IS_CREDENTIALS (self), FALSE);

  /* Runs at once if the open is already cancelled. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled_cb), self, NULL);

  g_mutex_lock (&self->lock);
  while (self->outcome == HANGAR_CREDENTIALS_PENDING)
    g_cond_wait (&self->cond, &self->lock);
  answered = self->outcome == HANGAR_CREDENTIALS_ANSWERED;
  g_mutex_unlock (&self->lock);

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  return answered;
}
