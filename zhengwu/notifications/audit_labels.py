"""Chinese names of the notifications app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "notifications.sms.purge": "清理短信发件箱",
    "notifications.sms.queue": "短信进入发件箱",
    "notifications.message.create": "发送消息",
    "notifications.message.read": "阅读消息",
    "notifications.message.read_all": "全部标为已读",
}
