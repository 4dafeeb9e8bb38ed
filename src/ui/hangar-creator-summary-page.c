// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-creator-summary-page"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-connection.h"
#include "hangar-creator-summary-page.h"
#include "hangar-install-setup.h"
#include "hangar-pool.h"
#include "hangar-volume.h"
#include "hangar-storage.h"
#include "hangar-ui-util.h"

struct _HangarCreatorSummaryPage
{
  HangarCreatorPage parent_instance;

  AdwPreferencesPage *page;
  GtkLabel *message_label;
  /* The message says the host is being asked. */
  gboolean asking;
  AdwActionRow *name_row;
  AdwActionRow *host_row;
  AdwActionRow *os_row;
  AdwActionRow *source_row;
  AdwActionRow *unattended_row;
  AdwActionRow *memory_row;
  AdwActionRow *vcpus_row;
  AdwActionRow *disk_row;
  AdwActionRow *network_row;
  AdwActionRow *firmware_row;
  AdwActionRow *definition_row;
};

G_DEFINE_FINAL_TYPE (HangarCreatorSummaryPage, hangar_creator_summary_page,
                     HANGAR_TYPE_CREATOR_PAGE)

static char *
describe_source (const HangarGuestSpec *spec)
{
  switch (spec->source)
    {
    case HANGAR_GUEST_SOURCE_MEDIA:
      if (spec->media_path != NULL && g_str_has_prefix (spec->media_path, "/dev/"))
        return g_strdup_printf (_("The host’s CD-ROM drive %s"), spec->media_path);
      return g_strdup_printf (_("Installation media “%s”"), spec->media_path ? spec->media_path : "");
    case HANGAR_GUEST_SOURCE_URL:
      if (spec->kernel != NULL)
        return g_strdup_printf (_("Network installation from %s"), spec->tree_url ? spec->tree_url : "");
      /* Translators: the creator fetches them before it defines the guest. */
      return g_strdup_printf (_("Network installation from %s; its installer’s kernel and initrd are fetched when the virtual machine is created"),
                              spec->tree_url ? spec->tree_url : "");
    case HANGAR_GUEST_SOURCE_IMPORT:
      return g_strdup (_("None: it boots from the existing disk"));
    case HANGAR_GUEST_SOURCE_CLOUD_IMAGE:
      return g_strdup_printf (_("The cloud image “%s”"), spec->base_image ? spec->base_image : "");
    case HANGAR_GUEST_SOURCE_KERNEL:
      {
        GString *text = g_string_new (NULL);

        g_string_printf (text, _("Kernel “%s”"), spec->kernel ? spec->kernel : "");
        if (spec->initrd != NULL)
          g_string_append_printf (text, _(", initrd “%s”"), spec->initrd);
        if (spec->cmdline != NULL)
          g_string_append_printf (text, _(", command line “%s”"), spec->cmdline);
        return g_string_free (text, FALSE);
      }
    case HANGAR_GUEST_SOURCE_PXE:
      return g_strdup (_("Network boot (PXE)"));
    case HANGAR_GUEST_SOURCE_MANUAL:
    default:
      return g_strdup (_("None: install later"));
    }
}

/* The name the creator gives the new volume (hangar-guest-creator.c). */
static char *
new_volume_name (const HangarGuestSpec *spec)
{
  /* A cloud image's disk is a qcow2 layer over the image, or a qcow2 copy of it. */
  HangarVolumeFormat format = spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE
                              ? HANGAR_VOLUME_FORMAT_QCOW2 : spec->disk_format;

  if (spec->volume_name != NULL && spec->volume_name[0] != '\0')
    return g_strdup (spec->volume_name);
  return g_strconcat (spec->name != NULL ? spec->name : "", hangar_volume_format_suffix (format), NULL);
}

