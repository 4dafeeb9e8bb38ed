// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-guest-creator"

/* The New VM wizard's core on libvirt's test driver: the answers' checks, the
 * definitions built for each install source (accepted by the driver and by libvirt's
 * schema, through virt-xml-validate), their boot order and reboot action; the
 * creator making a guest, switching it to the final definition, and undoing what it made when the define fails for real or
 * Cancel comes at each step. */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "hangar-connection.h"
#include "hangar-core.h"
#include "hangar-domain-builder.h"
#include "hangar-guest-creator.h"
#include "hangar-job.h"
#include "hangar-guest-spec.h"
#include "hangar-host-caps.h"
#include "hangar-volume-private.h"
#include "test-core-util.h"

#define GiB (G_GUINT64_CONSTANT (1) << 30)
#define MiB (G_GUINT64_CONSTANT (1) << 20)
#define OS_ID "http://debian.org/debian/12"

/* Helpers. */

static HangarGuestSpec *
spec_for (HangarGuestSource source)
{
  HangarGuestSpec *spec = hangar_guest_spec_new ();

  spec->name = g_strdup ("new-guest");
  spec->source = source;
  spec->memory = 1 * GiB;
  spec->vcpus = 2;
  spec->os_id = g_strdup (OS_ID);
  spec->disk = HANGAR_GUEST_SPEC_DISK_EXISTING;
  spec->disk_path = g_strdup ("/default-pool/new-guest.qcow2");
  spec->network = HANGAR_GUEST_SPEC_NETWORK_VIRTUAL;
  spec->network_name = g_strdup ("default");
  switch (source)
    {
    case HANGAR_GUEST_SOURCE_MEDIA:
      spec->media_path = g_strdup ("/var/lib/libvirt/images/debian-12.iso");
      break;
    case HANGAR_GUEST_SOURCE_URL:
      spec->tree_url = g_strdup ("https://deb.debian.org/debian/dists/bookworm/main/installer-amd64/");
      spec->kernel = g_strdup ("/var/lib/libvirt/boot/vmlinuz");
      spec->initrd = g_strdup ("/var/lib/libvirt/boot/initrd.gz");
      spec->cmdline = g_strdup ("priority=low");
      break;
    case HANGAR_GUEST_SOURCE_CLOUD_IMAGE:
      spec->base_image = g_strdup ("/var/lib/libvirt/images/debian-12-generic.qcow2");
      spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
      spec->pool_name = g_strdup ("default-pool");
      spec->disk_size = 20 * GiB;
      break;
    case HANGAR_GUEST_SOURCE_KERNEL:
      spec->kernel = g_strdup ("/boot/vmlinuz");
      spec->initrd = g_strdup ("/boot/initrd.img");
      spec->cmdline = g_strdup ("console=ttyS0 root=/dev/vda1");
      break;
    case HANGAR_GUEST_SOURCE_IMPORT:
    case HANGAR_GUEST_SOURCE_PXE:
    case HANGAR_GUEST_SOURCE_MANUAL:
    default:
      break;
    }
  return spec;
}

static void
assert_xpath (const char *xml,
              const char *path,
              const char *expected)
{
  g_autofree char *value = test_xpath (xml, path);

  if (g_strcmp0 (value, expected) != 0)
    g_error ("%s is “%s”, expected “%s”, in:\n%s", path, value, expected, xml);
}

/* libvirt's own schema check (virt-xml-validate FILE domain). */
static void
assert_valid (const char *xml)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int fd = g_file_open_tmp ("hangar-guest-XXXXXX.xml", &path, &error);
  int status;

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, xml, -1, &error));
  g_assert_no_error (error);
  /* Fails loudly when libvirt-clients' virt-xml-validate is missing. */
  g_spawn_sync (NULL, (char *[]) { "virt-xml-validate", path, "domain", NULL }, NULL,
                G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("virt-xml-validate refused:\n%s%s\n%s", out, err, xml);
  g_unlink (path);
}

/* The test driver takes the definition (and forgets it again). */
static void
assert_driver_accepts (virConnectPtr conn,
                       const char   *xml)
{
  virDomainPtr domain = virDomainDefineXML (conn, xml);

  if (domain == NULL)
    g_error ("The test driver refused: %s\n%s", virGetLastErrorMessage (), xml);
  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  virDomainFree (domain);
}

static char *
build_xml (const HangarGuestSpec *spec,
           HangarDomainPhase      phase)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVirConfigDomain) domain = hangar_domain_builder_build (spec, phase, &error);

  g_assert_no_error (error);
  g_assert_nonnull (domain);
  return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
}

/* spec_for's answers with @connection's host filled in. */
static HangarGuestSpec *
host_spec_for (HangarConnection *connection,
               HangarGuestSource source)
{
  HangarGuestSpec *spec = spec_for (source);
  g_autoptr(GError) error = NULL;

  g_assert_true (hangar_guest_spec_fill_host (spec, connection, &error));
  g_assert_no_error (error);
  return spec;
}

/* Tests. */

static void
test_spec_copy (void)
{
  g_autoptr(HangarGuestSpec) spec = spec_for (HANGAR_GUEST_SOURCE_URL);
  g_autoptr(HangarGuestSpec) copy = NULL;

  spec->copy_base_image = TRUE;
  copy = g_boxed_copy (hangar_guest_spec_get_type (), spec);
  g_assert_true (copy->name != spec->name);
  g_assert_true (copy->copy_base_image);
  g_assert_cmpstr (copy->name, ==, "new-guest");
  g_assert_cmpstr (copy->tree_url, ==, spec->tree_url);
  g_assert_cmpstr (copy->kernel, ==, "/var/lib/libvirt/boot/vmlinuz");
  g_assert_cmpuint (copy->memory, ==, GiB);
  g_assert_cmpuint (copy->vcpus, ==, 2);
}

