// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-install-setup"

/* Unattended install scripts and cloud-init seeds (see the header for where the files
 * go). Everything here blocks: the creator calls it on a worker. */

#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libxml/tree.h>

#include "hangar-fetch.h"
#include "hangar-guest-private.h"
#include "hangar-install-setup.h"
#include "hangar-os-catalog.h"
#include "hangar-storage-private.h"
#include "hangar-pool.h"
#include "hangar-volume-private.h"

/* A fetched installer kernel or initrd larger than this is refused. */
#define MAX_BOOT_FILE (G_GUINT64_CONSTANT (512) << 20)
/* libosinfo's scripts are shared database objects: the preferred injection method and
 * installation source are set on them just before generating, one run at a time. */
G_LOCK_DEFINE_STATIC (script_lock);

struct _HangarInstallSetup
{
  char *dir;
  GPtrArray *files;   /* every file made in dir, removed by remove () */
  /* On a remote host: the volumes uploaded (virStorageVolPtr), removed by remove (),
   * and their paths there (NULL-terminated). */
  GPtrArray *volumes;
  GPtrArray *volume_paths;
  char *cdrom;
  char *kernel;
  char *initrd;
  char *cmdline;
  /* What the preview of Customize was made from (apply_edited makes it again). */
  OsinfoOs *os;
  gboolean remote;
};

OsinfoInstallScript *
hangar_install_setup_find_script (OsinfoOs    *os,
                                  OsinfoMedia *media,
                                  OsinfoTree  *tree,
                                  gboolean     minimal)
{
  const char *profiles[] = { minimal ? OSINFO_INSTALL_SCRIPT_PROFILE_JEOS
                                     : OSINFO_INSTALL_SCRIPT_PROFILE_DESKTOP,
                             minimal ? OSINFO_INSTALL_SCRIPT_PROFILE_DESKTOP
                                     : OSINFO_INSTALL_SCRIPT_PROFILE_JEOS };

  /* A medium the database did not recognise has no OS: libosinfo 1.10's
   * osinfo_media_supports_installer_script would ask a NULL OS for its scripts (a
   * critical). Its family's OS, chosen by the user or guessed, is asked below. */
  g_autoptr(OsinfoOs) media_os = media != NULL ? osinfo_media_get_os (media) : NULL;

  if (media_os != NULL)
    {
      g_autoptr(OsinfoInstallScriptList) scripts = NULL;

      if (!osinfo_media_supports_installer_script (media))
        return NULL;
      scripts = osinfo_media_get_install_script_list (media);
      for (guint p = 0; p < G_N_ELEMENTS (profiles); p++)
        for (int i = 0; scripts != NULL && i < osinfo_list_get_length (OSINFO_LIST (scripts)); i++)
          {
            OsinfoInstallScript *script =
              OSINFO_INSTALL_SCRIPT (osinfo_list_get_nth (OSINFO_LIST (scripts), i));
            if (g_strcmp0 (osinfo_install_script_get_profile (script), profiles[p]) == 0)
              return script;
          }
    }
  if (os == NULL)
    return NULL;
  for (guint p = 0; p < G_N_ELEMENTS (profiles); p++)
    {
      g_autoptr(OsinfoInstallScriptList) scripts = osinfo_os_get_install_script_list (os);
      OsinfoInstallScript *found = NULL;

      /* Windows' .cmd scripts are run by its answer file, not read by the installer:
       * the answer file is the one to fill. */
      for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (scripts)); i++)
        {
          OsinfoInstallScript *script =
            OSINFO_INSTALL_SCRIPT (osinfo_list_get_nth (OSINFO_LIST (scripts), i));
          const char *file = osinfo_install_script_get_expected_filename (script);

          if (g_strcmp0 (osinfo_install_script_get_profile (script), profiles[p]) != 0)
            continue;
          if (found == NULL || (file != NULL && !g_str_has_suffix (file, ".cmd")))
            found = script;
          if (file != NULL && !g_str_has_suffix (file, ".cmd"))
            break;
        }
      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
hangar_install_setup_offers_minimal (OsinfoOs    *os,
                                     OsinfoMedia *media,
                                     OsinfoTree  *tree)
{
  OsinfoInstallScript *desktop = hangar_install_setup_find_script (os, media, tree, FALSE);
  OsinfoInstallScript *minimal = hangar_install_setup_find_script (os, media, tree, TRUE);

  return desktop != NULL && minimal != NULL
         && g_strcmp0 (osinfo_install_script_get_profile (desktop),
                       osinfo_install_script_get_profile (minimal)) != 0;
}

/* @os's first installer medium for @arch whose kernel and initrd paths are known and
 * whose installer takes a script, or NULL. */
static OsinfoMedia *
installer_media_of (OsinfoOs   *os,
                    const char *arch)
{
  g_autoptr(OsinfoMediaList) list = osinfo_os_get_media_list (os);

  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoMedia *media = OSINFO_MEDIA (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *media_arch = osinfo_media_get_architecture (media);

      if (osinfo_media_get_installer (media)
          && osinfo_media_get_kernel_path (media) != NULL
          && osinfo_media_get_initrd_path (media) != NULL
          && (arch == NULL || g_strcmp0 (media_arch, arch) == 0
              || g_strcmp0 (media_arch, "all") == 0)
          && osinfo_media_supports_installer_script (media))
        return g_object_ref (media);
    }
  return NULL;
}

gboolean
hangar_install_setup_script_wants (OsinfoInstallScript *script,
                                   const char          *param,
                                   gboolean            *required)
{
  OsinfoInstallConfigParam *found;

  g_return_val_if_fail (OSINFO_IS_INSTALL_SCRIPT (script), FALSE);

  found = osinfo_install_script_get_config_param (script, param);
  if (required != NULL)
    *required = found != NULL && osinfo_install_config_param_is_required (found);
  if (found != NULL)
    g_object_unref (found);
  return found != NULL;
}

/* Files. */

static void
free_volume (gpointer vol)
{
  virStorageVolFree (vol);
}

static HangarInstallSetup *
setup_new (GError **error)
{
  g_autoptr(HangarInstallSetup) self = g_new0 (HangarInstallSetup, 1);

  self->files = g_ptr_array_new_with_free_func (g_free);
  self->volumes = g_ptr_array_new_with_free_func (free_volume);
  self->volume_paths = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->volume_paths, NULL);
  self->dir = g_dir_make_tmp ("hangar-setup-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  /* QEMU's user (libvirt-qemu on a system connection) must reach the files libvirt
   * relabels for it, without being able to list the directory. */
  if (g_chmod (self->dir, 0711) < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not prepare the folder %s: %s."), self->dir, g_strerror (saved));
      g_rmdir (self->dir);
      g_clear_pointer (&self->dir, g_free);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/* The path of @name in the setup's directory, remembered for remove (). */
static char *
add_file (HangarInstallSetup *self,
          const char         *name)
{
  char *path = g_build_filename (self->dir, name, NULL);

  g_ptr_array_add (self->files, g_strdup (path));
  return path;
}

static gboolean
write_private (HangarInstallSetup *self,
               const char         *name,
               const char         *contents,
               gssize              length,
               GError            **error)
{
  g_autofree char *path = add_file (self, name);

  return g_file_set_contents_full (path, contents, length, G_FILE_SET_CONTENTS_NONE, 0600, error);
}

/* Deletes the file now (what it held is in an ISO or initrd already). */
static void
drop_file (HangarInstallSetup *self,
           const char         *path)
{
  for (guint i = 0; i < self->files->len; i++)
    if (g_str_equal (g_ptr_array_index (self->files, i), path))
      {
        g_unlink (path);
        g_ptr_array_remove_index (self->files, i);
        return;
      }
}

/* The line of xorriso's @err that says what went wrong (its first FAILURE or SORRY;
 * the others are its banner, progress and "aborting"); else its last line. */
static const char *
tool_problem (char *err)
{
  g_auto(GStrv) lines = NULL;
  const char *last;

  if (err == NULL)
    return "";
  g_strstrip (err);
  lines = g_strsplit (err, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], ": FAILURE :") != NULL || strstr (lines[i], ": SORRY :") != NULL)
      {
        char *found = strstr (err, lines[i]);

        found[strlen (lines[i])] = '\0';
        return found;
      }
  last = strrchr (err, '\n');
  return last != NULL ? last + 1 : err;
}

