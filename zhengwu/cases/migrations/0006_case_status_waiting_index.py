"""Index cases by status and the post they wait for (ADR 0013), replacing the status index.

A migration of its own: on PostgreSQL, altering the table in the transaction that filled
the new foreign-key columns would meet their deferred constraint triggers.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0005_case_waiting_for"),
    ]

    operations = [
        migrations.AlterField(
            model_name='case',
            name='status',
            field=models.CharField(choices=[('running', '办理中'), ('correction', '待补正'), ('suspended', '特别程序中'), ('refused', '不予受理'), ('concluded', '已办结')], default='running', max_length=16, verbose_name='状态'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['status', 'waiting_role', 'waiting_unit', 'waiting_handler', 'step_clock'], name='cases_case_status_waiting'),
        ),
    ]
