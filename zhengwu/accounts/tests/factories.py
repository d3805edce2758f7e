import factory

from zhengwu.accounts.models import User

PASSWORD = "Zhengwu#2024test"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    real_name = factory.Sequence(lambda n: f"工作人员{n}")
    kind = User.Kind.STAFF
    password = factory.django.Password(PASSWORD)


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    # Sequence numbers 001, 002, ... under one birth date; check char from the standard.
    id_number = factory.Sequence(lambda n: _resident_id(f"110101199001010{n % 100:02d}"))
    username = factory.SelfAttribute("id_number")
    real_name = factory.Sequence(lambda n: f"居民{n}")
    kind = User.Kind.CITIZEN
    phone = "13812341234"
    password = factory.django.Password(PASSWORD)


def _resident_id(first17: str) -> str:
    from zhengwu.core.identifiers import resident_id_check_char

    return first17 + resident_id_check_char(first17)
