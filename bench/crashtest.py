"""Crash test (issue 19): concurrent submissions while gunicorn workers and the task
consumer are killed with SIGKILL, then a check that nothing acknowledged was lost.

    python bench/crashtest.py [--submissions 500] [--kills 4] [--database-url postgres://…]

Phases (each a process of its own, so the orchestrator never imports Django):

* ``run`` (default): a temp var dir, the demo county, gunicorn (``--workers``) and the Huey
  consumer; ``--submissions`` concurrent submissions (case applications with a PDF
  upload, letters, disclosure requests) from signed-in citizens, and staff actions (a
  land official accepts cases, the letters office accepts letters) beside them. At
  ``--kills`` random moments one gunicorn worker and the consumer are SIGKILLed (the
  consumer is restarted at once, gunicorn respawns the worker); one of those moments kills
  everything, master included, and restarts it. After the load the queue is drained
  and the platform stopped; then ``check`` runs.
* ``setup``: citizens and their sessions, staff sessions with a verified second factor
  (the crash test is about durability, not about typing TOTP codes), the item and the
  sample PDF; printed as JSON.
* ``check``: every acknowledged receipt exists with all its materials (bytes on disk,
  hashes equal to what was sent) and events; every acknowledged staff action is in its
  case's events; no case without its clock or first event, no file row without its
  bytes; orphan files (bytes without a row, left by a kill between the file's move and
  the commit) are reclaimed by ``files_sweep_orphans`` and none remain; the queue is
  empty and the search index holds exactly what its sources hold (every index task ran,
  retried ones included); ``audit_verify`` passes.

Prints ``acknowledged``, ``lost`` (must be 0) and ``half_written`` (must be 0); exits 1
otherwise. ``--out DIR`` saves the JSON figures (bench/results/crashtest-<db>-<time>.json).
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import hashlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PASSWORD = "Demo@2026zw"


# --- shared helpers ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(msg: str) -> None:
    print(f"[crashtest {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def manage(env, *args, quiet=True, check=True):
    out = subprocess.DEVNULL if quiet else None
    return subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, stdout=out, check=check)


def phase(env, name, *args) -> dict:
    result = subprocess.run([PY, __file__, "--phase", name, *args], cwd=ROOT, env=env, check=True,
                            stdout=subprocess.PIPE, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- setup phase (Django) ------------------------------------------------------------------

def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.settings")
    import django

    django.setup()


def setup_phase(citizens: int, fast_passwords: bool = False) -> dict:
    _django()
    from django.conf import settings

    if fast_passwords:
        # The crash test signs citizens in by session, never by password: a real hash
        # (~0.5 s each on a busy machine) would only slow the setup down.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhengwu.accounts.mfa import demo_totp_secret_base32
    from zhengwu.accounts.models import User
    from zhengwu.accounts.services import citizen_register
    from zhengwu.catalog.models import Item
    from zhengwu.core.identifiers import resident_id_check_char
    from zhengwu.core.tests.upload_samples import PDF_BYTES
    from zhengwu.org.models import Unit

    def session_of(user, verified=False) -> str:
        client = Client()
        client.force_login(user)
        if verified:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.filter(user=user, confirmed=True).first().persistent_id
            session.save()
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    sessions, logins = [], []
    for n in range(1, citizens + 1):
        first17 = f"11010119880101{n:03d}"
        user = User.objects.filter(username__contains=first17[-6:], kind=User.Kind.CITIZEN, real_name=f"压测居民{n}").first()
        if user is None:
            user = citizen_register(name=f"压测居民{n}", id_number=first17 + resident_id_check_char(first17),
                                    phone=f"1391234{n:04d}", password=PASSWORD)
        sessions.append(session_of(user))
        logins.append(first17 + resident_id_check_char(first17))
    item = Item.objects.get(code="QL074")
    materials = [m.pk for m in item.materials.filter(required=True)] or [item.materials.first().pk]
    department = Unit.objects.get(name="县人民政府办公室")
    pdf = Path(settings.VAR_DIR) / "crash-sample.pdf"
    pdf.write_bytes(PDF_BYTES)
    return {
        "citizens": sessions, "citizen_logins": logins,
        "staff_logins": [[name, "cases"] for name in ("gt_banli", "gt_shenhe", "gt_shenpi", "gaj_banli", "gaj_shenhe",
                                                      "gaj_shenpi", "chuangkou")]
        + [[name, "letters"] for name in ("xfj_fenban", "rsj_banli", "hbj_banli", "rsj_fuze", "hbj_fuze")],
        "totp_secret": demo_totp_secret_base32(),
        "case_staff": session_of(User.objects.get(username="gt_banli"), verified=True),
        "letter_staff": session_of(User.objects.get(username="xfj_fenban"), verified=True),
        "item": item.code, "materials": materials, "department": department.pk,
        "pdf": str(pdf), "pdf_sha256": hashlib.sha256(PDF_BYTES).hexdigest(),
        "session_cookie": settings.SESSION_COOKIE_NAME,
    }


# --- check phase (Django) ------------------------------------------------------------------

def check_phase(ledger_path: str) -> dict:
    _django()
    from django.core.management import call_command
    from huey.contrib.djhuey import HUEY

    from zhengwu.cases.models import Case
    from zhengwu.cases.selectors.apply import MATERIAL_OBJECT_TYPE
    from zhengwu.core.models import Clock, StoredFile
    from zhengwu.core.registries.search import search_sources
    from zhengwu.core.uploads import config as upload_config
    from zhengwu.core.uploads import files_sweep_orphans, storage
    from zhengwu.disclosure_requests.models import DisclosureRequest
    from zhengwu.letters.models import Letter
    from zhengwu.search.backends import search_backend

    ledger = json.loads(Path(ledger_path).read_text())
    lost: list[str] = []
    half: list[str] = []

    def sha(path: Path) -> str | None:
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None

    for entry in ledger["acknowledged"]:
        kind, ref = entry["kind"], entry["ref"]
        if kind == "case":
            case = Case.objects.filter(receipt_no=ref).first()
            if case is None:
                lost.append(f"case {ref}")
                continue
            rows = list(StoredFile.objects.filter(object_type=MATERIAL_OBJECT_TYPE, object_id=str(case.pk)))
            if len(rows) < entry["files"]:
                lost.append(f"case {ref}: {len(rows)} of {entry['files']} materials")
            for row in rows:
                if sha(storage.path_for(row.storage_name)) != entry["sha256"]:
                    lost.append(f"case {ref}: material {row.pk} bytes differ or missing")
            if not case.events.filter(seq=1).exists():
                lost.append(f"case {ref}: no submission event")
        elif kind == "letter":
            if not Letter.objects.filter(query_code=ref).exists():
                lost.append(f"letter {ref}")
        elif kind == "disclosure":
            if not DisclosureRequest.objects.filter(receipt_no=ref).exists():
                lost.append(f"disclosure request {ref}")
    for entry in ledger["staff_acknowledged"]:
        if entry["kind"] == "case":
            if not Case.objects.filter(receipt_no=entry["ref"], events__action=entry["action"]).exists():
                lost.append(f"staff {entry['action']} on case {entry['ref']}")
        elif not Letter.objects.filter(pk=entry["ref"]).exclude(status="submitted").exists():
            lost.append(f"staff accept of letter {entry['ref']}")

    # Half-written: anything a transaction should have written together, seen apart.
    for case in Case.objects.select_related("clock").iterator():
        if case.clock_id is None or not case.events.exists() or case.events.count() != case.version:
            half.append(f"case {case.receipt_no}: clock {case.clock_id}, events {case.events.count()}, version {case.version}")
    clock_ids = set(Case.objects.values_list("clock_id", flat=True))
    for clock in Clock.objects.filter(owner_type="cases.case").exclude(pk__in=clock_ids).values_list("pk", flat=True)[:50]:
        half.append(f"clock {clock} without its case")
    for row in StoredFile.objects.iterator():
        path = storage.path_for(row.storage_name)
        if sha(path) != row.sha256:
            half.append(f"file row {row.pk} without its bytes")

    root = upload_config.upload_root()
    def orphans():
        found = []
        for path in root.glob("**/*"):
            if path.is_file() and (path.parent.name == ".incoming"
                                   or not StoredFile.objects.filter(storage_name=path.name).exists()):
                found.append(path)
        return found
    orphans_before = len(orphans())
    files_sweep_orphans(older_than_seconds=0)  # the platform's own reclaim, run after a restart
    orphans_after = len(orphans())

    pending = HUEY.pending_count()
    expected_docs = sum(sum(1 for _ in src.iter_all()) for src in search_sources().values())
    indexed = search_backend().count()
    try:
        call_command("audit_verify", verbosity=0)
        audit_ok = True
    except BaseException as exc:  # CommandError or SystemExit: the chain is broken
        audit_ok = False
        half.append(f"audit_verify: {exc}")
    return {
        "acknowledged": len(ledger["acknowledged"]),
        "staff_acknowledged": len(ledger["staff_acknowledged"]),
        "lost": len(lost), "lost_items": lost[:20],
        "half_written": len(half), "half_written_items": half[:20],
        "orphan_files_before_sweep": orphans_before, "orphan_files_after_sweep": orphans_after,
        "queue_pending": pending, "queue_scheduled": HUEY.scheduled_count(),
        "search_expected": expected_docs, "search_indexed": indexed,
        "audit_verify": audit_ok,
        "cases": Case.objects.count(), "letters": Letter.objects.count(),
        "disclosure_requests": DisclosureRequest.objects.count(),
    }


# --- run phase (orchestrator) -----------------------------------------------------------------

class Platform:
    """gunicorn + the Huey consumer on one var dir; every process killed or stopped by its pid."""

    def __init__(self, env, port, workers, logdir: Path):
        self.env, self.port, self.workers, self.logdir = env, port, workers, logdir
        self.gunicorn = None
        self.consumer = None

    def _out(self, name):
        return open(self.logdir / f"{name}.log", "ab")

    def start_gunicorn(self):
        self.gunicorn = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "zhengwu.wsgi:application", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--no-control-socket", "--graceful-timeout", "5",
             "--forwarded-allow-ips", "", "--timeout", "60"],
            cwd=ROOT, env=self.env, stdout=self._out("gunicorn"), stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5):
                    return
            except OSError:
                if self.gunicorn.poll() is not None:
                    raise RuntimeError("gunicorn exited at start; see gunicorn.log") from None
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 120 s")

    def start_consumer(self):
        self.consumer = subprocess.Popen([PY, "manage.py", "run_huey"], cwd=ROOT, env=self.env,
                                         stdout=self._out("consumer"), stderr=subprocess.STDOUT)

    def workers_pids(self) -> list[int]:
        if self.gunicorn is None:
            return []
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.gunicorn.pid:
                pids.append(int(stat.parent.name))
        return pids

    def kill_worker(self) -> int | None:
        pids = self.workers_pids()
        if not pids:
            return None
        pid = random.choice(pids)
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_consumer(self, restart=True):
        if self.consumer is not None and self.consumer.poll() is None:
            self.consumer.kill()
            self.consumer.wait()
        if restart:
            self.start_consumer()

    def kill_all_and_restart(self):
        workers = self.workers_pids()
        self.gunicorn.kill()
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.gunicorn.wait()
        self.kill_consumer(restart=False)
        time.sleep(0.5)
        self.start_gunicorn()
        self.start_consumer()

    def stop(self):
        for proc in (self.gunicorn, self.consumer):
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in (self.gunicorn, self.consumer):
            if proc is not None:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


class Client:
    """urllib with a session cookie, a CSRF pair and a per-submission client address (as nginx sets it)."""

    def __init__(self, base, cookie_name, session):
        self.base, self.cookie_name, self.session = base, cookie_name, session
        self.csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret

    def request(self, method, path, *, json_body=None, form=None, files=None, ip=None, timeout=60):
        headers = {"Cookie": f"{self.cookie_name}={self.session}; csrftoken={self.csrf}",
                   "X-CSRFToken": self.csrf, "Referer": self.base + "/"}
        if ip:
            headers["X-Real-IP"] = ip
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            boundary = uuid.uuid4().hex
            parts = []
            for key, value in form.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
            for key, (name, content) in (files or {}).items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{name}"\r\n'
                    f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n"
                )
            parts.append(f"--{boundary}--\r\n".encode())
            data = b"".join(parts)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(req, timeout=timeout) as resp:
                    return resp.status, resp.read()
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read()
            except urllib.error.URLError as exc:
                # Refused: nothing was sent (the server is restarting), so trying again is
                # what a browser behind nginx would see as one slow request. Anything else
                # (the connection cut mid-request) is not acknowledged and not retried.
                if not isinstance(exc.reason, ConnectionRefusedError) or time.time() > deadline:
                    raise
                time.sleep(0.5)


def queue_size(var: Path) -> tuple[int, int]:
    """Tasks waiting and tasks scheduled (retries with a delay) in Huey's SQLite queue."""
    import sqlite3

    with sqlite3.connect(var / "huey.sqlite3", timeout=30) as conn:
        waiting = conn.execute("SELECT count(*) FROM task").fetchone()[0]
        scheduled = conn.execute("SELECT count(*) FROM schedule").fetchone()[0]
    return waiting, scheduled


