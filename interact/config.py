"""Configuration: defaults here, then ``INTERACT_*`` environment variables.

``INTERACT_SECRET_KEY``, ``INTERACT_DATABASE_URL``, ``INTERACT_MAIL_SERVER`` … override the
names below without the prefix; values are parsed as JSON when they look like JSON
(``INTERACT_SESSION_COOKIE_SECURE=false``).
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    #: Never defaulted: create_app refuses to start without it outside testing.
    SECRET_KEY: str | None = None
    #: SQLAlchemy URL; defaults to ``instance/interact.db`` (SQLite). PostgreSQL:
    #: ``postgresql+psycopg://user:pass@host/dbname``.
    DATABASE_URL: str | None = None
    #: ``hide_parameters``: a failed statement's error (and so the log of a 500) names the
    #: statement and the constraint but never the values it carried (phone numbers,
    #: e-mails, password hashes, session tokens). No ``pool_pre_ping``: a connection is checked
    #: only after lying in the pool a while (``core.dbsetup.PING_IDLE_SECONDS``) or when its
    #: server closed it (a restart).
    SQLALCHEMY_ENGINE_OPTIONS = {"hide_parameters": True}
    #: Seconds a database server's connection may lie in the pool and still be used without
    #: a ``SELECT 1`` first; None: ``core.dbsetup.PING_IDLE_SECONDS`` (2). 0 checks each use.
    DB_PING_IDLE_SECONDS: float | None = None

    # Cookies and sessions
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    #: Sessions live on the server (core.sessions); this names the store: "database" (the
    #: web_sessions table), "redis" (core.shared, needs REDIS_URL) or another registered with
    #: core.sessions.register_store.
    SESSION_STORE = "database"
    #: "Remember me" (citizens): the session lasts this long after the last visit.
    PERMANENT_SESSION_LIFETIME = timedelta(days=7)
    #: Otherwise the cookie ends with the browser and the server forgets the session after
    #: this long without a visit.
    SESSION_TRANSIENT_LIFETIME = timedelta(hours=12)
    #: Staff are logged out after this many idle minutes.
    STAFF_IDLE_MINUTES = 30
    #: A browser that follows letters by number and query code (no account) forgets them
    #: after this many idle minutes: on a shared computer whoever comes next must not open
    #: them from the history when the writer forgot 结束查看.
    LETTER_ACCESS_IDLE_MINUTES = 30
    PASSWORD_HASH_METHOD = "scrypt"

    # Forms
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    #: WTForms picks its own Chinese catalogue (core.forms.Form); Flask-Babel is not used.
    WTF_I18N_ENABLED = False
    CAPTCHA_ENABLED = True
    #: Browser tests only (tests/browser/server.py): send each captcha image's answer in a
    #: response header. Refused from INTERACT_* variables; never on in a deployed app.
    CAPTCHA_TEST_ANSWERS = False

    # Uploads: stored outside static/, served through checked routes (interact.core.storage).
    #: ``local`` (UPLOAD_FOLDER) or ``s3`` (an S3-compatible bucket shared by every machine).
    UPLOAD_STORE = "local"
    UPLOAD_FOLDER: str | None = None
    S3_BUCKET: str | None = None
    #: Key prefix inside the bucket (several installations may share one bucket).
    S3_PREFIX = "uploads/"
    #: Endpoint of a non-AWS store (MinIO, Ceph …), e.g. ``https://oss.example.gov.cn``.
    S3_ENDPOINT_URL: str | None = None
    S3_REGION: str | None = None
    #: Unset: boto3's usual sources (AWS_* environment, instance role, ~/.aws).
    S3_ACCESS_KEY_ID: str | None = None
    S3_SECRET_ACCESS_KEY: str | None = None
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    MAX_CONTENT_LENGTH = 210 * 1024 * 1024  # the largest upload (interview video) + form
    #: A body that is not a file upload (a form without files, JSON) is read and parsed
    #: whole: beyond this it is refused with 413 before it is read (``security.Request``).
    #: The largest text a form takes (a 50,000-character summary, percent-encoded) stays under it.
    MAX_BODY_WITHOUT_FILES = 1024 * 1024

    #: Redis shared by all processes (``redis://127.0.0.1:6379/0``): rate limits and
    #: cache version stamps (see ``interact.core.shared``). Unset: one machine, no Redis.
    REDIS_URL: str | None = None
    #: Prefix of every key this installation writes to Redis.
    REDIS_PREFIX = "interact:"

    #: The local demo (``make run`` sets it): no production start-up checks.
    DEMO = False
    #: Number of web workers (``interact.gunicorn_conf`` sets it from gunicorn's ``-w``).
    WEB_WORKERS = 1

    # Rate limits (Flask-Limiter). Memory storage is per process: with several workers in
    # production the app refuses it unless ALLOW_MEMORY_RATELIMIT; defaults to REDIS_URL.
    RATELIMIT_STORAGE_URI: str | None = None
    ALLOW_MEMORY_RATELIMIT = False
    #: While Redis is unreachable, count in memory instead of failing requests.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    RATELIMIT_PUBLIC_POST = "5 per minute;30 per hour"
    #: The intelligent-answer page and API answer many questions per visitor.
    RATELIMIT_FAQ_ASK = "60 per minute"
    RATELIMIT_FAQ_API = "60 per minute"
    #: Failed letter look-ups through the API (wrong number or query code) per client address.
    RATELIMIT_LETTER_LOOKUP = "20 per minute;200 per day"

    #: Answer/no-answer cut-off of the FAQ engine; None uses the engine's calibrated default.
    FAQ_ANSWER_THRESHOLD: float | None = None
    #: Build the FAQ index in a background thread on a worker's first request, and how long
    #: a question waits for that first build before a 503 (below gunicorn's 30 s timeout).
    FAQ_INDEX_WARM = True
    FAQ_INDEX_WAIT_SECONDS = 10
    #: The index is built once per machine into a file in this folder (default
    #: ``instance/faq-index``) and memory-mapped by every worker (interact/faq/index.py).
    FAQ_INDEX_DIR: str | None = None
    #: True: every process builds its own index in memory instead (tests, tiny installs).
    FAQ_INDEX_IN_MEMORY = False
    #: Who writes a new file when the knowledge base changed: "process" (a ``flask faq
    #: build-index`` child of the worker that noticed) or "thread" (inside that worker).
    FAQ_INDEX_BUILDER = "process"
    #: Longest a build of the index file may take (and hold the build lock), in seconds:
    #: ``faq build-index`` ends itself then; one still holding the lock is stopped by the
    #: next worker that wants a build (interact/faq/index.py, ``_BuildLock.take``).
    FAQ_INDEX_BUILD_SECONDS = 3600
    #: Changed entries applied in memory on top of the file until the next file is there.
    FAQ_INDEX_FILE_DELTA = 500
    #: Answers of the engine remembered per process, per question text, until the engine
    #: changes (the same question asked again is not scored again); 0 turns it off.
    FAQ_ANSWER_MEMO = 4096
    #: A refit of the decision model (``faq refit``, interact/faq/learning.py) fits on every
    #: n-th row of the shipped base data: 1, all of it. The tests take every 4th (they test
    #: the refit's rules and reports, not the model's quality; bench/faq_eval.py does that).
    FAQ_REFIT_BASE_EVERY = 1
    #: Score the sentence-embedding feature of the FAQ engine when the ``semantic`` extra is
    #: installed (~130 MB per process; docs/faq-matching.md). Off: lexical features only.
    FAQ_SEMANTIC = True
    #: Largest knowledge-base import file, and above what size it runs in the background.
    FAQ_IMPORT_MAX_BYTES = 50 * 1024 * 1024
    FAQ_IMPORT_SYNC_BYTES = 256 * 1024
    #: Public pages rendered once per process and reused for anonymous visitors until a
    #: public change or this many seconds (0 = off); see core/pagecache.py.
    PUBLIC_PAGE_CACHE_SECONDS = 60
    #: Most memory those pages take per process, MB (least recently used are dropped).
    PUBLIC_PAGE_CACHE_MB = 32
    #: ``Cache-Control: public, max-age`` of those pages for browsers and reverse proxies.
    PUBLIC_PAGE_MAX_AGE = 30
    #: Hits of FAQ entries and the log of questions asked are gathered per process and
    #: written together this often instead of in every request (0 = in the request); see
    #: core/deferred.py.
    DEFERRED_WRITE_SECONDS = 2.0
    #: Also write them from a timer thread of the process, so a worker that gets no more
    #: requests does not keep them in memory (the tests that defer writes flush themselves).
    DEFERRED_WRITE_TIMER = True
    #: Seconds the public letter statistics are reused per process (0 = always recompute).
    LETTER_STATS_CACHE_SECONDS = 300

    # Mail (notifications): unset MAIL_SERVER means in-app inbox only.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "政民互动平台 <noreply@example.gov.cn>"
    MAIL_TIMEOUT = 10

    # One-time codes (registration, 忘记密码) by SMS or e-mail: interact/core/sms.py and
    # docs/deployment.md. Unset backend: "outbox" (recorded, not sent) outside production;
    # production refuses to start without "http" and the gateway's URL and token.
    SMS_BACKEND: str | None = None
    SMS_GATEWAY_URL: str | None = None
    SMS_GATEWAY_TOKEN: str | None = None
    SMS_GATEWAY_TIMEOUT = 5
    #: The signature the gateway puts before each text (短信签名); default SITE_NAME.
    SMS_SIGN: str | None = None
    #: One-time codes sent per client address within an hour / a day (any number); per
    #: number the limits are fixed (interact/accounts/verification.py).
    CODES_PER_ADDRESS_HOUR = 20
    CODES_PER_ADDRESS_DAY = 50

    #: Number of reverse proxies in front of the app (nginx: 1); 0 trusts no X-Forwarded-*.
    TRUSTED_PROXIES = 0

    #: Public base URL used in e-mails (links from outside a request), e.g.
    #: ``https://hd.example.gov.cn``. Required in production; elsewhere defaults to
    #: ``http://127.0.0.1:5000``.
    PUBLIC_BASE_URL: str | None = None
    #: Portal name shown in the header.
    SITE_NAME = "政民互动"
    CITY_NAME = "示范市"

    #: Demo only: run the whole process as if this many days had passed.
    CLOCK_OFFSET_DAYS = 0

    # Observability (docs/deployment.md)
    #: Log level and format (``text`` or ``json``), see ``interact.core.logs``.
    LOG_LEVEL = "INFO"
    LOG_FORMAT = "text"
    #: Client addresses allowed to read ``/metrics`` (after ProxyFix); nginx should not
    #: forward it at all.
    METRICS_ALLOWED_IPS = ["127.0.0.1", "::1"]


class TestConfig(DefaultConfig):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    DATABASE_URL = "sqlite://"
    WTF_CSRF_ENABLED = False
    CAPTCHA_ENABLED = False
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    RATELIMIT_ENABLED = True
    #: Tests that check the page cache or the background FAQ build turn them on themselves.
    PUBLIC_PAGE_CACHE_SECONDS = 0
    FAQ_INDEX_WARM = False
    #: Each test's in-memory database: the index is built in memory (file mode has its
    #: own tests in tests/faq/test_index_file.py).
    FAQ_INDEX_IN_MEMORY = True
    DEFERRED_WRITE_SECONDS = 0
    DEFERRED_WRITE_TIMER = False
    #: A refit on a quarter of the base data (each fit ~4 times faster; docs/testing.md).
    FAQ_REFIT_BASE_EVERY = 4
