"""Find and mask personal data in public text before it is published (PIPL; 信件公开, comments).

The platform's one masker: published letter replies and participation comments use it.

``mask_personal_data(text, known_names=...)`` returns the masked text and what it found,
so the reviewing clerk sees each finding and can edit the result before publication:
automatic masking is a first pass, never the last word.

What is masked, and how it reads afterwards:

* numbers: ID numbers (18 and 15 digits), bank cards (16–19 digits, grouped or not),
  mobile and landline phones, e-mail addresses, QQ/WeChat ids → ``***``;
* names: the writer's own name wherever it appears; a name after 我叫/本人/联系人/…;
  a surname + 1–2 characters before a title (先生, 主任 …); and names the segmenter
  tags as person names when they start with a common surname → ``王某``;
* addresses: house numbers on a road (人民路88号 → 某路某号), residential compounds
  (阳光小区 → 某小区), building/unit/room (3栋2单元501室 → 某栋某单元某室), villages
  and village groups (柳树村三组 → 某村某组). County, township and street names stay:
  they are public places that tell readers where the problem is, not who wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from zhengwu.core import masking

NUMBER_MASK = "***"

# Common single surnames (百家姓 by frequency) and the usual double ones.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝"
)
DOUBLE_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "司徒", "端木")
# Surnames that are far more often ordinary words at the start of a segment ("明天", "时间", "和谐"),
# accepted only with explicit context (我叫…, a title).
_WEAK_SURNAMES = frozenset("和明时全应成文师方安向常高关路于解单商阳查华连包宁古金石")

_NAME_CONTEXT = r"(?:叫做|叫|我是|本人|联系人|姓名|举报人|投诉人|来信人|申请人|反映人|户主|业主)"
_TITLES = r"(?:先生|女士|同志|老师|师傅|书记|村长|主任|局长|镇长|乡长|经理|医生|警官|律师|大爷|大妈|阿姨|老板)"
# Characters that end a name: particles and verbs that commonly follow one.
_NAME_STOP = set("是在的了住今年家和与及等说向对被把给从到为于,,。.;;::!!??、 \n\t0123456789")
_CJK = "\u4e00-\u9fff"
# Characters that can be part of a place name (no particles, verbs of place, pronouns).
# Administrative suffixes end a place-name part too: 城关镇阳光小区 masks 阳光小区 and keeps the town.
_PLACE_EXCLUDE = "在住于的和与是到从向往了去来我你他她们址为对把被及或就也都很这那该本此每个其条座里边旁附近处省市县区镇乡道路街村"
_PLACE = rf"(?:(?![{_PLACE_EXCLUDE}])[{_CJK}])"
_CN_NUM = "0-9一二三四五六七八九十百零〇两"


@dataclass
class Finding:
    kind: str  # id_number, bank_card, phone, landline, email, im, name, address
    text: str


@dataclass
class MaskResult:
    text: str
    findings: list[Finding] = field(default_factory=list)
    source: str = ""

    def as_json(self, *, part: str = "") -> list[dict]:
        """What was found, for storing: kind and position in the source, never the value.

        ``start``/``end`` index the original text (``part`` names which text: title, body,
        reply); the reviewer finds the place there. A value the masker saw only after an
        earlier replacement has no position (``start`` is None).
        """
        out, cursor = [], {}
        for f in self.findings:
            start = self.source.find(f.text, cursor.get(f.text, 0)) if f.text else -1
            if start < 0:
                start = self.source.find(f.text) if f.text else -1
            if start >= 0:
                cursor[f.text] = start + len(f.text)
            out.append({"kind": f.kind, "part": part, "start": start if start >= 0 else None,
                        "end": start + len(f.text) if start >= 0 else None})
        return out


KIND_LABELS = {
    "id_number": "身份证号", "bank_card": "银行卡号", "phone": "手机号", "landline": "固定电话",
    "email": "电子邮箱", "im": "QQ/微信号", "name": "姓名", "address": "地址",
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_ID18 = masking.ID18_PATTERN
_ID15 = masking.ID15_PATTERN
_CARD = re.compile(r"(?<!\d)\d{4}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?!\d)")
_MOBILE = masking.MOBILE_PATTERN
_LANDLINE = re.compile(r"(?<!\d)(?:[((]0\d{2,3}[))]\s?|0\d{2,3}[- ]?)\d{7,8}(?:[-转]\d{1,5})?(?!\d)")
_LANDLINE_CONTEXT = re.compile(r"((?:电话|座机|联系方式|手机|tel|Tel|TEL)[::]?\s*)(\d{7,8})(?!\d)")
_IM = re.compile(r"((?:QQ|qq|微信号?|WeChat)\s*(?:号)?[::]?\s*)([A-Za-z0-9_-]{5,20})")

_ROAD_NO = re.compile(rf"{_PLACE}{{2,6}}(?:路|街(?!道)|大道|巷|弄|胡同)[{_CN_NUM}]+号(?:院)?")
_COMPOUND = re.compile(rf"{_PLACE}{{2,8}}(?:小区|花园|公寓|家园|新村|大厦|名苑|雅苑)")
_BUILDING = re.compile(rf"[{_CN_NUM}A-Za-z]+(?:号楼|栋|幢)")
_UNIT = re.compile(rf"[{_CN_NUM}]+单元")
_ROOM = re.compile(r"[0-9]{2,5}(?:室|号房)")
_DASH_ADDRESS = re.compile(r"(?<![\d-])\d{1,3}-\d{1,2}-\d{2,4}(?![\d-])")
_VILLAGE = re.compile(rf"{_PLACE}{{2,4}}村(?:[{_CN_NUM}]+组)?")
_VILLAGE_GROUP = re.compile(rf"(?<=村)[{_CN_NUM}]+组")
# Village words that name no village.
_NOT_VILLAGES = ("农村", "乡村", "山村", "渔村", "城中村", "全村", "邻村", "各村", "本村", "该村", "行政村", "自然村")


def _placeholder_name(name: str) -> str:
    for double in DOUBLE_SURNAMES:
        if name.startswith(double):
            return double + "某"
    return name[0] + "某"


def _surname_of(candidate: str) -> str | None:
    for double in DOUBLE_SURNAMES:
        if candidate.startswith(double) and len(candidate) >= 3:
            return double
    if candidate and candidate[0] in SURNAMES:
        return candidate[0]
    return None


def _trim_name(candidate: str) -> str:
    """Cut a 2–4 character candidate at the first character that cannot be part of a name."""
    out = ""
    for ch in candidate:
        if ch in _NAME_STOP:
            break
        out += ch
    return out


class _Masker:
    def __init__(self, text: str):
        self.text = text
        self.findings: list[Finding] = []

    def sub(self, pattern: re.Pattern, kind: str, repl, *, group: int = 0, keep=None):
        def replace(match: re.Match) -> str:
            whole = match.group(0)
            target = match.group(group)
            if keep is not None and keep(target):
                return whole
            self.findings.append(Finding(kind, target))
            new = repl(target) if callable(repl) else repl
            if group:
                start, end = match.start(group) - match.start(0), match.end(group) - match.start(0)
                return whole[:start] + new + whole[end:]
            return new

        self.text = pattern.sub(replace, self.text)

    def mask_name(self, name: str) -> None:
        if len(name) < 2 or name not in self.text:
            return
        self.findings.append(Finding("name", name))
        self.text = self.text.replace(name, _placeholder_name(name))


def _card_digits_ok(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return 16 <= len(digits) <= 19


@lru_cache(maxsize=1)
def _segmenter():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return jieba.posseg


def _segmented_names(text: str) -> list[str]:
    """Person names the segmenter tags (nr) that start with a common surname."""
    names = []
    for pair in _segmenter().cut(text):
        word, flag = pair.word, pair.flag
        if flag != "nr" or not (2 <= len(word) <= 4) or "某" in word or re.search(f"{_TITLES}$", word):
            continue
        surname = _surname_of(word)
        if surname is None or (len(surname) == 1 and surname in _WEAK_SURNAMES):
            continue
        names.append(word)
    return names


def mask_personal_data(text: str, *, known_names=()) -> MaskResult:
    """Return ``text`` with personal data masked and the list of what was found."""
    m = _Masker(text or "")
    # Numbers first, longest and most specific first: an ID number would also pass as a card.
    m.sub(_EMAIL, "email", NUMBER_MASK)
    m.sub(_ID18, "id_number", NUMBER_MASK)
    m.sub(_CARD, "bank_card", NUMBER_MASK, keep=lambda v: not _card_digits_ok(v))
    m.sub(_ID15, "id_number", NUMBER_MASK)
    m.sub(_MOBILE, "phone", NUMBER_MASK)
    m.sub(_LANDLINE, "landline", NUMBER_MASK)
    m.sub(_LANDLINE_CONTEXT, "landline", NUMBER_MASK, group=2)
    m.sub(_IM, "im", NUMBER_MASK, group=2)
    # Addresses, fine-grained parts only (see the module docstring).
    m.sub(_ROAD_NO, "address", lambda v: "某" + re.search(r"(路|街|大道|巷|弄|胡同)", v).group(1) + "某号")
    m.sub(_COMPOUND, "address", lambda v: "某" + re.search(r"(小区|花园|公寓|家园|新村|大厦|名苑|雅苑)$", v).group(1))
    m.sub(_DASH_ADDRESS, "address", NUMBER_MASK)
    m.sub(_BUILDING, "address", lambda v: "某" + re.search(r"(号楼|栋|幢)$", v).group(1))
    m.sub(_UNIT, "address", "某单元")
    m.sub(_ROOM, "address", lambda v: "某" + re.search(r"(室|号房)$", v).group(1))
    m.sub(_VILLAGE, "address", lambda v: "某村" + ("某组" if v.endswith("组") else ""),
          keep=lambda v: v.endswith(_NOT_VILLAGES) or v.rstrip(_CN_NUM + "组").endswith(_NOT_VILLAGES)
          or "某" in v)
    m.sub(_VILLAGE_GROUP, "address", "某组")
    # Names: the writer's own, then context, then the segmenter.
    for name in sorted({n.strip() for n in known_names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        m.mask_name(name)
    for match in list(re.finditer(rf"{_NAME_CONTEXT}[::\s]*([{_CJK}]{{2,4}})", m.text)):
        candidate = _trim_name(match.group(1))
        surname = _surname_of(candidate)
        if surname and 2 <= len(candidate) <= 4 and "某" not in candidate:
            m.mask_name(candidate[: max(len(surname) + 2, 3)] if len(candidate) > 3 else candidate)
    surname_class = "".join(sorted(SURNAMES - _WEAK_SURNAMES))
    for match in list(re.finditer(rf"([{surname_class}][{_CJK}]{{1,2}}?)(?={_TITLES})", m.text)):
        candidate = match.group(1)
        if len(candidate) >= 2 and "某" not in candidate and not any(ch in _NAME_STOP for ch in candidate):
            m.mask_name(candidate)
    for name in _segmented_names(m.text):
        m.mask_name(name)
    return MaskResult(m.text, m.findings, source=text or "")
