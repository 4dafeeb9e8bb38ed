// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An sshd of the test's own on 127.0.0.1 (key login as root, strict host key; the test
 * must have called e2e_test_init, whose cleaner removes it after a failure) in a
 * temporary directory that also holds the client's key, known_hosts and ssh_config;
 * HANGAR_SSH_CONFIG and XDG_RUNTIME_DIR point Hangar's SSH there (set them before
 * anything asks for the runtime directory). sshd dies with the test. Returns its port. */
int  e2e_sshd_start (void);
/* Ends Hangar's SSH master for the test sshd, then sshd, and removes the directory. */
void e2e_sshd_stop  (void);

G_END_DECLS
