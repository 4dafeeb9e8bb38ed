// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libvirt/libvirt.h>

#include "hangar-host-window.h"

G_BEGIN_DECLS

/* What the end-to-end tests of the host page check alike, on a HangarHostWindow. */

/* E2ePredicates on @window: its host's facts have loaded; its CPU and memory use are
 * both measured. */
gboolean e2e_host_info_loaded  (gpointer window);
gboolean e2e_host_use_measured (gpointer window);
/* The Overview's row titled @title shows @expected (what libvirt says); the test fails
 * naming both otherwise. */
void     e2e_host_assert_row   (HangarHostWindow *window,
                                const char       *title,
                                const char       *expected);

/* The test's own connection to the real libvirtd (HANGAR_TEST_LIBVIRT_URI, which
 * build-aux/test sets): what the page is checked against. Fails loudly without it. */
virConnectPtr e2e_host_open_direct (void);
/* Stops the pool @name through @conn if it is there (a transient one goes). Quiet. */
void     e2e_host_stop_pool    (virConnectPtr     conn,
                                const char       *name);

G_END_DECLS
