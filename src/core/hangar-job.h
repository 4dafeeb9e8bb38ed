// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A long operation the user watches: allocating a volume, building a pool, wiping.
 * The operation (a core _async function that takes the job) sets the fraction and the
 * message on the main thread as it goes; a view binds a progress bar and a label to
 * them and calls hangar_job_cancel() from its Cancel button. An operation that is
 * cancelled undoes what it made before it finishes with G_IO_ERROR_CANCELLED. */

#define HANGAR_TYPE_JOB (hangar_job_get_type ())
G_DECLARE_FINAL_TYPE (HangarJob, hangar_job, HANGAR, JOB, GObject)

HangarJob    *hangar_job_new             (const char *title);
const char   *hangar_job_get_title       (HangarJob  *self);
/* 0…1, or -1 while the operation cannot tell how far it is (pulse instead). */
double        hangar_job_get_fraction    (HangarJob  *self);
void          hangar_job_set_fraction    (HangarJob  *self,
                                          double      fraction);
/* What it does now, a sentence fragment for a label: "Allocating disk.qcow2". */
const char   *hangar_job_get_message     (HangarJob  *self);
void          hangar_job_set_message     (HangarJob  *self,
                                          const char *message);
/* The job's own cancellable: operations taking a job use it (and ignore none). */
GCancellable *hangar_job_get_cancellable (HangarJob  *self);
void          hangar_job_cancel          (HangarJob  *self);
gboolean      hangar_job_is_cancelled    (HangarJob  *self);
/* Message and fraction at once, from a worker thread: applied on the main thread, which
 * the job belongs to. A NULL @job is allowed (nothing to report to). */
void          hangar_job_report_from_worker (HangarJob  *job,
                                             const char *message,
                                             double      fraction);

G_END_DECLS
