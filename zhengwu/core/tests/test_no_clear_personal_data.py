"""No resident ID number or mobile number sits in the clear anywhere in the database.

Registers citizens (service and page), loads the demo county, then looks at the whole
database twice: as ``manage.py dumpdata`` writes it (what a backup or fixture holds) and
raw, every text value of every table through SQL (what someone with the files sees).
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from zhengwu.accounts import services as account_services
from zhengwu.catalog.services import basic_catalog_read, catalog_load
from zhengwu.demo.services import demo_county_load, demo_data_read

# Digits not glued to other letters or digits: hex hashes and base64 contain digit runs
# by chance, a stored ID number or phone stands on its own.
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PHONE_PATTERN = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")

CITIZENS = [
    ("张三", "11010519491231002X", "13812341234"),
    ("李四", "440301198001010018", "15900001111"),
]
PAGE_CITIZEN = ("王五", "320102198506150022", "18600002222")


def _small_catalog() -> dict:
    data = basic_catalog_read()
    detailed = set(demo_data_read()["items"])
    seen, items = set(), []
    for row in data["items"]:
        if row["code"] in detailed or row["work_area"] not in seen:
            items.append(row)
            seen.add(row["work_area"])
    return {**data, "items": items}


@pytest.fixture
def populated(db, client):
    for name, id_number, phone in CITIZENS:
        account_services.citizen_register(
            name=name, id_number=id_number, phone=phone, password="Zw#citizen2026", address="示例县城关镇1号"
        )
    name, id_number, phone = PAGE_CITIZEN
    response = client.post("/accounts/register/", {
        "kind": "citizen", "c-name": name, "c-id_number": id_number, "c-phone": phone,
        "c-password": "Zw#citizen2026", "c-password2": "Zw#citizen2026",
    })
    assert response.status_code == 302
    # a login by ID number (wrong, then right) leaves audit rows and a session behind
    client.post("/accounts/login/", {"username": id_number, "password": "Wrong#pass999"})
    assert client.post("/accounts/login/", {"username": id_number, "password": "Zw#citizen2026"}).status_code == 302
    catalog_load(actor=None, data=_small_catalog())
    demo_county_load()
    spec = demo_data_read()["accounts"]
    secrets = [v for c in CITIZENS + [PAGE_CITIZEN] for v in c[1:]]
    secrets += [row["id_number"] for row in spec["citizens"]]
    secrets += [row["phone"] for row in spec["citizens"] + spec["enterprises"] if row.get("phone")]
    return secrets


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


def test_no_text_column_of_any_table_holds_a_clear_id_or_phone(populated):
    findings = []
    scanned = 0
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from introspection
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("utf-8", "replace")
                    if isinstance(value, str):
                        scanned += 1
                        findings += [(table, f) for f in _findings(value, populated)]
    assert scanned > 1000  # the scan really read the demo county
    assert findings == []
