// SPDX-License-Identifier: GPL-3.0-or-later
#define G_LOG_DOMAIN "test-keymap"

#include "config.h"

#include <glib.h>

#include "hangar-keymap.h"

/* Highest evdev code probed when walking the whole table. */
#define EVDEV_PROBE_MAX 0x300

typedef struct
{
  const char *name;
  guint       evdev;
  guint       xt;
  gboolean    modifier;
} Key;

/* A full-size ISO keyboard, 105 keys, row by row. The evdev codes are
 * written as numbers so the test does not lean on the kernel header the
 * table is built from. */
static const Key iso105[] = {
  /* Function row: 16 keys. */
  { "Escape", 1, 0x01, FALSE },
  { "F1", 59, 0x3b, FALSE },
  { "F2", 60, 0x3c, FALSE },
  { "F3", 61, 0x3d, FALSE },
  { "F4", 62, 0x3e, FALSE },
  { "F5", 63, 0x3f, FALSE },
  { "F6", 64, 0x40, FALSE },
  { "F7", 65, 0x41, FALSE },
  { "F8", 66, 0x42, FALSE },
  { "F9", 67, 0x43, FALSE },
  { "F10", 68, 0x44, FALSE },
  { "F11", 87, 0x57, FALSE },
  { "F12", 88, 0x58, FALSE },
  { "Print", 99, 0x54, FALSE },
  { "Scroll_Lock", 70, 0x46, FALSE },
  { "Pause", 119, 0x146, FALSE },

  /* Number row: 14 keys. */
  { "grave", 41, 0x29, FALSE },
  { "1", 2, 0x02, FALSE },
  { "2", 3, 0x03, FALSE },
  { "3", 4, 0x04, FALSE },
  { "4", 5, 0x05, FALSE },
  { "5", 6, 0x06, FALSE },
  { "6", 7, 0x07, FALSE },
  { "7", 8, 0x08, FALSE },
  { "8", 9, 0x09, FALSE },
  { "9", 10, 0x0a, FALSE },
  { "0", 11, 0x0b, FALSE },
  { "minus", 12, 0x0c, FALSE },
  { "equal", 13, 0x0d, FALSE },
  { "BackSpace", 14, 0x0e, FALSE },

  /* Top letter row: 13 keys (the ISO Enter belongs to the next row). */
  { "Tab", 15, 0x0f, FALSE },
  { "Q", 16, 0x10, FALSE },
  { "W", 17, 0x11, FALSE },
  { "E", 18, 0x12, FALSE },
  { "R", 19, 0x13, FALSE },
  { "T", 20, 0x14, FALSE },
  { "Y", 21, 0x15, FALSE },
  { "U", 22, 0x16, FALSE },
  { "I", 23, 0x17, FALSE },
  { "O", 24, 0x18, FALSE },
  { "P", 25, 0x19, FALSE },
  { "bracketleft", 26, 0x1a, FALSE },
  { "bracketright", 27, 0x1b, FALSE },

  /* Home row: 14 keys. */
  { "Caps_Lock", 58, 0x3a, FALSE },
  { "A", 30, 0x1e, FALSE },
  { "S", 31, 0x1f, FALSE },
  { "D", 32, 0x20, FALSE },
  { "F", 33, 0x21, FALSE },
  { "G", 34, 0x22, FALSE },
  { "H", 35, 0x23, FALSE },
  { "J", 36, 0x24, FALSE },
  { "K", 37, 0x25, FALSE },
  { "L", 38, 0x26, FALSE },
  { "semicolon", 39, 0x27, FALSE },
  { "apostrophe", 40, 0x28, FALSE },
  { "numbersign", 43, 0x2b, FALSE },
  { "Return", 28, 0x1c, FALSE },

  /* Bottom letter row: 13 keys. */
  { "Shift_L", 42, 0x2a, TRUE },
  { "less", 86, 0x56, FALSE },
  { "Z", 44, 0x2c, FALSE },
  { "X", 45, 0x2d, FALSE },
  { "C", 46, 0x2e, FALSE },
  { "V", 47, 0x2f, FALSE },
  { "B", 48, 0x30, FALSE },
  { "N", 49, 0x31, FALSE },
  { "M", 50, 0x32, FALSE },
  { "comma", 51, 0x33, FALSE },
  { "period", 52, 0x34, FALSE },
  { "slash", 53, 0x35, FALSE },
  { "Shift_R", 54, 0x36, TRUE },

  /* Space row: 8 keys. */
  { "Control_L", 29, 0x1d, TRUE },
  { "Super_L", 125, 0x15b, TRUE },
  { "Alt_L", 56, 0x38, TRUE },
  { "space", 57, 0x39, FALSE },
  { "ISO_Level3_Shift", 100, 0x138, TRUE },
  { "Super_R", 126, 0x15c, TRUE },
  { "Menu", 127, 0x15d, FALSE },
  { "Control_R", 97, 0x11d, TRUE },

  /* Editing block and arrows: 10 keys. */
  { "Insert", 110, 0x152, FALSE },
  { "Home", 102, 0x147, FALSE },
  { "Prior", 104, 0x149, FALSE },
  { "Delete", 111, 0x153, FALSE },
  { "End", 107, 0x14f, FALSE },
  { "Next", 109, 0x151, FALSE },
  { "Up", 103, 0x148, FALSE },
  { "Left", 105, 0x14b, FALSE },
  { "Down", 108, 0x150, FALSE },
  { "Right", 106, 0x14d, FALSE },

  /* Keypad: 17 keys. */
  { "Num_Lock", 69, 0x45, FALSE },
  { "KP_Divide", 98, 0x135, FALSE },
  { "KP_Multiply", 55, 0x37, FALSE },
  { "KP_Subtract", 74, 0x4a, FALSE },
  { "KP_7", 71, 0x47, FALSE },
  { "KP_8", 72, 0x48, FALSE },
  { "KP_9", 73, 0x49, FALSE },
  { "KP_Add", 78, 0x4e, FALSE },
  { "KP_4", 75, 0x4b, FALSE },
  { "KP_5", 76, 0x4c, FALSE },
  { "KP_6", 77, 0x4d, FALSE },
  { "KP_1", 79, 0x4f, FALSE },
  { "KP_2", 80, 0x50, FALSE },
  { "KP_3", 81, 0x51, FALSE },
  { "KP_Enter", 96, 0x11c, FALSE },
  { "KP_0", 82, 0x52, FALSE },
  { "KP_Decimal", 83, 0x53, FALSE },
};

