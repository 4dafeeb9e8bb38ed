// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-file-access"

#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <acl/libacl.h>
#include <glib/gi18n.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "hangar-connection-private.h"
#include "hangar-file-access.h"

#define PERM_READ 4
#define PERM_SEARCH 1

G_DEFINE_QUARK (hangar-file-access-error-quark, hangar_file_access_error)

gboolean
hangar_file_access_applies (HangarConnection *connection)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), FALSE);

  uri = g_uri_parse (hangar_connection_get_uri (connection), G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;
  host = g_uri_get_host (uri);
  return (g_strcmp0 (g_uri_get_scheme (uri), "qemu") == 0
          || g_strcmp0 (g_uri_get_scheme (uri), "qemu+unix") == 0)
         && (host == NULL || *host == '\0')
         && g_strcmp0 (g_uri_get_path (uri), "/system") == 0;
}

/* The groups a process of @uid runs with: @gid, and the local user's other groups
 * (libvirt starts QEMU with them). */
static GArray *
groups_of (uid_t uid,
           gid_t gid)
{
  GArray *groups = g_array_new (FALSE, FALSE, sizeof (gid_t));
  struct passwd pwd, *found = NULL;
  char buf[4096];

  g_array_append_val (groups, gid);
  if (getpwuid_r (uid, &pwd, buf, sizeof buf, &found) == 0 && found != NULL)
    {
      int n = 64;
      g_autofree gid_t *list = g_new (gid_t, n);

      if (getgrouplist (pwd.pw_name, gid, list, &n) < 0)
        {
          list = g_renew (gid_t, list, n);
          if (getgrouplist (pwd.pw_name, gid, list, &n) < 0)
            n = 0;
        }
      for (int i = 0; i < n; i++)
        if (list[i] != gid)
          g_array_append_val (groups, list[i]);
    }
  return groups;
}

static gboolean
in_groups (GArray *groups,
           gid_t   gid)
{
  for (guint i = 0; i < groups->len; i++)
    if (g_array_index (groups, gid_t, i) == gid)
      return TRUE;
  return FALSE;
}

static guint
entry_perm (acl_entry_t entry)
{
  acl_permset_t set;
  guint perm = 0;

  if (acl_get_permset (entry, &set) != 0)
    return 0;
  if (acl_get_perm (set, ACL_READ) == 1)
    perm |= PERM_READ;
  if (acl_get_perm (set, ACL_WRITE) == 1)
    perm |= 2;
  if (acl_get_perm (set, ACL_EXECUTE) == 1)
    perm |= PERM_SEARCH;
  return perm;
}

/* The kernel's rule (posix_acl_permission): the owner gets the owner's bits; a named
 * user its entry; else any matching group entry that grants; else, when no group
 * matched, the others' bits. Named users and groups are limited by the mask. */
static gboolean
acl_grants (acl_t        acl,
            struct stat *st,
            uid_t        uid,
            GArray      *groups,
            guint        want)
{
  acl_entry_t entry;
  guint mask = 7, other = 0;
  gboolean group_matched = FALSE, group_granted = FALSE;
  int user_perm = -1;

  if (uid == st->st_uid)
    return (((st->st_mode >> 6) & want) == want);

  for (int id = ACL_FIRST_ENTRY; acl_get_entry (acl, id, &entry) == 1; id = ACL_NEXT_ENTRY)
    {
      acl_tag_t tag;

      if (acl_get_tag_type (entry, &tag) != 0)
        continue;
      if (tag == ACL_MASK)
        mask = entry_perm (entry);
      else if (tag == ACL_OTHER)
        other = entry_perm (entry);
    }
  for (int id = ACL_FIRST_ENTRY; acl_get_entry (acl, id, &entry) == 1; id = ACL_NEXT_ENTRY)
    {
      acl_tag_t tag;
      void *qualifier;

      if (acl_get_tag_type (entry, &tag) != 0)
        continue;
      if (tag == ACL_USER && (qualifier = acl_get_qualifier (entry)) != NULL)
        {
          if (*(uid_t *) qualifier == uid)
            user_perm = entry_perm (entry) & mask;
          acl_free (qualifier);
        }
      else if (tag == ACL_GROUP_OBJ || tag == ACL_GROUP)
        {
          gid_t gid = st->st_gid;

          if (tag == ACL_GROUP)
            {
              if ((qualifier = acl_get_qualifier (entry)) == NULL)
                continue;
              gid = *(gid_t *) qualifier;
              acl_free (qualifier);
            }
          if (in_groups (groups, gid))
            {
              group_matched = TRUE;
              if ((entry_perm (entry) & mask & want) == want)
                group_granted = TRUE;
            }
        }
    }
  if (user_perm >= 0)
    return ((guint) user_perm & want) == want;
  if (group_matched)
    return group_granted;
  return (other & want) == want;
}

