"""Two application servers (issue 19, ADR 0016): two gunicorn instances, each with its own
local var folder and its own Huey consumer, sharing PostgreSQL, Redis (queue and cache)
and the upload folder; requests alternate between them.

PostgreSQL only (marker ``postgresql_only``: deselected on an SQLite test database, where
two servers cannot share one database file); ``make test`` runs it in its PostgreSQL pass.
Needs Debian's redis-server, which scripts/test.sh installs like chromium and postgresql.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

from zhengwu.accounts.tests.factories import PASSWORD, CitizenFactory, StaffFactory
from zhengwu.accounts.tests.mfa_helpers import totp_code, totp_device
from zhengwu.catalog.tests.factories import ItemFactory, ItemMaterialFactory
from zhengwu.core.tests.upload_samples import PDF_BYTES
from zhengwu.disclosure import services as disclosure_services
from zhengwu.disclosure.models import Column
from zhengwu.org import services as org_services
from zhengwu.org.models import Unit
from zhengwu.org.roles import Role

pytestmark = [pytest.mark.postgresql_only, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:2]} exited with {proc.returncode}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:  # refused, or a worker still booting
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    assert Path(binary).exists(), "需要 redis-server:sudo apt-get install -y redis-server"
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)


def database_url() -> str:
    d = connection.settings_dict
    return f"postgres://{d['USER']}:{d['PASSWORD']}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


@pytest.fixture
def servers(redis_url, tmp_path):
    """Two servers A and B: {"A": base url, "B": base url, "env": {name: env}}."""
    shared = tmp_path / "shared"  # the NFS mount of a real deployment
    common = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "HUEY_REDIS_URL": f"{redis_url}/0",
        "CACHE_URL": f"{redis_url}/1",
        "ZHENGWU_SEARCH_BACKEND": "postgres",
        "ZHENGWU_UPLOAD_ROOT": str(shared / "uploads"),
        "ZHENGWU_BACKUP_DIR": str(shared / "backups"),
        "ZHENGWU_PLAIN_STATIC": "true",
        "ZHENGWU_BACKUP_NIGHTLY": "false",
        "DJANGO_DEBUG": "false",
    }
    for name in ("HUEY_IMMEDIATE", "ZHENGWU_SEARCH_DIR"):
        common.pop(name, None)
    procs, urls, envs = [], {}, {}
    try:
        for name in ("A", "B"):
            var = tmp_path / f"var-{name}"
            (var / "prometheus").mkdir(parents=True)
            (var / "static").mkdir()
            env = {**common, "ZHENGWU_VAR_DIR": str(var), "PROMETHEUS_MULTIPROC_DIR": str(var / "prometheus")}
            port = free_port()
            log = open(tmp_path / f"{name}.log", "ab")
            gunicorn = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "zhengwu.wsgi:application", "--workers", "2",
                 "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--forwarded-allow-ips", ""],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
            consumer = subprocess.Popen([sys.executable, "manage.py", "run_huey"], cwd=ROOT, env=env,
                                        stdout=log, stderr=subprocess.STDOUT)
            procs += [gunicorn, consumer]
            urls[name] = f"http://127.0.0.1:{port}"
            envs[name] = env
            wait_for(urls[name] + "/healthz", gunicorn)
        yield {**urls, "env": envs, "logs": tmp_path}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        # Shown by pytest only when the test failed: the servers' own account of it.
        for name in ("A", "B"):
            path = tmp_path / f"{name}.log"
            if path.exists():
                lines = [line for line in path.read_text(errors="replace").splitlines() if "WARNING" not in line]
                print(f"--- server {name} ---", *lines[-60:], sep="\n")


def servable_password(*users) -> None:
    """Hash the test password with PBKDF2: the servers run the production hashers, not the
    test run's MD5 (a low iteration count keeps it quick; the servers accept any count)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from zhengwu.accounts.models import User

    encoded = PBKDF2PasswordHasher().encode(PASSWORD, "twoserverssalt", iterations=1000)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=encoded)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def login(session: requests.Session, base: str, username: str, password: str = PASSWORD) -> requests.Response:
    page = session.get(f"{base}/accounts/login/")
    return session.post(f"{base}/accounts/login/", data={
        "username": username, "password": password, "csrfmiddlewaretoken": csrf_of(page.text),
    }, headers={"Referer": f"{base}/accounts/login/"}, allow_redirects=False)


def api_headers(session: requests.Session, base: str) -> dict:
    return {"X-CSRFToken": session.cookies.get("csrftoken"), "Referer": f"{base}/"}


@pytest.fixture
def county():
    county = org_services.unit_create(actor=None, code="TS", name="双机县", kind=Unit.Kind.COUNTY)
    office = org_services.unit_create(actor=None, code="TS-31", name="县人民政府办公室", kind=Unit.Kind.DEPARTMENT,
                                      parent=county)
    editor = StaffFactory(username="bianji2")
    org_services.assignment_grant(actor=None, user=editor, unit=office, role=Role.EDITOR)
    publisher = StaffFactory(username="fabu2")
    org_services.assignment_grant(actor=None, user=publisher, unit=office, role=Role.PUBLISHER)
    item = ItemFactory(name="农村村民宅基地审批", online_application=True)  # open online (issue 16)
    material = ItemMaterialFactory(item=item, seq=1, name="宅基地申请审批表", required=True)
    citizen, victim = CitizenFactory(), CitizenFactory()
    servable_password(publisher, citizen, victim)
    return {"office": office, "editor": editor, "publisher": publisher, "item": item, "material": material,
            "citizen": citizen, "victim": victim}


