"""Chinese names of the routing app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "routing.decision.record": "记录分办决定",
}
