// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-connection.h"
#include "hangar-host-caps.h"
#include "hangar-storage.h"

G_BEGIN_DECLS

/* What the New VM wizard asked. The domain builder turns it into definitions; the
 * guest creator makes the guest from it. */

typedef enum {
  HANGAR_GUEST_SOURCE_MEDIA,        /* an ISO image or CD-ROM device: media_path */
  HANGAR_GUEST_SOURCE_URL,          /* network install from tree_url (kernel, initrd
                                     * fetched from it later: until then, given) */
  HANGAR_GUEST_SOURCE_IMPORT,       /* an existing disk: disk_path */
  HANGAR_GUEST_SOURCE_CLOUD_IMAGE,  /* a new qcow2 volume backed by base_image, or
                                     * a copy of it (copy_base_image) */
  HANGAR_GUEST_SOURCE_KERNEL,       /* direct kernel boot: kernel, initrd, cmdline */
  HANGAR_GUEST_SOURCE_PXE,
  HANGAR_GUEST_SOURCE_MANUAL,
} HangarGuestSource;

typedef enum {
  HANGAR_GUEST_SPEC_DISK_NONE,
  HANGAR_GUEST_SPEC_DISK_NEW,            /* a new volume in pool_name */
  HANGAR_GUEST_SPEC_DISK_EXISTING,       /* disk_path */
} HangarGuestSpecDisk;

typedef enum {
  HANGAR_GUEST_SPEC_NETWORK_NONE,
  HANGAR_GUEST_SPEC_NETWORK_VIRTUAL,     /* a libvirt virtual network: network_name */
  HANGAR_GUEST_SPEC_NETWORK_BRIDGE,      /* a host bridge: network_name */
  HANGAR_GUEST_SPEC_NETWORK_MACVTAP,     /* macvtap on a host interface: network_name */
  HANGAR_GUEST_SPEC_NETWORK_USER,        /* QEMU's usermode networking (SLIRP): outbound
                                          * NAT done by QEMU, no root needed */
} HangarGuestSpecNetwork;

typedef enum {
  HANGAR_GUEST_FIRMWARE_BIOS,
  HANGAR_GUEST_FIRMWARE_UEFI,
} HangarGuestFirmware;

typedef enum {
  HANGAR_GUEST_GRAPHICS_SPICE,
  HANGAR_GUEST_GRAPHICS_VNC,
} HangarGuestGraphics;

typedef struct {
  char                  *name;
  HangarGuestSource      source;
  char                  *media_path;
  char                  *tree_url;
  char                  *base_image;
  /* The cloud image's new volume is a whole copy of it, without a backing file, and no
   * smaller than the image (FALSE: a qcow2 layer over it, which must stay). */
  gboolean               copy_base_image;
  char                  *kernel;
  char                  *initrd;
  char                  *cmdline;
  char                  *os_id;        /* libosinfo's id ("http://…/debian12"), or NULL */
  guint64                memory;       /* bytes */
  guint                  vcpus;
  HangarGuestSpecDisk    disk;
  char                  *pool_name;
  /* The new volume's name; NULL: the guest's name with its format's suffix. */
  char                  *volume_name;
  guint64                disk_size;    /* bytes, for a new volume */
  HangarVolumeFormat     disk_format;
  /* The existing disk; for a new volume, the creator sets it once the volume exists. */
  char                  *disk_path;
  /* A pool the New VM window made for this guest (the pool "default"), by name: a
   * creation that fails or is cancelled removes it too, with the directories made with
   * it: made_pool_dir counts them, its own (1) and the missing ones above it (a session
   * host's ~/.local/share/libvirt). */
  char                  *made_pool;
  guint                  made_pool_dir;
  HangarGuestSpecNetwork network;
  char                  *network_name;
  HangarGuestFirmware    firmware;
  gboolean               virtio_disk;
  gboolean               virtio_net;
  HangarGuestGraphics    graphics;
  gboolean               secure_boot;  /* with UEFI, when the firmware has it */
  gboolean               tpm;          /* an emulated TPM 2.0 */

  /* Unattended install (MEDIA or URL with an install script) or cloud-init (CLOUD_IMAGE):
   * who logs in. Passwords live only here and in the generated file; spec_free wipes
   * them. ssh_keys: public keys, one per line (cloud-init). */
  gboolean               unattended;
  gboolean               minimal_install;  /* without a desktop: libosinfo's "jeos" */
  gboolean               cloud_init;
  char                  *user_login;
  char                  *user_realname;
  char                  *user_password;   /* NULL with password_locked */
  gboolean               password_locked;
  char                  *admin_password;
  char                  *product_key;
  char                  *hostname;
  char                  *ssh_keys;

  /* Customize before install: the install definition the user edited, used instead of
   * the built one (NULL: build it). */
  char                  *custom_xml;
  /* From the host (hangar_guest_spec_fill_host): "x86_64", "pc-q35-7.2", "kvm". */
  char                  *arch;
  char                  *machine;
  char                  *virt_type;
} HangarGuestSpec;

