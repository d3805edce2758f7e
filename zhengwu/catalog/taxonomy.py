"""How the catalog loader first sorts items for browsing: audience, life events, township.

The basic catalog gives only an item's name, so the loader classifies power and
convenience items once, by keywords in the name, when an item has no audience yet.
Administrators then correct any item in the admin (事项 → 服务对象 / 人生事件 / 乡镇可办);
the loader never classifies an item again once it has an audience, so their edits stay.

The rules, in order (documented in README 网上办事):

1. **Audience** (服务对象). A name with a PERSON keyword and a LEGAL keyword is for both;
   only PERSON → 个人; only LEGAL → 法人. A name with neither is 法人 when it is a
   licence, approval or filing (LICENCE_WORDS: those are asked for by businesses and
   organisations), otherwise both.
2. **Life events** (人生事件/企业事件). An item gets every event one of whose keywords
   occurs in its name, limited to events of its audience (a person's event never tags an
   item only businesses apply for).
3. **Township** (乡镇可办). Items whose name has a TOWNSHIP keyword are accepted at the
   townships' and streets' service centres (便民服务中心/代办点), as counties do for
   宅基地、低保、计生 and the like.
"""

from __future__ import annotations

from dataclasses import dataclass

PERSON = "person"
LEGAL = "legal"
BOTH = "both"

PERSON_WORDS = (
    "居民身份证", "身份证", "户口", "驾驶证", "收养", "最低生活保障", "救助", "老年", "五保", "养老金",
    "退休", "生育", "失业", "就业", "宅基地", "个人所得税", "储蓄存款利息", "转学", "休学", "教师资格",
    "执业医师", "护士执业", "执业兽医", "助理兽医", "乡村兽医", "社会保障卡", "参保", "廉租住房",
    "经济适用住房", "独生子女", "计划生育家庭", "少生快富", "婚育", "一孩", "避孕节育", "建房",
    "法律援助", "纠纷调解", "劳动争议", "个体", "机动车登记", "机动车所有权", "拖拉机", "联合收割机",
    "房屋所有权", "房屋抵押", "房屋预告", "房屋更正", "集体土地范围内房屋", "死亡", "工伤保险待遇",
    "从业资格", "职业资格", "作业人员", "土地承包", "农业保险", "政策咨询", "有线电视", "车船税",
    "契税", "医疗保险", "墓地",
)
LEGAL_WORDS = (
    "企业", "公司", "单位", "机构", "经营", "场所", "项目", "工程", "施工", "开发", "社会团体", "学校",
    "合作社", "个体工商户", "征收", "公章", "广告", "旅馆", "印刷", "演出", "药店", "餐饮", "烟草",
    "粮食收购", "商品房", "排污", "取水", "种子", "代理记账", "资质", "税务登记", "增值税", "发票",
    "三资", "外商", "年检", "劳动用工", "集体合同", "工时", "费率", "许可证核发",
)
LICENCE_WORDS = ("许可", "审批", "核准", "备案", "验收", "审核", "审查")


@dataclass(frozen=True)
class LifeEventSpec:
    code: str
    audience: str
    name: str
    icon: str  # a file in portal/static/vendor/tabler-icons-*/, without ".svg"
    keywords: tuple[str, ...]


LIFE_EVENTS: tuple[LifeEventSpec, ...] = (
    LifeEventSpec("birth", PERSON, "出生", "baby-carriage",
                  ("生育服务证", "生育保险", "再生育", "独生子女", "出生", "一孩")),
    LifeEventSpec("school", PERSON, "上学", "school", ("转学", "休学", "学籍", "入学")),
    LifeEventSpec("work", PERSON, "就业", "briefcase",
                  ("就业", "失业", "职业资格", "从业资格", "教师资格", "执业医师", "护士执业", "劳动争议",
                   "工伤保险待遇", "执业兽医", "助理兽医", "乡村兽医", "作业人员", "客运资格")),
    LifeEventSpec("family", PERSON, "婚育", "heart",
                  ("收养", "婚育", "一孩", "生育", "计划生育家庭", "独生子女", "避孕节育", "少生快富")),
    LifeEventSpec("housing", PERSON, "住房", "home",
                  ("宅基地", "住房", "房屋所有权", "房屋抵押", "房屋预告", "房屋更正", "集体土地范围内房屋",
                   "建房", "契税", "乡村建设工程规划许可")),
    LifeEventSpec("identity", PERSON, "户籍证件", "id",
                  ("居民身份证", "临时身份证", "户口", "社会保障卡")),
    LifeEventSpec("driving", PERSON, "驾车出行", "car",
                  ("驾驶证", "机动车登记", "机动车所有权", "车船税", "车辆购置税", "拖拉机")),
    LifeEventSpec("welfare", PERSON, "社保救助", "lifebuoy",
                  ("最低生活保障", "医疗救助", "临时救助", "五保", "法律援助", "医疗保险", "参保",
                   "失业保险", "农业保险", "合作医疗")),
    LifeEventSpec("old_age", PERSON, "养老", "old",
                  ("老年", "养老金", "养老保险", "退休", "五保")),
    LifeEventSpec("after_death", PERSON, "身后事", "flower",
                  ("死亡", "殡仪", "骨灰", "墓地", "户口注销")),
    LifeEventSpec("start", LEGAL, "开办企业", "building-store",
                  ("企业名称预先核准", "企业登记", "个体工商户登记", "税务登记", "刻制公章", "公章刻制",
                   "组织机构代码", "合作社登记", "企业设立", "社会保险登记", "设立", "成立")),
    LifeEventSpec("operate", LEGAL, "经营", "building-factory",
                  ("经营许可", "许可证核发", "卫生许可", "年检", "验照", "营业", "变更", "发票",
                   "最高开票限额", "劳动用工", "工时")),
    LifeEventSpec("build", LEGAL, "投资建设", "crane",
                  ("投资项目", "建设项目", "建设工程", "施工", "规划许可", "用地", "竣工验收", "消防设计",
                   "环境影响", "水土保持", "工程")),
    LifeEventSpec("tax", LEGAL, "纳税缴费", "receipt-tax", ("税", "社会保险费", "征收")),
    LifeEventSpec("close", LEGAL, "注销", "building-off", ("注销", "解散", "清算", "终止")),
)

TOWNSHIP_WORDS = (
    "宅基地", "最低生活保障", "医疗救助", "临时救助", "五保", "老年(优待)证", "计划生育", "独生子女", "一孩",
    "避孕节育", "婚育证明", "少生快富", "再生育", "土地承包", "一事一议", "合作医疗", "城镇居民医疗保险",
    "就业登记", "社会保障卡", "村居民建房", "乡村建设工程规划许可", "纠纷调解", "法律援助", "农业保险",
    "农业技术", "公益性墓地",
)


@dataclass(frozen=True)
class Classification:
    audience: str
    events: tuple[str, ...]
    township_level: bool


def _has(name: str, words) -> bool:
    return any(w in name for w in words)


def classify(name: str) -> Classification:
    """Sort one item by its name (see the module docstring for the rules)."""
    person, legal = _has(name, PERSON_WORDS), _has(name, LEGAL_WORDS)
    if person and legal:
        audience = BOTH
    elif person:
        audience = PERSON
    elif legal or _has(name, LICENCE_WORDS):
        audience = LEGAL
    else:
        audience = BOTH
    allowed = {PERSON, LEGAL} if audience == BOTH else {audience}
    events = tuple(e.code for e in LIFE_EVENTS if e.audience in allowed and _has(name, e.keywords))
    return Classification(audience=audience, events=events, township_level=_has(name, TOWNSHIP_WORDS))
