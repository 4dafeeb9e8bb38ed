// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-creator-os-page"

/* The New VM window's Operating System page: what detection found, and the catalog's
 * OSes to choose from or to override it with. */

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-creator-os-page.h"
#include "hangar-ui-util.h"

/* libosinfo's generic Linux: the "Generic / Unknown" choice when the database has it. */
#define GENERIC_SHORT_ID "linux2022"

/* More rows than the list's 280 pixels show: see scroll_tick_cb (). */
#define SCROLL_PAST_ROWS 10

struct _HangarCreatorOsPage
{
  HangarCreatorPage parent_instance;

  HangarOsCatalog *catalog;
  /* The user chose Generic / Unknown (the OS may then be NULL). */
  gboolean generic;
  /* The selection is being set from the state: not a choice of the user's. */
  gboolean syncing;

  AdwPreferencesGroup *detected_group;
  AdwActionRow *detected_row;
  GtkWidget *note_row;
  GtkLabel *note_label;
  GtkLabel *chosen_label;
  GtkWidget *generic_check;
  GtkSwitch *eol_switch;
  GtkSearchEntry *search_entry;
  GtkStack *list_stack;
  GtkListView *list_view;
  guint scroll_tick_id;
  guint scroll_position;
  gboolean scroll_past_done;
  GtkSpinner *loading_spinner;
  GtkSingleSelection *selection;
  GtkFilterListModel *filter_model;
  GtkStringFilter *name_filter;
  GtkStringFilter *short_id_filter;
};

G_DEFINE_FINAL_TYPE (HangarCreatorOsPage, hangar_creator_os_page, HANGAR_TYPE_CREATOR_PAGE)

static HangarCreatorState *
get_state (HangarCreatorOsPage *self)
{
  return hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
}

static void
update_list_page (HangarCreatorOsPage *self)
{
  const char *page;

  if (!hangar_os_catalog_get_loaded (self->catalog))
    page = "loading";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
    page = "empty";
  else
    page = "list";
  gtk_stack_set_visible_child_name (self->list_stack, page);
  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));
}

static gboolean
scroll_tick_cb (GtkWidget     *list_view,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  HangarCreatorOsPage *self = user_data;
  guint n;

  /* Scrolled before the list has a size, GTK 4.8's list view draws no rows. */
  if (gtk_widget_get_height (list_view) == 0)
    return G_SOURCE_CONTINUE;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  if (self->scroll_position >= n)
    {
      self->scroll_tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  /* The action scrolls as little as it can: a row below the view ends up at its bottom
   * edge, under the window's. Going a few rows past it first, then back, puts it at the
   * top of the view instead. */
  if (!self->scroll_past_done)
    {
      self->scroll_past_done = TRUE;
      gtk_widget_activate_action (list_view, "list.scroll-to-item", "u",
                                  MIN (self->scroll_position + SCROLL_PAST_ROWS, n - 1));
      return G_SOURCE_CONTINUE;
    }
  self->scroll_tick_id = 0;
  gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", self->scroll_position);
  return G_SOURCE_REMOVE;
}

/* Brings the row at @position into view once the list is on screen, not left 200 rows
 * down. (GTK 4.8 has no gtk_list_view_scroll_to (); the list's action does the same.) */
static void
scroll_to (HangarCreatorOsPage *self,
           guint                position)
{
  self->scroll_position = position;
  self->scroll_past_done = FALSE;
  if (self->scroll_tick_id == 0)
    self->scroll_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view),
                                                         scroll_tick_cb, self, NULL);
}

/* Selects the state's OS in the list (nothing when it is not listed). */
static void
sync_selection (HangarCreatorOsPage *self)
{
  OsinfoOs *os = hangar_creator_state_get_os (get_state (self));
  GListModel *model = G_LIST_MODEL (self->filter_model);
  guint position = GTK_INVALID_LIST_POSITION;
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; os != NULL && i < n; i++)
    {
      g_autoptr(HangarOsEntry) entry = g_list_model_get_item (model, i);

      if (hangar_os_entry_get_os (entry) == os)
        {
          position = i;
          break;
        }
    }
  /* An end-of-life OS (detected, or chosen before) is shown with the others of its
   * kind rather than left out of the list. */
  if (position == GTK_INVALID_LIST_POSITION && os != NULL
      && hangar_os_catalog_get_loaded (self->catalog)
      && !gtk_switch_get_active (self->eol_switch)
      && *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) == '\0')
    {
      gtk_switch_set_active (self->eol_switch, TRUE);
      return;
    }
  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->syncing = FALSE;
  if (position != GTK_INVALID_LIST_POSITION)
    scroll_to (self, position);
}

