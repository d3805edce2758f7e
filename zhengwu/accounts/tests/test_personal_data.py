"""Encrypted ID numbers, phones and addresses; blind-index lookups; audited unmasking."""

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from zhengwu.accounts import services
from zhengwu.accounts.models import User, citizen_username_for
from zhengwu.core.models import AuditEvent
from zhengwu.org import services as org_services
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

from .factories import CitizenFactory, StaffFactory
from .mfa_helpers import login_verified

pytestmark = pytest.mark.django_db

ID_X = "11010519491231002X"
PHONE = "13812341234"
ADDRESS = "示例县城关镇民生路8号3单元201室"


def _raw(user, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def _citizen():
    return services.citizen_register(name="张三", id_number=ID_X, phone=PHONE, password="Zw#citizen2026",
                                     address=ADDRESS)


def test_columns_hold_only_sm4_ciphertext_and_read_back_as_plaintext():
    user = _citizen()
    for column in ("id_number", "phone", "address"):
        assert _raw(user, column).startswith("sm4g1:")
    assert ID_X not in _raw(user, "username")
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.id_number, fresh.phone, fresh.address) == (ID_X, PHONE, ADDRESS)


def test_equal_values_encrypt_differently():
    a = CitizenFactory(phone=PHONE)
    b = CitizenFactory(phone=PHONE)
    assert _raw(a, "phone") != _raw(b, "phone")
    assert _raw(a, "phone_index") == _raw(b, "phone_index")


def test_lookups_on_encrypted_fields_are_refused_except_isnull():
    _citizen()
    with pytest.raises(FieldError, match="blind-index"):
        User.objects.filter(id_number=ID_X).exists()
    with pytest.raises(FieldError):
        User.objects.filter(phone__startswith="138").exists()
    assert User.objects.filter(id_number__isnull=False).count() == 1


def test_selectors_find_by_blind_index():
    user = _citizen()
    assert User.objects.get_by_id_number(ID_X.lower()) == user
    assert list(User.objects.find_by_phone(PHONE)) == [user]
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_id_number("440301198001010018")


def test_index_follows_a_changed_phone_even_with_update_fields():
    user = _citizen()
    user.phone = "13999998888"
    user.save(update_fields=["phone"])
    assert list(User.objects.find_by_phone("13999998888")) == [user]
    assert not User.objects.find_by_phone(PHONE).exists()


def test_duplicate_id_number_is_still_refused_through_the_index():
    _citizen()
    from zhengwu.core.errors import Conflict

    with pytest.raises(Conflict):
        services.citizen_register(name="李四", id_number=ID_X.lower(), phone=PHONE, password="Zw#citizen2026")


def _clerk():
    county = org_services.unit_create(actor=None, code="C", name="示例县", kind=Unit.Kind.COUNTY)
    clerk = StaffFactory()
    org_services.assignment_grant(actor=None, user=clerk, unit=county, role=Role.WINDOW_CLERK)
    return clerk


def test_window_clerk_unmasks_and_each_view_is_audited_without_the_values(client):
    citizen = _citizen()
    clerk = _clerk()
    login_verified(client, clerk)
    response = client.post(f"/accounts/users/{citizen.pk}/unmask/")
    assert response.status_code == 200
    assert response.json() == {"id_number": ID_X, "phone": PHONE, "address": ADDRESS}
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="accounts.personal_data.unmask")
    assert event.actor_id == clerk.pk and event.object_id == str(citizen.pk) and event.result == "success"
    row = str(event.details) + event.actor_label
    assert ID_X not in row and PHONE not in row and ADDRESS not in row
    client.post(f"/accounts/users/{citizen.pk}/unmask/")
    assert AuditEvent.objects.filter(action="accounts.personal_data.unmask").count() == 2


def test_staff_without_the_permission_are_refused_and_the_attempt_is_audited(client):
    citizen = _citizen()
    staff = StaffFactory()
    login_verified(client, staff)
    response = client.post(f"/accounts/users/{citizen.pk}/unmask/")
    assert response.status_code == 403 and "没有查看完整个人信息的权限" in response.json()["message"]
    assert ID_X not in response.content.decode()
    assert AuditEvent.objects.get(action="accounts.personal_data.unmask").result == "failure"


def test_citizens_and_anonymous_cannot_reach_unmask(client):
    citizen = _citizen()
    url = f"/accounts/users/{citizen.pk}/unmask/"
    assert client.post(url, HTTP_ACCEPT="application/json").status_code == 401
    client.force_login(citizen)
    assert client.post(url).status_code == 403
    assert not AuditEvent.objects.filter(action="accounts.personal_data.unmask").exists()


def test_the_permission_can_also_be_granted_explicitly():
    from django.contrib.auth.models import Permission

    staff = StaffFactory()
    assert not staff.has_perm("accounts.view_personal_data")
    staff.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    staff = User.objects.get(pk=staff.pk)
    assert staff.has_perm("accounts.view_personal_data")


def test_data_migration_encrypts_existing_rows_and_renames_citizens():
    """Run the 0002 data step on plaintext rows, as a pre-encryption database had them."""
    from importlib import import_module

    migration_module = import_module("zhengwu.accounts.migrations.0002_personal_data_encryption")
    loader = MigrationLoader(connection)
    state = loader.project_state(("accounts", "0001_initial"))
    migration = loader.get_migration("accounts", "0002_personal_data_encryption")
    for operation in migration.operations[:4]:  # the schema steps before the data step
        operation.state_forwards("accounts", state)
    staff = StaffFactory(phone="")
    citizen = CitizenFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_user SET id_number = %s, phone = %s, username = %s, id_number_index = NULL, "
            "phone_index = '' WHERE id = %s",
            [ID_X, PHONE, ID_X, citizen.pk],
        )
        cursor.execute("UPDATE accounts_user SET phone = %s WHERE id = %s", ["13900001111", staff.pk])
    migration_module.encrypt_existing(state.apps, None)
    assert _raw(citizen, "id_number").startswith("sm4g1:") and _raw(citizen, "phone").startswith("sm4g1:")
    migrated = User.objects.get_by_id_number(ID_X)
    assert migrated.pk == citizen.pk and migrated.username == citizen_username_for(ID_X)
    assert migrated.phone == PHONE
    assert User.objects.find_by_phone("13900001111").get().pk == staff.pk


def test_serialised_accounts_carry_ciphertext_and_load_back_to_plaintext():
    from django.core import serializers

    user = _citizen()
    text = serializers.serialize("json", [user])
    assert ID_X not in text and PHONE not in text and "sm4g1:" in text
    loaded = next(serializers.deserialize("json", text)).object
    assert (loaded.id_number, loaded.phone, loaded.address) == (ID_X, PHONE, ADDRESS)


def test_me_page_shows_the_address_masked_only(client):
    user = _citizen()
    client.force_login(user)
    html = client.get("/accounts/me/").content.decode()
    assert "示例县城关镇" in html and ADDRESS not in html
