"""Publishing a reply (信件公开): prepare a masked draft, let staff edit it, publish, withdraw.

Audited as ``letters.publication.*`` so the public page cache is bumped, and indexed for
search as doc_type "letter" (the Publication's id).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, FieldErrors, ValidationFailed
from zhengwu.core.registries.search import search_index_later

from ..hooks import letter_hooks_run_later
from zhengwu.core.text_masking import KIND_LABELS, mask_personal_data
from ..models import Channel, Letter, Publication, Reply
from .common import clean_text, event_add, lock, policy_for, reason_text
from .handling import _require_clerk

SEARCH_DOC_TYPE = "letter"
# Findings that must not survive into a published text whatever the reviewer typed.
HARD_KINDS = ("id_number", "bank_card", "phone", "landline", "email")


def _known_names(letter: Letter) -> list[str]:
    writer = letter.writer
    if writer is None:
        return []
    return [n for n in (writer.real_name, getattr(writer, "legal_representative", "")) if n]


def _approved_reply(letter: Letter) -> Reply | None:
    return letter.replies.filter(status=Reply.Status.APPROVED).order_by("-decided_at", "-pk").first()


def _check_publishable(letter: Letter) -> Reply:
    if letter.channel == Channel.REPORT or not policy_for(letter.channel).publishable:
        raise ValidationFailed(f"“{letter.get_channel_display()}”信件不公开", code="letter_not_publishable")
    if not letter.publish_consent:
        raise ValidationFailed("来信人未同意公开,不能公开该信件", code="letter_no_consent")
    if letter.status not in (Letter.Status.REPLIED, Letter.Status.CLOSED):
        raise ValidationFailed("信件答复后才能公开", code="letter_not_replied")
    reply = _approved_reply(letter)
    if reply is None:
        raise ValidationFailed("信件没有已批准的答复", code="letter_not_replied")
    return reply


def publication_prepare(*, actor, letter: Letter) -> Publication:
    """Select the letter for publication: a draft with names, numbers and addresses masked.

    Preparing again refreshes a draft (e.g. after a re-handling reply) but never touches a
    published text.
    """
    _require_clerk(actor, "公开信件")
    with transaction.atomic():
        lock(letter)
        reply = _check_publishable(letter)
        names = _known_names(letter)
        title = mask_personal_data(letter.title, known_names=names)
        body = mask_personal_data(letter.body, known_names=names)
        answer = mask_personal_data(reply.body, known_names=names)
        # Kinds and positions only: the values are the very data the draft hides.
        findings = title.as_json(part="title") + body.as_json(part="body") + answer.as_json(part="reply")
        publication = Publication.objects.select_for_update().filter(letter_id=letter.pk).first()
        if publication is not None and publication.status == Publication.Status.PUBLISHED:
            raise Conflict("该信件已公开", code="publication_published")
        if publication is None:
            publication = Publication(letter=letter, prepared_by=actor)
        publication.title, publication.body, publication.reply = title.text[:100], body.text, answer.text
        publication.findings, publication.prepared_by = findings, actor
        publication.status = Publication.Status.DRAFT
        publication.save()
        audit_record(actor=actor, action="letters.publication.prepare", obj=publication,
                     details={"query_code": letter.query_code, "findings": len(findings)})
    return publication


def _residual_personal_data(texts: list[str], names: list[str]) -> list[str]:
    found = []
    for text in texts:
        for finding in mask_personal_data(text, known_names=names).findings:
            if finding.kind in HARD_KINDS or (finding.kind == "name" and finding.text in names):
                found.append(f"{KIND_LABELS[finding.kind]}“{finding.text}”")
    return found


def publication_publish(*, actor, publication: Publication, title, body, reply) -> Publication:
    """Publish the reviewed text; refused while a phone, ID, card, e-mail or the writer's name remains."""
    _require_clerk(actor, "公开信件")
    errors = FieldErrors()  # all three fields' mistakes at once
    title = errors.capture(clean_text, title, label="公开标题", max_len=100, field="title", multiline=False)
    body = errors.capture(clean_text, body, label="公开来信内容", max_len=5000, field="body")
    reply = errors.capture(clean_text, reply, label="公开答复内容", max_len=5000, field="reply")
    errors.raise_if_any()
    with transaction.atomic():
        publication = Publication.objects.select_for_update().select_related("letter").get(pk=publication.pk)
        letter = lock(publication.letter)
        _check_publishable(letter)
        if publication.status == Publication.Status.PUBLISHED:
            raise Conflict("该信件已公开", code="publication_published")
        residual = _residual_personal_data([title, body, reply], _known_names(letter))
        if residual:
            raise ValidationFailed(
                "公开内容仍含有个人信息,请遮蔽后再公开:" + "、".join(residual[:5]),
                code="publication_personal_data", details={"found": residual},
            )
        now = timezone.now()
        publication.title, publication.body, publication.reply = title, body, reply
        publication.status, publication.published_by, publication.published_at = Publication.Status.PUBLISHED, actor, now
        publication.save()
        letter.is_published = True
        letter.save(update_fields=["is_published", "updated_at"])
        event_add(letter=letter, action="publish", label="答复已在网站公开", actor=actor, public=True)
        audit_record(actor=actor, action="letters.publication.publish", obj=publication,
                     details={"query_code": letter.query_code})
        search_index_later(SEARCH_DOC_TYPE, publication.pk)
        letter_hooks_run_later(letter=letter, event="published")
    return publication


def publication_withdraw(*, actor, publication: Publication, reason) -> Publication:
    """Take a published letter off the site (e.g. the writer withdrew consent), with a reason."""
    _require_clerk(actor, "撤回公开")
    reason = reason_text(reason, label="撤回理由")
    with transaction.atomic():
        publication = Publication.objects.select_for_update().select_related("letter").get(pk=publication.pk)
        if publication.status != Publication.Status.PUBLISHED:
            raise Conflict("该信件未公开", code="publication_not_published")
        letter = lock(publication.letter)
        publication.status = Publication.Status.WITHDRAWN
        publication.save(update_fields=["status", "updated_at"])
        letter.is_published = False
        letter.save(update_fields=["is_published", "updated_at"])
        event_add(letter=letter, action="unpublish", label="撤回公开", actor=actor, note=reason)
        audit_record(actor=actor, action="letters.publication.withdraw", obj=publication,
                     details={"query_code": letter.query_code, "reason": reason})
        search_index_later(SEARCH_DOC_TYPE, publication.pk)
    return publication
