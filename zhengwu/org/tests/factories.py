import factory

from zhengwu.org.models import Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = Unit.Kind.COUNTY
    parent = None
