// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Helpers of the console tests over TLS: certificates where libvirt's clients keep them,
 * and QEMU console servers that use them, all private to the test process. */

/* Enters a mount namespace of its own (root; call before any thread exists) with an empty
 * tmpfs over the user's home (gvnc and Hangar read ~/.pki of the password database's
 * home, not $HOME) and over /etc/pki (made first if this machine has none): what the
 * test writes there outlives it nowhere and nobody else sees it. Returns the home. */
char        *e2e_tls_enter_private_pki (void);

/* Runs @argv (NULL-terminated), failing the test loudly if it fails. */
void         e2e_tls_run               (const char *const *argv);

/* A key and a certificate, DIR/NAME-key.pem and DIR/NAME-cert.pem as QEMU's x509
 * directory names them, made by openssl with the section @extensions of the config
 * file @config, for @subject ("/CN=…"), signed by the CA in CA_DIR/ca-{key,cert}.pem
 * (NULL: self-signed). */
void         e2e_tls_make_cert         (const char *config,
                                        const char *dir,
                                        const char *name,
                                        const char *extensions,
                                        const char *subject,
                                        const char *ca_dir);

/* Copies @from to @to, making @to's directory; a NULL @from removes @to. */
void         e2e_tls_copy_file         (const char *from,
                                        const char *to);

/* Starts QEMU with no disk and no display of its own (its BIOS screen is the console's
 * picture) with @args, space-separated, for its console server; QEMU dies with the test
 * however it ends. */
GSubprocess *e2e_tls_start_qemu        (const char *args);

/* E2ePredicates: the file @data exists; something listens on TCP port
 * GPOINTER_TO_INT (@data) of 127.0.0.1. */
gboolean     e2e_tls_file_exists       (gpointer data);
gboolean     e2e_tls_port_listens      (gpointer data);

G_END_DECLS
