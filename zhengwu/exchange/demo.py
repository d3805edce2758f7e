"""Demo catalog of the data sharing and exchange platform, in the shape of the seed article:
55 departments, about 1,210 table resources and 16,800 indicator fields, a few thousand
records in some tables. Loaded by ``manage.py load_demo_county`` (registered in apps.py),
only when the demo catalog is not there yet; fast (one bulk import, tables created only
for the resources that get rows).

Demo accounts (password as the demo county's): ``dzzwb_shuju`` (电子政务办, the data
office), ``mzj_shuju`` (民政局), ``jyj_shuju`` (教育局) and the existing ``czj_shuju``
(财政局), all 数据管理员. 教育局 still owes one resource, so its request is refused
until it loads the data.
"""

from __future__ import annotations

import random

from django.utils import timezone

from zhengwu.accounts import mfa as account_mfa
from zhengwu.accounts import services as account_services
from zhengwu.accounts.models import User
from zhengwu.org import services as org_services
from zhengwu.org.models import Assignment, Unit
from zhengwu.org.roles import Role

from . import datastore as ds
from . import services
from .ingest import load_finish
from .models import ExchangeConfig, Resource, ResourceField, ShareType, UpdateCycle

DEMO_PASSWORD = "Demo@2026zw"
DATA_OFFICE_CODE = "SLX-34"
TARGET_TABLES = 1210
EDUCATION_OWED = "slx-02-002"  # the one resource 教育局 has not provided yet

# Departments the demo county lacks, to reach the article's 55 (电子政务办 first: the data office).
EXTRA_DEPARTMENTS = [
    ("SLX-34", "县电子政务办公室"), ("SLX-35", "县科学技术局"), ("SLX-36", "县工业和信息化局"),
    ("SLX-37", "县退役军人事务局"), ("SLX-38", "县应急管理局"), ("SLX-39", "县审计局"), ("SLX-40", "县林业局"),
    ("SLX-41", "县畜牧水产局"), ("SLX-42", "县医疗保障局"), ("SLX-43", "县市场监督管理局"), ("SLX-44", "县行政审批服务局"),
    ("SLX-45", "县自然资源局"), ("SLX-46", "县乡村振兴局"), ("SLX-47", "县民族宗教事务局"), ("SLX-48", "县地方金融监督管理局"),
    ("SLX-49", "县机关事务管理局"), ("SLX-50", "县残疾人联合会"), ("SLX-51", "县总工会"), ("SLX-52", "县妇女联合会"),
    ("SLX-53", "县住房公积金管理中心"), ("SLX-54", "县气象局"), ("SLX-55", "县消防救援大队"),
]

