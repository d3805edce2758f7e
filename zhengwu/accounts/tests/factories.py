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
        skip_postgeneration_save = True

    # Sequence numbers 001, 002, ... under one birth date; check char from the standard.
    id_number = factory.Sequence(lambda n: _resident_id(f"110101199001010{n % 100:02d}"))
    username = factory.SelfAttribute("id_number")
    real_name = factory.Sequence(lambda n: f"居民{n}")
    kind = User.Kind.CITIZEN
    phone = "13812341234"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def privacy_consent(obj, create, extracted, **kwargs):
        # Existing citizens have agreed to the notice in force; ``privacy_consent=False``
        # makes one who has not (the login then asks first).
        if create and extracted is not False:
            from zhengwu.accounts.models import PrivacyConsent
            from zhengwu.accounts.services.privacy import privacy_notice

            PrivacyConsent.objects.create(user=obj, version=privacy_notice().version)


def _resident_id(first17: str) -> str:
    from zhengwu.core.identifiers import resident_id_check_char

    return first17 + resident_id_check_char(first17)
