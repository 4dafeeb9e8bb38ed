// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-gconfig.h"
#include "hangar-guest-spec.h"

G_BEGIN_DECLS

/* The two definitions virt-install makes from the wizard's answers, built with
 * libvirt-gconfig objects (no XML strings). No libvirt calls: any thread.
 *
 * INSTALL boots the install media first (CD-ROM, kernel and initrd, network) and, when
 * the media must go before the guest boots again, turns a reboot into a power-off
 * (on_reboot=destroy), so that the final definition can be put in place. FINAL boots
 * from the disk with the media removed. Import and cloud image have no install phase:
 * both phases give the same definition. */
typedef enum {
  HANGAR_DOMAIN_PHASE_INSTALL,
  HANGAR_DOMAIN_PHASE_FINAL,
} HangarDomainPhase;

#define HANGAR_LIBOSINFO_NS_URI "http://libosinfo.org/xmlns/libvirt/domain/1.0"

/* Whether @spec's guest boots something else the first time (and needs the switch). */
gboolean          hangar_domain_builder_has_install_phase (const HangarGuestSpec *spec);

/* @spec's arch and virt type must be filled (hangar_guest_spec_fill_host); for a disk,
 * disk_path must be set. Fails only when something the definition needs is missing. */
GVirConfigDomain *hangar_domain_builder_build             (const HangarGuestSpec *spec,
                                                           HangarDomainPhase      phase,
                                                           GError               **error);

G_END_DECLS
