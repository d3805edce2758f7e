"""No resident ID number or mobile number sits in the clear anywhere in the database.

Registers citizens (service and page), loads the demo county and runs every demo journey
(letters in every state, disclosure requests, consultations and surveys, disclosure,
the site group) with a known ID number and phone put into every free-text field people
fill in; a second run takes a case from application to a bad rating's rectification and
a supervision order. Then it looks at the whole database: as ``manage.py dumpdata``
writes it (what a backup or fixture holds) and raw, every text and JSON value of every
table through SQL (what someone with the files sees). Runs on SQLite and PostgreSQL.
"""

import json
import re
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from zhengwu.accounts import services as account_services
from zhengwu.accounts.tests.sms import register_with_code
from zhengwu.catalog.services import basic_catalog_read, catalog_load
from zhengwu.demo.services import demo_county_load, demo_data_read, demo_extras_load

# Digits not glued to other letters or digits: hex hashes and base64 contain digit runs
# by chance, a stored ID number or phone stands on its own.
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PHONE_PATTERN = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")

CITIZENS = [
    ("张三", "11010519491231002X", "13812341234"),
    ("李四", "440301198001010018", "15900001111"),
]
PAGE_CITIZEN = ("王五", "320102198506150022", "18600002222")

# The demo county loads every app, the data exchange included (its own datastore alias).
pytestmark = pytest.mark.django_db(databases="__all__")


def _small_catalog() -> dict:
    data = basic_catalog_read()
    detailed = set(demo_data_read()["items"])
    seen, items = set(), []
    for row in data["items"]:
        if row["code"] in detailed or row["work_area"] not in seen:
            items.append(row)
            seen.add(row["work_area"])
    return {**data, "items": items}


# What every journey writes into every free-text field (issue 15 finding 2).
FREE_TEXT_ID = "110105199003071234"
FREE_TEXT_PHONE = "13700137000"
FREE_TEXT_SUFFIX = f" 身份证{FREE_TEXT_ID},电话{FREE_TEXT_PHONE}"

# The text cleaners every service passes free text through, each with which of its
# fields are personal free text. Left out: public documents staff write for publication
# (a solicitation's draft and articles, survey questions and choices, an annual report,
# a publication's masked text) and configuration (sensitive words).
_PUBLIC_LABELS = {
    "公开文本", "公开来信内容", "公开标题", "公开答复内容", "敏感词", "其他需要报告的事项",
    "存在的主要问题及改进情况", "总体情况", "申请人姓名或名称",
}
_CLEANERS = {
    ("zhengwu.letters.services.common", "clean_text"): ("max_len", lambda label: label not in _PUBLIC_LABELS),
    ("zhengwu.disclosure_requests.services", "clean_text"): ("max_len", lambda label: label not in _PUBLIC_LABELS),
    ("zhengwu.participation.plain_text", "clean_plain_text"): (
        "max_length", lambda label: label in {"意见内容", "理由说明"} or label.endswith("的回答"),
    ),
}


def _with_personal_numbers(clean, length_arg, personal):
    def wrapped(value, *args, **kwargs):
        text = clean(value, *args, **kwargs)
        room = (kwargs.get(length_arg) or 0) - len(text)
        if not text or not personal(kwargs.get("label", "")) or room < len(FREE_TEXT_SUFFIX):
            return text
        return text + FREE_TEXT_SUFFIX

    return wrapped


@pytest.fixture
def personal_numbers_in_free_text(monkeypatch):
    """Make every cleaner of personal free text append a known ID number and phone."""
    import importlib

    for (module_name, name), (length_arg, personal) in _CLEANERS.items():
        original = getattr(importlib.import_module(module_name), name)
        wrapped = _with_personal_numbers(original, length_arg, personal)
        # Patched wherever the function was imported by name, not only where it is defined.
        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith("zhengwu.") and getattr(module, name, None) is original:
                monkeypatch.setattr(module, name, wrapped)


@pytest.fixture
def populated(db, client, personal_numbers_in_free_text):
    for name, id_number, phone in CITIZENS:
        account_services.citizen_register(
            name=name, id_number=id_number, phone=phone, password="Zw#citizen2026", address="示例县城关镇1号"
        )
    name, id_number, phone = PAGE_CITIZEN
    response = register_with_code(client, {
        "kind": "citizen", "c-name": name, "c-id_number": id_number, "c-phone": phone,
        "c-password": "Zw#citizen2026", "c-password2": "Zw#citizen2026",
    })
    assert response.status_code == 302
    # a login by ID number (wrong, then right) leaves audit rows and a session behind
    client.post("/accounts/login/", {"username": id_number, "password": "Wrong#pass999"})
    assert client.post("/accounts/login/", {"username": id_number, "password": "Zw#citizen2026"}).status_code == 302
    catalog_load(actor=None, data=_small_catalog())
    demo_county_load()
    demo_extras_load()  # every registered demo journey, through the real services
    spec = demo_data_read()["accounts"]
    secrets = [v for c in CITIZENS + [PAGE_CITIZEN] for v in c[1:]]
    secrets += [row["id_number"] for row in spec["citizens"]]
    secrets += [row["phone"] for row in spec["citizens"] + spec["enterprises"] if row.get("phone")]
    secrets += [FREE_TEXT_ID, FREE_TEXT_PHONE]
    _assert_free_text_carried_the_numbers()
    return secrets


