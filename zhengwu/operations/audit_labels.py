"""Chinese names of the operations app's audit actions (``core.registries.audit_labels``)."""

TICKET_VERBS = {
    "open": "登记故障工单", "respond": "响应故障工单", "resolve": "修复故障工单", "close": "关闭故障工单",
    "reopen": "重新打开故障工单", "escalate": "故障工单超时升级", "note": "记录故障工单",
}

LABELS = {
    "operations.backup.create": "创建备份",
    "operations.backup.prune": "清理旧备份",
    "operations.backup.restore": "恢复备份",
    "operations.oncall.add": "新增值班安排",
    **{f"operations.ticket.{verb}": label for verb, label in TICKET_VERBS.items()},
}
