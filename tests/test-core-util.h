// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "hangar-connection.h"
#include "test-util.h"

G_BEGIN_DECLS

/* For tests on core's connections, unit and widget alike. */

/* "test://" + the absolute path of tests/data/@file: a private test-driver host. */
char             *test_data_uri        (const char *file);
/* A connection to @uri, opened (the test fails unless it connects within 5 s). */
HangarConnection *test_open_connection (const char *uri);

G_END_DECLS
