"""Chinese names of the ratings app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "ratings.rating.create": "提交好差评",
    "ratings.rectification.open": "差评整改立项",
    "ratings.rectification.callback": "差评整改:回访",
    "ratings.rectification.finding": "差评整改:核实",
    "ratings.rectification.fix": "差评整改:整改",
    "ratings.rectification.feedback": "差评整改:反馈",
}
