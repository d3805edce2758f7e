"""Demo letters for the demo county: a letters office (县信访局) with its clerk, two
departments' handlers and heads, and ~30 letters in every state, all made through the
real services. Idempotent: people and units are created only when missing; the letters
only when none of the demo letters exists yet.
"""

from __future__ import annotations

from zhengwu.accounts import mfa as account_mfa
from zhengwu.accounts import services as account_services
from zhengwu.accounts.models import User, id_number_index_for
from zhengwu.org import services as org_services
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import Role

from . import services
from .models import Letter

OFFICE_CODE = "SLX-34"
DEMO_PASSWORD = "Demo@2026zw"
DEMO_STAFF = [
    # username, real name, unit code, role
    ("xfj_fenban", "信访局分办演示员", OFFICE_CODE, Role.LETTER_CLERK),
    ("rsj_banli", "人社局承办演示员", "SLX-07", Role.HANDLER),
    ("rsj_fuze", "人社局负责人演示员", "SLX-07", Role.DEPARTMENT_HEAD),
    ("hbj_banli", "环保局承办演示员", "SLX-09", Role.HANDLER),
    ("hbj_fuze", "环保局负责人演示员", "SLX-09", Role.DEPARTMENT_HEAD),
]
# Writers besides 张三: the user limit on letters per hour is per person.
DEMO_CITIZENS = [("李四", "110101199205150028", "13900002222"), ("王五", "110101198807200032", "13700003333")]

