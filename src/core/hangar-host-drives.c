// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-host-drives"

/* The host's optical drives; see hangar-host-drives.h. */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "hangar-connection-private.h"
#include "hangar-host-drives.h"
#include "hangar-xml-util.h"

char *
hangar_host_drives_parse_cdrom (const char *nodedev_xml)
{
  xmlDocPtr doc;
  xmlXPathContextPtr context;
  g_autofree char *type = NULL;
  char *block = NULL;

  g_return_val_if_fail (nodedev_xml != NULL, NULL);

  doc = xmlReadMemory (nodedev_xml, strlen (nodedev_xml), NULL, NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL)
    return NULL;
  context = xmlXPathNewContext (doc);
  type = hangar_xpath_text (context, "/device/capability[@type='storage']/drive_type");
  if (g_strcmp0 (type, "cdrom") == 0)
    block = hangar_xpath_text (context, "/device/capability[@type='storage']/block");
  xmlXPathFreeContext (context);
  xmlFreeDoc (doc);
  if (block != NULL && *g_strstrip (block) == '\0')
    g_clear_pointer (&block, g_free);
  return block;
}

typedef struct {
  virConnectPtr conn;
  gboolean local;
} List;

static void
list_free (gpointer data)
{
  List *list = data;

  g_clear_pointer (&list->conn, virConnectClose);
  g_free (list);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  List *list = task_data;
  g_autoptr(GPtrArray) drives = g_ptr_array_new_with_free_func (g_free);
  virNodeDevicePtr *devices = NULL;
  int n;

  if (list->conn == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The connection is closed. Connect to the host again."));
      return;
    }
  n = virConnectListAllNodeDevices (list->conn, &devices,
                                    VIR_CONNECT_LIST_NODE_DEVICES_CAP_STORAGE);
  if (n < 0 && !list->local)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not list the host’s CD-ROM drives: %s."),
                               virGetLastErrorMessage ());
      return;
    }
  for (int i = 0; i < n; i++)
    {
      g_autofree char *xml = virNodeDeviceGetXMLDesc (devices[i], 0);
      char *block = xml != NULL ? hangar_host_drives_parse_cdrom (xml) : NULL;

      if (block != NULL)
        g_ptr_array_add (drives, block);
      virNodeDeviceFree (devices[i]);
    }
  free (devices);
  /* This machine's drives, when its driver has no node devices. */
  if (n < 0)
    for (guint i = 0; i < 8; i++)
      {
        g_autofree char *path = g_strdup_printf ("/dev/sr%u", i);

        if (g_file_test (path, G_FILE_TEST_EXISTS))
          g_ptr_array_add (drives, g_steal_pointer (&path));
      }
  g_ptr_array_sort (drives, compare_paths);
  g_ptr_array_add (drives, NULL);
  g_task_return_pointer (task, g_ptr_array_steal (drives, NULL), (GDestroyNotify) g_strfreev);
}

void
hangar_host_drives_list_cdroms_async (HangarConnection   *connection,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  List *list;

  g_return_if_fail (HANGAR_IS_CONNECTION (connection));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_host_drives_list_cdroms_async);
  list = g_new0 (List, 1);
  list->local = !hangar_connection_uri_is_remote (hangar_connection_get_uri (connection));
  if (connection->conn != NULL)
    {
      list->conn = connection->conn;
      virConnectRef (list->conn);
    }
  g_task_set_task_data (task, list, list_free);
  g_task_run_in_thread (task, list_thread);
}

GStrv
hangar_host_drives_list_cdroms_finish (GAsyncResult *result,
                                       GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