def test_two_servers_share_sessions_files_search_limits_and_run_periodic_work_once(servers, county):
    a, b = servers["A"], servers["B"]
    citizen = county["citizen"]

    # --- log in on A, continue on B ---------------------------------------------------
    person = requests.Session()
    assert login(person, a, citizen.username).status_code == 302
    me = person.get(f"{b}/accounts/me/", allow_redirects=False)
    assert me.status_code == 200 and "我的账户" in me.text

    # --- upload on A, download on B ------------------------------------------------------
    submitted = person.post(f"{a}/api/v1/cases/submit", headers=api_headers(person, a), data={
        "item_code": county["item"].code, "note": "翻建",
    }, files={f"material_{county['material'].pk}": ("审批表.pdf", PDF_BYTES, "application/pdf")})
    assert submitted.status_code == 201, submitted.text
    receipt = submitted.json()["receipt_no"]
    detail = person.get(f"{b}/cases/mine/{receipt}/")
    assert detail.status_code == 200
    links = re.findall(r'href="(/files/[0-9a-f-]{36}/)"', detail.text)
    assert links, "the case page on B links its material"
    download = person.get(f"{b}{links[0]}")
    assert download.status_code == 200 and download.content == PDF_BYTES

    # --- publish on A, find it in search on B ---------------------------------------------
    draft = disclosure_services.disclosure_create(
        actor=county["editor"], department=county["office"], column=Column.NEWS,
        title="双机部署验证公告青山绿水", body_html="<p>两台应用服务器共用检索索引。</p>",
    )
    disclosure_services.disclosure_submit(actor=county["editor"], disclosure=draft)
    official = requests.Session()
    assert login(official, a, "fabu2").status_code == 302
    device = totp_device(county["publisher"])
    page = official.get(f"{a}/accounts/mfa/")
    verified = official.post(f"{a}/accounts/mfa/", data={
        "token": totp_code(device), "csrfmiddlewaretoken": csrf_of(page.text),
    }, headers={"Referer": f"{a}/accounts/mfa/"}, allow_redirects=False)
    assert verified.status_code == 302
    edit = official.get(f"{b}/office/disclosure/{draft.pk}/")  # the verified session works on B too
    assert edit.status_code == 200
    published = official.post(f"{a}/office/disclosure/{draft.pk}/actions/", data={
        "action": "publish", "csrfmiddlewaretoken": csrf_of(edit.text),
    }, headers={"Referer": f"{a}/office/disclosure/{draft.pk}/"}, allow_redirects=False)
    assert published.status_code == 302
    found = ""
    deadline = time.time() + 90  # A's request queued the index update in Redis; a consumer runs it
    while time.time() < deadline:
        found = requests.get(f"{b}/search/", params={"q": "青山绿水"}).text
        if "双机部署验证公告" in found:
            break
        time.sleep(1)
    assert "双机部署验证公告" in found

    # --- rate limits shared: five letters an hour per person, counted on both servers ------
    def letter(base, n):
        return person.post(f"{base}/api/v1/letters/submit", headers=api_headers(person, base), json={
            "channel": "county_head", "category": "labour", "title": f"工资问题第{n}封", "body": f"第{n}封:工资拖欠{n}个月。",
        })

    statuses = [letter(a if n % 2 else b, n).status_code for n in range(1, 7)]
    assert statuses == [201] * 5 + [429]

    # --- lockouts shared: failures on A and B lock the account on both -----------------------
    victim = county["victim"]
    for n in range(5):
        failed = login(requests.Session(), a if n % 2 else b, victim.username, "Wrong#Password1")
        assert failed.status_code != 302
    locked = login(requests.Session(), a, victim.username)
    assert locked.status_code != 302 and "已被锁定" in locked.text

    # --- periodic work once: both servers' consumers fire the same sweep at once ----------
    # The real quarter-hour slot may already be taken by the running consumers (when the
    # test crosses :00, :15 …), so the sweep is claimed under a name of this test's own:
    # the same decorator, the same shared cache, the real sweep.
    name = f"supervision_sweep_probe_{os.getpid()}_{int(time.time())}"
    script = ("from zhengwu.core.periodic import once_per_period; "
              "from zhengwu.supervision.services import supervision_sweep; "
              f"r = once_per_period('{name}', 900)(lambda: supervision_sweep(actor=None))(); "
              "print('RAN' if r is not None else 'SKIPPED')")

    def run_on(server):
        out = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT,
                             env=servers["env"][server], capture_output=True, text=True, timeout=300)
        return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-500:]

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(run_on, ["A", "B"]))
    assert outcomes == ["RAN", "SKIPPED"]
