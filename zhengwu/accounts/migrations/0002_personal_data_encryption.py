"""Encrypt personal data at rest and add login/password security state.

Order matters: the columns first become plain text (room for ciphertext, no unique
index on the randomised values), the data step encrypts every row, fills the blind
indexes and renames citizens away from their ID number, and only then do the fields
become EncryptedTextField (no schema change: both are text columns).
"""

import django.utils.timezone
from django.db import migrations, models

import zhengwu.accounts.models
import zhengwu.core.encrypted_fields

ID_NUMBER_PURPOSE = "accounts.user.id_number"
PHONE_PURPOSE = "accounts.user.phone"


def encrypt_existing(apps, schema_editor):
    from zhengwu.core import crypto

    provider = crypto.provider()
    User = apps.get_model("accounts", "User")
    for user in User.objects.all().iterator():
        changed = []
        id_number = (user.id_number or "").strip().upper()
        if id_number and not id_number.startswith(crypto.PREFIX + ":"):
            index = provider.blind_index(id_number, purpose=ID_NUMBER_PURPOSE)
            user.id_number = provider.encrypt(id_number)
            user.id_number_index = index
            changed += ["id_number", "id_number_index"]
            if user.kind == "citizen":
                user.username = "c" + index[:30]
                changed.append("username")
        phone = (user.phone or "").strip()
        if phone and not phone.startswith(crypto.PREFIX + ":"):
            user.phone_index = provider.blind_index(phone, purpose=PHONE_PURPOSE)
            user.phone = provider.encrypt(phone)
            changed += ["phone", "phone_index"]
        if changed:
            user.save(update_fields=changed)


def decrypt_existing(apps, schema_editor):
    from zhengwu.core import crypto

    provider = crypto.provider()
    User = apps.get_model("accounts", "User")
    for user in User.objects.all().iterator():
        changed = []
        if user.id_number and user.id_number.startswith(crypto.PREFIX + ":"):
            user.id_number = provider.decrypt(user.id_number)
            changed.append("id_number")
            if user.kind == "citizen":
                user.username = user.id_number
                changed.append("username")
        if user.phone and user.phone.startswith(crypto.PREFIX + ":"):
            user.phone = provider.decrypt(user.phone)
            changed.append("phone")
        if changed:
            user.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="id_number",
            field=models.TextField(blank=True, null=True, verbose_name="身份证号"),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=models.TextField(blank=True, default="", verbose_name="手机号"),
        ),
        migrations.AddField(
            model_name="user",
            name="id_number_index",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True, verbose_name="身份证号索引"),
        ),
        migrations.AddField(
            model_name="user",
            name="phone_index",
            field=models.CharField(blank=True, db_index=True, default="", editable=False, max_length=64, verbose_name="手机号索引"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.AlterField(
            model_name="user",
            name="id_number",
            field=zhengwu.core.encrypted_fields.EncryptedTextField(blank=True, null=True, verbose_name="身份证号"),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=zhengwu.core.encrypted_fields.EncryptedTextField(blank=True, default="", verbose_name="手机号"),
        ),
        migrations.AddField(
            model_name="user",
            name="address",
            field=zhengwu.core.encrypted_fields.EncryptedTextField(blank=True, default="", verbose_name="住址"),
        ),
        migrations.AddField(
            model_name="user",
            name="password_changed_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="密码修改时间"),
        ),
        migrations.AddField(
            model_name="user",
            name="failed_login_count",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="连续登录失败次数"),
        ),
        migrations.AddField(
            model_name="user",
            name="locked_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="锁定至"),
        ),
        migrations.AlterModelOptions(
            name="user",
            options={
                "permissions": [("view_personal_data", "查看未遮蔽的个人信息(身份证号、手机号、住址)")],
                "verbose_name": "用户",
                "verbose_name_plural": "用户",
            },
        ),
        migrations.AlterModelManagers(
            name="user",
            managers=[("objects", zhengwu.accounts.models.ZhengwuUserManager())],
        ),
        migrations.CreateModel(
            name="LoginFailure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("ip", models.GenericIPAddressField(unpack_ipv4=True, verbose_name="来源IP")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间")),
            ],
            options={
                "verbose_name": "登录失败记录",
                "verbose_name_plural": "登录失败记录",
                "indexes": [models.Index(fields=["ip", "created_at"], name="accounts_loginfail_ip_at")],
            },
        ),
    ]
