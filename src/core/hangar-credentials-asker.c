// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-credentials-asker"

/* The one route from core to whoever can ask a person: connections hand their
 * questions here (on the main thread), the application listens. Core stays free of
 * the UI, and a process without a listener (a test, a tool) fails at once instead of
 * waiting on a question nobody sees. */

#include "config.h"

#include "hangar-credentials-asker.h"
#include "hangar-credentials-private.h"

struct _HangarCredentialsAsker
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (HangarCredentialsAsker, hangar_credentials_asker, G_TYPE_OBJECT)

enum {
  SIGNAL_ASK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
hangar_credentials_asker_class_init (HangarCredentialsAskerClass *klass)
{
  /* A question to answer or cancel, now or later (it keeps the worker waiting until
   * then, or until the open gives up and withdraws it). */
  signals[SIGNAL_ASK] = g_signal_new ("ask", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                      NULL, NULL, NULL, G_TYPE_NONE, 1,
                                      HANGAR_TYPE_CREDENTIALS);
}

static void
hangar_credentials_asker_init (HangarCredentialsAsker *self)
{
}

HangarCredentialsAsker *
hangar_credentials_asker_get_default (void)
{
  static HangarCredentialsAsker *asker;
  static gsize made;

  if (g_once_init_enter (&made))
    {
      asker = g_object_new (HANGAR_TYPE_CREDENTIALS_ASKER, NULL);
      g_once_init_leave (&made, 1);
    }
  return asker;
}

void
hangar_credentials_asker_ask (HangarCredentialsAsker *self,
                              HangarCredentials      *question)
{
  g_return_if_fail (HANGAR_IS_CREDENTIALS_ASKER (self));
  g_return_if_fail (HANGAR_IS_CREDENTIALS (question));

  if (!g_signal_has_handler_pending (self, signals[SIGNAL_ASK], 0, TRUE))
    {
      hangar_credentials_withdraw (question);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_ASK], 0, question);
}
