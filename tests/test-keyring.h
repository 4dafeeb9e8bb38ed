// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A Secret Service of the test's own: a D-Bus session bus of its own (tests run side by
 * side on build-aux/test's bus, and only one process can own the Secret Service's name
 * there) with GNOME Keyring on it, whose "login" keyring — the default collection — is
 * new, unlocked and kept in a temporary directory (never the user's). Call it before
 * anything connects to the session bus (before the application is registered): it
 * points DBUS_SESSION_BUS_ADDRESS at the new bus, and fails the test, saying why, when
 * the keyring cannot be started or anything already holds the old bus. Both processes
 * end with the test; test_keyring_stop ends them and removes the directory. */
void test_keyring_start (void);
void test_keyring_stop  (void);

G_END_DECLS
