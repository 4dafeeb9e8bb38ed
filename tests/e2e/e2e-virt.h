// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>

G_BEGIN_DECLS

/* Destroys and undefines the domain @name if it exists. Quiet. */
void e2e_remove_domain        (virConnectPtr conn,
                               const char   *name);
/* Removes leftovers of earlier runs that crashed before cleaning up: every domain whose
 * name starts with @prefix. */
void e2e_remove_stale_domains (virConnectPtr conn,
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

/* libvirt's last error message, or a placeholder. */
const char *e2e_virt_error  (void);

G_END_DECLS
