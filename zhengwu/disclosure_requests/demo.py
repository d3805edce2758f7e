"""Demo content: disclosure officers, a department head, requests at different stages and a draft report.

Registered with ``zhengwu.core.registries.demo.register_demo_loader``; runs after the demo county
exists, through the services only, and does nothing on a second run.
"""

from __future__ import annotations

from django.utils import timezone

from zhengwu.accounts.models import User, id_number_index_for
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import Role

from .codes import RequesterSubtype, RequesterType
from .models import AnnualReport, DisclosureRequest

DEMO_STAFF = (
    # (login, name, unit code, post)
    ("zfb_gongkai", "政府办依申请公开经办人", "SLX-31", Role.DISCLOSURE_OFFICER),
    ("zfb_fuzeren", "政府办部门负责人", "SLX-31", Role.DEPARTMENT_HEAD),
    ("gaj_gongkai", "公安局依申请公开经办人", "SLX-03", Role.DISCLOSURE_OFFICER),
)
DEMO_CITIZEN_ID = "110101199003070011"
DEMO_ENTERPRISE_CODE = "91110000MA01DEM005"


def _staff(units: dict[str, Unit]) -> dict[str, User]:
    from zhengwu.accounts import mfa as account_mfa
    from zhengwu.accounts import services as account_services
    from zhengwu.core.registries.demo import demo_data
    from zhengwu.org import services as org_services

    password = demo_data()["accounts"]["password"]
    out = {}
    for login, name, unit_code, role in DEMO_STAFF:
        user = User.objects.filter(username=login).first()
        if user is None:
            user = account_services.staff_create(actor=None, username=login, real_name=name, phone="",
                                                 password=password, is_demo=True)
        if user.is_demo:
            account_mfa.demo_totp_device_ensure(user=user)
        if not Assignment.objects.filter(user=user, unit=units[unit_code], role=role).exists():
            org_services.assignment_grant(actor=None, user=user, unit=units[unit_code], role=role)
        out[login] = user
    return out


def demo_load() -> str:
    from . import services
    from .services import report as services_report

    units = {u.code: u for u in Unit.objects.filter(code__in=["SLX-31", "SLX-03"])}
    citizen = User.objects.filter(id_number_index=id_number_index_for(DEMO_CITIZEN_ID)).first()
    enterprise = User.objects.filter(username=DEMO_ENTERPRISE_CODE).first()
    if len(units) < 2 or citizen is None or enterprise is None:
        return "依申请公开:未找到示例县或演示账户,跳过"
    staff = _staff(units)
    office, police = units["SLX-31"], units["SLX-03"]
    officer, police_officer = staff["zfb_gongkai"], staff["gaj_gongkai"]
    created = 0
    if not DisclosureRequest.objects.exists():
        def submit(actor, department, description, **kw):
            return services.request_submit(actor=actor, department=department, description=description,
                                           contact_phone=kw.pop("phone", "13800001234"), **kw)

        # 1. Just received: waits for registration.
        submit(citizen, office, "请公开本县2025年城区老旧小区改造项目的资金安排和实施计划。", purpose="了解所在小区改造安排")
        # 2. A company's request under third-party consultation (the clock stands still).
        r2 = submit(enterprise, office, "请提供本县2025年政府采购中标供应商名单。", requester_subtype=RequesterSubtype.COMMERCIAL)
        services.request_register(actor=officer, request=r2)
        services.request_consultation_start(actor=officer, request=r2, note="涉及中标企业商业信息,书面征求相关企业意见")
        # 3. Too vague: a correction was asked for.
        r3 = submit(citizen, office, "请公开有关文件。")
        services.request_register(actor=officer, request=r3)
        services.request_correction_ask(actor=officer, request=r3, note="请写明所需文件的名称、文号或其他能够指向该文件的特征描述。")
        # 4. A letter from a law firm, entered by the officer; an extension awaits the head.
        r4 = services.request_submit(
            actor=officer, channel=DisclosureRequest.Channel.LETTER, requester_type=RequesterType.LEGAL,
            requester_subtype=RequesterSubtype.LEGAL_SERVICE, requester_name="示例律师事务所",
            contact_phone="13900005678", department=office,
            description="请提供2024年县政府常务会议关于征地补偿标准调整的会议纪要。", form=DisclosureRequest.Form.PAPER,
        )
        services.request_register(actor=officer, request=r4)
        services.request_extension_ask(actor=officer, request=r4, reason="涉及多个部门,需要会商后答复")
        # 5. Answered: 予以公开 by the police, 不予公开 (third party) by the government office.
        r5 = submit(citizen, police, "请公开本县2025年道路交通事故统计数据。")
        services.request_register(actor=police_officer, request=r5)
        services.request_reply(actor=police_officer, request=r5, outcome="1",
                               text="经查,您申请的信息属于公开范围,统计数据见本答复正文:全年共发生道路交通事故 126 起。")
        r6 = submit(enterprise, office, "请提供某企业的营业收入和纳税信息。", requester_subtype=RequesterSubtype.COMMERCIAL)
        services.request_register(actor=officer, request=r6)
        services.request_reply(actor=officer, request=r6, outcome="3.4",
                               text="您申请的信息涉及第三方商业秘密,公开会损害第三方合法权益,根据《条例》第十五条不予公开。")
        created = 6
    year = timezone.localdate().year
    report = AnnualReport.objects.filter(year=year).first()
    if report is None:
        report = services_report.report_create(actor=None, year=year)
        services_report.report_update(
            actor=None, report=report,
            overview=f"{year}年,本县坚持以公开为常态、不公开为例外,依法依规做好政府信息公开工作。(演示草稿)",
            problems="依申请公开答复的规范性有待进一步提高。", other_matters="无。",
            manual={"penalty_decisions": "12", "coercion_decisions": "3", "fees_amount": "0"},
        )
    return (
        f"依申请公开:新建演示申请 {created} 件;{year}年度报告草稿;"
        "经办人 zfb_gongkai / gaj_gongkai,部门负责人 zfb_fuzeren(密码同其他演示账户)"
    )
