// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a host asked for while a connection opened: a user name and a password (SASL,
 * the test driver's <auth>), through virConnectOpenAuth's callback. The open's worker
 * waits on the question; the main thread answers or cancels it. What the open itself
 * calls is in hangar-credentials-private.h. */
#define HANGAR_TYPE_CREDENTIALS (hangar_credentials_get_type ())
G_DECLARE_FINAL_TYPE (HangarCredentials, hangar_credentials, HANGAR, CREDENTIALS, GObject)

typedef enum {
  HANGAR_CREDENTIALS_PENDING,
  HANGAR_CREDENTIALS_ANSWERED,
  HANGAR_CREDENTIALS_CANCELLED,   /* by the person asked (Cancel) */
  HANGAR_CREDENTIALS_WITHDRAWN,   /* by the open: cancelled, timed out, nobody to ask */
} HangarCredentialsOutcome;

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
G_END_DECLS
