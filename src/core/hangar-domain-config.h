// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libvirt/libvirt.h>
#include "hangar-gconfig.h"

G_BEGIN_DECLS

/* A guest's definition, read through libvirt-gconfig (never with XPath or by hand).
 * Blocking: call these on a worker. @flags are virDomainGetXMLDesc's. */
GVirConfigDomain *hangar_domain_config_fetch        (virDomainPtr  domain,
                                                     unsigned int  flags,
                                                     GError      **error);

/* gvir_config_domain_get_devices () without its critical warning for a disk of a type
 * libvirt-gconfig 4.0 does not know (volume, nvme, vhostuser): such a disk comes as a
 * GVirConfigDomainDisk all the same, its node unchanged. Use this instead. */
GList            *hangar_domain_config_get_devices  (GVirConfigDomain *config);

/* The host paths of @config's file and block disks (CD-ROMs included; network disks,
 * empty drives and disks given by pool and volume name have none here), in device
 * order. */
GPtrArray        *hangar_domain_config_disk_sources (GVirConfigDomain *config);

/* The host path of @disk: its source for a file or block disk, the path of its volume
 * for one given by pool and volume name (looked up on @conn; NULL when it is not
 * there), else NULL (network disks, empty drives). Blocking when it looks up. */
char             *hangar_domain_config_disk_path    (virConnectPtr         conn,
                                                     GVirConfigDomainDisk *disk);

/* Every guest of @conn that uses each path: a table from path (char *) to a
 * GPtrArray of guest names, from the persistent definitions and, for running
 * guests, the live ones. Blocking. */
GHashTable       *hangar_domain_config_disk_users   (virConnectPtr  conn,
                                                     GError       **error);

G_END_DECLS