/* Runs a program (xorriso) to the end; what went wrong (tool_problem) in the error. */
static gboolean
run_tool (const char * const *argv,
          const char          *what,
          GCancellable        *cancellable,
          GError             **error)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) local_error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                     | G_SUBPROCESS_FLAGS_STDERR_PIPE, &local_error);
  if (process == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not make %s: %s. Install the package “%s”."),
                   what, local_error->message, argv[0]);
      return FALSE;
    }
  if (!g_subprocess_communicate_utf8 (process, NULL, cancellable, NULL, &err, &local_error))
    {
      g_subprocess_force_exit (process);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not make %s: %s"),
                   what, tool_problem (err));
      return FALSE;
    }
  return TRUE;
}

/* An ISO labelled @label holding @files (paths in the setup's directory). */
static char *
make_iso (HangarInstallSetup *self,
          const char         *name,
          const char         *label,
          const char * const *files,
          const char         *what,
          GCancellable       *cancellable,
          GError            **error)
{
  g_autofree char *iso = add_file (self, name);
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;

  g_strv_builder_add_many (argv, "xorriso", "-as", "mkisofs", "-quiet", "-V", label,
                           "-J", "-r", "-o", iso, NULL);
  g_strv_builder_addv (argv, (const char **) files);
  args = g_strv_builder_end (argv);
  if (!run_tool ((const char * const *) args, what, cancellable, error))
    return NULL;
  g_chmod (iso, 0600);
  return g_steal_pointer (&iso);
}

/* Cloud-init. */

/* A YAML double-quoted scalar: nothing the user typed can end it early. */
static void
append_yaml_string (GString    *out,
                    const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\x%02x", (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append (out, "\"\n");
}

static char *
hostname_for (const HangarGuestSpec *spec)
{
  return g_strdup (spec->hostname != NULL && spec->hostname[0] != '\0' ? spec->hostname
                                                                        : spec->name);
}

static gboolean
prepare_cloud_init (HangarInstallSetup    *self,
                    const HangarGuestSpec *spec,
                    GCancellable          *cancellable,
                    GError               **error)
{
  g_autoptr(GString) user_data = g_string_new ("#cloud-config\n");
  g_autoptr(GString) meta_data = g_string_new (NULL);
  g_autofree char *hostname = hostname_for (spec);
  g_autofree char *instance = g_uuid_string_random ();
  g_autofree char *user_path = NULL;
  g_autofree char *meta_path = NULL;
  gboolean locked = spec->password_locked || spec->user_password == NULL;
  gboolean ok;

  g_string_append (user_data, "hostname: ");
  append_yaml_string (user_data, hostname);
  g_string_append_printf (user_data, "ssh_pwauth: %s\n", locked ? "false" : "true");
  g_string_append (user_data, "users:\n  - name: ");
  append_yaml_string (user_data, spec->user_login);
  if (spec->user_realname != NULL && spec->user_realname[0] != '\0')
    {
      g_string_append (user_data, "    gecos: ");
      append_yaml_string (user_data, spec->user_realname);
    }
  /* The user administers the guest, as the installer's first user does. */
  g_string_append (user_data, "    sudo: \"ALL=(ALL) NOPASSWD:ALL\"\n"
                              "    shell: /bin/bash\n");
  g_string_append_printf (user_data, "    lock_passwd: %s\n", locked ? "true" : "false");
  if (!locked)
    {
      g_string_append (user_data, "    plain_text_passwd: ");
      append_yaml_string (user_data, spec->user_password);
    }
  if (spec->ssh_keys != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (spec->ssh_keys, "\n", -1);
      gboolean first = TRUE;

      for (guint i = 0; lines[i] != NULL; i++)
        {
          char *key = g_strstrip (lines[i]);

          if (key[0] == '\0' || key[0] == '#')
            continue;
          if (first)
            g_string_append (user_data, "    ssh_authorized_keys:\n");
          first = FALSE;
          g_string_append (user_data, "      - ");
          append_yaml_string (user_data, key);
        }
    }

  g_string_append (meta_data, "instance-id: ");
  append_yaml_string (meta_data, instance);
  g_string_append (meta_data, "local-hostname: ");
  append_yaml_string (meta_data, hostname);

  ok = write_private (self, "user-data", user_data->str, user_data->len, error);
  /* The password was in there: wiped before the buffer goes. */
  memset (user_data->str, 0, user_data->len);
  if (!ok || !write_private (self, "meta-data", meta_data->str, meta_data->len, error))
    return FALSE;
  user_path = g_build_filename (self->dir, "user-data", NULL);
  meta_path = g_build_filename (self->dir, "meta-data", NULL);
  {
    const char *files[] = { user_path, meta_path, NULL };
    /* The NoCloud data source looks for a file system labelled "cidata". */
    self->cdrom = make_iso (self, "cidata.iso", "cidata", files,
                            _("the cloud-init disc"), cancellable, error);
  }
  drop_file (self, user_path);
  drop_file (self, meta_path);
  return self->cdrom != NULL;
}

/* Unattended installs. */

/* A gzipped newc cpio holding @name with @contents, which the kernel unpacks after the
 * initrd it is appended to (as virt-install injects its scripts). */
static GBytes *
script_cpio (const char *name,
             const char *contents,
             gsize       length,
             GError    **error)
{
  g_autoptr(GByteArray) cpio = g_byte_array_new ();
  g_autoptr(GZlibCompressor) compressor = NULL;
  g_autoptr(GOutputStream) memory = NULL;
  g_autoptr(GOutputStream) gzip = NULL;
  struct { const char *name; guint mode; const char *data; gsize size; } entries[] = {
    { name, 0100600, contents, length },
    { "TRAILER!!!", 0, NULL, 0 },
  };
  static const guint8 zeros[4] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_autofree char *header = NULL;
      gsize namesize = strlen (entries[i].name) + 1;

      /* magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
       * rdevmajor, rdevminor, namesize, check */
      header = g_strdup_printf ("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                                i + 1, entries[i].mode, 0, 0, entries[i].mode ? 1 : 0, 0,
                                (guint) entries[i].size, 0, 0, 0, 0, (guint) namesize, 0);
      g_byte_array_append (cpio, (const guint8 *) header, strlen (header));
      g_byte_array_append (cpio, (const guint8 *) entries[i].name, namesize);
      g_byte_array_append (cpio, zeros, (4 - cpio->len % 4) % 4);
      if (entries[i].size > 0)
        g_byte_array_append (cpio, (const guint8 *) entries[i].data, entries[i].size);
      g_byte_array_append (cpio, zeros, (4 - cpio->len % 4) % 4);
    }

  memory = g_memory_output_stream_new_resizable ();
  compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  gzip = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  if (!g_output_stream_write_all (gzip, cpio->data, cpio->len, NULL, NULL, error)
      || !g_output_stream_close (gzip, NULL, error))
    return NULL;
  memset (cpio->data, 0, cpio->len);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* Takes the installer's kernel and initrd out of the ISO. */