def _assert_free_text_carried_the_numbers():
    # The scan below proves nothing unless the journeys really wrote the numbers.
    from zhengwu.disclosure_requests.models import DisclosureRequest
    from zhengwu.letters.models import Letter, Reply
    from zhengwu.participation.models import Comment

    for model, field in ((Letter, "body"), (Reply, "body"), (DisclosureRequest, "description"), (Comment, "text")):
        values = list(model.objects.values_list(field, flat=True))
        assert values and any(FREE_TEXT_PHONE in v and FREE_TEXT_ID in v for v in values), model


def _findings(text: str, secrets: list[str]) -> list[str]:
    found = [s for s in secrets if s in text or s.lower() in text]
    found += ID_PATTERN.findall(text) + PHONE_PATTERN.findall(text)
    return found


def test_dumpdata_holds_no_clear_id_or_phone(populated):
    out = StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue()
    assert '"sm4g1:' in dump  # the encrypted values are there, as ciphertext
    assert _findings(dump, populated) == []


def _scan_every_table(secrets: list[str]) -> tuple[int, list]:
    """Every value of every column of every table, read raw: text, bytes and JSON alike."""
    findings = []
    scanned = 0
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from introspection
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("utf-8", "replace")
                    elif isinstance(value, (dict, list)):
                        # PostgreSQL hands jsonb back decoded; SQLite as text.
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str):
                        scanned += 1
                        findings += [(table, column, f) for f in _findings(value, secrets)]
    return scanned, findings


def test_no_text_column_of_any_table_holds_a_clear_id_or_phone(populated):
    scanned, findings = _scan_every_table(populated)
    assert scanned > 1000  # the scan really read the demo county
    assert findings == []


# --- the case journey: application, handling, rating, rectification, supervision ---------

from zhengwu.cases.tests.conftest import calendar_2026, citizen, dept, item, on_2026_09_24, staff  # noqa: E402,F401
from zhengwu.cases.tests.staff_fixtures import supervisor  # noqa: E402,F401

TEXT = f"请联系我:身份证{FREE_TEXT_ID},手机{FREE_TEXT_PHONE}"


def _act(case, actor, action, reason=""):
    from zhengwu.cases.services import case_act

    return case_act(actor=actor, case=case, action=action, expected_version=case.version, reason=reason)


@pytest.fixture
def case_journey(item, citizen, staff, supervisor, on_2026_09_24, settings, tmp_path):
    from zhengwu.catalog.tests.factories import ItemMaterialFactory
    from zhengwu.core.tests.upload_samples import PDF_BYTES, upload
    from zhengwu.cases.services import case_submit
    from zhengwu.cases.services.apply import case_apply
    from zhengwu.ratings.models import Level, RectificationStage
    from zhengwu.ratings.services import rating_submit, rectification_stage_record
    from zhengwu.supervision.services import supervision_order_issue, supervision_order_respond

    settings.ZHENGWU_UPLOAD_ROOT = tmp_path / "uploads"
    form = ItemMaterialFactory(item=item, seq=1, name="申请表")
    case_apply(actor=citizen, item=item, applicant=citizen, note=TEXT, contact_phone=FREE_TEXT_PHONE,
               materials={form.pk: upload("申请表.pdf", PDF_BYTES)})
    supervised = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    order = supervision_order_issue(actor=supervisor, case=supervised, text=TEXT, days=3)
    supervision_order_respond(actor=staff["handler"], order=order, text=TEXT)

    case = case_submit(actor=citizen, item=item, applicant=citizen, channel="online")
    _act(case, staff["clerk"], "accept")
    _act(case, staff["reviewer"], "return", reason=TEXT)
    _act(case, staff["clerk"], "accept")
    _act(case, staff["reviewer"], "review_pass")
    _act(case, staff["approver"], "approve", reason=TEXT)
    _act(case, staff["handler"], "conclude")
    rating = rating_submit(actor=citizen, case=case, level=Level.VERY_DISSATISFIED, comment=TEXT)
    for stage in RectificationStage.Stage.values:
        rectification_stage_record(actor=staff["handler"], rectification=rating.rectification, stage=stage, note=TEXT)
    return [FREE_TEXT_ID, FREE_TEXT_PHONE, citizen.id_number, citizen.phone]


def test_the_case_journey_leaves_no_clear_id_or_phone(case_journey):
    from zhengwu.cases.models import Case, CaseEvent
    from zhengwu.ratings.models import Rating
    from zhengwu.supervision.models import SupervisionOrder

    # The journey wrote the numbers (else the scan proves nothing) and reads them back.
    assert Case.objects.filter(data__has_key="note").get().data["note"] == TEXT
    assert CaseEvent.objects.filter(reason=TEXT).count() == 0  # an encrypted column does not match equal text
    assert any(e.reason == TEXT for e in CaseEvent.objects.all())
    assert Rating.objects.get().comment == TEXT and SupervisionOrder.objects.get().response == TEXT

    scanned, findings = _scan_every_table(case_journey)
    assert scanned > 100
    assert findings == []
