// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-domain-creator"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-connection.h"
#include "hangar-creator-page.h"
#include "hangar-creator-details-page.h"
#include "hangar-creator-os-page.h"
#include "hangar-creator-resources-page.h"
#include "hangar-creator-setup-page.h"
#include "hangar-creator-source-page.h"
#include "hangar-creator-storage-page.h"
#include "hangar-creator-summary-page.h"
#include "hangar-creator-xml-page.h"
#include "hangar-domain-creator-private.h"
#include "hangar-guest.h"
#include "hangar-guest-creator.h"
#include "hangar-job.h"
#include "hangar-job-view.h"

/* How long a made guest may take to appear in the connection's list (libvirt's event)
 * before the window closes without opening it. */
#define GUEST_WAIT_MS 10000

/* The pages, in the order the window shows them. Each page's owner adds its line when
 * the page lands: source, os, setup, resources, storage, details, xml; the summary
 * stays last. The window works with any subset. */
static const HangarCreatorPageEntry pages[] = {
  { "source", hangar_creator_source_page_new },
  { "os", hangar_creator_os_page_new },
  { "setup", hangar_creator_setup_page_new },
  { "resources", hangar_creator_resources_page_new },
  { "storage", hangar_creator_storage_page_new },
  { "details", hangar_creator_details_page_new },
  { "xml", hangar_creator_xml_page_new },
  { "summary", hangar_creator_summary_page_new },
};

struct _HangarDomainCreator
{
  AdwWindow parent_instance;

  HangarConnection *connection;
  HangarCreatorState *state;
  /* The pages as in the table (the stack holds them). */
  GPtrArray *pages;
  HangarCreatorSummaryPage *summary;
  guint current;

  /* While Create runs: the check, then the creator. */
  HangarJob *job;
  HangarGuestCreator *creator;
  gboolean close_when_done;
  /* Made: waiting for the guest to appear. */
  char *created_name;
  guint wait_id;

  AdwWindowTitle *window_title;
  GtkButton *cancel_button;
  GtkButton *back_button;
  GtkButton *forward_button;
  GtkButton *create_button;
  GtkStack *stack;
  HangarJobView *job_view;
};

G_DEFINE_FINAL_TYPE (HangarDomainCreator, hangar_domain_creator, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

enum {
  CREATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static HangarCreatorPage *
page_at (HangarDomainCreator *self,
         guint                index)
{
  return g_ptr_array_index (self->pages, index);
}

static gboolean
page_needed (HangarDomainCreator *self,
             guint                index)
{
  return hangar_creator_page_get_needed (page_at (self, index));
}

/* The needed page after (@step 1) or before (@step -1) the current one, or -1. */
static int
next_needed (HangarDomainCreator *self,
             int                  step)
{
  for (int i = (int)self->current + step; i >= 0 && i < (int)self->pages->len; i += step)
    if (page_needed (self, i))
      return i;
  return -1;
}

static gboolean
is_busy (HangarDomainCreator *self)
{
  return self->job != NULL || self->created_name != NULL;
}

static void
update (HangarDomainCreator *self)
{
  HangarCreatorPage *page = page_at (self, self->current);
  gboolean busy = is_busy (self);
  gboolean on_summary = page == HANGAR_CREATOR_PAGE (self->summary);
  gboolean complete = hangar_creator_page_get_complete (page);
  guint step = 0, steps = 0;

  for (guint i = 0; i < self->pages->len; i++)
    if (page_needed (self, i))
      {
        steps++;
        if (i <= self->current)
          step = steps;
      }

  if (busy)
    adw_window_title_set_subtitle (self->window_title, _("Creating"));
  else
    {
      /* Translators: the page's title, then where it is, as in "Memory and CPUs · Step 3 of 6". */
      g_autofree char *subtitle = g_strdup_printf (_("%s · Step %u of %u"),
                                                   hangar_creator_page_get_title (page) ?: "",
                                                   step, steps);

      adw_window_title_set_subtitle (self->window_title, subtitle);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->forward_button), !busy && !on_summary);
  gtk_widget_set_visible (GTK_WIDGET (self->create_button), !busy && on_summary);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "creator.back",
                                 !busy && next_needed (self, -1) >= 0);
  /* The action stays on for an incomplete page: Enter then shows its faults. Only the
   * button says the page is not done. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "creator.forward", !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->forward_button), complete);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "creator.create",
                                 !busy && on_summary && complete);
  gtk_window_set_default_widget (GTK_WINDOW (self),
                                 on_summary ? GTK_WIDGET (self->create_button)
                                            : GTK_WIDGET (self->forward_button));
}

static void
show_page (HangarDomainCreator *self,
           guint                index)
{
  HangarCreatorPage *page = page_at (self, index);

  gtk_stack_set_transition_type (self->stack, index >= self->current
                                              ? GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT
                                              : GTK_STACK_TRANSITION_TYPE_SLIDE_RIGHT);
  self->current = index;
  hangar_creator_page_shown (page);
  gtk_stack_set_visible_child (self->stack, GTK_WIDGET (page));
  update (self);
}

static void
on_page_changed_cb (HangarDomainCreator *self)
{
  if (self->pages != NULL && self->current < self->pages->len)
    update (self);
}

static void
create (HangarDomainCreator *self);

static void
forward_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  HangarDomainCreator *self = HANGAR_DOMAIN_CREATOR (widget);
  HangarCreatorPage *page = page_at (self, self->current);
  int next;

  if (is_busy (self))
    return;
  if (!hangar_creator_page_get_complete (page))
    {
      hangar_creator_page_show_faults (page);
      return;
    }
  if (page == HANGAR_CREATOR_PAGE (self->summary))
    {
      create (self);
      return;
    }
  hangar_creator_page_apply (page, hangar_creator_state_get_spec (self->state));
  /* Applying may change which pages are needed (the summary always is). */
  next = next_needed (self, 1);
  if (next >= 0)
    show_page (self, next);
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  HangarDomainCreator *self = HANGAR_DOMAIN_CREATOR (widget);
  int previous = next_needed (self, -1);

  if (!is_busy (self) && previous >= 0)
    show_page (self, previous);
}

