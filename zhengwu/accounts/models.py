from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from zhengwu.core import crypto, masking
from zhengwu.core.encrypted_fields import EncryptedTextField

# Blind-index purposes: mixed into the HMAC so equal values in different fields differ.
ID_NUMBER_PURPOSE = "accounts.user.id_number"
PHONE_PURPOSE = "accounts.user.phone"
CITIZEN_USERNAME_PREFIX = "c"


def id_number_index_for(value: str) -> str:
    return crypto.provider().blind_index((value or "").strip().upper(), purpose=ID_NUMBER_PURPOSE)


def phone_index_for(value: str) -> str:
    return crypto.provider().blind_index((value or "").strip(), purpose=PHONE_PURPOSE)


def citizen_username_for(id_number: str) -> str:
    """A citizen's stored login name: derived from the blind index, never the number itself.

    31 characters, so it can never collide with a staff login name (at most 30).
    """
    return CITIZEN_USERNAME_PREFIX + id_number_index_for(id_number)[:30]


class ZhengwuUserManager(UserManager):
    def get_by_id_number(self, value: str) -> "User":
        """Exact lookup by resident ID number through the blind index (raises DoesNotExist)."""
        return self.get(id_number_index=id_number_index_for(value))

    def find_by_phone(self, value: str):
        """Every account registered with this mobile number (several may share one)."""
        return self.filter(phone_index=phone_index_for(value))


class User(AbstractUser):
    """Every person who logs in: citizens (自然人), enterprises (法人) and staff.

    Personal data (ID number, phone, address) is stored SM4-encrypted; exact lookups use
    the HMAC-SM3 blind-index columns, which ``save`` recomputes on every write so no
    code path can leave them stale. Citizens log in with their ID number, but their
    ``username`` is derived from its blind index (the number would otherwise sit in the
    clear); enterprises use their credit code (public registration data), staff a
    login name.
    """

    class Kind(models.TextChoices):
        CITIZEN = "citizen", "自然人"
        ENTERPRISE = "enterprise", "法人"
        STAFF = "staff", "工作人员"

    kind = models.CharField("用户类型", max_length=16, choices=Kind.choices, default=Kind.CITIZEN)
    real_name = models.CharField("姓名/单位名称", max_length=100, blank=True)
    id_number = EncryptedTextField("身份证号", null=True, blank=True)
    id_number_index = models.CharField("身份证号索引", max_length=64, unique=True, null=True, blank=True, editable=False)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, null=True, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    phone = EncryptedTextField("手机号", blank=True, default="")
    phone_index = models.CharField("手机号索引", max_length=64, blank=True, default="", db_index=True, editable=False)
    address = EncryptedTextField("住址", blank=True, default="")
    is_demo = models.BooleanField("演示账户", default=False)
    # Security state (MLPS level 3): password age and login lockout.
    password_changed_at = models.DateTimeField("密码修改时间", default=timezone.now)
    failed_login_count = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    # Set when the phone number was confirmed by an SMS code (registration, issue 16).
    phone_verified_at = models.DateTimeField("手机号验证时间", null=True, blank=True)
    # Closed at the holder's request (个人信息保护法 art. 47): login disabled, profile erased.
    closed_at = models.DateTimeField("注销时间", null=True, blank=True)

    objects = ZhengwuUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        permissions = [("view_personal_data", "查看未遮蔽的个人信息(身份证号、手机号、住址)")]

    def __str__(self):
        return self.real_name or self.username

    def save(self, *args, **kwargs):
        self._sync_derived_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = set()
            if "id_number" in update_fields:
                extra |= {"id_number_index", "username"}
            if "phone" in update_fields:
                extra.add("phone_index")
            kwargs["update_fields"] = set(update_fields) | extra
        super().save(*args, **kwargs)

    def _sync_derived_fields(self) -> None:
        self.id_number = (self.id_number or "").strip().upper() or None
        self.id_number_index = id_number_index_for(self.id_number) if self.id_number else None
        self.phone_index = phone_index_for(self.phone) if self.phone else ""
        if self.kind == self.Kind.CITIZEN and self.id_number:
            self.username = citizen_username_for(self.id_number)

    def set_password(self, raw_password):
        # Every way of setting a password (services, createsuperuser, admin) restarts its age.
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def check_password(self, raw_password):
        # A hasher upgrade re-sets the same password through set_password; that is not a change.
        changed_at = self.password_changed_at
        try:
            return super().check_password(raw_password)
        finally:
            self.password_changed_at = changed_at

    # --- security state ---------------------------------------------------------

    def is_locked(self, now=None) -> bool:
        now = now or timezone.now()
        return self.locked_until is not None and self.locked_until > now

    def password_expired(self, now=None) -> bool:
        """Only staff passwords age out (MLPS: privileged users change every 90 days)."""
        if self.kind != self.Kind.STAFF:
            return False
        max_age = timedelta(days=settings.ZHENGWU_STAFF_PASSWORD_MAX_AGE_DAYS)
        return (now or timezone.now()) - self.password_changed_at > max_age

    # --- display ----------------------------------------------------------------

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

    @property
    def address_masked(self) -> str:
        # Keep the county/town part, hide the house: enough to recognise, not to visit.
        address = self.address or ""
        if len(address) <= 6:
            return "*" * len(address)
        return address[:6] + "*" * min(len(address) - 6, 8)


