"""ZHENGWU_PRODUCTION=true passes `check --deploy` cleanly and refuses demo shortcuts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
STRONG_SECRET = "p9$Kq2!vX7#mLr4@Tz8&Wn1^Hs6*Jd3(Fb5)Gc0_Ye-Ua+Io=Pl;Qk:Rj,Sh.Vg"


def _manage(tmp_path, *args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZHENGWU_"))}
    env.update({
        "ZHENGWU_VAR_DIR": str(tmp_path),
        "ZHENGWU_PRODUCTION": "true",
        "DJANGO_SECRET_KEY": STRONG_SECRET,
        "DJANGO_ALLOWED_HOSTS": "zhengwu.example.gov.cn",
        "ZHENGWU_SM4_KEYS": "k1:00112233445566778899aabbccddeeff",
        "ZHENGWU_SM4_CURRENT_KEY": "k1",
        "ZHENGWU_BLIND_INDEX_KEY": "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
        "ZHENGWU_SEAL_KEY_PASSPHRASE": "q8Yt2pVn0sXw4LrK9mB7cZ3hJ6fD1gA5eU",
    })
    env.update(env_overrides)
    env = {k: v for k, v in env.items() if v is not None}
    # Run against an empty .env-free environment; the checked-in .env (if any) is read with
    # overwrite=False, so the values above win.
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_passes_without_warnings_in_production(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_turn_on_https_hsts_and_secure_cookies(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.SECURE_PROXY_SSL_HEADER, s.X_FRAME_OPTIONS)"
    )
    result = _manage(tmp_path, "shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False True 31536000 True True True True True Lax Lax ('HTTP_X_FORWARDED_PROTO', 'https') DENY"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ZHENGWU_SM4_KEYS": None}, "ZHENGWU_SM4_KEYS"),
        ({"ZHENGWU_BLIND_INDEX_KEY": None}, "ZHENGWU_BLIND_INDEX_KEY"),
        ({"ZHENGWU_SEAL_KEY_PASSPHRASE": "short"}, "ZHENGWU_SEAL_KEY_PASSPHRASE"),
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short-secret"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG"),
    ],
)
def test_production_refuses_to_start_with_demo_shortcuts(tmp_path, overrides, message):
    result = _manage(tmp_path, "check", "--deploy", **overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "拒绝启动" in result.stderr
    assert message in result.stderr


def test_retention_below_six_months_refuses_to_start(tmp_path):
    result = _manage(tmp_path, "check", ZHENGWU_PRODUCTION="false", ZHENGWU_AUDIT_RETENTION_DAYS="30")
    assert result.returncode != 0
    assert "ZHENGWU_AUDIT_RETENTION_DAYS=30" in result.stderr