static gboolean
mode_grants (struct stat *st,
             uid_t        uid,
             GArray      *groups,
             guint        want)
{
  guint bits;

  if (uid == st->st_uid)
    bits = st->st_mode >> 6;
  else if (in_groups (groups, st->st_gid))
    bits = st->st_mode >> 3;
  else
    bits = st->st_mode;
  return (bits & want) == want;
}

static gboolean
grants (const char *path,
        uid_t       uid,
        GArray     *groups,
        guint       want,
        GError    **error)
{
  struct stat st;
  acl_t acl;
  gboolean granted;

  /* Root reads and searches everything (CAP_DAC_READ_SEARCH). */
  if (uid == 0)
    return TRUE;
  if (stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not look at “%s”: %s."), path, g_strerror (saved));
      return FALSE;
    }
  acl = acl_get_file (path, ACL_TYPE_ACCESS);
  /* A file system without ACLs has only the mode bits. */
  if (acl == NULL)
    return mode_grants (&st, uid, groups, want);
  granted = acl_grants (acl, &st, uid, groups, want);
  acl_free (acl);
  return granted;
}

/* @path made absolute with its links resolved: the kernel checks the real folders. */
static char *
real_path (const char *path,
           GError    **error)
{
  char *resolved = realpath (path, NULL);
  char *copy;

  if (resolved == NULL)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("“%s” does not exist or cannot be reached: %s."), name, g_strerror (saved));
      return NULL;
    }
  copy = g_strdup (resolved);
  free (resolved);
  return copy;
}

GStrv
hangar_file_access_find_denied (const char *path,
                                uid_t       uid,
                                gid_t       gid,
                                GError    **error)
{
  g_autofree char *real = NULL;
  g_autoptr(GStrvBuilder) denied = g_strv_builder_new ();
  g_autoptr(GArray) groups = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  real = real_path (path, error);
  if (real == NULL)
    return NULL;
  groups = groups_of (uid, gid);

  /* Every folder from the root down to the file's own. */
  for (char *slash = strchr (real, '/'); slash != NULL; slash = strchr (slash + 1, '/'))
    {
      g_autofree char *dir = slash == real ? g_strdup ("/") : g_strndup (real, slash - real);

      if (!grants (dir, uid, groups, PERM_SEARCH, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, local_error);
              return NULL;
            }
          g_strv_builder_add (denied, dir);
        }
    }
  if (!grants (real, uid, groups, PERM_READ, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      g_strv_builder_add (denied, real);
    }
  return g_strv_builder_end (denied);
}

/* Adds @perm for @uid to @path's ACL (the owner's bits when @uid owns it), and
 * recomputes the mask as setfacl -m does. */
static gboolean
add_perm (const char *path,
          uid_t       uid,
          acl_perm_t  perm,
          GError    **error)
{
  acl_t acl = NULL;
  acl_entry_t entry, found = NULL;
  acl_permset_t set;
  struct stat st;
  gboolean ok = FALSE;
  int saved = 0;

  if (stat (path, &st) != 0 || (acl = acl_get_file (path, ACL_TYPE_ACCESS)) == NULL)
    goto out;
  for (int id = ACL_FIRST_ENTRY; found == NULL && acl_get_entry (acl, id, &entry) == 1;
       id = ACL_NEXT_ENTRY)
    {
      acl_tag_t tag;
      void *qualifier;

      if (acl_get_tag_type (entry, &tag) != 0)
        continue;
      if (st.st_uid == uid && tag == ACL_USER_OBJ)
        found = entry;
      else if (st.st_uid != uid && tag == ACL_USER
               && (qualifier = acl_get_qualifier (entry)) != NULL)
        {
          if (*(uid_t *) qualifier == uid)
            found = entry;
          acl_free (qualifier);
        }
    }
  if (found == NULL)
    {
      if (acl_create_entry (&acl, &found) != 0
          || acl_set_tag_type (found, ACL_USER) != 0
          || acl_set_qualifier (found, &uid) != 0)
        goto out;
    }
  if (acl_get_permset (found, &set) != 0 || acl_add_perm (set, perm) != 0
      || acl_set_permset (found, set) != 0 || acl_calc_mask (&acl) != 0
      || acl_set_file (path, ACL_TYPE_ACCESS, acl) != 0)
    goto out;
  ok = TRUE;

out:
  if (!ok)
    {
      saved = errno;
      /* Only the owner and root may change a file's ACL; root is stopped by attributes
       * such as immutable, which the system's error names. */
      if (saved == EPERM && geteuid () != 0)
        g_set_error (error, HANGAR_FILE_ACCESS_ERROR, HANGAR_FILE_ACCESS_ERROR_FAILED,
                     _("Could not change the permissions of “%s”: only its owner can. Move the file to a folder QEMU can read instead."),
                     path);
      else
        g_set_error (error, HANGAR_FILE_ACCESS_ERROR, HANGAR_FILE_ACCESS_ERROR_FAILED,
                     _("Could not change the permissions of “%s”: %s. Move the file to a folder QEMU can read instead."),
                     path, g_strerror (saved));
    }
  if (acl != NULL)
    acl_free (acl);
  return ok;
}