static gboolean
extract_boot_files (HangarInstallSetup *self,
                    const char         *iso,
                    OsinfoMedia        *media,
                    GCancellable       *cancellable,
                    GError            **error)
{
  g_autofree char *kernel_src = g_strconcat ("/", osinfo_media_get_kernel_path (media), NULL);
  g_autofree char *initrd_src = g_strconcat ("/", osinfo_media_get_initrd_path (media), NULL);
  const char *argv[] = { "xorriso", "-osirrox", "on", "-indev", iso,
                         "-extract", kernel_src, NULL, "-extract", initrd_src, NULL, NULL };

  self->kernel = add_file (self, "kernel");
  self->initrd = add_file (self, "initrd");
  g_autoptr(GError) local_error = NULL;

  argv[7] = self->kernel;
  argv[10] = self->initrd;
  if (run_tool (argv, _("the installer’s kernel and initrd"), cancellable, &local_error))
    return TRUE;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* Mostly a medium that is not the OS chosen: its installer is elsewhere. */
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("the medium has no installer where the chosen operating system keeps it (%s, %s). Choose the operating system of this medium, or turn off Automatic Installation (%s)"),
               kernel_src, initrd_src, local_error->message);
  return FALSE;
}

static char *
desktop_language (void)
{
  const char *name = g_get_language_names ()[0];
  g_autofree char *language = g_strndup (name, strcspn (name, ".@"));

  if (g_str_equal (language, "C") || g_str_equal (language, "POSIX"))
    return NULL;
  return g_steal_pointer (&language);
}

static OsinfoInstallConfig *
new_config (const HangarGuestSpec *spec,
            OsinfoInstallScript   *script)
{
  OsinfoInstallConfig *config = osinfo_install_config_new ("http://hangar.example/install-config");
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  const char *zone_id = g_time_zone_get_identifier (zone);
  g_autofree char *language = desktop_language ();
  g_autofree char *hostname = hostname_for (spec);

  if (spec->arch != NULL)
    osinfo_install_config_set_hardware_arch (config, spec->arch);
  if (strchr (zone_id, '/') != NULL || g_str_equal (zone_id, "UTC"))
    osinfo_install_config_set_l10n_timezone (config, zone_id);
  if (language != NULL)
    osinfo_install_config_set_l10n_language (config, language);
  osinfo_install_config_set_user_login (config, spec->user_login);
  if (spec->user_realname != NULL && spec->user_realname[0] != '\0')
    osinfo_install_config_set_user_realname (config, spec->user_realname);
  else
    osinfo_install_config_set_user_realname (config, spec->user_login);
  if (spec->user_password != NULL)
    osinfo_install_config_set_user_password (config, spec->user_password);
  /* No administrator password given: the same as the user's. */
  osinfo_install_config_set_admin_password (config, spec->admin_password != NULL
                                                    ? spec->admin_password
                                                    : spec->user_password);
  osinfo_install_config_set_user_administrator (config, TRUE);
  osinfo_install_config_set_user_autologin (config, FALSE);
  if (spec->product_key != NULL && spec->product_key[0] != '\0')
    osinfo_install_config_set_reg_product_key (config, spec->product_key);
  osinfo_install_config_set_hostname (config, hostname);
  if (osinfo_install_script_get_path_format (script) == OSINFO_PATH_FORMAT_UNIX)
    osinfo_install_config_set_target_disk (config, spec->virtio_disk ? "/dev/vda" : "/dev/sda");
  if (spec->source == HANGAR_GUEST_SOURCE_URL)
    osinfo_install_config_set_installation_url (config, spec->tree_url);
  return config;
}

/* The tree URL on the installer's command line, as virt-install passes it. */
/* The mirror of a Debian or Ubuntu installer directory (http://HOST/debian/dists/…), for
 * the installer to fetch its packages from the mirror the user named, not its default
 * one: its preseed keys, on the kernel's command line. */
static char *
debian_mirror_arguments (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autofree char *host = NULL;
  g_autofree char *directory = NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;
  const char *dists = path != NULL ? strstr (path, "/dists/") : NULL;

  if (dists == NULL || (!g_str_equal (scheme, "http") && !g_str_equal (scheme, "https")))
    return NULL;
  host = g_uri_get_port (uri) > 0 ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
                                  : g_strdup (g_uri_get_host (uri));
  directory = dists > path ? g_strndup (path, dists - path) : g_strdup ("/");
  return g_strdup_printf ("mirror/country=manual mirror/protocol=%s mirror/%s/hostname=%s "
                          "mirror/%s/directory=%s mirror/%s/proxy=",
                          scheme, scheme, host, scheme, directory, scheme);
}

static char *
tree_arguments (OsinfoOs   *os,
                const char *url)
{
  const char *distro = os != NULL ? osinfo_os_get_distro (os) : NULL;

  if (distro == NULL)
    return NULL;
  if (g_str_equal (distro, "fedora") || g_str_equal (distro, "rhel")
      || g_str_equal (distro, "centos") || g_str_equal (distro, "almalinux")
      || g_str_equal (distro, "rocky"))
    return g_strdup_printf ("inst.repo=%s", url);
  if (g_str_equal (distro, "opensuse") || g_str_equal (distro, "sles"))
    return g_strdup_printf ("install=%s", url);
  if (g_str_equal (distro, "debian") || g_str_equal (distro, "ubuntu"))
    return debian_mirror_arguments (url);
  return NULL;
}

/* Fetches the tree's kernel and initrd into the setup's directory. */
static gboolean
fetch_tree_boot_files (HangarInstallSetup    *self,
                       const HangarGuestSpec *spec,
                       OsinfoTree            *tree,
                       GCancellable          *cancellable,
                       GError               **error)
{
  const char *kernel = tree != NULL ? osinfo_tree_get_kernel_path (tree) : NULL;
  const char *initrd = tree != NULL ? osinfo_tree_get_initrd_path (tree) : NULL;
  g_autofree char *base = NULL;
  g_autofree char *kernel_url = NULL;
  g_autofree char *initrd_url = NULL;

  if (kernel == NULL || initrd == NULL)
    {
      g_set_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SOURCE,
                   _("%s does not say where its installer’s kernel is: it needs a .treeinfo file naming it. Check the address."),
                   spec->tree_url);
      return FALSE;
    }
  base = g_str_has_suffix (spec->tree_url, "/") ? g_strdup (spec->tree_url)
                                                : g_strconcat (spec->tree_url, "/", NULL);
  kernel_url = g_strconcat (base, kernel, NULL);
  initrd_url = g_strconcat (base, initrd, NULL);
  self->kernel = add_file (self, "kernel");
  self->initrd = add_file (self, "initrd");
  return hangar_fetch_to_file (kernel_url, self->kernel, MAX_BOOT_FILE, cancellable, error)
         && hangar_fetch_to_file (initrd_url, self->initrd, MAX_BOOT_FILE, cancellable, error);
}

