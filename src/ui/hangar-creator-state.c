// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-creator-state"

/* The New VM window's shared answers; see hangar-creator-state.h. */

#include "config.h"

#include "hangar-connection.h"
#include "hangar-creator-state.h"

struct _HangarCreatorState
{
  GObject parent_instance;

  HangarConnection *connection;
  HangarOsCatalog *catalog;
  GCancellable *cancellable;   /* the host query; cancelled at dispose */
  HangarGuestSpec *spec;
  OsinfoOs *os;
  HangarOsMatch *match;
  HangarOsDefaults *defaults;
  gboolean customize;
  gboolean host_ready;
  char *host_error;
  HangarHostCaps *host_caps;
  char *host_caps_error;
};

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_SOURCE,
  PROP_OS,
  PROP_MATCH,
  PROP_DEFAULTS,
  PROP_CUSTOMIZE,
  PROP_HOST_READY,
  PROP_HOST_ERROR,
  PROP_HOST_CAPS,
  PROP_HOST_CAPS_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (HangarCreatorState, hangar_creator_state, G_TYPE_OBJECT)

static void
update_defaults (HangarCreatorState *self)
{
  g_clear_pointer (&self->defaults, hangar_os_defaults_free);
  self->defaults = hangar_os_catalog_get_defaults (self->catalog, self->os,
                                                   self->spec->arch != NULL
                                                   ? self->spec->arch : "x86_64");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULTS]);
}

static void
on_host_caps_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HangarHostCaps) caps = NULL;
  g_autoptr(GError) error = NULL;
  HangarCreatorState *self;

  /* Cancelled at dispose: self may be gone then. */
  caps = hangar_host_caps_query_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HANGAR_CREATOR_STATE (user_data);
  if (caps == NULL)
    {
      self->host_error = g_strdup (error->message);
      self->host_caps_error = g_strdup (error->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST_ERROR]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST_CAPS_ERROR]);
      return;
    }
  /* One domain capabilities answer gives the spec's arch, machine and virt type too. */
  hangar_guest_spec_set_host (self->spec, caps);
  self->host_ready = TRUE;
  self->host_caps = g_steal_pointer (&caps);
  update_defaults (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST_READY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST_CAPS]);
}

static void
on_catalog_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(HangarCreatorState) self = user_data;
  g_autoptr(GError) error = NULL;

  /* A catalog that cannot load leaves every OS unknown: the generic defaults stand. */
  if (!hangar_os_catalog_load_finish (HANGAR_OS_CATALOG (object), result, &error))
    g_message ("The OS database could not be read: %s", error->message);
}

static void
hangar_creator_state_constructed (GObject *object)
{
  HangarCreatorState *self = HANGAR_CREATOR_STATE (object);

  G_OBJECT_CLASS (hangar_creator_state_parent_class)->constructed (object);

  hangar_os_catalog_load_async (self->catalog, self->cancellable, on_catalog_loaded_cb,
                                g_object_ref (self));
  update_defaults (self);
  hangar_host_caps_query_async (self->connection, self->cancellable, on_host_caps_cb, self);
}

static void
hangar_creator_state_dispose (GObject *object)
{
  HangarCreatorState *self = HANGAR_CREATOR_STATE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (hangar_creator_state_parent_class)->dispose (object);
}

static void
hangar_creator_state_finalize (GObject *object)
{
  HangarCreatorState *self = HANGAR_CREATOR_STATE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->spec, hangar_guest_spec_free);
  g_clear_object (&self->os);
  g_clear_pointer (&self->match, hangar_os_match_free);
  g_clear_pointer (&self->defaults, hangar_os_defaults_free);
  g_free (self->host_error);
  g_clear_pointer (&self->host_caps, hangar_host_caps_free);
  g_free (self->host_caps_error);
  G_OBJECT_CLASS (hangar_creator_state_parent_class)->finalize (object);
}

