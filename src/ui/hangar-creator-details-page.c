// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-creator-details-page"

/* The New VM window's name, network and firmware; see hangar-creator-details-page.h. */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "hangar-connection.h"
#include "hangar-creator-details-page.h"
#include "hangar-guest.h"
#include "hangar-host-caps.h"
#include "hangar-pool.h"
#include "hangar-wizard-util.h"

/* One item of network_row: a virtual network (name), or a kind of its own. */
typedef struct {
  HangarGuestSpecNetwork kind;
  char *network;
} NetworkChoice;

struct _HangarCreatorDetailsPage
{
  HangarCreatorPage parent_instance;

  GSignalGroup *volume_signals;  /* the new disk's pool's volume list */
  HangarHostCaps *caps;          /* NULL until the host answered */
  GArray *choices;               /* NetworkChoice, in network_row's order */
  gboolean filling;              /* the page writes a field itself: not the user's edit */
  gboolean name_touched;
  gboolean volume_touched;
  gboolean network_touched;
  gboolean device_touched;
  gboolean firmware_touched;
  gboolean secure_boot_touched;
  gboolean tpm_touched;
  gboolean show_all;             /* show_faults came: an empty name says so too */

  AdwEntryRow *name_row;
  GtkLabel *name_message;
  AdwEntryRow *volume_row;
  GtkLabel *volume_message;
  AdwComboRow *network_row;
  GtkStringList *network_list;
  GtkLabel *network_message;
  AdwEntryRow *device_row;
  GtkLabel *device_message;
  AdwComboRow *firmware_row;
  GtkStringList *firmware_list;
  GtkLabel *firmware_message;
  AdwActionRow *secure_boot_row;
  GtkSwitch *secure_boot_switch;
  AdwActionRow *tpm_row;
  GtkSwitch *tpm_switch;
  AdwActionRow *customize_row;
  GtkSwitch *customize_switch;
};

G_DEFINE_FINAL_TYPE (HangarCreatorDetailsPage, hangar_creator_details_page,
                     HANGAR_TYPE_CREATOR_PAGE)

static void
network_choice_clear (NetworkChoice *choice)
{
  g_free (choice->network);
}

static HangarCreatorState *
get_state (HangarCreatorDetailsPage *self)
{
  return hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
}

static gboolean
name_taken (HangarCreatorDetailsPage *self,
            const char               *name)
{
  GListModel *guests = hangar_connection_get_guests (hangar_creator_state_get_connection (get_state (self)));
  guint n = g_list_model_get_n_items (guests);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HangarGuest) guest = g_list_model_get_item (guests, i);

      if (g_strcmp0 (hangar_guest_get_name (guest), name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The pool the storage page chose for a new disk, or NULL. */
static HangarPool *
disk_pool (HangarCreatorDetailsPage *self)
{
  HangarGuestSpec *spec = hangar_creator_state_get_spec (get_state (self));

  if (spec->disk != HANGAR_GUEST_SPEC_DISK_NEW || spec->pool_name == NULL)
    return NULL;
  return hangar_connection_find_pool (hangar_creator_state_get_connection (get_state (self)),
                                      spec->pool_name);
}

/* The new disk's file name suffix, as the creator gives it. */
static const char *
volume_suffix (HangarCreatorDetailsPage *self)
{
  HangarGuestSpec *spec = hangar_creator_state_get_spec (get_state (self));

  return hangar_volume_format_suffix (spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE
                                      ? HANGAR_VOLUME_FORMAT_QCOW2 : spec->disk_format);
}

/* The new disk's name for a guest called @name, as virt-manager picks it: NAME.qcow2,
 * else NAME-1.qcow2, NAME-2.qcow2…, the first the pool does not hold. */
static char *
free_volume_name (HangarCreatorDetailsPage *self,
                  HangarPool               *pool,
                  const char               *name)
{
  const char *suffix = volume_suffix (self);

  for (guint i = 0; ; i++)
    {
      g_autofree char *volume = i == 0 ? g_strconcat (name, suffix, NULL)
                                       : g_strdup_printf ("%s-%u%s", name, i, suffix);

      if (hangar_pool_find_volume (pool, volume) == NULL)
        return g_steal_pointer (&volume);
    }
}

/* While the user has not written one, the disk's name follows the guest's. */
static void
propose_volume_name (HangarCreatorDetailsPage *self)
{
  HangarPool *pool = disk_pool (self);
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autofree char *volume = NULL;

  /* A name that cannot be one ("", "my vm/1") proposes nothing: its own message says
   * what is wrong, without a second one on a disk name the user never wrote. */
  if (self->volume_touched || pool == NULL || !hangar_guest_spec_check_name (name, NULL))
    return;
  volume = free_volume_name (self, pool, name);
  if (g_str_equal (volume, gtk_editable_get_text (GTK_EDITABLE (self->volume_row))))
    return;
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->volume_row), volume);
  self->filling = FALSE;
}