static gboolean
is_generic (OsinfoOs *os)
{
  return os != NULL
         && g_strcmp0 (osinfo_product_get_short_id (OSINFO_PRODUCT (os)), GENERIC_SHORT_ID) == 0;
}

static void
update_chosen (HangarCreatorOsPage *self)
{
  OsinfoOs *os = hangar_creator_state_get_os (get_state (self));
  gboolean generic = is_generic (os) || (os == NULL && self->generic);

  if (os != NULL)
    gtk_label_set_label (self->chosen_label, osinfo_product_get_name (OSINFO_PRODUCT (os)));
  else if (generic)
    gtk_label_set_label (self->chosen_label, _("Generic / Unknown"));
  else
    gtk_label_set_label (self->chosen_label, _("None yet"));
  gtk_widget_set_visible (self->generic_check, generic);
  hangar_creator_page_set_complete (HANGAR_CREATOR_PAGE (self), os != NULL || self->generic);
}

static void
update_detected (HangarCreatorOsPage *self)
{
  HangarCreatorState *state = get_state (self);
  const HangarOsMatch *match = hangar_creator_state_get_match (state);
  HangarGuestSource source = hangar_creator_state_get_source (state);
  const char *subtitle;

  /* Only media and trees are read; the other sources have nothing to detect. */
  gtk_widget_set_visible (GTK_WIDGET (self->detected_group),
                          match != NULL || source == HANGAR_GUEST_SOURCE_MEDIA
                          || source == HANGAR_GUEST_SOURCE_URL);
  if (match == NULL || match->os == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detected_row),
                                     _("Not recognised"));
      subtitle = _("Choose the OS below, or Generic / Unknown.");
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->detected_row), match->name);
      if (match->identified)
        subtitle = match->tree != NULL ? _("Detected from the distribution tree")
                                       : _("Detected from the medium");
      else if (match->from_family_guess)
        subtitle = match->tree != NULL ? _("Suggested from the tree’s address")
                                       : _("Suggested from the medium’s name");
      else
        subtitle = _("Not recognised: a generic Linux is suggested");
    }
  adw_action_row_set_subtitle (self->detected_row, subtitle);
  gtk_label_set_label (self->note_label, match != NULL && match->note != NULL ? match->note : "");
  gtk_widget_set_visible (self->note_row, match != NULL && match->note != NULL);
}

static void
fill (HangarCreatorOsPage *self)
{
  g_autoptr(GListModel) oses = NULL;

  oses = hangar_os_catalog_get_oses (self->catalog, gtk_switch_get_active (self->eol_switch));
  self->syncing = TRUE;
  gtk_filter_list_model_set_model (self->filter_model, oses);
  self->syncing = FALSE;
  sync_selection (self);
  update_list_page (self);
}

static void
on_catalog_loaded_cb (HangarCreatorOsPage *self)
{
  fill (self);
}

static void
on_state_os_cb (HangarCreatorOsPage *self)
{
  update_chosen (self);
  sync_selection (self);
}

static void
on_search_changed_cb (HangarCreatorOsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  self->syncing = TRUE;
  gtk_string_filter_set_search (self->name_filter, text);
  gtk_string_filter_set_search (self->short_id_filter, text);
  self->syncing = FALSE;
  sync_selection (self);
  update_list_page (self);
}

/* Enter in the search: the first match becomes the choice when the one chosen is not
 * listed; otherwise Enter goes forward, as in the page's other fields. */
static void
on_search_activate_cb (HangarCreatorOsPage *self)
{
  GListModel *model = G_LIST_MODEL (self->filter_model);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (*text != '\0' && g_list_model_get_n_items (model) > 0
      && gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION)
    {
      gtk_single_selection_set_selected (self->selection, 0);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "creator.forward", NULL);
}

/* Enter on a row, or a double click: that OS, and Forward. */
static void
on_list_activate_cb (HangarCreatorOsPage *self,
                     guint                position)
{
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self), "creator.forward", NULL);
}

static void
on_eol_changed_cb (HangarCreatorOsPage *self)
{
  if (hangar_os_catalog_get_loaded (self->catalog))
    fill (self);
}

