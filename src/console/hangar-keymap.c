// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "hangar-keymap"

#include "config.h"

#include <linux/input-event-codes.h>

#include <glib.h>

#include "hangar-keymap.h"

/* Prefix flag for keys whose set 1 make code follows an 0xe0 byte. */
#define E0(code) (0x100 | (code))

/* Hangeul and Hanja send a single byte with the high bit set and no
 * break code; they are not 0xe0 keys. */
#define XT_HANJA   0xf1
#define XT_HANGEUL 0xf2

/* Linux evdev code → PC XT scan code set 1.
 *
 * The values follow what Linux's atkbd driver and QEMU agree on, so a
 * key reaches a QEMU guest (VNC qnum or SPICE) as the same key. Only
 * keys QEMU knows how to deliver are listed, plus the Japanese input
 * keys. Notable choices:
 *
 * - Print Screen / SysRq is 0x54, the code QEMU prefers for it; QEMU's
 *   PS/2 keyboard turns it back into the E0 2A E0 37 sequence the guest
 *   expects (or 0x54 while Alt is down).
 * - Pause is E0 46 (the Ctrl+Break code). The real Pause key sends the
 *   six-byte E1 1D 45 E1 9D C5 sequence with no break code, which fits
 *   no single-code protocol; QEMU maps E0 46 to its Pause key and sends
 *   the guest the full sequence.
 * - F13–F24 use the codes atkbd assigns, not the 0x64–0x6f range some
 *   vendor tables give: QEMU reads 0x64/0x65 as Open/Paste.
 */
