"""Backups of a running platform and their verified restore (SQLite and PostgreSQL).

A backup is one folder: the database snapshot, the uploaded files the snapshot refers to,
and ``manifest.json`` with the SHA-256 of every artifact and the row count of every table.

* **Consistency while the platform runs.** SQLite: the online backup API copies the
  database as of one read transaction (WAL readers never block writers). PostgreSQL: a
  REPEATABLE READ transaction exports its snapshot; the row counts and the file list are
  read in it and ``pg_dump --snapshot`` dumps exactly the same state. The file list comes
  from the snapshot, and upload files are written before the row that names them commits,
  so every file the snapshot refers to is on disk when it is copied.
* **The search index is not copied:** it is derived data, rebuilt from the restored
  database (``search_rebuild``), so it can never disagree with it.
* **Restore checks before it changes anything** (every hash in the manifest), then
  replaces the database, puts the files back, moves files the backup does not know into a
  ``.restored-orphans-*`` folder (nothing is deleted), and verifies: the row count of every
  table, every file's hash, and the audit chain. The platform must be stopped meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 - pg_dump/pg_restore with argument lists, never a shell
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.utils import timezone

from zhengwu.core.audit import audit_chain_verify, audit_record
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.uploads.config import upload_root
from zhengwu.core.uploads.storage import path_for
from zhengwu.search.services import search_rebuild

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
STOREDFILE_TABLE = "core_storedfile"


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    bytes: int
    seconds: float
    problems: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    path: Path
    tables: int
    rows: int
    files: int
    orphans_moved: int
    orphan_dir: Path | None
    audit_rows_checked: int
    search_documents: int | None
    seconds: float


def backup_root() -> Path:
    return Path(getattr(settings, "ZHENGWU_BACKUP_DIR", "") or Path(settings.VAR_DIR) / "backups")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_hashed(src: Path, dst: Path) -> str:
    """Copy ``src`` to ``dst`` and return the SHA-256 of the bytes written."""
    digest = hashlib.sha256()
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(CHUNK):
            digest.update(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest()


def _relative_upload(storage_name: str) -> str:
    return path_for(storage_name).relative_to(upload_root()).as_posix()


# --- database snapshots ----------------------------------------------------------------


def _sqlite_snapshot(target: Path) -> tuple[dict[str, int], list[tuple[str, str, int]]]:
    source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)  # one read transaction: a consistent copy, writers go on
    finally:
        source.close()
    try:
        return _sqlite_contents(dest)
    finally:
        dest.close()


def _sqlite_contents(conn: sqlite3.Connection) -> tuple[dict[str, int], list[tuple[str, str, int]]]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]
    counts = {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}  # nosec B608
    files = list(conn.execute(f"SELECT storage_name, sha256, size FROM {STOREDFILE_TABLE} ORDER BY storage_name"))  # nosec B608
    return counts, files


def _pg_bin(name: str) -> str:
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if candidates:
        return str(candidates[-1])
    found = shutil.which(name)
    if not found:
        raise ValidationFailed(f"找不到 PostgreSQL 工具 {name}:请安装 postgresql-client。", code="backup_tool_missing")
    return found


def _pg_env_args() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["-h", str(db.get("HOST") or "localhost"), "-p", str(db.get("PORT") or 5432), "-U", str(db.get("USER") or "")]
    return env, args


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [r[0] for r in cursor.fetchall()]


def _pg_snapshot(target: Path) -> tuple[dict[str, int], list[tuple[str, str, int]]]:
    import psycopg

    db = settings.DATABASES["default"]
    env, args = _pg_env_args()
    with psycopg.connect(
        host=db.get("HOST") or "localhost", port=db.get("PORT") or 5432, user=db.get("USER"),
        password=db.get("PASSWORD") or None, dbname=db["NAME"],
    ) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            counts = {}
            for name in _pg_tables(cur):
                cur.execute(f'SELECT COUNT(*) FROM "{name}"')  # nosec B608 - names from pg_tables
                counts[name] = cur.fetchone()[0]
            cur.execute(f"SELECT storage_name, sha256, size FROM {STOREDFILE_TABLE} ORDER BY storage_name")  # nosec B608
            files = [tuple(r) for r in cur.fetchall()]
            # While the exporting transaction is open, pg_dump can adopt its snapshot.
            completed = subprocess.run(  # nosec B603
                [_pg_bin("pg_dump"), *args, "-d", db["NAME"], "-Fc", "--no-owner", f"--snapshot={snapshot}",
                 "-f", str(target)],
                env=env, capture_output=True, text=True, check=False,
            )
    if completed.returncode != 0:
        raise ValidationFailed(f"pg_dump 失败:{completed.stderr.strip()[:500]}", code="backup_dump_failed")
    return counts, files


# --- backup ----------------------------------------------------------------------------


def backup_create(*, actor, dest_root: Path | None = None) -> BackupResult:
    """Take a consistent backup of the running platform into a new folder."""
    started = time.perf_counter()
    root = dest_root or backup_root()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder = root / f"zhengwu-{stamp}"
    n = 1
    while folder.exists():
        n += 1
        folder = root / f"zhengwu-{stamp}-{n}"
    work = root / f".{folder.name}.partial"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, mode=0o700)
    vendor = connection.vendor
    db_file = "db.sqlite3" if vendor == "sqlite" else "db.pgdump"
    try:
        if vendor == "sqlite":
            counts, files = _sqlite_snapshot(work / db_file)
        elif vendor == "postgresql":
            counts, files = _pg_snapshot(work / db_file)
        else:  # pragma: no cover - settings refuse other engines
            raise ValidationFailed(f"不支持备份 {vendor} 数据库", code="backup_vendor")
        problems: list[str] = []
        manifest_files = []
        total = (work / db_file).stat().st_size
        for storage_name, sha256, size in files:
            rel = _relative_upload(storage_name)
            source = upload_root() / rel
            if not source.exists():
                problems.append(f"上传文件缺失:{storage_name}")
                continue
            copied = _copy_hashed(source, work / "uploads" / rel)
            if copied != sha256:
                problems.append(f"上传文件内容与登记的哈希不符:{storage_name}")
            manifest_files.append({"path": rel, "sha256": copied, "size": int(size)})
            total += int(size)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.localtime().isoformat(),
            "database": {"vendor": vendor, "file": db_file, "sha256": _sha256(work / db_file)},
            "tables": counts,
            "files": manifest_files,
            "search_index": "不备份:恢复后由 search_rebuild 从数据库重建",
            "problems": problems,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(work, folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    result = BackupResult(
        path=folder, tables=len(counts), rows=sum(counts.values()), files=len(manifest_files), bytes=total,
        seconds=time.perf_counter() - started, problems=problems,
    )
    # Written after the snapshot, so a restore returns to the state before this row.
    with transaction.atomic():
        audit_record(
            actor=actor, action="operations.backup.create", object_type="operations.backup", object_id=folder.name,
            details={"tables": result.tables, "rows": result.rows, "files": result.files, "bytes": result.bytes,
                     "problems": problems[:20]},
        )
    return result


def backup_list(root: Path | None = None) -> list[Path]:
    root = root or backup_root()
    if not root.exists():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / MANIFEST).exists())


def backup_prune(*, actor, keep: int, root: Path | None = None) -> list[Path]:
    """Keep the newest ``keep`` backups, remove the older ones."""
    if keep < 1:
        raise ValidationFailed("至少保留 1 份备份", code="backup_keep_invalid")
    old = backup_list(root)[:-keep]
    for path in old:
        shutil.rmtree(path)
    if old:
        with transaction.atomic():
            audit_record(actor=actor, action="operations.backup.prune", object_type="operations.backup",
                         object_id="", details={"removed": [p.name for p in old], "keep": keep})
    return old


# --- restore ---------------------------------------------------------------------------


def _load_manifest(path: Path) -> dict:
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationFailed(f"{path} 不是备份目录(缺少 {MANIFEST})", code="backup_not_found") from None
    except (OSError, ValueError) as exc:
        raise ValidationFailed(f"备份清单无法读取:{exc}", code="backup_manifest_invalid") from None
    if manifest.get("format") != FORMAT:
        raise ValidationFailed("备份清单的格式版本不受支持", code="backup_manifest_invalid")
    return manifest


def backup_check(path: Path) -> dict:
    """Verify every artifact against the manifest; return the manifest or raise (nothing changed)."""
    manifest = _load_manifest(path)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise ValidationFailed(
            f"这是 {vendor} 数据库的备份,当前平台使用 {connection.vendor},不能恢复", code="backup_vendor_mismatch"
        )
    errors = []
    db_path = path / manifest["database"]["file"]
    if not db_path.exists() or _sha256(db_path) != manifest["database"]["sha256"]:
        errors.append(f"数据库快照 {manifest['database']['file']} 缺失或已被改动")
    for entry in manifest["files"]:
        file = path / "uploads" / entry["path"]
        if not file.exists():
            errors.append(f"上传文件缺失:{entry['path']}")
        elif _sha256(file) != entry["sha256"]:
            errors.append(f"上传文件已被改动:{entry['path']}")
    if errors:
        raise ValidationFailed("备份校验失败,未做任何恢复:" + ";".join(errors[:20]), code="backup_corrupt",
                               details={"errors": errors})
    return manifest


def _restore_sqlite(snapshot: Path) -> None:
    live = settings.DATABASES["default"]["NAME"]
    connections.close_all()
    source = sqlite3.connect(snapshot)
    dest = sqlite3.connect(live)
    try:
        source.backup(dest)  # page by page into the live file, through its WAL
    finally:
        source.close()
        dest.close()


def _restore_pg(snapshot: Path) -> None:
    db = settings.DATABASES["default"]
    env, args = _pg_env_args()
    connections.close_all()
    completed = subprocess.run(  # nosec B603
        [_pg_bin("pg_restore"), *args, "-d", db["NAME"], "--clean", "--if-exists", "--no-owner",
         "--single-transaction", str(snapshot)],
        env=env, capture_output=True, text=True, check=False,
    )
    if completed.returncode != 0:
        raise ValidationFailed(f"pg_restore 失败:{completed.stderr.strip()[:500]}", code="backup_restore_failed")


def _current_counts(names) -> dict[str, int]:
    out = {}
    with connection.cursor() as cur:
        for name in names:
            cur.execute(f'SELECT COUNT(*) FROM "{name}"')  # nosec B608 - names from the manifest, checked
            out[name] = cur.fetchone()[0]
    return out


def _restore_files(path: Path, manifest: dict) -> tuple[int, Path | None]:
    """Put the backup's files in place; move every other file aside. Return (moved, folder)."""
    root = upload_root()
    wanted = {entry["path"]: entry for entry in manifest["files"]}
    for rel, entry in wanted.items():
        target = root / rel
        if target.exists() and _sha256(target) == entry["sha256"]:
            continue
        _copy_hashed(path / "uploads" / rel, target)
    orphan_dir = root / f".restored-orphans-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    moved = 0
    if root.exists():
        for file in sorted(root.rglob("*")):
            if not file.is_file():
                continue
            rel = file.relative_to(root).as_posix()
            if rel.startswith(".") or rel in wanted:
                continue  # temp uploads and earlier orphan folders are left as they are
            dest = orphan_dir / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(file, dest)
            moved += 1
    return moved, (orphan_dir if moved else None)


