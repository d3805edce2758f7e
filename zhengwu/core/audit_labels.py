"""Chinese names of the core's audit actions (calendar, files, seal, clocks, audit)."""

CLOCK_KINDS = {
    "start": "开始计时", "suspend": "暂停计时", "resume": "恢复计时", "extend": "延长时限",
    "stop": "停止计时", "hand_over": "时限移交",
}

LABELS = {
    "core.clock.units_move": "时限随机构调整转移",
    "files.attach": "附件关联到记录",
    "files.pending.discard": "移除待提交的附件",
    "files.pending.purge": "清理过期的待提交附件",
    "audit.purge": "清理过期审计记录",
    "core.calendar.day_set": "设置工作日历",
    "core.calendar.import_year": "导入年度节假日安排",
    "core.calendar.provisional": "按法定节假日推算日历",
    "core.calendar.seed": "初始化工作日历",
    "core.site_identity.create": "设置网站标识",
    "core.site_identity.update": "修改网站标识",
    "files.delete": "删除文件",
    "files.download": "下载文件",
    "files.upload": "上传文件",
    "seal.ca.create": "创建印章根证书",
    "seal.certificate.issue": "签发印章证书",
    "seal.sign": "电子签章",
    **{f"core.clock.{kind}": label for kind, label in CLOCK_KINDS.items()},
}
