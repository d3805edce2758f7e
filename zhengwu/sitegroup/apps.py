from django.apps import AppConfig


class SitegroupConfig(AppConfig):
    name = "zhengwu.sitegroup"
    label = "sitegroup"
    verbose_name = "网站群"
