import pytest

from zhengwu.accounts import services
from zhengwu.accounts.models import User, citizen_username_for
from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhengwu.core.models import AuditEvent

ID_X = "11010519491231002X"  # valid, check character X
CODE = "91350100M000100Y43"
GOOD = "Zw#citizen2026"


def _register(**overrides):
    data = {"name": "张三", "id_number": ID_X, "phone": "13812341234", "password": GOOD} | overrides
    return services.citizen_register(**data)


def test_citizen_register_stores_the_id_number_encrypted_and_audits(db):
    user = _register(id_number="11010519491231002x")
    assert user.id_number == ID_X
    # the login name is derived from the blind index, never the number itself
    assert user.username == citizen_username_for(ID_X) and ID_X not in user.username
    assert User.objects.get_by_id_number(ID_X.lower()) == user
    assert user.kind == User.Kind.CITIZEN and user.check_password(GOOD)
    event = AuditEvent.objects.get(action="accounts.register")
    assert event.actor_id == user.pk
    # the audit label never carries the raw ID number
    assert ID_X not in event.actor_label and "110***********002X" in event.actor_label


def _refused(exc_type, **overrides):
    with pytest.raises(exc_type) as info:
        _register(**overrides)
    assert User.objects.count() == 0 or exc_type is Conflict
    return info.value


def test_invalid_id_number_is_refused_with_chinese_message(db):
    err = _refused(ValidationFailed, id_number="110105194912310021")
    assert "校验位错误" in err.message and err.details["field"] == "id_number"
    assert not AuditEvent.objects.exists()


def test_duplicate_id_number_is_a_conflict(db):
    _register()
    err = _refused(Conflict, name="李四")
    assert err.message == "该身份证号已注册"
    assert User.objects.count() == 1


def test_weak_password_is_refused_with_django_validator_messages_in_chinese(db):
    err = _refused(ValidationFailed, password="12345678")
    assert err.details["field"] == "password"
    assert "密码" in err.message and "密码须包含大写字母、小写字母、数字、符号中的至少3类。" in err.details["messages"]


def test_short_password_is_refused(db):
    err = _refused(ValidationFailed, password="Ab#1")
    assert "8" in err.message


@pytest.mark.parametrize("phone", ["12812341234", "1381234123", "138123412345", "abc"])
def test_bad_phone_is_refused(db, phone):
    err = _refused(ValidationFailed, phone=phone)
    assert "手机号格式不对" in err.message


def test_phone_with_spaces_and_country_code_is_normalised(db):
    assert _register(phone="+86 138-1234-1234").phone == "13812341234"


def test_empty_name_is_refused(db):
    assert "请填写姓名" in _refused(ValidationFailed, name="  ").message


def test_enterprise_register_uses_credit_code_as_login(db):
    user = services.enterprise_register(
        name="示例县某某科技有限公司", credit_code=CODE.lower(), legal_representative="李四", phone="13912345678", password=GOOD
    )
    assert user.username == CODE and user.kind == User.Kind.ENTERPRISE and user.legal_representative == "李四"


def test_enterprise_register_refuses_bad_code_and_duplicates(db):
    kwargs = dict(name="某公司", legal_representative="李四", phone="13912345678", password=GOOD)
    with pytest.raises(ValidationFailed) as info:
        services.enterprise_register(credit_code="91350100M000100Y44", **kwargs)
    assert "校验位错误" in info.value.message
    services.enterprise_register(credit_code=CODE, **kwargs)
    with pytest.raises(Conflict) as info:
        services.enterprise_register(credit_code=CODE, **kwargs)
    assert info.value.message == "该统一社会信用代码已注册"
    assert User.objects.count() == 1


def test_staff_create_lowercases_login_and_audits(db):
    user = services.staff_create(actor=None, username="GAJ_Banli", real_name="王五", password=GOOD)
    assert user.username == "gaj_banli" and user.kind == User.Kind.STAFF
    assert not user.is_staff and not user.is_superuser
    assert AuditEvent.objects.filter(action="accounts.staff.create", object_id=str(user.pk)).count() == 1


def test_staff_create_needs_a_system_admin(db):
    with pytest.raises(PermissionDenied):
        services.staff_create(actor=StaffFactory(), username="newbie", real_name="王五", password=GOOD)


def test_normalise_login_maps_ids_upper_and_staff_names_lower():
    assert services.normalise_login(" 11010519491231002x ") == citizen_username_for(ID_X)
    assert services.normalise_login("91350100m000100y43") == CODE
    assert services.normalise_login("XiTong") == "xitong"
