"""Chinese names of the org app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "org.unit_change.apply": "机构沿革生效",
    "org.unit_change.rename": "登记机构更名",
    "org.unit_change.merge": "登记机构合并",
    "org.unit_change.split": "登记机构分设",
    "org.unit_change.abolish": "登记机构撤销",
    "org.assignment.grant": "分配岗位",
    "org.assignment.revoke": "撤销岗位",
    "org.unit.create": "新增机构",
    "org.unit.update": "修改机构",
}