HangarGuestSpec *hangar_guest_spec_new      (void);   /* 1 vCPU, virtio, SPICE, BIOS */
HangarGuestSpec *hangar_guest_spec_copy     (const HangarGuestSpec *spec);
void             hangar_guest_spec_free     (HangarGuestSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarGuestSpec, hangar_guest_spec_free)
GType            hangar_guest_spec_get_type (void);

#define HANGAR_GUEST_SPEC_ERROR (hangar_guest_spec_error_quark ())
GQuark           hangar_guest_spec_error_quark (void);

/* The code names the field that is wrong. */
typedef enum {
  HANGAR_GUEST_SPEC_ERROR_NAME,
  HANGAR_GUEST_SPEC_ERROR_MEMORY,
  HANGAR_GUEST_SPEC_ERROR_VCPUS,
  HANGAR_GUEST_SPEC_ERROR_SOURCE,
  HANGAR_GUEST_SPEC_ERROR_DISK,
  HANGAR_GUEST_SPEC_ERROR_HOST,
  HANGAR_GUEST_SPEC_ERROR_NETWORK,
  HANGAR_GUEST_SPEC_ERROR_FIRMWARE,
  HANGAR_GUEST_SPEC_ERROR_SETUP,         /* unattended / cloud-init answers */
} HangarGuestSpecError;

/* The name alone, no host asked (as the user types). */
gboolean hangar_guest_spec_check_name (const char *name,
                                       GError    **error);

/* A copied image's disk (copy_base_image) is no smaller than the image's @image_size:
 * else HANGAR_GUEST_SPEC_ERROR_DISK and a sentence. */
gboolean hangar_guest_spec_check_copy_size (guint64   disk_size,
                                            guint64   image_size,
                                            GError  **error);

/* BLOCKING (libvirt calls): run these on a worker thread, or use the _async forms.
 * check: the name (legal, not taken on the host), the memory (not zero, within the
 * host's), the vCPUs, what the source kind needs (a cloud image to copy: one Hangar
 * can copy there, SOURCE, and a disk no smaller than it, DISK); fails with the field's
 * code.
 * fill_host: arch, machine and virt type as hangar_host_caps_read_guest reads them.
 * Both need @connection open. */
gboolean hangar_guest_spec_check      (const HangarGuestSpec *spec,
                                       HangarConnection      *connection,
                                       GError               **error);
gboolean hangar_guest_spec_fill_host  (HangarGuestSpec       *spec,
                                       HangarConnection      *connection,
                                       GError               **error);

/* The network a new guest on the host at @uri gets unless the user chooses another:
 * usermode on a session daemon's host (qemu:///session); else the first of @caps's
 * virtual networks that runs ("default" comes first), its name in @network_name; else
 * usermode where the driver is QEMU's; else none. */
HangarGuestSpecNetwork hangar_guest_spec_default_network (const char           *uri,
                                                          const HangarHostCaps *caps,
                                                          const char          **network_name);

/* The network card's model in the definition: "virtio" when the OS has the driver
 * (virtio_net), else "e1000e". */
const char *hangar_guest_spec_net_model (const HangarGuestSpec *spec);

/* Why a network boot (PXE) cannot go through @network, as a sentence, or NULL. */
const char *hangar_guest_spec_pxe_network_fault (HangarGuestSpecNetwork network);

/* The arch, machine and virt type of @caps (a HangarHostCaps, read already). */
void     hangar_guest_spec_set_host   (HangarGuestSpec       *spec,
                                       const HangarHostCaps  *caps);

void     hangar_guest_spec_check_async  (const HangarGuestSpec *spec,
                                         HangarConnection      *connection,
                                         GCancellable          *cancellable,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data);
gboolean hangar_guest_spec_check_finish (GAsyncResult          *result,
                                         GError               **error);

G_END_DECLS
