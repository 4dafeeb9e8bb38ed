// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How long the default main context went without running its sources while a fault
 * played out: a GLib timeout every 10 ms notes how late it fires; the longest lateness
 * is the longest stall a user would have felt (bench/README.md has the figures).
 * Lateness while the main thread was runnable but waiting for a CPU (a loaded machine)
 * is not Hangar's doing: fault_stall_meter_max_ms leaves it out (the kernel's per-thread
 * schedstat tells it), fault_stall_meter_max_wall_ms keeps it. Both are logged with
 * g_test_message when the meter is freed. */

typedef struct _FaultStallMeter FaultStallMeter;

FaultStallMeter *fault_stall_meter_start    (void);
/* The longest lateness so far, in ms, without and with the waits for a CPU, and how
 * many samples were taken. */
double           fault_stall_meter_max_ms   (FaultStallMeter *self);
double           fault_stall_meter_max_wall_ms (FaultStallMeter *self);
guint            fault_stall_meter_samples  (FaultStallMeter *self);
void             fault_stall_meter_free     (FaultStallMeter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FaultStallMeter, fault_stall_meter_free)

G_END_DECLS
