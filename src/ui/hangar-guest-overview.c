// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-guest-overview"

#include "config.h"

#include <glib/gi18n.h>

#include "hangar-guest-overview.h"
#include "hangar-ui-util.h"

/* The guest window's Overview page. Rows showing the guest's own properties are bound to
 * them in the template; the overview adds what the guest object does not hold: the
 * uptime (a clock), the graphics type and the operating system (from the definition). */
struct _HangarGuestOverview
{
  AdwBin parent_instance;

  HangarGuest *guest;
  char *uptime;
  char *graphics;
  char *operating_system;
  guint uptime_source;

  AdwActionRow *name_row; /* the first of the rows */
};

G_DEFINE_FINAL_TYPE (HangarGuestOverview, hangar_guest_overview, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_GUEST,
  PROP_UPTIME,
  PROP_GRAPHICS,
  PROP_OPERATING_SYSTEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "http://debian.org/debian/12" → "Debian 12": the id's last parts, readable. */
static char *
os_name (const char *os_id)
{
  g_autoptr(GUri) uri = NULL;
  g_auto(GStrv) parts = NULL;
  GString *name;

  if (os_id == NULL)
    return g_strdup (_("Unknown"));
  uri = g_uri_parse (os_id, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_path (uri) == NULL)
    return g_strdup (os_id);
  parts = g_strsplit (g_uri_get_path (uri) + (g_uri_get_path (uri)[0] == '/'), "/", -1);
  name = g_string_new (NULL);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (name->len > 0)
        g_string_append_c (name, ' ');
      g_string_append_c (name, g_ascii_toupper (parts[i][0]));
      g_string_append (name, parts[i] + 1);
    }
  return g_string_free (name, FALSE);
}

/* "3 days, 4 hours", "2 hours, 5 minutes", "12 minutes": the two largest units. */
char *
hangar_format_uptime (gint64 seconds)
{
  gint64 days = seconds / 86400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  if (seconds < 60)
    return g_strdup (_("Less than a minute"));
  if (days > 0)
    {
      first = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", days),
                               (int)days);
      second = hours > 0 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours",
                                                         hours), (int)hours)
                         : NULL;
    }
  else if (hours > 0)
    {
      first = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", hours),
                               (int)hours);
      second = minutes > 0 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute",
                                                           "%d minutes", minutes), (int)minutes)
                           : NULL;
    }
  else
    first = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", minutes),
                             (int)minutes);

  if (second == NULL)
    return g_steal_pointer (&first);
  /* TRANSLATORS: an uptime of two units, e.g. "2 hours, 5 minutes". */
  return g_strdup_printf (_("%s, %s"), first, second);
}

/* Closures of the template's bindings. */

static char *
format_uint (gpointer this,
             guint    value)
{
  return g_strdup_printf ("%u", value);
}

static char *
format_memory (gpointer this,
               guint64  kib)
{
  return g_format_size_full (kib * 1024, G_FORMAT_SIZE_IEC_UNITS);
}

/* Sets a string property, notifying only on a change. */
static void
set_text (HangarGuestOverview *self,
          char               **field,
          const char          *text,
          guint                prop_id)
{
  if (g_strcmp0 (*field, text) == 0)
    return;
  g_free (*field);
  *field = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static gboolean on_uptime_tick_cb (gpointer user_data);

/* The uptime, counted every half minute while the guest runs and Hangar knows since
 * when (a host that cannot tell start times leaves it unknown). */
static void
update_uptime (HangarGuestOverview *self)
{
  gint64 start = self->guest ? hangar_guest_get_start_time (self->guest) : 0;
  gboolean active = self->guest != NULL && hangar_guest_is_active (self->guest);
  g_autofree char *text = NULL;

  if (!active)
    text = g_strdup (_("Not running"));
  else if (start == 0)
    text = g_strdup (_("Unknown"));
  else
    text = hangar_format_uptime (MAX (0, (g_get_real_time () - start) / G_USEC_PER_SEC));
  set_text (self, &self->uptime, text, PROP_UPTIME);

  if (active && start != 0 && self->uptime_source == 0)
    self->uptime_source = g_timeout_add_seconds (30, on_uptime_tick_cb, self);
  else if (!(active && start != 0))
    g_clear_handle_id (&self->uptime_source, g_source_remove);
}

static gboolean
on_uptime_tick_cb (gpointer user_data)
{
  update_uptime (user_data);
  return G_SOURCE_CONTINUE;
}

/* A screen reader hears each row as its title, described by its value. */
static void
on_row_subtitle_cb (AdwActionRow *row)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  adw_action_row_get_subtitle (row),
                                  -1);
}

/* The template's bindings follow the "guest" property; the uptime follows the guest's
 * activity and start time. */
