"""Writes of insights: each letter's keywords, kept in step with the letter.

Letters tell us about new letters and new departments through the letters hook registry
(core's LETTER_CHANGED hooks), after their own transaction committed; a failure here never
undoes a letter. ``keywords_backfill`` fills letters that arrived before insights was
installed (manage.py insights_backfill).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from zhengwu.core.audit import audit_record

from .keywords import keywords_extract
from .models import LetterFact, LetterKeyword

BACKFILL_BATCH = 1000


def _fact_for(letter) -> LetterFact:
    return LetterFact(
        letter_id=letter.pk, received_on=timezone.localdate(letter.received_at), category=letter.category or "",
        department_id=letter.department_id, township_id=letter.township_id,
    )


def _rows_for(letter) -> list[LetterKeyword]:
    received_on = timezone.localdate(letter.received_at)
    return [
        LetterKeyword(
            letter_id=letter.pk, word=word, received_on=received_on, category=letter.category or "",
            department_id=letter.department_id, township_id=letter.township_id,
        )
        for word in keywords_extract(title=letter.title, body=letter.body)
    ]


def letter_keywords_store(*, actor, letter) -> list[str]:
    """(Re)compute and store one letter's statistics row and keywords; return the keywords."""
    rows = _rows_for(letter)
    with transaction.atomic():
        LetterFact.objects.filter(letter_id=letter.pk).delete()
        LetterFact.objects.create(**{f: getattr(_fact_for(letter), f) for f in (
            "letter_id", "received_on", "category", "department_id", "township_id")})
        LetterKeyword.objects.filter(letter_id=letter.pk).delete()
        LetterKeyword.objects.bulk_create(rows)
        audit_record(
            actor=actor, action="insights.keywords.store", object_type="letters.letter", object_id=letter.pk,
            details={"words": [r.word for r in rows]},
        )
    return [r.word for r in rows]


def letter_keywords_department_sync(*, actor, letter) -> int:
    """Copy the letter's current department onto its statistics row and keywords (after assignment or transfer)."""
    with transaction.atomic():
        LetterFact.objects.filter(letter_id=letter.pk).update(department_id=letter.department_id)
        changed = (
            LetterKeyword.objects.filter(letter_id=letter.pk)
            .exclude(department_id=letter.department_id).update(department_id=letter.department_id)
            if letter.department_id is not None
            else LetterKeyword.objects.filter(letter_id=letter.pk, department_id__isnull=False).update(department_id=None)
        )
        if changed:
            audit_record(
                actor=actor, action="insights.keywords.department", object_type="letters.letter",
                object_id=letter.pk, details={"department_id": letter.department_id, "rows": changed},
            )
    return changed


def on_letter_event(*, letter, event: str) -> None:
    """The letters hook: keywords on arrival, department on (re)assignment."""
    if event == "submitted":
        letter_keywords_store(actor=None, letter=letter)
    elif event == "assigned":
        if not LetterFact.objects.filter(letter_id=letter.pk).exists():
            letter_keywords_store(actor=None, letter=letter)
        else:
            letter_keywords_department_sync(actor=None, letter=letter)


def keywords_backfill(*, actor, rebuild: bool = False, batch_size: int = BACKFILL_BATCH, stdout=None) -> int:
    """Store statistics and keywords for every letter not yet done (all with ``rebuild``); return letters done.

    Works in batches by id, each in its own transaction with one audit row, so a long
    run can be interrupted and resumed.
    """
    from zhengwu.letters.models import Letter

    done = 0
    last_id = 0
    while True:
        batch = Letter.objects.filter(pk__gt=last_id).order_by("pk")
        if not rebuild:
            batch = batch.exclude(pk__in=LetterFact.objects.values("letter_id"))
        letters = list(batch.only("id", "title", "body", "received_at", "category", "department_id", "township_id")[:batch_size])
        if not letters:
            break
        rows = [row for letter in letters for row in _rows_for(letter)]
        ids = [letter.pk for letter in letters]
        with transaction.atomic():
            if rebuild:
                LetterFact.objects.filter(letter_id__in=ids).delete()
                LetterKeyword.objects.filter(letter_id__in=ids).delete()
            LetterFact.objects.bulk_create([_fact_for(letter) for letter in letters], batch_size=2000)
            LetterKeyword.objects.bulk_create(rows, batch_size=2000)
            audit_record(
                actor=actor, action="insights.keywords.backfill", object_type="letters.letter",
                object_id=f"{ids[0]}-{ids[-1]}", details={"letters": len(ids), "keywords": len(rows), "rebuild": rebuild},
            )
        done += len(ids)
        last_id = ids[-1]
        if stdout is not None:
            stdout.write(f"已处理 {done} 封信件")
    return done
