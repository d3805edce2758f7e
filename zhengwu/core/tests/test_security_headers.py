"""Every response carries the CSP, Permissions-Policy, COOP and clickjacking headers."""

import pytest
from django.test import override_settings

from zhengwu.core.middleware import DEFAULT_CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


def _directives(header):
    return {part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/catalog/items", "/no-such-page/"])
def test_pages_api_and_errors_carry_the_security_headers(client, path):
    response = client.get(path)
    assert _directives(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_policy_allows_no_inline_script_or_style():
    directives = _directives(DEFAULT_CONTENT_SECURITY_POLICY)
    assert not any("unsafe-inline" in d or "unsafe-eval" in d for d in directives)


def test_csp_setting_replaces_the_default(client):
    with override_settings(ZHENGWU_CSP="default-src 'none'"):
        response = client.get("/accounts/login/")
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.parametrize("template_dir", ["accounts", "portal", "core", "catalog", "org", "demo"])
def test_templates_have_no_inline_script_style_or_event_handler(template_dir):
    # Inline code would be blocked by script-src/style-src 'self'; keep it in static files.
    import re
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR) / "zhengwu" / template_dir / "templates"
    offenders = []
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
    patterns = [inline_script, re.compile(r"<style\b", re.I), re.compile(r"\sstyle\s*=", re.I),
                re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), re.compile(r"javascript:", re.I)]
    for path in root.rglob("*.html") if root.exists() else []:
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(root)}: {p.pattern}" for p in patterns if p.search(text)]
    assert offenders == []
