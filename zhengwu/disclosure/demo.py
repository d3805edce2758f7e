"""Demo content of 政务公开 for the demo county (示例县), loaded by ``manage.py load_demo_county``.

Published records arrive through ``disclosure_import`` with first-publish dates relative
to today, so the demo's site-health page starts green; one draft and one record waiting
for review are written through the normal services by the demo 信息员 ``zfb_bianji``
so the 审核员 ``zfb_fabu`` has something in the queue. Idempotent: a record whose
department and title already exist is skipped.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhengwu.accounts.models import User
from zhengwu.catalog.models import Item
from zhengwu.org.models import Unit

from . import services
from .models import Column, Disclosure, DocumentKind, Validity

# (department code, column, days ago, title, document number, catalog item, kind, body)
PUBLISHED = [
    ("SLX-31", Column.NEWS, 1, "县政府召开第十二次常务会议", "", "", "",
     "会议研究部署了当前经济运行、安全生产和民生实事项目推进等工作。\n\n会议强调,各部门要对照年度目标任务,倒排工期、压实责任,确保各项工作按期完成。"),
    ("SLX-31", Column.NEWS, 3, "示例县政务服务中心推行“一窗受理、集成服务”", "", "", "",
     "县政务服务中心综合窗口正式运行,群众办理户籍、社保、不动产登记等高频事项,只需在一个窗口提交一次材料。"),
    ("SLX-31", Column.NEWS, 6, "县领导督导检查防汛准备工作", "", "GK010", "",
     "县领导一行先后来到河口乡、石桥镇,实地查看重点水库和山塘的防汛准备,要求落实“一库一策”。"),
    ("SLX-02", Column.NEWS, 8, "县教育局开展秋季开学安全大检查", "", "", "",
     "检查组对全县中小学校舍安全、食堂卫生和校车运营情况进行了全面检查,现场整改问题 23 处。"),
    ("SLX-31", Column.NOTICE, 2, "关于国庆节放假期间做好值班工作的通知", "示政办发明电〔2026〕12号", "", "",
     "各乡镇人民政府、街道办事处,县政府各部门:\n\n国庆节放假期间,各单位要严格执行领导带班和 24 小时值班制度,遇有重大突发事件及时报告。"),
    ("SLX-07", Column.NOTICE, 20, "关于开展2026年度社会保险待遇资格认证的公告", "", "GK009", "",
     "领取养老保险待遇的人员可通过线上自助认证或到各乡镇便民服务中心现场认证,认证时间为全年。"),
    ("SLX-09", Column.NOTICE, 45, "关于2026年第三季度重点排污单位监督性监测结果的公告", "", "GK011", "",
     "本季度共监测重点排污单位 18 家,达标 17 家,超标 1 家已责令限期整改。"),
    ("SLX-31", Column.POLICY, 60, "示例县行政规范性文件管理办法", "示政发〔2026〕3号", "GK001", DocumentKind.NORMATIVE,
     ("第一条 为加强行政规范性文件管理,推进依法行政,根据有关法律、法规和规章,结合本县实际,制定本办法。\n\n"
     "第二条 本办法所称行政规范性文件,是指除国务院的行政法规、决定、命令以及部门规章和地方政府规章外,"
     "由行政机关依照法定权限、程序制定并公开发布,涉及公民、法人和其他组织权利义务,具有普遍约束力,"
     "在一定期限内反复适用的公文。")),
    ("SLX-31", Column.POLICY, 400, "示例县农村宅基地管理暂行规定", "示政发〔2025〕8号", "GK017", DocumentKind.NORMATIVE,
     "为规范农村宅基地审批和使用管理,保护农民合法权益,制定本规定。"),
    ("SLX-04", Column.POLICY, 90, "示例县城乡居民最低生活保障实施细则", "示民发〔2026〕5号", "GK050", DocumentKind.NORMATIVE,
     ("本细则所称最低生活保障,是指对共同生活的家庭成员人均收入低于当地最低生活保障标准,"
     "且符合财产状况规定的家庭,给予基本生活物质帮助。")),
    ("SLX-06", Column.BUDGET, 30, "示例县2026年县级一般公共预算", "", "GK004", "",
     "2026年县级一般公共预算收入安排 12.6 亿元,支出安排 28.3 亿元,其中民生支出占比 81%。"),
    ("SLX-06", Column.BUDGET, 35, "示例县2025年县级财政决算", "", "GK004", "",
     "2025年全县一般公共预算收入完成 12.1 亿元,为调整预算的 101.2%。"),
    ("SLX-07", Column.PERSONNEL, 12, "示例县2026年公开招聘事业单位工作人员拟聘用人员公示", "", "", "",
     "经笔试、面试、体检和考察,现将拟聘用人员名单予以公示,公示期 7 个工作日。"),
    ("SLX-31", Column.PERSONNEL, 40, "示例县人民政府关于张某某等同志职务任免的通知", "示政任〔2026〕4号", "", "",
     "经县人民政府研究决定:任命张某某为县发展和改革局副局长;免去李某某的县交通运输局副局长职务。"),
    ("SLX-01", Column.PLAN, 100, "示例县国民经济和社会发展第十五个五年规划纲要", "", "GK002", "",
     "规划期内,全县地区生产总值年均增长 6% 左右,城乡居民人均可支配收入增长与经济增长基本同步。"),
    ("SLX-12", Column.PLAN, 70, "示例县2026年小型农田水利建设计划", "", "GK036", "",
     "全年计划新建和改造小型农田水利设施 120 处,新增和改善灌溉面积 1.8 万亩。"),
    ("SLX-31", Column.OTHER, 15, "示例县2025年政府信息公开工作年度报告", "", "", "",
     "本报告根据《中华人民共和国政府信息公开条例》要求,由示例县人民政府办公室编制。"),
    ("SLX-10", Column.OTHER, 25, "关于城南片区棚户区改造项目实施情况的说明", "", "GK062", "",
     "城南片区棚户区改造项目共涉及 312 户,已完成签约 298 户。"),
]

INTERPRETATION = (
    "SLX-31", 58, "《示例县行政规范性文件管理办法》政策解读",
    "示例县行政规范性文件管理办法",
    ("一、制定背景\n\n为落实国务院关于加强行政规范性文件制定和监督管理工作的要求,规范我县行政规范性文件的制定程序。\n\n"
    "二、主要内容\n\n《办法》共六章三十条,明确了起草、征求意见、合法性审核、集体审议、公开发布和备案等环节的要求。"),
)


def _at(days_ago: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))


def _exists(unit: Unit, title: str) -> bool:
    return Disclosure.objects.filter(department=unit, title=title).exists()


def disclosure_demo_load() -> str:
    units = {u.code: u for u in Unit.objects.filter(code__startswith="SLX")}
    if "SLX-31" not in units:
        return "政务公开:未找到示例县机构,跳过"
    items = {i.code: i for i in Item.objects.filter(code__startswith="GK")}
    created = 0
    for code, column, days, title, number, item_code, kind, body in PUBLISHED:
        unit = units.get(code)
        if unit is None or _exists(unit, title):
            continue
        published_at = _at(days)
        old_repealed = days > 365 and column == Column.POLICY
        services.disclosure_import(
            actor=None, department=unit, column=column, title=title, body_html=body,
            first_published_at=published_at, document_number=number, catalog_item=items.get(item_code),
            document_kind=kind, written_on=(published_at - dt.timedelta(days=3)).date(),
            issuing_body="示例县人民政府" if code == "SLX-31" and column == Column.POLICY else "",
            validity=Validity.REPEALED if old_repealed else Validity.VALID,
            validity_changed_on=(timezone.localdate() - dt.timedelta(days=30)) if old_repealed else None,
        )
        created += 1
    code, days, title, policy_title, body = INTERPRETATION
    policy = Disclosure.objects.filter(title=policy_title, column=Column.POLICY).first()
    if policy is not None and not _exists(units[code], title):
        services.disclosure_import(
            actor=None, department=units[code], column=Column.INTERPRETATION, title=title, body_html=body,
            first_published_at=_at(days), interprets=policy, catalog_item=items.get("GK001"),
        )
        created += 1
    created += _workflow_examples(units["SLX-31"])
    return f"政务公开:新增 {created} 条演示信息"


def _workflow_examples(office: Unit) -> int:
    """A draft and a submitted record by the demo 信息员, for the review queue."""
    editor = User.objects.filter(username="zfb_bianji").first()
    if editor is None:
        return 0
    created = 0
    draft_title = "关于做好2026年冬季森林防火工作的通知(草稿)"
    if not _exists(office, draft_title):
        services.disclosure_create(
            actor=editor, department=office, column=Column.NOTICE, title=draft_title,
            body_html="各乡镇人民政府、街道办事处:\n\n进入冬季森林防火期,请各地落实网格化管护责任。",
        )
        created += 1
    pending_title = "示例县2026年重点民生实事项目进展情况"
    if not _exists(office, pending_title):
        row = services.disclosure_create(
            actor=editor, department=office, column=Column.NEWS, title=pending_title,
            body_html="截至目前,全县 10 件民生实事项目已完成 7 件,其余 3 件按计划推进。",
        )
        services.disclosure_submit(actor=editor, disclosure=row)
        created += 1
    return created
