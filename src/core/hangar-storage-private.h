// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libvirt/libvirt.h>
#include <libxml/tree.h>

#include "hangar-gconfig.h"
#include "hangar-storage.h"

G_BEGIN_DECLS

/* Shared by hangar-pool.c, hangar-volume.c and hangar-connection-storage.c. */

/* The HANGAR_STORAGE_ERROR code for libvirt's last error (no support: UNSUPPORTED). */
HangarStorageError  hangar_storage_virt_error_code (void);

/* Sets @error to @format, a translated sentence with two %s: the object's name, then
 * libvirt's reason (its last error on this thread). */
#define hangar_storage_set_virt_error(error, format, name)                               \
  G_STMT_START {                                                                         \
    g_autofree char *hangar_reason_ = hangar_storage_virt_reason ();                     \
    g_set_error ((error), HANGAR_STORAGE_ERROR, hangar_storage_virt_error_code (),      \
                 (format), (name), hangar_reason_);                                      \
  } G_STMT_END
char               *hangar_storage_virt_reason     (void);

/* Reading what libvirt-gconfig 4.0 has no getter for, through the object's node. */
xmlNodePtr          hangar_storage_config_node     (gpointer    config);
xmlNodePtr          hangar_storage_xml_child       (xmlNodePtr  node,
                                                    const char *name);
char               *hangar_storage_xml_attr        (xmlNodePtr  node,
                                                    const char *attr);
char               *hangar_storage_xml_text        (xmlNodePtr  node);

/* The pool types virConnectGetStoragePoolCapabilities's @xml says the host supports,
 * as HangarPoolType in the wizard's order. */
GArray             *hangar_storage_pool_types_from_xml (const char *xml,
                                                        GError    **error);

/* GWeakRefs for libvirt's callbacks, which may outlive the object. */
GWeakRef           *hangar_storage_weak_ref_new    (gpointer object);
void                hangar_storage_weak_ref_free   (void    *weak);

G_END_DECLS
