"""Chinese names of the cases app's audit actions (``core.registries.audit_labels``)."""

from . import engine

LABELS = {
    "cases.process.create_default": "生成默认办理流程",
    "cases.process.publish": "发布办理流程",
    "cases.case.act": "办件办理",
    **{f"cases.case.{action}": f"办件{label}" for action, label in engine.ACTION_LABELS.items()},
}
