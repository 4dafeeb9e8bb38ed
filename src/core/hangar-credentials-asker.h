// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-credentials.h"

G_BEGIN_DECLS

/* Where questions go: the application connects to the default asker's "ask" signal
 * (HangarCredentials *) and answers or cancels each question, now or later. A
 * question nobody listens for is withdrawn at once. */
#define HANGAR_TYPE_CREDENTIALS_ASKER (hangar_credentials_asker_get_type ())
G_DECLARE_FINAL_TYPE (HangarCredentialsAsker, hangar_credentials_asker, HANGAR, CREDENTIALS_ASKER,
                      GObject)

HangarCredentialsAsker *hangar_credentials_asker_get_default (void);
/* On the main thread. */
void                    hangar_credentials_asker_ask         (HangarCredentialsAsker *self,
                                                              HangarCredentials      *question);

G_END_DECLS