gboolean
hangar_file_access_grant (const char *path,
                          uid_t       uid,
                          gid_t       gid,
                          GError    **error)
{
  g_auto(GStrv) denied = NULL;
  g_autofree char *real = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  denied = hangar_file_access_find_denied (path, uid, gid, error);
  if (denied == NULL)
    return FALSE;
  real = real_path (path, error);
  if (real == NULL)
    return FALSE;
  for (guint i = 0; denied[i] != NULL; i++)
    {
      acl_perm_t perm = strcmp (denied[i], real) == 0 ? ACL_READ : ACL_EXECUTE;

      if (!add_perm (denied[i], uid, perm, error))
        return FALSE;
    }
  return TRUE;
}

/* One id of a label: "+64055" is the number, anything else a name. */
static gboolean
parse_id (const char *text,
          gboolean    group,
          guint      *id)
{
  guint64 value;

  if (text[0] == '+')
    {
      if (!g_ascii_string_to_unsigned (text + 1, 10, 0, G_MAXUINT32, &value, NULL))
        return FALSE;
      *id = value;
      return TRUE;
    }
  if (group)
    {
      struct group *gr = getgrnam (text);

      if (gr != NULL)
        *id = gr->gr_gid;
      return gr != NULL;
    }
  else
    {
      struct passwd *pw = getpwnam (text);

      if (pw != NULL)
        *id = pw->pw_uid;
      return pw != NULL;
    }
}

gboolean
hangar_file_access_parse_label (const char *caps_xml,
                                uid_t      *uid,
                                gid_t      *gid,
                                GError    **error)
{
  static const char *const paths[] = {
    "/capabilities/host/secmodel[model='dac']/baselabel[@type='kvm']",
    "/capabilities/host/secmodel[model='dac']/baselabel[@type='qemu']",
  };
  xmlDocPtr doc;
  xmlXPathContextPtr context;
  g_autofree char *label = NULL;
  g_auto(GStrv) ids = NULL;
  guint u, g;

  g_return_val_if_fail (caps_xml != NULL, FALSE);

  doc = xmlReadMemory (caps_xml, strlen (caps_xml), NULL, NULL, XML_PARSE_NONET);
  if (doc != NULL)
    {
      context = xmlXPathNewContext (doc);
      for (guint i = 0; label == NULL && i < G_N_ELEMENTS (paths); i++)
        {
          xmlXPathObjectPtr found = xmlXPathEvalExpression ((const xmlChar *) paths[i], context);

          if (found != NULL && found->nodesetval != NULL && found->nodesetval->nodeNr > 0)
            {
              xmlChar *text = xmlNodeGetContent (found->nodesetval->nodeTab[0]);

              label = g_strstrip (g_strdup ((const char *) text));
              xmlFree (text);
            }
          xmlXPathFreeObject (found);
        }
      xmlXPathFreeContext (context);
      xmlFreeDoc (doc);
    }

  if (label != NULL)
    ids = g_strsplit (label, ":", 2);
  if (ids == NULL || g_strv_length (ids) != 2 || !parse_id (ids[0], FALSE, &u)
      || !parse_id (ids[1], TRUE, &g))
    {
      g_set_error_literal (error, HANGAR_FILE_ACCESS_ERROR, HANGAR_FILE_ACCESS_ERROR_FAILED,
                           _("The host does not say which user QEMU runs as, so Hangar cannot tell whether it can read the file."));
      return FALSE;
    }
  *uid = u;
  *gid = g;
  return TRUE;
}

