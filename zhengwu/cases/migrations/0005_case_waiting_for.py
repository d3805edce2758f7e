"""Who a case waits for, as columns (ADR 0013): the current step's post, unit and transferee.

The fill copies what the staff inbox used to read from the frozen flowchart's JSON per row
(``selectors.staff`` before this migration): the step's role; its unit, empty for the
service hall's acceptance step (窗口人员), else the step's own department (联合审查) or the
item's; the colleague a step was transferred to. Cases are read in batches and updated
once per distinct triple and batch (a county has thousands of cases, not millions).
"""

from collections import defaultdict

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


BATCH = 500
WINDOW_CLERK = "window_clerk"


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    cases = (
        Case.objects.select_related("item", "definition")
        .only("item__department_id", "definition__steps", "step_index", "flags")
        .order_by("pk")
    )
    ids_of: dict[tuple, list[int]] = defaultdict(list)
    for case in cases.iterator(chunk_size=BATCH):
        steps = case.definition.steps or []
        step = steps[case.step_index] if case.step_index < len(steps) else {}
        role = step.get("role", "")
        unit = None if role == WINDOW_CLERK else (step.get("department_id") or case.item.department_id)
        ids_of[(role, unit, (case.flags or {}).get("assignee_id"))].append(case.pk)
    for (role, unit, handler), ids in ids_of.items():
        for n in range(0, len(ids), BATCH):
            Case.objects.filter(pk__in=ids[n:n + BATCH]).update(
                waiting_role=role, waiting_unit_id=unit, waiting_handler_id=handler)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_personal_numbers_encrypted'),
        ('catalog', '0003_merge_20261206_1857'),
        ('core', '0016_merge_0015_deferredtask_0015_pending_upload'),
        ('org', '0004_unit_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='waiting_handler',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='转交经办人'),
        ),
        migrations.AddField(
            model_name='case',
            name='waiting_role',
            field=models.CharField(blank=True, default='', max_length=32, verbose_name='待办岗位'),
        ),
        migrations.AddField(
            model_name='case',
            name='waiting_unit',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit', verbose_name='待办单位'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
