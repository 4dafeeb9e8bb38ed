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

/* The host paths of @config's file and block disks (CD-ROMs included; network disks
 * and empty drives have none), in device order. */
GPtrArray        *hangar_domain_config_disk_sources (GVirConfigDomain *config);

/* Every guest of @conn that uses each path: a table from path (char *) to a
 * GPtrArray of guest names, from the persistent definitions and, for running
 * guests, the live ones. Blocking. */
GHashTable       *hangar_domain_config_disk_users   (virConnectPtr  conn,
                                                     GError       **error);

G_END_DECLS