# (channel, category, title, body, township code, department code, end state)
LETTERS = [
    ("county_head", "environment", "楼下饭店油烟太大", "我住在城关镇阳光小区3栋,楼下新开的饭店每天油烟直接排到居民窗户上,晚上十点以后还在营业,噪音也很大,请有关部门管一管。联系电话13912345678。", "SLX-T01", "SLX-09", "closed_satisfied"),
    ("complaint", "labour", "工资被拖欠三个月", "本人在石桥镇某建筑工地打工,老板已经拖欠我们二十多个工人三个月工资,共计十几万元,多次讨要无果,请劳动部门帮忙。", "SLX-T04", "SLX-07", "published"),
    ("consultation", "education", "孩子上学的学区怎么划分", "我家刚搬到东城街道,孩子今年九月上小学一年级,想咨询一下学区是怎么划分的,需要准备哪些材料?", "SLX-T02", "SLX-02", "replied"),
    ("petition", "labour", "社保断缴后如何补缴", "我叫王五,之前单位没有给我缴纳社保,断缴了两年,现在想补缴,不知道去哪里办理,需要什么手续。", "SLX-T03", "SLX-07", "closed_unsatisfied"),
    ("suggestion", "transport", "建议增加城关镇到河口乡的公交班次", "目前城关镇到河口乡每天只有四班公交,早上七点以后就没有车了,上班上学很不方便,建议增加早晚班次。", "SLX-T03", "SLX-11", "handling"),
    ("department", "environment", "河口村沙场夜间噪音扰民", "河口乡河口村附近的沙场每天夜里开工,机器声音很大,村民休息不好,希望环保部门查处。", "SLX-T03", "SLX-09", "reviewing"),
    ("complaint", "market", "超市出售过期食品", "东城街道某超市货架上有过期的牛奶和面包,我买回家才发现,找店家理论不予退换。", "SLX-T02", "SLX-43", "handling"),
    ("county_head", "urban_construction", "小区路灯坏了半年没人修", "城关镇城南社区的几条巷子路灯坏了半年,晚上老人孩子出门很不安全,物业说不归他们管。", "SLX-T01", "SLX-30", "transferred"),
    ("consultation", "civil_affairs", "高龄津贴怎么申请", "我父亲今年八十一岁,听说有高龄津贴,请问怎么申请?需要去哪里办?", "SLX-T04", "SLX-04", "closed_satisfied"),
    ("report", "public_safety", "有人在村里违规存放烟花爆竹", "石桥镇王家庄村有人在自家院子里大量存放烟花爆竹,离小学很近,存在安全隐患。", "SLX-T04", "SLX-38", "handling"),
    ("petition", "agriculture", "土地承包合同纠纷", "本人承包的五亩耕地被村里重新分给别人,承包合同还没到期,多次找村委会没有结果。", "SLX-T04", "SLX-13", "accepted"),
    ("suggestion", "gov_services", "建议政务服务中心周末开放", "上班族工作日没有时间办事,建议县政务服务中心周六上午开放半天。", "", "SLX-32", "submitted"),
    ("complaint", "health", "卫生院看病排队时间太长", "河口乡卫生院只有一个医生坐诊,每次看病都要排两三个小时。", "SLX-T03", "SLX-16", "submitted"),
    ("county_head", "other", "县城停车难", "县城中心区域停车位太少,经常找不到地方停车,建议规划建设公共停车场。", "SLX-T01", "SLX-10", "not_accepted"),
    ("consultation", "gov_services", "营业执照网上能办吗", "想开一家小餐馆,请问营业执照能不能在网上申请?需要多长时间?", "", "SLX-43", "closed_satisfied"),
    ("complaint", "urban_construction", "装修噪音中午不停", "东城街道新华社区楼上装修,中午和晚上都在电钻,投诉物业也没用。", "SLX-T02", "SLX-30", "joint"),
    ("suggestion", "environment", "建议河道定期清理", "沙湾村旁边的河道垃圾很多,夏天有臭味,建议定期清理。", "SLX-T03", "SLX-12", "closed_basic"),
    ("consultation", "labour", "失业保险金怎么领", "我上个月被公司辞退了,请问失业保险金怎么申请领取?", "SLX-T01", "SLX-07", "replied"),
    ("county_head", "education", "学校门口交通拥堵", "城关镇第一小学门口上下学时段车辆拥堵严重,孩子过马路很危险,建议安排交警疏导。", "SLX-T01", "SLX-03", "handling"),
    ("complaint", "labour", "公司不签劳动合同", "我在县城一家物流公司上班半年了,公司一直不和我签劳动合同,也不交社保。", "SLX-T02", "SLX-07", "reviewing"),
    ("petition", "urban_construction", "房屋征收补偿标准不合理", "我家房屋在征收范围内,补偿标准比周边低很多,希望重新评估。", "SLX-T02", "SLX-10", "extension"),
    ("suggestion", "health", "建议增加社区健康体检", "建议每年为六十岁以上老人提供一次免费健康体检,并在社区就近开展。", "SLX-T02", "SLX-16", "closed_satisfied"),
    ("consultation", "transport", "驾驶证到期换证流程", "驾驶证下个月到期,请问换证需要体检吗?在哪里办理?", "", "SLX-03", "published"),
    ("complaint", "environment", "养猪场臭味影响生活", "柳树村附近的养猪场臭味很大,粪水直接排到沟里,村民意见很大。", "SLX-T01", "SLX-09", "closed_satisfied"),
    ("county_head", "agriculture", "农产品销售难", "今年苹果丰收但是卖不出去,价格很低,希望政府帮忙拓宽销售渠道。", "SLX-T04", "SLX-14", "handling"),
    ("consultation", "civil_affairs", "结婚登记需要什么材料", "我和女朋友准备结婚登记,请问需要带什么材料?可以预约吗?", "", "SLX-04", "replied"),
    ("complaint", "market", "快递网点乱收费", "东城街道的快递网点取件要额外收费两元,这样合理吗?", "SLX-T02", "SLX-43", "closed_unsatisfied"),
    ("suggestion", "urban_construction", "建议老旧小区加装电梯", "城关镇很多老旧小区没有电梯,老人上下楼困难,建议政府出台加装电梯补贴政策。", "SLX-T01", "SLX-10", "submitted"),
    ("consultation", "education", "教师资格证认定时间", "请问今年教师资格证认定什么时候开始?在哪里提交材料?", "", "SLX-02", "closed_basic"),
    ("complaint", "health", "药店药品价格过高", "县城某药店同一种药比别的药店贵一倍,请市场监管部门查一查。", "SLX-T01", "SLX-43", "handling"),
]


