"""Electronic seal certificates: the county root CA and one seal certificate per department.

Keys live in the database, not under VAR_DIR/seal: a database backup then carries the
certificate and its key together (a restore never finds a certificate without its key
or the reverse), every change goes through one audited transaction, and there is no
file-permission state to get wrong on a shared host. The key column only ever holds an
encrypted PKCS#8 PEM ("BEGIN ENCRYPTED PRIVATE KEY"); see ``zhengwu.core.seal.certificates``.
"""

from django.db import models

from .base import TimeStampedModel


class SealCertificate(TimeStampedModel):
    class Kind(models.TextChoices):
        CA = "ca", "县级根证书"
        UNIT = "unit", "部门电子印章证书"

    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    # A plain code, not a foreign key: core sits below org and must not import it.
    unit_code = models.CharField("机构代码", max_length=32, blank=True, db_index=True)
    unit_name = models.CharField("机构名称", max_length=100)
    subject = models.CharField("证书主题", max_length=300)
    serial = models.CharField("序列号(十六进制)", max_length=64, unique=True)
    issuer = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="签发者"
    )
    not_before = models.DateTimeField("生效时间")
    not_after = models.DateTimeField("失效时间")
    certificate_pem = models.TextField("证书(PEM)")
    encrypted_key_pem = models.TextField("加密私钥(PKCS#8)", editable=False)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "电子印章证书"
        verbose_name_plural = "电子印章证书"
        ordering = ["kind", "unit_code", "-not_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(kind="ca", is_active=True), name="seal_one_active_ca"
            ),
            models.UniqueConstraint(
                fields=["unit_code"],
                condition=models.Q(kind="unit", is_active=True),
                name="seal_one_active_cert_per_unit",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.unit_name} ({self.serial[:12]})"
