/* test-accel.c: choosing KVM or TCG, on hand-made hosts and on fake /sys and /proc trees.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "hvd-accel.h"
#include "hvd-error.h"

typedef struct {
    const char *name;
    HvdAccelHost host;
    HvdAccelMode mode;
    gboolean ok;
    HvdAccel accel;
    const char *reason_part;
} AccelCase;

static const AccelCase cases[] = {
    {"hw-auto", {TRUE, TRUE, TRUE, NULL}, HVD_ACCEL_MODE_AUTO, TRUE, HVD_ACCEL_KVM, "KVM"},
    {"pvm-auto",
     {TRUE, FALSE, FALSE, "kvm_pvm"},
     HVD_ACCEL_MODE_AUTO,
     TRUE,
     HVD_ACCEL_TCG,
     "kvm_pvm"},
    {"pvm-kvm",
     {TRUE, FALSE, FALSE, "kvm_pvm"},
     HVD_ACCEL_MODE_KVM,
     FALSE,
     HVD_ACCEL_TCG,
     "kvm_pvm"},
    {"no-vmx", {TRUE, FALSE, TRUE, NULL}, HVD_ACCEL_MODE_AUTO, TRUE, HVD_ACCEL_TCG, "vmx"},
    {"no-module",
     {FALSE, TRUE, FALSE, NULL},
     HVD_ACCEL_MODE_AUTO,
     TRUE,
     HVD_ACCEL_TCG,
     "kvm_intel"},
    {"no-dev", {FALSE, TRUE, TRUE, NULL}, HVD_ACCEL_MODE_AUTO, TRUE, HVD_ACCEL_TCG, "/dev/kvm"},
    {"tcg-forced",
     {TRUE, TRUE, TRUE, NULL},
     HVD_ACCEL_MODE_TCG,
     TRUE,
     HVD_ACCEL_TCG,
     "configuration"},
    {"kvm-forced",
     {TRUE, TRUE, TRUE, NULL},
     HVD_ACCEL_MODE_KVM,
     TRUE,
     HVD_ACCEL_KVM,
     "configuration"},
};

static void
test_choose(gconstpointer data)
{
    const AccelCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autofree char *reason = NULL;
    HvdAccel accel = HVD_ACCEL_TCG;
    gboolean ok = hvd_accel_choose(c->mode, &c->host, &accel, &reason, &error);

    g_assert_cmpint(ok, ==, c->ok);
    if (ok) {
        g_assert_no_error(error);
        g_assert_cmpint(accel, ==, c->accel);
    } else {
        g_assert_error(error, HVD_ERROR, HVD_ERROR_HOST_UNSUPPORTED);
    }
    g_assert_nonnull(reason);
    g_assert_nonnull(strstr(reason, c->reason_part));
}

static void
write_file(const char *root, const char *name, const char *text)
{
    g_autofree char *path = g_build_filename(root, name, NULL);
    g_autofree char *dir = g_path_get_dirname(path);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(path, text, -1, &error));
}

/* The probe reads what the kernel shows: a kvm_pvm host without vmx, as on this machine. */
static void
test_probe_pvm(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *root = g_dir_make_tmp("berth-accel-XXXXXX", &error);
    g_autofree char *sys = g_build_filename(root, "sys", NULL);
    g_autofree char *proc = g_build_filename(root, "proc", NULL);
    g_autofree char *dev = g_build_filename(root, "kvm", NULL);
    g_autofree char *module = g_build_filename(sys, "module", "kvm_pvm", NULL);
    g_autofree char *reason = NULL;
    HvdAccelHost host;
    HvdAccel accel = HVD_ACCEL_KVM;

    write_file(proc, "cpuinfo", "processor\t: 0\nflags\t\t: fpu vme de pse hypervisor\n");
    write_file(root, "kvm", "");
    g_assert_cmpint(g_mkdir_with_parents(module, 0755), ==, 0);
    hvd_accel_host_probe(&host, sys, proc, dev);
    g_assert_true(host.dev_kvm_opens);
    g_assert_false(host.cpu_has_vmx);
    g_assert_false(host.hw_kvm_module);
    g_assert_cmpstr(host.other_kvm_module, ==, "kvm_pvm");
    g_assert_true(hvd_accel_choose(HVD_ACCEL_MODE_AUTO, &host, &accel, &reason, NULL));
    g_assert_cmpint(accel, ==, HVD_ACCEL_TCG);
    hvd_accel_host_clear(&host);
}

/* A real desktop: vmx and kvm_intel. */
static void
test_probe_hw(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *root = g_dir_make_tmp("berth-accel-XXXXXX", &error);
    g_autofree char *sys = g_build_filename(root, "sys", NULL);
    g_autofree char *proc = g_build_filename(root, "proc", NULL);
    g_autofree char *dev = g_build_filename(root, "kvm", NULL);
    g_autofree char *module = g_build_filename(sys, "module", "kvm_intel", NULL);
    g_autofree char *reason = NULL;
    HvdAccelHost host;
    HvdAccel accel = HVD_ACCEL_TCG;

    write_file(proc, "cpuinfo", "processor\t: 0\nflags\t\t: fpu vmx sse2\n");
    write_file(root, "kvm", "");
    g_assert_cmpint(g_mkdir_with_parents(module, 0755), ==, 0);
    hvd_accel_host_probe(&host, sys, proc, dev);
    g_assert_true(hvd_accel_choose(HVD_ACCEL_MODE_AUTO, &host, &accel, &reason, NULL));
    g_assert_cmpint(accel, ==, HVD_ACCEL_KVM);
    hvd_accel_host_clear(&host);
}

static void
test_mode_strings(void)
{
    HvdAccelMode mode;

    g_assert_true(hvd_accel_mode_from_string("auto", &mode));
    g_assert_cmpint(mode, ==, HVD_ACCEL_MODE_AUTO);
    g_assert_true(hvd_accel_mode_from_string("kvm", &mode));
    g_assert_cmpint(mode, ==, HVD_ACCEL_MODE_KVM);
    g_assert_true(hvd_accel_mode_from_string("tcg", &mode));
    g_assert_cmpint(mode, ==, HVD_ACCEL_MODE_TCG);
    g_assert_false(hvd_accel_mode_from_string("xen", &mode));
    g_assert_false(hvd_accel_mode_from_string(NULL, &mode));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/accel/choose/%s", cases[i].name);

        g_test_add_data_func(path, &cases[i], test_choose);
    }
    g_test_add_func("/accel/probe/kvm-pvm", test_probe_pvm);
    g_test_add_func("/accel/probe/hardware", test_probe_hw);
    g_test_add_func("/accel/mode-strings", test_mode_strings);
    return g_test_run();
}