static char *
describe_disk (const HangarGuestSpec *spec,
               HangarConnection      *connection)
{
  g_autofree char *size = NULL;
  g_autofree char *volume = NULL;
  const char *pool_name = spec->pool_name ? spec->pool_name : "";
  HangarVolume *existing;
  HangarPool *pool = NULL;

  switch (spec->disk)
    {
    case HANGAR_GUEST_SPEC_DISK_NEW:
      size = hangar_storage_format_size (spec->disk_size);
      volume = new_volume_name (spec);
      if (spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE && spec->copy_base_image)
        /* Translators: "A new 20.0 GiB disk “web.qcow2” in pool “default”, a copy of the
         * cloud image “/srv/debian-12-generic.qcow2”" */
        return g_strdup_printf (_("A new %s disk “%s” in pool “%s”, a copy of the cloud image “%s”"),
                                size, volume, pool_name, spec->base_image ? spec->base_image : "");
      if (spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE)
        /* Translators: "A new 20.0 GiB disk “web.qcow2” in pool “default” on the cloud
         * image “/srv/debian-12-generic.qcow2”" */
        return g_strdup_printf (_("A new %s disk “%s” in pool “%s” on the cloud image “%s”"),
                                size, volume, pool_name, spec->base_image ? spec->base_image : "");
      /* Translators: "New 20.0 GiB qcow2 volume “web.qcow2” in pool “default”" */
      return g_strdup_printf (_("New %s %s volume “%s” in pool “%s”"), size,
                              hangar_volume_format_to_string (spec->disk_format), volume, pool_name);
    case HANGAR_GUEST_SPEC_DISK_EXISTING:
      existing = hangar_volume_find_by_path (connection, spec->disk_path, &pool);
      if (existing != NULL)
        return g_strdup_printf (_("Volume “%s” of pool “%s”"), hangar_volume_get_name (existing),
                                hangar_pool_get_name (pool));
      return g_strdup_printf (_("The disk image “%s”"), spec->disk_path ? spec->disk_path : "");
    case HANGAR_GUEST_SPEC_DISK_NONE:
    default:
      return g_strdup (_("No disk"));
    }
}

static char *
describe_network (const HangarGuestSpec *spec)
{
  const char *name = spec->network_name ? spec->network_name : "";
  const char *model = hangar_guest_spec_net_model (spec);

  switch (spec->network)
    {
    case HANGAR_GUEST_SPEC_NETWORK_VIRTUAL:
      /* Translators: "Virtual network “default”, virtio" (the card's model) */
      return g_strdup_printf (_("Virtual network “%s”, %s"), name, model);
    case HANGAR_GUEST_SPEC_NETWORK_BRIDGE:
      return g_strdup_printf (_("Bridge “%s”, %s"), name, model);
    case HANGAR_GUEST_SPEC_NETWORK_MACVTAP:
      return g_strdup_printf (_("Host interface “%s” (macvtap), %s"), name, model);
    case HANGAR_GUEST_SPEC_NETWORK_USER:
      /* Translators: "Usermode networking, virtio" (the card's model) */
      return g_strdup_printf (_("Usermode networking, %s"), model);
    case HANGAR_GUEST_SPEC_NETWORK_NONE:
    default:
      return g_strdup (_("None"));
    }
}

static char *
describe_firmware (const HangarGuestSpec *spec)
{
  GString *text = g_string_new (spec->firmware == HANGAR_GUEST_FIRMWARE_UEFI ? _("UEFI") : _("BIOS"));

  if (spec->firmware == HANGAR_GUEST_FIRMWARE_UEFI && spec->secure_boot)
    g_string_append_printf (text, ", %s", _("Secure Boot"));
  if (spec->tpm)
    g_string_append_printf (text, ", %s", _("TPM 2.0"));
  return g_string_free (text, FALSE);
}

static guint
count_keys (const char *keys)
{
  g_auto(GStrv) lines = g_strsplit (keys != NULL ? keys : "", "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      n += line[0] != '\0' && line[0] != '#';
    }
  return n;
}

/* What the install setup does (hangar_install_setup_needed): answers only for media
 * and network installs, cloud-init only for a cloud image. */