class LoginFailure(models.Model):
    """One failed login from one address: the per-IP rate limit counts these.

    Kept in the database (not process memory) so several app servers share the count;
    rows older than the counting window are deleted as new ones arrive.
    """

    ip = models.GenericIPAddressField("来源IP", unpack_ipv4=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"
        indexes = [models.Index(fields=["ip", "created_at"], name="accounts_loginfail_ip_at")]


class LoginNameLock(models.Model):
    """The lockout count of a login name that is no active account.

    A registered ID number locked after five wrong passwords while an unknown one never
    did: the lock message told anyone which ID numbers have accounts. Names without an
    active account therefore count and lock exactly like accounts do. The name is kept
    only as its keyed blind index (it may be someone's ID number); rows are dropped a day
    after their last failure.
    """

    name_index = models.CharField("登录名索引", max_length=64, unique=True)
    failed_login_count = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    updated_at = models.DateTimeField("最近失败时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "未注册登录名锁定记录"
        verbose_name_plural = "未注册登录名锁定记录"


class VerificationCode(models.Model):
    """A one-time code sent by SMS: password recovery or the phone check at registration.

    Only a keyed hash of the code is stored (with a per-row salt). A code is single-use,
    expires after ``ZHENGWU_VERIFICATION_CODE_MINUTES`` and is burnt after
    ``ZHENGWU_VERIFICATION_CODE_ATTEMPTS`` wrong tries.
    """

    class Purpose(models.TextChoices):
        PASSWORD_RESET = "password_reset", "找回密码"
        PHONE_VERIFY = "phone_verify", "手机号验证"

    purpose = models.CharField("用途", max_length=20, choices=Purpose.choices)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name="账户")
    phone_index = models.CharField("手机号索引", max_length=64, db_index=True)
    salt = models.CharField("盐", max_length=32)
    code_hash = models.CharField("验证码摘要", max_length=64)
    attempts = models.PositiveSmallIntegerField("错误次数", default=0)
    created_at = models.DateTimeField("发送时间", default=timezone.now)
    expires_at = models.DateTimeField("过期时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        indexes = [models.Index(fields=["purpose", "user", "expires_at"], name="accounts_code_user")]


class PrivacyConsent(models.Model):
    """One agreement of an account to one version of the privacy notice (个人信息保护法 art. 14).

    Kept for the life of the account as proof of consent; the address is kept only as a
    keyed hash (enough to match it against the audit trail, not to read it).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="privacy_consents", verbose_name="账户")
    version = models.CharField("隐私政策版本", max_length=20)
    consented_at = models.DateTimeField("同意时间", default=timezone.now)
    ip_hash = models.CharField("来源IP摘要", max_length=64, blank=True)

    class Meta:
        verbose_name = "隐私政策同意记录"
        verbose_name_plural = "隐私政策同意记录"
        ordering = ["-consented_at", "-id"]
