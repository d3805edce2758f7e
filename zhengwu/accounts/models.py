from django.contrib.auth.models import AbstractUser
from django.db import models

from zhengwu.core import masking


class User(AbstractUser):
    """Every person who logs in: citizens (自然人), enterprises (法人) and staff.

    Citizens log in with their resident ID number and enterprises with their unified
    social credit code, so for them ``username`` holds that number; staff have a
    login name.
    """

    class Kind(models.TextChoices):
        CITIZEN = "citizen", "自然人"
        ENTERPRISE = "enterprise", "法人"
        STAFF = "staff", "工作人员"

    kind = models.CharField("用户类型", max_length=16, choices=Kind.choices, default=Kind.CITIZEN)
    real_name = models.CharField("姓名/单位名称", max_length=100, blank=True)
    id_number = models.CharField("身份证号", max_length=18, unique=True, null=True, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    is_demo = models.BooleanField("演示账户", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.real_name or self.username

    @property
    def audit_label(self) -> str:
        # Never the raw ID number: audit rows are read by more people than need it.
        if self.kind == self.Kind.CITIZEN and self.id_number:
            return f"{self.real_name}({masking.mask_id_number(self.id_number)})"
        return f"{self.real_name or self.username}({self.username})"

    @property
    def id_number_masked(self) -> str:
        return masking.mask_id_number(self.id_number or "")

    @property
    def phone_masked(self) -> str:
        return masking.mask_phone(self.phone or "")
