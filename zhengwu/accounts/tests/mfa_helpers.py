"""Test helpers for the staff second factor, shared by every app's tests.

``login_verified(client, user)`` logs a staff member in with a session already verified
by a TOTP device, which is what every back-office page and the admin require.
"""

import time

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice:
    """The user's TOTP device (created confirmed if missing)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()
    return device or TOTPDevice.objects.create(user=user, name="测试令牌", confirmed=confirmed)


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The device's code now (or ``steps_ahead`` 30-second steps later; tolerance is one step)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def login_verified(client, user) -> TOTPDevice:
    """force_login plus a session verified with the user's (new or existing) TOTP device."""
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def verified_login(client):
    """``verified_login(user)`` logs ``user`` in on ``client`` with a verified second factor."""

    def do(user):
        login_verified(client, user)
        client.user = user
        return client

    return do


@pytest.fixture
def admin_user(db, django_user_model):
    """pytest-django's admin_user as staff holding the system administrator post.

    Not a superuser: is_superuser grants nothing (三员分立); the admin opens by post.
    """
    from zhengwu.org.roles import Role
    from zhengwu.org.tests.factories import grant_post

    user = django_user_model.objects.create_user(
        username="admin", email="admin@example.com", password="Zhengwu#admin2026", kind="staff"
    )
    return grant_post(user, Role.SYSTEM_ADMIN)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client with the second factor verified in the session."""
    login_verified(client, admin_user)
    return client
