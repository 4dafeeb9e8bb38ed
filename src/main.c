// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar"

#include "config.h"

#include <locale.h>
#include <malloc.h>
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

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HangarApplication) app = NULL;

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

  app = hangar_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