def backup_restore(*, actor, path: Path, rebuild_search: bool = True) -> RestoreReport:
    """Bring the platform back to the backup in ``path`` and prove it is there."""
    started = time.perf_counter()
    manifest = backup_check(path)
    table_names = list(manifest["tables"])
    for name in table_names:  # they go into SQL below: only plain identifiers
        if not name.replace("_", "").isalnum():
            raise ValidationFailed(f"备份清单中的表名不合法:{name}", code="backup_manifest_invalid")
    snapshot = path / manifest["database"]["file"]
    if connection.vendor == "sqlite":
        _restore_sqlite(snapshot)
    else:
        _restore_pg(snapshot)
    moved, orphan_dir = _restore_files(path, manifest)
    # Verify: the database is the snapshot, the files are the backup's, the chain holds.
    counts = _current_counts(table_names)
    wrong = {t: (manifest["tables"][t], counts[t]) for t in table_names if counts[t] != manifest["tables"][t]}
    if wrong:
        raise ValidationFailed(
            "恢复后的数据与备份不一致:" + ";".join(f"{t} 应为 {a} 行,实为 {b} 行" for t, (a, b) in list(wrong.items())[:10]),
            code="backup_verify_failed",
        )
    root = upload_root()
    bad = [e["path"] for e in manifest["files"] if _sha256(root / e["path"]) != e["sha256"]]
    if bad:
        raise ValidationFailed(f"恢复后的上传文件校验失败:{'、'.join(bad[:10])}", code="backup_verify_failed")
    chain = audit_chain_verify()
    if not chain.ok:
        raise ValidationFailed(f"恢复后的审计链断裂:记录 #{chain.broken_at}({chain.reason})", code="backup_verify_failed")
    cache.clear()  # pages and counters cached after the backup point describe another state
    documents = None
    if rebuild_search:
        documents = sum(search_rebuild(actor=actor).values())
    with transaction.atomic():
        audit_record(
            actor=actor, action="operations.backup.restore", object_type="operations.backup", object_id=path.name,
            details={"tables": len(table_names), "rows": sum(counts.values()), "files": len(manifest["files"]),
                     "orphans_moved": moved, "orphan_dir": str(orphan_dir or ""), "search_documents": documents},
        )
    return RestoreReport(
        path=path, tables=len(table_names), rows=sum(counts.values()), files=len(manifest["files"]),
        orphans_moved=moved, orphan_dir=orphan_dir, audit_rows_checked=chain.checked, search_documents=documents,
        seconds=time.perf_counter() - started,
    )
