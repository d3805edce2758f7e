"""Small builders shared by the tests: submit a request on a given day, act on a given day."""

from zhengwu.accounts.tests.timetravel import at
from zhengwu.disclosure_requests import services

from .conftest import moment

PHONE = "13812345678"


def submit_on(day, *, actor, department, **kw):
    kw.setdefault("description", "请公开本县2026年老旧小区改造资金安排。")
    kw.setdefault("contact_phone", PHONE)
    with at(moment(*day)):
        return services.request_submit(actor=actor, department=department, **kw)


def on(day, fn, **kw):
    with at(moment(*day)):
        return fn(**kw)