/* A sentence on what is wrong with the disk's name @volume, or NULL. */
static char *
check_volume_name (HangarCreatorDetailsPage *self,
                   HangarPool               *pool,
                   const char               *volume)
{
  if (*volume == '\0')
    return g_strdup (_("Enter a name for the new disk."));
  if (strchr (volume, '/') != NULL)
    return g_strdup (_("The disk’s name cannot contain “/”. Choose another name."));
  if (hangar_pool_find_volume (pool, volume) != NULL)
    return g_strdup_printf (_("The pool “%s” already has a volume called “%s”, which the new "
                              "disk would be. Choose another name."),
                            hangar_pool_get_name (pool), volume);
  return NULL;
}

static const NetworkChoice *
selected_choice (HangarCreatorDetailsPage *self)
{
  guint i = adw_combo_row_get_selected (self->network_row);

  if (self->choices == NULL || i >= self->choices->len)
    return NULL;
  return &g_array_index (self->choices, NetworkChoice, i);
}

static gboolean
uefi_selected (HangarCreatorDetailsPage *self)
{
  return adw_combo_row_get_selected (self->firmware_row) == 1;
}

/* The host's interfaces of the kind @bridges asks for, joined with commas. */
static char *
interface_names (HangarCreatorDetailsPage *self,
                 gboolean                  bridges)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; self->caps != NULL && i < self->caps->interfaces->len; i++)
    {
      const HangarHostInterface *interface = self->caps->interfaces->pdata[i];

      if (interface->is_bridge != bridges)
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, interface->name);
    }
  return names->len > 0 ? g_string_free (g_steal_pointer (&names), FALSE) : NULL;
}

/* The first virtual network of the host's when none of them runs, else NULL. */
static const char *
first_stopped_network (HangarCreatorDetailsPage *self)
{
  for (guint i = 0; self->caps != NULL && i < self->caps->networks->len; i++)
    {
      const HangarHostNetwork *network = self->caps->networks->pdata[i];

      if (network->active)
        return NULL;
    }
  if (self->caps == NULL || self->caps->networks->len == 0)
    return NULL;
  return ((const HangarHostNetwork *) self->caps->networks->pdata[0])->name;
}

