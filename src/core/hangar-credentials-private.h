// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libvirt/libvirt.h>

#include "hangar-credentials.h"

G_BEGIN_DECLS

/* The open's side of a question (hangar-connection.c), in libvirt's terms. */

/* The question for libvirt's @cred (on the open's worker), or NULL when it holds
 * nothing a person could answer (VIR_CRED_EXTERNAL alone). A user name asked alone is
 * asked with a password: libvirt's drivers may ask them in two calls, and the second
 * is then answered from the first (hangar_credentials_fill_ahead). @uri's user
 * (user@host) is the proposed name when libvirt proposes none. @attempt: 1, or 2 when
 * the previous answer of this open was refused. */
HangarCredentials *hangar_credentials_new_for_libvirt (const char             *uri,
                                                       virConnectCredentialPtr cred,
                                                       unsigned int            ncred,
                                                       guint                   attempt);
/* Fills @cred's results from the answer (libvirt frees them): 0, or -1 unanswered. */
int                hangar_credentials_fill           (HangarCredentials      *self,
                                                       virConnectCredentialPtr cred,
                                                       unsigned int            ncred);
/* When @cred asks only for the password typed with a user name asked alone (the
 * driver's second call), fills it (once) and returns TRUE. */
gboolean           hangar_credentials_fill_ahead     (HangarCredentials      *self,
                                                       virConnectCredentialPtr cred,
                                                       unsigned int            ncred);

/* From any thread: the open no longer wants the answer ("finished" follows on the main
 * context). */
void               hangar_credentials_withdraw         (HangarCredentials *self);

/* From any thread, by the open: libvirt let the answer in; "accepted" follows on the
 * main context (what to remember waits for it). */
void               hangar_credentials_report_accepted  (HangarCredentials *self);

/* On the open's worker: waits until the question ends, or @cancellable is cancelled
 * (which withdraws it). TRUE when answered. */
gboolean           hangar_credentials_wait             (HangarCredentials *self,
                                                        GCancellable      *cancellable);

G_END_DECLS