static void
test_check_bad_input (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  g_autoptr(HangarGuestSpec) spec = spec_for (HANGAR_GUEST_SOURCE_MEDIA);
  g_autoptr(GError) error = NULL;

  g_assert_true (hangar_guest_spec_check (spec, connection, &error));
  g_assert_no_error (error);

  g_free (spec->name);
  spec->name = g_strdup ("");
  g_assert_false (hangar_guest_spec_check (spec, connection, &error));
  g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_NAME);
  g_assert_cmpstr (error->message, ==, "Enter a name for the virtual machine.");
  g_clear_error (&error);

  /* Each illegal character named once, in order. */
  g_free (spec->name);
  spec->name = g_strdup ("my vm/2 é/");
  g_assert_false (hangar_guest_spec_check (spec, connection, &error));
  g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_NAME);
  g_assert_cmpstr (error->message, ==,
                   "The name cannot contain space, “/”, “é”. Use letters, digits, “_”, “.”, “:”, “+” and “-”.");
  g_clear_error (&error);

  /* test:///default has a guest named "test". */
  g_free (spec->name);
  spec->name = g_strdup ("test");
  g_assert_false (hangar_guest_spec_check (spec, connection, &error));
  g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_NAME);
  g_assert_cmpstr (error->message, ==,
                   "The host already has a virtual machine named “test”. Choose another name.");
  g_clear_error (&error);

  g_free (spec->name);
  spec->name = g_strdup ("new-guest");
  spec->memory = 0;
  g_assert_false (hangar_guest_spec_check (spec, connection, &error));
  g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_MEMORY);
  g_assert_cmpstr (error->message, ==,
                   "The memory cannot be zero. Give the virtual machine some memory.");
  g_clear_error (&error);

  /* The test driver's host has 3,145,728 KiB (virsh nodeinfo): 3 GiB fit, one more
   * byte does not. */
  spec->memory = 3 * GiB;
  g_assert_true (hangar_guest_spec_check (spec, connection, &error));
  g_assert_no_error (error);
  spec->memory = 3 * GiB + 1;
  g_assert_false (hangar_guest_spec_check (spec, connection, &error));
  g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_MEMORY);
  g_assert_cmpstr (error->message, ==,
                   "The memory is more than the host has (3.0\u00a0GiB). Give the virtual machine less.");
  g_clear_error (&error);
  spec->memory = GiB;

  /* What the source needs. */
  g_clear_pointer (&spec->media_path, g_free);
  g_assert_false (hangar_guest_spec_check (spec, connection, &error));
  g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SOURCE);
  g_assert_cmpstr (error->message, ==, "Choose the installation ISO image or CD-ROM.");
  g_clear_error (&error);

  /* A network boot needs a network that reaches a boot server: usermode's does not. */
  spec->source = HANGAR_GUEST_SOURCE_PXE;
  spec->network = HANGAR_GUEST_SPEC_NETWORK_USER;
  g_assert_false (hangar_guest_spec_check (spec, connection, &error));
  g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SOURCE);
  g_assert_cmpstr (error->message, ==,
                   "A network boot (PXE) cannot go through usermode networking: no boot "
                   "server answers there. Choose a virtual network, a host bridge or macvtap.");
  g_clear_error (&error);
  spec->network = HANGAR_GUEST_SPEC_NETWORK_NONE;
  g_assert_false (hangar_guest_spec_check (spec, connection, &error));
  g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SOURCE);
  g_assert_true (g_str_has_prefix (error->message, "A network boot (PXE) needs a network"));
  g_clear_error (&error);
  spec->network = HANGAR_GUEST_SPEC_NETWORK_VIRTUAL;
  g_assert_true (hangar_guest_spec_check (spec, connection, &error));
  g_assert_no_error (error);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
