"""Name who answers for the clocks of open cases (core 0009 added the columns).

New clocks get them when they start; this fills the clocks of cases already open, so
their alerts keep going to the step's department, post and named handler. Cases are
read in batches through the historical models (a county has thousands of open cases,
not millions).
"""

from collections import defaultdict

from django.db import migrations

OPEN = ("running", "correction", "suspended")
BATCH = 500


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Clock = apps.get_model("core", "Clock")
    cases = (
        Case.objects.filter(status__in=OPEN)
        .select_related("item", "definition")
        .only("item__department_id", "definition__steps", "step_index", "flags", "clock_id", "step_clock_id")
        .order_by("pk")
    )
    # Few distinct (department, post, handler) triples: one UPDATE … WHERE id IN (…) per
    # triple and batch instead of one statement per clock.
    clocks_of: dict[tuple, list[int]] = defaultdict(list)
    for case in cases.iterator(chunk_size=BATCH):
        department = case.item.department_id
        steps = case.definition.steps or []
        step = steps[case.step_index] if case.step_index < len(steps) else {}
        if case.clock_id:
            clocks_of[(department, "", None)].append(case.clock_id)
        if case.step_clock_id:
            who = (step.get("department_id") or department, step.get("role", ""), (case.flags or {}).get("assignee_id"))
            clocks_of[who].append(case.step_clock_id)
    for (unit_id, role, handler_id), ids in clocks_of.items():
        for n in range(0, len(ids), BATCH):
            Clock.objects.filter(pk__in=ids[n:n + BATCH]).update(unit_id=unit_id, role=role, handler_id=handler_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_fewer_write_indexes"),
        ("core", "0009_clock_responsibility"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
