import pytest
from django.core.management import CommandError, call_command

from zhengwu.accounts.models import User
from zhengwu.core.models import AuditEvent
from zhengwu.org.models import Assignment
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

ARGS = ["--county-code", "339999", "--county-name", "某某县人民政府", "--system", "sys1", "--security", "sec1", "--audit", "aud1"]


def test_bootstrap_creates_three_separate_admins_who_must_change_password(capsys):
    call_command("bootstrap_admins", *ARGS)

    roles = dict(Assignment.objects.values_list("user__username", "role"))
    assert roles == {"sys1": Role.SYSTEM_ADMIN, "sec1": Role.SECURITY_ADMIN, "aud1": Role.AUDIT_ADMIN}
    for user in User.objects.filter(username__in=roles):
        assert user.kind == User.Kind.STAFF
        assert not user.is_superuser
        assert not user.is_demo
        assert user.password_expired()
    out = capsys.readouterr().out
    assert out.count("初始密码") >= 3
    assert AuditEvent.objects.filter(action="accounts.staff.create").count() == 3


def test_bootstrap_refuses_a_second_run():
    call_command("bootstrap_admins", *ARGS)
    with pytest.raises(CommandError, match="已存在管理员岗位"):
        call_command("bootstrap_admins", *[a.replace("1", "2") for a in ARGS])
    assert User.objects.count() == 3


def test_bootstrap_refuses_one_person_in_two_admin_posts():
    args = list(ARGS)
    args[args.index("aud1")] = "sys1"
    with pytest.raises(CommandError, match="三个不同的账户"):
        call_command("bootstrap_admins", *args)
    assert not User.objects.exists()


def test_bootstrap_rolls_back_everything_on_a_bad_username():
    args = list(ARGS)
    args[args.index("aud1")] = "Bad Name!"
    with pytest.raises(CommandError, match="登录名"):
        call_command("bootstrap_admins", *args)
    assert not User.objects.exists()
    assert not Assignment.objects.exists()