/* Keys outside the 105: function keys past F12, Japanese, Korean and
 * Brazilian keys, and the common media and power keys. */
static const Key extra[] = {
  { "F13", 183, 0x5d, FALSE },
  { "F14", 184, 0x5e, FALSE },
  { "F15", 185, 0x5f, FALSE },
  { "F16", 186, 0x55, FALSE },
  { "F17", 187, 0x103, FALSE },
  { "F18", 188, 0x177, FALSE },
  { "F19", 189, 0x104, FALSE },
  { "F20", 190, 0x5a, FALSE },
  { "F21", 191, 0x74, FALSE },
  { "F22", 192, 0x179, FALSE },
  { "F23", 193, 0x6d, FALSE },
  { "F24", 194, 0x6f, FALSE },
  { "Zenkaku_Hankaku", 85, 0x76, FALSE },
  { "Ro", 89, 0x73, FALSE },
  { "Henkan", 92, 0x79, FALSE },
  { "Hiragana_Katakana", 93, 0x70, FALSE },
  { "Muhenkan", 94, 0x7b, FALSE },
  { "Yen", 124, 0x7d, FALSE },
  { "KP_Separator (JP)", 95, 0x5c, FALSE },
  { "KP_Separator (BR)", 121, 0x7e, FALSE },
  { "KP_Equal", 117, 0x59, FALSE },
  { "Hangul", 122, 0xf2, FALSE },
  { "Hangul_Hanja", 123, 0xf1, FALSE },
  { "AudioMute", 113, 0x120, FALSE },
  { "AudioLowerVolume", 114, 0x12e, FALSE },
  { "AudioRaiseVolume", 115, 0x130, FALSE },
  { "PowerOff", 116, 0x15e, FALSE },
  { "Sleep", 142, 0x15f, FALSE },
  { "WakeUp", 143, 0x163, FALSE },
};

static void
test_examples (void)
{
  g_assert_cmphex (hangar_keymap_evdev_to_xt (30), ==, 0x1e);
  g_assert_cmphex (hangar_keymap_xt_to_qnum (0x1e), ==, 0x1e);

  g_assert_cmphex (hangar_keymap_evdev_to_xt (96), ==, 0x11c);
  g_assert_cmphex (hangar_keymap_xt_to_qnum (0x11c), ==, 0x9c);

  g_assert_cmphex (hangar_keymap_evdev_to_xt (97), ==, 0x11d);
  g_assert_cmphex (hangar_keymap_xt_to_qnum (0x11d), ==, 0x9d);

  g_assert_cmphex (hangar_keymap_evdev_to_xt (103), ==, 0x148);
  g_assert_cmphex (hangar_keymap_xt_to_qnum (0x148), ==, 0xc8);

  g_assert_cmphex (hangar_keymap_evdev_to_xt (125), ==, 0x15b);
  g_assert_cmphex (hangar_keymap_xt_to_qnum (0x15b), ==, 0xdb);
}

static void
check_qnum (const Key *key)
{
  guint qnum = hangar_keymap_xt_to_qnum (key->xt);

  if (key->xt & 0x100)
    {
      g_assert_cmphex (qnum, >=, 0x80);
      g_assert_cmphex (qnum, <=, 0xff);
      g_assert_cmphex (qnum, ==, 0x80 | (key->xt & 0x7f));
    }
  else
    {
      g_assert_cmphex (qnum, >, 0);
      g_assert_cmphex (qnum, <, 0x80);
    }
}

