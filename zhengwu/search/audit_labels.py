"""Chinese names of the search app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "search.index.rebuild": "重建搜索索引",
    "search.synonym.create": "新增同义词",
    "search.synonym.delete": "删除同义词",
    "search.synonym.seed": "载入初始同义词",
    "search.synonym.update": "修改同义词",
}
