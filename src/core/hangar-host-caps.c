// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-host-caps"

/* What a new guest can get on a host; see hangar-host-caps.h. */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "hangar-connection-private.h"
#include "hangar-guest-private.h"
#include "hangar-host-caps.h"

static void
network_free (HangarHostNetwork *network)
{
  g_free (network->name);
  g_free (network);
}

static void
interface_free (HangarHostInterface *interface)
{
  g_free (interface->name);
  g_free (interface);
}

HangarHostCaps *
hangar_host_caps_new (void)
{
  HangarHostCaps *caps = g_new0 (HangarHostCaps, 1);

  caps->networks = g_ptr_array_new_with_free_func ((GDestroyNotify) network_free);
  caps->interfaces = g_ptr_array_new_with_free_func ((GDestroyNotify) interface_free);
  return caps;
}

HangarHostCaps *
hangar_host_caps_copy (const HangarHostCaps *caps)
{
  HangarHostCaps *copy = hangar_host_caps_new ();

  copy->cpus = caps->cpus;
  copy->memory_total = caps->memory_total;
  copy->memory_free = caps->memory_free;
  copy->uefi = caps->uefi;
  copy->secure_boot = caps->secure_boot;
  copy->tpm = caps->tpm;
  for (guint i = 0; i < caps->networks->len; i++)
    {
      HangarHostNetwork *network = g_memdup2 (caps->networks->pdata[i], sizeof *network);

      network->name = g_strdup (network->name);
      g_ptr_array_add (copy->networks, network);
    }
  for (guint i = 0; i < caps->interfaces->len; i++)
    {
      HangarHostInterface *interface = g_memdup2 (caps->interfaces->pdata[i], sizeof *interface);

      interface->name = g_strdup (interface->name);
      g_ptr_array_add (copy->interfaces, interface);
    }
  copy->interfaces_note = g_strdup (caps->interfaces_note);
  return copy;
}

void
hangar_host_caps_free (HangarHostCaps *caps)
{
  if (caps == NULL)
    return;
  g_ptr_array_unref (caps->networks);
  g_ptr_array_unref (caps->interfaces);
  g_free (caps->interfaces_note);
  g_free (caps);
}

G_DEFINE_BOXED_TYPE (HangarHostCaps, hangar_host_caps, hangar_host_caps_copy,
                     hangar_host_caps_free)

const HangarHostNetwork *
hangar_host_caps_find_network (const HangarHostCaps *caps,
                               const char           *name)
{
  g_return_val_if_fail (caps != NULL, NULL);

  for (guint i = 0; name != NULL && i < caps->networks->len; i++)
    {
      const HangarHostNetwork *network = caps->networks->pdata[i];

      if (g_str_equal (network->name, name))
        return network;
    }
  return NULL;
}

/* Whether the XPath @test holds in @context's document. */
static gboolean
holds (xmlXPathContextPtr context,
       const char        *test)
{
  g_autofree char *expression = g_strdup_printf ("boolean(%s)", test);
  xmlXPathObjectPtr result = xmlXPathEvalExpression ((const xmlChar *) expression, context);
  gboolean value = result != NULL && xmlXPathCastToBoolean (result);

  xmlXPathFreeObject (result);
  return value;
}

gboolean
hangar_host_caps_read_domain_capabilities (HangarHostCaps *caps,
                                           const char     *xml)
{
  xmlDocPtr doc;
  xmlXPathContextPtr context;
  gboolean ok;

  g_return_val_if_fail (caps != NULL, FALSE);
  g_return_val_if_fail (xml != NULL, FALSE);

  doc = xmlReadMemory (xml, strlen (xml), NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR
                                                      | XML_PARSE_NOWARNING);
  if (doc == NULL)
    return FALSE;
  context = xmlXPathNewContext (doc);
  ok = holds (context, "/domainCapabilities");
  if (ok)
    {
      /* virt-manager's test: a firmware descriptor for efi, or loader paths. */
      caps->uefi = holds (context, "/domainCapabilities/os[@supported='yes']"
                                   "/enum[@name='firmware']/value[.='efi']")
                   || holds (context, "/domainCapabilities/os[@supported='yes']"
                                      "/loader[@supported='yes']/value");
      caps->secure_boot = caps->uefi
                          && holds (context, "/domainCapabilities/os/loader[@supported='yes']"
                                             "/enum[@name='secure']/value[.='yes']");
      /* libvirt lists the emulator backend only when swtpm is installed. */
      caps->tpm = holds (context, "/domainCapabilities/devices/tpm[@supported='yes']"
                                  "/enum[@name='backendModel']/value[.='emulator']");
    }
  xmlXPathFreeContext (context);
  xmlFreeDoc (doc);
  return ok;
}

static gboolean
is_bridge_xml (const char *xml)
{
  xmlDocPtr doc = xmlReadMemory (xml, strlen (xml), NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR
                                                                | XML_PARSE_NOWARNING);
  xmlXPathContextPtr context;
  gboolean bridge;

  if (doc == NULL)
    return FALSE;
  context = xmlXPathNewContext (doc);
  bridge = holds (context, "/interface[@type='bridge']");
  xmlXPathFreeContext (context);
  xmlFreeDoc (doc);
  return bridge;
}

