// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Shared by the unit and widget tests. */

typedef gboolean (*TestPredicate) (gpointer data);

/* Runs the default main context until @pred holds; FALSE after @timeout_ms. */
gboolean test_wait_for         (TestPredicate pred,
                                gpointer      data,
                                guint         timeout_ms);
/* Runs the default main context for @ms. */
void     test_spin             (guint         ms);
/* Drops the last reference and fails unless @object is finalized once pending work
 * drains: a reference leaked otherwise. */
void     test_assert_finalized (gpointer      object);

/* Writes DIR/host-PORT.xml, a libvirt test-driver host with one running guest @name
 * whose console (@type "vnc" or "spice") listens on 127.0.0.1:@port, and returns its
 * URI. */
char    *test_console_host_uri (const char   *dir,
                                const char   *name,
                                const char   *type,
                                guint         port);

G_END_DECLS
