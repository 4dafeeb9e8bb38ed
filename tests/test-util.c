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

char *
test_console_host_uri (const char *dir,
                       const char *name,
                       const char *type,
                       guint       port)
{
  g_autofree char *file = g_strdup_printf ("host-%u.xml", port);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *xml = g_strdup_printf (
    "<node><cpu><nodes>1</nodes><sockets>1</sockets><cores>1</cores><threads>1</threads>"
    "<mhz>2400</mhz><model>x86_64</model></cpu><memory>4194304</memory>"
    "<domain type='test'><name>%s</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
    "<os><type arch='x86_64'>hvm</type></os><devices>"
    "<graphics type='%s' port='%u' autoport='no' listen='127.0.0.1'>"
    "<listen type='address' address='127.0.0.1'/></graphics>"
    "</devices></domain></node>",
    name, type, port);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, xml, -1, &error);
  g_assert_no_error (error);
  return g_strconcat ("test://", path, NULL);
}
