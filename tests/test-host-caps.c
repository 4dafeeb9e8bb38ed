// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-host-caps"

#include "config.h"

#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-host-caps.h"
#include "test-core-util.h"

/* HangarHostCaps on libvirt's test driver (which has no domain capabilities) and on
 * domain capabilities in libvirt 9.0's format. */

static HangarHostCaps *
query (HangarConnection *connection,
       GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hangar_host_caps_query_async (connection, NULL, test_on_result_cb, &result);
  if (!test_wait_for (test_has_result, &result, 5000))
    g_error ("The host's capabilities did not come within 5 s");
  return hangar_host_caps_query_finish (result, error);
}

static void
assert_network (const HangarHostCaps *caps,
                guint                 index,
                const char           *name,
                gboolean              active,
                gboolean              autostart)
{
  const HangarHostNetwork *network;

  g_assert_cmpuint (index, <, caps->networks->len);
  network = caps->networks->pdata[index];
  g_assert_cmpstr (network->name, ==, name);
  g_assert_cmpint (network->active, ==, active);
  g_assert_cmpint (network->autostart, ==, autostart);
  g_assert_true (hangar_host_caps_find_network (caps, name) == network);
}

static void
assert_interface (const HangarHostCaps *caps,
                  guint                 index,
                  const char           *name,
                  gboolean              is_bridge)
{
  const HangarHostInterface *interface;

  g_assert_cmpuint (index, <, caps->interfaces->len);
  interface = caps->interfaces->pdata[index];
  g_assert_cmpstr (interface->name, ==, name);
  g_assert_true (interface->active);
  g_assert_cmpint (interface->is_bridge, ==, is_bridge);
}

/* test:///default: 16 CPUs, 3 GiB, free memory as another connection reads it, the
 * network "default", the interface eth1; no UEFI, no TPM (no domain capabilities):
 * its capabilities' first hvm guest, i686 of virt type "test", no machine. */
