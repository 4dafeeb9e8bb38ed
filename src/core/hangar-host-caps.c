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
#include "hangar-gconfig.h"
#include "hangar-guest-private.h"
#include "hangar-guest-spec.h"
#include "hangar-host-caps.h"
#include "hangar-pool-private.h"
#include "hangar-xml-util.h"

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

  copy->arch = g_strdup (caps->arch);
  copy->machine = g_strdup (caps->machine);
  copy->virt_type = g_strdup (caps->virt_type);
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
  g_free (caps->arch);
  g_free (caps->machine);
  g_free (caps->virt_type);
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
      g_free (caps->arch);
      caps->arch = hangar_xpath_text (context, "/domainCapabilities/arch");
      g_free (caps->machine);
      caps->machine = hangar_xpath_text (context, "/domainCapabilities/machine");
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

static char *
virt_type_nick (GVirConfigDomainVirtType type)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (GVIR_CONFIG_TYPE_DOMAIN_VIRT_TYPE);
  GEnumValue *value = g_enum_get_value (klass, type);

  return value != NULL ? g_strdup (value->value_nick) : NULL;
}

/* No domain capabilities (the test driver has none): the host capabilities' first hvm
 * guest. */
static gboolean
read_first_hvm_guest (virConnectPtr   conn,
                      HangarHostCaps *caps,
                      GError        **error)
{
  g_autoptr(GVirConfigCapabilities) host = NULL;
  g_autofree char *xml = virConnectGetCapabilities (conn);
  GList *guests;

  if (xml == NULL)
    {
      g_autofree char *reason = hangar_virt_error_message ();

      g_set_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_HOST,
                   _("Could not read the host’s capabilities: %s"), reason);
      return FALSE;
    }
  host = gvir_config_capabilities_new_from_xml (xml, error);
  if (host == NULL)
    return FALSE;
  guests = gvir_config_capabilities_get_guests (host);
  for (GList *l = guests; l != NULL && caps->virt_type == NULL; l = l->next)
    {
      GVirConfigCapabilitiesGuest *guest = l->data;
      g_autoptr(GVirConfigObject) arch = NULL;
      GList *domains;

      if (gvir_config_capabilities_guest_get_os_type (guest) != GVIR_CONFIG_DOMAIN_OS_TYPE_HVM)
        continue;
      arch = GVIR_CONFIG_OBJECT (gvir_config_capabilities_guest_get_arch (guest));
      domains = gvir_config_capabilities_guest_arch_get_domains (GVIR_CONFIG_CAPABILITIES_GUEST_ARCH (arch));
      if (domains != NULL)
        {
          g_free (caps->arch);
          caps->arch = g_strdup (gvir_config_capabilities_guest_arch_get_name (GVIR_CONFIG_CAPABILITIES_GUEST_ARCH (arch)));
          g_clear_pointer (&caps->machine, g_free);
          caps->virt_type = virt_type_nick (gvir_config_capabilities_guest_domain_get_virt_type (domains->data));
        }
      g_list_free_full (domains, g_object_unref);
    }
  g_list_free_full (guests, g_object_unref);
  if (caps->virt_type == NULL)
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_HOST,
                           _("The host cannot run full virtual machines (it offers no hvm guest)."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_guest (virConnectPtr   conn,
            HangarHostCaps *caps,
            GError        **error)
{
  static const char *const virt_types[] = { "kvm", "qemu" };
  /* q35 where the arch has it (x86), else the emulator's default machine. */
  static const char *const machines[] = { "q35", NULL };

  g_clear_pointer (&caps->virt_type, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (virt_types); i++)
    for (guint j = 0; j < G_N_ELEMENTS (machines); j++)
      {
        char *xml = virConnectGetDomainCapabilities (conn, NULL, NULL, machines[j], virt_types[i], 0);
        gboolean read = xml != NULL && hangar_host_caps_read_domain_capabilities (caps, xml);

        free (xml);
        virResetLastError ();
        if (read)
          {
            caps->virt_type = g_strdup (virt_types[i]);
            return TRUE;
          }
      }
  return read_first_hvm_guest (conn, caps, error);
}

gboolean
hangar_host_caps_read_guest (HangarHostCaps   *caps,
                             HangarConnection *connection,
                             GError          **error)
{
  g_return_val_if_fail (caps != NULL, FALSE);
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), FALSE);

  if (connection->conn == NULL)
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_HOST,
                           _("The connection is closed. Connect to the host again."));
      return FALSE;
    }
  return read_guest (connection->conn, caps, error);
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  virConnectPtr conn = task_data;
  g_autoptr(HangarHostCaps) caps = hangar_host_caps_new ();
  virNodeInfo info;
  unsigned long long free_memory;
  GError *error = NULL;

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

  if (!read_guest (conn, caps, &error))
    {
      g_task_return_error (task, error);
      return;
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
  g_task_set_task_data (task, connection->conn, hangar_virt_conn_unref);
  g_task_run_in_thread (task, query_thread);
}

HangarHostCaps *
hangar_host_caps_query_finish (GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
