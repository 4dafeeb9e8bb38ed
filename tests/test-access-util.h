// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <glib.h>

G_BEGIN_DECLS

/* The kernel's word on a user's access, for the file-access tests (unit and e2e): the
 * errno a child process of @uid:@gid, with no other groups, meets opening @path for
 * reading; 0 when it can. Needs root (the test fails when the child cannot become
 * that user). */
int test_open_as (const char *path,
                  uid_t       uid,
                  gid_t       gid);

G_END_DECLS