static void
hangar_creator_state_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HangarCreatorState *self = HANGAR_CREATOR_STATE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_SOURCE:
      g_value_set_int (value, self->spec->source);
      break;
    case PROP_OS:
      g_value_set_object (value, self->os);
      break;
    case PROP_MATCH:
      g_value_set_boxed (value, self->match);
      break;
    case PROP_DEFAULTS:
      g_value_set_boxed (value, self->defaults);
      break;
    case PROP_CUSTOMIZE:
      g_value_set_boolean (value, self->customize);
      break;
    case PROP_HOST_READY:
      g_value_set_boolean (value, self->host_ready);
      break;
    case PROP_HOST_ERROR:
      g_value_set_string (value, self->host_error);
      break;
    case PROP_HOST_CAPS:
      g_value_set_boxed (value, self->host_caps);
      break;
    case PROP_HOST_CAPS_ERROR:
      g_value_set_string (value, self->host_caps_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_creator_state_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HangarCreatorState *self = HANGAR_CREATOR_STATE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    case PROP_SOURCE:
      hangar_creator_state_set_source (self, g_value_get_int (value));
      break;
    case PROP_OS:
      hangar_creator_state_set_os (self, g_value_get_object (value));
      break;
    case PROP_MATCH:
      hangar_creator_state_set_match (self, g_value_get_boxed (value));
      break;
    case PROP_CUSTOMIZE:
      hangar_creator_state_set_customize (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_creator_state_class_init (HangarCreatorStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = hangar_creator_state_constructed;
  object_class->dispose = hangar_creator_state_dispose;
  object_class->finalize = hangar_creator_state_finalize;
  object_class->get_property = hangar_creator_state_get_property;
  object_class->set_property = hangar_creator_state_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, HANGAR_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE] =
    g_param_spec_int ("source", NULL, NULL, HANGAR_GUEST_SOURCE_MEDIA,
                      HANGAR_GUEST_SOURCE_MANUAL, HANGAR_GUEST_SOURCE_MEDIA,
                      G_PARAM_READWRITE | flags);
  properties[PROP_OS] =
    g_param_spec_object ("os", NULL, NULL, OSINFO_TYPE_OS, G_PARAM_READWRITE | flags);
  properties[PROP_MATCH] =
    g_param_spec_boxed ("match", NULL, NULL, HANGAR_TYPE_OS_MATCH, G_PARAM_READWRITE | flags);
  properties[PROP_DEFAULTS] =
    g_param_spec_boxed ("defaults", NULL, NULL, HANGAR_TYPE_OS_DEFAULTS,
                        G_PARAM_READABLE | flags);
  properties[PROP_CUSTOMIZE] =
    g_param_spec_boolean ("customize", NULL, NULL, FALSE, G_PARAM_READWRITE | flags);
  properties[PROP_HOST_READY] =
    g_param_spec_boolean ("host-ready", NULL, NULL, FALSE, G_PARAM_READABLE | flags);
  properties[PROP_HOST_ERROR] =
    g_param_spec_string ("host-error", NULL, NULL, NULL, G_PARAM_READABLE | flags);
  properties[PROP_HOST_CAPS] =
    g_param_spec_boxed ("host-caps", NULL, NULL, HANGAR_TYPE_HOST_CAPS,
                        G_PARAM_READABLE | flags);
  properties[PROP_HOST_CAPS_ERROR] =
    g_param_spec_string ("host-caps-error", NULL, NULL, NULL, G_PARAM_READABLE | flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_creator_state_init (HangarCreatorState *self)
{
  self->cancellable = g_cancellable_new ();
  self->catalog = hangar_os_catalog_get_default ();
  self->spec = hangar_guest_spec_new ();
}

HangarCreatorState *
hangar_creator_state_new (HangarConnection *connection)
{
  g_return_val_if_fail (HANGAR_IS_CONNECTION (connection), NULL);

  return g_object_new (HANGAR_TYPE_CREATOR_STATE, "connection", connection, NULL);
}

HangarConnection *
hangar_creator_state_get_connection (HangarCreatorState *self)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (self), NULL);
  return self->connection;
}

HangarOsCatalog *
hangar_creator_state_get_catalog (HangarCreatorState *self)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (self), NULL);
  return self->catalog;
}

HangarGuestSpec *
hangar_creator_state_get_spec (HangarCreatorState *self)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (self), NULL);
  return self->spec;
}

HangarGuestSource
hangar_creator_state_get_source (HangarCreatorState *self)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (self), HANGAR_GUEST_SOURCE_MEDIA);
  return self->spec->source;
}

void
hangar_creator_state_set_source (HangarCreatorState *self,
                                 HangarGuestSource   source)
{
  g_return_if_fail (HANGAR_IS_CREATOR_STATE (self));

  if (self->spec->source == source)
    return;
  self->spec->source = source;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
}

OsinfoOs *
hangar_creator_state_get_os (HangarCreatorState *self)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (self), NULL);
  return self->os;
}

void
hangar_creator_state_set_os (HangarCreatorState *self,
                             OsinfoOs           *os)
{
  g_return_if_fail (HANGAR_IS_CREATOR_STATE (self));
  g_return_if_fail (os == NULL || OSINFO_IS_OS (os));

  if (!g_set_object (&self->os, os))
    return;
  g_free (self->spec->os_id);
  self->spec->os_id = os != NULL ? g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (os))) : NULL;
  update_defaults (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OS]);
}

const HangarOsMatch *
hangar_creator_state_get_match (HangarCreatorState *self)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (self), NULL);
  return self->match;
}

void
hangar_creator_state_set_match (HangarCreatorState  *self,
                                const HangarOsMatch *match)
{
  g_return_if_fail (HANGAR_IS_CREATOR_STATE (self));

  if (match == NULL && self->match == NULL)
    return;
  g_clear_pointer (&self->match, hangar_os_match_free);
  self->match = match != NULL ? hangar_os_match_copy (match) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATCH]);
  if (match != NULL)
    hangar_creator_state_set_os (self, match->os);
}

const HangarOsDefaults *
hangar_creator_state_get_defaults (HangarCreatorState *self)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (self), NULL);
  return self->defaults;
}

gboolean
hangar_creator_state_get_customize (HangarCreatorState *self)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (self), FALSE);
  return self->customize;
}

void
hangar_creator_state_set_customize (HangarCreatorState *self,
                                    gboolean            customize)
{
  g_return_if_fail (HANGAR_IS_CREATOR_STATE (self));

  customize = !!customize;
  if (self->customize == customize)
    return;
  self->customize = customize;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CUSTOMIZE]);
}

gboolean
hangar_creator_state_get_host_ready (HangarCreatorState *self)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (self), FALSE);
  return self->host_ready;
}

const char *
hangar_creator_state_get_host_error (HangarCreatorState *self)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (self), NULL);
  return self->host_error;
}

const HangarHostCaps *
hangar_creator_state_get_host_caps (HangarCreatorState *self)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (self), NULL);
  return self->host_caps;
}

const char *
hangar_creator_state_get_host_caps_error (HangarCreatorState *self)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_STATE (self), NULL);
  return self->host_caps_error;
}
