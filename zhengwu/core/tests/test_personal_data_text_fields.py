"""Free text whose ID and phone numbers are stored SM4-encrypted in place (issue 15, finding 2)."""

import pytest
from django.apps import apps
from django.db import connection

from zhengwu.core import masking
from zhengwu.core.encrypted_fields import TOKEN_OPEN, protect_existing, protect_text, reveal_text
from zhengwu.letters.tests.conftest import BODY, calendar_2026, citizen, staff, submit, units  # noqa: F401

ID = "110105199003071234"
PHONE = "13700137000"


def test_numbers_are_replaced_by_tokens_and_read_back_exactly():
    text = f"我的身份证{ID},电话 137-0013-7000,另一个+8613812341234。"
    stored = protect_text(text)
    assert ID not in stored and "13812341234" not in stored and "0013-7000" not in stored
    assert stored.count(TOKEN_OPEN) == 3 and "我的身份证" in stored
    assert reveal_text(stored) == text


def test_delimiters_typed_in_cannot_forge_a_token():
    assert protect_text("\ue000sm4g1:k0:AAAA\ue001") == "sm4g1:k0:AAAA"


def test_spans_name_kind_and_position():
    spans = masking.personal_number_spans(f"电话{PHONE}身份证{ID}")
    assert [(s.kind, s.start, s.end) for s in spans] == [("phone", 2, 13), ("id_number", 16, 34)]
    assert masking.mask_personal_numbers(f"电话{PHONE}") == "电话137****7000"


@pytest.mark.django_db
def test_a_letter_body_is_stored_without_the_clear_numbers_and_read_back_whole(staff):  # noqa: F811
    letter = submit(None, channel="suggestion", body=BODY + f"联系电话{PHONE},身份证{ID}", ip="10.1.1.1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT title, body FROM letters_letter WHERE id = %s", [letter.pk])
        title, body = cursor.fetchone()
    assert PHONE not in body and ID not in body and "sm4g1:" in body
    letter.refresh_from_db()
    assert letter.body.endswith(f"联系电话{PHONE},身份证{ID}")
    # words still match in the database; the protected numbers do not
    from zhengwu.letters.models import Letter

    assert Letter.objects.filter(body__contains="联系电话").count() == 1


@pytest.mark.django_db
def test_the_migration_helper_protects_rows_written_in_the_clear(staff):  # noqa: F811
    letter = submit(None, channel="suggestion", body=BODY, ip="10.1.1.1")
    with connection.cursor() as cursor:
        # As an installation before the change holds it: the number in the clear.
        cursor.execute("UPDATE letters_letter SET body = %s WHERE id = %s", [BODY + PHONE, letter.pk])

    assert protect_existing(apps, "letters.Letter", ["title", "body"]) == 1

    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM letters_letter WHERE id = %s", [letter.pk])
        (raw,) = cursor.fetchone()
    assert PHONE not in raw
    letter.refresh_from_db()
    assert letter.body == BODY + PHONE
