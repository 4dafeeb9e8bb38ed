// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

#include "e2e-virt.h"

G_BEGIN_DECLS

/* Host storage for the storage end-to-end tests: commands run as root, loop devices,
 * file systems mounted on them, and an undo list that outlives the test.
 *
 * The undo list: e2e-virt.c's cleaner removes guests and paths; storage leaves more
 * behind (pools libvirt keeps, mounts, volume groups, loop devices), and in an order
 * (a pool before its mount, the mount before its loop device). So e2e_storage_init ()
 * starts a second process, like that cleaner, which learns from the test what would
 * undo each step and, once the test has ended in any way, runs the steps not marked
 * done, the last registered first. */

/* After e2e_test_init (), before any thread. */
void   e2e_storage_init       (void);
/* Registers @command (run with sh -c after the test, if still registered) under @key;
 * register before doing what it undoes. */
void   e2e_storage_undo       (const char *key,
                               const char *command);
/* The test undid it itself. */
void   e2e_storage_undo_done  (const char *key);

/* Runs @argv (searching PATH); the test fails, naming the command and its error output,
 * when it does not exit 0. Returns its standard output. */
char  *e2e_storage_run        (const char *const *argv);
/* The same for a command that may fail: FALSE, and its error output in @err. */
gboolean e2e_storage_try      (const char *const *argv,
                               char             **out,
                               char             **err);

/* A sparse file of @size bytes at @path. */
void   e2e_storage_make_file  (const char *path,
                               guint64     size);
/* Attaches @file to a free loop device (losetup) and returns its path, its detach
 * registered for the undo list; e2e_storage_loop_detach () detaches it. */
char  *e2e_storage_loop_attach (const char *file);
void   e2e_storage_loop_detach (const char *device);
/* Mounts @device on the existing directory @dir with mount @options (or NULL), its
 * unmount registered / unmounts. */
void   e2e_storage_mount       (const char *device,
                                const char *dir,
                                const char *options);
void   e2e_storage_umount      (const char *dir);
/* Registers the removal of libvirt pool @name (stopped and undefined through virsh on
 * HANGAR_TEST_LIBVIRT_URI), before the test creates it. */
void   e2e_storage_undo_pool   (const char *name);
void   e2e_storage_undo_pool_done (const char *name);
/* Whether something is mounted on @dir (/proc/mounts). */
gboolean e2e_storage_is_mounted (const char *dir);

G_END_DECLS