static void
create_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  create (HANGAR_DOMAIN_CREATOR (widget));
}

/* Enter in a page's field goes forward, as the default button would, but also on an
 * incomplete page (to show what is missing). Only plain text fields: Enter in a
 * search entry, a popover or on a button keeps its own meaning. */
static gboolean
on_key_pressed_cb (HangarDomainCreator *self,
                   guint                keyval,
                   guint                keycode,
                   GdkModifierType      state,
                   GtkEventControllerKey *controller)
{
  GtkWidget *focus;
  GtkWidget *spin;

  if ((keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter) ||
      (state & (GDK_CONTROL_MASK | GDK_SHIFT_MASK | GDK_ALT_MASK)) != 0 || is_busy (self))
    return GDK_EVENT_PROPAGATE;
  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (focus == NULL || !GTK_IS_TEXT (focus) ||
      !gtk_widget_is_ancestor (focus, GTK_WIDGET (page_at (self, self->current))) ||
      gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY) != NULL ||
      gtk_widget_get_ancestor (focus, GTK_TYPE_POPOVER) != NULL)
    return GDK_EVENT_PROPAGATE;
  /* A spin button takes typed text only on Enter or focus out: take it first. */
  spin = gtk_widget_get_ancestor (focus, GTK_TYPE_SPIN_BUTTON);
  if (spin != NULL)
    gtk_spin_button_update (GTK_SPIN_BUTTON (spin));
  gtk_widget_activate_action (GTK_WIDGET (self), "creator.forward", NULL);
  return GDK_EVENT_STOP;
}

/* Creating. */

