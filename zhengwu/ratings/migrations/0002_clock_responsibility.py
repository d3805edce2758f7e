"""Name the department on the clocks of open rectifications (issue 14): new ones name it
when they start, so supervision's alerts carry it like every other clock's."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Rectification = apps.get_model("ratings", "Rectification")
    Clock = apps.get_model("core", "Clock")
    owner = Rectification.objects.filter(clock_id=OuterRef("pk"))
    Clock.objects.filter(pk__in=Rectification.objects.filter(status="open").values("clock_id"), unit__isnull=True).update(
        unit_id=Subquery(owner.values("department_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ratings", "0001_initial"),
        ("core", "0009_clock_responsibility"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