static void
update (HangarCreatorDetailsPage *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  const NetworkChoice *choice = selected_choice (self);
  g_autoptr(GError) name_error = NULL;
  g_autofree char *name_text = NULL;
  g_autofree char *volume_text = NULL;
  g_autofree char *network_text = NULL;
  g_autofree char *device_text = NULL;
  g_autofree char *firmware_text = NULL;
  HangarFieldMessageKind device_kind = HANGAR_FIELD_HINT;
  HangarFieldMessageKind network_kind = HANGAR_FIELD_WARNING;
  const char *stopped;
  const char *pxe_fault;
  const char *uri = hangar_connection_get_uri (hangar_creator_state_get_connection (get_state (self)));
  const HangarOsDefaults *defaults = hangar_creator_state_get_defaults (get_state (self));
  HangarPool *pool = disk_pool (self);
  gboolean needs_device = choice != NULL && (choice->kind == HANGAR_GUEST_SPEC_NETWORK_BRIDGE
                                             || choice->kind == HANGAR_GUEST_SPEC_NETWORK_MACVTAP);
  gboolean ok = TRUE;

  /* The name: legal, and not taken on the host. An empty name is said only once the
   * user wrote in the field or pressed Forward. */
  if (!hangar_guest_spec_check_name (name, &name_error))
    {
      ok = FALSE;
      if (*name != '\0' || self->name_touched || self->show_all)
        name_text = g_strdup (name_error->message);
    }
  else if (name_taken (self, name))
    {
      ok = FALSE;
      name_text = g_strdup_printf (_("The host already has a virtual machine named “%s”. "
                                     "Choose another name."), name);
    }
  hangar_field_set_message (GTK_WIDGET (self->name_row), self->name_message, HANGAR_FIELD_ERROR,
                            name_text);

  /* The new disk's name: offered unique, refused when the user wrote one the pool has. */
  gtk_widget_set_visible (GTK_WIDGET (self->volume_row), pool != NULL);
  if (pool != NULL)
    {
      g_autofree char *volume = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->volume_row))));

      volume_text = check_volume_name (self, pool, volume);
      ok = ok && volume_text == NULL;
    }
  hangar_field_set_message (GTK_WIDGET (self->volume_row), self->volume_message,
                            HANGAR_FIELD_ERROR, volume_text);

  /* A network boot refused here would be refused at Create, on the source's page: say
   * it here, where the network is chosen. */
  if (choice != NULL
      && hangar_creator_state_get_source (get_state (self)) == HANGAR_GUEST_SOURCE_PXE
      && (pxe_fault = hangar_guest_spec_pxe_network_fault (choice->kind)) != NULL)
    {
      ok = FALSE;
      network_kind = HANGAR_FIELD_ERROR;
      network_text = g_strdup (pxe_fault);
    }
  else if (choice != NULL && choice->kind == HANGAR_GUEST_SPEC_NETWORK_VIRTUAL)
    {
      const HangarHostNetwork *network = hangar_host_caps_find_network (self->caps, choice->network);

      if (network != NULL && !network->active)
        network_text = g_strdup_printf (_("The network “%s” is stopped: the virtual machine "
                                          "cannot start until it runs."), choice->network);
    }
  else if (choice != NULL && choice->kind == HANGAR_GUEST_SPEC_NETWORK_USER)
    {
      network_kind = HANGAR_FIELD_HINT;
      /* Preselected because no virtual network runs: say how to have one (a session
       * daemon cannot start one). */
      if (!self->network_touched && !hangar_connection_uri_is_session (uri)
          && (stopped = first_stopped_network (self)) != NULL)
        network_text = g_strdup_printf (_("Internet access through QEMU; the virtual machine "
                                          "cannot be reached from the host. No virtual "
                                          "network runs on the host: to use one, start "
                                          "“%s” on the host (virsh net-start %s) and choose "
                                          "it here."), stopped, stopped);
      else
        network_text = g_strdup (_("Internet access through QEMU; the virtual machine "
                                   "cannot be reached from the host."));
    }
  /* None was preselected because no virtual network runs: say why. */
  else if (choice != NULL && choice->kind == HANGAR_GUEST_SPEC_NETWORK_NONE
           && !self->network_touched && (stopped = first_stopped_network (self)) != NULL)
    {
      network_kind = HANGAR_FIELD_HINT;
      network_text = g_strdup_printf (_("No virtual network runs on the host, so the "
                                        "virtual machine gets none. To connect it, start "
                                        "“%s” on the host (virsh net-start %s) and "
                                        "choose it here."), stopped, stopped);
    }
  /* Without the host's answer no virtual network is known: say why. */
  if (network_text == NULL)
    network_text = g_strdup (hangar_creator_state_get_host_caps_error (get_state (self)));
  hangar_field_set_message (GTK_WIDGET (self->network_row), self->network_message,
                            network_kind, network_text);

  gtk_widget_set_visible (GTK_WIDGET (self->device_row), needs_device);
  if (needs_device)
    {
      gboolean bridge = choice->kind == HANGAR_GUEST_SPEC_NETWORK_BRIDGE;
      g_autofree char *known = interface_names (self, bridge);
      g_autofree char *device = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->device_row))));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->device_row),
                                     bridge ? _("_Bridge") : _("Host _Interface"));
      if (*device == '\0')
        {
          ok = FALSE;
          device_kind = HANGAR_FIELD_ERROR;
          device_text = g_strdup (bridge ? _("Enter the name of a bridge on the host, such as br0.")
                                         : _("Enter the name of a host interface, such as eth0."));
        }
      else if (self->caps != NULL && self->caps->interfaces_note != NULL)
        device_text = g_strdup (self->caps->interfaces_note);
      else if (known != NULL)
        device_text = g_strdup_printf (bridge ? _("The host’s bridges: %s")
                                              : _("The host’s interfaces: %s"), known);
    }
  hangar_field_set_message (GTK_WIDGET (self->device_row), self->device_message, device_kind,
                            device_text);

  /* Firmware: a warning when the OS needs UEFI and the host has none. */
  if (self->caps != NULL && !self->caps->uefi && defaults != NULL && defaults->needs_uefi)
    firmware_text = g_strdup (_("This operating system needs UEFI, which the host does not "
                                "offer: install UEFI firmware (OVMF) on the host."));
  else if (self->caps != NULL && !self->caps->uefi)
    firmware_text = g_strdup (_("The host offers no UEFI firmware."));
  hangar_field_set_message (GTK_WIDGET (self->firmware_row), self->firmware_message,
                            firmware_text != NULL && defaults != NULL && defaults->needs_uefi
                            ? HANGAR_FIELD_WARNING : HANGAR_FIELD_HINT,
                            firmware_text);
  gtk_widget_set_visible (GTK_WIDGET (self->secure_boot_row),
                          self->caps != NULL && self->caps->secure_boot && uefi_selected (self));
  gtk_widget_set_visible (GTK_WIDGET (self->tpm_row), self->caps != NULL && self->caps->tpm);

  hangar_creator_page_set_complete (HANGAR_CREATOR_PAGE (self), ok);
}

