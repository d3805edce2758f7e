import factory

from zhengwu.org.models import Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = Unit.Kind.COUNTY
    parent = None


class DepartmentFactory(UnitFactory):
    name = factory.Sequence(lambda n: f"测试部门{n}")
    kind = Unit.Kind.DEPARTMENT


def grant_post(user, role, *, unit=None):
    """Give ``user`` a post the way production does (assignment_grant, as the system)."""
    from zhengwu.org.services import assignment_grant

    if unit is None:
        unit = Unit.objects.filter(code="POST-TEST").first() or UnitFactory(code="POST-TEST", name="测试县")
    assignment_grant(actor=None, user=user, unit=unit, role=role)
    user.refresh_from_db()
    return user
