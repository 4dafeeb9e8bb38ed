// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "e2e-creator-util"

/* What the New VM end-to-end tests share; see e2e-creator-util.h. */

#include "config.h"

#include <stdlib.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "e2e-creator-util.h"
#include "e2e-virt.h"
#include "hangar-connection.h"
#include "hangar-creator-page.h"
#include "hangar-core.h"
#include "hangar-creator-state.h"
#include "hangar-domain-creator.h"
#include "hangar-guest-window.h"
#include "hangar-session.h"
#include "test-app-util.h"
#include "test-widget-util.h"
#include "test-wizard-util.h"
#include "e2e-guest.h"

#define CONNECT_TIMEOUT 30000

/* The host open, and the test's own cleaner, for the e2e cleaner. */
static E2eCreatorHost *current;
static void (*test_cleanup) (void);

static void
stop_pool (E2eCreatorHost *host)
{
  virStoragePoolPtr pool = virStoragePoolLookupByName (host->other, host->pool_name);

  if (pool != NULL)
    {
      virStoragePoolDestroy (pool);
      virStoragePoolFree (pool);
    }
}

static void
host_cleanup (void)
{
  if (test_cleanup != NULL)
    test_cleanup ();
  if (current != NULL && current->pool_name != NULL)
    stop_pool (current);
}

static gboolean
pool_listed (gpointer data)
{
  E2eCreatorHost *host = data;

  return hangar_connection_find_pool (host->connection, host->pool_name) != NULL;
}

void
e2e_creator_init (int    *argc,
                  char ***argv)
{
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  e2e_gtk_test_init (argc, argv);
  adw_init ();
  hangar_core_init ();
}

E2eCreatorHost *
e2e_creator_host_open (const char  *prefix,
                       gboolean     own_tmpdir,
                       void       (*cleanup) (void))
{
  E2eCreatorHost *host = g_new0 (E2eCreatorHost, 1);
  g_autofree char *xml = NULL;
  virStoragePoolPtr pool;

  host->uri = g_getenv ("HANGAR_TEST_LIBVIRT_URI");
  if (host->uri == NULL || *host->uri == '\0')
    g_error ("HANGAR_TEST_LIBVIRT_URI is not set: run the tests with build-aux/test, which "
             "starts libvirtd");
  host->other = virConnectOpen (host->uri);
  if (host->other == NULL)
    g_error ("Cannot open %s: %s", host->uri, e2e_virt_error ());
  e2e_remove_stale_domains (host->other, prefix);
  e2e_remove_stale_pools (host->other, prefix);
  current = host;
  test_cleanup = cleanup;
  e2e_set_cleanup (host_cleanup);

  host->pool_dir = g_strdup_printf ("/var/tmp/%s%d", prefix, (int) getpid ());
  host->pool_name = g_path_get_basename (host->pool_dir);
  host->files_dir = g_strconcat (host->pool_dir, "-files", NULL);
  e2e_cleanup_path (host->pool_dir);
  e2e_cleanup_path (host->files_dir);
  e2e_assert (g_mkdir (host->pool_dir, 0755) == 0 && g_mkdir (host->files_dir, 0755) == 0,
              "cannot make %s and %s", host->pool_dir, host->files_dir);
  if (own_tmpdir)
    {
      g_autofree char *tmp = g_build_filename (host->files_dir, "tmp", NULL);

      e2e_assert (g_mkdir (tmp, 0755) == 0, "cannot make %s", tmp);
      g_setenv ("TMPDIR", tmp, TRUE);
      e2e_assert (g_str_equal (g_get_tmp_dir (), tmp), "the temporary directory was read before");
    }
  xml = g_strdup_printf ("<pool type='dir'><name>%s</name><target><path>%s</path></target>"
                         "</pool>", host->pool_name, host->pool_dir);
  pool = virStoragePoolCreateXML (host->other, xml, 0);
  e2e_assert (pool != NULL, "cannot create the pool %s: %s", host->pool_name, e2e_virt_error ());
  virStoragePoolFree (pool);

  host->app = test_application_new ();
  host->connection = hangar_session_add_connection (hangar_application_get_session (host->app),
                                                    host->uri, FALSE, FALSE);
  e2e_assert (e2e_wait_for (e2e_creator_is_connected, host->connection, CONNECT_TIMEOUT),
              "Hangar did not connect to %s within %d ms", host->uri, CONNECT_TIMEOUT);
  e2e_assert (e2e_wait_for (pool_listed, host, CONNECT_TIMEOUT), "the pool %s is not listed",
              host->pool_name);
  return host;
}

