"""Locust scenario for the load test (issue 19): see bench/loadtest.py, which prepares the
demo county, starts gunicorn and runs this file headless.

Three kinds of visitor, 6 : 3 : 1:

* anonymous: home, catalog, an item page, full-text search, disclosure and service
  indexes, published letter replies, the public catalog API;
* citizens (accounts made by the load test's setup, one per simulated citizen): sign in
  with the real login form, apply for 农村村民宅基地审批 with a PDF, write a letter, ask for
  government information, look at their cases and letters;
* staff (one demo account per simulated official): sign in with password and TOTP code
  (computed from the published demo TOTP secret in var/demo_accounts.txt, RFC 6238,
  exactly what an authenticator app does), open the workbench and inboxes, accept new
  cases and letters.

Every request that is not the expected status counts as a failure. Each simulated
citizen and official comes from its own client address (X-Real-IP, as nginx sets it):
the per-address limits are for one household, not for a whole county behind one proxy.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import threading
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, task

SETUP = json.loads(Path(os.environ["ZHENGWU_LOAD_SETUP"]).read_text())
PASSWORD = "Demo@2026zw"
_counter = itertools.count()
_lock = threading.Lock()
# Letters per citizen account in one run: the platform allows five an hour per person, and
# two simulated users may share an account when there are more of them than accounts.
LETTERS_PER_ACCOUNT = 2
_letters: dict[str, int] = {}


def _letter_allowed(account: str) -> bool:
    with _lock:
        if _letters.get(account, 0) >= LETTERS_PER_ACCOUNT:
            return False
        _letters[account] = _letters.get(account, 0) + 1
        return True


def _next(seq):
    with _lock:
        return seq[next(_counter) % len(seq)]


def totp(secret_b32: str, at: float | None = None) -> str:
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


_used_steps: dict[str, int] = {}


def _fresh_totp_step(account: str) -> int:
    """A 30-second TOTP step not yet used for ``account``; sleeps (gevent) until there is one."""
    while True:
        with _lock:
            step = int(time.time() // 30)
            if _used_steps.get(account, -1) < step:
                _used_steps[account] = step
                return step
        gevent.sleep(30 - time.time() % 30 + 0.2)


def _csrf_from(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


class _Person(HttpUser):
    abstract = True

    def on_start(self):
        self.ip = f"10.{random.randint(0, 250)}.{random.randint(0, 250)}.{random.randint(1, 250)}"
        self.client.headers["X-Real-IP"] = self.ip

    def login(self, username: str) -> bool:
        page = self.client.get("/accounts/login/", name="/accounts/login/ [GET]")
        response = self.client.post("/accounts/login/", name="/accounts/login/ [POST]", data={
            "username": username, "password": PASSWORD, "csrfmiddlewaretoken": _csrf_from(page.text),
        }, headers={"Referer": self.host + "/accounts/login/"})
        return response.ok

    def api_headers(self) -> dict:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host + "/"}


class Anonymous(_Person):
    weight = 6
    wait_time = between(1, 4)

    @task(4)
    def home(self):
        self.client.get("/", name="/ 首页")

    @task(3)
    def catalog(self):
        self.client.get("/catalog/", name="/catalog/ 事项目录")

    @task(3)
    def item(self):
        self.client.get(f"/catalog/items/{SETUP['item']}/", name="/catalog/items/<code>/ 事项")

    @task(3)
    def search(self):
        self.client.get("/search/", params={"q": random.choice(["宅基地", "社保", "公开", "工资", "建设"])},
                        name="/search/?q= 全站搜索")

    @task(1)
    def disclosure(self):
        self.client.get("/gongkai/", name="/gongkai/ 政务公开")

    @task(1)
    def services(self):
        self.client.get("/banshi/", name="/banshi/ 网上办事")

    @task(1)
    def replies(self):
        self.client.get("/letters/replies/", name="/letters/replies/ 信件公开")

    @task(2)
    def catalog_api(self):
        self.client.get("/api/v1/catalog/items", params={"category": "power"}, name="/api/v1/catalog/items")


class Citizen(_Person):
    weight = 3
    wait_time = between(2, 6)

    def on_start(self):
        super().on_start()
        self.login_name = _next(SETUP["citizen_logins"])
        self.sent = {"case": 0, "letter": 0, "disclosure": 0}
        self.receipts: list[str] = []
        self.login(self.login_name)

    @task(2)
    def apply(self):
        if self.sent["case"] >= 4:
            return self.mine()
        self.sent["case"] += 1
        files = {f"material_{m}": ("申请表.pdf", PDF, "application/pdf") for m in SETUP["materials"]}
        with self.client.post("/api/v1/cases/submit", name="/api/v1/cases/submit 申请", headers=self.api_headers(),
                              data={"item_code": SETUP["item"], "note": "翻建住房"}, files=files,
                              catch_response=True) as response:
            if response.status_code == 201:
                self.receipts.append(response.json()["receipt_no"])
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(1)
    def letter(self):
        if not _letter_allowed(self.login_name):
            return self.mine()
        with self.client.post("/api/v1/letters/submit", name="/api/v1/letters/submit 写信", headers=self.api_headers(),
                              json={"channel": "county_head", "category": "labour", "title": "工资拖欠问题",
                                    "body": f"本人工资被拖欠三个月,请协调处理。{random.random()}"},
                              catch_response=True) as response:
            if response.status_code == 201:
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(1)
    def disclosure_request(self):
        if self.sent["disclosure"] >= 3:
            return self.mine()
        self.sent["disclosure"] += 1
        with self.client.post("/api/v1/disclosure-requests/submit", name="/api/v1/disclosure-requests/submit 依申请公开",
                              headers=self.api_headers(), json={
                                  "department_id": SETUP["department"], "contact_phone": "13912340000",
                                  "description": f"申请公开本县 2026 年宅基地审批情况 {random.random()}"},
                              catch_response=True) as response:
            if response.status_code == 201:
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(3)
    def mine(self):
        self.client.get("/api/v1/cases/mine", name="/api/v1/cases/mine 我的办件")
        self.client.get("/cases/mine/", name="/cases/mine/ 我的办件页")

    @task(1)
    def my_letters(self):
        self.client.get("/letters/mine/", name="/letters/mine/ 我的信件")


class Staff(_Person):
    weight = 1
    wait_time = between(2, 6)

    def on_start(self):
        super().on_start()
        # Officials of the land bureau and the police handle cases; the letters office and
        # the departments that answer letters handle letters.
        self.username, self.kind = _next(SETUP["staff_logins"])
        if not self.login(self.username):
            return
        page = self.client.get("/accounts/mfa/", name="/accounts/mfa/ [GET]")
        # Several simulated officials share one demo account, and the platform refuses a
        # code already used on that device (replay protection). Like a person sharing a
        # token, wait for the next code when this one was just used for the account.
        step = _fresh_totp_step(self.username)
        self.client.post("/accounts/mfa/", name="/accounts/mfa/ [POST] 动态口令", data={
            "token": totp(SETUP["totp_secret"], at=step * 30), "csrfmiddlewaretoken": _csrf_from(page.text),
        }, headers={"Referer": self.host + "/accounts/mfa/"})

    @task(3)
    def workbench(self):
        self.client.get("/office/", name="/office/ 工作台")

    @task(3)
    def cases(self):
        if self.kind != "cases":
            return self.letters()
        self.client.get("/office/cases/", name="/office/cases/ 办件收件箱")
        response = self.client.get("/api/v1/staff/cases/inbox", name="/api/v1/staff/cases/inbox")
        if not response.ok:
            return
        for row in response.json().get("items", [])[:2]:
            detail = self.client.get(f"/api/v1/staff/cases/{row['receipt_no']}", name="/api/v1/staff/cases/<receipt>")
            if not detail.ok:
                continue
            body = detail.json()
            if any(a.get("action") == "accept" for a in body.get("actions", [])):
                with self.client.post(f"/api/v1/staff/cases/{row['receipt_no']}/actions",
                                      name="/api/v1/staff/cases/<receipt>/actions 受理", headers=self.api_headers(),
                                      json={"action": "accept", "expected_version": body["version"]},
                                      catch_response=True) as done:
                    # 409: another official took the same case a moment earlier (optimistic lock).
                    if done.status_code in (200, 409):
                        done.success()
                return

    @task(2)
    def letters(self):
        if self.kind != "letters":
            return self.workbench()
        self.client.get("/office/letters/", name="/office/letters/ 信件收件箱")
        response = self.client.get("/api/v1/letters/staff/inbox", name="/api/v1/letters/staff/inbox")
        if not response.ok:
            return
        for row in [r for r in response.json() if r.get("status") == "submitted"][:1]:
            with self.client.post(f"/api/v1/letters/staff/{row['id']}/actions",
                                  name="/api/v1/letters/staff/<id>/actions 受理", headers=self.api_headers(),
                                  json={"action": "accept"}, catch_response=True) as done:
                if done.status_code in (200, 409):
                    done.success()


PDF = Path(SETUP["pdf"]).read_bytes()
