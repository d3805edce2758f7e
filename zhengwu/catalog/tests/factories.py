import factory

from zhengwu.accounts.models import User
from zhengwu.catalog.models import Category, Item, ItemMaterial, WorkArea
from zhengwu.org.models import Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"测试部门{n}")
    kind = Unit.Kind.DEPARTMENT


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    real_name = factory.Sequence(lambda n: f"工作人员{n}")
    kind = User.Kind.STAFF
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pw-123456")

    @factory.post_generation
    def persist(self, create, extracted, **kwargs):
        if create:
            self.save()


class WorkAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkArea

    code = factory.Sequence(lambda n: f"t-{n}")
    category = Category.POWER
    name = factory.Sequence(lambda n: f"测试工作{n}")
    seq = factory.Sequence(lambda n: n + 1)


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    code = factory.Sequence(lambda n: f"T{n:05d}")
    category = factory.SelfAttribute("work_area.category")
    work_area = factory.SubFactory(WorkAreaFactory)
    seq = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"测试事项{n}")


class ItemMaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemMaterial

    item = factory.SubFactory(ItemFactory)
    seq = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"材料{n}")
