"""Routing suggestion (分办建议) for letters, and the record of each triage decision.

``routing_suggest(text=...)`` ranks the county's departments for a letter's text;
``routing_decision_record(...)`` stores what the triage clerk chose, which both measures
the suggestion's accuracy and teaches the model (the chosen department takes the
letter's terms). Letters call both at triage; routing never imports letters.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import ValidationFailed
from zhengwu.search import synonyms

from . import profiles
from . import text as routing_text
from .models import RoutingDecision

GENERAL_OFFICE_MARKERS = ("人民政府办公室", "政府办公室", "政府办")
TEXT_MAX = 20000  # characters; a letter's title and body together stay well below this
TOP_N = 3
LEARNED_TERMS_MAX = 60  # terms kept from one letter for learning


# The score of the general-office fallback: below any suggestion backed by evidence.
FALLBACK_SCORE = 0.05
FALLBACK_NOTE = "信件内容未对应到具体部门,建议由县人民政府办公室统筹分办(系统兜底建议,请人工判断)"


@dataclass(frozen=True)
class Suggestion:
    department_code: str
    department_name: str
    work_areas: list[str]
    score: float  # share of the evidence, in [0, 1]; the three need not sum to 1
    # "match": the text's words point to the department; "fallback": nothing did, and the
    # general office is suggested so a letter is never left without a suggestion.
    basis: str = "match"
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "department_code": self.department_code,
            "department_name": self.department_name,
            "work_areas": list(self.work_areas),
            "score": self.score,
            "basis": self.basis,
            "note": self.note,
        }


def routing_text_check(text) -> str:
    """Return the text if it can be routed, else raise ValidationFailed with a Chinese message."""
    if not isinstance(text, str):
        raise ValidationFailed("信件内容必须是文字", code="routing_text_invalid")
    if len(text) > TEXT_MAX:
        raise ValidationFailed(
            f"信件内容过长(不能超过 {TEXT_MAX} 字)", code="routing_text_too_long",
            details={"max_length": TEXT_MAX, "length": len(text)},
        )
    if "\x00" in text:
        raise ValidationFailed("信件内容含有不允许的控制字符", code="routing_text_invalid")
    if not text.strip():
        raise ValidationFailed("请填写信件内容", code="routing_text_empty")
    if not routing_text.has_meaningful_text(text):
        raise ValidationFailed("信件内容中没有可识别的文字", code="routing_text_garbage")
    return text


def routing_suggest(*, text: str, top: int = TOP_N) -> list[Suggestion]:
    """Suggest the departments most likely responsible for ``text``, best first.

    Returns at most ``top`` suggestions, only departments the text gives some evidence
    for, its own words or their everyday-word equivalents from the search dictionary.
    When nothing matches, the general office is suggested alone with a low score,
    ``basis="fallback"`` and a note saying so: a letter with any meaningful word never
    gets an empty list (text of stop words only, "你好", does). ``score`` is the department's share of the
    evidence over all departments, in [0, 1]. Raises ValidationFailed for empty,
    oversize, NUL-containing or letterless text.
    """
    routing_text_check(text)
    model = profiles.current_model()
    own_terms = routing_text.terms(text, for_search=True)
    ranked = model.score(own_terms, extra_terms=everyday_terms(text))
    if not ranked and own_terms:  # a greeting alone ("你好") is no letter to route
        fallback = _general_office(model)
        if fallback is None:
            return []
        return [Suggestion(department_code=fallback.code, department_name=fallback.name,
                           work_areas=list(fallback.work_areas), score=FALLBACK_SCORE,
                           basis="fallback", note=FALLBACK_NOTE)]
    total = sum(s for _, s in ranked)
    out = []
    for d, raw in ranked[:top]:
        dep = model.departments[d]
        out.append(Suggestion(
            department_code=dep.code,
            department_name=dep.name,
            work_areas=list(dep.work_areas),
            score=round(min(1.0, raw / total), 4) if total > 0 else 0.0,
        ))
    return out


def everyday_terms(text: str) -> list[str]:
    """Terms the search app's synonym dictionary adds to a letter's own words.

    A citizen writes 低保, 工钱 or 房子被淹; departments' profiles speak of 最低生活保障,
    劳动报酬 and 自然灾害救助. The dictionary staff keep for search bridges both (one
    published interface of the search app, below routing).
    """
    extra: list[str] = []
    for _word, equivalents in synonyms.words_in(text):
        for equivalent in equivalents:
            extra.extend(routing_text.terms(equivalent, for_search=True))
    return extra


def _general_office(model):
    """The department that takes what no other does: the government office, else the first."""
    for marker in GENERAL_OFFICE_MARKERS:
        for dep in model.departments:
            if marker in dep.name:
                return dep
    return model.departments[0] if model.departments else None


def _letter_text(letter_id: int) -> str:
    """The letter's title and body, read through the app registry (routing does not import letters)."""
    from django.apps import apps

    try:
        letter_model = apps.get_model("letters", "Letter")
    except LookupError:
        return ""
    row = letter_model.objects.filter(pk=letter_id).values("title", "body").first()
    if not row:
        return ""
    return f"{row.get('title') or ''} {row.get('body') or ''}"


def routing_decision_record(
    *, actor, letter_id: int, suggested_codes: list[str], chosen_code: str, text: str | None = None,
) -> RoutingDecision:
    """Record the triage clerk's choice of department for a letter, against what was suggested.

    ``suggested_codes`` are the suggestion's department codes, best first (possibly
    empty). ``text`` defaults to the letter's title and body. The chosen department's
    profile learns the text's terms from the next suggestion on.
    """
    from zhengwu.org.models import Unit

    try:
        letter_id = int(letter_id)
    except (TypeError, ValueError):
        raise ValidationFailed("信件编号无效", code="routing_letter_invalid") from None
    if letter_id <= 0:
        raise ValidationFailed("信件编号无效", code="routing_letter_invalid")
    if not isinstance(suggested_codes, (list, tuple)) or not all(isinstance(c, str) for c in suggested_codes):
        raise ValidationFailed("建议部门列表无效", code="routing_suggested_invalid")
    suggested = [c for c in suggested_codes if c][:TOP_N]
    chosen_code = (chosen_code or "").strip() if isinstance(chosen_code, str) else ""
    department = Unit.objects.filter(code=chosen_code).first() if chosen_code else None
    if department is None:
        raise ValidationFailed("选定的部门不存在", code="routing_department_unknown")
    if text is None:
        text = _letter_text(letter_id)
    learned = list(dict.fromkeys(routing_text.terms((text or "")[:TEXT_MAX], for_search=True)))[:LEARNED_TERMS_MAX]
    with transaction.atomic():
        decision = RoutingDecision.objects.create(
            letter_id=letter_id,
            suggested_codes=suggested,
            chosen_code=department.code,
            chosen_department=department,
            followed_top1=bool(suggested) and suggested[0] == department.code,
            followed_top3=department.code in suggested,
            terms=learned,
            decided_by=actor if getattr(actor, "pk", None) else None,
            decided_at=timezone.now(),
        )
        audit_record(
            actor=actor, action="routing.decision.record", obj=decision,
            details={
                "letter_id": letter_id, "suggested": suggested, "chosen": department.code,
                "followed_top1": decision.followed_top1, "followed_top3": decision.followed_top3,
            },
        )
    return decision