test_check_async (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  g_autoptr(HangarGuestSpec) spec = spec_for (HANGAR_GUEST_SOURCE_PXE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_free (spec->name);
  spec->name = g_strdup ("test");
  hangar_guest_spec_check_async (spec, connection, NULL, test_on_result_cb, &result);
  g_assert_true (test_wait_for (test_has_result, &result, 5000));
  g_assert_false (hangar_guest_spec_check_finish (result, &error));
  g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_NAME);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
test_fill_host (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  g_autoptr(HangarGuestSpec) spec = spec_for (HANGAR_GUEST_SOURCE_MANUAL);
  g_autoptr(GError) error = NULL;

  /* The test driver has no domain capabilities: its capabilities' hvm guest. */
  g_assert_true (hangar_guest_spec_fill_host (spec, connection, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (spec->arch, ==, "i686");
  g_assert_cmpstr (spec->virt_type, ==, "test");
  g_assert_null (spec->machine);

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
test_every_source (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr conn = test_raw_connection (connection);
  static const struct {
    HangarGuestSource source;
    gboolean install_phase;
    const char *first_boot;   /* the install definition's first boot device */
  } cases[] = {
    { HANGAR_GUEST_SOURCE_MEDIA, TRUE, "cdrom" },
    { HANGAR_GUEST_SOURCE_URL, TRUE, "" },
    { HANGAR_GUEST_SOURCE_IMPORT, FALSE, "hd" },
    { HANGAR_GUEST_SOURCE_CLOUD_IMAGE, FALSE, "hd" },
    { HANGAR_GUEST_SOURCE_KERNEL, FALSE, "" },
    { HANGAR_GUEST_SOURCE_PXE, TRUE, "network" },
    { HANGAR_GUEST_SOURCE_MANUAL, FALSE, "hd" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint variant = 0; variant < 2; variant++)
      {
        g_autoptr(HangarGuestSpec) spec = spec_for (cases[i].source);
        g_autoptr(GError) error = NULL;
        g_autofree char *install = NULL;
        g_autofree char *final = NULL;

        g_test_message ("Source %d, variant %u", cases[i].source, variant);
        g_assert_true (hangar_guest_spec_fill_host (spec, connection, &error));
        g_assert_no_error (error);
        /* Variant 1: the other choice of every switch. */
        if (variant == 1)
          {
            spec->firmware = HANGAR_GUEST_FIRMWARE_UEFI;
            spec->graphics = HANGAR_GUEST_GRAPHICS_VNC;
            spec->virtio_disk = FALSE;
            spec->virtio_net = FALSE;
            spec->network = HANGAR_GUEST_SPEC_NETWORK_BRIDGE;
            g_free (spec->network_name);
            spec->network_name = g_strdup ("br0");
            g_clear_pointer (&spec->os_id, g_free);
          }
        g_assert_cmpint (hangar_domain_builder_has_install_phase (spec), ==,
                         cases[i].install_phase);
        install = build_xml (spec, HANGAR_DOMAIN_PHASE_INSTALL);
        final = build_xml (spec, HANGAR_DOMAIN_PHASE_FINAL);
        assert_valid (install);
        assert_valid (final);
        assert_driver_accepts (conn, install);
        assert_driver_accepts (conn, final);

        assert_xpath (install, "string(/domain/name)", "new-guest");
        assert_xpath (install, "string(/domain/@type)", "test");
        assert_xpath (install, "string(/domain/memory)", "1048576");
        assert_xpath (install, "string(/domain/vcpu)", "2");
        assert_xpath (install, "string(/domain/os/boot[1]/@dev)", cases[i].first_boot);
        assert_xpath (install, "string(/domain/on_reboot)",
                      cases[i].install_phase ? "destroy" : "restart");
        assert_xpath (final, "string(/domain/on_reboot)", "restart");
        assert_xpath (final, "count(/domain/devices/disk[@device='cdrom'])", "0");
        assert_xpath (install, "count(/domain/devices/disk[@device='cdrom'])",
                      cases[i].source == HANGAR_GUEST_SOURCE_MEDIA ? "1" : "0");
        if (cases[i].source == HANGAR_GUEST_SOURCE_KERNEL)
          {
            /* Direct kernel boot keeps its kernel. */
            assert_xpath (final, "string(/domain/os/kernel)", "/boot/vmlinuz");
            assert_xpath (final, "string(/domain/os/initrd)", "/boot/initrd.img");
            assert_xpath (final, "string(/domain/os/cmdline)", "console=ttyS0 root=/dev/vda1");
          }
        else
          {
            assert_xpath (final, "string(/domain/os/boot[1]/@dev)", "hd");
            assert_xpath (final, "count(/domain/os/boot)", "1");
            assert_xpath (final, "count(/domain/os/kernel)", "0");
          }
        if (cases[i].source == HANGAR_GUEST_SOURCE_URL)
          assert_xpath (install, "string(/domain/os/kernel)", "/var/lib/libvirt/boot/vmlinuz");
        if (cases[i].source == HANGAR_GUEST_SOURCE_MEDIA)
          assert_xpath (install, "string(/domain/devices/disk[@device='cdrom']/source/@file)",
                        "/var/lib/libvirt/images/debian-12.iso");
        assert_xpath (final, "string(/domain/devices/disk[@device='disk']/source/@file)",
                      "/default-pool/new-guest.qcow2");
        assert_xpath (final, "string(/domain/devices/disk[@device='disk']/driver/@type)",
                      "qcow2");
        if (variant == 0)
          {
            assert_xpath (final, "string(/domain/metadata/libosinfo:libosinfo/libosinfo:os/@id)",
                          OS_ID);
            assert_xpath (final, "string(/domain/devices/disk[@device='disk']/target/@bus)", "virtio");
            assert_xpath (final, "string(/domain/devices/interface[@type='network']/source/@network)",
                          "default");
            assert_xpath (final, "string(/domain/devices/interface/model/@type)", "virtio");
            assert_xpath (final, "string(/domain/devices/graphics/@type)", "spice");
            assert_xpath (final, "string(/domain/devices/channel/target/@name)", "com.redhat.spice.0");
            assert_xpath (final, "count(/domain/os/@firmware)", "0");
          }
        else
          {
            assert_xpath (final, "count(/domain/metadata)", "0");
            assert_xpath (final, "string(/domain/devices/disk[@device='disk']/target/@bus)", "sata");
            assert_xpath (final, "string(/domain/devices/interface[@type='bridge']/source/@bridge)",
                          "br0");
            assert_xpath (final, "string(/domain/devices/interface/model/@type)", "e1000e");
            assert_xpath (final, "string(/domain/devices/graphics/@type)", "vnc");
            assert_xpath (final, "count(/domain/devices/channel)", "0");
            assert_xpath (final, "string(/domain/os/@firmware)", "efi");
          }
        assert_xpath (final, "string(/domain/devices/input[@type='tablet']/@bus)", "usb");
        assert_xpath (final, "string(/domain/devices/video/model/@type)", "virtio");
        assert_xpath (final, "string(/domain/devices/serial/@type)", "pty");
        assert_xpath (final, "string(/domain/devices/console/target/@type)", "serial");
      }

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* macvtap on a host interface, usermode networking (an e1000e card, then virtio); UEFI
 * with Secure Boot on (firmware features, SMM) and
 * off (said, so libvirt picks no Secure Boot build); a TPM 2.0 emulator, CRB on q35 and
 * TIS elsewhere. Each accepted by the schema and the driver. */
static void
test_hardware_choices (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr conn = test_raw_connection (connection);

  for (guint variant = 0; variant < 3; variant++)
    {
      g_autoptr(HangarGuestSpec) spec = host_spec_for (connection, HANGAR_GUEST_SOURCE_MANUAL);
      g_autofree char *xml = NULL;

      g_test_message ("Variant %u", variant);
      g_free (spec->network_name);
      spec->network_name = variant == 0 ? g_strdup ("eth1") : NULL;
      spec->network = variant == 0 ? HANGAR_GUEST_SPEC_NETWORK_MACVTAP
                                   : HANGAR_GUEST_SPEC_NETWORK_USER;
      spec->virtio_net = variant != 1;
      spec->firmware = HANGAR_GUEST_FIRMWARE_UEFI;
      spec->secure_boot = variant == 0;
      spec->tpm = TRUE;
      if (variant == 0)
        {
          g_free (spec->machine);
          spec->machine = g_strdup ("pc-q35-7.2");
        }
      xml = build_xml (spec, HANGAR_DOMAIN_PHASE_FINAL);
      assert_valid (xml);
      assert_driver_accepts (conn, xml);

      assert_xpath (xml, "count(/domain/devices/interface)", "1");
      assert_xpath (xml, "string(/domain/devices/interface/model/@type)",
                    variant == 1 ? "e1000e" : "virtio");
      if (variant == 0)
        {
          assert_xpath (xml, "string(/domain/devices/interface/@type)", "direct");
          assert_xpath (xml, "string(/domain/devices/interface/source/@dev)", "eth1");
          assert_xpath (xml, "string(/domain/devices/interface/source/@mode)", "bridge");
        }
      else
        {
          /* Usermode: QEMU's own NAT, no source. */
          assert_xpath (xml, "string(/domain/devices/interface/@type)", "user");
          assert_xpath (xml, "count(/domain/devices/interface/source)", "0");
        }
      assert_xpath (xml, "string(/domain/os/@firmware)", "efi");
      assert_xpath (xml, "string(/domain/os/firmware/feature[@name='secure-boot']/@enabled)",
                    variant == 0 ? "yes" : "no");
      assert_xpath (xml, "count(/domain/devices/tpm)", "1");
      assert_xpath (xml, "string(/domain/devices/tpm/backend/@type)", "emulator");
      assert_xpath (xml, "string(/domain/devices/tpm/backend/@version)", "2.0");
      if (variant == 0)
        {
          assert_xpath (xml, "string(/domain/os/firmware/feature[@name='enrolled-keys']/@enabled)",
                        "yes");
          assert_xpath (xml, "string(/domain/features/smm/@state)", "on");
          assert_xpath (xml, "string(/domain/devices/tpm/@model)", "tpm-crb");
        }
      else
        {
          assert_xpath (xml, "count(/domain/features/smm)", "0");
          assert_xpath (xml, "count(/domain/os/firmware/feature)", "1");
          assert_xpath (xml, "string(/domain/devices/tpm/@model)", "tpm-tis");
        }
    }

  {
    /* BIOS and no TPM: neither appears. */
    g_autoptr(HangarGuestSpec) spec = host_spec_for (connection, HANGAR_GUEST_SOURCE_MANUAL);
    g_autofree char *xml = NULL;

    spec->secure_boot = TRUE;
    xml = build_xml (spec, HANGAR_DOMAIN_PHASE_FINAL);
    assert_xpath (xml, "count(/domain/os/firmware)", "0");
    assert_xpath (xml, "count(/domain/features/smm)", "0");
    assert_xpath (xml, "count(/domain/devices/tpm)", "0");
  }

  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
add_network (HangarHostCaps *caps,
             const char     *name,
             gboolean        active)
{
  HangarHostNetwork *network = g_new0 (HangarHostNetwork, 1);

  network->name = g_strdup (name);
  network->active = active;
  g_ptr_array_add (caps->networks, network);
}

/* The network a new guest gets unless the user chooses: usermode on a session host
 * even beside a running network; the first running network elsewhere; usermode on a
 * QEMU host where none runs; none on other drivers. */
static void
test_default_network (void)
{
  g_autoptr(HangarHostCaps) none = hangar_host_caps_new ();
  g_autoptr(HangarHostCaps) stopped = hangar_host_caps_new ();
  g_autoptr(HangarHostCaps) running = hangar_host_caps_new ();
  static const struct {
    const char *uri;
    gboolean qemu;
    gboolean session;
  } uris[] = {
    { "qemu:///system", TRUE, FALSE },
    { "qemu:///session", TRUE, TRUE },
    { "qemu+ssh://root@host.example/system", TRUE, FALSE },
    { "qemu+unix:///session?socket=/tmp/libvirt-sock", TRUE, TRUE },
    { "test:///default", FALSE, FALSE },
    { "qemux:///system", FALSE, FALSE },
    { "lxc:///system", FALSE, FALSE },
  };
  static const struct {
    const char *uri;
    int caps;                       /* 0 none, 1 stopped, 2 running */
    HangarGuestSpecNetwork kind;
    const char *name;
  } cases[] = {
    { "qemu:///system", 2, HANGAR_GUEST_SPEC_NETWORK_VIRTUAL, "default" },
    { "qemu:///system", 1, HANGAR_GUEST_SPEC_NETWORK_USER, NULL },
    { "qemu:///system", 0, HANGAR_GUEST_SPEC_NETWORK_USER, NULL },
    { "qemu:///session", 2, HANGAR_GUEST_SPEC_NETWORK_USER, NULL },
    { "qemu:///session", 0, HANGAR_GUEST_SPEC_NETWORK_USER, NULL },
    { "qemu+ssh://root@host.example/system", 2, HANGAR_GUEST_SPEC_NETWORK_VIRTUAL, "default" },
    { "qemu+ssh://root@host.example/system", 1, HANGAR_GUEST_SPEC_NETWORK_USER, NULL },
    { "test:///default", 2, HANGAR_GUEST_SPEC_NETWORK_VIRTUAL, "default" },
    { "test:///default", 1, HANGAR_GUEST_SPEC_NETWORK_NONE, NULL },
  };
  const HangarHostCaps *caps[] = { none, stopped, running };

  for (guint i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      g_test_message ("%s", uris[i].uri);
      g_assert_cmpint (hangar_connection_uri_is_qemu (uris[i].uri), ==, uris[i].qemu);
      g_assert_cmpint (hangar_connection_uri_is_session (uris[i].uri), ==, uris[i].session);
    }

  add_network (stopped, "default", FALSE);
  add_network (running, "default", TRUE);
  add_network (running, "isolated", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *name = "unset";

      g_test_message ("%s, networks %d", cases[i].uri, cases[i].caps);
      g_assert_cmpint (hangar_guest_spec_default_network (cases[i].uri, caps[cases[i].caps], &name),
                       ==, cases[i].kind);
      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

static void
test_build_needs (void)
{
  g_autoptr(HangarGuestSpec) spec = spec_for (HANGAR_GUEST_SOURCE_URL);
  g_autoptr(GError) error = NULL;
  GVirConfigDomain *domain;

  /* The host not read yet. */
  domain = hangar_domain_builder_build (spec, HANGAR_DOMAIN_PHASE_INSTALL, &error);
  g_assert_null (domain);
  g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_HOST);
  g_clear_error (&error);

  spec->arch = g_strdup ("x86_64");
  spec->virt_type = g_strdup ("kvm");
  g_clear_pointer (&spec->kernel, g_free);
  domain = hangar_domain_builder_build (spec, HANGAR_DOMAIN_PHASE_INSTALL, &error);
  g_assert_null (domain);
  g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SOURCE);
  g_clear_error (&error);
}


/* Creating. */

static gboolean
domain_exists (virConnectPtr conn,
               const char   *name)
{
  virDomainPtr domain = virDomainLookupByName (conn, name);

  if (domain == NULL)
    {
      virResetLastError ();
      return FALSE;
    }
  virDomainFree (domain);
  return TRUE;
}

static HangarGuestSpec *
new_disk_spec (HangarConnection *connection,
               const char       *name)
{
  HangarGuestSpec *spec = spec_for (HANGAR_GUEST_SOURCE_MEDIA);
  g_autoptr(GError) error = NULL;

  g_free (spec->name);
  spec->name = g_strdup (name);
  spec->disk = HANGAR_GUEST_SPEC_DISK_NEW;
  g_clear_pointer (&spec->disk_path, g_free);
  spec->pool_name = g_strdup ("default-pool");
  spec->disk_size = 4 * GiB;
  spec->disk_format = HANGAR_VOLUME_FORMAT_QCOW2;
  g_assert_true (hangar_guest_spec_fill_host (spec, connection, &error));
  g_assert_no_error (error);
  return spec;
}

static char *
run_creator (HangarConnection      *connection,
             const HangarGuestSpec *spec,
             TestJobWatch              *watch,
             GError               **error)
{
  g_autoptr(HangarGuestCreator) creator = hangar_guest_creator_new (connection, spec);
  g_autoptr(HangarJob) job = hangar_job_new ("Creating");
  g_autoptr(GAsyncResult) result = NULL;

  if (watch != NULL)
    g_signal_connect (job, "notify::message", G_CALLBACK (test_job_watch_cb), watch);
  hangar_guest_creator_run_async (creator, job, test_on_result_cb, &result);
  if (!test_wait_for (test_has_result, &result, 10000))
    g_error ("The creator did not finish within 10 s");
  return hangar_guest_creator_run_finish (creator, result, error);
}

static void
test_create (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  virStoragePoolPtr vpool = virStoragePoolLookupByName (other, "default-pool");
  g_autoptr(HangarGuestSpec) spec = new_disk_spec (connection, "made-guest");
  TestJobWatch watch = { g_ptr_array_new_with_free_func (g_free), NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *volumes = NULL;
  virDomainPtr domain;
  virStorageVolPtr volume;
  int state = 0;

  /* The disk's name as the details page proposes it when made-guest.qcow2 is taken. */
  spec->volume_name = g_strdup ("made-guest-1.qcow2");
  g_assert_true (hangar_guest_spec_check (spec, connection, &error));
  g_assert_no_error (error);
  name = run_creator (connection, spec, &watch, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "made-guest");
  g_assert_true (test_has_message (watch.messages, "Defining “made-guest”"));
  g_assert_true (test_has_message (watch.messages, "Starting “made-guest”"));

  /* Seen through a second connection: running the install definition, on the new
   * volume. */
  domain = virDomainLookupByName (other, "made-guest");
  g_assert_nonnull (domain);
  g_assert_cmpint (virDomainGetState (domain, &state, NULL, 0), ==, 0);
  g_assert_cmpint (state, ==, VIR_DOMAIN_RUNNING);
  xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  assert_xpath (xml, "string(/domain/on_reboot)", "destroy");
  assert_xpath (xml, "string(/domain/os/boot[1]/@dev)", "cdrom");
  assert_xpath (xml, "string(/domain/devices/disk[@device='disk']/source/@file)",
                "/default-pool/made-guest-1.qcow2");
  volume = virStorageVolLookupByName (vpool, "made-guest-1.qcow2");
  g_assert_nonnull (volume);

  g_assert_cmpint (virDomainDestroy (domain), ==, 0);
  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  g_assert_cmpint (virStorageVolDelete (volume, 0), ==, 0);
  virStorageVolFree (volume);
  virDomainFree (domain);
  volumes = test_volume_names (other, "default-pool");
  g_assert_cmpstr (volumes, ==, "");
  g_ptr_array_unref (watch.messages);
  virStoragePoolFree (vpool);
  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
assert_spec_error (const HangarGuestSpec *spec,
                   HangarConnection      *connection,
                   int                    code,
                   const char            *expected)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (hangar_guest_spec_check (spec, connection, &error));
  g_assert_error (error, HANGAR_GUEST_SPEC_ERROR, code);
  g_assert_cmpstr (error->message, ==, expected);
}

/* What an image's first bytes say: qcow2's virtual size and backing file, else raw. */
static void
test_image_header (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hangar-image-XXXXXX", &error);
  g_autofree char *qcow2 = g_build_filename (dir, "base.qcow2", NULL);
  g_autofree char *backed = g_build_filename (dir, "backed.qcow2", NULL);
  g_autofree char *raw = g_build_filename (dir, "disk.img", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.qcow2", NULL);
  g_autofree char *zeros = g_malloc0 (3 * MiB);
  HangarImageHeader header;

  g_assert_no_error (error);
  test_make_qcow2 (qcow2, "64M", NULL);
  test_make_qcow2 (backed, "96M", qcow2);
  g_assert_true (g_file_set_contents (raw, zeros, 3 * MiB, &error));

  g_assert_true (hangar_volume_read_image_header (qcow2, &header, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (header.format, ==, HANGAR_VOLUME_FORMAT_QCOW2);
  g_assert_cmpuint (header.virtual_size, ==, 64 * MiB);
  g_assert_cmpuint (header.file_size, <, MiB);
  g_assert_false (header.backed);

  g_assert_true (hangar_volume_read_image_header (backed, &header, NULL, &error));
  g_assert_cmpint (header.format, ==, HANGAR_VOLUME_FORMAT_QCOW2);
  g_assert_cmpuint (header.virtual_size, ==, 96 * MiB);
  g_assert_true (header.backed);

  g_assert_true (hangar_volume_read_image_header (raw, &header, NULL, &error));
  g_assert_cmpint (header.format, ==, HANGAR_VOLUME_FORMAT_RAW);
  g_assert_cmpuint (header.virtual_size, ==, 3 * MiB);
  g_assert_cmpuint (header.file_size, ==, 3 * MiB);
  g_assert_false (header.backed);

  g_assert_false (hangar_volume_read_image_header (missing, &header, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  for (const char *const *file = (const char *const[]) { qcow2, backed, raw, NULL }; *file; file++)
    g_assert_cmpint (g_unlink (*file), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A failed or cancelled copy left nothing: the pool holds the image alone, and no
 * guest "copy-guest" is there. */
static void
assert_copy_gone (virConnectPtr other)
{
  g_autofree char *volumes = test_volume_names (other, "default-pool");
  virDomainPtr domain = virDomainLookupByName (other, "copy-guest");

  g_assert_cmpstr (volumes, ==, "base.qcow2");
  g_assert_null (domain);
  virResetLastError ();
}

/* A cloud image copied (copy_base_image). From a volume of a pool, libvirt copies it: a
 * whole qcow2 volume without a backing file, the guest on it; the disk may not be
 * smaller than the image (said at the disk). The test driver can copy but not grow a
 * volume, nor take an upload: a larger disk, and a local file outside the pools, fail
 * there, and the copy goes again (counted), as it does on Cancel. The check refuses what cannot be copied: a
 * raw file or one with a backing file outside the pools, and on another host any
 * image outside the pools. e2e-creator copies, grows and uploads for real. */
static void
test_copy_cloud_image (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  virStoragePoolPtr vpool = virStoragePoolLookupByName (other, "default-pool");
  g_autoptr(HangarGuestSpec) spec = spec_for (HANGAR_GUEST_SOURCE_CLOUD_IMAGE);
  TestJobWatch watch = { g_ptr_array_new_with_free_func (g_free), NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hangar-copy-XXXXXX", &error);
  g_autofree char *local = g_build_filename (dir, "local.qcow2", NULL);
  g_autofree char *backed = g_build_filename (dir, "backed.qcow2", NULL);
  g_autofree char *raw = g_build_filename (dir, "disk.img", NULL);
  g_autofree char *name = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *volumes = NULL;
  g_autofree char *not_in_pool = NULL;
  virStorageVolPtr base, copy;
  virDomainPtr domain;
  guint64 size = 0;

  g_assert_no_error (error);
  base = virStorageVolCreateXML (vpool,
                                 "<volume><name>base.qcow2</name><capacity>1073741824</capacity>"
                                 "<target><format type='qcow2'/></target></volume>", 0);
  g_assert_nonnull (base);
  g_free (spec->name);
  spec->name = g_strdup ("copy-guest");
  g_free (spec->base_image);
  spec->base_image = g_strdup ("/default-pool/base.qcow2");
  spec->copy_base_image = TRUE;
  g_assert_true (hangar_guest_spec_fill_host (spec, connection, &error));

  /* Smaller than the image: refused at the disk. */
  spec->disk_size = 512 * MiB;
  assert_spec_error (spec, connection, HANGAR_GUEST_SPEC_ERROR_DISK,
                     "The disk must be at least 1.0\u00a0GiB, the size of the image it copies. Give a larger size.");

  spec->disk_size = GiB;
  g_assert_true (hangar_guest_spec_check (spec, connection, &error));
  g_assert_no_error (error);
  name = run_creator (connection, spec, &watch, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "copy-guest");
  g_assert_true (test_has_message (watch.messages, "Copying the image"));
  copy = virStorageVolLookupByName (vpool, "copy-guest.qcow2");
  g_assert_nonnull (copy);
  xml = virStorageVolGetXMLDesc (copy, 0);
  assert_xpath (xml, "string(count(/volume/backingStore))", "0");
  assert_xpath (xml, "string(/volume/capacity)", "1073741824");
  assert_xpath (xml, "string(/volume/target/format/@type)", "qcow2");
  g_clear_pointer (&xml, free);
  domain = virDomainLookupByName (other, "copy-guest");
  g_assert_nonnull (domain);
  xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  assert_xpath (xml, "string(/domain/devices/disk[@device='disk']/source/@file)",
                "/default-pool/copy-guest.qcow2");
  assert_xpath (xml, "string(count(/domain/devices/disk[@device='disk']/backingStore/source))", "0");
  g_assert_cmpint (virDomainDestroy (domain), ==, 0);
  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  virDomainFree (domain);
  g_assert_cmpint (virStorageVolDelete (copy, 0), ==, 0);
  virStorageVolFree (copy);

  /* Cancel as the copy starts: libvirt's copy cannot be interrupted, so it is made,
   * then deleted. */
  watch.cancel_at = "Copying the image";
  g_clear_pointer (&name, g_free);
  name = run_creator (connection, spec, &watch, &error);
  g_assert_null (name);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  watch.cancel_at = NULL;
  assert_copy_gone (other);

  /* Larger: the test driver has no resize. */
  spec->disk_size = 2 * GiB;
  g_clear_pointer (&name, g_free);
  name = run_creator (connection, spec, NULL, &error);
  g_assert_null (name);
  g_assert_error (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DISK);
  if (!g_str_has_prefix (error->message, "Could not create the disk of “copy-guest”: Could not grow the copy of “/default-pool/base.qcow2”: "))
    g_error ("Unexpected message: %s", error->message);
  g_clear_error (&error);
  assert_copy_gone (other);

  /* A local qcow2 file outside the pools: uploaded, which the test driver cannot. */
  test_make_qcow2 (local, "64M", NULL);
  g_free (spec->base_image);
  spec->base_image = g_strdup (local);
  spec->disk_size = 32 * MiB;
  assert_spec_error (spec, connection, HANGAR_GUEST_SPEC_ERROR_DISK,
                     "The disk must be at least 64.0\u00a0MiB, the size of the image it copies. Give a larger size.");
  spec->disk_size = 64 * MiB;
  g_assert_true (hangar_guest_spec_check (spec, connection, &error));
  g_assert_no_error (error);
  name = run_creator (connection, spec, NULL, &error);
  g_assert_null (name);
  g_assert_error (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DISK);
  g_clear_error (&error);
  assert_copy_gone (other);

  /* What cannot be copied, said at the image. */
  test_make_qcow2 (backed, "64M", local);
  g_free (spec->base_image);
  spec->base_image = g_strdup (backed);
  xml = g_strdup_printf ("“%s” reads part of its data from a backing file of its own: Hangar copies only whole images. Turn off Copy the Image.",
                         backed);
  assert_spec_error (spec, connection, HANGAR_GUEST_SPEC_ERROR_SOURCE, xml);
  g_clear_pointer (&xml, g_free);
  g_assert_true (g_file_set_contents (raw, "raw", -1, &error));
  g_free (spec->base_image);
  spec->base_image = g_strdup (raw);
  xml = g_strdup_printf ("“%s” is not a qcow2 image: Hangar copies other formats only from a storage pool. Put the image in a pool, or turn off Copy the Image.",
                         raw);
  assert_spec_error (spec, connection, HANGAR_GUEST_SPEC_ERROR_SOURCE, xml);
  g_clear_pointer (&xml, g_free);

  /* Another host: only volumes of its pools. */
  g_assert_true (hangar_volume_image_size (other, "/default-pool/base.qcow2", FALSE, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, GiB);
  g_assert_false (hangar_volume_image_size (other, local, FALSE, &size, &error));
  g_assert_error (error, HANGAR_STORAGE_ERROR, HANGAR_STORAGE_ERROR_INVALID_PATH);
  not_in_pool = g_strdup_printf ("“%s” is not a volume of the host’s storage pools: to copy an image on another host, it must be in one. Choose a volume of a pool, or turn off Copy the Image.",
                                 local);
  g_assert_cmpstr (error->message, ==, not_in_pool);

  g_assert_cmpint (virStorageVolDelete (base, 0), ==, 0);
  virStorageVolFree (base);
  for (const char *const *file = (const char *const[]) { local, backed, raw, NULL }; *file; file++)
    g_assert_cmpint (g_unlink (*file), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_ptr_array_unref (watch.messages);
  virStoragePoolFree (vpool);
  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* The name was free when checked, then a second connection defined a guest of that
 * name: the define fails for real, the new volume goes, the other guest stays. */
static void
test_define_fails (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  g_autoptr(HangarGuestSpec) spec = new_disk_spec (connection, "race-guest");
  g_autoptr(HangarGuestSpec) theirs = spec_for (HANGAR_GUEST_SOURCE_MANUAL);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *their_xml = NULL;
  g_autofree char *volumes = NULL;
  char their_uuid[VIR_UUID_STRING_BUFLEN];
  char uuid_after[VIR_UUID_STRING_BUFLEN];
  virDomainPtr domain;

  g_assert_true (hangar_guest_spec_check (spec, connection, &error));
  g_assert_no_error (error);

  g_free (theirs->name);
  theirs->name = g_strdup ("race-guest");
  g_assert_true (hangar_guest_spec_fill_host (theirs, connection, &error));
  their_xml = build_xml (theirs, HANGAR_DOMAIN_PHASE_FINAL);
  domain = virDomainDefineXML (other, their_xml);
  g_assert_nonnull (domain);
  g_assert_cmpint (virDomainGetUUIDString (domain, their_uuid), ==, 0);
  virDomainFree (domain);

  name = run_creator (connection, spec, NULL, &error);
  g_assert_null (name);
  g_assert_error (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DEFINE);
  if (!g_str_has_prefix (error->message, "Could not define the virtual machine “race-guest”: "))
    g_error ("Unexpected message: %s", error->message);

  volumes = test_volume_names (other, "default-pool");
  g_assert_cmpstr (volumes, ==, "");
  domain = virDomainLookupByName (other, "race-guest");
  g_assert_nonnull (domain);
  g_assert_cmpint (virDomainGetUUIDString (domain, uuid_after), ==, 0);
  g_assert_cmpstr (uuid_after, ==, their_uuid);
  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  virDomainFree (domain);

  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* A pool made for the guest (the storage page's "Create It" for "default"), the
 * disk to go in it: made here through the connection, as the page does. */
static HangarPool *
make_pool (HangarConnection *connection,
           const char       *name)
{
  g_autoptr(HangarPoolSpec) pool_spec = hangar_pool_spec_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  HangarPool *pool;

  pool_spec->name = g_strdup (name);
  pool_spec->type = HANGAR_POOL_TYPE_DIR;
  pool_spec->target_path = g_strconcat ("/", name, NULL);
  pool_spec->build = TRUE;
  hangar_connection_create_pool_async (connection, pool_spec, NULL, NULL, test_on_result_cb, &result);
  g_assert_true (test_wait_for (test_has_result, &result, 10000));
  pool = hangar_connection_create_pool_finish (connection, result, &error);
  g_assert_no_error (error);
  g_assert_true (hangar_pool_get_active (pool));
  return pool;
}

static gboolean
pool_exists (virConnectPtr  conn,
             const char    *name)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (conn, name);

  if (pool == NULL)
    return FALSE;
  virStoragePoolFree (pool);
  return TRUE;
}

static gboolean
remove_pool (HangarPool *pool,
             GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  hangar_guest_creator_remove_pool_async (pool, TRUE, NULL, test_on_result_cb, &result);
  g_assert_true (test_wait_for (test_has_result, &result, 10000));
  return hangar_guest_creator_remove_pool_finish (pool, result, error);
}

/* The pool the window made for the guest goes with a failed creation (the define
 * refused: a guest of that name came meanwhile) and with a Cancel during the
 * allocation, after the disk it held; a pool the user had already (spec->made_pool
 * NULL) stays. remove_pool keeps a pool that holds a volume. */
static void
test_made_pool (void)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  g_autoptr(HangarGuestSpec) theirs = spec_for (HANGAR_GUEST_SOURCE_MANUAL);
  g_autofree char *their_xml = NULL;
  virDomainPtr domain;

  g_free (theirs->name);
  theirs->name = g_strdup ("made-pool-guest");
  g_assert_true (hangar_guest_spec_fill_host (theirs, connection, NULL));
  their_xml = build_xml (theirs, HANGAR_DOMAIN_PHASE_FINAL);

  for (guint made = 0; made < 2; made++)
    {
      g_autoptr(HangarPool) pool = make_pool (connection, "made-pool");
      g_autoptr(HangarGuestSpec) spec = new_disk_spec (connection, "made-pool-guest");
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;

      g_free (spec->pool_name);
      spec->pool_name = g_strdup ("made-pool");
      spec->made_pool = made ? g_strdup ("made-pool") : NULL;
      spec->made_pool_dir = TRUE;
      domain = virDomainDefineXML (other, their_xml);
      g_assert_nonnull (domain);

      name = run_creator (connection, spec, NULL, &error);
      g_assert_null (name);
      g_assert_error (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DEFINE);
      g_assert_cmpint (virDomainUndefine (domain), ==, 0);
      virDomainFree (domain);
      g_assert_cmpint (pool_exists (other, "made-pool"), ==, !made);
      if (!made)
        {
          g_autofree char *volumes = test_volume_names (other, "made-pool");
          g_autoptr(GError) remove_error = NULL;

          g_assert_cmpstr (volumes, ==, "");
          g_assert_true (remove_pool (pool, &remove_error));
          g_assert_no_error (remove_error);
          g_assert_false (pool_exists (other, "made-pool"));
        }
    }

  /* Cancelled while the disk is allocated. */
  {
    g_autoptr(HangarPool) pool = make_pool (connection, "made-pool");
    g_autoptr(HangarGuestSpec) spec = new_disk_spec (connection, "made-pool-guest");
    TestJobWatch watch = { g_ptr_array_new_with_free_func (g_free), "Allocating" };
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;

    g_free (spec->pool_name);
    spec->pool_name = g_strdup ("made-pool");
    spec->made_pool = g_strdup ("made-pool");
    name = run_creator (connection, spec, &watch, &error);
    g_assert_null (name);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_false (pool_exists (other, "made-pool"));
    g_assert_false (domain_exists (other, "made-pool-guest"));
    g_ptr_array_unref (watch.messages);
  }

  /* A pool with a volume in it is kept. */
  {
    g_autoptr(HangarPool) pool = make_pool (connection, "made-pool");
    virStoragePoolPtr vpool = virStoragePoolLookupByName (other, "made-pool");
    virStorageVolPtr volume;
    g_autoptr(GError) error = NULL;

    volume = virStorageVolCreateXML (vpool, "<volume><name>kept.img</name>"
                                            "<capacity>1048576</capacity></volume>", 0);
    g_assert_nonnull (volume);
    g_assert_true (remove_pool (pool, &error));
    g_assert_no_error (error);
    g_assert_true (pool_exists (other, "made-pool"));
    g_assert_cmpint (virStorageVolDelete (volume, 0), ==, 0);
    virStorageVolFree (volume);
    g_assert_true (remove_pool (pool, &error));
    g_assert_false (pool_exists (other, "made-pool"));
    virStoragePoolFree (vpool);
  }

  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* Cancel as each step is announced: during the allocation, the define, the start.
 * Nothing is left, and the error says it was cancelled. */
static void
test_cancel (void)
{
  static const char *const steps[] = { "Allocating", "Defining", "Starting" };
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(HangarGuestSpec) spec = new_disk_spec (connection, "cancel-guest");
      TestJobWatch watch = { g_ptr_array_new_with_free_func (g_free), steps[i] };
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;
      g_autofree char *volumes = NULL;
      gboolean reached = FALSE;

      g_test_message ("Cancel at %s", steps[i]);
      name = run_creator (connection, spec, &watch, &error);
      g_assert_null (name);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpstr (error->message, ==, "Creating the virtual machine “cancel-guest” was cancelled.");
      /* The step was reached, and Cancel came there. */
      for (guint m = 0; m < watch.messages->len; m++)
        reached |= g_str_has_prefix (watch.messages->pdata[m], steps[i]);
      g_assert_true (reached);
      volumes = test_volume_names (other, "default-pool");
      g_assert_cmpstr (volumes, ==, "");
      g_assert_false (domain_exists (other, "cancel-guest"));
      g_ptr_array_unref (watch.messages);
    }

  virConnectClose (other);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

/* After the installer: refused while the guest runs; once it is off, the final
 * definition replaces the install one under the same UUID. */
/* @customized: the user edited the install definition (Customize), adding a
 * description; the final definition keeps the edit. */
static void
finish_install (gboolean customized)
{
  HangarConnection *connection = test_open_connection ("test:///default");
  virConnectPtr other = virConnectOpen ("test:///default");
  virStoragePoolPtr vpool = virStoragePoolLookupByName (other, "default-pool");
  g_autoptr(HangarGuestSpec) spec = new_disk_spec (connection, "installed-guest");
  g_autoptr(HangarGuestCreator) creator = hangar_guest_creator_new (connection, spec);
  g_autoptr(HangarJob) job = hangar_job_new ("Creating");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) switched = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *xml = NULL;
  char uuid_before[VIR_UUID_STRING_BUFLEN];
  char uuid_after[VIR_UUID_STRING_BUFLEN];
  virDomainPtr domain;
  virStorageVolPtr volume;

  if (customized)
    {
      g_autoptr(HangarGuestSpec) predicted = hangar_guest_spec_copy (spec);
      g_autofree char *built = NULL;
      g_auto(GStrv) halves = NULL;

      /* As the Customize page shows it: the new volume at the path it will have. */
      predicted->disk_path = g_strdup ("/default-pool/installed-guest.qcow2");
      built = build_xml (predicted, HANGAR_DOMAIN_PHASE_INSTALL);
      assert_xpath (built, "count(/domain/devices/disk[@device='cdrom'])", "1");
      assert_xpath (built, "string(/domain/on_reboot)", "destroy");
      halves = g_strsplit (built, "</name>", 2);
      g_assert_cmpuint (g_strv_length (halves), ==, 2);
      spec->custom_xml = g_strconcat (halves[0], "</name><description>Edited before the install</description>",
                                      halves[1], NULL);
      g_clear_object (&creator);
      creator = hangar_guest_creator_new (connection, spec);
    }
  hangar_guest_creator_run_async (creator, job, test_on_result_cb, &result);
  g_assert_true (test_wait_for (test_has_result, &result, 10000));
  name = hangar_guest_creator_run_finish (creator, result, &error);
  g_assert_no_error (error);
  domain = virDomainLookupByName (other, name);
  g_assert_nonnull (domain);
  g_assert_cmpint (virDomainGetUUIDString (domain, uuid_before), ==, 0);

  hangar_guest_creator_finish_install_async (creator, NULL, test_on_result_cb, &switched);
  g_assert_true (test_wait_for (test_has_result, &switched, 10000));
  g_assert_false (hangar_guest_creator_finish_install_finish (creator, switched, &error));
  g_assert_error (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_DEFINE);
  g_assert_cmpstr (error->message, ==,
                   "Could not finish the installation of “installed-guest”: it still runs. Wait until the installer has ended.");
  g_clear_error (&error);
  g_clear_object (&switched);

  /* Forced off before the installer's end: nothing switches, the installer stays for
   * the next run. */
  g_assert_cmpint (virDomainDestroy (domain), ==, 0);
  hangar_guest_creator_finish_install_async (creator, NULL, test_on_result_cb, &switched);
  g_assert_true (test_wait_for (test_has_result, &switched, 10000));
  g_assert_false (hangar_guest_creator_finish_install_finish (creator, switched, &error));
  g_assert_error (error, HANGAR_GUEST_CREATOR_ERROR, HANGAR_GUEST_CREATOR_ERROR_INTERRUPTED);
  g_assert_cmpstr (error->message, ==,
                   "The installation of “installed-guest” was stopped before the installer ended. Run the virtual machine to start the installation again.");
  g_clear_error (&error);
  g_clear_object (&switched);
  {
    g_autofree char *xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);

    assert_xpath (xml, "string(/domain/on_reboot)", "destroy");
    assert_xpath (xml, "count(/domain/devices/disk[@device='cdrom'])", "1");
  }

  /* What on_reboot=destroy does when the installer reboots: QEMU exits as after a
   * power-off, a shutdown for libvirt. */
  g_assert_cmpint (virDomainCreate (domain), ==, 0);
  g_assert_cmpint (virDomainShutdown (domain), ==, 0);
  hangar_guest_creator_finish_install_async (creator, NULL, test_on_result_cb, &switched);
  g_assert_true (test_wait_for (test_has_result, &switched, 10000));
  g_assert_true (hangar_guest_creator_finish_install_finish (creator, switched, &error));
  g_assert_no_error (error);
  virDomainFree (domain);

  domain = virDomainLookupByName (other, "installed-guest");
  g_assert_nonnull (domain);
  g_assert_cmpint (virDomainGetUUIDString (domain, uuid_after), ==, 0);
  g_assert_cmpstr (uuid_after, ==, uuid_before);
  xml = virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
  assert_xpath (xml, "string(/domain/on_reboot)", "restart");
  assert_xpath (xml, "count(/domain/os/boot)", "1");
  assert_xpath (xml, "string(/domain/os/boot/@dev)", "hd");
  assert_xpath (xml, "count(/domain/devices/disk[@device='cdrom'])", "0");
  assert_xpath (xml, "string(/domain/devices/disk[@device='disk']/source/@file)",
                "/default-pool/installed-guest.qcow2");
  assert_xpath (xml, "string(/domain/description)",
                customized ? "Edited before the install" : "");

  g_assert_cmpint (virDomainUndefine (domain), ==, 0);
  virDomainFree (domain);
  volume = virStorageVolLookupByName (vpool, "installed-guest.qcow2");
  g_assert_nonnull (volume);
  g_assert_cmpint (virStorageVolDelete (volume, 0), ==, 0);
  virStorageVolFree (volume);
  virStoragePoolFree (vpool);
  virConnectClose (other);
  g_clear_object (&result);
  g_clear_object (&switched);
  g_clear_object (&creator);
  hangar_connection_close (connection);
  test_assert_finalized (connection);
}

static void
test_finish_install (void)
{
  finish_install (FALSE);
}

static void
test_finish_install_customized (void)
{
  finish_install (TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  hangar_core_init ();

  g_test_add_func ("/guest-creator/spec-copy", test_spec_copy);
  g_test_add_func ("/guest-creator/check-bad-input", test_check_bad_input);
  g_test_add_func ("/guest-creator/check-async", test_check_async);
  g_test_add_func ("/guest-creator/fill-host", test_fill_host);
  g_test_add_func ("/guest-creator/every-source", test_every_source);
  g_test_add_func ("/guest-creator/hardware-choices", test_hardware_choices);
  g_test_add_func ("/guest-creator/default-network", test_default_network);
  g_test_add_func ("/guest-creator/build-needs", test_build_needs);
  g_test_add_func ("/guest-creator/create", test_create);
  g_test_add_func ("/guest-creator/define-fails", test_define_fails);
  g_test_add_func ("/guest-creator/image-header", test_image_header);
  g_test_add_func ("/guest-creator/copy-cloud-image", test_copy_cloud_image);
  g_test_add_func ("/guest-creator/cancel", test_cancel);
  g_test_add_func ("/guest-creator/made-pool", test_made_pool);
  g_test_add_func ("/guest-creator/finish-install", test_finish_install);
  g_test_add_func ("/guest-creator/finish-install-customized", test_finish_install_customized);

  return g_test_run ();
}
