"""Reading SMS codes in tests the way a demo operator does: from the notifications outbox."""

import re

REGISTER = "/accounts/register/"


def last_sms_code(phone: str) -> str:
    from zhengwu.notifications.models import OutboundSms

    for sms in OutboundSms.objects.order_by("-created_at", "-id"):
        if sms.phone == phone:
            return re.search(r"\d{6}", sms.text).group()
    raise AssertionError(f"no SMS to {phone}")


def register_with_code(client, data: dict):
    """Post a registration as a person does: ask for the code, then send the form with it."""
    prefix = "e" if data.get("kind") == "enterprise" else "c"
    phone = data[f"{prefix}-phone"]
    sent = client.post(REGISTER, {**data, "action": "send_code"})
    # 429: a code went to this number less than a minute ago and is still valid.
    assert sent.status_code in (200, 429), sent.content.decode()
    return client.post(REGISTER, {**data, "phone_code": last_sms_code(phone), "privacy_consent": "on"})