/* Reads the tree of a network install and fetches its kernel and initrd. A tree the
 * database does not know (newer than it) is taken as @os's, the OS the user chose. */
static OsinfoTree *
read_tree (HangarInstallSetup    *self,
           const HangarGuestSpec *spec,
           OsinfoDb              *db,
           OsinfoOs              *os,
           GCancellable          *cancellable,
           GError               **error)
{
  g_autoptr(OsinfoTree) tree = hangar_os_tree_read (db, spec->tree_url, cancellable, NULL);
  g_autoptr(OsinfoOs) tree_os = tree != NULL ? osinfo_tree_get_os (tree) : NULL;

  if (tree != NULL && tree_os == NULL && os != NULL)
    osinfo_tree_set_os (tree, os);
  if (!fetch_tree_boot_files (self, spec, tree, cancellable, error))
    return NULL;
  return g_steal_pointer (&tree);
}

/* The other scripts of @script's profile for the same OS, generated next to it. */
static gboolean
generate_siblings (HangarInstallSetup   *self,
                   OsinfoInstallScript  *script,
                   OsinfoOs             *os,
                   OsinfoMedia          *media,
                   OsinfoInstallConfig  *config,
                   GPtrArray            *files,
                   GCancellable         *cancellable,
                   GError              **error)
{
  g_autoptr(OsinfoInstallScriptList) scripts = NULL;
  g_autoptr(OsinfoInstallScriptList) media_scripts = media != NULL
                                                     ? osinfo_media_get_install_script_list (media)
                                                     : NULL;

  /* A medium's own scripts stand alone. */
  if (os == NULL || (media_scripts != NULL && osinfo_list_get_length (OSINFO_LIST (media_scripts)) > 0))
    return TRUE;
  scripts = osinfo_os_get_install_script_list (os);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (scripts)); i++)
    {
      OsinfoInstallScript *other = OSINFO_INSTALL_SCRIPT (osinfo_list_get_nth (OSINFO_LIST (scripts), i));
      g_autoptr(GFile) dir = NULL;
      g_autoptr(GFile) output = NULL;

      if (other == script || g_strcmp0 (osinfo_install_script_get_profile (other),
                                        osinfo_install_script_get_profile (script)) != 0
          || !(osinfo_install_script_get_injection_methods (other) & OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM))
        continue;
      dir = g_file_new_for_path (self->dir);
      G_LOCK (script_lock);
      osinfo_install_script_set_preferred_injection_method (other, OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM);
      output = osinfo_install_script_generate_output (other, os, config, dir, cancellable, error);
      G_UNLOCK (script_lock);
      if (output == NULL)
        return FALSE;
      g_ptr_array_add (self->files, g_file_get_path (output));
      g_ptr_array_add (files, g_file_get_path (output));
      g_chmod (g_ptr_array_index (files, files->len - 1), 0600);
    }
  return TRUE;
}

/* Debian's preseed in osinfo-db 20221130 (Debian 12's) gives the user's login without
 * its type ("d-i passwd/username alice"), so the installer ignores it and names the
 * account after the full name's first word. The type is put in. */
static gboolean
repair_preseed (const char  *path,
                GError     **error)
{
  g_autoptr(GRegex) regex = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *repaired = NULL;
  gsize length;
  gboolean ok;

  if (!g_str_has_suffix (path, "/preseed.cfg"))
    return TRUE;
  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  regex = g_regex_new ("^d-i passwd/username ([^ \t\n]+)$", G_REGEX_MULTILINE, 0, NULL);
  repaired = g_regex_replace (regex, contents, length, 0, "d-i passwd/username string \\1", 0, error);
  memset (contents, 0, length);
  if (repaired == NULL)
    return FALSE;
  ok = g_file_set_contents_full (path, repaired, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
  memset (repaired, 0, strlen (repaired));
  return ok;
}

static gboolean
prepare_unattended (HangarInstallSetup    *self,
                    const HangarGuestSpec *spec,
                    OsinfoDb              *db,
                    gboolean               remote,
                    GCancellable          *cancellable,
                    GError               **error)
{
  OsinfoOs *os = spec->os_id != NULL ? osinfo_db_get_os (db, spec->os_id) : NULL;
  g_autoptr(OsinfoMedia) media = NULL;
  g_autoptr(OsinfoTree) tree = NULL;
  g_autoptr(OsinfoInstallConfig) config = NULL;
  g_autoptr(GFile) dir = g_file_new_for_path (self->dir);
  g_autoptr(GFile) output = NULL;
  g_autofree char *script_path = NULL;
  g_autofree char *cmdline = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  OsinfoInstallScript *script;
  OsinfoInstallScriptInjectionMethod method;
  guint methods;
  gboolean boot_files;

  /* A remote host's medium is not here to be read: the OS's own scripts are used. */
  if (spec->source == HANGAR_GUEST_SOURCE_MEDIA && spec->media_path != NULL && !remote)
    {
      media = osinfo_media_create_from_location (spec->media_path, cancellable, NULL);
      if (media != NULL && !osinfo_db_identify_media (db, media))
        {
          /* A medium newer than the database (Debian 12's on Debian 12's osinfo-db):
           * the chosen OS's own installer medium stands in for it, so that its kernel
           * and initrd are looked for where that family keeps them. */
          g_clear_object (&media);
          media = os != NULL ? installer_media_of (os, spec->arch) : NULL;
        }
    }
  else if (spec->source == HANGAR_GUEST_SOURCE_URL && spec->tree_url != NULL)
    {
      tree = read_tree (self, spec, db, os, cancellable, error);
      if (tree == NULL)
        return FALSE;
    }
  script = hangar_install_setup_find_script (os, media, tree, spec->minimal_install);
  if (script == NULL)
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SETUP,
                           _("This operating system cannot be installed automatically from this source. Switch off “Install automatically”."));
      return FALSE;
    }

  /* The script into the initrd where the installer boots from files Hangar has (the
   * tree's, or the ISO's when the medium names them); else on a CD-ROM. */
  methods = osinfo_install_script_get_injection_methods (script);
  boot_files = self->kernel != NULL
               || (media != NULL && osinfo_media_get_kernel_path (media) != NULL
                   && osinfo_media_get_initrd_path (media) != NULL);
  if ((methods & OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD) && boot_files)
    method = OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD;
  else if (methods & OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM)
    method = OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM;
  else
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SETUP,
                           _("Hangar cannot hand this installer its answers from this source (it reads them only from its initrd or a floppy). Switch off “Install automatically”, or install from the distribution’s network tree."));
      return FALSE;
    }

  config = new_config (spec, script);
  G_LOCK (script_lock);
  osinfo_install_script_set_preferred_injection_method (script, method);
  osinfo_install_script_set_installation_source (script, spec->source == HANGAR_GUEST_SOURCE_URL
                                                         ? OSINFO_INSTALL_SCRIPT_INSTALLATION_SOURCE_NETWORK
                                                         : OSINFO_INSTALL_SCRIPT_INSTALLATION_SOURCE_MEDIA);
  if (media != NULL)
    {
      output = osinfo_install_script_generate_output_for_media (script, media, config, dir,
                                                                cancellable, error);
      cmdline = osinfo_install_script_generate_command_line_for_media (script, media, config);
    }
  else if (tree != NULL)
    {
      output = osinfo_install_script_generate_output_for_tree (script, tree, config, dir,
                                                               cancellable, error);
      cmdline = osinfo_install_script_generate_command_line_for_tree (script, tree, config);
    }
  else
    {
      output = osinfo_install_script_generate_output (script, os, config, dir, cancellable, error);
      cmdline = osinfo_install_script_generate_command_line (script, os, config);
    }
  G_UNLOCK (script_lock);
  if (output == NULL)
    return FALSE;
  script_path = g_file_get_path (output);
  g_ptr_array_add (self->files, g_strdup (script_path));
  g_chmod (script_path, 0600);
  if (!repair_preseed (script_path, error))
    return FALSE;

  if (method == OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM)
    {
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

      g_ptr_array_add (files, g_strdup (script_path));
      /* Windows' answer file runs the profile's other scripts (windows.cmd) from the
       * same disc, as GNOME Boxes puts them. */
      if (!generate_siblings (self, script, os, media, config, files, cancellable, error))
        return FALSE;
      g_ptr_array_add (files, NULL);

      /* Windows looks for its answer file on every removable disc; OEMDRV is the label
       * Anaconda searches. */
      self->cdrom = make_iso (self, "unattended.iso", "OEMDRV", (const char * const *) files->pdata,
                              _("the installation answers’ disc"), cancellable, error);
      for (guint i = 0; i + 1 < files->len; i++)
        drop_file (self, g_ptr_array_index (files, i));
      if (self->cdrom == NULL)
        return FALSE;
    }
  else
    {
      g_autoptr(GBytes) cpio = NULL;
      g_autoptr(GFileOutputStream) stream = NULL;
      g_autoptr(GFile) initrd = NULL;
      g_autofree char *name = g_file_get_basename (output);

      if (self->kernel == NULL
          && !extract_boot_files (self, spec->media_path, media, cancellable, error))
        return FALSE;
      if (!g_file_get_contents (script_path, &contents, &length, error))
        return FALSE;
      cpio = script_cpio (name, contents, length, error);
      memset (contents, 0, length);
      if (cpio == NULL)
        return FALSE;
      initrd = g_file_new_for_path (self->initrd);
      stream = g_file_append_to (initrd, G_FILE_CREATE_PRIVATE, cancellable, error);
      if (stream == NULL
          || !g_output_stream_write_all (G_OUTPUT_STREAM (stream), g_bytes_get_data (cpio, NULL),
                                         g_bytes_get_size (cpio), NULL, cancellable, error)
          || !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, error))
        return FALSE;
      g_chmod (self->initrd, 0600);
      g_chmod (self->kernel, 0600);
    }

  if (self->kernel != NULL)
    {
      g_autofree char *repo = NULL;

      if (spec->source == HANGAR_GUEST_SOURCE_URL
          && (cmdline == NULL || strstr (cmdline, spec->tree_url) == NULL))
        repo = tree_arguments (os, spec->tree_url);
      self->cmdline = g_strstrip (g_strjoin (" ", cmdline != NULL ? cmdline : "",
                                             repo != NULL ? repo : "", NULL));
    }
  return TRUE;
}

