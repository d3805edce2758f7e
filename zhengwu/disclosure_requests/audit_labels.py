"""Chinese names of the 依申请公开 audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "disclosure_request.report.publish": "发布政府信息公开年度报告",
    "disclosure_request.report_draft.create": "生成年度报告草稿",
    "disclosure_request.report_draft.update": "修改年度报告草稿",
    "disclosure_request.request.submit": "提交政府信息公开申请",
    "disclosure_request.request.register": "登记公开申请",
    "disclosure_request.request.correction_request": "要求补正公开申请",
    "disclosure_request.request.correction_supply": "补正公开申请",
    "disclosure_request.request.consultation_start": "开始征求第三方意见",
    "disclosure_request.request.consultation_end": "结束征求第三方意见",
    "disclosure_request.request.extension_request": "申请延期答复",
    "disclosure_request.request.extension_approve": "批准延期答复",
    "disclosure_request.request.extension_refuse": "不批准延期答复",
    "disclosure_request.request.reply": "答复公开申请",
}
