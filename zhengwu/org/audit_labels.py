"""Chinese names of the org app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "org.assignment.grant": "分配岗位",
    "org.assignment.revoke": "撤销岗位",
    "org.unit.create": "新增机构",
    "org.unit.update": "修改机构",
}
