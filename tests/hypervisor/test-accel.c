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
    {"tcg-forced", {TRUE, TRUE, TRUE, NULL}, HVD_ACCEL_MODE_TCG, TRUE, HVD_ACCEL_TCG, "configured"},
    {"kvm-forced", {TRUE, TRUE, TRUE, NULL}, HVD_ACCEL_MODE_KVM, TRUE, HVD_ACCEL_KVM, "configured"},
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
        g_assert_error(error, BERTH_ERROR, BERTH_ERROR_HOST_UNSUPPORTED);
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

/* The probe reads what the kernel shows, here from fake /proc and /sys trees. */
typedef struct {
    const char *name;
    const char *cpu_flags;
    const char *module;
    gboolean has_vmx;
    HvdAccel accel;
} ProbeCase;

static const ProbeCase probe_cases[] = {
    /* As on this machine: nested, software-assisted KVM and no vmx. */
    {"kvm-pvm", "fpu vme de pse hypervisor", "kvm_pvm", FALSE, HVD_ACCEL_TCG},
    /* A real desktop. */
    {"hardware", "fpu vmx sse2", "kvm_intel", TRUE, HVD_ACCEL_KVM},
};

static void
test_probe(gconstpointer data)
{
    const ProbeCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autofree char *root = g_dir_make_tmp("berth-accel-XXXXXX", &error);
    g_autofree char *sys = g_build_filename(root, "sys", NULL);
    g_autofree char *proc = g_build_filename(root, "proc", NULL);
    g_autofree char *dev = g_build_filename(root, "kvm", NULL);
    g_autofree char *module = g_build_filename(sys, "module", c->module, NULL);
    g_autofree char *cpuinfo = g_strdup_printf("processor\t: 0\nflags\t\t: %s\n", c->cpu_flags);
    g_autofree char *reason = NULL;
    HvdAccelHost host;
    HvdAccel accel = c->accel == HVD_ACCEL_KVM ? HVD_ACCEL_TCG : HVD_ACCEL_KVM;

    g_assert_no_error(error);
    write_file(proc, "cpuinfo", cpuinfo);
    write_file(root, "kvm", "");
    g_assert_cmpint(g_mkdir_with_parents(module, 0755), ==, 0);
    hvd_accel_host_probe(&host, sys, proc, dev);
    g_assert_true(host.dev_kvm_opens);
    g_assert_cmpint(host.cpu_has_vmx, ==, c->has_vmx);
    g_assert_cmpint(host.hw_kvm_module, ==, c->accel == HVD_ACCEL_KVM);
    g_assert_true(hvd_accel_choose(HVD_ACCEL_MODE_AUTO, &host, &accel, &reason, NULL));
    g_assert_cmpint(accel, ==, c->accel);
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
    for (guint i = 0; i < G_N_ELEMENTS(probe_cases); i++) {
        g_autofree char *path = g_strdup_printf("/accel/probe/%s", probe_cases[i].name);

        g_test_add_data_func(path, &probe_cases[i], test_probe);
    }
    g_test_add_func("/accel/mode-strings", test_mode_strings);
    return g_test_run();
}
