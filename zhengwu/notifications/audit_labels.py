"""Chinese names of the notifications app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "notifications.message.create": "发送消息",
    "notifications.message.read": "阅读消息",
    "notifications.message.read_all": "全部标为已读",
}
