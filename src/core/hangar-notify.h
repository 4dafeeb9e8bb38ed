// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Setters for a model object's fields that notify @pspec only on a real change (the
 * properties are EXPLICIT_NOTIFY, so views redraw only what changed). Each returns
 * whether the value changed. */

static inline gboolean
hangar_set_string (GObject     *object,
                   char       **field,
                   const char  *value,
                   GParamSpec  *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (object, pspec);
  return TRUE;
}

static inline gboolean
hangar_set_uint64 (GObject    *object,
                   guint64    *field,
                   guint64     value,
                   GParamSpec *pspec)
{
  if (*field == value)
    return FALSE;
  *field = value;
  g_object_notify_by_pspec (object, pspec);
  return TRUE;
}

static inline gboolean
hangar_set_uint (GObject    *object,
                 guint      *field,
                 guint       value,
                 GParamSpec *pspec)
{
  if (*field == value)
    return FALSE;
  *field = value;
  g_object_notify_by_pspec (object, pspec);
  return TRUE;
}

static inline gboolean
hangar_set_boolean (GObject    *object,
                    gboolean   *field,
                    gboolean    value,
                    GParamSpec *pspec)
{
  if (*field == !!value)
    return FALSE;
  *field = !!value;
  g_object_notify_by_pspec (object, pspec);
  return TRUE;
}

G_END_DECLS
