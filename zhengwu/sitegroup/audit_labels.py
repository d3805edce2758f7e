"""Chinese names of the site-group app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "search.sitegroup.entries.store": "保存网站群订阅条目",
    "search.sitegroup.source.register": "登记网站群订阅源",
    "search.sitegroup.source.enable": "启用网站群订阅源",
    "search.sitegroup.source.disable": "停用网站群订阅源",
    "sitegroup.source.pull_failed": "订阅源抓取失败",
    "sitegroup.source.pull_request": "请求抓取订阅源",
    "sitegroup.source.recovered": "订阅源恢复正常",
}