/* "debian11", else "debian11-2", "debian11-3"…: the first free on the host. */
static char *
free_name (HangarCreatorDetailsPage *self)
{
  OsinfoOs *os = hangar_creator_state_get_os (get_state (self));
  const char *base = os != NULL ? osinfo_product_get_short_id (OSINFO_PRODUCT (os)) : NULL;

  if (base == NULL || !hangar_guest_spec_check_name (base, NULL))
    base = "vm";
  for (guint i = 1; ; i++)
    {
      g_autofree char *name = i == 1 ? g_strdup (base) : g_strdup_printf ("%s-%u", base, i);

      if (!name_taken (self, name))
        return g_steal_pointer (&name);
    }
}

/* What follows from the OS and the host, for the fields the user has not touched. */
static void
apply_defaults (HangarCreatorDetailsPage *self)
{
  const HangarOsDefaults *defaults = hangar_creator_state_get_defaults (get_state (self));

  self->filling = TRUE;
  if (!self->name_touched)
    {
      g_autofree char *name = free_name (self);

      gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
    }
  propose_volume_name (self);
  if (self->caps != NULL && defaults != NULL)
    {
      if (!self->firmware_touched)
        adw_combo_row_set_selected (self->firmware_row,
                                    self->caps->uefi && defaults->needs_uefi ? 1 : 0);
      /* Secure Boot and a TPM go together: the OSes that want a TPM (Windows 11) want
       * Secure Boot too. */
      if (!self->secure_boot_touched)
        gtk_switch_set_active (self->secure_boot_switch, defaults->wants_tpm);
      if (!self->tpm_touched)
        gtk_switch_set_active (self->tpm_switch, defaults->wants_tpm);
    }
  self->filling = FALSE;
  update (self);
}

