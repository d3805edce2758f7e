"""Typed owner references: one place that formats, parses and reads owner keys in SQL."""

import pytest
from django.db import connection

from zhengwu.core.owners import OwnerRef, OwnerType, owner_label, owner_ref_parse, owner_type_get

STEP = OwnerType("test.step", "测试环节", parts=2)
HOP = OwnerType("test.hop", "测试办理", prefix="thing")


def test_a_compound_key_is_written_and_read_back():
    ref = STEP.ref(42, 1)

    assert ref.key == "42/1"
    assert ref.type_name == "test.step"
    assert ref.parts == ("42", "1")
    assert str(ref) == "test.step#42/1"


def test_a_prefixed_key_keeps_its_prefix():
    assert HOP.key(7) == "thing/7"
    assert HOP.parse("thing/7") == ("7",)


@pytest.mark.parametrize("key", ["42", "42/1/2", "/1", "other/7"])
def test_a_key_of_another_shape_is_refused(key):
    owner = HOP if key.startswith("other") else STEP
    with pytest.raises(ValueError):
        owner.parse(key)


def test_a_key_part_holding_the_separator_is_refused():
    with pytest.raises(ValueError):
        STEP.key("4/2", 1)


def test_the_apps_declare_their_owner_types_and_labels():
    # Registered by CasesConfig.ready, LettersConfig.ready ... with the values the rows hold.
    assert owner_type_get("cases.step").parts == 2
    assert owner_label("cases.case") == "办件总时限"
    assert owner_label("letters.hop") == "信件办理"
    assert owner_label("disclosure_requests.request") == "依申请公开"
    assert owner_label("ratings.rectification") == "差评整改"
    assert owner_label("nobody.knows") == "其他时限"


def test_parsing_stored_columns_gives_a_typed_reference_or_none():
    ref = owner_ref_parse("cases.step", "12/3")

    assert isinstance(ref, OwnerRef) and ref.parts == ("12", "3")
    assert owner_ref_parse("cases.step", "12") is None
    assert owner_ref_parse("nobody.knows", "1") is None


@pytest.mark.django_db
def test_sql_reads_the_same_parts_as_python():
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {STEP.sql_part('k', 0)}, {STEP.sql_part('k', 1)} FROM (SELECT %s AS k) AS t", ["1234/5"],
        )
        assert tuple(cursor.fetchone()) == (1234, 5)
