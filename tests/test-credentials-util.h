// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-credentials-dialog.h"

G_BEGIN_DECLS

/* The credentials dialog as a user meets it (test-credentials-dialog, e2e-sasl). */

/* The dialog on screen still waiting for its answer, once there is one (the test fails
 * after @timeout_ms); its question is at @attempt. */
HangarCredentialsDialog *test_credentials_wait_dialog    (guint                    attempt,
                                                          guint                    timeout_ms);
/* Waits until no credentials dialog exists any more (the test fails after 10 s). */
void                     test_credentials_wait_no_dialog (void);
/* The dialog's first widget of @type (the test fails when there is none). */
GtkWidget               *test_credentials_dialog_part    (HangarCredentialsDialog *dialog,
                                                          GType                    type);
/* Fills the user name and password rows and clicks Connect. */
void                     test_credentials_answer         (HangarCredentialsDialog *dialog,
                                                          const char              *user,
                                                          const char              *password);
/* Waits until @connection has settled (the test fails after @timeout_ms) and fails the
 * test, saying what the host said, unless it is in @state. */
void                     test_credentials_wait_state     (HangarConnection        *connection,
                                                          HangarConnectionState    state,
                                                          guint                    timeout_ms);

G_END_DECLS