static void
append_choice (HangarCreatorDetailsPage *self,
               GPtrArray                *labels,
               HangarGuestSpecNetwork    kind,
               const char               *label)
{
  NetworkChoice choice = { kind, NULL };

  g_array_append_val (self->choices, choice);
  g_ptr_array_add (labels, g_strdup (label));
}

static void
fill_networks (HangarCreatorDetailsPage *self)
{
  const char *uri = hangar_connection_get_uri (hangar_creator_state_get_connection (get_state (self)));
  const char *default_network;
  HangarGuestSpecNetwork default_kind = hangar_guest_spec_default_network (uri, self->caps,
                                                                           &default_network);
  guint selected = 0;
  NetworkChoice choice;
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  g_array_set_size (self->choices, 0);
  for (guint i = 0; i < self->caps->networks->len; i++)
    {
      const HangarHostNetwork *network = self->caps->networks->pdata[i];

      choice.kind = HANGAR_GUEST_SPEC_NETWORK_VIRTUAL;
      choice.network = g_strdup (network->name);
      g_array_append_val (self->choices, choice);
      g_ptr_array_add (labels, network->active
                               ? g_strdup_printf (_("Virtual network “%s”"), network->name)
                               : g_strdup_printf (_("Virtual network “%s” (stopped)"), network->name));
    }
  /* QEMU's own networking, wherever QEMU runs the guests. */
  if (hangar_connection_uri_is_qemu (uri))
    append_choice (self, labels, HANGAR_GUEST_SPEC_NETWORK_USER, _("Usermode networking"));
  append_choice (self, labels, HANGAR_GUEST_SPEC_NETWORK_BRIDGE, _("Host bridge"));
  append_choice (self, labels, HANGAR_GUEST_SPEC_NETWORK_MACVTAP, _("Macvtap on a host interface"));
  append_choice (self, labels, HANGAR_GUEST_SPEC_NETWORK_NONE, _("None"));
  /* "default" when it runs (it comes first), else the first network that runs; on a
   * session host, or with none running, usermode where offered, else None. */
  for (guint i = 0; i < self->choices->len; i++)
    {
      const NetworkChoice *item = &g_array_index (self->choices, NetworkChoice, i);

      if (item->kind == default_kind && g_strcmp0 (item->network, default_network) == 0)
        selected = i;
    }
  g_ptr_array_add (labels, NULL);

  self->filling = TRUE;
  gtk_string_list_splice (self->network_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->network_list)),
                          (const char *const *) labels->pdata);
  adw_combo_row_set_selected (self->network_row, selected);
  self->filling = FALSE;
}

static void
fill_firmware (HangarCreatorDetailsPage *self)
{
  const char *items[] = { _("BIOS"), _("UEFI"), NULL };

  self->filling = TRUE;
  if (!self->caps->uefi)
    items[1] = NULL;
  gtk_string_list_splice (self->firmware_list, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->firmware_list)), items);
  adw_combo_row_set_selected (self->firmware_row, 0);
  self->filling = FALSE;
}

/* The device row's first suggestion: the host's first bridge, or its first other
 * interface for macvtap. */
static void
suggest_device (HangarCreatorDetailsPage *self)
{
  const NetworkChoice *choice = selected_choice (self);

  if (choice == NULL || self->device_touched || self->caps == NULL)
    return;
  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->device_row), "");
  for (guint i = 0; i < self->caps->interfaces->len; i++)
    {
      const HangarHostInterface *interface = self->caps->interfaces->pdata[i];

      if (interface->is_bridge == (choice->kind == HANGAR_GUEST_SPEC_NETWORK_BRIDGE))
        {
          gtk_editable_set_text (GTK_EDITABLE (self->device_row), interface->name);
          break;
        }
    }
  self->filling = FALSE;
}