static char *
describe_setup (const HangarGuestSpec *spec)
{
  const char *login = spec->user_login ? spec->user_login : "";
  const char *hostname = spec->hostname != NULL && spec->hostname[0] != '\0' ? spec->hostname
                         : spec->name != NULL ? spec->name : "";
  GString *text;

  if (spec->cloud_init && spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE)
    {
      guint keys = count_keys (spec->ssh_keys);

      text = g_string_new (NULL);
      g_string_printf (text, _("User “%s”"), login);
      g_string_append (text, ", ");
      g_string_append (text, spec->password_locked || spec->user_password == NULL
                             ? _("password locked") : _("with a password"));
      if (keys > 0)
        {
          g_string_append (text, ", ");
          g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u SSH key", "%u SSH keys", keys), keys);
        }
      g_string_append (text, ", ");
      g_string_append_printf (text, _("host name “%s”"), hostname);
      return g_string_free (text, FALSE);
    }
  if (spec->unattended && (spec->source == HANGAR_GUEST_SOURCE_MEDIA
                           || spec->source == HANGAR_GUEST_SOURCE_URL))
    {
      text = g_string_new (NULL);
      g_string_printf (text, _("Yes, with user “%s”"), login);
      g_string_append (text, ", ");
      g_string_append_printf (text, _("host name “%s”"), hostname);
      if (spec->minimal_install)
        g_string_append_printf (text, ", %s", _("without a desktop"));
      if (spec->product_key != NULL && spec->product_key[0] != '\0')
        g_string_append_printf (text, ", %s", _("with a product key"));
      return g_string_free (text, FALSE);
    }
  if (spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE)
    return g_strdup (_("No: the image boots with its own settings"));
  return g_strdup (_("No"));
}

/* On a remote host, what Hangar makes here reaches the guest as volumes of one of the
 * host's pools: @text with that said, else @text. */
static char *
with_upload (char                  *text,
             const HangarGuestSpec *spec,
             HangarConnection      *connection,
             const char            *what)
{
  char *said;

  if (!hangar_connection_uri_is_remote (hangar_connection_get_uri (connection)))
    return text;
  /* Translators: "Cloud-init, with user “ann”; its disc is uploaded to the pool
   * “default” on the host" */
  said = g_strdup_printf (_("%s; %s uploaded to the pool “%s” on the host"), text, what,
                          hangar_install_setup_upload_pool (spec, connection));
  g_free (text);
  return said;
}

static void
set_row (AdwActionRow *row,
         const char   *text)
{
  adw_action_row_set_subtitle (row, text != NULL && *text != '\0' ? text : _("Not set"));
}

/* Everything the earlier pages applied is in the spec by now. */
static void
hangar_creator_summary_page_shown (HangarCreatorPage *page)
{
  HangarCreatorSummaryPage *self = HANGAR_CREATOR_SUMMARY_PAGE (page);
  HangarCreatorState *state = hangar_creator_page_get_state (page);
  HangarGuestSpec *spec = hangar_creator_state_get_spec (state);
  OsinfoOs *os = hangar_creator_state_get_os (state);
  HangarConnection *connection = hangar_creator_state_get_connection (state);
  g_autofree char *source = describe_source (spec);
  g_autofree char *memory = hangar_storage_format_size (spec->memory);
  g_autofree char *vcpus = g_strdup_printf ("%u", spec->vcpus);
  g_autofree char *disk = describe_disk (spec, connection);
  g_autofree char *network = describe_network (spec);
  g_autofree char *firmware = describe_firmware (spec);
  g_autofree char *setup = describe_setup (spec);

  /* What the setup makes here (hangar-install-setup.h). */
  gboolean cloud = spec->source == HANGAR_GUEST_SOURCE_CLOUD_IMAGE;

  if (hangar_install_setup_needed (spec) && (spec->unattended || spec->cloud_init))
    setup = with_upload (setup, spec, connection,
                         cloud ? _("its disc is") : _("its answers are"));
  else if (spec->source == HANGAR_GUEST_SOURCE_URL)
    source = with_upload (source, spec, connection, _("the installer’s kernel and initrd are"));

  set_row (self->name_row, spec->name);
  /* Without KVM the guest runs emulated, many times slower: say so where it is
   * decided. */
  if (g_strcmp0 (spec->virt_type, "qemu") == 0)
    {
      g_autofree char *host = g_strdup_printf (_("%s, software emulation (no KVM: slower)"),
                                               hangar_connection_get_title (connection));
      set_row (self->host_row, host);
    }
  else
    set_row (self->host_row, hangar_connection_get_title (connection));
  set_row (self->os_row, os != NULL ? osinfo_product_get_name (OSINFO_PRODUCT (os))
                                    : _("Unknown (generic settings)"));
  set_row (self->source_row, source);
  /* Named as the page that asked; not there for a source nothing is set up for. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->unattended_row),
                                 cloud ? _("Cloud-init") : _("Automatic Installation"));
  gtk_widget_set_visible (GTK_WIDGET (self->unattended_row),
                          cloud || spec->source == HANGAR_GUEST_SOURCE_MEDIA
                          || spec->source == HANGAR_GUEST_SOURCE_URL);
  set_row (self->unattended_row, setup);
  set_row (self->memory_row, spec->memory > 0 ? memory : NULL);
  set_row (self->vcpus_row, spec->vcpus > 0 ? vcpus : NULL);
  set_row (self->disk_row, disk);
  set_row (self->network_row, network);
  set_row (self->firmware_row, firmware);
  /* The rows say what the pages chose; an edited definition is created as written. */
  gtk_widget_set_visible (GTK_WIDGET (self->definition_row), spec->custom_xml != NULL);
  set_row (self->definition_row,
           spec->custom_xml != NULL
             ? _("Edited in Customize: created as you wrote it, which may differ from the rows above")
             : NULL);
}

