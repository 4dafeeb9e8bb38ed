// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>
#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

typedef gboolean (*E2ePredicate) (gpointer data);

/* The start of every end-to-end test's main, before anything else (before any thread):
 *   - g_test_init (), with warnings and criticals fatal, as G_DEBUG=fatal-warnings
 *     asks; the few third-party warnings known to be harmless are let through as test
 *     messages: they are listed, by exact domain and message, in e2e-virt.c, each with
 *     why it is harmless;
 *   - the cleaner: a process of its own that outlives the test and, once the test has
 *     ended in any way (passed, failed an assertion, g_error, crashed, killed at its
 *     timeout), removes what was registered below and is still there. */
void        e2e_test_init        (int         *argc,
                                  char      ***argv);
/* A witness: a process of its own, forked (call it before any thread), that reads the
 * lines the test sends it until the test has ended in any way, then calls @run with
 * them (it is given 120 s) and exits. Returns the descriptor e2e_witness_send writes
 * to. The cleaner below is one; e2e-storage's undo list another. */
typedef void (*E2eWitnessFunc) (char **lines, gpointer data);
int         e2e_witness_start    (E2eWitnessFunc run,
                                  gpointer       data);
void        e2e_witness_send     (int            fd,
                                  const char    *line);

/* Registers what the cleaner removes after the test: a libvirt domain (destroyed and
 * undefined), a file or directory (removed, after ending the processes whose command
 * line names it: sshd, ssh masters, QEMUs). Register before creating. */
void        e2e_cleanup_domain   (const char  *name);
void        e2e_cleanup_path     (const char  *path);
/* The test removed it itself: nothing left for the cleaner. */
void        e2e_cleanup_domain_done (const char *name);
void        e2e_cleanup_path_done   (const char *path);

/* Iterates the default main context until @pred holds or @timeout_ms pass; returns
 * whether it held, and in @elapsed_ms (if not NULL) how long that took. */
gboolean    e2e_wait_for_elapsed (E2ePredicate pred,
                                  gpointer     data,
                                  guint        timeout_ms,
                                  gint64      *elapsed_ms);
gboolean    e2e_wait_for         (E2ePredicate pred,
                                  gpointer     data,
                                  guint        timeout_ms);
/* Runs the main context for @ms. */
void        e2e_spin             (guint        ms);

/* Destroys and undefines the domain @name if it exists. Quiet. */
void e2e_remove_domain        (virConnectPtr conn,
                               const char   *name);
/* Removes leftovers of earlier runs that crashed before cleaning up: every domain whose
 * name starts with @prefix and whose test process (the first number in the rest of the
 * name) is gone. */
void e2e_remove_stale_domains (virConnectPtr conn,
                               const char   *prefix);
/* The same for storage pools (stopped, and undefined when persistent). */
void e2e_remove_stale_pools   (virConnectPtr conn,
                               const char   *prefix);

/* Failing loudly, after cleaning up: @cleanup runs before the assertion message. */
void        e2e_set_cleanup (void (*cleanup) (void));
G_GNUC_PRINTF (4, 5) G_GNUC_NORETURN
void        e2e_fail        (const char *file,
                             int         line,
                             const char *func,
                             const char *format,
                             ...);
#define e2e_assert(cond, ...) \
  G_STMT_START { \
    if (G_UNLIKELY (!(cond))) \
      e2e_fail (__FILE__, __LINE__, G_STRFUNC, __VA_ARGS__); \
  } G_STMT_END

/* The user nobody, whom tests run a daemon of their own as (a session libvirtd): found
 * by e2e_nobody, which fails the test without root or without that user; for
 * g_spawn_*, e2e_become_nobody (a GSpawnChildSetupFunc, its data an E2eUser) makes the
 * child nobody, without other groups, and ends it with the test. */
typedef struct {
  uid_t uid;
  gid_t gid;
} E2eUser;
E2eUser     e2e_nobody         (void);
void        e2e_become_nobody  (gpointer user);

/* libvirt's last error message, or a placeholder. */
const char *e2e_virt_error  (void);

G_END_DECLS
