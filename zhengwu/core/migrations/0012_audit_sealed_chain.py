"""The audit chain is sealed in the background (ADR 0005).

Every existing row was chained in id order under the old chain-head lock, so its place in
the chain is its id: ``seq = id``, the head's ``last_seq`` is its last event's id and each
purge's ``last_purged_seq`` its ``last_purged_id``. Hashes are unchanged (the canonical
form does not include seq), so ``audit_verify`` passes on migrated data exactly when it
passed before.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0011_ratecounter'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditchainhead',
            name='last_seq',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(blank=True, null=True, verbose_name='链上序号'),
        ),
        migrations.AddField(
            model_name='auditpurge',
            name='last_purged_seq',
            field=models.BigIntegerField(default=0, verbose_name='最后一条被清理记录的链上序号'),
        ),
        migrations.RunSQL(
            [
                "UPDATE core_auditevent SET seq = id",
                "UPDATE core_auditchainhead SET last_seq = COALESCE(last_event_id, 0)",
                "UPDATE core_auditpurge SET last_purged_seq = last_purged_id",
            ],
            # Back: the columns are dropped by the AddField reversals.
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='本条哈希'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='上一条哈希'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(('seq__isnull', True)), fields=['id'], name='core_audit_unsealed'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(condition=models.Q(('seq__isnull', False)), fields=('seq',), name='core_audit_seq'),
        ),
    ]
