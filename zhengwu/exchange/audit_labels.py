"""Chinese names of the data-exchange audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "exchange.catalog.import": "导入资源目录",
    "exchange.catalog.loaded_mark": "标记目录已载入",
    "exchange.config.set": "修改共享交换设置",
    "exchange.correction.answer": "答复数据纠错",
    "exchange.correction.report": "提交数据纠错",
    "exchange.grant.revoke": "撤销共享授权",
    "exchange.key.issue": "签发访问密钥",
    "exchange.key.revoke": "吊销访问密钥",
    "exchange.load.pull": "前置机抽取数据",
    "exchange.load.upload": "上传数据文件",
    "exchange.load.api": "接口写入数据",
    "exchange.request.grant": "批准共享申请",
    "exchange.request.refuse": "驳回共享申请",
    "exchange.request.submit": "提交共享申请",
    "exchange.resource.create": "新增数据资源",
    "exchange.resource.publish": "发布数据资源",
    "exchange.resource.return": "退回数据资源",
    "exchange.resource.revise": "修订数据资源",
    "exchange.resource.submit": "提交数据资源审核",
    "exchange.source.set": "设置前置机数据源",
}
