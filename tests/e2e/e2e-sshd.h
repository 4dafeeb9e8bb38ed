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
/* Names of the test sshd in its ssh_config, all 127.0.0.1 (use them in URIs with the
 * port): the client key and the host key known; PASSKEY also offers the key of
 * e2e_sshd_add_passphrase_key first; NEW: a host key never seen (known_hosts of its
 * own, empty at start); CHANGED: known with another key than the host's. */
#define E2E_SSHD_HOST_PASSKEY "hangar-passkey"
#define E2E_SSHD_HOST_NEW     "hangar-newhost"
#define E2E_SSHD_HOST_CHANGED "hangar-changed"
/* The user who logs in with a password only (see e2e_sshd_add_password_user). */
#define E2E_SSHD_PASSWORD_USER "hangar-e2e-pw"

/* Adds E2E_SSHD_PASSWORD_USER to the system (a second name for root: libvirtd lets
 * only root past its socket without polkit) with a random password, returned; it is
 * removed by e2e_sshd_stop (and by the next start, after a crash). */
const char *e2e_sshd_add_password_user  (void);
/* Makes a key with @passphrase that the sshd accepts for root; returns its path. */
char       *e2e_sshd_add_passphrase_key (const char *passphrase);
/* The sshd's host key fingerprint as ssh-keygen gives it (SHA256:…). */
char       *e2e_sshd_host_fingerprint   (void);
/* Established TCP connections from ssh clients of this machine to the test sshd (its
 * own outgoing connections, such as a tunnel's to its own port, are not counted). */
guint       e2e_sshd_connections        (void);
/* The host goes away: sshd's listener and every session process it started are
 * killed (SIGKILL), so each SSH connection to it drops at once. */
void        e2e_sshd_kill               (void);
/* sshd again, on the same port with the same keys and users. */
void        e2e_sshd_restart            (void);
/* Ends Hangar's SSH master for the test sshd, then sshd, and removes the directory. */
void e2e_sshd_stop  (void);

G_END_DECLS
