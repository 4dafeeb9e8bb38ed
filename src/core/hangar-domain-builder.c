// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-domain-builder"

/* Domain definitions from a HangarGuestSpec, as virt-install writes them: the devices
 * a desktop guest needs (disk, CD-ROM, network, graphics, video, tablet, the SPICE
 * agent's channel, a serial console), the boot order of each phase and the libosinfo
 * metadata that tells later tools which OS the guest runs. */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libxml/tree.h>

#include "hangar-domain-builder.h"
#include "hangar-storage-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainDiskDriver, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainChardevSourcePty, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainChardevSourceSpiceVmc, g_object_unref)

gboolean
hangar_domain_builder_has_install_phase (const HangarGuestSpec *spec)
{
  switch (spec->source)
    {
    case HANGAR_GUEST_SOURCE_MEDIA:
    case HANGAR_GUEST_SOURCE_URL:
    case HANGAR_GUEST_SOURCE_PXE:
      return TRUE;
    case HANGAR_GUEST_SOURCE_IMPORT:
    case HANGAR_GUEST_SOURCE_CLOUD_IMAGE:
    case HANGAR_GUEST_SOURCE_KERNEL:
    case HANGAR_GUEST_SOURCE_MANUAL:
    default:
      return FALSE;
    }
}

static void
add_device (GVirConfigDomain *domain,
            gpointer          device)
{
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (device));
  g_object_unref (device);
}

static gboolean
is_x86 (const char *arch)
{
  return arch != NULL && (g_str_equal (arch, "x86_64") || g_str_equal (arch, "i686"));
}

static GVirConfigDomainDisk *
new_disk (const char                     *path,
          GVirConfigDomainDiskGuestDeviceType device,
          GVirConfigDomainDiskBus         bus,
          const char                     *target,
          GVirConfigDomainDiskFormat      format)
{
  GVirConfigDomainDisk *disk = gvir_config_domain_disk_new ();
  g_autoptr(GVirConfigDomainDiskDriver) driver = gvir_config_domain_disk_driver_new ();

  gvir_config_domain_disk_set_type (disk, g_str_has_prefix (path, "/dev/")
                                          ? GVIR_CONFIG_DOMAIN_DISK_BLOCK
                                          : GVIR_CONFIG_DOMAIN_DISK_FILE);
  gvir_config_domain_disk_set_guest_device_type (disk, device);
  gvir_config_domain_disk_driver_set_name (driver, "qemu");
  gvir_config_domain_disk_driver_set_format (driver, format);
  gvir_config_domain_disk_set_driver (disk, driver);
  gvir_config_domain_disk_set_source (disk, path);
  gvir_config_domain_disk_set_target_bus (disk, bus);
  gvir_config_domain_disk_set_target_dev (disk, target);
  if (device == GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM)
    gvir_config_domain_disk_set_readonly (disk, TRUE);
  return disk;
}

static GVirConfigDomainDiskFormat
disk_format (const HangarGuestSpec *spec)
{
  if (spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE
      || (spec->disk == HANGAR_GUEST_SPEC_DISK_NEW && spec->disk_format == HANGAR_VOLUME_FORMAT_QCOW2)
      || (spec->disk == HANGAR_GUEST_SPEC_DISK_EXISTING && spec->disk_path != NULL
          && g_str_has_suffix (spec->disk_path, ".qcow2")))
    return GVIR_CONFIG_DOMAIN_DISK_FORMAT_QCOW2;
  return GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW;
}

/* libvirt-gconfig 4.0 has no class for a macvtap interface, a TPM, Secure Boot's
 * firmware features or SMM: those are plain device objects or the nodes of gconfig's
 * objects, given their attributes and children through libxml2 (which escapes the
 * values), never text. */
static xmlNodePtr
add_child (xmlNodePtr  parent,
           const char *element)
{
  return xmlNewChild (parent, NULL, BAD_CAST element, NULL);
}

static void
set_attribute (xmlNodePtr  node,
               const char *attribute,
               const char *value)
{
  xmlSetProp (node, BAD_CAST attribute, BAD_CAST value);
}

/* <interface type='direct'><source dev=@device mode='bridge'/><model type=@model/>: a
 * macvtap on a host interface, in bridge mode (guests on it reach each other). */
