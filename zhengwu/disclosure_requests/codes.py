"""The fixed vocabularies of 依申请公开, spelled exactly as the yearly report form needs them.

The outcome categories and their sub-reasons are those of the table "收到和处理政府信息公开
申请情况" in 国办公开办函〔2021〕30号 (the yearly report's format). A reply is coded with
exactly one leaf code, so the report counts each request once, in one cell; the codes
are stable strings ("3.4" = 不予公开 / 保护第三方合法权益) because they are stored on
replies and in published report snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class RequesterType(models.TextChoices):
    NATURAL = "natural", "自然人"
    LEGAL = "legal", "法人或其他组织"


class RequesterSubtype(models.TextChoices):
    """Kinds of 法人或其他组织, the report's five sub-columns."""

    COMMERCIAL = "commercial", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_WELFARE = "public_welfare", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER = "other", "其他"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    requester_type: str
    subtype: str  # "" for 自然人


# The report's columns left to right (总计 is added by the report).
COLUMNS: tuple[Column, ...] = (
    Column("natural", "自然人", RequesterType.NATURAL, ""),
    *(Column(s.value, s.label, RequesterType.LEGAL, s.value) for s in RequesterSubtype),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)


@dataclass(frozen=True)
class Category:
    number: int
    label: str  # "予以公开"
    ordinal: str  # "(一)"


@dataclass(frozen=True)
class Outcome:
    code: str  # "1", "2", "3.1" … "6.3"
    category: Category
    label: str  # the sub-reason ("属于国家秘密"), or the category's own label for 1 and 2
    reason_no: int  # 0 for the two categories without sub-reasons

    @property
    def full_label(self) -> str:
        if self.reason_no:
            return f"{self.category.label}:{self.reason_no}.{self.label}"
        return self.category.label


CATEGORIES: tuple[Category, ...] = (
    Category(1, "予以公开", "(一)"),
    Category(2, "部分公开", "(二)"),
    Category(3, "不予公开", "(三)"),
    Category(4, "无法提供", "(四)"),
    Category(5, "不予处理", "(五)"),
    Category(6, "其他处理", "(六)"),
)
_CAT = {c.number: c for c in CATEGORIES}

_REASONS: dict[int, tuple[str, ...]] = {
    3: (
        "属于国家秘密",
        "其他法律行政法规禁止公开",
        "危及“三安全一稳定”",
        "保护第三方合法权益",
        "属于三类内部事务信息",
        "属于四类过程性信息",
        "属于行政执法案卷",
        "属于行政查询事项",
    ),
    4: (
        "本机关不掌握相关政府信息",
        "没有现成信息需要另行制作",
        "补正后申请内容仍不明确",
    ),
    5: (
        "信访举报投诉类申请",
        "重复申请",
        "要求提供公开出版物",
        "无正当理由大量反复申请",
        "要求行政机关确认或重新出具已获取信息",
    ),
    6: (
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "其他",
    ),
}


def _build() -> tuple[Outcome, ...]:
    out = [Outcome("1", _CAT[1], _CAT[1].label, 0), Outcome("2", _CAT[2], _CAT[2].label, 0)]
    for number in (3, 4, 5, 6):
        for i, label in enumerate(_REASONS[number], start=1):
            out.append(Outcome(f"{number}.{i}", _CAT[number], label, i))
    return tuple(out)


OUTCOMES: tuple[Outcome, ...] = _build()
OUTCOME_BY_CODE: dict[str, Outcome] = {o.code: o for o in OUTCOMES}
OUTCOME_CHOICES = [(o.code, o.full_label) for o in OUTCOMES]

# Outcomes whose reply carries the information itself (files may be attached).
DISCLOSING_CODES = frozenset({"1", "2"})
# "逾期不补正" only makes sense while the request waits for a correction.
AFTER_CORRECTION_CODES = frozenset({"4.3", "6.1"})


def outcome_get(code) -> Outcome | None:
    return OUTCOME_BY_CODE.get(str(code or "").strip())
