// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-util"

#include "config.h"

#include "test-util.h"

gboolean
test_wait_for (TestPredicate pred,
               gpointer      data,
               guint         timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (!pred (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
test_spin (guint ms)
{
  test_wait_for (never, NULL, ms);
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *)data == NULL;
}

void
test_assert_finalized (gpointer object)
{
  gpointer weak = object;
  const char *type = G_OBJECT_TYPE_NAME (object);

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  if (!test_wait_for (is_null, &weak, 5000))
    g_error ("%s was not finalized: a reference leaked", type);
}