static GVirConfigDomainDevice *
new_macvtap (const char *device,
             const char *model)
{
  GVirConfigObject *interface = gvir_config_object_new (GVIR_CONFIG_TYPE_DOMAIN_DEVICE,
                                                        "interface", NULL);
  xmlNodePtr node = hangar_storage_config_node (interface);
  xmlNodePtr source;

  set_attribute (node, "type", "direct");
  source = add_child (node, "source");
  set_attribute (source, "dev", device);
  set_attribute (source, "mode", "bridge");
  set_attribute (add_child (node, "model"), "type", model);
  return GVIR_CONFIG_DOMAIN_DEVICE (interface);
}

/* <tpm model=…><backend type='emulator' version='2.0'/>: the CRB interface on q35
 * (what Windows 11 expects there), TIS elsewhere. */
static GVirConfigDomainDevice *
new_tpm (const HangarGuestSpec *spec)
{
  GVirConfigObject *tpm = gvir_config_object_new (GVIR_CONFIG_TYPE_DOMAIN_DEVICE, "tpm", NULL);
  xmlNodePtr node = hangar_storage_config_node (tpm);
  xmlNodePtr backend;

  set_attribute (node, "model", spec->machine != NULL && strstr (spec->machine, "q35") != NULL
                                ? "tpm-crb" : "tpm-tis");
  backend = add_child (node, "backend");
  set_attribute (backend, "type", "emulator");
  set_attribute (backend, "version", "2.0");
  return GVIR_CONFIG_DOMAIN_DEVICE (tpm);
}

/* With UEFI, libvirt picks the firmware from the features asked for:
 * <firmware><feature enabled=… name='secure-boot'/>…</firmware>. Secure Boot on also
 * asks for the Microsoft keys enrolled and needs SMM (<features><smm state='on'/>);
 * off is said too, or libvirt may pick a Secure Boot build. */
static void
set_secure_boot (GVirConfigDomain   *domain,
                 GVirConfigDomainOs *os,
                 gboolean            secure_boot)
{
  xmlNodePtr firmware = add_child (hangar_storage_config_node (os), "firmware");
  xmlNodePtr feature = add_child (firmware, "feature");

  set_attribute (feature, "enabled", secure_boot ? "yes" : "no");
  set_attribute (feature, "name", "secure-boot");
  if (!secure_boot)
    return;
  feature = add_child (firmware, "feature");
  set_attribute (feature, "enabled", "yes");
  set_attribute (feature, "name", "enrolled-keys");
  {
    xmlNodePtr features = hangar_storage_xml_child (hangar_storage_config_node (domain),
                                                     "features");

    if (features == NULL)
      features = add_child (hangar_storage_config_node (domain), "features");
    set_attribute (add_child (features, "smm"), "state", "on");
  }
}

/* <libosinfo:libosinfo><libosinfo:os id="…"/></libosinfo:libosinfo>. gconfig only
 * takes custom metadata as a string: the fragment is built as nodes with libxml2 and
 * serialised, so the id is escaped by libxml2, never pasted into text. */
static gboolean
set_os_metadata (GVirConfigDomain *domain,
                 const char       *os_id,
                 GError          **error)
{
  xmlDocPtr doc = xmlNewDoc ((const xmlChar *) "1.0");
  xmlNodePtr root = xmlNewNode (NULL, (const xmlChar *) "libosinfo");
  xmlNodePtr os;
  xmlBufferPtr buffer = xmlBufferCreate ();
  gboolean ok;

  xmlDocSetRootElement (doc, root);
  os = xmlNewChild (root, NULL, (const xmlChar *) "os", NULL);
  xmlNewProp (os, (const xmlChar *) "id", (const xmlChar *) os_id);
  xmlNodeDump (buffer, doc, root, 0, 0);
  ok = gvir_config_domain_set_custom_xml_ns_children (domain, (const char *) xmlBufferContent (buffer),
                                                      "libosinfo", HANGAR_LIBOSINFO_NS_URI,
                                                      error);
  xmlBufferFree (buffer);
  xmlFreeDoc (doc);
  return ok;
}