void
e2e_creator_host_close (E2eCreatorHost *host)
{
  const char *remove[] = { "rm", "-rf", host->pool_dir, host->files_dir, NULL };

  stop_pool (host);
  e2e_creator_run_command (remove, NULL);
  e2e_cleanup_path_done (host->pool_dir);
  e2e_cleanup_path_done (host->files_dir);
  virConnectClose (host->other);
  current = NULL;
  g_free (host->pool_name);
  g_free (host->pool_dir);
  g_free (host->files_dir);
  g_free (host);
}

char *
e2e_creator_files_in (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  e2e_assert (handle != NULL, "the directory %s is gone", dir);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, (gpointer) name);
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

int
e2e_creator_count_domains (virConnectPtr conn)
{
  virDomainPtr *domains = NULL;
  int n = virConnectListAllDomains (conn, &domains, 0);

  e2e_assert (n >= 0, "cannot list the host's domains: %s", e2e_virt_error ());
  for (int i = 0; i < n; i++)
    virDomainFree (domains[i]);
  free (domains);
  return n;
}

char *
e2e_creator_guest_file (const char *name)
{
  const char *dir = g_getenv ("HANGAR_TEST_GUEST_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : "/var/cache/hangar-test-guest",
                                            name, NULL);

  e2e_assert (g_file_test (path, G_FILE_TEST_IS_REGULAR),
              "the tiny guest's %s is missing: build it with tests/guest/build-guest.sh", path);
  return g_steal_pointer (&path);
}

void
e2e_creator_use_test_virt_type (HangarGuestSpec *spec)
{
  const char *virt_type = g_getenv ("HANGAR_TEST_VIRT_TYPE");

  g_test_message ("the host offers %s on %s, machine %s", spec->virt_type, spec->arch, spec->machine);
  if (virt_type != NULL && !g_str_equal (virt_type, spec->virt_type))
    {
      g_test_message ("running it with %s instead, as build-aux/test found", virt_type);
      g_free (spec->virt_type);
      spec->virt_type = g_strdup (virt_type);
    }
}

void
e2e_creator_run_command (const char *const *argv,
                         char             **out)
{
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  e2e_assert (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out,
                            &err, &status, &error), "cannot run %s: %s", argv[0], error->message);
  e2e_assert (g_spawn_check_wait_status (status, NULL), "%s failed: %s", argv[0], err);
}

gboolean
e2e_creator_is_connected (gpointer connection)
{
  return hangar_connection_get_state (connection) == HANGAR_CONNECTION_STATE_CONNECTED;
}

gboolean
e2e_creator_host_ready (gpointer state)
{
  return hangar_creator_state_get_host_ready (state) ||
         hangar_creator_state_get_host_error (state) != NULL;
}

gboolean
e2e_creator_page_complete (gpointer page)
{
  return hangar_creator_page_get_complete (page);
}

GtkWidget *
e2e_creator_find_control (GtkWidget *root,
                          GType      type,
                          GtkWidget *row)
{
  GtkWidget *control = test_find_widget (row != NULL ? row : root, type, NULL, NULL);

  e2e_assert (control != NULL, "no %s in %s", g_type_name (type),
              G_OBJECT_TYPE_NAME (row != NULL ? row : root));
  return control;
}

/* A field's message in the error style, shown. */
static gboolean
is_fault (GtkWidget    *widget,
          gconstpointer data)
{
  return gtk_widget_has_css_class (widget, "error") && gtk_widget_is_visible (widget) &&
         *gtk_label_get_text (GTK_LABEL (widget)) != '\0';
}

void
e2e_creator_wait_page_complete (GtkWidget  *shown,
                                const char *page,
                                guint       timeout_ms)
{
  GtkWidget *fault;

  if (e2e_wait_for (e2e_creator_page_complete, shown, timeout_ms))
    return;
  fault = test_find_widget (shown, GTK_TYPE_LABEL, is_fault, NULL);
  e2e_fail (__FILE__, __LINE__, G_STRFUNC, "the page “%s” is not complete with the test's answers: %s",
            page, fault != NULL ? gtk_label_get_text (GTK_LABEL (fault)) : "(no message)");
}

GtkWidget *
e2e_creator_open_window (E2eCreatorHost *host)
{
  GtkWidget *window = NULL;

  hangar_application_show_domain_creator (host->app, host->connection, NULL);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (host->app)); l != NULL; l = l->next)
    if (HANGAR_IS_DOMAIN_CREATOR (l->data))
      window = l->data;
  e2e_assert (window != NULL, "no New Virtual Machine window opened");
  return window;
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

