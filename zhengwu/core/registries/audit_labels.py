"""Chinese names of audit actions and audited objects, declared by the app that writes them.

The audit page (审计记录) shows ``accounts.mfa.verify`` as 双因素认证验证 and
``otp_totp.totpdevice #14`` as 动态口令设备 #14. Every app registers the labels of the
actions it records from ``AppConfig.ready``; a test checks that every action code written
in the code base has one. An unknown code (a row written by an older version) still reads
sensibly: the owning app's name and the code.

* ``register_audit_labels({code: label})``: action codes, exactly as passed to
  ``audit_record(action=...)``;
* ``register_object_labels({"app_label.model": label})``: object types whose model has no
  Chinese ``verbose_name`` (third-party models); the others use their ``verbose_name``.
"""

from __future__ import annotations

from django.apps import apps

_actions: dict[str, str] = {}
_objects: dict[str, str] = {}

# The first segment of some codes is not an app label (files.*, seal.*, audit.*).
_NAMESPACES = {"files": "文件", "seal": "电子印章", "audit": "审计", "disclosure_request": "依申请公开",
               "disclosure_health": "网站健康检查"}


def register_audit_labels(labels: dict[str, str]) -> None:
    for code, label in labels.items():
        if _actions.get(code, label) != label:
            raise ValueError(f"audit action {code!r} labelled twice differently")
        _actions[code] = label


def register_object_labels(labels: dict[str, str]) -> None:
    _objects.update(labels)


def audit_action_labels() -> dict[str, str]:
    return dict(_actions)


def _has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _namespace_label(code: str) -> str:
    head = code.split(".", 1)[0]
    if head in _NAMESPACES:
        return _NAMESPACES[head]
    try:
        name = str(apps.get_app_config(head).verbose_name)
    except LookupError:
        return ""
    return name if _has_han(name) else ""


def audit_action_label(code: str) -> str:
    """The Chinese name of an action code; unknown codes as "<app>操作(code)"."""
    if code in _actions:
        return _actions[code]
    owner = _namespace_label(code)
    return f"{owner}操作({code})" if owner else f"其他操作({code})"


def audit_object_type_label(object_type: str) -> str:
    if not object_type:
        return ""
    if object_type in _objects:
        return _objects[object_type]
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    name = str(model._meta.verbose_name)
    return name if _has_han(name) else object_type


def audit_object_label(object_type: str, object_id: str) -> str:
    """``otp_totp.totpdevice`` + ``14`` → 动态口令设备 #14."""
    name = audit_object_type_label(object_type)
    return f"{name} #{object_id}" if object_id else name
