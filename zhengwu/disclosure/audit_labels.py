"""Chinese names of the disclosure app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "disclosure.attachment.add": "添加公开信息附件",
    "disclosure.attachment.remove": "移除公开信息附件",
    "disclosure.disclosure.create": "撰写公开信息",
    "disclosure.disclosure.first_published_change": "更正首次发布时间",
    "disclosure.disclosure.import": "导入公开信息",
    "disclosure.disclosure.publish": "发布公开信息",
    "disclosure.disclosure.reject": "退回公开信息",
    "disclosure.disclosure.schedule": "定时发布公开信息",
    "disclosure.disclosure.submit": "提交审核公开信息",
    "disclosure.disclosure.update": "修改公开信息",
    "disclosure.disclosure.validity": "标注文件效力",
    "disclosure.disclosure.withdraw": "撤回公开信息",
    "disclosure_health.links.check": "检查网站链接",
}