# Subjects each department keeps tables about (the rest fall back to generic subjects).
SUBJECTS = {
    "民政": ["最低生活保障对象", "特困供养人员", "婚姻登记", "社会组织", "养老机构", "殡葬服务", "临时救助", "残疾人两项补贴"],
    "教育": ["在校学生学籍", "教师基本信息", "学校基本情况", "学生资助", "招生录取", "校车管理", "教育经费"],
    "公安": ["户籍人口", "暂住人口", "机动车登记", "驾驶人信息", "治安案件", "出入境证件"],
    "发展和改革": ["固定资产投资项目", "价格监测", "重点项目", "节能审查", "企业投资备案"],
    "司法": ["法律援助案件", "人民调解", "社区矫正对象", "律师事务所", "公证文书"],
    "财政": ["预算指标", "国库集中支付", "政府采购项目", "惠农补贴发放", "国有资产"],
    "人力资源和社会保障": ["养老保险参保", "失业保险待遇", "就业登记", "职业技能培训", "劳动保障监察案件"],
    "国土资源": ["土地出让", "不动产登记", "土地利用现状", "矿业权"],
    "环境保护": ["排污许可", "环境监测数据", "环境执法案件", "建设项目环评"],
    "住房和城乡建设": ["建筑施工许可", "商品房预售", "保障性住房", "建筑企业资质"],
    "交通运输": ["道路运输经营许可", "营运车辆", "公路养护", "客运班线"],
    "水利": ["水资源取水许可", "水利工程", "河道采砂", "防汛物资"],
    "农业农村": ["农业经营主体", "耕地地力补贴", "动物防疫", "农机购置补贴"],
    "卫生": ["医疗机构执业", "执业医师", "出生医学证明", "传染病报告"],
    "税务": ["纳税人登记", "税收征收", "发票领用", "欠税公告"],
    "市场监督管理": ["市场主体登记", "食品经营许可", "行政处罚", "特种设备"],
    "统计": ["规模以上工业企业", "人口抽样调查", "农产品产量", "国民经济核算"],
}
GENERIC_SUBJECTS = ["行政许可", "行政处罚", "服务对象", "专项资金", "工作人员", "统计报表", "项目管理", "检查记录"]
VARIANTS = ["基本信息", "变更记录", "年度统计", "审批记录", "名录"]
TOWNSHIPS = ["城关镇", "东城街道", "河口乡", "石桥镇"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华平刚桂兰"

# (name, title, type, length, personal)
EXTRA_FIELDS = [
    ("mc", "名称", "text", 100, ""), ("tyshxydm", "统一社会信用代码", "text", 18, ""), ("xm", "姓名", "text", 50, "name"),
    ("sfzh", "身份证号", "text", 18, "id_number"), ("lxdh", "联系电话", "text", 20, "phone"),
    ("dz", "地址", "text", 200, "address"), ("ssxz", "所属乡镇", "text", 20, ""), ("djrq", "登记日期", "date", None, ""),
    ("je", "金额(元)", "number", None, ""), ("sl", "数量", "integer", None, ""), ("zt", "状态", "text", 10, ""),
    ("jbr", "经办人", "text", 50, ""), ("spjg", "审批结果", "text", 20, ""), ("yxqz", "有效期至", "date", None, ""),
    ("bz", "备注", "text", 500, ""), ("gxsj", "更新时间", "datetime", None, ""), ("lb", "类别", "text", 20, ""),
    ("bm", "经办部门", "text", 100, ""),
]


def _staff(username: str, real_name: str, unit: Unit) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.staff_create(actor=None, username=username, real_name=real_name, phone="",
                                             password=DEMO_PASSWORD, is_demo=True)
    if user.is_demo:
        account_mfa.demo_totp_device_ensure(user=user)
    if not Assignment.objects.filter(user=user, unit=unit, role=Role.DATA_STEWARD).exists():
        org_services.assignment_grant(actor=None, user=user, unit=unit, role=Role.DATA_STEWARD)
    return user


def _departments() -> list[Unit]:
    county = Unit.objects.filter(code="SLX").first()
    if county is None:
        return []
    existing = {u.code for u in Unit.objects.filter(code__in=[c for c, _ in EXTRA_DEPARTMENTS])}
    for code, name in EXTRA_DEPARTMENTS:
        if code not in existing:
            org_services.unit_create(actor=None, code=code, name=name, kind=Unit.Kind.DEPARTMENT, parent=county)
    return list(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, parent=county).order_by("code"))


def _subjects(name: str) -> list[str]:
    for key, subjects in SUBJECTS.items():
        if key in name:
            return subjects
    return GENERIC_SUBJECTS


def _fields(rnd: random.Random, count: int, subject: str, *, open_data: bool = False) -> list[dict]:
    fields = [{"name": "bh", "title": f"{subject}编号", "type": "text", "length": 32, "is_key": True, "required": True}]
    pool = [f for f in EXTRA_FIELDS if not (open_data and f[4])]
    for name, title, ftype, length, personal in rnd.sample(pool, min(count - 1, len(pool))):
        f = {"name": name, "title": title, "type": ftype, "length": length, "personal": personal}
        if name == "ssxz":
            f["choices"] = TOWNSHIPS
        if name == "zt":
            f["choices"] = ["有效", "注销", "变更"]
        fields.append(f)
    return fields


def demo_entries(departments: list[Unit], *, target: int = TARGET_TABLES, seed: int = 18) -> list[dict]:
    """The demo catalog: ``target`` table entries spread over the departments (deterministic)."""
    rnd = random.Random(seed)
    entries = []
    per = target // len(departments)
    extra = target - per * len(departments)
    cycles = [UpdateCycle.MONTHLY, UpdateCycle.QUARTERLY, UpdateCycle.YEARLY, UpdateCycle.DAILY, UpdateCycle.WEEKLY]
    for d_index, dept in enumerate(departments):
        subjects = _subjects(dept.name)
        names = [s + v for s in subjects for v in VARIANTS]
        short = dept.name.removeprefix("县")
        for i in range(per + (1 if d_index < extra else 0)):
            subject = subjects[i % len(subjects)]
            name = names[i] if i < len(names) else f"{subject}{VARIANTS[i % len(VARIANTS)]}({i // len(names) + 1})"
            open_data = rnd.random() < 0.12
            fields = _fields(rnd, rnd.randint(10, 18), subject, open_data=open_data)
            roll = 1.0 if open_data else rnd.random()
            if any(f.get("personal") == "id_number" for f in fields) and roll < 0.5:
                share, conditions, basis = ShareType.CONDITIONAL, "仅限履行法定职责所需,按申请的信息项和期限使用", ""
            elif roll < 0.03:
                share, conditions, basis = ShareType.NONE, "", "《中华人民共和国保守国家秘密法》第十条"
            else:
                share, conditions, basis = ShareType.UNCONDITIONAL, "", ""
            entries.append({
                "provider": dept, "slug": f"{dept.code.lower()}-{i + 1:03d}",
                "codes": {"class_code": "3", "item_code": dept.code[-2:], "catalog_code": f"{i // 10 + 1:03d}",
                          "detail_code": f"{i % 10 + 1:03d}", "seq": i + 1},
                "data": {"name": f"{short}{name}", "abstract": f"{dept.name}在履职中产生的{name}数据。",
                         "format": "table", "share_type": share, "share_conditions": conditions,
                         "no_share_basis": basis, "share_method": "api",
                         "is_open": open_data,
                         "update_cycle": cycles[rnd.randrange(len(cycles))]},
                "fields": fields,
            })
    return entries


