// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-application.h"

G_BEGIN_DECLS

/* A Hangar application for a test: not unique (tests run side by side), taking its
 * command line as the real one does, registered; fails the test when it cannot be. */
HangarApplication *test_application_new (void);

G_END_DECLS
