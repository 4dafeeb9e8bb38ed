// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libvirt/libvirt.h>

#include "hangar-connection.h"
#include "hangar-job.h"
#include "test-util.h"

G_BEGIN_DECLS

/* For tests on core's connections, unit and widget alike. */

/* "test://" + the absolute path of tests/data/@file: a private test-driver host. */
char             *test_data_uri        (const char *file);
/* A TestPredicate: the connection @data is neither connecting nor idle (it connected,
 * failed or waits for credentials). */
gboolean          test_connection_is_settled (gpointer data);
/* A connection to @uri, opened (the test fails unless it connects within 5 s). */
HangarConnection *test_open_connection (const char *uri);

/* The libvirt connection under @connection, for checking behind Hangar's back (a
 * test-driver file gives each connection its own copy of the host). Not a reference. */
virConnectPtr     test_raw_connection  (HangarConnection *connection);
/* The names of the volumes of pool @pool, sorted, joined with spaces. */
char             *test_volume_names    (virConnectPtr     conn,
                                        const char       *pool);

/* The XPath @path's string value in the XML document @xml ("" when absent); the
 * prefix "libosinfo" names libosinfo's metadata namespace. */
char             *test_xpath           (const char       *xml,
                                        const char       *path);

/* hangar_guest_list_disks and hangar_guest_delete_with_storage run to their end (the
 * test fails when that takes more than @timeout_ms). */
GPtrArray        *test_list_disks          (HangarGuest       *guest,
                                            guint              timeout_ms,
                                            GError           **error);
gboolean          test_delete_with_storage (HangarGuest       *guest,
                                            const char *const *paths,
                                            guint              timeout_ms,
                                            GError           **error);

/* An _async call's GAsyncReadyCallback that keeps its result in *(GAsyncResult **)
 * @user_data (a reference), and the predicate that it came. */
void              test_on_result_cb        (GObject      *object,
                                            GAsyncResult *result,
                                            gpointer      user_data);
gboolean          test_has_result          (gpointer      data);

/* Follows a HangarJob's messages (connect test_job_watch_cb to "notify::message"):
 * each one is kept, and the job is cancelled at the first that starts with
 * @cancel_at (unless NULL). */
typedef struct {
  GPtrArray  *messages;
  const char *cancel_at;
} TestJobWatch;

void              test_job_watch_cb        (HangarJob    *job,
                                            GParamSpec   *pspec,
                                            TestJobWatch *watch);
gboolean          test_has_message         (GPtrArray    *messages,
                                            const char   *message);

/* A qcow2 image of @size ("64M") at @path made by qemu-img, over @backing (a qcow2
 * image) unless NULL; fails the test when qemu-img (qemu-utils) fails or is missing. */
void              test_make_qcow2          (const char   *path,
                                            const char   *size,
                                            const char   *backing);

G_END_DECLS