def demo_row(rnd: random.Random, fields, n: int) -> dict:
    rec = {}
    for f in fields:
        if f.is_key:
            rec[f.name] = f"{n:08d}"
        elif f.choices:
            rec[f.name] = rnd.choice(f.choices)
        elif f.personal == "id_number":
            rec[f.name] = f"43012119{rnd.randint(50, 99)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}{rnd.randint(0, 9999):04d}"
        elif f.personal == "phone":
            rec[f.name] = f"13{rnd.randint(100000000, 999999999)}"
        elif f.personal == "name":
            rec[f.name] = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if rnd.random() < 0.6 else "")
        elif f.personal == "address":
            rec[f.name] = f"示例县{rnd.choice(TOWNSHIPS)}{rnd.randint(1, 300)}号"
        elif f.type == "date":
            rec[f.name] = f"20{rnd.randint(18, 25)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        elif f.type == "datetime":
            rec[f.name] = f"2025-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d} 09:{rnd.randint(0, 59):02d}:00"
        elif f.type == "integer":
            rec[f.name] = str(rnd.randint(0, 500))
        elif f.type == "number":
            rec[f.name] = f"{rnd.uniform(0, 100000):.2f}"
        elif f.type == "boolean":
            rec[f.name] = rnd.choice(["是", "否"])
        else:
            rec[f.name] = f"{f.title}{rnd.randint(1, 999)}"[: f.length or 100]
    return rec


def resource_fill(resource: Resource, rows: int, *, actor=None, seed: int = 0) -> None:
    """Write ``rows`` generated records into a resource (through the datastore writer) and log the load."""
    from . import selectors

    services.table_ensure(resource)
    fields = selectors.resource_fields(resource)
    rnd = random.Random(seed or resource.pk)
    started = timezone.now()
    report = ds.table_rows_write(table=resource.table_name, columns=services.columns_of(fields),
                                 rows=((n, demo_row(rnd, fields, n)) for n in range(1, rows + 1)),
                                 method="upsert", load_id=0, now=started)
    load_finish(actor=actor, resource=resource, kind="api", report=report, started=started, message="示例数据")


def exchange_demo_load() -> str:
    if Resource.objects.filter(slug="slx-01-001").exists():
        return "数据共享交换:示例资源目录已存在"
    departments = _departments()
    if not departments:
        return "数据共享交换:未找到示例县,跳过"
    office = Unit.objects.get(code=DATA_OFFICE_CODE)
    config = ExchangeConfig.objects.first()
    if config is None or config.data_office_id is None:
        services.config_set(actor=None, provide_first=True, data_office=office)
    _staff("dzzwb_shuju", "电子政务办数据管理员", office)
    _staff("mzj_shuju", "民政数据管理员", Unit.objects.get(code="SLX-04"))
    _staff("jyj_shuju", "教育数据管理员", Unit.objects.get(code="SLX-02"))
    _staff("czj_shuju", "财政数据管理员", Unit.objects.get(code="SLX-06"))
    created = services.catalog_import(actor=None, entries=demo_entries(departments), publish=True)
    # Records in the first resource of a third of the departments (a few thousand in all);
    # the 民政 one is the 有条件 resource with ID numbers the journeys use.
    filled, open_filled = 0, 0
    for r in created:
        if r.slug.endswith("-001") and (r.provider.code in ("SLX-04", "SLX-06") or int(r.provider.code[-2:]) % 3 == 0):
            resource_fill(r, 150)
            filled += 1
        elif r.is_open and open_filled < 6:
            # Open data (开放) with records, readable without a key.
            resource_fill(r, 100)
            filled, open_filled = filled + 1, open_filled + 1
    # Everyone else counts as having provided (an empty table, loaded today), except one
    # 教育 resource: 教育局 still owes data, so its requests are refused with the list.
    services.catalog_loaded_mark(actor=None, resources=created, exclude_slugs=[EDUCATION_OWED])
    fields = ResourceField.objects.filter(resource__in=created).count()
    return (f"数据共享交换:{len(departments)} 个部门,{len(created)} 个资源(表),{fields} 个信息项,"
            f"{filled} 个表写入示例记录;账号 dzzwb_shuju(电子政务办)、mzj_shuju(民政)、jyj_shuju(教育)")