gboolean
hangar_install_setup_needed (const HangarGuestSpec *spec)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  return (spec->unattended && (spec->source == HANGAR_GUEST_SOURCE_MEDIA
                               || spec->source == HANGAR_GUEST_SOURCE_URL))
         || (spec->cloud_init && spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE)
         || (spec->source == HANGAR_GUEST_SOURCE_URL && spec->kernel == NULL);
}

HangarInstallSetup *
hangar_install_setup_prepare (const HangarGuestSpec *spec,
                              OsinfoDb              *db,
                              GCancellable          *cancellable,
                              GError               **error)
{
  return hangar_install_setup_prepare_for_host (spec, db, FALSE, cancellable, error);
}

static HangarInstallSetup *
prepare (const HangarGuestSpec *spec,
         OsinfoDb              *db,
         gboolean               remote,
         GCancellable          *cancellable,
         GError               **error)
{
  g_autoptr(HangarInstallSetup) self = NULL;
  gboolean ok;

  self = setup_new (error);
  if (self == NULL)
    return NULL;
  self->os = spec->os_id != NULL ? osinfo_db_get_os (db, spec->os_id) : NULL;
  if (self->os != NULL)
    g_object_ref (self->os);
  self->remote = remote;
  if (spec->cloud_init && spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE)
    ok = prepare_cloud_init (self, spec, cancellable, error);
  else if (spec->unattended && (spec->source == HANGAR_GUEST_SOURCE_MEDIA
                                 || spec->source == HANGAR_GUEST_SOURCE_URL))
    ok = prepare_unattended (self, spec, db, remote, cancellable, error);
  else if (spec->source == HANGAR_GUEST_SOURCE_URL)
    {
      /* A network install without a script still needs the tree's installer. */
      OsinfoOs *os = spec->os_id != NULL ? osinfo_db_get_os (db, spec->os_id) : NULL;
      g_autoptr(OsinfoTree) tree = read_tree (self, spec, db, os, cancellable, error);

      ok = tree != NULL;
      if (ok)
        self->cmdline = tree_arguments (os, spec->tree_url);
    }
  else
    ok = TRUE;
  if (!ok)
    {
      hangar_install_setup_remove (self, NULL);
      return NULL;
    }
  return g_steal_pointer (&self);
}

HangarInstallSetup *
hangar_install_setup_prepare_for_host (const HangarGuestSpec *spec,
                                       OsinfoDb              *db,
                                       gboolean               remote,
                                       GCancellable          *cancellable,
                                       GError               **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  HangarInstallSetup *self;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (OSINFO_IS_DB (db), NULL);

  /* libosinfo's blocking calls (generating a script, reading a medium or a tree) run a
   * main loop of their own on the thread-default context: on a worker that is the
   * application's, which the main thread then waits for (seen stuck for good in
   * e2e-remote-install). They get a context of their own instead. */
  g_main_context_push_thread_default (context);
  self = prepare (spec, db, remote, cancellable, error);
  g_main_context_pop_thread_default (context);
  return self;
}

/* The first SATA name no disk of @domain uses. */
static char *
free_sata_target (GVirConfigDomain *domain)
{
  GList *devices = gvir_config_domain_get_devices (domain);
  gboolean used[26] = { FALSE };

  for (GList *l = devices; l != NULL; l = l->next)
    if (GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
      {
        const char *target = gvir_config_domain_disk_get_target_dev (l->data);
        if (target != NULL && g_str_has_prefix (target, "sd") && strlen (target) == 3
            && target[2] >= 'a' && target[2] <= 'z')
          used[target[2] - 'a'] = TRUE;
      }
  g_list_free_full (devices, g_object_unref);
  for (int i = 0; i < 26; i++)
    if (!used[i])
      return g_strdup_printf ("sd%c", 'a' + i);
  return g_strdup ("sdz");
}

static void
add_cdrom (HangarInstallSetup *self,
           GVirConfigDomain   *domain)
{
  g_autoptr(GVirConfigDomainDisk) disk = gvir_config_domain_disk_new ();
  GVirConfigDomainDiskDriver *driver = gvir_config_domain_disk_driver_new ();
  g_autofree char *target = free_sata_target (domain);

  gvir_config_domain_disk_set_type (disk, GVIR_CONFIG_DOMAIN_DISK_FILE);
  gvir_config_domain_disk_set_guest_device_type (disk, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM);
  gvir_config_domain_disk_driver_set_name (driver, "qemu");
  gvir_config_domain_disk_driver_set_format (driver, GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW);
  gvir_config_domain_disk_set_driver (disk, driver);
  g_object_unref (driver);
  gvir_config_domain_disk_set_source (disk, self->cdrom);
  gvir_config_domain_disk_set_target_bus (disk, GVIR_CONFIG_DOMAIN_DISK_BUS_SATA);
  gvir_config_domain_disk_set_target_dev (disk, target);
  gvir_config_domain_disk_set_readonly (disk, TRUE);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (disk));
}

