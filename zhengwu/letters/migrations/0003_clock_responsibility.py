"""Name who answers for the clocks of open letter hops (issue 14).

New hop clocks name their unit and post when they start; until now supervision's alert
"enricher" filled them into each alert afterwards. It is gone, so the clocks of hops
already open get them here: the hop's unit, the letters office's clerks for triage and
the department's handlers otherwise. Set-based, a few statements.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Hop = apps.get_model("letters", "Hop")
    Clock = apps.get_model("core", "Clock")
    open_hops = Hop.objects.filter(ended_at__isnull=True)
    unit = Subquery(Hop.objects.filter(clock_id=OuterRef("pk")).order_by("-pk").values("unit_id")[:1])
    for kinds, role in ((["triage"], "letter_clerk"), (["handle", "joint"], "handler")):
        Clock.objects.filter(pk__in=open_hops.filter(kind__in=kinds).values("clock_id"), unit__isnull=True).update(
            unit_id=unit, role=role,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0002_defaults"),
        ("core", "0009_clock_responsibility"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
