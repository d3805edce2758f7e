"""Chinese names of the supervision app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "supervision.order.issue": "下发督办单",
    "supervision.order.respond": "答复督办单",
    "supervision.sweep": "巡检时限",
}