/* network_row's list: whole labels, a check beside the chosen one. libadwaita 1.2's
 * own items cut a label at 20 characters, which hid "(stopped)". */
static void
on_network_item_setup_cb (GtkSignalListItemFactory *factory,
                          GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Chosen"), -1);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), check);
  gtk_list_item_set_child (item, box);
}

static void
update_network_item_check (AdwComboRow *row,
                           GParamSpec  *pspec,
                           GtkListItem *item)
{
  GtkWidget *check = gtk_widget_get_last_child (gtk_list_item_get_child (item));

  gtk_widget_set_opacity (check, adw_combo_row_get_selected (row)
                                 == gtk_list_item_get_position (item) ? 1 : 0);
}

static void
on_network_item_bind_cb (GtkSignalListItemFactory *factory,
                         GtkListItem              *item,
                         HangarCreatorDetailsPage *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *label = gtk_widget_get_first_child (box);
  GtkWidget *list = gtk_widget_get_ancestor (box, GTK_TYPE_LIST_VIEW);

  gtk_label_set_label (GTK_LABEL (label),
                       gtk_string_object_get_string (gtk_list_item_get_item (item)));
  /* The popover's list and its scroller are libadwaita's, unnamed: name them for screen
   * readers. */
  if (list != NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Networks"), -1);
      if (GTK_IS_SCROLLED_WINDOW (gtk_widget_get_parent (list)))
        gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (list)),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Networks"), -1);
    }
  g_signal_connect_object (self->network_row, "notify::selected",
                           G_CALLBACK (update_network_item_check), item, 0);
  update_network_item_check (self->network_row, NULL, item);
}

static void
on_network_item_unbind_cb (GtkSignalListItemFactory *factory,
                           GtkListItem              *item,
                           HangarCreatorDetailsPage *self)
{
  g_signal_handlers_disconnect_by_func (self->network_row, update_network_item_check, item);
}

/* The state asks the host once for every page. */
static void
on_host_caps_cb (HangarCreatorDetailsPage *self)
{
  HangarCreatorState *state = get_state (self);
  const HangarHostCaps *caps = hangar_creator_state_get_host_caps (state);
  const char *error = hangar_creator_state_get_host_caps_error (state);

  if (caps == NULL && error == NULL)
    return;
  /* Without the host's answer: no virtual network known, BIOS only. */
  g_clear_pointer (&self->caps, hangar_host_caps_free);
  self->caps = caps != NULL ? hangar_host_caps_copy (caps) : hangar_host_caps_new ();
  fill_networks (self);
  fill_firmware (self);
  suggest_device (self);
  apply_defaults (self);
}

static void
on_name_changed_cb (HangarCreatorDetailsPage *self)
{
  if (!self->filling)
    self->name_touched = TRUE;
  propose_volume_name (self);
  update (self);
}

static void
on_volume_changed_cb (HangarCreatorDetailsPage *self)
{
  if (!self->filling)
    self->volume_touched = TRUE;
  update (self);
}

static void
on_network_changed_cb (HangarCreatorDetailsPage *self)
{
  if (self->filling)
    return;
  self->network_touched = TRUE;
  suggest_device (self);
  update (self);
}

static void
on_device_changed_cb (HangarCreatorDetailsPage *self)
{
  if (!self->filling)
    self->device_touched = TRUE;
  update (self);
}

static void
on_firmware_changed_cb (HangarCreatorDetailsPage *self)
{
  if (!self->filling)
    self->firmware_touched = TRUE;
  update (self);
}

static void
on_secure_boot_changed_cb (HangarCreatorDetailsPage *self)
{
  if (!self->filling)
    self->secure_boot_touched = TRUE;
}

