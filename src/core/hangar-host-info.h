// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/* A host's overview for its page. Properties (EXPLICIT_NOTIFY, for binding):
 * connection, loaded, host-name, hypervisor ("QEMU 7.2.0"), libvirt-version ("9.0.0"),
 * architecture, cpus, cpu-mhz, memory (bytes), and the live values cpu-usage (percent,
 * -1 while unknown), memory-used and memory-total (bytes, as the live statistics count
 * them: the total may differ from memory's), memory-fraction (0…1, -1 while unknown),
 * measuring (sampling started and fewer than two samples are in: a value still unknown
 * may come; once FALSE, what is unknown the host does not report).
 * The facts are read on a worker whenever the connection opens. The live values are
 * sampled (virNodeGetCPUStats, virNodeGetMemoryStats) every statistics interval, on a
 * worker, and only while some view watches: hangar_host_info_watch () /
 * hangar_host_info_unwatch (). Each finished sample emits "sampled". */
#define HANGAR_TYPE_HOST_INFO (hangar_host_info_get_type ())
G_DECLARE_FINAL_TYPE (HangarHostInfo, hangar_host_info, HANGAR, HOST_INFO, GObject)

HangarHostInfo   *hangar_host_info_new                 (HangarConnection *connection);
HangarConnection *hangar_host_info_get_connection      (HangarHostInfo *self);
gboolean          hangar_host_info_get_loaded          (HangarHostInfo *self);
const char       *hangar_host_info_get_host_name       (HangarHostInfo *self);
const char       *hangar_host_info_get_hypervisor      (HangarHostInfo *self);
const char       *hangar_host_info_get_libvirt_version (HangarHostInfo *self);
const char       *hangar_host_info_get_architecture    (HangarHostInfo *self);
guint             hangar_host_info_get_cpus            (HangarHostInfo *self);
guint             hangar_host_info_get_cpu_mhz         (HangarHostInfo *self);
guint64           hangar_host_info_get_memory          (HangarHostInfo *self);
double            hangar_host_info_get_cpu_usage       (HangarHostInfo *self);
guint64           hangar_host_info_get_memory_used     (HangarHostInfo *self);
double            hangar_host_info_get_memory_fraction (HangarHostInfo *self);
guint64           hangar_host_info_get_memory_total    (HangarHostInfo *self);
gboolean          hangar_host_info_get_measuring       (HangarHostInfo *self);

/* Sampling runs while the watch count is above zero and the host is connected. */
void              hangar_host_info_watch               (HangarHostInfo *self);
void              hangar_host_info_unwatch             (HangarHostInfo *self);

/* The host's CPU times summed over its CPUs (nanoseconds), as virNodeGetCPUStats
 * reports them. */
typedef struct {
  guint64 kernel;
  guint64 user;
  guint64 idle;
  guint64 iowait;
} HangarHostCpuTimes;

/* Percent of the time between two samples the CPUs were busy; -1 when no time passed
 * on the host's counters (the test driver's never move). */
double            hangar_host_cpu_usage                (const HangarHostCpuTimes *before,
                                                        const HangarHostCpuTimes *after);
/* libvirt's version numbers (major * 1000000 + minor * 1000 + release) as text. */
char             *hangar_format_libvirt_version        (unsigned long version);

G_END_DECLS
