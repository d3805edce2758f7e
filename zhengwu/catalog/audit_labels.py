"""Chinese names of the catalog app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "catalog.item.move_department": "事项划转至承继部门",
    "catalog.items.classify": "按服务对象和人生事件归类事项",
    "catalog.items.move_department": "批量划转事项至承继部门",
    "catalog.items.rename_department": "事项实施主体随部门更名",
    "catalog.life_event.create": "新增人生事件",
    "catalog.life_event.update": "修改人生事件",
    "catalog.item.create": "新增事项",
    "catalog.item.load_update": "导入更新事项",
    "catalog.item.materials_set": "设置申请材料",
    "catalog.item.reinstate": "恢复事项",
    "catalog.item.retire": "停用事项",
    "catalog.item.update": "修改事项",
    "catalog.load": "导入事项目录",
    "catalog.work_area.assign_department": "指定主题分类的部门",
    "catalog.work_area.create": "新增主题分类",
    "catalog.work_area.update": "修改主题分类",
}