static const guint16 evdev_to_xt[] = {
  /* Main block, top row. */
  [KEY_ESC] = 0x01,
  [KEY_GRAVE] = 0x29,
  [KEY_1] = 0x02,
  [KEY_2] = 0x03,
  [KEY_3] = 0x04,
  [KEY_4] = 0x05,
  [KEY_5] = 0x06,
  [KEY_6] = 0x07,
  [KEY_7] = 0x08,
  [KEY_8] = 0x09,
  [KEY_9] = 0x0a,
  [KEY_0] = 0x0b,
  [KEY_MINUS] = 0x0c,
  [KEY_EQUAL] = 0x0d,
  [KEY_BACKSPACE] = 0x0e,

  [KEY_TAB] = 0x0f,
  [KEY_Q] = 0x10,
  [KEY_W] = 0x11,
  [KEY_E] = 0x12,
  [KEY_R] = 0x13,
  [KEY_T] = 0x14,
  [KEY_Y] = 0x15,
  [KEY_U] = 0x16,
  [KEY_I] = 0x17,
  [KEY_O] = 0x18,
  [KEY_P] = 0x19,
  [KEY_LEFTBRACE] = 0x1a,
  [KEY_RIGHTBRACE] = 0x1b,
  [KEY_ENTER] = 0x1c,

  [KEY_CAPSLOCK] = 0x3a,
  [KEY_A] = 0x1e,
  [KEY_S] = 0x1f,
  [KEY_D] = 0x20,
  [KEY_F] = 0x21,
  [KEY_G] = 0x22,
  [KEY_H] = 0x23,
  [KEY_J] = 0x24,
  [KEY_K] = 0x25,
  [KEY_L] = 0x26,
  [KEY_SEMICOLON] = 0x27,
  [KEY_APOSTROPHE] = 0x28,
  [KEY_BACKSLASH] = 0x2b, /* Also the ISO "#~" key left of Enter. */

  [KEY_LEFTSHIFT] = 0x2a,
  [KEY_102ND] = 0x56, /* ISO "<>" key right of Left Shift. */
  [KEY_Z] = 0x2c,
  [KEY_X] = 0x2d,
  [KEY_C] = 0x2e,
  [KEY_V] = 0x2f,
  [KEY_B] = 0x30,
  [KEY_N] = 0x31,
  [KEY_M] = 0x32,
  [KEY_COMMA] = 0x33,
  [KEY_DOT] = 0x34,
  [KEY_SLASH] = 0x35,
  [KEY_RIGHTSHIFT] = 0x36,

  [KEY_LEFTCTRL] = 0x1d,
  [KEY_LEFTMETA] = E0 (0x5b),
  [KEY_LEFTALT] = 0x38,
  [KEY_SPACE] = 0x39,
  [KEY_RIGHTALT] = E0 (0x38),
  [KEY_RIGHTMETA] = E0 (0x5c),
  [KEY_COMPOSE] = E0 (0x5d),
  [KEY_RIGHTCTRL] = E0 (0x1d),

  /* Function keys. */
  [KEY_F1] = 0x3b,
  [KEY_F2] = 0x3c,
  [KEY_F3] = 0x3d,
  [KEY_F4] = 0x3e,
  [KEY_F5] = 0x3f,
  [KEY_F6] = 0x40,
  [KEY_F7] = 0x41,
  [KEY_F8] = 0x42,
  [KEY_F9] = 0x43,
  [KEY_F10] = 0x44,
  [KEY_F11] = 0x57,
  [KEY_F12] = 0x58,
  [KEY_F13] = 0x5d,
  [KEY_F14] = 0x5e,
  [KEY_F15] = 0x5f,
  [KEY_F16] = 0x55,
  [KEY_F17] = E0 (0x03),
  [KEY_F18] = E0 (0x77),
  [KEY_F19] = E0 (0x04),
  [KEY_F20] = 0x5a,
  [KEY_F21] = 0x74,
  [KEY_F22] = E0 (0x79),
  [KEY_F23] = 0x6d,
  [KEY_F24] = 0x6f,

  [KEY_SYSRQ] = 0x54,
  [KEY_SCROLLLOCK] = 0x46,
  [KEY_PAUSE] = E0 (0x46),

  /* Editing and navigation block. */
  [KEY_INSERT] = E0 (0x52),
  [KEY_HOME] = E0 (0x47),
  [KEY_PAGEUP] = E0 (0x49),
  [KEY_DELETE] = E0 (0x53),
  [KEY_END] = E0 (0x4f),
  [KEY_PAGEDOWN] = E0 (0x51),
  [KEY_UP] = E0 (0x48),
  [KEY_LEFT] = E0 (0x4b),
  [KEY_DOWN] = E0 (0x50),
  [KEY_RIGHT] = E0 (0x4d),

  /* Keypad. */
  [KEY_NUMLOCK] = 0x45,
  [KEY_KPSLASH] = E0 (0x35),
  [KEY_KPASTERISK] = 0x37,
  [KEY_KPMINUS] = 0x4a,
  [KEY_KP7] = 0x47,
  [KEY_KP8] = 0x48,
  [KEY_KP9] = 0x49,
  [KEY_KPPLUS] = 0x4e,
  [KEY_KP4] = 0x4b,
  [KEY_KP5] = 0x4c,
  [KEY_KP6] = 0x4d,
  [KEY_KP1] = 0x4f,
  [KEY_KP2] = 0x50,
  [KEY_KP3] = 0x51,
  [KEY_KPENTER] = E0 (0x1c),
  [KEY_KP0] = 0x52,
  [KEY_KPDOT] = 0x53,
  [KEY_KPEQUAL] = 0x59,
  [KEY_KPCOMMA] = 0x7e,   /* Brazilian keypad ".". */
  [KEY_KPJPCOMMA] = 0x5c, /* Japanese keypad ",". */

  /* Japanese and Korean input keys. */
  [KEY_ZENKAKUHANKAKU] = 0x76,
  [KEY_RO] = 0x73,
  [KEY_KATAKANA] = 0x78,
  [KEY_HIRAGANA] = 0x77,
  [KEY_HENKAN] = 0x79,
  [KEY_KATAKANAHIRAGANA] = 0x70,
  [KEY_MUHENKAN] = 0x7b,
  [KEY_YEN] = 0x7d,
  [KEY_HANGEUL] = XT_HANGEUL,
  [KEY_HANJA] = XT_HANJA,
  [KEY_LINEFEED] = 0x5b,

  /* Sun-style editing keys. */
  [KEY_STOP] = E0 (0x68),
  [KEY_AGAIN] = E0 (0x05),
  [KEY_PROPS] = E0 (0x06),
  [KEY_UNDO] = E0 (0x07),
  [KEY_FRONT] = E0 (0x0c),
  [KEY_COPY] = E0 (0x78),
  [KEY_OPEN] = 0x64,
  [KEY_PASTE] = 0x65,
  [KEY_FIND] = E0 (0x41),
  [KEY_CUT] = E0 (0x3c),
  [KEY_HELP] = E0 (0x75),
  [KEY_MENU] = E0 (0x1e),

  /* Power, media and launcher keys. */
  [KEY_POWER] = E0 (0x5e),
  [KEY_SLEEP] = E0 (0x5f),
  [KEY_WAKEUP] = E0 (0x63),
  [KEY_MUTE] = E0 (0x20),
  [KEY_VOLUMEDOWN] = E0 (0x2e),
  [KEY_VOLUMEUP] = E0 (0x30),
  [KEY_NEXTSONG] = E0 (0x19),
  [KEY_PLAYPAUSE] = E0 (0x22),
  [KEY_PREVIOUSSONG] = E0 (0x10),
  [KEY_STOPCD] = E0 (0x24),
  [KEY_MEDIA] = E0 (0x6d),
  [KEY_CALC] = E0 (0x21),
  [KEY_MAIL] = E0 (0x6c),
  [KEY_COMPUTER] = E0 (0x6b),
  [KEY_BOOKMARKS] = E0 (0x66),
  [KEY_HOMEPAGE] = E0 (0x32),
  [KEY_BACK] = E0 (0x6a),
  [KEY_FORWARD] = E0 (0x69),
  [KEY_REFRESH] = E0 (0x67),
};