void
hangar_guest_overview_set_guest (HangarGuestOverview *self,
                                 HangarGuest         *guest)
{
  g_return_if_fail (HANGAR_IS_GUEST_OVERVIEW (self));
  g_return_if_fail (guest == NULL || HANGAR_IS_GUEST (guest));

  if (self->guest == guest)
    return;
  if (self->guest != NULL)
    g_signal_handlers_disconnect_by_data (self->guest, self);
  g_set_object (&self->guest, guest);
  if (guest != NULL)
    {
      g_signal_connect_swapped (guest, "notify::active", G_CALLBACK (update_uptime), self);
      g_signal_connect_swapped (guest, "notify::start-time", G_CALLBACK (update_uptime), self);
    }
  update_uptime (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GUEST]);
}

/* NULL (the definition could not be read) leaves both unknown. */
void
hangar_guest_overview_set_consoles (HangarGuestOverview      *self,
                                    const HangarGraphicsInfo *consoles)
{
  g_autofree char *os = NULL;

  g_return_if_fail (HANGAR_IS_GUEST_OVERVIEW (self));

  os = os_name (consoles ? consoles->os_id : NULL);
  set_text (self, &self->operating_system, os, PROP_OPERATING_SYSTEM);
  if (consoles == NULL)
    set_text (self, &self->graphics, _("Unknown"), PROP_GRAPHICS);
  else
    set_text (self, &self->graphics,
              consoles->type == NULL                   ? _("None")
              : g_str_equal (consoles->type, "vnc")    ? "VNC"
                                                       : "SPICE",
              PROP_GRAPHICS);
}

static void
hangar_guest_overview_dispose (GObject *object)
{
  HangarGuestOverview *self = HANGAR_GUEST_OVERVIEW (object);

  g_clear_handle_id (&self->uptime_source, g_source_remove);
  /* Disconnects from the guest, which may outlive the window. */
  hangar_guest_overview_set_guest (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HANGAR_TYPE_GUEST_OVERVIEW);

  G_OBJECT_CLASS (hangar_guest_overview_parent_class)->dispose (object);
}

static void
hangar_guest_overview_finalize (GObject *object)
{
  HangarGuestOverview *self = HANGAR_GUEST_OVERVIEW (object);

  g_free (self->uptime);
  g_free (self->graphics);
  g_free (self->operating_system);

  G_OBJECT_CLASS (hangar_guest_overview_parent_class)->finalize (object);
}

static void
hangar_guest_overview_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HangarGuestOverview *self = HANGAR_GUEST_OVERVIEW (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      g_value_set_object (value, self->guest);
      break;
    case PROP_UPTIME:
      g_value_set_string (value, self->uptime);
      break;
    case PROP_GRAPHICS:
      g_value_set_string (value, self->graphics);
      break;
    case PROP_OPERATING_SYSTEM:
      g_value_set_string (value, self->operating_system);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_guest_overview_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HangarGuestOverview *self = HANGAR_GUEST_OVERVIEW (object);

  switch (prop_id)
    {
    case PROP_GUEST:
      hangar_guest_overview_set_guest (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_guest_overview_class_init (HangarGuestOverviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = hangar_guest_overview_dispose;
  object_class->finalize = hangar_guest_overview_finalize;
  object_class->get_property = hangar_guest_overview_get_property;
  object_class->set_property = hangar_guest_overview_set_property;

  properties[PROP_GUEST] =
    g_param_spec_object ("guest", NULL, NULL, HANGAR_TYPE_GUEST,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPTIME] = g_param_spec_string ("uptime", NULL, NULL, NULL, ro);
  properties[PROP_GRAPHICS] = g_param_spec_string ("graphics", NULL, NULL, NULL, ro);
  properties[PROP_OPERATING_SYSTEM] = g_param_spec_string ("operating-system", NULL, NULL,
                                                           NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/hangarvm/Hangar/hangar-guest-overview.ui");
  gtk_widget_class_bind_template_child (widget_class, HangarGuestOverview, name_row);
  gtk_widget_class_bind_template_callback (widget_class, format_uint);
  gtk_widget_class_bind_template_callback (widget_class, format_memory);
}

static void
hangar_guest_overview_init (HangarGuestOverview *self)
{
  /* Before the template: its bindings read these at once. */
  self->uptime = g_strdup (_("Not running"));
  self->graphics = g_strdup (_("Unknown"));
  self->operating_system = g_strdup (_("Unknown"));
  gtk_widget_init_template (GTK_WIDGET (self));

  hangar_name_page_scroller (adw_bin_get_child (ADW_BIN (self)), _("Overview"));

  for (GtkWidget *row = GTK_WIDGET (self->name_row); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row))
      {
        g_signal_connect (row, "notify::subtitle", G_CALLBACK (on_row_subtitle_cb), NULL);
        on_row_subtitle_cb (ADW_ACTION_ROW (row));
      }
}
