"""Name who answers for the clocks of open disclosure requests (issue 14).

New request clocks name the department and the disclosure officer's post when they
start, and the officer once one registers the request; until now supervision's alert
"enricher" filled them into each alert afterwards. It is gone, so the clocks of requests
not yet replied to get them here. Set-based, one statement.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Request = apps.get_model("disclosure_requests", "DisclosureRequest")
    Clock = apps.get_model("core", "Clock")
    owner = Request.objects.filter(clock_id=OuterRef("pk"))
    Clock.objects.filter(pk__in=Request.objects.exclude(status="replied").values("clock_id"), unit__isnull=True).update(
        unit_id=Subquery(owner.values("department_id")[:1]),
        role="disclosure_officer",
        handler_id=Subquery(owner.values("officer_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure_requests", "0001_initial"),
        ("core", "0009_clock_responsibility"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
