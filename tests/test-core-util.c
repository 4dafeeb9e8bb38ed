// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-core-util"

#include "config.h"

#include <string.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "hangar-connection-private.h"
#include "hangar-domain-builder.h"
#include "test-core-util.h"

char *
test_data_uri (const char *file)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", file, NULL);

  return g_strconcat ("test://", path, NULL);
}

gboolean
test_connection_is_settled (gpointer data)
{
  HangarConnectionState state = hangar_connection_get_state (data);

  return state != HANGAR_CONNECTION_STATE_CONNECTING &&
         state != HANGAR_CONNECTION_STATE_DISCONNECTED;
}

HangarConnection *
test_open_connection (const char *uri)
{
  HangarConnection *connection = hangar_connection_new (uri);

  hangar_connection_open_async (connection, NULL, NULL, NULL);
  g_assert_true (test_wait_for (test_connection_is_settled, connection, 5000));
  g_assert_cmpstr (hangar_connection_get_error_message (connection), ==, NULL);
  g_assert_cmpint (hangar_connection_get_state (connection), ==,
                   HANGAR_CONNECTION_STATE_CONNECTED);
  return connection;
}

virConnectPtr
test_raw_connection (HangarConnection *connection)
{
  g_assert_nonnull (connection->conn);
  return connection->conn;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char *const *)a, *(char *const *)b);
}

char *
test_volume_names (virConnectPtr conn,
                   const char   *pool_name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, pool_name);
  virStorageVolPtr *vols = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  int n;

  g_assert_nonnull (pool);
  n = virStoragePoolListAllVolumes (pool, &vols, 0);
  g_assert_cmpint (n, >=, 0);
  for (int i = 0; i < n; i++)
    {
      g_ptr_array_add (names, g_strdup (virStorageVolGetName (vols[i])));
      virStorageVolFree (vols[i]);
    }
  free (vols);
  virStoragePoolFree (pool);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **)names->pdata);
}

typedef struct {
  gboolean done;
  GPtrArray *disks;
  gboolean deleted;
  GError *error;
} Result;

static gboolean
is_done (gpointer data)
{
  return ((Result *)data)->done;
}

static void
on_listed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *res = user_data;

  res->disks = hangar_guest_list_disks_finish (HANGAR_GUEST (source), result, &res->error);
  res->done = TRUE;
}

GPtrArray *
test_list_disks (HangarGuest *guest,
                 guint        timeout_ms,
                 GError     **error)
{
  Result res = { 0 };

  hangar_guest_list_disks_async (guest, NULL, on_listed_cb, &res);
  if (!test_wait_for (is_done, &res, timeout_ms))
    g_error ("Listing the disks of %s took more than %u ms", hangar_guest_get_name (guest),
             timeout_ms);
  if (res.error != NULL)
    g_propagate_error (error, res.error);
  return res.disks;
}

static void
on_deleted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Result *res = user_data;

  res->deleted = hangar_guest_delete_with_storage_finish (HANGAR_GUEST (source), result,
                                                          &res->error);
  res->done = TRUE;
}

gboolean
test_delete_with_storage (HangarGuest       *guest,
                          const char *const *paths,
                          guint              timeout_ms,
                          GError           **error)
{
  Result res = { 0 };
  g_autofree char *name = g_strdup (hangar_guest_get_name (guest));

  hangar_guest_delete_with_storage_async (guest, paths, NULL, on_deleted_cb, &res);
  if (!test_wait_for (is_done, &res, timeout_ms))
    g_error ("Deleting %s took more than %u ms", name, timeout_ms);
  if (res.error != NULL)
    g_propagate_error (error, res.error);
  return res.deleted;
}

void
test_on_result_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

gboolean
test_has_result (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

void
test_job_watch_cb (HangarJob    *job,
                   GParamSpec   *pspec,
                   TestJobWatch *watch)
{
  const char *message = hangar_job_get_message (job);

  if (message == NULL)
    return;
  g_ptr_array_add (watch->messages, g_strdup (message));
  if (watch->cancel_at != NULL && g_str_has_prefix (message, watch->cancel_at))
    hangar_job_cancel (job);
}

gboolean
test_has_message (GPtrArray  *messages,
                  const char *message)
{
  return g_ptr_array_find_with_equal_func (messages, message, g_str_equal, NULL);
}

char *
test_xpath (const char *xml,
            const char *path)
{
  xmlDocPtr doc = xmlReadMemory (xml, strlen (xml), NULL, NULL, XML_PARSE_NONET);
  xmlXPathContextPtr context;
  xmlXPathObjectPtr found;
  xmlChar *text;
  char *value;

  g_assert_nonnull (doc);
  context = xmlXPathNewContext (doc);
  xmlXPathRegisterNs (context, (const xmlChar *) "libosinfo",
                      (const xmlChar *) HANGAR_LIBOSINFO_NS_URI);
  found = xmlXPathEvalExpression ((const xmlChar *) path, context);
  g_assert_nonnull (found);
  text = xmlXPathCastToString (found);
  value = g_strdup ((const char *) text);
  xmlFree (text);
  xmlXPathFreeObject (found);
  xmlXPathFreeContext (context);
  xmlFreeDoc (doc);
  return value;
}

void
test_make_qcow2 (const char *path,
                 const char *size,
                 const char *backing)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;
  const char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2", path, size, NULL, NULL,
                         NULL, NULL, NULL };

  if (backing != NULL)
    {
      argv[6] = "-b";
      argv[7] = backing;
      argv[8] = "-F";
      argv[9] = "qcow2";
      argv[10] = size;
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("qemu-img create %s failed: %s", path, err);
}