static int
compare_networks (gconstpointer a,
                  gconstpointer b)
{
  const HangarHostNetwork *first = *(HangarHostNetwork **) a;
  const HangarHostNetwork *second = *(HangarHostNetwork **) b;
  gboolean first_default = g_str_equal (first->name, "default");
  gboolean second_default = g_str_equal (second->name, "default");

  if (first_default != second_default)
    return first_default ? -1 : 1;
  return g_utf8_collate (first->name, second->name);
}

static int
compare_interfaces (gconstpointer a,
                    gconstpointer b)
{
  return g_utf8_collate ((*(HangarHostInterface **) a)->name,
                         (*(HangarHostInterface **) b)->name);
}

static void
read_networks (virConnectPtr   conn,
               HangarHostCaps *caps)
{
  virNetworkPtr *networks = NULL;
  int n = virConnectListAllNetworks (conn, &networks, 0);

  if (n < 0)
    {
      /* No network driver: the page offers bridges and no network. */
      g_debug ("No virtual networks: %s", virGetLastErrorMessage ());
      virResetLastError ();
      return;
    }
  for (int i = 0; i < n; i++)
    {
      HangarHostNetwork *network = g_new0 (HangarHostNetwork, 1);
      int autostart = 0;

      network->name = g_strdup (virNetworkGetName (networks[i]));
      network->active = virNetworkIsActive (networks[i]) == 1;
      network->autostart = virNetworkGetAutostart (networks[i], &autostart) == 0 && autostart;
      virResetLastError ();
      g_ptr_array_add (caps->networks, network);
      virNetworkFree (networks[i]);
    }
  free (networks);
  g_ptr_array_sort (caps->networks, compare_networks);
}

static void
read_interfaces (virConnectPtr   conn,
                 HangarHostCaps *caps)
{
  virInterfacePtr *interfaces = NULL;
  int n = virConnectListAllInterfaces (conn, &interfaces, 0);

  if (n < 0)
    {
      g_autofree char *reason = hangar_virt_error_message ();

      caps->interfaces_note = g_strdup_printf (_("The host’s network interfaces could not be "
                                                 "listed (%s). Type the interface’s name."),
                                               reason);
      virResetLastError ();
      return;
    }
  for (int i = 0; i < n; i++)
    {
      HangarHostInterface *interface = g_new0 (HangarHostInterface, 1);
      char *xml = virInterfaceGetXMLDesc (interfaces[i], 0);

      interface->name = g_strdup (virInterfaceGetName (interfaces[i]));
      interface->active = virInterfaceIsActive (interfaces[i]) == 1;
      interface->is_bridge = xml != NULL && is_bridge_xml (xml);
      free (xml);
      virResetLastError ();
      g_ptr_array_add (caps->interfaces, interface);
      virInterfaceFree (interfaces[i]);
    }
  free (interfaces);
  g_ptr_array_sort (caps->interfaces, compare_interfaces);
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  static const char *const virt_types[] = { "kvm", "qemu" };
  virConnectPtr conn = task_data;
  g_autoptr(HangarHostCaps) caps = hangar_host_caps_new ();
  virNodeInfo info;
  unsigned long long free_memory;

  if (virNodeGetInfo (conn, &info) < 0)
    {
      g_autofree char *reason = hangar_virt_error_message ();

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Could not read the host’s CPUs and memory: %s"), reason);
      return;
    }
  caps->cpus = info.cpus;
  /* info.memory is in KiB; virNodeGetFreeMemory answers bytes. */
  caps->memory_total = (guint64) info.memory * 1024;
  free_memory = virNodeGetFreeMemory (conn);
  if (free_memory == 0)
    {
      /* Unknown: nothing to warn about beyond the total. */
      virResetLastError ();
      caps->memory_free = caps->memory_total;
    }
  else
    caps->memory_free = MIN (free_memory, caps->memory_total);

  for (guint i = 0; i < G_N_ELEMENTS (virt_types); i++)
    {
      char *xml = virConnectGetDomainCapabilities (conn, NULL, NULL, NULL, virt_types[i], 0);
      gboolean read = xml != NULL && hangar_host_caps_read_domain_capabilities (caps, xml);

      free (xml);
      virResetLastError ();
      if (read)
        break;
    }

  read_networks (conn, caps);
  read_interfaces (conn, caps);
  g_task_return_pointer (task, g_steal_pointer (&caps), (GDestroyNotify) hangar_host_caps_free);
}

void
hangar_host_caps_query_async (HangarConnection    *connection,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HANGAR_IS_CONNECTION (connection));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hangar_host_caps_query_async);
  if (connection->conn == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The connection is closed. Connect to the host again."));
      return;
    }
  virConnectRef (connection->conn);
  g_task_set_task_data (task, connection->conn, (GDestroyNotify) virConnectClose);
  g_task_run_in_thread (task, query_thread);
}

HangarHostCaps *
hangar_host_caps_query_finish (GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