/* Create needs the host's arch, machine and virt type in the spec. */
static void
on_host_cb (HangarCreatorSummaryPage *self)
{
  HangarCreatorState *state = hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
  const char *host_error = hangar_creator_state_get_host_error (state);

  gboolean ready = hangar_creator_state_get_host_ready (state);

  hangar_creator_page_set_complete (HANGAR_CREATOR_PAGE (self), ready && host_error == NULL);
  if (host_error != NULL)
    hangar_creator_summary_page_set_message (self, host_error, TRUE);
  else if (!ready)
    {
      /* Create waits for the answer: say why it is off. */
      hangar_creator_summary_page_set_message (self, _("Asking the host what it can run…"), FALSE);
      self->asking = TRUE;
    }
  else if (self->asking)
    hangar_creator_summary_page_set_message (self, NULL, FALSE);
}

void
hangar_creator_summary_page_set_message (HangarCreatorSummaryPage *self,
                                         const char               *message,
                                         gboolean                  is_error)
{
  g_return_if_fail (HANGAR_IS_CREATOR_SUMMARY_PAGE (self));

  self->asking = FALSE;
  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static void
hangar_creator_summary_page_constructed (GObject *object)
{
  HangarCreatorSummaryPage *self = HANGAR_CREATOR_SUMMARY_PAGE (object);
  HangarCreatorState *state;

  G_OBJECT_CLASS (hangar_creator_summary_page_parent_class)->constructed (object);

  state = hangar_creator_page_get_state (HANGAR_CREATOR_PAGE (self));
  g_signal_connect_object (state, "notify::host-ready", G_CALLBACK (on_host_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (state, "notify::host-error", G_CALLBACK (on_host_cb), self,
                           G_CONNECT_SWAPPED);
  on_host_cb (self);
}

static void
hangar_creator_summary_page_dispose (GObject *object)
{
  /* The bin lets go of its child first: the template's disposal would leave AdwBin
   * holding a pointer to a freed widget. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), HANGAR_TYPE_CREATOR_SUMMARY_PAGE);
  G_OBJECT_CLASS (hangar_creator_summary_page_parent_class)->dispose (object);
}

static void
hangar_creator_summary_page_class_init (HangarCreatorSummaryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HangarCreatorPageClass *page_class = HANGAR_CREATOR_PAGE_CLASS (klass);

  object_class->constructed = hangar_creator_summary_page_constructed;
  object_class->dispose = hangar_creator_summary_page_dispose;
  page_class->shown = hangar_creator_summary_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-creator-summary-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, page);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, host_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, os_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, source_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, unattended_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, memory_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, vcpus_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, disk_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, network_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, firmware_row);
  gtk_widget_class_bind_template_child (widget_class, HangarCreatorSummaryPage, definition_row);
}

static void
hangar_creator_summary_page_init (HangarCreatorSummaryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hangar_name_page_scroller (GTK_WIDGET (self->page), _("Summary"));
}

GtkWidget *
hangar_creator_summary_page_new (HangarCreatorState *state)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (state), NULL);

  return g_object_new (HANGAR_TYPE_CREATOR_SUMMARY_PAGE, "state", state, NULL);
}
