"""Chinese names of the results app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "results.case_result.issue": "出具办理结果",
}
