from django.core.management.base import BaseCommand, CommandError

from zhengwu.accounts import mfa
from zhengwu.accounts.models import User
from zhengwu.core.errors import DomainError


class Command(BaseCommand):
    help = "显示演示工作人员账户当前的手机令牌验证码(仅限演示账户,演示令牌密钥公开)。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="演示工作人员登录名")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_demo:
            # Real accounts' codes are never printed, whatever the secret.
            raise CommandError(f"“{username}”不是演示账户,不能显示验证码。")
        try:
            code = mfa.demo_totp_code(user=user)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{username} 当前验证码(30 秒内有效):{code}")
