"""Who may download a stored file: decided by the module that owns the file's purpose.

A module registers one rule per purpose (``register_download_rule("case_material", rule)``)
at app start-up, from its ``AppConfig.ready``. An unregistered purpose falls back to
"the owner only". Superusers get no bypass anywhere: access follows the rule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

DownloadRule = Callable[[object, object], bool]

_rules: dict[str, DownloadRule] = {}


def owner_rule(user, stored_file) -> bool:
    """Allow the file's owner; the default for every purpose nobody registered."""
    return stored_file.owner_id is not None and stored_file.owner_id == getattr(user, "pk", None)


def register_download_rule(purpose: str, rule: DownloadRule) -> None:
    """Make ``rule(user, stored_file) -> bool`` decide downloads of files with ``purpose``."""
    existing = _rules.get(purpose)
    if existing is not None and existing is not rule:
        raise ValueError(f"download rule for purpose {purpose!r} is already registered")
    _rules[purpose] = rule


def unregister_download_rule(purpose: str) -> None:
    _rules.pop(purpose, None)


def rule_for(purpose: str) -> DownloadRule:
    # "family:detail" purposes (e.g. "case_material:3", the material with seq 3) fall
    # under the family's rule, so a module registers once for all its file kinds.
    rule = _rules.get(purpose)
    if rule is None and ":" in purpose:
        rule = _rules.get(purpose.split(":", 1)[0])
    return rule or owner_rule


def file_can_download(*, user, stored_file) -> bool:
    """Apply the purpose's rule; anonymous, inactive users and deleted files always fail."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if stored_file.is_deleted:
        return False
    try:
        return rule_for(stored_file.purpose)(user, stored_file) is True
    except Exception:
        # A broken rule must deny, never open the file to everyone.
        logger.exception("download rule for purpose %s failed", stored_file.purpose)
        return False
