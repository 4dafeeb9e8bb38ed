// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Reading a file of an installation tree: a local path, a file:// URL, or http(s)://
 * (a plain HTTP/1.0 GET following up to 5 redirects: enough for distribution mirrors,
 * without a web library for a handful of files). Blocking: call from a worker. A file
 * larger than @max bytes is refused, as is a connection that ends early. */

/* Copies @location to @dest (created private to the user). */
gboolean hangar_fetch_to_file (const char   *location,
                               const char   *dest,
                               guint64       max,
                               GCancellable *cancellable,
                               GError      **error);

/* @location's contents. */
GBytes  *hangar_fetch_bytes   (const char   *location,
                               guint64       max,
                               GCancellable *cancellable,
                               GError      **error);

G_END_DECLS