static void
on_tpm_changed_cb (HangarCreatorDetailsPage *self)
{
  if (!self->filling)
    self->tpm_touched = TRUE;
}

static void
on_customize_changed_cb (HangarCreatorDetailsPage *self)
{
  hangar_creator_state_set_customize (get_state (self),
                                      gtk_switch_get_active (self->customize_switch));
}

static void
on_state_customize_cb (HangarCreatorDetailsPage *self)
{
  gtk_switch_set_active (self->customize_switch,
                         hangar_creator_state_get_customize (get_state (self)));
}

static void
on_defaults_changed_cb (HangarCreatorDetailsPage *self)
{
  apply_defaults (self);
}

static void
hangar_creator_details_page_apply (HangarCreatorPage *page,
                                   HangarGuestSpec   *spec)
{
  HangarCreatorDetailsPage *self = HANGAR_CREATOR_DETAILS_PAGE (page);
  const NetworkChoice *choice = selected_choice (self);
  g_autofree char *device = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->device_row))));

  g_free (spec->name);
  spec->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  g_clear_pointer (&spec->volume_name, g_free);
  if (disk_pool (self) != NULL)
    spec->volume_name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->volume_row))));
  g_clear_pointer (&spec->network_name, g_free);
  spec->network = choice != NULL ? choice->kind : HANGAR_GUEST_SPEC_NETWORK_NONE;
  if (spec->network == HANGAR_GUEST_SPEC_NETWORK_VIRTUAL)
    spec->network_name = g_strdup (choice->network);
  else if (spec->network == HANGAR_GUEST_SPEC_NETWORK_BRIDGE
           || spec->network == HANGAR_GUEST_SPEC_NETWORK_MACVTAP)
    spec->network_name = g_steal_pointer (&device);
  spec->firmware = uefi_selected (self) ? HANGAR_GUEST_FIRMWARE_UEFI : HANGAR_GUEST_FIRMWARE_BIOS;
  spec->secure_boot = gtk_widget_get_visible (GTK_WIDGET (self->secure_boot_row))
                      && gtk_switch_get_active (self->secure_boot_switch);
  spec->tpm = gtk_widget_get_visible (GTK_WIDGET (self->tpm_row))
              && gtk_switch_get_active (self->tpm_switch);
}