static void
set_kernel (HangarInstallSetup *self,
            GVirConfigDomain   *domain)
{
  g_autoptr(GVirConfigDomainOs) os = gvir_config_domain_get_os (domain);

  gvir_config_domain_os_set_kernel (os, self->kernel);
  gvir_config_domain_os_set_ramdisk (os, self->initrd);
  /* The object is a view on the domain's own <os> node: no set_os, which would
   * replace the node by itself. */
  gvir_config_domain_os_set_cmdline (os, self->cmdline);
}

void
hangar_install_setup_apply (HangarInstallSetup *self,
                            GVirConfigDomain   *domain)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (GVIR_CONFIG_IS_DOMAIN (domain));

  if (self->cdrom != NULL)
    add_cdrom (self, domain);
  if (self->kernel != NULL)
    set_kernel (self, domain);
}

/* Before creation (Customize). */

/* How an unattended install will hand its installer the answers, as far as it is known
 * before creation (prepare_unattended decides): the OS's script's way when it has only
 * one Hangar uses; a network install's installer is fetched, so its initrd can carry
 * them; a medium's kernel and initrd are looked for only in a local medium, so a remote
 * one's answers go on a disc. 0 when only the medium can tell. */
static OsinfoInstallScriptInjectionMethod
known_injection (const HangarGuestSpec *spec,
                 OsinfoOs              *os,
                 gboolean               remote)
{
  OsinfoInstallScript *script = os != NULL ? hangar_install_setup_find_script (os, NULL, NULL, spec->minimal_install) : NULL;
  guint methods = script != NULL ? osinfo_install_script_get_injection_methods (script) : 0;

  if ((methods & OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD)
      && spec->source == HANGAR_GUEST_SOURCE_URL)
    return OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD;
  if ((methods & OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD) && !remote)
    return 0;
  if (methods & OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM)
    return OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM;
  return 0;
}

HangarInstallSetup *
hangar_install_setup_new_preview (const HangarGuestSpec *spec,
                                  OsinfoOs              *os,
                                  gboolean               remote,
                                  char                 **unshown)
{
  HangarInstallSetup *self;
  OsinfoInstallScriptInjectionMethod injection = 0;

  g_return_val_if_fail (spec != NULL, NULL);

  if (unshown != NULL)
    *unshown = NULL;
  if (!hangar_install_setup_needed (spec))
    return NULL;
  self = g_new0 (HangarInstallSetup, 1);
  self->files = g_ptr_array_new_with_free_func (g_free);
  self->volumes = g_ptr_array_new_with_free_func (free_volume);
  self->volume_paths = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->volume_paths, NULL);
  if (spec->unattended && spec->source != HANGAR_GUEST_SOURCE_CLOUD_IMAGE)
    injection = known_injection (spec, os, remote);
  if (spec->cloud_init && spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE)
    self->cdrom = g_strdup (HANGAR_INSTALL_SETUP_PLACEHOLDER "/cidata.iso");
  else if (injection == OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM)
    self->cdrom = g_strdup (HANGAR_INSTALL_SETUP_PLACEHOLDER "/unattended.iso");
  if (spec->source == HANGAR_GUEST_SOURCE_URL)
    {
      self->kernel = g_strdup (HANGAR_INSTALL_SETUP_PLACEHOLDER "/kernel");
      self->initrd = g_strdup (HANGAR_INSTALL_SETUP_PLACEHOLDER "/initrd");
      /* The script's own arguments are known only once it is generated. */
      self->cmdline = spec->unattended ? g_strdup (HANGAR_INSTALL_SETUP_PLACEHOLDER "/cmdline")
                                       : tree_arguments (os, spec->tree_url);
    }
  /* Which way an installer takes its answers depends on what the medium holds, read
   * only at creation. */
  if (unshown != NULL && spec->unattended && injection == 0 && spec->source == HANGAR_GUEST_SOURCE_MEDIA)
    *unshown = g_strdup (_("Added when the virtual machine is created, not shown here: the installation answers, on a disc of their own or in the installer’s kernel and initrd taken from the medium."));
  else if (unshown != NULL && spec->unattended && injection == 0)
    *unshown = g_strdup (_("Added when the virtual machine is created, not shown here: a disc with the installation answers, if the installer reads them from one."));
  return self;
}

/* Puts @real in place of the placeholder @shown in @node's text; FALSE when @node names
 * another placeholder, which nothing will fill. */
static gboolean
fill_placeholder (xmlNodePtr  node,
                  const char *shown,
                  const char *real,
                  gboolean   *found)
{
  g_autofree char *text = node != NULL ? (char *) xmlNodeGetContent (node) : NULL;

  if (text == NULL || strstr (text, HANGAR_INSTALL_SETUP_PLACEHOLDER) == NULL)
    return TRUE;
  if (shown == NULL || real == NULL || strstr (text, shown) == NULL)
    return FALSE;
  {
    g_autoptr(GString) filled = g_string_new (text);

    g_string_replace (filled, shown, real, 0);
    if (strstr (filled->str, HANGAR_INSTALL_SETUP_PLACEHOLDER) != NULL)
      return FALSE;
    xmlNodeSetContent (node, NULL);
    xmlNodeAddContent (node, (const xmlChar *) filled->str);
  }
  *found = TRUE;
  return TRUE;
}

static void
refuse_placeholder (const char  *text,
                    GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("The definition names “%s”, which Hangar does not make for this virtual machine. Remove it, or press Reset."),
               text);
}

