// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hangar-askpass-prompt.h"

G_BEGIN_DECLS

/* The running Hangar's end of SSH_ASKPASS: a socket in the user's runtime directory
 * (in a 0700 directory, and a peer of another user is refused) where Hangar's helper
 * (src/askpass) brings each question ssh asks; the question is emitted as "prompt" on
 * the main context and the answer goes back to the helper, which prints it for ssh.
 *
 * Protocol, one question per connection: the helper sends the login id (see
 * hangar_askpass_server_begin_login), a newline and ssh's prompt, then shuts down its
 * sending side; Hangar answers "y" followed by the answer, or "n" for Cancel, and
 * closes. On "n" the helper ends the ssh that asked, so the login stops at once. */

#define HANGAR_TYPE_ASKPASS_SERVER (hangar_askpass_server_get_type ())
G_DECLARE_FINAL_TYPE (HangarAskpassServer, hangar_askpass_server, HANGAR, ASKPASS_SERVER, GObject)

/* Listens at @socket_path (its directory must exist, private to the user). */
HangarAskpassServer *hangar_askpass_server_new             (const char  *socket_path,
                                                            GError     **error);
const char          *hangar_askpass_server_get_socket_path (HangarAskpassServer *self);

/* The application's server (in the SSH runtime directory), started on first call,
 * which must be on the main thread. */
HangarAskpassServer *hangar_askpass_server_get_default     (void);
/* The default server if it was started, from any thread; NULL otherwise (then ssh
 * cannot ask, and logins that need a question fail). Transfer full. */
HangarAskpassServer *hangar_askpass_server_dup_default     (void);

/* Stops the default server (its socket goes): at the application's shutdown. */
void                 hangar_askpass_server_release_default (void);

/* Thread-safe. A login starts: prompts that name @id belong to @login (user@host:port)
 * and are counted from zero again; @who (user@host) is how sentences name it. */
void                 hangar_askpass_server_begin_login     (HangarAskpassServer *self,
                                                            const char          *id,
                                                            const char          *login,
                                                            const char          *who);
/* Thread-safe. After the login @id failed with @reason (ssh's words through libvirt):
 * a sentence saying what happened in the questions asked, or NULL when they tell
 * nothing. @cancelled: whether the user cancelled a question. */
char                *hangar_askpass_server_explain         (HangarAskpassServer *self,
                                                            const char          *id,
                                                            const char          *reason,
                                                            gboolean            *cancelled);

G_END_DECLS
