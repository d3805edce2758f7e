from django.core.management.base import BaseCommand
from django.utils import timezone

from zhengwu.notifications.models import OutboundSms


class Command(BaseCommand):
    help = "显示短信发件箱中最近的短信(演示环境没有短信网关,验证码在此查看)"

    def add_arguments(self, parser):
        parser.add_argument("--phone", default="", help="只显示发给此手机号的短信")
        parser.add_argument("--limit", type=int, default=10, help="最多显示条数,默认 10")

    def handle(self, *args, phone, limit, **options):
        # The number is encrypted at rest, so the filter runs on the decrypted rows.
        shown = 0
        for sms in OutboundSms.objects.order_by("-created_at", "-id").iterator():
            if phone and sms.phone != phone.strip():
                continue
            at = timezone.localtime(sms.created_at)
            self.stdout.write(f"{at:%Y-%m-%d %H:%M:%S}  {sms.phone}  [{sms.purpose}]  {sms.text}")
            shown += 1
            if shown >= max(1, limit):
                break
        if not shown:
            self.stdout.write("短信发件箱为空")