/**
 * hangar_keymap_evdev_to_xt:
 * @evdev_code: a Linux evdev key code (`KEY_*`)
 *
 * Returns: the set 1 scan code, with 0x100 set for 0xe0 keys, or 0 if
 *   the key has no scan code.
 */
guint
hangar_keymap_evdev_to_xt (guint evdev_code)
{
  if (evdev_code >= G_N_ELEMENTS (evdev_to_xt))
    return 0;

  return evdev_to_xt[evdev_code];
}

/**
 * hangar_keymap_keycode_to_xt:
 * @gdk_hardware_keycode: a GDK hardware keycode on Linux (evdev + 8)
 *
 * Returns: the set 1 scan code as for hangar_keymap_evdev_to_xt(), or 0
 */
guint
hangar_keymap_keycode_to_xt (guint gdk_hardware_keycode)
{
  /* X11 and Wayland add 8 to evdev codes; anything below is not a key. */
  if (gdk_hardware_keycode < 8)
    return 0;

  return hangar_keymap_evdev_to_xt (gdk_hardware_keycode - 8);
}

/**
 * hangar_keymap_xt_to_qnum:
 * @xt: a scan code from hangar_keymap_evdev_to_xt()
 *
 * Converts to the key number of QEMU's VNC extended key event: codes
 * below 0x80 are unchanged, 0xe0 keys become 0x80 | code.
 *
 * Returns: the QEMU key number, or 0 if @xt is not a scan code
 */
guint
hangar_keymap_xt_to_qnum (guint xt)
{
  /* The one-byte Hanja and Hangeul codes already carry the high bit,
   * which in qnum means "0xe0 key"; QEMU numbers them without it. */
  if (xt == XT_HANJA || xt == XT_HANGEUL)
    return xt & 0x7f;

  if (xt < 0x80)
    return xt;

  if ((xt & ~0x7fu) == 0x100)
    return 0x80 | (xt & 0x7f);

  return 0;
}

/**
 * hangar_keymap_is_modifier:
 * @xt: a scan code from hangar_keymap_evdev_to_xt()
 *
 * Returns: %TRUE for either Ctrl, Shift, Alt or Super key
 */
gboolean
hangar_keymap_is_modifier (guint xt)
{
  switch (xt)
    {
    case 0x1d:       /* Left Ctrl */
    case E0 (0x1d):  /* Right Ctrl */
    case 0x2a:       /* Left Shift */
    case 0x36:       /* Right Shift */
    case 0x38:       /* Left Alt */
    case E0 (0x38):  /* Right Alt / AltGr */
    case E0 (0x5b):  /* Left Super */
    case E0 (0x5c):  /* Right Super */
      return TRUE;

    default:
      return FALSE;
    }
}