static void
test_default_host (void)
{
  g_autoptr(HangarConnection) connection = test_open_connection ("test:///default");
  g_autoptr(HangarHostCaps) caps = NULL;
  g_autoptr(HangarHostCaps) copy = NULL;
  g_autoptr(GError) error = NULL;
  virConnectPtr other = virConnectOpen ("test:///default");
  unsigned long long free_memory;

  g_assert_nonnull (other);
  free_memory = virNodeGetFreeMemory (other);
  g_assert_cmpuint (free_memory, >, 0);
  virConnectClose (other);

  caps = query (connection, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (caps->cpus, ==, 16);
  g_assert_cmpuint (caps->memory_total, ==, G_GUINT64_CONSTANT (3145728) * 1024);
  g_assert_cmpuint (caps->memory_free, ==, free_memory);
  g_assert_cmpstr (caps->arch, ==, "i686");
  g_assert_cmpstr (caps->virt_type, ==, "test");
  g_assert_null (caps->machine);
  g_assert_false (caps->uefi);
  g_assert_false (caps->secure_boot);
  g_assert_false (caps->tpm);
  g_assert_cmpuint (caps->networks->len, ==, 1);
  assert_network (caps, 0, "default", TRUE, FALSE);
  g_assert_null (hangar_host_caps_find_network (caps, "nonesuch"));
  g_assert_cmpuint (caps->interfaces->len, ==, 1);
  assert_interface (caps, 0, "eth1", FALSE);
  g_assert_null (caps->interfaces_note);

  copy = hangar_host_caps_copy (caps);
  g_assert_cmpuint (copy->memory_total, ==, caps->memory_total);
  g_assert_cmpstr (copy->arch, ==, "i686");
  g_assert_cmpstr (copy->virt_type, ==, "test");
  g_assert_cmpuint (copy->networks->len, ==, 1);
  assert_network (copy, 0, "default", TRUE, FALSE);
  assert_interface (copy, 0, "eth1", FALSE);
}

/* Networks: "default" first, then by name, each with its state as libvirt has it;
 * interfaces by name, a bridge told apart. The driver reports no free memory for a
 * file's host: free is then the total. */
static void
test_networks_and_interfaces (void)
{
  g_autofree char *uri = test_data_uri ("creator-host.xml");
  g_autoptr(HangarConnection) connection = test_open_connection (uri);
  g_autoptr(HangarHostCaps) caps = NULL;
  g_autoptr(GError) error = NULL;
  virConnectPtr conn = test_raw_connection (connection);
  virNetworkPtr network;

  /* Behind Hangar's back: one network stopped, one started at boot. */
  network = virNetworkLookupByName (conn, "isolated");
  g_assert_cmpint (virNetworkDestroy (network), ==, 0);
  virNetworkFree (network);
  network = virNetworkLookupByName (conn, "aaa-lan");
  g_assert_cmpint (virNetworkSetAutostart (network, 1), ==, 0);
  virNetworkFree (network);

  caps = query (connection, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (caps->cpus, ==, 4);
  g_assert_cmpuint (caps->memory_total, ==, G_GUINT64_CONSTANT (8) << 30);
  g_assert_cmpuint (caps->memory_free, ==, caps->memory_total);
  g_assert_cmpuint (caps->networks->len, ==, 3);
  assert_network (caps, 0, "default", TRUE, FALSE);
  assert_network (caps, 1, "aaa-lan", TRUE, TRUE);
  assert_network (caps, 2, "isolated", FALSE, FALSE);
  g_assert_cmpuint (caps->interfaces->len, ==, 2);
  assert_interface (caps, 0, "br0", TRUE);
  assert_interface (caps, 1, "eth0", FALSE);
}

static HangarHostCaps *
read_caps_file (const char *file,
                gboolean   *ok)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", file, NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  HangarHostCaps *caps = hangar_host_caps_new ();

  g_assert_true (g_file_get_contents (path, &xml, NULL, &error));
  *ok = hangar_host_caps_read_domain_capabilities (caps, xml);
  return caps;
}

/* The arch and machine; UEFI from a firmware descriptor or loader paths; Secure Boot
 * from a loader that is secure='yes'; a TPM only with the emulator backend. */
static void
test_domain_capabilities (void)
{
  g_autoptr(HangarHostCaps) full = NULL;
  g_autoptr(HangarHostCaps) bios = NULL;
  g_autoptr(HangarHostCaps) plain = NULL;
  g_autoptr(HangarHostCaps) garbage = hangar_host_caps_new ();
  gboolean ok = FALSE;

  full = read_caps_file ("domain-capabilities-uefi.xml", &ok);
  g_assert_true (ok);
  g_assert_cmpstr (full->arch, ==, "x86_64");
  g_assert_cmpstr (full->machine, ==, "pc-q35-7.2");
  g_assert_true (full->uefi);
  g_assert_true (full->secure_boot);
  g_assert_true (full->tpm);

  bios = read_caps_file ("domain-capabilities-bios.xml", &ok);
  g_assert_true (ok);
  g_assert_cmpstr (bios->machine, ==, "pc-i440fx-7.2");
  g_assert_false (bios->uefi);
  g_assert_false (bios->secure_boot);
  g_assert_false (bios->tpm);

  plain = read_caps_file ("domain-capabilities-uefi-no-secure.xml", &ok);
  g_assert_true (ok);
  g_assert_true (plain->uefi);
  g_assert_false (plain->secure_boot);
  g_assert_false (plain->tpm);

  g_assert_false (hangar_host_caps_read_domain_capabilities (garbage, "<capabilities/>"));
  g_assert_false (hangar_host_caps_read_domain_capabilities (garbage, "<domainCapabilities"));
  g_assert_false (garbage->uefi);
}

/* A closed connection is a sentence, not a crash. */
static void
test_closed_connection (void)
{
  g_autoptr(HangarConnection) connection = test_open_connection ("test:///default");
  g_autoptr(HangarHostCaps) caps = NULL;
  g_autoptr(GError) error = NULL;

  hangar_connection_close (connection);
  caps = query (connection, &error);
  g_assert_null (caps);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  hangar_core_init ();

  g_test_add_func ("/host-caps/default-host", test_default_host);
  g_test_add_func ("/host-caps/networks-and-interfaces", test_networks_and_interfaces);
  g_test_add_func ("/host-caps/domain-capabilities", test_domain_capabilities);
  g_test_add_func ("/host-caps/closed-connection", test_closed_connection);
  return g_test_run ();
}
