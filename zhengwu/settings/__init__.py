"""One settings module; every value comes from the environment (django-environ).

Defaults are safe for the embedded setup (SQLite in WAL mode + Huey on SQLite under
``var/``). The scale setup sets DATABASE_URL (PostgreSQL) and HUEY_REDIS_URL.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env("ZHENGWU_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The demo key only exists so `make run` works out of the box; production sets its own.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="zhengwu-demo-only-insecure-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # First on purpose: the first app wins a management-command name clash, and org's
    # createsuperuser (refused in production) must shadow django.contrib.auth's.
    "zhengwu.org",
    # django.contrib.admin with a site that also requires a verified second factor.
    "zhengwu.accounts.admin_apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    # Only for its static files: the API docs then load Swagger UI from our own origin
    # (the CDN fallback uses an inline script that the Content-Security-Policy blocks).
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "zhengwu.core",
    "zhengwu.accounts",
    "zhengwu.catalog",
    "zhengwu.cases",
    "zhengwu.notifications",
    "zhengwu.ratings",
    "zhengwu.results",
    "zhengwu.supervision",
    "zhengwu.search",
    "zhengwu.disclosure",
    "zhengwu.disclosure_requests",
    "zhengwu.letters",
    "zhengwu.routing",
    "zhengwu.participation",
    "zhengwu.insights",
    "zhengwu.webstats",
    "zhengwu.sitegroup",
    "zhengwu.exchange",
    "zhengwu.portal",
    "zhengwu.operations",
    "zhengwu.demo",
]

MIDDLEWARE = [
    # Outermost, so every response (redirects and refusals included) is counted and timed.
    "zhengwu.operations.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # CSP, Permissions-Policy, COOP on every response, static files included.
    "zhengwu.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhengwu.webstats.middleware.PageViewMiddleware",  # public page views, counted without personal data
    "zhengwu.core.middleware.RequestContextMiddleware",
    # NUL in a path, query or form value: a Chinese 400 before any query (PostgreSQL refuses NUL).
    "zhengwu.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Cache-Control: no-store on every page a signed-in person (or a personal session) gets.
    "zhengwu.core.middleware.PrivatePagesNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle / absolute session limits, then the forced change of an expired staff password.
    "zhengwu.accounts.middleware.SessionTimeoutMiddleware",
    "zhengwu.accounts.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Deny by default: refuses any view without an @access declaration (zhengwu.core.access).
    "zhengwu.core.access.AccessMiddleware",
    # Last, so its process_exception runs first: a full disk, a locked or unreachable
    # database, an unreachable Redis answer 503 + Retry-After, not 500 (ADR 0017).
    "zhengwu.core.faults.FaultMiddleware",
]

ROOT_URLCONF = "zhengwu.urls"
WSGI_APPLICATION = "zhengwu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhengwu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhengwu.core.context_processors.site",
                "zhengwu.notifications.context_processors.unread_messages",
                "zhengwu.portal.context_processors.office_shell",
            ],
        },
    }
]

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'zhengwu.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing with "database is locked" mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; "
            # Checkpoints run off the request path in the task worker (zhengwu.core.wal,
            # SQLITE_WAL_CHECKPOINTER). The autocheckpoint stays only as a fallback bound
            # for when no worker runs (runserver): at 100,000 pages (~400 MB of WAL) no
            # ordinary commit nor the sweep's ~15,000-page one reaches it while the worker
            # keeps the WAL short, and if it does fire most frames are already copied, so
            # the commit that runs it only copies the rest. The WAL file is cut back to
            # 64 MB after each checkpoint that empties it.
            "PRAGMA wal_autocheckpoint=100000; PRAGMA journal_size_limit=67108864;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}


# 数据共享交换平台 (zhengwu.exchange): the departments' shared tables live apart from the
# platform's own tables. On the embedded default that is a second SQLite file (its own
# write lock, so a 10-million-row upload never holds up a case step); on PostgreSQL a
# schema of the same database, reached through the default connection (no second alias),
# so a load and its bookkeeping commit together.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["exchange_data"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env("ZHENGWU_EXCHANGE_DATASTORE", default=str(VAR_DIR / "exchange_data.sqlite3")),
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        },
        "TEST": {"NAME": str(VAR_DIR / "test_exchange_data.sqlite3")},
    }
DATABASE_ROUTERS = ["zhengwu.exchange.datastore.DatastoreRouter"]
ZHENGWU_EXCHANGE_SCHEMA = env("ZHENGWU_EXCHANGE_SCHEMA", default="exchange_data")


def _check_sqlite_version(version_info: tuple, version: str) -> None:
    """Refuse an SQLite older than 3.35: the append-only writes and the rate counter use
    ``RETURNING`` and ``ON CONFLICT … DO UPDATE``, and would fail on the first request."""
    if tuple(version_info) < (3, 35, 0):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"SQLite 版本过低({version}):本平台需要 SQLite 3.35 或更高版本。"
            "请升级操作系统的 SQLite,或改用 PostgreSQL(设置 DATABASE_URL)"
        )


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    import sqlite3 as _sqlite3

    _check_sqlite_version(_sqlite3.sqlite_version_info, _sqlite3.sqlite_version)

# The task worker checkpoints the SQLite WAL on a background thread (zhengwu.core.wal).
SQLITE_WAL_CHECKPOINTER = env.bool("ZHENGWU_WAL_CHECKPOINTER", default=True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # >= 8 characters from at least 3 of upper / lower / digit / symbol (MLPS level 3).
    {"NAME": "zhengwu.accounts.password_validation.CharacterClassValidator"},
    # Keyboard walks and sequences ("Qwerty123!") pass the class rule but top every guessing list.
    {"NAME": "zhengwu.accounts.password_validation.KeyboardPatternValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# ModelBackend checks passwords; RolePermissionBackend grants permissions that follow a post
# (e.g. accounts.view_personal_data for window clerks, see zhengwu.accounts.auth_backends).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "zhengwu.accounts.auth_backends.RolePermissionBackend",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env.bool("ZHENGWU_PLAIN_STATIC", default=False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Cache: per-process memory by default; CACHE_URL=redis://… shares it between app servers.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://zhengwu")}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)
# Rendered public pages for anonymous visitors (zhengwu.core.page_cache).
ZHENGWU_PAGE_CACHE_SECONDS = env.int("ZHENGWU_PAGE_CACHE_SECONDS", default=600)
ZHENGWU_PAGE_CACHE_RECHECK_SECONDS = env.float("ZHENGWU_PAGE_CACHE_RECHECK_SECONDS", default=2.0)

# Task queue: Huey on SQLite by default; on Redis when HUEY_REDIS_URL is set.
HUEY_REDIS_URL = env("HUEY_REDIS_URL", default="")
HUEY_IMMEDIATE = env.bool("HUEY_IMMEDIATE", default=False)
if HUEY_REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "zhengwu",
        "url": HUEY_REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "zhengwu",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "filters": {
        "request_id": {"()": "zhengwu.core.middleware.RequestIdLogFilter"},
        "client_errors": {"()": "zhengwu.core.middleware.ClientErrorLogFilter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id", "client_errors"]}
    },
    "root": {"handlers": ["console"], "level": env("ZHENGWU_LOG_LEVEL", default="INFO")},
    # django.template at DEBUG dumps whole template contexts (cookies, session keys, form
    # input): never below INFO, whatever ZHENGWU_LOG_LEVEL says (core/tests/test_log_hygiene.py).
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.template": {"level": "INFO"},
        # run_huey adds its own handler to "huey"; not propagating prints each line once.
        "huey": {"level": "INFO", "propagate": False},
    },
}

# Personal-data encryption (SM4) and blind indexes (HMAC-SM3). Keys are hex; list entries are
# "<key id>:<32 hex chars>", the current one encrypts, all of them decrypt (rotation).
ZHENGWU_CRYPTO_PROVIDER = env("ZHENGWU_CRYPTO_PROVIDER", default="zhengwu.core.crypto.SoftwareSM4Provider")
ZHENGWU_SM4_KEYS = env.list("ZHENGWU_SM4_KEYS", default=[])
ZHENGWU_SM4_CURRENT_KEY = env("ZHENGWU_SM4_CURRENT_KEY", default="")
ZHENGWU_BLIND_INDEX_KEY = env("ZHENGWU_BLIND_INDEX_KEY", default="")
# Encrypts electronic-seal private keys at rest (a long random secret); empty = derived from SECRET_KEY.
ZHENGWU_SEAL_KEY_PASSPHRASE = env("ZHENGWU_SEAL_KEY_PASSPHRASE", default="")

# Uploads: kept outside STATIC_ROOT/MEDIA_ROOT and served only through the checked view
# (zhengwu.core.uploads). Limits are per file and per request.
# Backups (zhengwu.operations): nightly at 01:23 by the task consumer, the newest N kept.
ZHENGWU_BACKUP_DIR = Path(env("ZHENGWU_BACKUP_DIR", default=str(VAR_DIR / "backups")))
ZHENGWU_BACKUP_KEEP = env.int("ZHENGWU_BACKUP_KEEP", default=7)
ZHENGWU_BACKUP_NIGHTLY = env.bool("ZHENGWU_BACKUP_NIGHTLY", default=True)

# Operations desk (zhengwu.operations): service hours of the A/B/C limits ("09:00-17:00"
# is 5×8 on working days; "24x7"), health-check thresholds, who may read /metrics.
ZHENGWU_OPS_SERVICE_HOURS = env("ZHENGWU_OPS_SERVICE_HOURS", default="09:00-17:00")
ZHENGWU_OPS_DISK_MIN_FREE_PERCENT = env.float("ZHENGWU_OPS_DISK_MIN_FREE_PERCENT", default=10.0)
ZHENGWU_OPS_QUEUE_MAX = env.int("ZHENGWU_OPS_QUEUE_MAX", default=1000)
ZHENGWU_OPS_CONSUMER_SILENT_MINUTES = env.int("ZHENGWU_OPS_CONSUMER_SILENT_MINUTES", default=5)
ZHENGWU_METRICS_ALLOWED = env.list("ZHENGWU_METRICS_ALLOWED", default=["127.0.0.1", "::1"])
ZHENGWU_METRICS_TOKEN = env("ZHENGWU_METRICS_TOKEN", default="")

# With several application servers this is a folder they all mount (NFS), ADR 0016.
ZHENGWU_UPLOAD_ROOT = Path(env("ZHENGWU_UPLOAD_ROOT", default=str(VAR_DIR / "uploads")))
# Full-text search: "tantivy" (an index folder under VAR_DIR: one application server) or
# "postgres" (in the shared database: required with several servers, ADR 0016).
ZHENGWU_SEARCH_BACKEND = env("ZHENGWU_SEARCH_BACKEND", default="tantivy")
ZHENGWU_UPLOAD_MAX_BYTES = env.int("ZHENGWU_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
ZHENGWU_UPLOAD_MAX_FILES = env.int("ZHENGWU_UPLOAD_MAX_FILES", default=10)
ZHENGWU_UPLOAD_ALLOWED = env.list("ZHENGWU_UPLOAD_ALLOWED", default=["pdf", "ofd", "jpg", "png", "docx", "xlsx"])
# JSON request bodies (zhengwu.core.bounds): larger ones get a 413 before they are parsed.
ZHENGWU_JSON_MAX_BYTES = env.int("ZHENGWU_JSON_MAX_BYTES", default=1024 * 1024)

# Access control (zhengwu.core.access): who holds a post is answered by org.
ZHENGWU_ROLE_CHECKER = "zhengwu.org.selectors.user_holds_any_role"

# Second factor (django-otp TOTP + one-time recovery codes) for every staff account.
ZHENGWU_STAFF_MFA_REQUIRED = env.bool("ZHENGWU_STAFF_MFA_REQUIRED", default=True)
OTP_TOTP_ISSUER = env("ZHENGWU_MFA_ISSUER", default="示例县政务信息平台")
# Failed codes lock a device for 1, 2, 4, 8 ... seconds (django-otp throttling).
OTP_TOTP_THROTTLE_FACTOR = env.int("ZHENGWU_MFA_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
# Device admin pages would show secrets and delete without an audit row; they are removed.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Login and session rules (MLPS level 3). Account lockout after repeated failures; a
# per-IP slow-down that never locks a whole shared address (see accounts.services).
ZHENGWU_LOGIN_MAX_FAILURES = env.int("ZHENGWU_LOGIN_MAX_FAILURES", default=5)
ZHENGWU_LOGIN_LOCK_MINUTES = env.int("ZHENGWU_LOGIN_LOCK_MINUTES", default=15)
ZHENGWU_LOGIN_IP_MAX_FAILURES = env.int("ZHENGWU_LOGIN_IP_MAX_FAILURES", default=30)
ZHENGWU_LOGIN_IP_WINDOW_MINUTES = env.int("ZHENGWU_LOGIN_IP_WINDOW_MINUTES", default=10)
ZHENGWU_LOGIN_IP_THROTTLE_SECONDS = env.int("ZHENGWU_LOGIN_IP_THROTTLE_SECONDS", default=60)
# Wrong old passwords on the change-password page count like failed logins: after this
# many in the window the page waits (a stolen session must not guess the password).
ZHENGWU_PASSWORD_CHANGE_MAX_FAILURES = env.int("ZHENGWU_PASSWORD_CHANGE_MAX_FAILURES", default=5)
# Clear personal data (unmasked ID numbers, phones, addresses): views per viewer and
# calendar day. Past it the view is refused, audited, and the audit administrators are
# alerted. A window clerk checks a few dozen applicants a day; a loop over every account
# is what this stops.
ZHENGWU_UNMASK_DAILY_LIMIT = env.int("ZHENGWU_UNMASK_DAILY_LIMIT", default=50)
ZHENGWU_STAFF_PASSWORD_MAX_AGE_DAYS = env.int("ZHENGWU_STAFF_PASSWORD_MAX_AGE_DAYS", default=90)
ZHENGWU_SESSION_IDLE_MINUTES = env.int("ZHENGWU_SESSION_IDLE_MINUTES", default=30)
ZHENGWU_SESSION_WARNING_SECONDS = env.int("ZHENGWU_SESSION_WARNING_SECONDS", default=120)
ZHENGWU_SESSION_ABSOLUTE_HOURS = env.int("ZHENGWU_SESSION_ABSOLUTE_HOURS", default=8)

# 差评整改: working days a bad rating's rectification has (call-back, finding, fix, feedback).
ZHENGWU_RECTIFICATION_DAYS = env.int("ZHENGWU_RECTIFICATION_DAYS", default=15)
# Delivery channels of the message centre (email/SMS gateways); the default only logs ids.
ZHENGWU_NOTIFY_BACKENDS = env.list("ZHENGWU_NOTIFY_BACKENDS", default=["zhengwu.notifications.backends.LogBackend"])

# Demo accounts are created only by `manage.py load_demo_county` (make run); never in migrations.
ZHENGWU_DEMO = env.bool("ZHENGWU_DEMO", default=False)

# Audit trail (zhengwu.core.audit): rows are kept at least 6 months (GB/T 22239-2019,
# 网络安全法 第二十一条); `manage.py audit_purge` refuses anything newer. The role column is
# filled from org's posts through this hook so that core never imports org.
ZHENGWU_AUDIT_RETENTION_DAYS = env.int("ZHENGWU_AUDIT_RETENTION_DAYS", default=183)
ZHENGWU_AUDIT_ROLE_RESOLVER = "zhengwu.org.selectors.user_role_labels"

# Headers (zhengwu.core.middleware.SecurityHeadersMiddleware). Empty = the strict defaults there.
ZHENGWU_CSP = env("ZHENGWU_CSP", default="")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Lax, not Strict: a person following a link into the site from another site (an SMS
# notice, the provincial portal) stays signed in, while cross-site POSTs still carry no
# cookie. Strict would look like a random logout on every such link.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Which peers may tell us the client's address in X-Real-IP: the reverse proxy. Nobody by
# default: `make run` serves gunicorn straight to the browser, and its clients connect
# from 127.0.0.1 too, so trusting loopback would let any of them name its own address
# (a fresh one per try past the per-IP limits, the login slow-down, and into the audit
# trail). Behind nginx list nginx's addresses or networks (127.0.0.1,::1 when it runs on
# the same host). Anyone else's X-Real-IP (and X-Forwarded-For, always) is ignored.
ZHENGWU_TRUSTED_PROXIES = env.list("ZHENGWU_TRUSTED_PROXIES", default=[])


def _check_proxies(values):
    import ipaddress

    from django.core.exceptions import ImproperlyConfigured

    for value in values:
        try:
            ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"ZHENGWU_TRUSTED_PROXIES 中的“{value}”不是 IP 地址或网段(例如 10.0.0.5 或 10.0.0.0/24)"
            ) from None


_check_proxies(ZHENGWU_TRUSTED_PROXIES)

# Production (ZHENGWU_PRODUCTION=true): behind nginx with TLS. Refuses to start when a
# demo shortcut is still in place; passes `manage.py check --deploy` without warnings.
ZHENGWU_PRODUCTION = env.bool("ZHENGWU_PRODUCTION", default=False)
if ZHENGWU_AUDIT_RETENTION_DAYS < 183:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"ZHENGWU_AUDIT_RETENTION_DAYS={ZHENGWU_AUDIT_RETENTION_DAYS}:审计记录至少保存 183 天(6个月),请调大该值"
    )
if ZHENGWU_PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    _refusals = []
    if DEBUG:
        _refusals.append("生产环境不得开启 DJANGO_DEBUG")
    if SECRET_KEY == "zhengwu-demo-only-insecure-key-change-me" or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        _refusals.append("DJANGO_SECRET_KEY 未设置或仍是演示密钥(需至少50位随机字符)")
    if not ZHENGWU_SM4_KEYS:
        _refusals.append("未设置 ZHENGWU_SM4_KEYS(个人信息加密密钥)")
    if not ZHENGWU_BLIND_INDEX_KEY:
        _refusals.append("未设置 ZHENGWU_BLIND_INDEX_KEY(盲索引密钥)")
    if len(ZHENGWU_SEAL_KEY_PASSPHRASE) < 32:
        _refusals.append("未设置足够长的 ZHENGWU_SEAL_KEY_PASSPHRASE(电子印章私钥口令,至少 32 个字符的随机串)")
    if _refusals:
        raise ImproperlyConfigured("ZHENGWU_PRODUCTION=true,但配置不安全,拒绝启动:" + ";".join(_refusals))
    DEBUG = False
    SECURE_SSL_REDIRECT = True
    # nginx terminates TLS and sets X-Forwarded-Proto itself (never passed through from the client).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"
