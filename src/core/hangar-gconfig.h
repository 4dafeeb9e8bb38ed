// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* libvirt-gconfig, with the g_autoptr() support its 4.0 headers lack. Core files that
 * read or build libvirt XML include this, not libvirt-gconfig.h directly. */

#include <gio/gio.h>
#include <libvirt-gconfig/libvirt-gconfig.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomain, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainDisk, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainGraphics, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainOs, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigStoragePool, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigStoragePoolSource, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigStoragePoolTarget, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigStorageVol, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigStorageVolTarget, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigStorageVolBackingStore, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigCapabilities, g_object_unref)