def drop_database(pg_admin) -> None:
    if pg_admin is None:
        return
    import psycopg

    with psycopg.connect(pg_admin[0], autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{pg_admin[1]}" WITH (FORCE)')


def prepare(work: Path, database_url: str, citizens: int, *, fast_passwords: bool):
    """A var dir with the demo county in ``work``: (env, setup, pg_admin, db label).

    On PostgreSQL a fresh database next to the one ``database_url`` names (dropped by
    ``drop_database(pg_admin)``); on SQLite the files in the var dir.
    """
    var = work / "var"
    var.mkdir()
    env = dict(os.environ)
    env.update({
        "ZHENGWU_VAR_DIR": str(var), "ZHENGWU_DEMO": "true", "ZHENGWU_PLAIN_STATIC": "true",
        # Every submission names its own client address, as nginx would: the per-address
        # letter limits are then what they are for a county's many citizens.
        "ZHENGWU_TRUSTED_PROXIES": "127.0.0.1", "ZHENGWU_BACKUP_NIGHTLY": "false",
        "PROMETHEUS_MULTIPROC_DIR": str(var / "prometheus"), "DJANGO_DEBUG": "false",
    })
    for name in ("HUEY_IMMEDIATE", "HUEY_REDIS_URL", "CACHE_URL", "ZHENGWU_SEARCH_BACKEND"):
        env.pop(name, None)
    (var / "prometheus").mkdir()
    (var / "static").mkdir()
    db_label = "sqlite"
    pg_admin = None
    if database_url:
        db_label = "postgresql"
        import psycopg

        base = urllib.parse.urlsplit(database_url)
        name = f"{base.path.lstrip('/')}_crash_{secrets.token_hex(3)}"
        pg_admin = (database_url, name)
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urllib.parse.urlunsplit(base._replace(path=f"/{name}"))
    else:
        env.pop("DATABASE_URL", None)
    try:
        t0 = time.time()
        log(f"preparing the demo county in {var} ({db_label})")
        for step in (["migrate", "--noinput"], ["load_catalog"], ["calendar_seed"], ["load_demo_county"],
                     ["seal_setup"], ["search_rebuild"]):
            started = time.time()
            manage(env, *step)
            log(f"  {step[0]}: {time.time() - started:.0f} s")
        setup = phase(env, "setup", "--citizens", str(citizens), *(["--fast-passwords"] if fast_passwords else []))
        # What the demo loader queued (index updates) was done by search_rebuild; the
        # drain after the load then measures only what the load and the kills queued.
        import sqlite3

        with sqlite3.connect(var / "huey.sqlite3") as conn:
            dropped = conn.execute("DELETE FROM task").rowcount
        log(f"  dropped {dropped} tasks queued by the demo loader (search_rebuild covered them)")
        log(f"prepared in {time.time() - t0:.0f} s")
    except BaseException:
        drop_database(pg_admin)
        raise
    return env, setup, pg_admin, db_label


def run(args) -> int:
    work = Path(tempfile.mkdtemp(prefix="zhengwu-crash-"))
    var = work / "var"
    env, setup, pg_admin, db_label = prepare(work, args.database_url, args.citizens, fast_passwords=True)
    platform = None
    try:
        port = free_port()
        platform = Platform(env, port, args.workers, work)
        platform.start_gunicorn()
        platform.start_consumer()
        result = load(args, platform, setup, f"http://127.0.0.1:{port}", work)
        platform.stop()
        # The consumer drains what the kills left queued (and the sealer chains the audit rows).
        drain = subprocess.Popen([PY, "manage.py", "run_huey"], cwd=ROOT, env=env,
                                 stdout=open(work / "consumer.log", "ab"), stderr=subprocess.STDOUT)
        drained_at = time.time()
        queued = queue_size(var)
        while time.time() - drained_at < 600:
            time.sleep(args.drain_seconds)
            queued = queue_size(var)
            # At least 15 s, so the sealer also chains what the load wrote.
            if queued == (0, 0) and time.time() - drained_at >= 15:
                break
        log(f"queue after {time.time() - drained_at:.0f} s of draining: {queued[0]} waiting, {queued[1]} scheduled")
        drain.terminate()
        drain.wait(timeout=60)
        ledger = work / "ledger.json"
        ledger.write_text(json.dumps(result))
        figures = phase(env, "check", "--ledger", str(ledger))
        figures.update({
            "database": db_label, "submissions": args.submissions, "workers": args.workers,
            "concurrency": args.concurrency, "kill_events": result["kills"],
            "not_acknowledged": result["not_acknowledged"], "refused": result["refused"],
            "load_seconds": round(result["seconds"], 1),
            "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "machine": f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end",
        })
    finally:
        if platform is not None:
            platform.stop()
        drop_database(pg_admin)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    ok = (figures["lost"] == 0 and figures["half_written"] == 0 and figures["orphan_files_after_sweep"] == 0
          and figures["audit_verify"] and figures["queue_pending"] == 0
          and figures["search_indexed"] == figures["search_expected"] and figures["acknowledged"] > 0)
    figures["passed"] = ok
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    print(f"acknowledged: {figures['acknowledged']} (+{figures['staff_acknowledged']} staff actions)  "
          f"lost: {figures['lost']}  half-written: {figures['half_written']}  "
          f"kills: {len(figures['kill_events'])}  {'PASSED' if ok else 'FAILED'}")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"crashtest-{db_label}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
        log(f"figures saved to {path}")
    return 0 if ok else 1


def load(args, platform: Platform, setup: dict, base: str, work: Path) -> dict:
    pdf = Path(setup["pdf"]).read_bytes()
    cookie = setup["session_cookie"]
    citizens = [Client(base, cookie, s) for s in setup["citizens"]]
    acknowledged, staff_ack, kills = [], [], []
    counts = {"not_acknowledged": 0, "refused": 0}
    lock = threading.Lock()
    done = threading.Event()

    def submit(n: int):
        # Kinds rotate with n, so the citizen follows n // 3: each one gets every kind in turn
        # (n % len would give one citizen only letters, past the five-an-hour limit).
        client = citizens[(n // 3) % len(citizens)]
        ip = f"10.{n // 250 % 250}.{n % 250}.{random.randint(1, 250)}"
        kind = ("case", "letter", "disclosure")[n % 3]
        try:
            if kind == "case":
                files = {f"material_{m}": ("申请表.pdf", pdf) for m in setup["materials"]}
                status, body = client.request("POST", "/api/v1/cases/submit", ip=ip,
                                              form={"item_code": setup["item"], "note": f"压测申请 {n}"}, files=files)
                ref_key, extra = "receipt_no", {"files": len(files), "sha256": setup["pdf_sha256"]}
            elif kind == "letter":
                status, body = client.request("POST", "/api/v1/letters/submit", ip=ip, json_body={
                    "channel": "county_head", "category": "labour", "title": f"压测来信 {n}",
                    "body": f"第 {n} 封压测信件:工资拖欠问题,请有关部门协调处理。{uuid.uuid4().hex}"})
                ref_key, extra = "query_code", {}
            else:
                status, body = client.request("POST", "/api/v1/disclosure-requests/submit", ip=ip, json_body={
                    "department_id": setup["department"], "description": f"申请公开 2026 年第 {n} 号文件的全文",
                    "contact_phone": "13912340000"})
                ref_key, extra = "receipt_no", {}
        except OSError as exc:  # the worker died under the request: not acknowledged
            with lock:
                counts["not_acknowledged"] += 1
            return f"{type(exc).__name__}"
        with lock:
            if status == 201:
                acknowledged.append({"kind": kind, "ref": json.loads(body)[ref_key], **extra})
            elif status in (502, 503, 504) or status >= 500:
                counts["not_acknowledged"] += 1
            else:
                counts["refused"] += 1  # a 4xx with a Chinese reason: nothing was acknowledged
        return status

    def staff():
        cases = Client(base, cookie, setup["case_staff"])
        letters = Client(base, cookie, setup["letter_staff"])
        seen = set()
        while not done.is_set():
            with lock:
                todo = [a["ref"] for a in acknowledged if a["kind"] == "case" and a["ref"] not in seen][:3]
            try:
                for receipt in todo:
                    seen.add(receipt)
                    status, body = cases.request("GET", f"/api/v1/staff/cases/{receipt}")
                    if status != 200:
                        continue
                    detail = json.loads(body)
                    if any(a.get("action") == "accept" for a in detail.get("actions", [])):
                        status, _ = cases.request("POST", f"/api/v1/staff/cases/{receipt}/actions", json_body={
                            "action": "accept", "expected_version": detail["version"]})
                        if status == 200:
                            with lock:
                                staff_ack.append({"kind": "case", "ref": receipt, "action": "accept"})
                status, body = letters.request("GET", "/api/v1/letters/staff/inbox")
                if status == 200:
                    rows = [r for r in json.loads(body) if r.get("status") == "submitted"][:2]
                    for row in rows:
                        status, _ = letters.request("POST", f"/api/v1/letters/staff/{row['id']}/actions",
                                                    json_body={"action": "accept"})
                        if status == 200:
                            with lock:
                                staff_ack.append({"kind": "letter", "ref": row["id"], "action": "accept"})
            except OSError:
                pass
            time.sleep(0.2)

    def killer():
        # Kill moments spread over the expected run; the middle one takes everything down.
        moments = sorted(random.uniform(0.1, 0.9) for _ in range(args.kills))
        full = len(moments) // 2
        for i, fraction in enumerate(moments):
            while not done.is_set():
                with lock:
                    progress = (len(acknowledged) + counts["not_acknowledged"] + counts["refused"]) / args.submissions
                if progress >= fraction:
                    break
                time.sleep(0.05)
            if done.is_set():
                return
            if i == full:
                platform.kill_all_and_restart()
                kills.append({"at": round(fraction, 2), "killed": "gunicorn master, all workers and the consumer"})
            else:
                pid = platform.kill_worker()
                platform.kill_consumer()
                kills.append({"at": round(fraction, 2), "killed": f"worker {pid} and the consumer"})
            log(f"kill {i + 1}/{args.kills}: {kills[-1]['killed']}")

    started = time.time()
    staff_thread = threading.Thread(target=staff, daemon=True)
    killer_thread = threading.Thread(target=killer, daemon=True)
    staff_thread.start()
    killer_thread.start()
    with futures.ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(submit, range(args.submissions)))
    done.set()
    killer_thread.join(timeout=120)
    staff_thread.join(timeout=120)
    seconds = time.time() - started
    log(f"{len(acknowledged)} acknowledged, {counts['not_acknowledged']} not acknowledged, "
        f"{counts['refused']} refused, {len(staff_ack)} staff actions in {seconds:.0f} s")
    return {"acknowledged": acknowledged, "staff_acknowledged": staff_ack, "kills": kills, "seconds": seconds, **counts}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phase", choices=["run", "setup", "check"], default="run")
    parser.add_argument("--submissions", type=int, default=500)
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--citizens", type=int, default=60)
    parser.add_argument("--drain-seconds", type=float, default=5.0, help="poll interval while draining the queue")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", default="")
    parser.add_argument("--keep", action="store_true", help="keep the temp var dir and logs")
    parser.add_argument("--ledger", default="")
    parser.add_argument("--fast-passwords", action="store_true")
    args = parser.parse_args(argv)
    # TERM (from `timeout` or Ctrl-C in make) unwinds through the finally blocks, which stop
    # gunicorn and the consumer and drop the PostgreSQL database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.phase == "setup":
        print(json.dumps(setup_phase(args.citizens, args.fast_passwords)))
        return 0
    if args.phase == "check":
        print(json.dumps(check_phase(args.ledger), ensure_ascii=False))
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