gboolean
hangar_install_setup_apply_edited (HangarInstallSetup    *self,
                                   const HangarGuestSpec *spec,
                                   GVirConfigDomain      *domain,
                                   GError               **error)
{
  g_autoptr(HangarInstallSetup) shown = NULL;
  g_autoptr(GVirConfigDomainOs) os = NULL;
  xmlNodePtr os_node = NULL;
  gboolean cdrom_placed = FALSE;
  gboolean kernel_placed = FALSE;
  gboolean initrd_placed = FALSE;
  gboolean cmdline_placed = FALSE;
  GList *devices;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (GVIR_CONFIG_IS_DOMAIN (domain), FALSE);

  /* What the Customize page showed: the same placeholders, the same parts. */
  shown = hangar_install_setup_new_preview (spec, self->os, self->remote, NULL);

  devices = gvir_config_domain_get_devices (domain);
  for (GList *l = devices; ok && l != NULL; l = l->next)
    {
      const char *source;

      if (!GVIR_CONFIG_IS_DOMAIN_DISK (l->data))
        continue;
      source = gvir_config_domain_disk_get_source (l->data);
      if (source == NULL || strstr (source, HANGAR_INSTALL_SETUP_PLACEHOLDER) == NULL)
        continue;
      if (shown != NULL && self->cdrom != NULL && g_strcmp0 (source, shown->cdrom) == 0)
        {
          gvir_config_domain_disk_set_source (l->data, self->cdrom);
          cdrom_placed = TRUE;
        }
      else
        {
          refuse_placeholder (source, error);
          ok = FALSE;
        }
    }
  g_list_free_full (devices, g_object_unref);
  if (!ok)
    return FALSE;

  os = gvir_config_domain_get_os (domain);
  if (os != NULL)
    os_node = hangar_storage_config_node (os);
  {
    struct { const char *name; const char *shown; const char *real; gboolean *found; } parts[] = {
      { "kernel", shown != NULL ? shown->kernel : NULL, self->kernel, &kernel_placed },
      { "initrd", shown != NULL ? shown->initrd : NULL, self->initrd, &initrd_placed },
      { "cmdline", shown != NULL ? shown->cmdline : NULL, self->cmdline, &cmdline_placed },
    };

    for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
      {
        xmlNodePtr node = hangar_storage_xml_child (os_node, parts[i].name);

        if (!fill_placeholder (node, parts[i].shown, parts[i].real != NULL ? parts[i].real : "",
                               parts[i].found))
          {
            g_autofree char *text = (char *) xmlNodeGetContent (node);

            refuse_placeholder (text, error);
            return FALSE;
          }
      }
  }

  /* A part the page showed and the user took out stays out; one it could not show is
   * added as to a built definition. */
  if (self->cdrom != NULL && !cdrom_placed && (shown == NULL || shown->cdrom == NULL))
    add_cdrom (self, domain);
  if (self->kernel != NULL && (shown == NULL || shown->kernel == NULL))
    {
      if (hangar_storage_xml_child (os_node, "kernel") != NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The automatic installation boots the installer’s own kernel, which carries its answers: remove the kernel you added, or switch off “Install automatically”."));
          return FALSE;
        }
      set_kernel (self, domain);
    }
  return TRUE;
}

/* Uploading to a remote host. */

const char *
hangar_install_setup_upload_pool (const HangarGuestSpec *spec,
                                  HangarConnection      *connection)
{
  HangarPool *pool;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  if (spec->disk != HANGAR_GUEST_SPEC_DISK_NEW || spec->pool_name == NULL
      || spec->pool_name[0] == '\0')
    return "default";
  /* A logical or disk pool's volumes are block devices: no kernel, no ISO file. */
  pool = hangar_connection_find_pool (connection, spec->pool_name);
  return pool == NULL || hangar_pool_holds_files (pool) ? spec->pool_name : "default";
}

/* A volume name of @pool not taken yet: "@guest_name-@base", then with -2, -3… before
 * @base's extension. */
static char *
free_volume_name (virStoragePoolPtr  pool,
                  const char        *guest_name,
                  const char        *base)
{
  const char *dot = strrchr (base, '.');
  g_autofree char *stem = g_strndup (base, dot != NULL ? (gsize) (dot - base) : strlen (base));

  for (guint i = 1; i < 1000; i++)
    {
      g_autofree char *suffix = i == 1 ? g_strdup ("") : g_strdup_printf ("-%u", i);
      char *name = g_strdup_printf ("%s-%s%s%s", guest_name, stem, suffix, dot != NULL ? dot : "");
      virStorageVolPtr taken = virStorageVolLookupByName (pool, name);

      if (taken == NULL)
        return name;
      virStorageVolFree (taken);
      g_free (name);
    }
  return NULL;
}

/* Uploads the local file *@path into a new volume of @pool and points *@path at the
 * volume; the local file goes. */
static gboolean
upload_file (HangarInstallSetup *self,
             virStoragePoolPtr   pool,
             const char         *pool_name,
             const char         *guest_name,
             char              **path,
             HangarJob          *job,
             GCancellable       *cancellable,
             GError            **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (*path);
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GVirConfigStorageVol) config = gvir_config_storage_vol_new ();
  g_autoptr(GVirConfigStorageVolTarget) target = gvir_config_storage_vol_target_new ();
  g_autofree char *base = g_path_get_basename (*path);
  g_autofree char *name = free_volume_name (pool, guest_name, base);
  g_autofree char *xml = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) local_error = NULL;
  virStorageVolPtr vol;
  char *remote_path;
  guint64 size;

  if (name == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("Could not upload %s: the storage pool “%s” has no free name for it."),
                   base, pool_name);
      return FALSE;
    }
  input = g_file_read (file, cancellable, error);
  if (input == NULL)
    return FALSE;
  info = g_file_input_stream_query_info (input, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, error);
  if (info == NULL)
    return FALSE;
  size = g_file_info_get_size (info);

  gvir_config_storage_vol_set_name (config, name);
  gvir_config_storage_vol_set_capacity (config, size);
  gvir_config_storage_vol_set_allocation (config, 0);
  gvir_config_storage_vol_target_set_format (target, "raw");
  gvir_config_storage_vol_set_target (config, target);
  xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (config));
  vol = virStorageVolCreateXML (pool, xml, 0);
  if (vol == NULL)
    {
      g_autofree char *detail = hangar_virt_error_message ();
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not make the volume %s in the storage pool “%s” of the host: %s."),
                   name, pool_name, detail);
      return FALSE;
    }
  /* Remembered at once: a failed upload leaves nothing once remove () ran. */
  g_ptr_array_add (self->volumes, vol);

  /* Translators: "Uploading guest-cidata.iso to the pool “default”" */
  message = g_strdup_printf (_("Uploading %s to the pool “%s”"), name, pool_name);
  hangar_job_report_from_worker (job, message, 0);
  if (!hangar_volume_upload (vol, G_INPUT_STREAM (input), size, message, job, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     _("Could not upload %s to the storage pool “%s” of the host: %s."),
                     name, pool_name, local_error->message);
      return FALSE;
    }
  remote_path = virStorageVolGetPath (vol);
  if (remote_path == NULL)
    {
      g_autofree char *detail = hangar_virt_error_message ();
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not upload %s to the storage pool “%s” of the host: %s."),
                   name, pool_name, detail);
      return FALSE;
    }
  g_ptr_array_insert (self->volume_paths, self->volume_paths->len - 1, g_strdup (remote_path));
  /* The local copy (it may hold passwords) is no longer needed. */
  drop_file (self, *path);
  g_free (*path);
  *path = g_strdup (remote_path);
  free (remote_path);
  return TRUE;
}

gboolean
hangar_install_setup_upload (HangarInstallSetup *self,
                             virConnectPtr       conn,
                             const char         *pool_name,
                             const char         *guest_name,
                             HangarJob          *job,
                             GCancellable       *cancellable,
                             GError            **error)
{
  char **uploads[] = { &self->cdrom, &self->kernel, &self->initrd };
  virStoragePoolPtr pool;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (conn != NULL, FALSE);
  g_return_val_if_fail (pool_name != NULL && guest_name != NULL, FALSE);

  if (self->cdrom == NULL && self->kernel == NULL)
    return TRUE;
  pool = virStoragePoolLookupByName (conn, pool_name);
  if (pool == NULL || virStoragePoolIsActive (pool) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The host has no running storage pool “%s” to upload the installation files to. Start it, or create the pool “default”, on the host’s Storage page."),
                   pool_name);
      if (pool != NULL)
        virStoragePoolFree (pool);
      return FALSE;
    }
  for (guint i = 0; ok && i < G_N_ELEMENTS (uploads); i++)
    if (*uploads[i] != NULL)
      ok = upload_file (self, pool, pool_name, guest_name, uploads[i], job, cancellable, error);
  virStoragePoolFree (pool);
  return ok;
}

