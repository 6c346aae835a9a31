/* vmc-keymap.c: keyboard tables: Linux evdev key codes to PC XT scancodes (SPICE's inputs
 * channel speaks XT, with E0 keys as 0x100 | code), and text to US-layout key strokes for
 * "Type clipboard text".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmc-keymap.h"

#define E0(code) (0x100 | (code))

/* Indexed by evdev code (linux/input-event-codes.h); 0 = no PC key. Codes 1-83 are the original
 * PC/XT keyboard and equal their scancodes; the rest follow the AT keyboard's set 1. */
static const guint16 evdev_to_xt[] = {
    [1] = 0x01, /* ESC */
    [2] = 0x02, /* 1 */
    [3] = 0x03,       [4] = 0x04,   [5] = 0x05,   [6] = 0x06,   [7] = 0x07,   [8] = 0x08,
    [9] = 0x09,       [10] = 0x0a,  [11] = 0x0b, /* 0 */
    [12] = 0x0c,                                 /* MINUS */
    [13] = 0x0d,                                 /* EQUAL */
    [14] = 0x0e,                                 /* BACKSPACE */
    [15] = 0x0f,                                 /* TAB */
    [16] = 0x10,                                 /* Q */
    [17] = 0x11,      [18] = 0x12,  [19] = 0x13,  [20] = 0x14,  [21] = 0x15,  [22] = 0x16,
    [23] = 0x17,      [24] = 0x18,  [25] = 0x19, /* P */
    [26] = 0x1a,                                 /* LEFTBRACE */
    [27] = 0x1b,                                 /* RIGHTBRACE */
    [28] = 0x1c,                                 /* ENTER */
    [29] = 0x1d,                                 /* LEFTCTRL */
    [30] = 0x1e,                                 /* A */
    [31] = 0x1f,      [32] = 0x20,  [33] = 0x21,  [34] = 0x22,  [35] = 0x23,  [36] = 0x24,
    [37] = 0x25,      [38] = 0x26,  [39] = 0x27, /* SEMICOLON */
    [40] = 0x28,                                 /* APOSTROPHE */
    [41] = 0x29,                                 /* GRAVE */
    [42] = 0x2a,                                 /* LEFTSHIFT */
    [43] = 0x2b,                                 /* BACKSLASH */
    [44] = 0x2c,                                 /* Z */
    [45] = 0x2d,      [46] = 0x2e,  [47] = 0x2f,  [48] = 0x30,  [49] = 0x31,  [50] = 0x32, /* M */
    [51] = 0x33, /* COMMA */
    [52] = 0x34, /* DOT */
    [53] = 0x35, /* SLASH */
    [54] = 0x36, /* RIGHTSHIFT */
    [55] = 0x37, /* KPASTERISK */
    [56] = 0x38, /* LEFTALT */
    [57] = 0x39, /* SPACE */
    [58] = 0x3a, /* CAPSLOCK */
    [59] = 0x3b, /* F1 */
    [60] = 0x3c,      [61] = 0x3d,  [62] = 0x3e,  [63] = 0x3f,  [64] = 0x40,  [65] = 0x41,
    [66] = 0x42,      [67] = 0x43,  [68] = 0x44, /* F10 */
    [69] = 0x45,                                 /* NUMLOCK */
    [70] = 0x46,                                 /* SCROLLLOCK */
    [71] = 0x47,                                 /* KP7 */
    [72] = 0x48,      [73] = 0x49,  [74] = 0x4a,  [75] = 0x4b,  [76] = 0x4c,  [77] = 0x4d,
    [78] = 0x4e,      [79] = 0x4f,  [80] = 0x50,  [81] = 0x51,  [82] = 0x52, /* KP0 */
    [83] = 0x53,                                                             /* KPDOT */
    [85] = 0x76,                                                             /* ZENKAKUHANKAKU */
    [86] = 0x56,      /* 102ND: the key between left shift and Z */
    [87] = 0x57,      /* F11 */
    [88] = 0x58,      /* F12 */
    [89] = 0x73,      /* RO */
    [90] = 0x78,      /* KATAKANA */
    [91] = 0x77,      /* HIRAGANA */
    [92] = 0x79,      /* HENKAN */
    [93] = 0x70,      /* KATAKANAHIRAGANA */
    [94] = 0x7b,      /* MUHENKAN */
    [95] = 0x5c,      /* KPJPCOMMA */
    [96] = E0(0x1c),  /* KPENTER */
    [97] = E0(0x1d),  /* RIGHTCTRL */
    [98] = E0(0x35),  /* KPSLASH */
    [99] = E0(0x37),  /* SYSRQ, Print Screen */
    [100] = E0(0x38), /* RIGHTALT */
    [102] = E0(0x47), /* HOME */
    [103] = E0(0x48), /* UP */
    [104] = E0(0x49), /* PAGEUP */
    [105] = E0(0x4b), /* LEFT */
    [106] = E0(0x4d), /* RIGHT */
    [107] = E0(0x4f), /* END */
    [108] = E0(0x50), /* DOWN */
    [109] = E0(0x51), /* PAGEDOWN */
    [110] = E0(0x52), /* INSERT */
    [111] = E0(0x53), /* DELETE */
    [113] = E0(0x20), /* MUTE */
    [114] = E0(0x2e), /* VOLUMEDOWN */
    [115] = E0(0x30), /* VOLUMEUP */
    [116] = E0(0x5e), /* POWER */
    [117] = 0x59,     /* KPEQUAL */
    [119] = E0(0x46), /* PAUSE: sent as Ctrl+Break's E0 46, what SPICE servers accept */
    [121] = 0x7e,     /* KPCOMMA */
    [122] = 0x72,     /* HANGEUL */
    [123] = 0x71,     /* HANJA */
    [124] = 0x7d,     /* YEN */
    [125] = E0(0x5b), /* LEFTMETA */
    [126] = E0(0x5c), /* RIGHTMETA */
    [127] = E0(0x5d), /* COMPOSE, the Menu key */
    [142] = E0(0x5f), /* SLEEP */
    [143] = E0(0x63), /* WAKEUP */
    [163] = E0(0x19), /* NEXTSONG */
    [164] = E0(0x22), /* PLAYPAUSE */
    [165] = E0(0x10), /* PREVIOUSSONG */
    [166] = E0(0x24), /* STOPCD */
    [183] = 0x64,     /* F13 */
    [184] = 0x65,     [185] = 0x66, [186] = 0x67, [187] = 0x68, [188] = 0x69, [189] = 0x6a,
    [190] = 0x6b,     [191] = 0x6c, [192] = 0x6d, [193] = 0x6e, /* F23 */
};