/* Checking on a worker */

typedef struct {
  virConnectPtr conn;
  char *path;
  gboolean fix;
} Check;

static void
check_free (gpointer data)
{
  Check *check = data;

  g_clear_pointer (&check->conn, virConnectClose);
  g_free (check->path);
  g_free (check);
}

static char *
user_name (uid_t uid)
{
  struct passwd pwd, *found = NULL;
  char buf[4096];

  if (getpwuid_r (uid, &pwd, buf, sizeof buf, &found) == 0 && found != NULL)
    return g_strdup (pwd.pw_name);
  return g_strdup_printf ("+%u", (guint) uid);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Check *check = task_data;
  g_autofree char *caps = NULL;
  g_autofree char *user = NULL;
  g_autofree char *real = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) denied = NULL;
  GError *error = NULL;
  uid_t uid;
  gid_t gid;

  if (check->conn == NULL)
    {
      g_task_return_new_error (task, HANGAR_FILE_ACCESS_ERROR, HANGAR_FILE_ACCESS_ERROR_FAILED,
                               _("The connection is closed. Connect to the host again."));
      return;
    }
  caps = virConnectGetCapabilities (check->conn);
  if (caps == NULL)
    {
      g_task_return_new_error (task, HANGAR_FILE_ACCESS_ERROR, HANGAR_FILE_ACCESS_ERROR_FAILED,
                               _("Could not ask the host which user QEMU runs as: %s."),
                               virGetLastErrorMessage ());
      return;
    }
  if (!hangar_file_access_parse_label (caps, &uid, &gid, &error)
      || (check->fix && !hangar_file_access_grant (check->path, uid, gid, &error))
      || (denied = hangar_file_access_find_denied (check->path, uid, gid, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (denied[0] == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  user = user_name (uid);
  real = real_path (check->path, NULL);
  name = g_filename_display_name (denied[0]);
  if (g_strcmp0 (denied[0], real) == 0)
    g_task_return_new_error (task, HANGAR_FILE_ACCESS_ERROR, HANGAR_FILE_ACCESS_ERROR_DENIED,
                             _("QEMU runs as “%s”, which cannot read this file. Let that user read it, or choose a file it can read."),
                             user);
  else
    g_task_return_new_error (task, HANGAR_FILE_ACCESS_ERROR, HANGAR_FILE_ACCESS_ERROR_DENIED,
                             _("QEMU runs as “%s”, which cannot open the folder “%s” on the way to this file. Let that user in, or move the file to a folder it can read, such as /var/lib/libvirt/images."),
                             user, name);
}

static void
check_async (HangarConnection   *connection,
             const char         *path,
             gboolean            fix,
             gpointer            source_tag,
             GCancellable       *cancellable,
             GAsyncReadyCallback callback,
             gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  Check *check;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  if (!hangar_file_access_applies (connection))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  check = g_new0 (Check, 1);
  check->path = g_strdup (path);
  check->fix = fix;
  if (connection->conn != NULL)
    {
      check->conn = connection->conn;
      virConnectRef (check->conn);
    }
  g_task_set_task_data (task, check, check_free);
  g_task_run_in_thread (task, check_thread);
}

void
hangar_file_access_check_async (HangarConnection   *connection,
                                const char         *path,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_return_if_fail (HANGAR_IS_CONNECTION (connection));
  g_return_if_fail (path != NULL);

  check_async (connection, path, FALSE, hangar_file_access_check_async, cancellable,
               callback, user_data);
}

gboolean
hangar_file_access_check_finish (GAsyncResult *result,
                                 GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hangar_file_access_fix_async (HangarConnection   *connection,
                              const char         *path,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_return_if_fail (HANGAR_IS_CONNECTION (connection));
  g_return_if_fail (path != NULL);

  check_async (connection, path, TRUE, hangar_file_access_fix_async, cancellable,
               callback, user_data);
}

gboolean
hangar_file_access_fix_finish (GAsyncResult *result,
                               GError      **error)
{
  return hangar_file_access_check_finish (result, error);
}
