"""Create the county seal CA (once) and a seal certificate for every department lacking one.

Idempotent: `make run` calls it after load_demo_county. The command is an entry point,
not core code, so it may read org's units through the app registry (core's services
never know about org; they take a unit code and name).
"""

from django.apps import apps
from django.core.management.base import BaseCommand

from zhengwu.core.models import SiteIdentity
from zhengwu.core.seal import selectors, services


class Command(BaseCommand):
    help = "创建本县电子印章根证书(仅一次),并为尚无证书的各部门签发电子印章证书"

    def add_arguments(self, parser):
        parser.add_argument("--county", default="", help="县(区)名称,默认取网站标识中的网站名称")

    def handle(self, *args, county="", **options):
        ca = selectors.seal_ca_get_active()
        if ca is None:
            county = county or SiteIdentity.current().site_name
            ca = services.seal_ca_create(actor=None, county_name=county)
            self.stdout.write(f"已创建根证书:{ca.subject}")
        Unit = apps.get_model("org", "Unit")
        have = selectors.seal_unit_codes_with_certificate()
        issued = 0
        for code, name in Unit.objects.filter(kind="department", is_active=True).order_by("code").values_list("code", "name"):
            if code in have:
                continue
            services.seal_certificate_issue(actor=None, unit_code=code, unit_name=name)
            issued += 1
        self.stdout.write(f"新签发部门电子印章证书 {issued} 张,已有 {len(have)} 张")
