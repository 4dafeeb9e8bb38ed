// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-creator-page"

/* The base of the New VM window's pages; see hangar-creator-page.h. */

#include "config.h"

#include "hangar-creator-page.h"

typedef struct
{
  HangarCreatorState *state;
  char *title;
  gboolean complete;
  gboolean needed;
} HangarCreatorPagePrivate;

enum {
  PROP_0,
  PROP_STATE,
  PROP_TITLE,
  PROP_COMPLETE,
  PROP_NEEDED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE_WITH_PRIVATE (HangarCreatorPage, hangar_creator_page, ADW_TYPE_BIN)

static void
hangar_creator_page_finalize (GObject *object)
{
  HangarCreatorPagePrivate *priv =
    hangar_creator_page_get_instance_private (HANGAR_CREATOR_PAGE (object));

  g_clear_object (&priv->state);
  g_free (priv->title);
  G_OBJECT_CLASS (hangar_creator_page_parent_class)->finalize (object);
}

static void
hangar_creator_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HangarCreatorPage *self = HANGAR_CREATOR_PAGE (object);
  HangarCreatorPagePrivate *priv = hangar_creator_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_object (value, priv->state);
      break;
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, priv->complete);
      break;
    case PROP_NEEDED:
      g_value_set_boolean (value, priv->needed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hangar_creator_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HangarCreatorPage *self = HANGAR_CREATOR_PAGE (object);
  HangarCreatorPagePrivate *priv = hangar_creator_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STATE:
      priv->state = g_value_dup_object (value);
      break;
    case PROP_TITLE:
      hangar_creator_page_set_title (self, g_value_get_string (value));
      break;
    case PROP_COMPLETE:
      hangar_creator_page_set_complete (self, g_value_get_boolean (value));
      break;
    case PROP_NEEDED:
      hangar_creator_page_set_needed (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
hangar_creator_page_real_show_error (HangarCreatorPage *self,
                                     const GError      *error)
{
  return FALSE;
}

static void
hangar_creator_page_class_init (HangarCreatorPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = hangar_creator_page_finalize;
  object_class->get_property = hangar_creator_page_get_property;
  object_class->set_property = hangar_creator_page_set_property;
  klass->show_error = hangar_creator_page_real_show_error;

  properties[PROP_STATE] =
    g_param_spec_object ("state", NULL, NULL, HANGAR_TYPE_CREATOR_STATE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_COMPLETE] = g_param_spec_boolean ("complete", NULL, NULL, FALSE, flags);
  properties[PROP_NEEDED] = g_param_spec_boolean ("needed", NULL, NULL, TRUE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hangar_creator_page_init (HangarCreatorPage *self)
{
  HangarCreatorPagePrivate *priv = hangar_creator_page_get_instance_private (self);

  priv->needed = TRUE;
}

HangarCreatorState *
hangar_creator_page_get_state (HangarCreatorPage *self)
{
  HangarCreatorPagePrivate *priv = hangar_creator_page_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_CREATOR_PAGE (self), NULL);
  return priv->state;
}

const char *
hangar_creator_page_get_title (HangarCreatorPage *self)
{
  HangarCreatorPagePrivate *priv = hangar_creator_page_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_CREATOR_PAGE (self), NULL);
  return priv->title;
}

void
hangar_creator_page_set_title (HangarCreatorPage *self,
                               const char        *title)
{
  HangarCreatorPagePrivate *priv = hangar_creator_page_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_CREATOR_PAGE (self));
  if (g_strcmp0 (priv->title, title) == 0)
    return;
  g_free (priv->title);
  priv->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

gboolean
hangar_creator_page_get_complete (HangarCreatorPage *self)
{
  HangarCreatorPagePrivate *priv = hangar_creator_page_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_CREATOR_PAGE (self), FALSE);
  return priv->complete;
}

void
hangar_creator_page_set_complete (HangarCreatorPage *self,
                                  gboolean           complete)
{
  HangarCreatorPagePrivate *priv = hangar_creator_page_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_CREATOR_PAGE (self));
  complete = !!complete;
  if (priv->complete == complete)
    return;
  priv->complete = complete;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

gboolean
hangar_creator_page_get_needed (HangarCreatorPage *self)
{
  HangarCreatorPagePrivate *priv = hangar_creator_page_get_instance_private (self);

  g_return_val_if_fail (HANGAR_IS_CREATOR_PAGE (self), FALSE);
  return priv->needed;
}

void
hangar_creator_page_set_needed (HangarCreatorPage *self,
                                gboolean           needed)
{
  HangarCreatorPagePrivate *priv = hangar_creator_page_get_instance_private (self);

  g_return_if_fail (HANGAR_IS_CREATOR_PAGE (self));
  needed = !!needed;
  if (priv->needed == needed)
    return;
  priv->needed = needed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDED]);
}

void
hangar_creator_page_apply (HangarCreatorPage *self,
                           HangarGuestSpec   *spec)
{
  g_return_if_fail (HANGAR_IS_CREATOR_PAGE (self));
  if (HANGAR_CREATOR_PAGE_GET_CLASS (self)->apply != NULL)
    HANGAR_CREATOR_PAGE_GET_CLASS (self)->apply (self, spec);
}

void
hangar_creator_page_shown (HangarCreatorPage *self)
{
  g_return_if_fail (HANGAR_IS_CREATOR_PAGE (self));
  if (HANGAR_CREATOR_PAGE_GET_CLASS (self)->shown != NULL)
    HANGAR_CREATOR_PAGE_GET_CLASS (self)->shown (self);
}

void
hangar_creator_page_show_faults (HangarCreatorPage *self)
{
  g_return_if_fail (HANGAR_IS_CREATOR_PAGE (self));
  if (HANGAR_CREATOR_PAGE_GET_CLASS (self)->show_faults != NULL)
    HANGAR_CREATOR_PAGE_GET_CLASS (self)->show_faults (self);
}

gboolean
hangar_creator_page_show_error (HangarCreatorPage *self,
                                const GError      *error)
{
  g_return_val_if_fail (HANGAR_IS_CREATOR_PAGE (self), FALSE);
  return HANGAR_CREATOR_PAGE_GET_CLASS (self)->show_error (self, error);
}