static void
finish_created (HangarDomainCreator *self,
                HangarGuest         *guest)
{
  g_autofree char *name = g_steal_pointer (&self->created_name);

  g_clear_handle_id (&self->wait_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (hangar_connection_get_guests (self->connection), self);
  g_signal_emit (self, signals[CREATED], 0, name, guest, self->creator);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_guests_changed_cb (HangarDomainCreator *self)
{
  HangarGuest *guest = hangar_connection_find_guest (self->connection, self->created_name);

  if (guest != NULL)
    finish_created (self, guest);
}

static gboolean
on_wait_timeout_cb (gpointer user_data)
{
  HangarDomainCreator *self = user_data;

  self->wait_id = 0;
  g_debug ("“%s” did not appear in the guest list within %d ms", self->created_name,
           GUEST_WAIT_MS);
  finish_created (self, NULL);
  return G_SOURCE_REMOVE;
}

/* The guest reaches the connection's list through libvirt's event, which may come
 * before or after the creator's answer. */
static void
wait_for_guest (HangarDomainCreator *self,
                char                *name)
{
  HangarGuest *guest;

  self->created_name = name;
  guest = hangar_connection_find_guest (self->connection, name);
  if (guest != NULL || self->close_when_done)
    {
      finish_created (self, guest);
      return;
    }
  g_signal_connect_object (hangar_connection_get_guests (self->connection), "items-changed",
                           G_CALLBACK (on_guests_changed_cb), self, G_CONNECT_SWAPPED);
  self->wait_id = g_timeout_add (GUEST_WAIT_MS, on_wait_timeout_cb, self);
  update (self);
}

/* The page that owns the failed field shows the error beside it and is shown again;
 * an error no page takes stands on the summary. */
static void
show_failure (HangarDomainCreator *self,
              const GError        *error)
{
  for (guint i = 0; i < self->pages->len; i++)
    {
      HangarCreatorPage *page = page_at (self, i);

      if (page == HANGAR_CREATOR_PAGE (self->summary) || !page_needed (self, i))
        continue;
      if (hangar_creator_page_show_error (page, error))
        {
          show_page (self, i);
          /* "shown" may have refreshed the page: the message goes on top of it. */
          hangar_creator_page_show_error (page, error);
          return;
        }
    }
  hangar_creator_summary_page_set_message (self->summary, error->message, TRUE);
  show_page (self, self->pages->len - 1);
}

static void
creation_ended (HangarDomainCreator *self,
                const GError        *error)
{
  /* Destroyed meanwhile (its job cancelled): nothing left to show. */
  if (self->pages == NULL)
    return;
  g_clear_object (&self->job);
  g_clear_object (&self->creator);
  hangar_job_view_set_job (self->job_view, NULL);
  if (self->close_when_done)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      hangar_creator_summary_page_set_message (self->summary,
                                               _("Cancelled. Nothing was left behind."), FALSE);
      show_page (self, self->pages->len - 1);
      return;
    }
  show_failure (self, error);
}

static void
on_run_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HangarDomainCreator) self = user_data;
  g_autoptr(GError) error = NULL;
  char *name = hangar_guest_creator_run_finish (HANGAR_GUEST_CREATOR (object), result, &error);

  if (name == NULL || self->pages == NULL)
    {
      creation_ended (self, error);
      g_free (name);
      return;
    }
  g_clear_object (&self->job);
  hangar_job_view_set_job (self->job_view, NULL);
  wait_for_guest (self, name);
}

static void
on_checked_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HangarDomainCreator) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hangar_guest_spec_check_finish (result, &error) || self->pages == NULL)
    {
      creation_ended (self, error);
      return;
    }
  if (hangar_job_is_cancelled (self->job))
    {
      g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                         _("Cancelled"));

      creation_ended (self, cancelled);
      return;
    }
  self->creator = hangar_guest_creator_new (self->connection,
                                            hangar_creator_state_get_spec (self->state));
  hangar_guest_creator_run_async (self->creator, self->job, on_run_cb, g_object_ref (self));
}

static void
create (HangarDomainCreator *self)
{
  HangarGuestSpec *spec = hangar_creator_state_get_spec (self->state);
  g_autofree char *title = NULL;

  if (is_busy (self) || page_at (self, self->current) != HANGAR_CREATOR_PAGE (self->summary) ||
      !hangar_creator_page_get_complete (page_at (self, self->current)))
    return;

  title = g_strdup_printf (_("Creating “%s”"), spec->name ? spec->name : "");
  self->job = hangar_job_new (title);
  hangar_job_set_message (self->job, _("Checking the answers with the host…"));
  hangar_creator_summary_page_set_message (self->summary, NULL, FALSE);
  hangar_job_view_set_job (self->job_view, self->job);
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  update (self);
  hangar_guest_spec_check_async (spec, self->connection, hangar_job_get_cancellable (self->job),
                                 on_checked_cb, g_object_ref (self));
}

static gboolean
hangar_domain_creator_close_request (GtkWindow *window)
{
  HangarDomainCreator *self = HANGAR_DOMAIN_CREATOR (window);

  /* Closing while the guest is made cancels it; the window goes once what was made is
   * undone. */
  if (self->job != NULL)
    {
      self->close_when_done = TRUE;
      hangar_job_view_cancel (self->job_view);
      return TRUE;
    }
  /* Made already: the caller still hears of it (the installation must be finished). */
  if (self->created_name != NULL)
    {
      finish_created (self, NULL);
      return TRUE;
    }
  return GTK_WINDOW_CLASS (hangar_domain_creator_parent_class)->close_request (window);
}