const char * const *
hangar_install_setup_get_volumes (HangarInstallSetup *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->volume_paths->pdata;
}

const char *
hangar_install_setup_get_dir (HangarInstallSetup *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->dir;
}

const char *
hangar_install_setup_get_cdrom (HangarInstallSetup *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->cdrom;
}

const char *
hangar_install_setup_get_kernel (HangarInstallSetup *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->kernel;
}

const char *
hangar_install_setup_get_initrd (HangarInstallSetup *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->initrd;
}

const char *
hangar_install_setup_get_cmdline (HangarInstallSetup *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->cmdline;
}

guint
hangar_install_setup_remove (HangarInstallSetup *self,
                             GError            **error)
{
  g_autoptr(GString) failures = NULL;
  guint removed = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->files->len; i++)
    {
      const char *path = g_ptr_array_index (self->files, i);

      if (g_unlink (path) == 0)
        removed++;
      else if (errno != ENOENT)
        {
          if (failures == NULL)
            failures = g_string_new (NULL);
          g_string_append_printf (failures, "%s%s (%s)", failures->len > 0 ? ", " : "",
                                  path, g_strerror (errno));
        }
    }
  g_ptr_array_set_size (self->files, 0);
  for (guint i = 0; i < self->volumes->len; i++)
    {
      virStorageVolPtr vol = g_ptr_array_index (self->volumes, i);

      if (virStorageVolDelete (vol, 0) == 0)
        removed++;
      else
        {
          const char *name = virStorageVolGetName (vol);
          g_autofree char *detail = hangar_virt_error_message ();

          if (failures == NULL)
            failures = g_string_new (NULL);
          g_string_append_printf (failures, "%s%s (%s)", failures->len > 0 ? ", " : "",
                                  name != NULL ? name : "", detail);
        }
    }
  g_ptr_array_set_size (self->volumes, 0);
  if (self->dir != NULL && g_rmdir (self->dir) < 0 && errno != ENOENT && failures == NULL)
    failures = g_string_new (self->dir);
  if (failures != NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 _("Could not delete the installation files %s. Delete them by hand."),
                 failures->str);
  else
    g_clear_pointer (&self->dir, g_free);
  return removed;
}

void
hangar_install_setup_free (HangarInstallSetup *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->files);
  g_ptr_array_unref (self->volumes);
  g_ptr_array_unref (self->volume_paths);
  g_free (self->dir);
  g_free (self->cdrom);
  g_free (self->kernel);
  g_free (self->initrd);
  g_free (self->cmdline);
  g_clear_object (&self->os);
  g_free (self);
}

/* The answers. */

static const char * const system_accounts[] = {
  "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy",
  "www-data", "backup", "list", "irc", "gnats", "nobody", "nogroup", "adm", "shutdown",
  "halt", "operator", "ftp", "systemd-network", "systemd-resolve", "systemd-timesync",
  "messagebus", "sshd", "polkitd", "avahi", "tss", "_apt", NULL
};

gboolean
hangar_install_setup_check_user_login (const char  *login,
                                       GError     **error)
{
  if (login == NULL || login[0] == '\0')
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SETUP,
                           _("Enter the user name the virtual machine’s user logs in with."));
      return FALSE;
    }
  if (!g_regex_match_simple ("^[a-z_][a-z0-9_.-]{0,31}$", login, 0, 0))
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SETUP,
                           _("The user name may hold only lower-case letters, digits, “_”, “.” and “-”, start with a letter and be at most 32 characters long."));
      return FALSE;
    }
  if (g_str_equal (login, "root"))
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SETUP,
                           _("“root” is the administrator’s account. Enter the name of a user account for the virtual machine’s user."));
      return FALSE;
    }
  /* The system's own accounts (Debian's base-passwd, and those of Fedora's setup
   * package): an installer refuses to make a user of them, and asks in the console. */
  if (g_strv_contains (system_accounts, login))
    {
      g_set_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SETUP,
                   _("“%s” is one of the system’s own accounts. Enter another user name."), login);
      return FALSE;
    }
  return TRUE;
}

/* The login of the user who ran sudo or pkexec to become root, or NULL. */
static char *
invoking_user (void)
{
  const char *sudo_user = g_getenv ("SUDO_USER");
  const char *pkexec_uid = g_getenv ("PKEXEC_UID");
  guint64 uid;

  if (sudo_user != NULL && *sudo_user != '\0')
    return g_strdup (sudo_user);
  if (pkexec_uid != NULL && g_ascii_string_to_unsigned (pkexec_uid, 10, 1, G_MAXUINT32, &uid, NULL))
    {
      struct passwd pwd, *found = NULL;
      char buf[4096];

      if (getpwuid_r ((uid_t) uid, &pwd, buf, sizeof buf, &found) == 0 && found != NULL)
        return g_strdup (found->pw_name);
    }
  return NULL;
}

char *
hangar_install_setup_default_user_login (void)
{
  g_autofree char *login = geteuid () == 0 ? invoking_user () : g_strdup (g_get_user_name ());

  if (login == NULL || !hangar_install_setup_check_user_login (login, NULL))
    return g_strdup ("user");
  return g_steal_pointer (&login);
}

gboolean
hangar_install_setup_check_hostname (const char  *hostname,
                                     GError     **error)
{
  if (hostname != NULL && hostname[0] != '\0'
      && (strlen (hostname) > 253
          || !g_regex_match_simple ("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                                    "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$",
                                    hostname, 0, 0)))
    {
      g_set_error_literal (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SETUP,
                           _("The host name may hold only letters, digits and “-”, in parts separated by dots."));
      return FALSE;
    }
  return TRUE;
}

/* SSH keys. */

gboolean
hangar_install_setup_check_ssh_keys (const char  *keys,
                                     GError     **error)
{
  static const char *types[] = {
    "ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
  };
  g_auto(GStrv) lines = NULL;

  if (keys == NULL)
    return TRUE;
  lines = g_strsplit (keys, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      g_auto(GStrv) fields = NULL;
      g_autofree guchar *blob = NULL;
      gsize size = 0;
      gboolean known = FALSE;
      guint32 type_length;

      if (line[0] == '\0' || line[0] == '#')
        continue;
      fields = g_strsplit_set (line, " \t", 3);
      for (guint t = 0; t < G_N_ELEMENTS (types); t++)
        known = known || g_str_equal (fields[0], types[t]);
      if (known && fields[1] != NULL && fields[1][0] != '\0'
          && strspn (fields[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
             == strlen (fields[1]))
        blob = g_base64_decode (fields[1], &size);
      /* The blob starts with its own type, length first (RFC 4253). */
      if (blob != NULL && size >= 4)
        {
          type_length = (guint32) blob[0] << 24 | blob[1] << 16 | blob[2] << 8 | blob[3];
          if (type_length == strlen (fields[0]) && size >= 4 + type_length
              && memcmp (blob + 4, fields[0], type_length) == 0)
            continue;
        }
      g_set_error (error, HANGAR_GUEST_SPEC_ERROR, HANGAR_GUEST_SPEC_ERROR_SETUP,
                   _("Line %u of the SSH keys is not an SSH public key. Paste a line of a .pub file, such as “ssh-ed25519 AAAA… you@host”."),
                   i + 1);
      return FALSE;
    }
  return TRUE;
}
