"""What the applicant is told when their case changes (a message in their message centre).

The message centre (``zhengwu.notifications``) stores and delivers messages for every
app; the wording about a case, its status and the link back belong to the cases app.
``notify_case_action`` runs as a ``CASE_ACTED`` hook inside the case's transaction.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django.urls import NoReverseMatch, get_script_prefix, reverse

from zhengwu.notifications.services import message_append

from . import engine
from .models import CaseEvent

# Reasons the applicant is entitled to read (一次性告知, refusals, special procedures);
# a reviewer's internal "return" reason stays inside the office.
APPLICANT_REASON_ACTIONS = frozenset({"refuse", "request_correction", "reject", "suspend", "extend"})


_RECEIPT_SENTINEL = "ZW19700101000000"  # shaped like a receipt number, never issued


@lru_cache(maxsize=16)
def _case_link_template(name: str, script_prefix: str) -> str:
    # reverse() walks the URL resolver (a fifth of a case step's Python time); the
    # link differs between cases only in the receipt number, so reverse once per name.
    try:
        return reverse(name, kwargs={"receipt_no": _RECEIPT_SENTINEL})
    except NoReverseMatch:
        return ""


def _case_link(case) -> str:
    # Concluded: the rating page (it also shows the case); otherwise the applicant's case page.
    name = "ratings:rate" if case.status == engine.CONCLUDED else "cases:mine_detail"
    template = _case_link_template(name, get_script_prefix())
    if not template:
        return ""
    return template.replace(_RECEIPT_SENTINEL, quote(case.receipt_no, safe=""))


def notify_case_state_change(*, case, event, link: str | None = None, audit: bool = True) -> dict:
    """Tell the applicant that their case changed; call after every successful ``case_act``.

    ``event`` is the CaseEvent or the action name just applied (the event is then read
    by its sequence number, which equals the case version). ``link`` defaults to the
    rating page once the case is concluded. Returns the message's field values (``id``
    included): it runs on every case step, so no model instance is built.
    """
    if event is None or isinstance(event, str):
        event = event or ""
        found = CaseEvent.objects.filter(case_id=case.pk, seq=case.version).first()
        action = event
        reason = found.reason if found is not None and found.action == event else ""
    else:
        action, reason = event.action, event.reason
    label = engine.ACTION_LABELS.get(action, action)
    steps = case.definition.steps
    step_name = steps[case.step_index]["name"] if 0 <= case.step_index < len(steps) else ""
    body = (
        f"您申请的“{case.item.name}”(受理编号 {case.receipt_no})有新的办理进展:{label}。"
        f"当前状态:{engine.STATUS_LABELS.get(case.status, case.status)}"
        + (f",当前环节:{step_name}" if case.status not in engine.TERMINAL else "")
        + "。"
    )
    if reason and action in APPLICANT_REASON_ACTIONS:
        body += f"\n理由/说明:{reason}"
    values = message_append(
        recipient=case.applicant,
        title=f"办件 {case.receipt_no}:{label}",
        body=body,
        link=_case_link(case) if link is None else link,
        audit=audit,
    )
    return values


def notify_case_action(*, actor, case, action: str, event=None) -> None:
    """CASE_ACTED hook (registered in CasesConfig.ready): tell the applicant of the change (in the case's transaction).

    Not audited separately: the case action's own audit row, in the same transaction,
    is the record of this change, and the message row itself names the case.
    """
    notify_case_state_change(case=case, event=event if event is not None else action, audit=False)
