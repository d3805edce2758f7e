"""Configuration writes: the sensitive-word list and the per-channel rules."""

from __future__ import annotations

from django.db import transaction

from zhengwu.core.audit import audit_record
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.org.roles import Role

from .. import posts
from ..models import ChannelPolicy, SensitiveWord
from ..moderation import words_forget
from .common import clean_text

# Who keeps the word list: the letters office, and the system administrator (admin screens).
WORD_KEEPERS = (Role.LETTER_CLERK, Role.SYSTEM_ADMIN)


def _require_keeper(actor) -> None:
    if not any(posts.holds(actor, role) for role in WORD_KEEPERS):
        raise PermissionDenied("只有信件分办员或系统管理员可以维护敏感词", code="letter_words_denied")


def sensitive_word_add(*, actor, word, level=SensitiveWord.Level.BLOCK) -> SensitiveWord:
    _require_keeper(actor)
    word = clean_text(word, label="敏感词", max_len=50, field="word", multiline=False)
    if level not in SensitiveWord.Level.values:
        raise ValidationFailed("请选择处理方式", code="letter_word_level_invalid")
    with transaction.atomic():
        if SensitiveWord.objects.filter(word=word).exists():
            raise Conflict(f"敏感词“{word}”已存在", code="letter_word_exists")
        row = SensitiveWord.objects.create(word=word, level=level)
        audit_record(actor=actor, action="letters.word.add", obj=row, details={"word": word, "level": level})
        # Dropped now (this connection sees the row) and again after commit for the same reason.
        words_forget()
        transaction.on_commit(words_forget)
    return row


def sensitive_word_update(*, actor, word: SensitiveWord, level=None, is_active=None) -> SensitiveWord:
    _require_keeper(actor)
    changes = {}
    if level is not None:
        if level not in SensitiveWord.Level.values:
            raise ValidationFailed("请选择处理方式", code="letter_word_level_invalid")
        changes["level"] = level
    if is_active is not None:
        changes["is_active"] = bool(is_active)
    with transaction.atomic():
        for name, value in changes.items():
            setattr(word, name, value)
        word.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, action="letters.word.update", obj=word, details={"word": word.word, **changes})
        words_forget()
        transaction.on_commit(words_forget)
    return word


POLICY_FIELDS = ("allow_anonymous", "accept_days", "handle_days", "extension_days", "warn_days", "publishable")
_DAY_LIMITS = {"accept_days": (1, 60), "handle_days": (1, 120), "extension_days": (0, 60), "warn_days": (0, 30)}


def channel_policy_changes(*, policy: ChannelPolicy, **fields) -> dict:
    """Check new values for ``policy`` and return those that differ (no write; the admin form uses it too)."""
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationFailed("不能修改的设置项:" + "、".join(sorted(unknown)), code="letter_policy_field")
    changes = {}
    for name, value in fields.items():
        if name in _DAY_LIMITS:
            low, high = _DAY_LIMITS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                label = ChannelPolicy._meta.get_field(name).verbose_name
                raise ValidationFailed(f"{label}应在 {low} 到 {high} 之间", code="letter_policy_days",
                                       details={"field": name})
        else:
            value = bool(value)
        if getattr(policy, name) != value:
            changes[name] = value
    if changes.get("allow_anonymous") and policy.channel == "petition":
        raise ValidationFailed("网上信访必须实名,不能允许匿名", code="letter_policy_petition_anonymous")
    return changes


def channel_policy_update(*, actor, policy: ChannelPolicy, **fields) -> ChannelPolicy:
    """Change a channel's rules; running hops keep the limits their clocks started with."""
    if not posts.holds(actor, Role.SYSTEM_ADMIN):
        raise PermissionDenied("只有系统管理员可以修改信件渠道设置", code="letter_policy_denied")
    changes = channel_policy_changes(policy=policy, **fields)
    if not changes:
        return policy
    with transaction.atomic():
        for name, value in changes.items():
            setattr(policy, name, value)
        policy.save(update_fields=list(changes))
        audit_record(actor=actor, action="letters.policy.update", obj=policy,
                     details={"channel": policy.channel, **changes})
    return policy
