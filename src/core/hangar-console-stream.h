// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-guest.h"

G_BEGIN_DECLS

#define HANGAR_CONSOLE_STREAM_ERROR (hangar_console_stream_error_quark ())

typedef enum {
  HANGAR_CONSOLE_STREAM_ERROR_FAILED,
  HANGAR_CONSOLE_STREAM_ERROR_NOT_RUNNING,   /* the guest is off: start it */
  HANGAR_CONSOLE_STREAM_ERROR_NOT_SUPPORTED, /* the driver has no text consoles */
  HANGAR_CONSOLE_STREAM_ERROR_NO_CONSOLE,    /* the guest has no (pty) console */
} HangarConsoleStreamError;

#define HANGAR_TYPE_CONSOLE_STREAM (hangar_console_stream_get_type ())
G_DECLARE_FINAL_TYPE (HangarConsoleStream, hangar_console_stream, HANGAR, CONSOLE_STREAM, GObject)

GQuark               hangar_console_stream_error_quark (void);

void                 hangar_console_stream_open_async  (HangarGuest        *guest,
                                                        const char         *dev_name,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
HangarConsoleStream *hangar_console_stream_open_finish (GAsyncResult  *result,
                                                        GError       **error);

HangarGuest         *hangar_console_stream_get_guest   (HangarConsoleStream *self);
gboolean             hangar_console_stream_is_open     (HangarConsoleStream *self);
void                 hangar_console_stream_write       (HangarConsoleStream *self,
                                                        const guint8        *data,
                                                        gsize                len);
void                 hangar_console_stream_close       (HangarConsoleStream *self);

G_END_DECLS
