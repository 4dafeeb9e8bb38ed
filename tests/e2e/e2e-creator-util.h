// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>
#include <libvirt/libvirt.h>

#include "hangar-application.h"
#include "hangar-connection.h"
#include "hangar-guest-spec.h"
#include "hangar-guest.h"

G_BEGIN_DECLS

/* What the New VM end-to-end tests (test-e2e-creator.c, test-e2e-creator-uefi.c) share:
 * counting what a run leaves, the tiny guest's files, and walking the window's pages. */

/* What every New VM end-to-end test starts with: GTK drawn as the application draws
 * without a GPU (src/main.c: with GL on Mesa's software rasteriser a guest window's
 * spinning "Connecting…" page redraws without pause and starves the idle callbacks
 * gvnc runs on), e2e_gtk_test_init, libadwaita and Hangar's core. */
void            e2e_creator_init        (int     *argc,
                                         char  ***argv);

/* The host a New VM end-to-end test makes guests on. */
typedef struct {
  const char *uri;                /* HANGAR_TEST_LIBVIRT_URI */
  virConnectPtr other;            /* the test's own connection, behind Hangar's back */
  HangarApplication *app;
  HangarConnection *connection;   /* Hangar's, connected */
  char *pool_name;                /* a transient dir pool of the test's own… */
  char *pool_dir;                 /* …in /var/tmp/PREFIXPID (QEMU's user reaches it) */
  char *files_dir;                /* the test's own files, outside the pool */
} E2eCreatorHost;

/* After e2e_gtk_test_init, adw_init and hangar_core_init: opens the host (failing
 * loudly without HANGAR_TEST_LIBVIRT_URI), removes domains and pools named @prefix
 * that an earlier run left, makes the pool and the files' folder (with @own_tmpdir, a
 * folder "tmp" in it becomes TMPDIR: the temporary directory must not have been read),
 * and connects a HangarApplication's session to the host, with the pool listed. When
 * a test fails, @cleanup (the test's domains) runs, then the pool stops. */
E2eCreatorHost *e2e_creator_host_open   (const char  *prefix,
                                         gboolean     own_tmpdir,
                                         void       (*cleanup) (void));
/* Stops the pool, removes its folder and the files' one, closes the connection. */
void            e2e_creator_host_close  (E2eCreatorHost *host);

/* The files in @dir, sorted, joined with spaces. */
char      *e2e_creator_files_in          (const char *dir);
/* How many domains @conn's host has (all of them: defined, running, transient). */
int        e2e_creator_count_domains     (virConnectPtr conn);
/* The tiny guest's file @name ("vmlinuz", "initrd.img", "cmdline"). */
char      *e2e_creator_guest_file        (const char *name);
/* The guest runs with the virt type build-aux/test found working (HANGAR_TEST_VIRT_TYPE):
 * libvirt may offer a KVM that hangs the guest. */
void       e2e_creator_use_test_virt_type (HangarGuestSpec *spec);
/* Runs @argv, failing the test when it fails; its output goes to @out when not NULL. */
void       e2e_creator_run_command       (const char *const *argv,
                                          char             **out);

/* Predicates for e2e_wait_for: a HangarConnection connected; a HangarCreatorState
 * that knows the host (or failed to); a HangarCreatorPage complete. */
gboolean   e2e_creator_is_connected      (gpointer connection);
gboolean   e2e_creator_host_ready        (gpointer state);
gboolean   e2e_creator_page_complete     (gpointer page);

/* The first @type in @row (or in @root when @row is NULL); fails the test without one. */
GtkWidget *e2e_creator_find_control      (GtkWidget *root,
                                          GType      type,
                                          GtkWidget *row);
/* Opens New Virtual Machine on @host as the manager does, and returns its window. */
GtkWidget *e2e_creator_open_window       (E2eCreatorHost *host);
/* Clicks Create on @window's summary and waits (up to @timeout_ms) until it is done
 * and gone. */
void       e2e_creator_create_and_wait   (GtkWidget      *window,
                                          guint           timeout_ms);
/* The Memory and CPUs page @shown: @mib MiB of memory. */
void       e2e_creator_answer_memory     (GtkWidget      *shown,
                                          guint           mib);
/* The Storage page @shown: a new qcow2 disk of @mib MiB in the pool @pool. */
void       e2e_creator_answer_new_disk   (GtkWidget      *shown,
                                          const char     *pool,
                                          const char     *mib);
/* Answers @window's pages one after the other until the summary: once the window knows
 * the host (the guest's virt type set as build-aux/test found it), @answer (may be
 * NULL) answers each page @shown, named @page; each is then waited for to be complete
 * (e2e_creator_wait_page_complete) and left with Forward. */
typedef void (*E2eCreatorAnswerFunc) (const char *page,
                                      GtkWidget  *shown,
                                      gpointer    data);
void       e2e_creator_walk_to_summary   (GtkWidget            *window,
                                          E2eCreatorAnswerFunc  answer,
                                          gpointer              data);

/* Closes the window @app opened on the new @guest, once its console is known (a
 * console torn down while it starts would warn). */
void       e2e_creator_close_guest_window (HangarApplication *app,
                                           HangarGuest       *guest);

/* Waits for the window's visible page @shown to be complete (some checks run on
 * workers), failing the test with the message shown beside a field otherwise. */
void       e2e_creator_wait_page_complete (GtkWidget  *shown,
                                           const char *page,
                                           guint       timeout_ms);

G_END_DECLS
