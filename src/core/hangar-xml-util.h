// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <libxml/xpath.h>

G_BEGIN_DECLS

/* Reading libvirt's XML answers (capabilities, node devices) with libxml2's XPath. */

/* The text of the first node @path finds in @context, or NULL. */
char *hangar_xpath_text (xmlXPathContextPtr context,
                         const char        *path);

G_END_DECLS
