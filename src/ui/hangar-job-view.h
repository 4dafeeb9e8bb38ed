// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

#include "hangar-types.h"

G_BEGIN_DECLS

/* A page that watches a HangarJob: its title, a progress bar that follows the job's
 * fraction (and pulses while the job cannot tell), its message, and a Cancel button
 * that cancels the job. The wizards show it while they create. */
#define HANGAR_TYPE_JOB_VIEW (hangar_job_view_get_type ())
G_DECLARE_FINAL_TYPE (HangarJobView, hangar_job_view, HANGAR, JOB_VIEW, AdwBin)

GtkWidget *hangar_job_view_new     (void);
HangarJob *hangar_job_view_get_job (HangarJobView *self);
void       hangar_job_view_set_job (HangarJobView *self,
                                    HangarJob     *job);
/* What the Cancel button does: cancels the job and says the work is being undone. */
void       hangar_job_view_cancel  (HangarJobView *self);

G_END_DECLS
