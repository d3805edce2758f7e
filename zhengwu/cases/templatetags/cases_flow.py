"""The item page's flowchart block: the published definition and its steps as table rows."""

from dataclasses import dataclass

from django import template

from zhengwu.cases.bpmn import role_label
from zhengwu.cases.selectors import process_definition_published

register = template.Library()


@dataclass(frozen=True)
class StepRow:
    seq: int
    name: str
    post: str
    limit_days: int
    warn_days: int
    stops_clock: bool


@dataclass(frozen=True)
class PublishedFlow:
    version: int  # 0: the default not yet saved (no case has opened)
    total_limit_days: int
    steps: list[StepRow]


@register.simple_tag
def item_flowchart(item) -> PublishedFlow | None:
    definition = process_definition_published(item=item)
    if definition is None:
        return None
    rows = [
        StepRow(
            n,
            s["name"],
            role_label(s["role"]),
            int(s["limit_days"]),
            int(s["warn_days"]),
            bool(s.get("stops_clock")),
        )
        for n, s in enumerate(definition.steps, start=1)
    ]
    return PublishedFlow(definition.version, definition.total_limit_days, rows)
