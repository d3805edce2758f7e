from django.db import models


class SiteIdentity(models.Model):
    """The site identity fields the national website rules require in every footer."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    site_name = models.CharField("网站名称", max_length=100, default="示例县人民政府")
    sponsor = models.CharField("主办单位", max_length=100, default="示例县人民政府办公室")
    site_code = models.CharField("网站标识码", max_length=20, blank=True)
    icp_record = models.CharField("ICP备案号", max_length=50, blank=True)
    police_record = models.CharField("公安备案号", max_length=50, blank=True)
    address = models.CharField("联系地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "网站标识"
        verbose_name_plural = "网站标识"

    def __str__(self):
        return self.site_name

    @classmethod
    def current(cls) -> "SiteIdentity":
        return cls.objects.filter(pk=1).first() or cls()
