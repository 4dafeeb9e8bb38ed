// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar"

#include "config.h"

#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "hangar-application.h"

static gboolean
has_gpu_render_node (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev/dri", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return TRUE;
  return FALSE;
}

/* Without a GPU, GTK's GL renderer runs on Mesa's llvmpipe: several times the CPU of
 * cairo for a busy console, and some 50 MB of LLVM resident (bench/README.md). There
 * Hangar draws with cairo and keeps GTK from loading GL at all, unless the user chose a
 * renderer or debug flags. */
static void
prefer_software_rendering (void)
{
  const char *renderer = g_getenv ("GSK_RENDERER");

  if (g_getenv ("GDK_DEBUG") != NULL || (renderer != NULL && !g_str_equal (renderer, "cairo")))
    return;
  if (has_gpu_render_node ())
    return;
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
}

static void
prepend_schema_dir (const char *dir)
{
  g_autofree char *compiled = g_build_filename (dir, "gschemas.compiled", NULL);
  const char *current = g_getenv ("GSETTINGS_SCHEMA_DIR");
  g_autofree char *value = NULL;

  if (!g_file_test (compiled, G_FILE_TEST_IS_REGULAR))
    return;
  value = current != NULL && *current != '\0'
            ? g_strconcat (dir, G_SEARCHPATH_SEPARATOR_S, current, NULL)
            : g_strdup (dir);
  g_setenv ("GSETTINGS_SCHEMA_DIR", value, TRUE);
}

/* GSettings aborts the process on a schema it cannot find. Run from the build tree
 * (_build/src/hangar) Hangar uses the schema compiled next to it; installed to a prefix
 * the system does not search, the one it installed. Anything else is said in one
 * sentence instead of a crash. Must run before anything touches GSettings. */
static gboolean
find_settings_schema (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *build_binary = g_build_filename (HANGAR_BUILD_ROOT, "src", "hangar", NULL);
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;

  if (self != NULL && g_str_equal (self, build_binary))
    prepend_schema_dir (HANGAR_BUILD_ROOT "/data");
  else
    prepend_schema_dir (HANGAR_INSTALLED_SCHEMA_DIR);

  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);
  if (schema != NULL)
    return TRUE;
  fprintf (stderr,
           _("Hangar cannot find its settings schema “%s”: install Hangar (meson install), "
             "or set GSETTINGS_SCHEMA_DIR to the folder holding its compiled schema.\n"),
           SCHEMA_ID);
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HangarApplication) app = NULL;

  /* libvirt's RPC and the ssh pipes write with plain write(): a peer that went away
   * must be an EPIPE error to report, not a signal that kills Hangar. */
  signal (SIGPIPE, SIG_IGN);

  /* Workers make short libvirt calls; with one malloc arena the memory a worker frees
   * (a test driver parsing thousands of guests, say) serves the main thread after it,
   * instead of staying resident in an arena of its own (bench/README.md: 2–20 MB less
   * peak RSS at 5,000 guests, run to run). */
  mallopt (M_ARENA_MAX, 1);

  prefer_software_rendering ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!find_settings_schema ())
    return 1;

  app = hangar_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
