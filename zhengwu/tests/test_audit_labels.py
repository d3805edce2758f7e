"""Every audit action written anywhere in the code base has a Chinese label (issue 16).

The codes are read from the source: every ``action=`` argument and every ``*_ACTION``
constant that is a dotted string, with both branches of a conditional and the fixed head
of an f-string or a concatenation. A new ``audit_record(action="x.y")`` without a label in
its app's ``audit_labels.py`` fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from zhengwu.core.registries.audit_labels import (
    audit_action_label,
    audit_action_labels,
    audit_object_label,
)

ROOT = Path(__file__).resolve().parents[1]


def _strings(node) -> tuple[set[str], set[str]]:
    """(whole codes, fixed heads of built codes) that ``node`` can evaluate to."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return ({node.value}, set()) if "." in node.value else (set(), set())
    if isinstance(node, ast.IfExp):
        a, b = _strings(node.body), _strings(node.orelse)
        return a[0] | b[0], a[1] | b[1]
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return set(), {node.values[0].value}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        whole, _ = _strings(node.left)
        return set(), whole
    return set(), set()


def emitted_action_codes() -> tuple[dict[str, Path], dict[str, Path]]:
    codes: dict[str, Path] = {}
    heads: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values = []
            if isinstance(node, ast.Call):
                values = [kw.value for kw in node.keywords if kw.arg == "action"]
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id.endswith("_ACTION") for t in node.targets
            ):
                values = [node.value]
            for value in values:
                whole, built = _strings(value)
                for code in whole:
                    codes.setdefault(code, path)
                for head in built:
                    heads.setdefault(head, path)
    return codes, heads


def test_the_scan_finds_the_known_codes():
    codes, heads = emitted_action_codes()
    assert "accounts.mfa.verify" in codes
    assert "exchange.request.refuse" in codes  # the else branch of a conditional
    assert "cases.case." in heads  # f"cases.case.{action}"
    assert "letters.letter.extension_" in heads  # "..." + ("approve" if ... else "refuse")


def test_every_emitted_action_code_has_a_label():
    codes, heads = emitted_action_codes()
    labels = audit_action_labels()
    missing = sorted(f"{code} ({path.relative_to(ROOT)})" for code, path in codes.items() if code not in labels)
    assert missing == []
    unlabelled_heads = sorted(
        f"{head}… ({path.relative_to(ROOT)})" for head, path in heads.items()
        if not any(code.startswith(head) for code in labels)
    )
    assert unlabelled_heads == []


def test_labels_are_chinese():
    not_chinese = [code for code, label in audit_action_labels().items()
                   if not any("\u4e00" <= ch <= "\u9fff" for ch in label)]
    assert not_chinese == []


def test_known_action_and_object_read_in_chinese():
    assert audit_action_label("accounts.mfa.verify") == "双因素认证验证"
    assert audit_object_label("otp_totp.totpdevice", "14") == "动态口令设备 #14"
    assert audit_object_label("cases.case", "3") == "办件 #3"


def test_unknown_code_falls_back_to_a_readable_label():
    assert audit_action_label("letters.letter.never_heard_of") == "信件与信访操作(letters.letter.never_heard_of)"
    assert audit_action_label("nowhere.thing") == "其他操作(nowhere.thing)"
