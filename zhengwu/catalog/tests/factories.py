import factory

from zhengwu.accounts.tests.factories import StaffFactory
from zhengwu.catalog.models import Category, Item, ItemMaterial, WorkArea
from zhengwu.org.tests.factories import DepartmentFactory as UnitFactory

# Re-exported under the names the catalog tests use; the definitions live with their apps.
__all__ = ["ItemFactory", "ItemMaterialFactory", "StaffUserFactory", "UnitFactory", "WorkAreaFactory"]


class StaffUserFactory(StaffFactory):
    # The Django admin's own has_permission() also asks for is_staff.
    is_staff = True


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
