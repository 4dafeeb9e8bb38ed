// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gvnc.h>

/* What Hangar's VNC console asks a server for; also what bench/console/floor.c asks for,
 * to measure what receiving the same updates costs gvnc alone. */

/* 32-bit xRGB, little-endian: B, G, R, X in memory, what HangarDisplay holds. */
static const VncPixelFormat hangar_vnc_local_format = {
  .bits_per_pixel = 32,
  .depth = 24,
  .byte_order = G_LITTLE_ENDIAN,
  .true_color_flag = 1,
  .red_max = 255,
  .green_max = 255,
  .blue_max = 255,
  .red_shift = 16,
  .green_shift = 8,
  .blue_shift = 0,
};

/* Pseudo-encodings first, then Tight before ZRLE, as gtk-vnc asks. */
static const gint32 hangar_vnc_encodings[] = {
  VNC_CONNECTION_ENCODING_EXTENDED_DESKTOP_RESIZE,
  VNC_CONNECTION_ENCODING_DESKTOP_RESIZE,
  VNC_CONNECTION_ENCODING_WMVi,
  VNC_CONNECTION_ENCODING_ALPHA_CURSOR,
  VNC_CONNECTION_ENCODING_RICH_CURSOR,
  VNC_CONNECTION_ENCODING_XCURSOR,
  VNC_CONNECTION_ENCODING_POINTER_CHANGE,
  VNC_CONNECTION_ENCODING_EXT_KEY_EVENT,
  VNC_CONNECTION_ENCODING_LED_STATE,
  VNC_CONNECTION_ENCODING_LAST_RECT,
  VNC_CONNECTION_ENCODING_TIGHT,
  VNC_CONNECTION_ENCODING_ZRLE,
  VNC_CONNECTION_ENCODING_HEXTILE,
  VNC_CONNECTION_ENCODING_RRE,
  VNC_CONNECTION_ENCODING_COPY_RECT,
  VNC_CONNECTION_ENCODING_RAW,
};
