// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/* One of the host's virtual networks. */
typedef struct {
  char     *name;
  gboolean  active;
  gboolean  autostart;
} HangarHostNetwork;

/* One of the host's network interfaces (for a bridge or macvtap). */
typedef struct {
  char     *name;
  gboolean  active;
  gboolean  is_bridge;
} HangarHostInterface;

/* What a new guest can get on a host, read once for the New VM window.
 * arch, machine, virt_type: what a new guest runs as ("x86_64", "pc-q35-7.2", "kvm";
 * machine NULL where the driver has no domain capabilities). memory_total / memory_free in bytes; uefi: the domain capabilities offer UEFI firmware
 * (the os firmware enum lists efi, or loaders are listed); secure_boot: a loader with
 * secure='yes'; tpm: an emulated TPM (devices/tpm backendModel emulator).
 * networks: HangarHostNetwork, "default" first, then by name. interfaces:
 * HangarHostInterface by name, empty when they cannot be listed — interfaces_note then
 * says why in a sentence. */
typedef struct {
  char      *arch;
  char      *machine;
  char      *virt_type;
  guint      cpus;
  guint64    memory_total;
  guint64    memory_free;
  gboolean   uefi;
  gboolean   secure_boot;
  gboolean   tpm;
  GPtrArray *networks;
  GPtrArray *interfaces;
  char      *interfaces_note;
} HangarHostCaps;

#define HANGAR_TYPE_HOST_CAPS (hangar_host_caps_get_type ())
GType           hangar_host_caps_get_type (void) G_GNUC_CONST;
HangarHostCaps *hangar_host_caps_new      (void);
HangarHostCaps *hangar_host_caps_copy     (const HangarHostCaps *caps);
void            hangar_host_caps_free     (HangarHostCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HangarHostCaps, hangar_host_caps_free)

/* The network called @name, or NULL. */
const HangarHostNetwork *hangar_host_caps_find_network (const HangarHostCaps *caps,
                                                        const char           *name);

/* Reads the arch, machine, firmware and TPM support from
 * virConnectGetDomainCapabilities's @xml into @caps. FALSE when @xml is not domain
 * capabilities. */
gboolean        hangar_host_caps_read_domain_capabilities (HangarHostCaps *caps,
                                                           const char     *xml);

/* BLOCKING (libvirt calls): what a new guest runs as, and its firmware and TPM, from one
 * domain capabilities answer: kvm when offered, else qemu; on x86 the q35 machine (as
 * virt-install picks since 4.0: Secure Boot needs it), else the host's default one.
 * Drivers without domain capabilities (the test driver) give the first hvm guest of
 * virConnectGetCapabilities, no UEFI and no TPM. Fails when the host runs no hvm
 * guest. */
gboolean        hangar_host_caps_read_guest (HangarHostCaps   *caps,
                                             HangarConnection *connection,
                                             GError          **error);

/* Asks the host on a worker: virNodeGetInfo, virNodeGetFreeMemory,
 * hangar_host_caps_read_guest, networks, interfaces. Fails when the node's CPUs and
 * memory or the guest it runs cannot be read. */
void            hangar_host_caps_query_async  (HangarConnection    *connection,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
HangarHostCaps *hangar_host_caps_query_finish (GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
