from django.db import models


class ContentVersion(models.Model):
    """A counter per scope that moves whenever content shown on public pages changes.

    Rendered public pages are cached under the version read before rendering
    (``zhengwu.core.page_cache``); bumping the counter inside the changing transaction
    makes every server stop serving the old pages once it re-reads the counter. A
    rolled-back change rolls the counter back with it.
    """

    scope = models.CharField(max_length=32, primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "内容版本"
        verbose_name_plural = "内容版本"