static void
hangar_creator_details_page_shown (HangarCreatorPage *page)
{
  HangarCreatorDetailsPage *self = HANGAR_CREATOR_DETAILS_PAGE (page);
  HangarPool *pool = disk_pool (self);

  /* The new disk's pool (chosen on the storage page) holds volumes the disk's name must
   * not meet; their list is read on first asking and comes back through items-changed.
   * A guest defined meanwhile may have taken the name too. */
  g_signal_group_set_target (self->volume_signals,
                             pool != NULL ? hangar_pool_get_volumes (pool) : NULL);
  apply_defaults (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
hangar_creator_details_page_show_faults (HangarCreatorPage *page)
{
  HangarCreatorDetailsPage *self = HANGAR_CREATOR_DETAILS_PAGE (page);

  self->show_all = TRUE;
  update (self);
}

static gboolean
hangar_creator_details_page_show_error (HangarCreatorPage *page,
                                        const GError      *error)
{
  HangarCreatorDetailsPage *self = HANGAR_CREATOR_DETAILS_PAGE (page);
  GtkWidget *row;
  GtkLabel *label;

  if (error->domain != HANGAR_GUEST_SPEC_ERROR)
    return FALSE;
  switch (error->code)
    {
    case HANGAR_GUEST_SPEC_ERROR_NAME:
      row = GTK_WIDGET (self->name_row);
      label = self->name_message;
      break;
    case HANGAR_GUEST_SPEC_ERROR_NETWORK:
      row = GTK_WIDGET (self->network_row);
      label = self->network_message;
      break;
    case HANGAR_GUEST_SPEC_ERROR_FIRMWARE:
      row = GTK_WIDGET (self->firmware_row);
      label = self->firmware_message;
      break;
    default:
      return FALSE;
    }
  hangar_field_set_message (row, label, HANGAR_FIELD_ERROR, error->message);
  return TRUE;
}

static void
hangar_creator_details_page_constructed (GObject *object)
{
  HangarCreatorDetailsPage *self = HANGAR_CREATOR_DETAILS_PAGE (object);
  HangarCreatorState *state;
  HangarConnection *connection;

  G_OBJECT_CLASS (hangar_creator_details_page_parent_class)->constructed (object);

  state = get_state (self);
  connection = hangar_creator_state_get_connection (state);
  g_signal_connect_object (state, "notify::defaults", G_CALLBACK (on_defaults_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::customize", G_CALLBACK (on_state_customize_cb),
                           self, G_CONNECT_SWAPPED);
  /* A guest defined or renamed elsewhere may take the name, or free it. */
  g_signal_connect_object (hangar_connection_get_guests (connection), "items-changed",
                           G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::host-caps", G_CALLBACK (on_host_caps_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::host-caps-error", G_CALLBACK (on_host_caps_cb),
                           self, G_CONNECT_SWAPPED);
  apply_defaults (self);
  on_host_caps_cb (self);
}

static void
hangar_creator_details_page_dispose (GObject *object)
{
  HangarCreatorDetailsPage *self = HANGAR_CREATOR_DETAILS_PAGE (object);

  g_signal_group_set_target (self->volume_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_CREATOR_DETAILS_PAGE);
  G_OBJECT_CLASS (hangar_creator_details_page_parent_class)->dispose (object);
}

static void
hangar_creator_details_page_finalize (GObject *object)
{
  HangarCreatorDetailsPage *self = HANGAR_CREATOR_DETAILS_PAGE (object);

  g_clear_object (&self->volume_signals);
  g_clear_pointer (&self->caps, hangar_host_caps_free);
  g_clear_pointer (&self->choices, g_array_unref);
  G_OBJECT_CLASS (hangar_creator_details_page_parent_class)->finalize (object);
}

static void
hangar_creator_details_page_class_init (HangarCreatorDetailsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HangarCreatorPageClass *page_class = HANGAR_CREATOR_PAGE_CLASS (klass);

  object_class->constructed = hangar_creator_details_page_constructed;
  object_class->dispose = hangar_creator_details_page_dispose;
  object_class->finalize = hangar_creator_details_page_finalize;
  page_class->apply = hangar_creator_details_page_apply;
  page_class->shown = hangar_creator_details_page_shown;
  page_class->show_faults = hangar_creator_details_page_show_faults;
  page_class->show_error = hangar_creator_details_page_show_error;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-creator-details-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, name_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, volume_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, volume_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, network_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, network_list);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, network_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, device_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, device_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, firmware_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, firmware_list);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, firmware_message);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, secure_boot_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, secure_boot_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, tpm_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, tpm_switch);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, customize_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorDetailsPage, customize_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_volume_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_network_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_device_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_firmware_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_secure_boot_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_tpm_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_customize_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_network_item_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_network_item_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_network_item_unbind_cb);
}

static void
hangar_creator_details_page_init (HangarCreatorDetailsPage *self)
{
  self->volume_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->volume_signals, "items-changed",
                                  G_CALLBACK (apply_defaults), self);
  self->choices = g_array_new (FALSE, TRUE, sizeof (NetworkChoice));
  g_array_set_clear_func (self->choices, (GDestroyNotify) network_choice_clear);
  self->filling = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->filling = FALSE;
}

GtkWidget *
hangar_creator_details_page_new (HangarCreatorState *state)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (state), NULL);

  return g_object_new (HANGAR_TYPE_CREATOR_DETAILS_PAGE, "state", state, NULL);
}
