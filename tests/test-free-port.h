// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Compiled into both the fault injector (unit and widget tests) and the end-to-end
 * TLS library, which cannot link each other. */

/* A TCP port on 127.0.0.1 nothing listens on now (bound a moment, never listened on):
 * a connection there is refused until someone takes it. */
guint16 test_free_port (void);

G_END_DECLS
