"""Page forms. They run the same checks as the services field by field, so a person
sees every problem at once; the services still check everything again."""

from django import forms
from django.contrib.auth import password_validation

from zhengwu.core.errors import DomainError
from zhengwu.core.identifiers import validate_credit_code, validate_resident_id

from .models import User
from .services import normalise_phone


def _domain_check(fn, value):
    try:
        return fn(value)
    except DomainError as exc:
        raise forms.ValidationError(exc.message) from None

_PASSWORD_HELP = "至少8位,包含大写字母、小写字母、数字、符号中的至少3类,不能过于常见,不能与姓名或证件号相似"


class LoginForm(forms.Form):
    username = forms.CharField(
        label="身份证号 / 统一社会信用代码 / 工作人员登录名",
        max_length=64,
        error_messages={"required": "请填写账号"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="密码",
        max_length=128,
        strip=False,
        error_messages={"required": "请填写密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class _RegisterBase(forms.Form):
    phone = forms.CharField(
        label="手机号",
        max_length=20,
        error_messages={"required": "请填写手机号"},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label="密码",
        max_length=128,
        strip=False,
        help_text=_PASSWORD_HELP,
        error_messages={"required": "请填写密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="确认密码",
        max_length=128,
        strip=False,
        error_messages={"required": "请再次输入密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_phone(self):
        return _domain_check(normalise_phone, self.cleaned_data["phone"])

    def _account_for_password_check(self) -> User:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            try:
                password_validation.validate_password(password, user=self._account_for_password_check())
            except forms.ValidationError as exc:
                for message in exc.messages:
                    self.add_error("password", message)
        if password and data.get("password2") and password != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致")
        return data


class CitizenRegisterForm(_RegisterBase):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名"})
    id_number = forms.CharField(
        label="身份证号",
        max_length=30,
        error_messages={"required": "请填写身份证号"},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["name", "id_number", "phone", "password", "password2"]

    def clean_id_number(self):
        return _domain_check(validate_resident_id, self.cleaned_data["id_number"])

    def _account_for_password_check(self) -> User:
        number = self.cleaned_data.get("id_number", "")
        return User(username=number, id_number=number, real_name=self.cleaned_data.get("name", ""))


class EnterpriseRegisterForm(_RegisterBase):
    name = forms.CharField(label="单位名称", max_length=100, error_messages={"required": "请填写单位名称"})
    credit_code = forms.CharField(
        label="统一社会信用代码", max_length=30, error_messages={"required": "请填写统一社会信用代码"}
    )
    legal_representative = forms.CharField(
        label="法定代表人姓名", max_length=50, error_messages={"required": "请填写法定代表人姓名"}
    )
    field_order = ["name", "credit_code", "legal_representative", "phone", "password", "password2"]

    def clean_credit_code(self):
        return _domain_check(validate_credit_code, self.cleaned_data["credit_code"])

    def _account_for_password_check(self) -> User:
        code = self.cleaned_data.get("credit_code", "")
        return User(username=code, credit_code=code, real_name=self.cleaned_data.get("name", ""),
                    legal_representative=self.cleaned_data.get("legal_representative", ""))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="原密码",
        max_length=128,
        strip=False,
        error_messages={"required": "请填写原密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="新密码",
        max_length=128,
        strip=False,
        help_text=_PASSWORD_HELP,
        error_messages={"required": "请填写新密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="确认新密码",
        max_length=128,
        strip=False,
        error_messages={"required": "请再次输入新密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        # Strength is checked by the service (it knows the account for the similarity test).
        data = super().clean()
        if data.get("new_password") and data.get("new_password2") and data["new_password"] != data["new_password2"]:
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


# --- phone code and consent at registration, password recovery (issue 16) -------------

_CODE_WIDGET = forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "code-input"})


class RegistrationExtras(forms.Form):
    """The two extra steps of registration: the SMS code and agreement to the privacy notice."""

    phone_code = forms.CharField(label="短信验证码", max_length=12, required=False, widget=_CODE_WIDGET,
                                 help_text="点击“获取验证码”后,填写发送到上面手机号的 6 位数字")
    privacy_consent = forms.BooleanField(
        label="我已阅读并同意《隐私政策》", required=True,
        error_messages={"required": "请阅读并同意隐私政策后再注册"},
    )


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label="账号或手机号", max_length=64, error_messages={"required": "请填写账号或手机号"},
        help_text="身份证号、统一社会信用代码、工作人员登录名,或注册时填写的手机号",
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


class PasswordResetConfirmForm(forms.Form):
    code = forms.CharField(label="短信验证码", max_length=12, error_messages={"required": "请填写短信验证码"},
                           widget=_CODE_WIDGET)
    new_password = forms.CharField(
        label="新密码", max_length=128, strip=False, help_text=_PASSWORD_HELP,
        error_messages={"required": "请填写新密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="确认新密码", max_length=128, strip=False, error_messages={"required": "请再次输入新密码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class AccountCloseForm(forms.Form):
    password = forms.CharField(
        label="当前密码", max_length=128, strip=False, error_messages={"required": "请填写当前密码以确认注销"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(label="我已了解注销后无法恢复,并同意注销", required=True,
                                 error_messages={"required": "请勾选确认后再注销"})
