// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every program on core calls this first, before it opens a connection, a console
 * or a tunnel (hangar_connection_new calls it too). It makes the process ignore
 * SIGPIPE, so a write to a socket or pipe whose peer has gone fails with EPIPE instead
 * of killing the process (libvirt's RPC writes with plain write()), and hooks
 * libvirt's event loop into the default main context, so libvirt events arrive on the
 * main thread. */
void     hangar_core_init        (void);
void     hangar_trace_set_enabled (gboolean enabled);
gboolean hangar_trace_get_enabled (void);
/* Seconds since process @pid (0: this process) started, from /proc; -1 if unknown. */
double   hangar_process_age      (int pid);
/* The characters of @name (valid UTF-8) that @allowed refuses, each once in the order
 * typed, as a sentence's list: "space, “/”, “é”"; NULL when there is none. */
char    *hangar_name_bad_characters (const char *name,
                                     gboolean  (*allowed) (gunichar c));
void     hangar_trace            (const char *event,
                                  const char *format,
                                  ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
