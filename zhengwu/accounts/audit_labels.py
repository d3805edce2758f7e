"""Chinese names of the accounts app's audit actions (``core.registries.audit_labels``)."""

LABELS = {
    "accounts.close": "注销账户",
    "accounts.password.reset": "找回密码:重设密码",
    "accounts.password.reset_request": "找回密码:申请验证码",
    "accounts.personal_data.export": "下载本人数据",
    "accounts.phone.verify": "手机号验证",
    "accounts.phone_code.send": "发送手机验证码",
    "accounts.privacy.consent": "同意隐私政策",
    "accounts.lockout": "账户锁定",
    "accounts.login": "登录",
    "accounts.logout": "退出登录",
    "accounts.mfa.enrol": "绑定动态口令",
    "accounts.mfa.recovery_regenerate": "重新生成备用恢复码",
    "accounts.mfa.recovery_used": "使用备用恢复码",
    "accounts.mfa.reset": "重置动态口令",
    "accounts.mfa.verify": "双因素认证验证",
    "accounts.password.change": "修改密码",
    "accounts.personal_data.unmask": "查看完整个人信息",
    "accounts.register": "注册账户",
    "accounts.session.expire": "会话超时退出",
    "accounts.staff.create": "创建工作人员账户",
}

# Third-party models without a Chinese verbose_name.
OBJECTS = {
    "otp_totp.totpdevice": "动态口令设备",
    "otp_static.staticdevice": "备用恢复码",
    "otp_static.statictoken": "备用恢复码",
}