void
e2e_creator_create_and_wait (GtkWidget *window,
                             guint      timeout_ms)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  test_click (test_find_titled (window, GTK_TYPE_BUTTON, "C_reate"));
  if (!e2e_wait_for (window_gone, &window, timeout_ms))
    e2e_fail (__FILE__, __LINE__, G_STRFUNC, "the window did not finish within %u ms (on “%s”)",
              timeout_ms, test_stack_page (window));
}

void
e2e_creator_answer_memory (GtkWidget *shown,
                           guint      mib)
{
  GtkWidget *memory = test_find_titled (shown, ADW_TYPE_ACTION_ROW, "_Memory");

  /* The unit first: MiB. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (e2e_creator_find_control (shown, GTK_TYPE_DROP_DOWN, memory)), 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (e2e_creator_find_control (shown, GTK_TYPE_SPIN_BUTTON, memory)), mib);
}

void
e2e_creator_answer_new_disk (GtkWidget  *shown,
                             const char *pool,
                             const char *mib)
{
  GtkWidget *size = test_find_titled (shown, ADW_TYPE_ENTRY_ROW, "_Size");
  GtkWidget *create = test_find_titled (shown, ADW_TYPE_ACTION_ROW, "C_reate a Disk");

  gtk_check_button_set_active (GTK_CHECK_BUTTON (e2e_creator_find_control (shown, GTK_TYPE_CHECK_BUTTON, create)),
                               TRUE);
  test_choose (test_find_titled (shown, ADW_TYPE_COMBO_ROW, "_Pool"), pool);
  test_choose (test_find_titled (shown, ADW_TYPE_COMBO_ROW, "_Format"), "qcow2");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (e2e_creator_find_control (shown, GTK_TYPE_DROP_DOWN, size)), 0);
  test_type_text (size, mib);
}

static gboolean
display_known (gpointer data)
{
  return hangar_guest_window_get_display (data) != NULL;
}

void
e2e_creator_close_guest_window (HangarApplication *app,
                                HangarGuest       *guest)
{
  HangarGuestWindow *window = NULL;
  HangarDisplay *display;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (HANGAR_IS_GUEST_WINDOW (l->data) && hangar_guest_window_get_guest (l->data) == guest)
      window = l->data;
  e2e_assert (window != NULL, "no window opened on %s once it was made", hangar_guest_get_name (guest));
  e2e_assert (e2e_wait_for (display_known, window, CONNECT_TIMEOUT),
              "the guest window has no graphical console");
  display = hangar_guest_window_get_display (window);
  e2e_assert (e2e_wait_for (e2e_display_settled, display, CONNECT_TIMEOUT),
              "the guest window's console neither showed the guest nor gave up");
  e2e_display_close (display);
  gtk_window_destroy (GTK_WINDOW (window));
  e2e_spin (200);
}

void
e2e_creator_walk_to_summary (GtkWidget            *window,
                             E2eCreatorAnswerFunc  answer,
                             gpointer              data)
{
  HangarCreatorState *state = hangar_domain_creator_get_state (HANGAR_DOMAIN_CREATOR (window));
  GtkStack *stack = GTK_STACK (test_find_widget (window, GTK_TYPE_STACK, NULL, NULL));

  e2e_assert (e2e_wait_for (e2e_creator_host_ready, state, CONNECT_TIMEOUT),
              "the window never learnt the host");
  e2e_assert (hangar_creator_state_get_host_error (state) == NULL, "the host: %s",
              hangar_creator_state_get_host_error (state));
  e2e_creator_use_test_virt_type (hangar_creator_state_get_spec (state));

  for (guint step = 0; g_strcmp0 (test_stack_page (window), "summary") != 0; step++)
    {
      const char *page = test_stack_page (window);
      GtkWidget *shown = gtk_stack_get_visible_child (stack);

      e2e_assert (step < 12, "the window went round in circles (on “%s”)", page);
      g_test_message ("page %s", page);
      if (answer != NULL)
        answer (page, shown, data);
      /* Some checks run on workers (the files QEMU must read, the name on the host). */
      e2e_creator_wait_page_complete (shown, page, CONNECT_TIMEOUT);
      test_click (test_find_titled (window, GTK_TYPE_BUTTON, "_Forward"));
    }
}