static void
test_iso105 (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) seen_qnum = g_hash_table_new (NULL, NULL);

  g_assert_cmpuint (G_N_ELEMENTS (iso105), ==, 105);

  for (guint i = 0; i < G_N_ELEMENTS (iso105); i++)
    {
      const Key *key = &iso105[i];
      guint xt = hangar_keymap_evdev_to_xt (key->evdev);
      guint qnum = hangar_keymap_xt_to_qnum (xt);

      g_test_message ("%s: evdev %u -> 0x%x", key->name, key->evdev, xt);
      g_assert_cmphex (xt, ==, key->xt);
      g_assert_cmphex (hangar_keymap_keycode_to_xt (key->evdev + 8), ==, key->xt);

      g_assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (xt)));
      g_hash_table_add (seen, GUINT_TO_POINTER (xt));
      g_assert_false (g_hash_table_contains (seen_qnum, GUINT_TO_POINTER (qnum)));
      g_hash_table_add (seen_qnum, GUINT_TO_POINTER (qnum));

      check_qnum (key);
      g_assert_cmpint (hangar_keymap_is_modifier (xt), ==, key->modifier);
    }
}

static void
test_extra_keys (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (extra); i++)
    {
      const Key *key = &extra[i];

      g_test_message ("%s: evdev %u", key->name, key->evdev);
      g_assert_cmphex (hangar_keymap_evdev_to_xt (key->evdev), ==, key->xt);
      check_qnum (key);
      g_assert_false (hangar_keymap_is_modifier (key->xt));
    }

  /* Hangeul and Hanja are single high-bit bytes, numbered by QEMU
   * without that bit. */
  g_assert_cmphex (hangar_keymap_xt_to_qnum (0xf2), ==, 0x72);
  g_assert_cmphex (hangar_keymap_xt_to_qnum (0xf1), ==, 0x71);
}

/* Every key in the table, not only the ones listed above, must have its
 * own XT code and its own qnum. */
static void
test_whole_table (void)
{
  g_autoptr (GHashTable) xt_owner = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) qnum_owner = g_hash_table_new (NULL, NULL);
  guint n_keys = 0;

  g_assert_cmphex (hangar_keymap_evdev_to_xt (0), ==, 0);

  for (guint evdev = 1; evdev < EVDEV_PROBE_MAX; evdev++)
    {
      guint xt = hangar_keymap_evdev_to_xt (evdev);
      guint qnum;

      if (xt == 0)
        continue;

      n_keys++;
      qnum = hangar_keymap_xt_to_qnum (xt);

      g_test_message ("evdev %u -> xt 0x%x -> qnum 0x%x", evdev, xt, qnum);
      g_assert_cmphex (xt, <=, 0x17f);
      g_assert_cmphex (qnum, >, 0);
      g_assert_cmphex (qnum, <=, 0xff);
      g_assert_false (g_hash_table_contains (xt_owner, GUINT_TO_POINTER (xt)));
      g_hash_table_add (xt_owner, GUINT_TO_POINTER (xt));
      g_assert_false (g_hash_table_contains (qnum_owner, GUINT_TO_POINTER (qnum)));
      g_hash_table_add (qnum_owner, GUINT_TO_POINTER (qnum));
    }

  g_assert_cmpuint (n_keys, >=, G_N_ELEMENTS (iso105) + G_N_ELEMENTS (extra));
}

static void
test_out_of_range (void)
{
  g_assert_cmphex (hangar_keymap_evdev_to_xt (84), ==, 0);
  g_assert_cmphex (hangar_keymap_evdev_to_xt (G_MAXUINT), ==, 0);

  for (guint keycode = 0; keycode < 8; keycode++)
    g_assert_cmphex (hangar_keymap_keycode_to_xt (keycode), ==, 0);
  g_assert_cmphex (hangar_keymap_keycode_to_xt (38), ==, 0x1e);
  g_assert_cmphex (hangar_keymap_keycode_to_xt (G_MAXUINT), ==, 0);

  g_assert_cmphex (hangar_keymap_xt_to_qnum (0), ==, 0);
  g_assert_cmphex (hangar_keymap_xt_to_qnum (0x9c), ==, 0);
  g_assert_cmphex (hangar_keymap_xt_to_qnum (0x200), ==, 0);

  g_assert_false (hangar_keymap_is_modifier (0));
  g_assert_false (hangar_keymap_is_modifier (0x3a)); /* Caps Lock */
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keymap/examples", test_examples);
  g_test_add_func ("/keymap/iso105", test_iso105);
  g_test_add_func ("/keymap/extra-keys", test_extra_keys);
  g_test_add_func ("/keymap/whole-table", test_whole_table);
  g_test_add_func ("/keymap/out-of-range", test_out_of_range);

  return g_test_run ();
}