/* The pages, each in the stack and watched; the first needed one is shown. */
static void
add_pages (HangarDomainCreator          *self,
           const HangarCreatorPageEntry *entries,
           guint                         n_entries)
{
  self->pages = g_ptr_array_new ();
  for (guint i = 0; i < n_entries; i++)
    {
      GtkWidget *page = entries[i].new (self->state);

      g_assert (HANGAR_IS_CREATOR_PAGE (page));
      g_ptr_array_add (self->pages, page);
      gtk_stack_add_named (self->stack, page, entries[i].name);
      g_signal_connect_object (page, "notify::complete", G_CALLBACK (on_page_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (page, "notify::needed", G_CALLBACK (on_page_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (page, "notify::title", G_CALLBACK (on_page_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  self->summary = HANGAR_CREATOR_SUMMARY_PAGE (g_ptr_array_index (self->pages, self->pages->len - 1));

  self->current = 0;
  if (!page_needed (self, 0))
    self->current = next_needed (self, 1);
  show_page (self, self->current);
}

static void
hangar_domain_creator_constructed (GObject *object)
{
  HangarDomainCreator *self = HANGAR_DOMAIN_CREATOR (object);

  G_OBJECT_CLASS (hangar_domain_creator_parent_class)->constructed (object);

  self->state = hangar_creator_state_new (self->connection);
}

static void
hangar_domain_creator_dispose (GObject *object)
{
  HangarDomainCreator *self = HANGAR_DOMAIN_CREATOR (object);

  if (self->job != NULL)
    hangar_job_cancel (self->job);
  g_clear_handle_id (&self->wait_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_DOMAIN_CREATOR);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  self->summary = NULL;

  G_OBJECT_CLASS (hangar_domain_creator_parent_class)->dispose (object);
}

static void
hangar_domain_creator_finalize (GObject *object)
{
  HangarDomainCreator *self = HANGAR_DOMAIN_CREATOR (object);

  g_clear_object (&self->connection);
  g_clear_object (&self->state);
  g_clear_object (&self->job);
  g_clear_object (&self->creator);
  g_free (self->created_name);

  G_OBJECT_CLASS (hangar_domain_creator_parent_class)->finalize (object);
}

static void
hangar_domain_creator_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HangarDomainCreator *self = HANGAR_DOMAIN_CREATOR (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_domain_creator_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HangarDomainCreator *self = HANGAR_DOMAIN_CREATOR (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_domain_creator_class_init (HangarDomainCreatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = hangar_domain_creator_constructed;
  object_class->dispose = hangar_domain_creator_dispose;
  object_class->finalize = hangar_domain_creator_finalize;
  object_class->get_property = hangar_domain_creator_get_property;
  object_class->set_property = hangar_domain_creator_set_property;
  window_class->close_request = hangar_domain_creator_close_request;

  /* The host the guest is made on. */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted once the guest is made, just before the window closes: its name, the
   * HangarGuest (NULL when it did not appear in the list in time, or the window was
   * closed meanwhile) and the HangarGuestCreator, which finishes an installation. */
  signals[CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, HANGAR_TYPE_GUEST, HANGAR_TYPE_GUEST_CREATOR);

  g_type_ensure (HANGAR_TYPE_JOB_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-domain-creator.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarDomainCreator, window_title);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainCreator, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainCreator, back_button);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainCreator, forward_button);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainCreator, create_button);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainCreator, stack);
  gtk_widget_class_bind_template_child (widget_class, HangarDomainCreator, job_view);

  gtk_widget_class_install_action (widget_class, "creator.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "creator.forward", NULL, forward_activated);
  gtk_widget_class_install_action (widget_class, "creator.create", NULL, create_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "creator.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK,
                                       "creator.forward", NULL);
}

static void
hangar_domain_creator_init (HangarDomainCreator *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}

HangarDomainCreator *
_hangar_domain_creator_new_with_pages (GtkWindow                    *parent,
                                       HangarConnection             *connection,
                                       const HangarCreatorPageEntry *entries,
                                       guint                         n_entries)
{
  HangarDomainCreator *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (n_entries > 0, NULL);

  self = g_object_new (HANGAR_TYPE_DOMAIN_CREATOR,
                       "connection", connection,
                       "transient-for", parent,
                       NULL);
  add_pages (self, entries, n_entries);
  return self;
}

HangarDomainCreator *
hangar_domain_creator_new (GtkWindow        *parent,
                           HangarConnection *connection)
{
  return _hangar_domain_creator_new_with_pages (parent, connection, pages, G_N_ELEMENTS (pages));
}

HangarConnection *
hangar_domain_creator_get_connection (HangarDomainCreator *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_CREATOR (self), NULL);
  return self->connection;
}

HangarCreatorState *
hangar_domain_creator_get_state (HangarDomainCreator *self)
{
  g_return_val_if_fail (HANGAR_IS_DOMAIN_CREATOR (self), NULL);
  return self->state;
}
