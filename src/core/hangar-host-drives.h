// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-connection.h"

G_BEGIN_DECLS

/* The host's optical drives, as libvirt's node devices tell them (the storage devices
 * whose drive type is cdrom): a guest's install CD-ROM can be one of them, on this
 * machine or another host. */

/* The block device ("/dev/sr0") of the node device described by @nodedev_xml when it
 * is a CD-ROM drive, else NULL. */
char    *hangar_host_drives_parse_cdrom       (const char *nodedev_xml);

/* Lists the host's CD-ROM drives on a worker: their block devices, sorted (an empty
 * array when it has none). When libvirt cannot list node devices of this machine
 * (a driver without them), the drives /dev/sr0 to /dev/sr7 that exist are given. */
void     hangar_host_drives_list_cdroms_async  (HangarConnection   *connection,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
GStrv    hangar_host_drives_list_cdroms_finish (GAsyncResult       *result,
                                                GError            **error);

G_END_DECLS
