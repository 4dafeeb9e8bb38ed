// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/* What a host asked for while a connection opened: a user name and a password (SASL,
 * the test driver's <auth>), through virConnectOpenAuth's callback. The open's worker
 * waits on the question; the main thread answers or cancels it. */
#define HANGAR_TYPE_CREDENTIALS (hangar_credentials_get_type ())
G_DECLARE_FINAL_TYPE (HangarCredentials, hangar_credentials, HANGAR, CREDENTIALS, GObject)

typedef enum {
  HANGAR_CREDENTIALS_PENDING,
  HANGAR_CREDENTIALS_ANSWERED,
  HANGAR_CREDENTIALS_CANCELLED,   /* by the person asked (Cancel) */
  HANGAR_CREDENTIALS_WITHDRAWN,   /* by the open: cancelled, timed out, nobody to ask */
} HangarCredentialsOutcome;

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

const char        *hangar_credentials_get_uri          (HangarCredentials *self);
/* The host the URI names, or "this computer". */
const char        *hangar_credentials_get_host         (HangarCredentials *self);
gboolean           hangar_credentials_wants_user       (HangarCredentials *self);
gboolean           hangar_credentials_wants_password   (HangarCredentials *self);
/* libvirt's own words for each field (may be NULL), and the proposed user name. */
const char        *hangar_credentials_get_user_prompt  (HangarCredentials *self);
const char        *hangar_credentials_get_password_prompt (HangarCredentials *self);
const char        *hangar_credentials_get_default_user (HangarCredentials *self);
guint              hangar_credentials_get_attempt      (HangarCredentials *self);

HangarCredentialsOutcome hangar_credentials_get_outcome (HangarCredentials *self);
gboolean           hangar_credentials_is_pending       (HangarCredentials *self);
/* The answer came from a store (the keyring), not from a person. */
gboolean           hangar_credentials_is_remembered    (HangarCredentials *self);
const char        *hangar_credentials_get_user         (HangarCredentials *self);

/* On the main thread, once (later calls are ignored): the answer, or Cancel. Each
 * ends the question and emits "finished". @remembered: the answer came from a store;
 * refused, the open asks once more at once. */
void               hangar_credentials_answer           (HangarCredentials *self,
                                                        const char        *user,
                                                        const char        *password,
                                                        gboolean           remembered);
void               hangar_credentials_cancel           (HangarCredentials *self);
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
