"""Excel export of a questionnaire's responses (openpyxl, write-only: rows stream, memory stays flat)."""

from __future__ import annotations

import io
import re

from django.utils import timezone
from openpyxl import Workbook

from .models import Answer, Question, Questionnaire, Response
from .selectors import questionnaire_results

# Characters Excel refuses in a cell (openpyxl raises IllegalCharacterError on them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(value):
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        # A leading =, +, - or @ would make Excel evaluate what a respondent typed (CSV/formula injection).
        if value[:1] in ("=", "+", "-", "@"):
            value = "'" + value
    return value


def questionnaire_export_xlsx(*, questionnaire: Questionnaire) -> bytes:
    """Sheet 答卷: one row per response (no identity: 答卷编号 only); sheet 统计: the counts."""
    questions = list(questionnaire.questions.order_by("position"))
    column = {q.pk: i for i, q in enumerate(questions)}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("答卷")
    sheet.append(["答卷编号", "提交时间"] + [_cell(f"{q.position}. {q.text}") for q in questions])

    rows = (
        Answer.objects.filter(response__questionnaire=questionnaire)
        .order_by("response_id", "question__position", "choice__position", "id")
        .values_list("response_id", "response__created_at", "question_id", "question__kind", "choice__label",
                     "rating", "text")
    )
    current, created, cells = None, None, None

    def flush():
        if current is not None:
            sheet.append([current, timezone.localtime(created).strftime("%Y-%m-%d %H:%M:%S")]
                         + [_cell(";".join(c)) if c else "" for c in cells])

    for response_id, created_at, question_id, kind, label, rating, text in rows.iterator(chunk_size=2000):
        if response_id != current:
            flush()
            current, created, cells = response_id, created_at, [[] for _ in questions]
        slot = cells[column[question_id]]
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            slot.append(label or "")
        elif kind == Question.Kind.RATING:
            slot.append(str(rating))
        else:
            slot.append(text)
    flush()

    stats = book.create_sheet("统计")
    results = questionnaire_results(questionnaire=questionnaire)
    stats.append(["问卷", _cell(questionnaire.title)])
    stats.append(["答卷总数", Response.objects.filter(questionnaire=questionnaire).count()])
    stats.append([])
    stats.append(["题目", "选项/分值", "票数/人数", "占答题人数比例(%)"])
    for q in results["questions"]:
        title = _cell(f"{q['position']}. {q['text']}")
        for c in q.get("choices") or []:
            stats.append([title, _cell(c["label"]), c["count"], c["percent"]])
        for r in q.get("ratings") or []:
            stats.append([title, f"{r['score']} 分", r["count"],
                          round(100 * r["count"] / q["answered"], 1) if q["answered"] else 0.0])
        if q["kind"] == Question.Kind.TEXT:
            stats.append([title, "填写人数", q["answered"], ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
