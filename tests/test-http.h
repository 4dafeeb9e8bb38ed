// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A web server for the tests of network installs: Python's http.server on 127.0.0.1. */

/* The .treeinfo of a Fedora 37 Server tree (fedora-37.xml's, identified as fedora37). */
#define TEST_FEDORA_TREEINFO \
  "[general]\nfamily = Fedora\nversion = 37\narch = x86_64\nvariant = Server\n" \
  "[images-x86_64]\nkernel = images/pxeboot/vmlinuz\ninitrd = images/pxeboot/initrd.img\n"

/* Serves @dir at a free port; *url is "http://127.0.0.1:PORT/". The test fails unless
 * the server listens. */
GSubprocess *test_http_serve (const char  *dir,
                              char       **url);
/* Stops the server and waits for it. */
void         test_http_stop  (GSubprocess *server);

G_END_DECLS
