"""Writing a letter: who may write on which channel, what is checked, and the query code."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengwu.core.bounds import TEXT_LONG_MAX, TEXT_TITLE_MAX, is_id_text
from zhengwu.core.access import is_applicant
from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, FieldErrors, PermissionDenied, ValidationFailed
from zhengwu.core.uploads import files_store
from zhengwu.core.uploads.pending import pending_uploads_attach

from ..hooks import letter_hooks_run_later
from ..models import Category, Channel, Hop, Letter
from zhengwu.core.ratelimit import rate_limit_check

from ..moderation import moderation_check, moderation_review_words
from .common import clean_text, event_add, hop_open, letters_office_unit, policy_for

TITLE_MAX = TEXT_TITLE_MAX
BODY_MIN = 10
BODY_MAX = TEXT_LONG_MAX
ATTACHMENT_PURPOSE = "letters:attachment"
LETTER_OBJECT_TYPE = "letters.letter"
# No 0/O, 1/I/L: a code read out over the phone must not be misheard.
QUERY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
QUERY_CODE_LENGTH = 12

DEFAULT_RATE_USER = (5, 3600)  # letters per user per hour
DEFAULT_RATE_IP = (10, 3600)  # letters per IP per hour (a family or an office shares one)
DEFAULT_DUPLICATE_DAYS = 30


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def normalise_query_code(value) -> str:
    """Upper-case, spaces removed; "" for anything that cannot be a query code.

    Checking the alphabet and length here keeps NUL and other junk away from the
    database (PostgreSQL refuses NUL in text, and multipart bodies skip the NUL middleware).
    """
    if not isinstance(value, str):
        return ""
    code = "".join(value.split()).upper()
    if len(code) != QUERY_CODE_LENGTH or any(ch not in QUERY_CODE_ALPHABET for ch in code):
        return ""
    return code


def text_fingerprint(text: str) -> str:
    """sha256 of the text without spacing and punctuation, so copy-pasted resubmissions match."""
    flat = "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())
    return hashlib.sha256(flat.encode()).hexdigest()


def _rate(name: str, default: tuple[int, int]) -> tuple[int, int]:
    value = getattr(settings, name, default)
    return int(value[0]), int(value[1])


def duplicate_days() -> int:
    return int(getattr(settings, "ZHENGWU_LETTERS_DUPLICATE_DAYS", DEFAULT_DUPLICATE_DAYS))


def _choice(value, choices, *, label: str, field: str) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise ValidationFailed(f"请选择正确的{label}", code=f"letter_{field}_invalid", details={"field": field})
    return value


def _unit(value, *, kinds, label: str, field: str, required: bool):
    """Resolve a unit given as a Unit, a pk or a code; only active units of ``kinds``."""
    from zhengwu.org.models import Unit

    if value in (None, ""):
        if required:
            raise ValidationFailed(f"请选择{label}", code=f"letter_{field}_required", details={"field": field})
        return None
    qs = Unit.objects.filter(kind__in=list(kinds), is_active=True)
    if isinstance(value, Unit):
        unit = qs.filter(pk=value.pk).first()
    elif isinstance(value, int) and not isinstance(value, bool):
        unit = qs.filter(pk=value).first()
    elif isinstance(value, str) and len(value) <= 32:
        unit = qs.filter(code=value.strip()).first()
        if unit is None and is_id_text(value.strip()):
            unit = qs.filter(pk=int(value.strip())).first()
    else:
        unit = None
    if unit is None:
        raise ValidationFailed(f"{label}不存在,请重新选择", code=f"letter_{field}_invalid", details={"field": field})
    return unit


def letter_submit(
    *,
    actor,
    channel,
    category,
    title,
    body,
    township=None,
    addressed_to=None,
    publish_consent=False,
    anonymous: bool = False,
    uploads=(),
    pending=(),
    ip: str | None = None,
    enforce_rate_limit: bool = True,
    errors: FieldErrors | None = None,
) -> Letter:
    """Receive a letter and return it with its query code.

    Real-name applicants may write on every channel; anonymous writing (no account, or an
    applicant who asks for it) only where the channel's policy allows (举报, 建议, 咨询 by
    default; 信访 never). Blocking sensitive words refuse the letter naming them; review
    words pass and are shown to the triage clerk. The same writer sending the same text
    again within ZHENGWU_LETTERS_DUPLICATE_DAYS is refused with the first letter's query
    code; the same text from someone else is accepted and linked for the clerk.
    ``enforce_rate_limit=False`` is for system loaders (demo data, imports), never for requests.

    Every field is checked before anything is refused, so the writer sees all mistakes
    at once; ``errors`` carries problems the page found itself (a refused attachment) to
    be reported together. ``pending`` are files uploaded on selection
    (``core.uploads.pending``), attached in the same transaction as the letter.
    """
    from zhengwu.org.models import Unit

    signed_in = bool(getattr(actor, "is_authenticated", False))
    if signed_in and not is_applicant(actor):
        raise PermissionDenied("信件只能由群众或企业以本人名义提交", code="letter_writer_not_applicant")
    channel = _choice(channel, Channel, label="来信渠道", field="channel")
    policy = policy_for(channel)
    anonymous = bool(anonymous) or not signed_in
    if anonymous and not policy.allow_anonymous:
        if not signed_in:
            raise PermissionDenied(
                f"“{Channel(channel).label}”须实名提交,请先登录", code="letter_login_required",
            )
        raise ValidationFailed(f"“{Channel(channel).label}”不接受匿名来信", code="letter_anonymous_refused")
    errors = errors if errors is not None else FieldErrors()
    category = errors.capture(_choice, category, Category, label="信件类别", field="category")
    title = errors.capture(clean_text, title, label="标题", max_len=TITLE_MAX, field="title", multiline=False)
    body = errors.capture(clean_text, body, label="信件内容", max_len=BODY_MAX, min_len=BODY_MIN, field="body")
    township = errors.capture(_unit, township, kinds=(Unit.Kind.TOWNSHIP, Unit.Kind.STREET), label="所在乡镇(街道)",
                              field="township", required=False)
    addressed_to = errors.capture(_unit, addressed_to, kinds=(Unit.Kind.DEPARTMENT,), label="来信部门",
                                  field="addressed_to", required=channel == Channel.DEPARTMENT)
    errors.raise_if_any()
    if channel != Channel.DEPARTMENT:
        addressed_to = None
    blocked = moderation_check(text=f"{title}\n{body}")
    if blocked:
        raise ValidationFailed(
            "信件含有不允许提交的词语:" + "、".join(blocked) + "。请修改后再提交",
            code="letter_sensitive_words", details={"words": blocked},
        )
    fingerprint = text_fingerprint(body)
    writer = None if anonymous else actor
    now = timezone.now()
    since = now - timedelta(days=duplicate_days())
    if writer is not None:
        earlier = (
            Letter.objects.filter(writer_id=writer.pk, fingerprint=fingerprint, received_at__gte=since)
            .order_by("-received_at").first()
        )
        if earlier is not None:
            raise Conflict(
                f"您已于 {timezone.localtime(earlier.received_at):%Y-%m-%d} 提交过内容相同的信件"
                f"(查询码 {earlier.query_code}),请勿重复提交,可凭查询码查询办理进度",
                code="letter_duplicate", details={"query_code": earlier.query_code},
            )
    # Counted after validation, so correcting a form does not use up the allowance.
    limit, window = _rate("ZHENGWU_LETTERS_RATE_USER", DEFAULT_RATE_USER)
    if signed_in and enforce_rate_limit:
        rate_limit_check(key=f"letters:submit:user:{actor.pk}", limit=limit, window_seconds=window)
    if ip and enforce_rate_limit:
        limit, window = _rate("ZHENGWU_LETTERS_RATE_IP", DEFAULT_RATE_IP)
        rate_limit_check(key=f"letters:submit:ip:{ip}", limit=limit, window_seconds=window)
    uploads = [u for u in (uploads or []) if u is not None]
    office = letters_office_unit()
    with transaction.atomic():
        duplicate_of = (
            Letter.objects.filter(fingerprint=fingerprint, received_at__gte=since)
            .order_by("-received_at").first()
        )
        letter = None
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    letter = Letter.objects.create(
                        query_code=new_query_code(), channel=channel, category=category, title=title, body=body,
                        township=township, addressed_to=addressed_to, writer=writer,
                        publish_consent=bool(publish_consent) and policy.publishable,
                        received_at=now, fingerprint=fingerprint, duplicate_of=duplicate_of,
                        moderation_words=moderation_review_words(text=f"{title}\n{body}"),
                    )
                break
            except IntegrityError:
                continue  # a query code collision (1 in 10^17): draw again
        if letter is None:
            raise Conflict("系统繁忙,请稍后重试", code="letter_code_exhausted")
        hop_open(
            actor=writer, letter=letter, kind=Hop.Kind.TRIAGE, unit=office,
            limit_days=policy.accept_days, warn_days=policy.warn_days,
        )
        if pending:
            pending_uploads_attach(
                actor=writer, pending=pending, purpose=ATTACHMENT_PURPOSE, owner=writer,
                object_type=LETTER_OBJECT_TYPE, object_id=letter.pk, anonymous=writer is None,
            )
        if uploads:
            files_store(
                actor=writer, uploads=uploads, purpose=ATTACHMENT_PURPOSE, owner=writer,
                object_type=LETTER_OBJECT_TYPE, object_id=letter.pk,
            )
        event_add(letter=letter, action="submit", label="收到来信", actor=writer, unit=office, public=True)
        audit_record(
            actor=writer, action="letters.letter.submit", obj=letter,
            details={
                "query_code": letter.query_code, "channel": channel, "category": category,
                "anonymous": writer is None, "attachments": len(uploads) + len(list(pending or [])),
                "duplicate_of": duplicate_of.pk if duplicate_of else None,
                "review_words": letter.moderation_words,
            },
        )
        letter_hooks_run_later(letter=letter, event="submitted")
    return letter