GVirConfigDomain *
hangar_domain_builder_build (const HangarGuestSpec *spec,
                             HangarDomainPhase      phase,
                             GError               **error)
{
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GVirConfigDomainOs) os = NULL;
  g_autoptr(GEnumClass) virt_types = NULL;
  GEnumValue *virt_type;
  GList *boot = NULL;
  gboolean install = phase == HANGAR_DOMAIN_PHASE_INSTALL
                     && hangar_domain_builder_has_install_phase (spec);
  gboolean kernel_boot;
  GVirConfigDomainDiskBus bus = spec->virtio_disk ? GVIR_CONFIG_DOMAIN_DISK_BUS_VIRTIO
                                                  : GVIR_CONFIG_DOMAIN_DISK_BUS_SATA;

  g_return_val_if_fail (spec != NULL, NULL);

  if (spec->arch == NULL || spec->virt_type == NULL)
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_HOST,
                           _("What the host offers has not been read yet."));
      return NULL;
    }
  if (spec->disk != HANGAR_GUEST_SPEC_DISK_NONE && spec->disk_path == NULL)
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_DISK,
                           _("The disk has not been made yet."));
      return NULL;
    }
  kernel_boot = spec->source == HANGAR_GUEST_SOURCE_KERNEL
                || (install && spec->source == HANGAR_GUEST_SOURCE_URL);
  if (kernel_boot && spec->kernel == NULL)
    {
      g_set_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SOURCE,
                   _("The installer’s kernel has not been fetched from %s yet."),
                   spec->tree_url != NULL ? spec->tree_url : "");
      return NULL;
    }

  domain = gvir_config_domain_new ();
  virt_types = g_type_class_ref (GVIR_CONFIG_TYPE_DOMAIN_VIRT_TYPE);
  virt_type = g_enum_get_value_by_nick (virt_types, spec->virt_type);
  gvir_config_domain_set_virt_type (domain, virt_type != NULL ? virt_type->value
                                                              : GVIR_CONFIG_DOMAIN_VIRT_QEMU);
  gvir_config_domain_set_name (domain, spec->name);
  /* gconfig counts memory in KiB. */
  gvir_config_domain_set_memory (domain, spec->memory / 1024);
  gvir_config_domain_set_current_memory (domain, spec->memory / 1024);
  gvir_config_domain_set_vcpus (domain, MAX (spec->vcpus, 1));
  if (is_x86 (spec->arch))
    {
      const char *features[] = { "acpi", "apic", NULL };
      gvir_config_domain_set_features (domain, (GStrv) features);
    }
  if (spec->os_id != NULL && !set_os_metadata (domain, spec->os_id, error))
    return NULL;

  os = gvir_config_domain_os_new ();
  gvir_config_domain_os_set_os_type (os, GVIR_CONFIG_DOMAIN_OS_TYPE_HVM);
  gvir_config_domain_os_set_arch (os, spec->arch);
  if (spec->machine != NULL)
    gvir_config_domain_os_set_machine (os, spec->machine);
  if (spec->firmware == HANGAR_GUEST_FIRMWARE_UEFI)
    {
      gvir_config_domain_os_set_firmware (os, GVIR_CONFIG_DOMAIN_OS_FIRMWARE_EFI);
      set_secure_boot (domain, os, spec->secure_boot);
    }
  if (kernel_boot)
    {
      gvir_config_domain_os_set_kernel (os, spec->kernel);
      if (spec->initrd != NULL)
        gvir_config_domain_os_set_ramdisk (os, spec->initrd);
      if (spec->cmdline != NULL)
        gvir_config_domain_os_set_cmdline (os, spec->cmdline);
    }
  else
    {
      /* The install media first, then the disk. */
      if (install && spec->source == HANGAR_GUEST_SOURCE_MEDIA)
        boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_CDROM));
      if (install && spec->source == HANGAR_GUEST_SOURCE_PXE)
        boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_NETWORK));
      boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD));
      gvir_config_domain_os_set_boot_devices (os, boot);
      g_list_free (boot);
    }
  gvir_config_domain_set_os (domain, os);

  /* The media must be gone before the installed system boots: the guest powers off
   * instead, and the creator puts the final definition in place. */
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_POWEROFF,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY);
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_REBOOT,
                                    install ? GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY
                                            : GVIR_CONFIG_DOMAIN_LIFECYCLE_RESTART);
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_CRASH,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY);

  if (spec->disk != HANGAR_GUEST_SPEC_DISK_NONE)
    add_device (domain, new_disk (spec->disk_path, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK,
                                  bus, spec->virtio_disk ? "vda" : "sda", disk_format (spec)));
  if (install && spec->source == HANGAR_GUEST_SOURCE_MEDIA)
    add_device (domain, new_disk (spec->media_path, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM,
                                  GVIR_CONFIG_DOMAIN_DISK_BUS_SATA,
                                  spec->virtio_disk || spec->disk == HANGAR_GUEST_SPEC_DISK_NONE
                                  ? "sda" : "sdb",
                                  GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW));

  if (spec->network == HANGAR_GUEST_SPEC_NETWORK_MACVTAP)
    add_device (domain, new_macvtap (spec->network_name, hangar_guest_spec_net_model (spec)));
  else if (spec->network != HANGAR_GUEST_SPEC_NETWORK_NONE)
    {
      GVirConfigDomainInterface *interface;

      if (spec->network == HANGAR_GUEST_SPEC_NETWORK_BRIDGE)
        {
          GVirConfigDomainInterfaceBridge *bridge = gvir_config_domain_interface_bridge_new ();
          gvir_config_domain_interface_bridge_set_source (bridge, spec->network_name);
          interface = GVIR_CONFIG_DOMAIN_INTERFACE (bridge);
        }
      else if (spec->network == HANGAR_GUEST_SPEC_NETWORK_USER)
        /* <interface type='user'>: QEMU's own NAT, no source. */
        interface = GVIR_CONFIG_DOMAIN_INTERFACE (gvir_config_domain_interface_user_new ());
      else
        {
          GVirConfigDomainInterfaceNetwork *network = gvir_config_domain_interface_network_new ();
          gvir_config_domain_interface_network_set_source (network, spec->network_name);
          interface = GVIR_CONFIG_DOMAIN_INTERFACE (network);
        }
      gvir_config_domain_interface_set_model (interface, hangar_guest_spec_net_model (spec));
      add_device (domain, interface);
    }

  if (spec->graphics == HANGAR_GUEST_GRAPHICS_VNC)
    {
      GVirConfigDomainGraphicsVnc *vnc = gvir_config_domain_graphics_vnc_new ();
      gvir_config_domain_graphics_vnc_set_autoport (vnc, TRUE);
      add_device (domain, vnc);
    }
  else
    {
      GVirConfigDomainGraphicsSpice *spice = gvir_config_domain_graphics_spice_new ();
      GVirConfigDomainChannel *channel = gvir_config_domain_channel_new ();
      g_autoptr(GVirConfigDomainChardevSourceSpiceVmc) vmc =
        gvir_config_domain_chardev_source_spicevmc_new ();

      gvir_config_domain_graphics_spice_set_autoport (spice, TRUE);
      add_device (domain, spice);
      /* The SPICE agent's channel: clipboard and display size. */
      gvir_config_domain_channel_set_target_type (channel, GVIR_CONFIG_DOMAIN_CHANNEL_TARGET_VIRTIO);
      gvir_config_domain_channel_set_target_name (channel, "com.redhat.spice.0");
      gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (channel),
                                             GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (vmc));
      add_device (domain, channel);
    }
  if (spec->tpm)
    add_device (domain, new_tpm (spec));
  {
    GVirConfigDomainVideo *video = gvir_config_domain_video_new ();
    gvir_config_domain_video_set_model (video, GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VIRTIO);
    add_device (domain, video);
  }
  {
    /* A tablet: the pointer follows the viewer's without grabbing. */
    GVirConfigDomainInput *tablet = gvir_config_domain_input_new ();
    gvir_config_domain_input_set_device_type (tablet, GVIR_CONFIG_DOMAIN_INPUT_DEVICE_TABLET);
    gvir_config_domain_input_set_bus (tablet, GVIR_CONFIG_DOMAIN_INPUT_BUS_USB);
    add_device (domain, tablet);
  }
  {
    GVirConfigDomainSerial *serial = gvir_config_domain_serial_new ();
    GVirConfigDomainConsole *console = gvir_config_domain_console_new ();
    g_autoptr(GVirConfigDomainChardevSourcePty) serial_pty = gvir_config_domain_chardev_source_pty_new ();
    g_autoptr(GVirConfigDomainChardevSourcePty) console_pty = gvir_config_domain_chardev_source_pty_new ();

    gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (serial),
                                           GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (serial_pty));
    add_device (domain, serial);
    gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (console),
                                           GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (console_pty));
    gvir_config_domain_console_set_target_type (console, GVIR_CONFIG_DOMAIN_CONSOLE_TARGET_SERIAL);
    add_device (domain, console);
  }

  return g_steal_pointer (&domain);
}