guint
vmc_keymap_scancode_from_keycode(guint keycode)
{
    guint evdev;

    if (keycode < 8)
        return 0;
    evdev = keycode - 8;
    if (evdev >= G_N_ELEMENTS(evdev_to_xt))
        return 0;
    return evdev_to_xt[evdev];
}

/* US layout: the unshifted and shifted character of each printing key. */
static const struct {
    guint16 scancode;
    char plain;
    char shifted;
} us_keys[] = {
    {0x02, '1', '!'}, {0x03, '2', '@'},  {0x04, '3', '#'}, {0x05, '4', '$'}, {0x06, '5', '%'},
    {0x07, '6', '^'}, {0x08, '7', '&'},  {0x09, '8', '*'}, {0x0a, '9', '('}, {0x0b, '0', ')'},
    {0x0c, '-', '_'}, {0x0d, '=', '+'},  {0x10, 'q', 'Q'}, {0x11, 'w', 'W'}, {0x12, 'e', 'E'},
    {0x13, 'r', 'R'}, {0x14, 't', 'T'},  {0x15, 'y', 'Y'}, {0x16, 'u', 'U'}, {0x17, 'i', 'I'},
    {0x18, 'o', 'O'}, {0x19, 'p', 'P'},  {0x1a, '[', '{'}, {0x1b, ']', '}'}, {0x1e, 'a', 'A'},
    {0x1f, 's', 'S'}, {0x20, 'd', 'D'},  {0x21, 'f', 'F'}, {0x22, 'g', 'G'}, {0x23, 'h', 'H'},
    {0x24, 'j', 'J'}, {0x25, 'k', 'K'},  {0x26, 'l', 'L'}, {0x27, ';', ':'}, {0x28, '\'', '"'},
    {0x29, '`', '~'}, {0x2b, '\\', '|'}, {0x2c, 'z', 'Z'}, {0x2d, 'x', 'X'}, {0x2e, 'c', 'C'},
    {0x2f, 'v', 'V'}, {0x30, 'b', 'B'},  {0x31, 'n', 'N'}, {0x32, 'm', 'M'}, {0x33, ',', '<'},
    {0x34, '.', '>'}, {0x35, '/', '?'},  {0x39, ' ', ' '}, {0x1c, '\n', 0},  {0x0f, '\t', 0},
};

gboolean
vmc_keymap_stroke_for_char(gunichar c, VmcKeyStroke *ret_stroke)
{
    g_return_val_if_fail(ret_stroke != NULL, FALSE);

    if (c == 0 || c > 0x7f)
        return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(us_keys); i++) {
        if (us_keys[i].plain == (char)c) {
            ret_stroke->scancode = us_keys[i].scancode;
            ret_stroke->shift = FALSE;
            return TRUE;
        }
        if (us_keys[i].shifted != 0 && us_keys[i].shifted == (char)c) {
            ret_stroke->scancode = us_keys[i].scancode;
            ret_stroke->shift = TRUE;
            return TRUE;
        }
    }
    return FALSE;
}

GArray *
vmc_keymap_strokes_for_text(const char *text, guint *ret_skipped)
{
    GArray *strokes = g_array_new(FALSE, FALSE, sizeof(VmcKeyStroke));
    guint skipped = 0;

    g_return_val_if_fail(text != NULL, strokes);

    for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        VmcKeyStroke stroke;

        if (c == (gunichar)-1 || c == (gunichar)-2)
            break;
        if (c == '\r') {
            if (p[1] == '\n')
                continue; /* "\r\n" is one Enter */
            c = '\n';
        }
        if (vmc_keymap_stroke_for_char(c, &stroke))
            g_array_append_val(strokes, stroke);
        else
            skipped++;
    }
    if (ret_skipped != NULL)
        *ret_skipped = skipped;
    return strokes;
}
