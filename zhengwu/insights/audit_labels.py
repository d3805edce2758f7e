"""Chinese names of the insights app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "insights.keywords.backfill": "补算来信关键词",
    "insights.keywords.department": "统计部门关键词",
    "insights.keywords.store": "保存来信关键词",
}