static void
on_selected_cb (HangarCreatorOsPage *self)
{
  HangarOsEntry *entry = gtk_single_selection_get_selected_item (self->selection);

  if (self->syncing || entry == NULL)
    return;
  self->generic = FALSE;
  hangar_creator_state_set_os (get_state (self), hangar_os_entry_get_os (entry));
  update_chosen (self);
}

static void
on_generic_activated_cb (HangarCreatorOsPage *self)
{
  self->generic = TRUE;
  hangar_creator_state_set_os (get_state (self),
                               hangar_os_catalog_get_loaded (self->catalog)
                               ? hangar_os_catalog_find_os (self->catalog, GENERIC_SHORT_ID)
                               : NULL);
  update_chosen (self);
}

static void
hangar_creator_os_page_shown (HangarCreatorPage *page)
{
  HangarCreatorOsPage *self = HANGAR_CREATOR_OS_PAGE (page);

  HangarCreatorState *state = get_state (self);
  HangarGuestSource source = hangar_creator_state_get_source (state);

  update_detected (self);
  /* A kernel, a disk image, the network or nothing: no medium to recognise the OS on.
   * Generic / Unknown is the answer until the user chooses one, rather than a Forward
   * left off for a choice most never make. */
  if (source != HANGAR_GUEST_SOURCE_MEDIA && source != HANGAR_GUEST_SOURCE_URL
      && hangar_creator_state_get_os (state) == NULL && !self->generic)
    on_generic_activated_cb (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
hangar_creator_os_page_constructed (GObject *object)
{
  HangarCreatorOsPage *self = HANGAR_CREATOR_OS_PAGE (object);
  HangarCreatorState *state;

  G_OBJECT_CLASS (hangar_creator_os_page_parent_class)->constructed (object);

  state = get_state (self);
  self->catalog = g_object_ref (hangar_creator_state_get_catalog (state));
  hangar_creator_page_set_title (HANGAR_CREATOR_PAGE (self), _("Operating System"));
  hangar_name_page_scroller (adw_bin_get_child (ADW_BIN (self)), _("Operating System"));
  g_signal_connect_object (state, "notify::os", G_CALLBACK (on_state_os_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::match", G_CALLBACK (update_detected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::source", G_CALLBACK (update_detected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->catalog, "notify::loaded", G_CALLBACK (on_catalog_loaded_cb),
                           self, G_CONNECT_SWAPPED);
  if (hangar_os_catalog_get_loaded (self->catalog))
    fill (self);
  update_list_page (self);
  update_detected (self);
  update_chosen (self);
}

static void
hangar_creator_os_page_dispose (GObject *object)
{
  HangarCreatorOsPage *self = HANGAR_CREATOR_OS_PAGE (object);

  if (self->scroll_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->scroll_tick_id);
      self->scroll_tick_id = 0;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_CREATOR_OS_PAGE);
  G_OBJECT_CLASS (hangar_creator_os_page_parent_class)->dispose (object);
}

static void
hangar_creator_os_page_finalize (GObject *object)
{
  HangarCreatorOsPage *self = HANGAR_CREATOR_OS_PAGE (object);

  g_clear_object (&self->catalog);
  G_OBJECT_CLASS (hangar_creator_os_page_parent_class)->finalize (object);
}

static void
hangar_creator_os_page_class_init (HangarCreatorOsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HangarCreatorPageClass *page_class = HANGAR_CREATOR_PAGE_CLASS (klass);

  object_class->constructed = hangar_creator_os_page_constructed;
  object_class->dispose = hangar_creator_os_page_dispose;
  object_class->finalize = hangar_creator_os_page_finalize;
  page_class->shown = hangar_creator_os_page_shown;

  /* The list's expressions name it. */
  g_type_ensure (HANGAR_TYPE_OS_ENTRY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-creator-os-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, detected_group);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, detected_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, note_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, note_label);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, chosen_label);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, generic_check);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, eol_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, selection);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, filter_model);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, name_filter);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorOsPage, short_id_filter);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_eol_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_generic_activated_cb);
}

static void
hangar_creator_os_page_init (HangarCreatorOsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
hangar_creator_os_page_new (HangarCreatorState *state)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (state), NULL);

  return g_object_new (HANGAR_TYPE_CREATOR_OS_PAGE, "state", state, NULL);
}
