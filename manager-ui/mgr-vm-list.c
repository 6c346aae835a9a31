/* mgr-vm-list.c: a GListModel that follows berthd's ObjectManager.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "mgr-vm-list.h"

struct _MgrVmList {
    GObject parent_instance;

    GDBusObjectManager *manager;
    GPtrArray *vms; /* of BerthDBusVirtualMachine, in the order they appeared */
};

static void mgr_vm_list_model_init(GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(MgrVmList, mgr_vm_list, G_TYPE_OBJECT,
                              G_IMPLEMENT_INTERFACE(G_TYPE_LIST_MODEL, mgr_vm_list_model_init))

static GType
mgr_vm_list_get_item_type(GListModel *model)
{
    return BERTH_DBUS_TYPE_VIRTUAL_MACHINE;
}

static guint
mgr_vm_list_get_n_items(GListModel *model)
{
    return MGR_VM_LIST(model)->vms->len;
}

static gpointer
mgr_vm_list_get_item(GListModel *model, guint position)
{
    MgrVmList *self = MGR_VM_LIST(model);

    if (position >= self->vms->len)
        return NULL;
    return g_object_ref(g_ptr_array_index(self->vms, position));
}

static void
mgr_vm_list_model_init(GListModelInterface *iface)
{
    iface->get_item_type = mgr_vm_list_get_item_type;
    iface->get_n_items = mgr_vm_list_get_n_items;
    iface->get_item = mgr_vm_list_get_item;
}

/* Filters and sorters look at names and states: tell them when those change. */
static void
vm_key_changed(BerthDBusVirtualMachine *vm, GParamSpec *pspec, gpointer user_data)
{
    MgrVmList *self = user_data;
    guint position;

    /* The time lets tests measure how soon a change shows (G_MESSAGES_DEBUG=berth-manager). */
    g_debug("VM changed: %s (%s) at %" G_GINT64_FORMAT " us",
            berth_dbus_virtual_machine_get_name(vm), pspec->name, g_get_monotonic_time());
    if (g_ptr_array_find(self->vms, vm, &position))
        g_list_model_items_changed(G_LIST_MODEL(self), position, 1, 1);
}

static void
mgr_vm_list_forget(MgrVmList *self, BerthDBusVirtualMachine *vm)
{
    g_signal_handlers_disconnect_by_data(vm, self);
}

/* Adds the object's VM at the end; FALSE when it has none or is there already. */
static gboolean
mgr_vm_list_take_object(MgrVmList *self, GDBusObject *object)
{
    BerthDBusVirtualMachine *vm = berth_dbus_object_peek_virtual_machine(BERTH_DBUS_OBJECT(object));

    if (vm == NULL || g_ptr_array_find(self->vms, vm, NULL))
        return FALSE;
    g_signal_connect_object(vm, "notify::name", G_CALLBACK(vm_key_changed), self, 0);
    g_signal_connect_object(vm, "notify::state", G_CALLBACK(vm_key_changed), self, 0);
    g_ptr_array_add(self->vms, g_object_ref(vm));
    return TRUE;
}

static void
mgr_vm_list_add(MgrVmList *self, GDBusObject *object)
{
    BerthDBusVirtualMachine *vm;

    if (!mgr_vm_list_take_object(self, object))
        return;
    g_list_model_items_changed(G_LIST_MODEL(self), self->vms->len - 1, 0, 1);
    vm = g_ptr_array_index(self->vms, self->vms->len - 1);
    g_debug("VM listed: %s at %" G_GINT64_FORMAT " us", berth_dbus_virtual_machine_get_name(vm),
            g_get_monotonic_time());
}

static void
mgr_vm_list_remove(MgrVmList *self, GDBusObject *object)
{
    const char *path = g_dbus_object_get_object_path(object);
    guint position;

    if (!mgr_vm_list_find(self, path, &position))
        return;
    mgr_vm_list_forget(self, g_ptr_array_index(self->vms, position));
    g_ptr_array_remove_index(self->vms, position);
    g_list_model_items_changed(G_LIST_MODEL(self), position, 1, 0);
}

static void
object_added(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
    mgr_vm_list_add(MGR_VM_LIST(user_data), object);
}

static void
object_removed(GDBusObjectManager *manager, GDBusObject *object, gpointer user_data)
{
    mgr_vm_list_remove(MGR_VM_LIST(user_data), object);
}

static void
interface_added(GDBusObjectManager *manager, GDBusObject *object, GDBusInterface *iface,
                gpointer user_data)
{
    if (BERTH_DBUS_IS_VIRTUAL_MACHINE(iface))
        mgr_vm_list_add(MGR_VM_LIST(user_data), object);
}

static void
interface_removed(GDBusObjectManager *manager, GDBusObject *object, GDBusInterface *iface,
                  gpointer user_data)
{
    if (BERTH_DBUS_IS_VIRTUAL_MACHINE(iface))
        mgr_vm_list_remove(MGR_VM_LIST(user_data), object);
}

void
mgr_vm_list_set_manager(MgrVmList *self, GDBusObjectManager *manager)
{
    guint removed;
    GList *objects;

    g_return_if_fail(MGR_IS_VM_LIST(self));
    g_return_if_fail(manager == NULL || G_IS_DBUS_OBJECT_MANAGER(manager));

    if (self->manager == manager)
        return;
    if (self->manager != NULL)
        g_signal_handlers_disconnect_by_data(self->manager, self);
    g_set_object(&self->manager, manager);

    removed = self->vms->len;
    for (guint i = 0; i < self->vms->len; i++)
        mgr_vm_list_forget(self, g_ptr_array_index(self->vms, i));
    g_ptr_array_set_size(self->vms, 0);
    if (manager != NULL) {
        /* All of berthd's VMs at once: one change for a thousand VMs, not a thousand. */
        objects = g_dbus_object_manager_get_objects(manager);
        for (GList *l = objects; l != NULL; l = l->next)
            mgr_vm_list_take_object(self, l->data);
        g_list_free_full(objects, g_object_unref);
        g_signal_connect_object(manager, "object-added", G_CALLBACK(object_added), self, 0);
        g_signal_connect_object(manager, "object-removed", G_CALLBACK(object_removed), self, 0);
        g_signal_connect_object(manager, "interface-added", G_CALLBACK(interface_added), self, 0);
        g_signal_connect_object(manager, "interface-removed", G_CALLBACK(interface_removed), self,
                                0);
    }
    if (removed > 0 || self->vms->len > 0)
        g_list_model_items_changed(G_LIST_MODEL(self), 0, removed, self->vms->len);
}

gboolean
mgr_vm_list_find(MgrVmList *self, const char *object_path, guint *ret_position)
{
    g_return_val_if_fail(MGR_IS_VM_LIST(self), FALSE);

    for (guint i = 0; i < self->vms->len; i++) {
        GDBusProxy *proxy = g_ptr_array_index(self->vms, i);

        if (g_str_equal(g_dbus_proxy_get_object_path(proxy), object_path)) {
            if (ret_position != NULL)
                *ret_position = i;
            return TRUE;
        }
    }
    return FALSE;
}

static void
mgr_vm_list_dispose(GObject *object)
{
    MgrVmList *self = MGR_VM_LIST(object);

    if (self->vms != NULL) {
        for (guint i = 0; i < self->vms->len; i++)
            mgr_vm_list_forget(self, g_ptr_array_index(self->vms, i));
        g_clear_pointer(&self->vms, g_ptr_array_unref);
    }
    if (self->manager != NULL)
        g_signal_handlers_disconnect_by_data(self->manager, self);
    g_clear_object(&self->manager);
    G_OBJECT_CLASS(mgr_vm_list_parent_class)->dispose(object);
}

static void
mgr_vm_list_class_init(MgrVmListClass *klass)
{
    G_OBJECT_CLASS(klass)->dispose = mgr_vm_list_dispose;
}

static void
mgr_vm_list_init(MgrVmList *self)
{
    self->vms = g_ptr_array_new_with_free_func(g_object_unref);
}

MgrVmList *
mgr_vm_list_new(void)
{
    return g_object_new(MGR_TYPE_VM_LIST, NULL);
}