def _staff(username: str, real_name: str, unit: Unit, role: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.staff_create(
            actor=None, username=username, real_name=real_name, phone="", password=DEMO_PASSWORD, is_demo=True,
        )
    if user.is_demo:
        account_mfa.demo_totp_device_ensure(user=user)
    if not Assignment.objects.filter(user=user, unit=unit, role=role).exists():
        org_services.assignment_grant(actor=None, user=user, unit=unit, role=role)
    return user


def _citizens() -> list[User]:
    people = []
    for name, id_number, phone in DEMO_CITIZENS:
        user = User.objects.filter(id_number_index=id_number_index_for(id_number)).first()
        if user is None:
            user = account_services.citizen_register(name=name, id_number=id_number, phone=phone,
                                                     password=DEMO_PASSWORD, is_demo=True)
        people.append(user)
    zhang = User.objects.filter(id_number_index=id_number_index_for("110101199003070011")).first()
    return ([zhang] if zhang else []) + people


def _drive(letter: Letter, state: str, people: dict, department: Unit, writer) -> None:
    """Take a submitted letter to ``state`` through the services."""
    clerk = people["clerk"]
    if state == "submitted":
        return
    if state == "accepted":
        services.letter_accept(actor=clerk, letter=letter)
        return
    if state == "not_accepted":
        services.letter_not_accept(actor=clerk, letter=letter, reason="该事项属于城市规划建议,已转县住建局作为规划参考,不作为信件办理。")
        return
    handler, head = people.get(f"handler:{department.code}"), people.get(f"head:{department.code}")
    if state not in ("handling", "joint", "transferred") and (handler is None or head is None):
        # Other departments get a demo handler and head the first time a demo letter needs them.
        suffix = department.code.split("-")[-1]
        handler = people[f"handler:{department.code}"] = _staff(
            f"bm{suffix}_banli", f"{department.name}承办演示员", department, Role.HANDLER)
        head = people[f"head:{department.code}"] = _staff(
            f"bm{suffix}_fuze", f"{department.name}负责人演示员", department, Role.DEPARTMENT_HEAD)
    co = ["SLX-10"] if state == "joint" else []
    services.letter_assign(actor=clerk, letter=letter, department=department, reason="按职责交办", co_departments=co)
    if state == "transferred":
        services.letter_transfer(actor=clerk, letter=letter, department="SLX-10", reason="路灯维护属住建局职责,转办")
        return
    if state in ("handling", "joint") or handler is None or head is None:
        return
    if state == "extension":
        services.letter_extension_request(actor=handler, letter=letter, reason="需要委托第三方重新评估,时间较长")
        services.letter_extension_decide(actor=head, letter=letter, approve=True, reason="同意")
        return
    services.letter_reply_draft(actor=handler, letter=letter, body=(
        f"您好,您反映的“{letter.title}”问题已收悉。经我单位调查核实,已责成相关责任人在十个工作日内整改,"
        "整改情况将向您反馈。感谢您对我县工作的关心和支持。"))
    if state == "reviewing":
        return
    services.letter_reply_decide(actor=head, letter=letter, approve=True)
    if writer is None or state == "replied":
        return
    satisfaction = {"closed_satisfied": "satisfied", "published": "satisfied", "closed_basic": "basic",
                    "closed_unsatisfied": "unsatisfied"}.get(state)
    if satisfaction:
        services.letter_rate(actor=writer, letter=letter, satisfaction=satisfaction,
                             comment="问题还没有解决" if satisfaction == "unsatisfied" else "")
    if state == "published" and letter.publish_consent:
        letter.refresh_from_db()
        publication = services.publication_prepare(actor=clerk, letter=letter)
        services.publication_publish(actor=clerk, publication=publication, title=publication.title,
                                     body=publication.body, reply=publication.reply)


def letters_demo_load() -> str:
    county = Unit.objects.filter(code="SLX").first()
    if county is None:
        return "信件:未找到示例县,跳过"
    office = Unit.objects.filter(code=OFFICE_CODE).first()
    if office is None:
        office = org_services.unit_create(
            actor=None, code=OFFICE_CODE, name="县信访局", kind=Unit.Kind.DEPARTMENT, parent=county,
            responsibilities="负责受理、交办、转送群众来信来访,督促检查信访事项的处理,县长信箱和网上信访的分办。",
        )
    people = {}
    for username, real_name, code, role in DEMO_STAFF:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            continue
        user = _staff(username, real_name, unit, role)
        key = {Role.LETTER_CLERK: "clerk", Role.HANDLER: f"handler:{code}", Role.DEPARTMENT_HEAD: f"head:{code}"}[role]
        people[key] = user
    if Letter.objects.filter(title__in=[row[2] for row in LETTERS]).exists():
        return "信件:演示信件已存在,未重复创建(分办员 xfj_fenban,人社局 rsj_banli/rsj_fuze,环保局 hbj_banli/hbj_fuze)"
    writers = _citizens()
    made = 0
    for i, (channel, category, title, body, township, dept_code, state) in enumerate(LETTERS):
        department = Unit.objects.filter(code=dept_code).first()
        if department is None:
            continue
        anonymous = channel in ("report",) or (channel in ("suggestion", "consultation") and i % 4 == 0)
        writer = None if anonymous else writers[i % len(writers)] if writers else None
        letter = services.letter_submit(
            actor=writer, channel=channel, category=category, title=title, body=body, township=township or None,
            addressed_to=dept_code if channel == "department" else None, publish_consent=True,
            anonymous=writer is None, enforce_rate_limit=False,
        )
        _drive(letter, state, people, department, writer)
        made += 1
    return (f"信件:创建县信访局和 {made} 封演示信件(分办员 xfj_fenban,人社局 rsj_banli/rsj_fuze,"
            f"环保局 hbj_banli/hbj_fuze,密码 {DEMO_PASSWORD})")
