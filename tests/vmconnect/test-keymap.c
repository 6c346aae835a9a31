/* test-keymap.c: vmconnect's keyboard tables: evdev key codes to XT scancodes, text to US-layout
 * key strokes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vmc-keymap.h"

/* GTK's hardware key codes are evdev codes + 8. */
#define KC(evdev) ((evdev) + 8)

static void
test_scancodes(void)
{
    static const struct {
        guint evdev;
        guint scancode;
    } cases[] = {
        {1, 0x01},           /* Escape */
        {2, 0x02},           /* 1 */
        {14, 0x0e},          /* Backspace */
        {16, 0x10},          /* Q */
        {28, 0x1c},          /* Enter */
        {29, 0x1d},          /* left Ctrl */
        {42, 0x2a},          /* left Shift */
        {56, 0x38},          /* left Alt */
        {57, 0x39},          /* Space */
        {58, 0x3a},          /* Caps Lock */
        {59, 0x3b},          /* F1 */
        {68, 0x44},          /* F10 */
        {83, 0x53},          /* keypad . */
        {86, 0x56},          /* the 102nd key */
        {87, 0x57},          /* F11 */
        {88, 0x58},          /* F12 */
        {96, 0x100 | 0x1c},  /* keypad Enter */
        {97, 0x100 | 0x1d},  /* right Ctrl */
        {98, 0x100 | 0x35},  /* keypad / */
        {99, 0x100 | 0x37},  /* Print Screen */
        {100, 0x100 | 0x38}, /* right Alt */
        {102, 0x100 | 0x47}, /* Home */
        {103, 0x100 | 0x48}, /* Up */
        {105, 0x100 | 0x4b}, /* Left */
        {106, 0x100 | 0x4d}, /* Right */
        {107, 0x100 | 0x4f}, /* End */
        {108, 0x100 | 0x50}, /* Down */
        {110, 0x100 | 0x52}, /* Insert */
        {111, 0x100 | 0x53}, /* Delete */
        {125, 0x100 | 0x5b}, /* left Windows key */
        {127, 0x100 | 0x5d}, /* Menu */
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        g_assert_cmphex(vmc_keymap_scancode_from_keycode(KC(cases[i].evdev)), ==,
                        cases[i].scancode);
    /* No PC key: below evdev, unused codes, far beyond the table. */
    g_assert_cmpuint(vmc_keymap_scancode_from_keycode(0), ==, 0);
    g_assert_cmpuint(vmc_keymap_scancode_from_keycode(7), ==, 0);
    g_assert_cmpuint(vmc_keymap_scancode_from_keycode(KC(84)), ==, 0);
    g_assert_cmpuint(vmc_keymap_scancode_from_keycode(KC(240)), ==, 0);
    g_assert_cmpuint(vmc_keymap_scancode_from_keycode(100000), ==, 0);
}

/* Codes 1-88 are the PC keyboard's own: every one maps, none twice. */
static void
test_no_duplicates(void)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);

    for (guint evdev = 1; evdev < 256; evdev++) {
        guint scancode = vmc_keymap_scancode_from_keycode(KC(evdev));

        if (evdev <= 83)
            g_assert_cmpuint(scancode, !=, 0);
        if (scancode == 0)
            continue;
        g_assert_false(g_hash_table_contains(seen, GUINT_TO_POINTER(scancode)));
        g_hash_table_add(seen, GUINT_TO_POINTER(scancode));
        /* XT make codes are 7-bit; E0 keys are 0x100 | code. */
        g_assert_cmpuint(scancode & 0xff, <, 0x80);
        g_assert_cmpuint(scancode, <, 0x200);
    }
}

static void
test_strokes(void)
{
    static const struct {
        char c;
        guint scancode;
        gboolean shift;
    } cases[] = {
        {'a', 0x1e, FALSE}, {'A', 0x1e, TRUE},   {'z', 0x2c, FALSE},  {'0', 0x0b, FALSE},
        {')', 0x0b, TRUE},  {'!', 0x02, TRUE},   {'@', 0x03, TRUE},   {'#', 0x04, TRUE},
        {'~', 0x29, TRUE},  {'`', 0x29, FALSE},  {'_', 0x0c, TRUE},   {'+', 0x0d, TRUE},
        {'{', 0x1a, TRUE},  {'}', 0x1b, TRUE},   {'|', 0x2b, TRUE},   {':', 0x27, TRUE},
        {'"', 0x28, TRUE},  {'\'', 0x28, FALSE}, {'<', 0x33, TRUE},   {'>', 0x34, TRUE},
        {'?', 0x35, TRUE},  {' ', 0x39, FALSE},  {'\n', 0x1c, FALSE}, {'\t', 0x0f, FALSE},
    };
    VmcKeyStroke stroke;

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_assert_true(vmc_keymap_stroke_for_char(cases[i].c, &stroke));
        g_assert_cmphex(stroke.scancode, ==, cases[i].scancode);
        g_assert_cmpint(stroke.shift, ==, cases[i].shift);
    }
    /* Every printable ASCII character has a stroke. */
    for (char c = ' '; c <= '~'; c++)
        g_assert_true(vmc_keymap_stroke_for_char(c, &stroke));
    g_assert_false(vmc_keymap_stroke_for_char(0x00e9, &stroke)); /* é */
    g_assert_false(vmc_keymap_stroke_for_char(0x044f, &stroke)); /* я */
    g_assert_false(vmc_keymap_stroke_for_char(0x7f, &stroke));
}

static void
test_text(void)
{
    guint skipped = 99;
    g_autoptr(GArray) strokes = vmc_keymap_strokes_for_text("Hi!\r\nça", &skipped);

    /* H i ! Enter a; ç skipped; \r\n is one Enter. */
    g_assert_cmpuint(strokes->len, ==, 5);
    g_assert_cmpuint(skipped, ==, 1);
    g_assert_cmphex(g_array_index(strokes, VmcKeyStroke, 0).scancode, ==, 0x23);
    g_assert_true(g_array_index(strokes, VmcKeyStroke, 0).shift);
    g_assert_cmphex(g_array_index(strokes, VmcKeyStroke, 2).scancode, ==, 0x02);
    g_assert_true(g_array_index(strokes, VmcKeyStroke, 2).shift);
    g_assert_cmphex(g_array_index(strokes, VmcKeyStroke, 3).scancode, ==, 0x1c);
    g_assert_cmphex(g_array_index(strokes, VmcKeyStroke, 4).scancode, ==, 0x1e);

    /* A lone \r is Enter too; invalid UTF-8 ends the text. */
    g_clear_pointer(&strokes, g_array_unref);
    strokes = vmc_keymap_strokes_for_text("a\rb\xff"
                                          "c",
                                          &skipped);
    g_assert_cmpuint(strokes->len, ==, 3);
    g_assert_cmpuint(skipped, ==, 0);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vmconnect/keymap/scancodes", test_scancodes);
    g_test_add_func("/vmconnect/keymap/no-duplicates", test_no_duplicates);
    g_test_add_func("/vmconnect/keymap/strokes", test_strokes);
    g_test_add_func("/vmconnect/keymap/text", test_text);
    return g_test_run();
}
