"""Load benchmark: the project against a Flask hello-world under the same gunicorn settings.

    make bench-load                                   # 100,000 letters, SQLite, ~12 minutes
    .venv/bin/python bench/load.py --quick            # 20,000 letters, one short round
    .venv/bin/python bench/load.py --letters 300000 --only list,search,home
    .ci/with-postgres.sh sh -c '.venv/bin/python bench/load.py --database-url "$INTERACT_TEST_DATABASE_URL"'
    .venv/bin/python bench/load.py --submissions 10000 --clients 32 --with-jobs   # integrity under load

1. A database of ``--letters`` generated letters (``bench/letters_scale.py``'s generator:
   every state, two years, published letters indexed for search) plus ``--faq-entries``
   published FAQ entries from ``../shared/data/faqbench/dev/kb.jsonl``. SQLite: built once
   and cached as ``bench/out/letters-<N>-faq<K>-<schema>.db`` (``<schema>`` changes with
   the migrations), copied for each run so submissions do not accumulate. PostgreSQL
   (``--database-url`` of a server where the user may create databases): a cached
   ``bench_<N>_<K>_<schema>`` database, cloned as a template for each run.
2. Starts ``gunicorn -w 2 --timeout 30 'interact:create_app()'`` and the hello-world
   (``bench/hello_app.py``) with the same options, each on a free loopback port.
   Rate limits are turned off (the benchmark is one client address) and so is the captcha.
3. For each operation, runs the same load against both (``--connections`` concurrent
   clients of a small asyncio HTTP/1.1 client, ``--duration`` seconds, at most
   ``--max-requests``), alternating which goes first, ``--rounds`` times.
4. Prints per operation: requests/s of both, the ratio (median over rounds of the ratio
   within a round), the project's p50/p99 in ms and its status counts; the last line is
   one JSON object (with ``uptime`` before and after: the machine is shared, so trust the
   interleaved ratio more than absolute figures).

``--submissions N`` runs the integrity check instead: N ``POST /api/v1/letters`` from
``--clients`` concurrent clients (each with its own Idempotency-Key), optionally while the
deadline sweep and a large FAQ import run (``--with-jobs``), then counts the letters stored
under the run's marker: every acknowledged (201) letter must be stored exactly once and no
response may be >= 500.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
#: Where built SQLite databases are cached (``INTERACT_BENCH_CACHE``, e.g. /tmp for 1M letters).
OUT = Path(os.environ.get("INTERACT_BENCH_CACHE") or ROOT / "bench" / "out")


def shared_data() -> Path:
    """``../shared/data`` next to the repository (or the work tree's parent's parent)."""
    if os.environ.get("INTERACT_SHARED_DATA"):
        return Path(os.environ["INTERACT_SHARED_DATA"])
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


# --- the database ------------------------------------------------------------------------


def schema_stamp() -> str:
    """Changes with the migrations and the masking rules (a cached database of an older
    schema, or whose letters' public copies older rules made, is not reused)."""
    from interact.core.maskversion import VERSION

    digest = hashlib.sha1(VERSION.encode())
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:8]


def bench_config(url: str, workdir: Path):
    from interact.config import TestConfig

    return type("BenchConfig", (TestConfig,), {
        "DATABASE_URL": url, "UPLOAD_FOLDER": str(workdir / "uploads"), "RATELIMIT_ENABLED": False,
        "TESTING": False, "SESSION_COOKIE_SECURE": False, "DEMO": True,  # a benchmark, not production
    })


def fill_faq(entries: int) -> int:
    """Published FAQ entries from the dev knowledge base (bulk insert)."""
    from datetime import timedelta

    from interact.core import clock
    from interact.extensions import db
    from interact.faq.models import FaqEntry, FaqStatus
    from interact.core.textnorm import normalize

    path = shared_data() / "faqbench" / ("scale" if entries > 13_000 else "dev") / "kb.jsonl"
    rows = []
    now = clock.now()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if len(rows) >= entries:
                break
            item = json.loads(line)
            question = item["question"][:200]
            rows.append(dict(question=question, question_key=normalize(question)[:200],
                             answer_html=f"<p>{item.get('answer') or '请咨询相关部门。'}</p>", keywords="",
                             status=FaqStatus.PUBLISHED, hits=0, helpful=0, not_helpful=0, revision=1,
                             published_at=now - timedelta(days=30), created_at=now, updated_at=now))
    for chunk in range(0, len(rows), 5000):
        db.session.execute(FaqEntry.__table__.insert(), rows[chunk:chunk + 5000])
    db.session.commit()
    return len(rows)


def store_letter_pages(app) -> int:
    """Every published letter's public page stored, as its first visit after publication
    or ``flask letters store-pages`` stores it (letters.pages)."""
    from interact.extensions import db
    from interact.letters import pages

    stored, after = 0, 0
    with app.test_request_context():
        while after is not None:
            count, after = pages.store_articles(after, limit=1000)
            db.session.commit()
            stored += count
    return stored


def build_database(url: str, letters: int, faq_entries: int, workdir: Path) -> None:
    import sqlalchemy as sa

    sys.path.insert(0, str(ROOT / "bench"))
    import letters_scale
    from interact import create_app
    from interact.core import clock
    from interact.extensions import db

    app = create_app(bench_config(url, workdir))
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        letters_scale.fill(letters, 20261122, clock.now(), log)
        log(f"FAQ entries: {fill_faq(faq_entries)}")
        log(f"letter pages stored: {store_letter_pages(app)}")
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        log(f"database filled in {time.perf_counter() - started:.0f} s")
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does to a live database: the visibility map lets index scans
            # skip the table's pages (a bulk-loaded database has none until vacuumed).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM (ANALYZE)")
        db.engine.dispose()


def _pg_admin(url: str):
    import sqlalchemy as sa

    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)
                            if url.startswith("postgresql://") else url, isolation_level="AUTOCOMMIT")


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path="/" + name).geturl()


@dataclass
class Database:
    url: str
    cleanup: Callable[[], None]


def prepare_database(args, workdir: Path) -> Database:
    """A fresh copy of the cached benchmark database (built on first use)."""
    key = f"{args.letters}-faq{args.faq_entries}-{schema_stamp()}"
    if not args.database_url:
        OUT.mkdir(parents=True, exist_ok=True)
        cached = OUT / f"letters-{key}.db"
        if not cached.exists():
            log(f"building {cached} (once; later runs reuse it)")
            building = cached.with_suffix(".building")
            building.unlink(missing_ok=True)
            build_database(f"sqlite:///{building}", args.letters, args.faq_entries, workdir)
            building.rename(cached)
        if args.build_only:
            return Database(f"sqlite:///{cached}", lambda: None)
        run = workdir / "run.db"
        shutil.copyfile(cached, run)
        return Database(f"sqlite:///{run}", lambda: None)

    import sqlalchemy as sa

    admin = _pg_admin(args.database_url)
    cached = f"bench_{key.replace('-', '_')}"
    with admin.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": cached})
    if not exists:
        log(f"building PostgreSQL database {cached} (once; later runs reuse it)")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {cached}_building")
            connection.exec_driver_sql(f"CREATE DATABASE {cached}_building")
        build_database(_with_db(args.database_url, f"{cached}_building"), args.letters, args.faq_entries, workdir)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"ALTER DATABASE {cached}_building RENAME TO {cached}")
    if args.build_only:
        admin.dispose()
        return Database(_with_db(args.database_url, cached), lambda: None)
    run = f"bench_run_{os.getpid()}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {run}")
        connection.exec_driver_sql(f"CREATE DATABASE {run} TEMPLATE {cached}")

    def drop():
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {run} WITH (FORCE)")
        admin.dispose()

    return Database(_with_db(args.database_url, run), drop)


def sample_ids(url: str, workdir: Path) -> dict:
    """Published letter ids and the statistics month to request."""
    import sqlalchemy as sa

    engine = _pg_admin(url) if url.startswith("postgresql") else sa.create_engine(url)
    with engine.connect() as connection:
        ids = [row[0] for row in connection.execute(sa.text(
            "SELECT id FROM letters WHERE published = :t ORDER BY id"), {"t": True})]
        departments = [row[0] for row in connection.execute(sa.text("SELECT id FROM departments ORDER BY id"))]
        faq = [row[0] for row in connection.execute(sa.text(
            "SELECT id FROM faq_entries WHERE status = 'published' ORDER BY id LIMIT 2000"))]
    engine.dispose()
    rng = random.Random(7)
    return {"letters": rng.sample(ids, min(len(ids), 2000)), "departments": departments, "faq": faq or [1],
            "published": len(ids)}


# --- servers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each gunicorn worker (children of the master), MB."""
        try:
            out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(self.process.pid)], capture_output=True,
                                 text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        return [round(int(v) / 1024, 1) for v in out.split()]

    def worker_kills(self) -> int:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text.count("WORKER TIMEOUT") + text.count("was sent SIGKILL")


def gunicorn_bin() -> str:
    candidate = Path(sys.executable).parent / "gunicorn"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("gunicorn")
    if not found:
        raise SystemExit("gunicorn is not installed: .venv/bin/pip install -e '.[server]' (make bench-load does)")
    return found


def start_server(name: str, app_spec: str, env: dict, args, workdir: Path, chdir: Path) -> Server:
    port = free_port()
    log_path = workdir / f"{name}.log"
    conf = ["-c", "python:interact.gunicorn_conf"] if name == "project" and args.gunicorn_conf else []
    command = [gunicorn_bin(), *conf, "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "--timeout", str(args.timeout),
               "--chdir", str(chdir), "--error-logfile", str(log_path), app_spec]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    server = Server(name, port, process, log_path)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            status, _ = asyncio.run(request_once(port, "GET", "/healthz" if name == "project" else "/", None, 10))
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise SystemExit(f"{name} did not start within 120 s")


def warm_up(server: Server, args) -> float:
    """Wait until the workers answer FAQ questions (each builds its index in the background
    after its first request), so the first operation measured is not the build."""
    started = time.perf_counter()
    in_a_row = 0
    while in_a_row < 4 * args.workers and time.perf_counter() - started < 300:
        try:
            status, _ = asyncio.run(request_once(server.port, "GET", "/api/v1/faq/answer?q=公积金怎么提取", None,
                                                 args.timeout))
        except (OSError, asyncio.TimeoutError):
            status = 0
        in_a_row = in_a_row + 1 if status == 200 else 0
        if status != 200:
            time.sleep(0.5)
    return time.perf_counter() - started


# --- the client -------------------------------------------------------------------------


#: The API's writes carry captcha headers; the served app has the captcha off, so any
#: value of the documented shape passes (docs/api.md).
API_CAPTCHA_HEADERS = {"X-Captcha-Id": "captcha-off-in-the-benchmark", "X-Captcha-Answer": "BENCH"}


async def request_once(port: int, method: str, path: str, body: bytes | None, timeout: float,
                       headers: dict | None = None) -> tuple[int, bytes]:
    """One HTTP/1.1 request on a new connection (gunicorn's sync workers close it)."""
    status, _head, payload = await exchange(port, method, path, body, timeout, headers)
    return status, payload


async def exchange(port: int, method: str, path: str, body: bytes | None, timeout: float,
                   headers: dict | None = None, content_type: str = "application/json") -> tuple[int, str, bytes]:
    """:func:`request_once` with the response's header lines too."""
    if method == "POST" and path.startswith("/api/v1/"):
        headers = {**API_CAPTCHA_HEADERS, **(headers or {})}
    async def run() -> tuple[int, str, bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            lines = [f"{method} {quote(path, safe='/?=&%:+,')} HTTP/1.1", f"Host: 127.0.0.1:{port}",
                     "Connection: close", "User-Agent: interact-bench"]
            for name, value in (headers or {}).items():
                lines.append(f"{name}: {value}")
            if body is not None:
                lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b""))
            await writer.drain()
            data = await reader.read()
        finally:
            writer.close()
        head, _, payload = data.partition(b"\r\n\r\n")
        status_line = head.split(b"\r\n", 1)[0].split()
        status = int(status_line[1]) if len(status_line) > 1 else 0
        return status, head.decode("latin-1"), payload

    return await asyncio.wait_for(run(), timeout)


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def add(self, other: "Result") -> None:
        self.latencies += other.latencies
        self.seconds += other.seconds
        for key, value in other.statuses.items():
            self.statuses[key] = self.statuses.get(key, 0) + value


async def drive(port: int, make_request: Callable[[], tuple[str, str, bytes | None]], connections: int,
                duration: float, max_requests: int, timeout: float) -> Result:
    result = Result()
    started = time.perf_counter()
    end = started + duration
    issued = 0

    async def client() -> None:
        nonlocal issued
        while time.perf_counter() < end and issued < max_requests:
            issued += 1
            method, path, body = make_request()
            t0 = time.perf_counter()
            try:
                status, _ = await request_once(port, method, path, body, timeout)
                key = str(status)
            except asyncio.TimeoutError:
                key = "timeout"
            except OSError:
                key = "error"
            result.latencies.append((time.perf_counter() - t0) * 1000)
            result.statuses[key] = result.statuses.get(key, 0) + 1

    await asyncio.gather(*(client() for _ in range(connections)))
    result.seconds = time.perf_counter() - started
    return result


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lower = int(k)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


# --- operations -------------------------------------------------------------------------

@dataclass
class SearchVocabulary:
    """What citizens search 来信选登 for: the content words of each topic of the generated
    letters (its department, title, questions and answers, as ``letters_scale`` writes
    them) and the 150 commonest content words of real citizens' questions
    (``faqbench/dev/queries.jsonl``) — content words as the search sees them (jieba, no
    function words, single characters or numbers). About 470 words: random pairs are
    ~100,000 queries a page cache has not seen."""

    topics: list[list[str]]
    words: list[str]

    def pair(self, rng: random.Random) -> str:
        """Two words: half the time of one topic (words that occur together: from a few to
        tens of thousands of hits, e.g. 办理 材料), else any two (mostly few or none)."""
        pool = rng.choice(self.topics) if rng.random() < 0.5 else self.words
        return " ".join(rng.sample(pool, 2))


def search_vocabulary() -> SearchVocabulary:
    import collections

    sys.path.insert(0, str(ROOT / "bench"))
    import letters_scale
    from interact.core.segment import FUNCTION_WORDS
    from interact.letters.search import _CJK, query_terms

    def content(*texts: str) -> list[str]:
        return sorted({w for text in texts for w in query_terms(text)
                       if len(w) > 1 and _CJK.match(w) and w not in FUNCTION_WORDS})

    topics = []
    for department, pieces in [*letters_scale.DEPARTMENTS.items(),
                               *((d, [letters_scale.GENERIC_TOPIC]) for d in letters_scale.MORE_DEPARTMENTS)]:
        for title, questions, answers in pieces:
            topics.append(content(department, title.format(x="", n="", dept=department), *questions, *answers,
                                  *letters_scale.EXTRAS))
    asked = collections.Counter()
    with open(shared_data() / "faqbench" / "dev" / "queries.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                asked.update(content(json.loads(line)["query"]))
    words = sorted({w for topic in topics for w in topic} | {w for w, _ in asked.most_common(150)})
    return SearchVocabulary(topics, words)


SEARCHES = ["公积金 提取", "社保 转移", "医保 异地", "户口 迁移", "噪音 投诉", "公交 线路", "物业 电梯", "低保 申请",
            "失业 保险", "营业执照 办理"]
#: One-word queries found in a large part of the letters (办理 in ~2 of 3 published letters).
COMMON_WORDS = ["办理", "申请", "问题", "咨询", "小区"]


def operations(ids: dict, run_marker: str) -> dict[str, Callable[[], tuple[str, str, bytes | None]]]:
    from interact.core import periods

    rng = random.Random(11)
    queries_path = shared_data() / "faqbench" / "dev" / "queries.jsonl"
    with open(queries_path, encoding="utf-8") as fh:
        questions = [json.loads(line)["query"] for line in fh if line.strip()]
    questions = rng.sample(questions, min(300, len(questions)))
    letters = ids["letters"] or [1]
    last_page = -(-ids.get("published", len(letters)) // 20)
    vocabulary = search_vocabulary()
    counter = iter(range(10**9))
    months = periods.months_ending(periods.current_month(), 24)

    def submission():
        n = next(counter)
        body = {"channel": "consultation", "kind": "consultation", "title": f"压测来信{run_marker}-{n}",
                "body": "请问住房公积金提取需要哪些材料？每年可以提取几次？", "name": "张三", "phone": "13800000000",
                "publish_consent": False}
        return "POST", "/api/v1/letters", json.dumps(body, ensure_ascii=False).encode()

    return {
        "home /": lambda: ("GET", "/", None),
        "list /letters/": lambda: ("GET", "/letters/", None),
        "list page 50": lambda: ("GET", "/letters/?page=50", None),
        "list by department": lambda: ("GET", f"/letters/?department={rng.choice(ids['departments'])}", None),
        "search (two words)": lambda: ("GET", f"/letters/?q={rng.choice(SEARCHES)}", None),
        "search (random pairs)": lambda: ("GET", f"/letters/?q={vocabulary.pair(rng)}", None),
        # A common word (thousands of hits) at any page of its results, as a crawler or a
        # reader paging far goes (attack N6: 0.2–0.8 s a page on PostgreSQL): few of these
        # pages are in a worker's store.
        "search (common word, any page)": lambda: (
            "GET", f"/letters/?q={rng.choice(COMMON_WORDS)}&page={rng.randint(1, 50)}", None),
        "letter page": lambda: ("GET", f"/letters/{rng.choice(letters)}", None),
        "stats /letters/stats": lambda: ("GET", "/letters/stats", None),
        # The statistics of a month and a department (attack N6: 14–31/s, p50 0.2–0.5 s).
        "stats month + department": lambda: (
            "GET", f"/letters/stats?month={rng.choice(months)}&department={rng.choice(ids['departments'])}", None),
        "faq /faq": lambda: ("GET", "/faq", None),
        "faq entry page": lambda: ("GET", f"/faq/{rng.choice(ids['faq'])}", None),
        "API faq answer": lambda: ("GET", f"/api/v1/faq/answer?q={rng.choice(questions)}", None),
        # The type-ahead of the answer box: one request per pause in typing, the first 2–8
        # characters of a question (attack's I8 load run; never logged, shared like a page).
        "API faq suggest": lambda: (
            "GET", f"/api/v1/faq/answer?suggest=1&q={quote(rng.choice(questions)[:rng.randint(2, 8)])}", None),
        "API list": lambda: ("GET", "/api/v1/letters", None),
        # Pages a cache rarely holds: a deep API page, a department's letters of one kind
        # by page, and the pages a citizen's question or form visit renders (attack's
        # G19/G20/G24/G25).
        "API list pages 2-200": lambda: ("GET", f"/api/v1/letters?page={rng.randint(2, 200)}", None),
        # Deep pages of 来信选登 (attack's H10): by number (a typed or old link: OFFSET over
        # the public index, up to page 10,000) and as the pager links them (下一页 after a
        # letter anywhere in the list: keyset).
        "list deep pages by number": lambda: (
            "GET", f"/letters/?page={rng.randint(max(1, last_page // 4), max(1, min(last_page, 10_000)))}", None),
        "list deep pages by link": lambda: (
            "GET", f"/letters/?page={rng.randint(2, max(2, last_page))}&after={rng.choice(letters)}", None),
        "list filtered pages": lambda: (
            "GET", f"/letters/?department={rng.choice(ids['departments'])}&kind={rng.choice(KINDS)}"
                   f"&page={rng.randint(1, 5)}", None),
        "letter form /letters/new": lambda: ("GET", "/letters/new", None),
        "faq ask page /faq/ask": lambda: ("GET", f"/faq/ask?q={rng.choice(questions)}", None),
        "faq search page /faq/search": lambda: ("GET", f"/faq/search?q={rng.choice(questions)[:20]}", None),
        # A month filter multiplies the URLs beyond what the page store holds for long
        # (attack's H10): a search or a department within one of the last 24 months, and
        # the statistics API of such a month.
        "search + month": lambda: ("GET", f"/letters/?q={rng.choice(SEARCHES)}&month={rng.choice(months)}", None),
        "list month + department": lambda: (
            "GET", f"/letters/?month={rng.choice(months)}&department={rng.choice(ids['departments'])}", None),
        # A month's list beyond its first page (attack J8).
        "list month pages 2-40": lambda: ("GET", f"/letters/?month={rng.choice(months)}&page={rng.randint(2, 40)}", None),
        "API stats month": lambda: ("GET", f"/api/v1/stats/letters?month={rng.choice(months)}", None),
        # 类别 / 渠道 filters on any page (attack's I7): a crawler follows all of them.
        "list by kind, any page": lambda: (
            "GET", f"/letters/?kind={rng.choice(KINDS)}&page={rng.randint(1, 400)}", None),
        "API kind + channel pages": lambda: (
            "GET", f"/api/v1/letters?kind={rng.choice(KINDS)}&channel={rng.choice(CHANNELS)}"
                   f"&page={rng.randint(1, 50)}", None),
        "surveys /surveys/": lambda: ("GET", "/surveys/", None),
        "interviews /interviews": lambda: ("GET", "/interviews", None),
        "departments /departments": lambda: ("GET", "/departments", None),
        "POST /api/v1/letters": submission,
    }


KINDS = ["consultation", "suggestion", "complaint", "help"]
CHANNELS = ["consultation", "mailbox", "forwarded"]


def short_name(label: str) -> str:
    return label.split(" ", 1)[0] if " " in label else label


def select_ops(ops: dict, only: str | None) -> dict:
    if not only:
        return ops
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    return {k: v for k, v in ops.items() if any(w.lower() in k.lower() for w in wanted)}


# --- modes ------------------------------------------------------------------------------


def run_comparison(args, project: Server, hello: Server, ops: dict) -> dict:
    figures: dict[str, dict] = {}
    for label in ops:
        figures[label] = {"project": Result(), "hello": Result(), "ratios": []}
    for round_no in range(args.rounds):
        for label, make in ops.items():
            order = [("hello", hello), ("project", project)]
            if round_no % 2:
                order.reverse()
            per_round = {}
            for name, server in order:
                for _ in range(3):  # warm-up
                    try:
                        asyncio.run(request_once(server.port, *make(), timeout=args.timeout))
                    except (OSError, asyncio.TimeoutError):
                        pass
                result = asyncio.run(drive(server.port, make, args.connections, args.duration,
                                           args.max_requests, args.timeout))
                per_round[name] = result
                figures[label][name].add(result)
            ratio = per_round["project"].rps / per_round["hello"].rps if per_round["hello"].rps else 0.0
            figures[label]["ratios"].append(ratio)
            log(f"round {round_no + 1} {label:24s} project {per_round['project'].rps:7.1f}/s  "
                f"hello {per_round['hello'].rps:7.1f}/s  ratio {ratio:5.3f}")
    summary = {}
    for label, f in figures.items():
        p, h = f["project"], f["hello"]
        summary[label] = {
            "project_rps": round(p.rps, 1), "hello_rps": round(h.rps, 1),
            "ratio": round(statistics.median(f["ratios"]), 3), "ratios": [round(r, 3) for r in f["ratios"]],
            "p50_ms": round(percentile(p.latencies, 50), 1), "p99_ms": round(percentile(p.latencies, 99), 1),
            "hello_p50_ms": round(percentile(h.latencies, 50), 1), "statuses": p.statuses,
        }
    return summary


def print_table(summary: dict) -> None:
    print(f"{'operation':26s} {'project/s':>9s} {'hello/s':>8s} {'ratio':>6s} {'p50 ms':>7s} {'p99 ms':>7s}  statuses")
    for label, s in summary.items():
        statuses = " ".join(f"{k}:{v}" for k, v in sorted(s["statuses"].items()))
        print(f"{label:26s} {s['project_rps']:9.1f} {s['hello_rps']:8.1f} {s['ratio']:6.3f} "
              f"{s['p50_ms']:7.1f} {s['p99_ms']:7.1f}  {statuses}")


def run_integrity(args, project: Server, db_url: str, project_env: dict, marker: str) -> dict:
    """``--submissions`` POSTs from ``--clients`` clients (the API's, or ``--web-form``: the
    letter form's page and its POST); then every acknowledged letter must be stored once."""
    acknowledged: list[str] = []
    statuses: dict[str, int] = {}
    latencies: list[float] = []
    queue = list(range(args.submissions))

    async def by_api(n: int) -> str:
        body = json.dumps({"channel": "consultation", "kind": "consultation", "title": f"并发来信{marker}-{n}",
                           "body": "请问社保关系转移接续需要办理哪些手续？", "name": "李四",
                           "phone": "13900000000", "publish_consent": False}, ensure_ascii=False).encode()
        status, payload = await request_once(project.port, "POST", "/api/v1/letters", body, args.timeout,
                                             headers={"Idempotency-Key": f"{marker}-{n}"})
        if status == 201:
            acknowledged.append(json.loads(payload)["number"])
        return str(status)

    async def by_web_form(n: int) -> str:
        # What a browser does (attack's I8): the form page (its cookie, CSRF token and form
        # token), then the form posted with that cookie; the receipt's address names the letter.
        status, head, page = await exchange(project.port, "GET", "/letters/new", None, args.timeout)
        if status != 200:
            return f"form {status}"
        cookie = re.search(r"^Set-Cookie: (session=[^;]*)", head, re.M | re.I)
        tokens = dict(re.findall(rb'name="(csrf_token|token)"[^>]*value="([^"]+)"', page))
        body = urlencode({"csrf_token": tokens.get(b"csrf_token", b"").decode(), "token": tokens.get(b"token", b"").decode(),
                          "channel": "consultation", "kind": "consultation", "title": f"并发来信{marker}-{n}",
                          "body": "请问社保关系转移接续需要办理哪些手续？", "name": "李四", "phone": "13900000000",
                          "email": "", "department_id": "", "leader_id": ""}).encode()
        status, head, _ = await exchange(project.port, "POST", "/letters/new", body, args.timeout,
                                         headers={"Cookie": cookie.group(1)} if cookie else {},
                                         content_type="application/x-www-form-urlencoded")
        number = re.search(r"^Location: \S*number=([A-Z0-9-]+)", head, re.M | re.I)
        if status in (302, 303) and number:
            acknowledged.append(number.group(1))
        return str(status)

    async def client() -> None:
        while queue:
            n = queue.pop()
            t0 = time.perf_counter()
            try:
                key = await (by_web_form(n) if args.web_form else by_api(n))
            except asyncio.TimeoutError:
                key = "timeout"
            except (OSError, ValueError):
                key = "error"
            latencies.append((time.perf_counter() - t0) * 1000)
            statuses[key] = statuses.get(key, 0) + 1

    async def all_clients() -> None:
        await asyncio.gather(*(client() for _ in range(args.clients)))

    jobs = start_jobs(args, db_url, project_env) if args.with_jobs else []
    started = time.perf_counter()
    asyncio.run(all_clients())
    seconds = time.perf_counter() - started
    job_results = finish_jobs(jobs, args.job_wait)

    import sqlalchemy as sa

    engine = _pg_admin(db_url) if db_url.startswith("postgresql") else sa.create_engine(db_url)
    with engine.connect() as connection:
        stored = [row[0] for row in connection.execute(
            sa.text("SELECT number FROM letters WHERE title LIKE :p"), {"p": f"并发来信{marker}-%"})]
        titles_twice = connection.scalar(sa.text(
            "SELECT count(*) FROM (SELECT title FROM letters WHERE title LIKE :p GROUP BY title HAVING count(*) > 1) t"),
            {"p": f"并发来信{marker}-%"})
    engine.dispose()
    stored_set = set(stored)
    lost = [n for n in acknowledged if n not in stored_set]
    five_hundreds = sum(v for k, v in statuses.items() if k.split()[-1].isdigit() and int(k.split()[-1]) >= 500)
    return {
        "submissions": args.submissions, "by": "web form" if args.web_form else "API", "clients": args.clients,
        "seconds": round(seconds, 1),
        "rps": round(len(latencies) / seconds, 1), "p50_ms": round(percentile(latencies, 50), 1),
        "p99_ms": round(percentile(latencies, 99), 1), "statuses": statuses, "acknowledged": len(acknowledged),
        "stored": len(stored), "lost": len(lost), "stored_twice": titles_twice,
        "duplicate_numbers": len(stored) - len(stored_set), "responses_5xx": five_hundreds,
        "refused": args.submissions - len(acknowledged),
        # Every submission has a new key and valid content: a refusal (409 系统繁忙) is a failure too.
        "jobs": job_results, "ok": five_hundreds == 0 and not lost and not titles_twice and len(stored) == len(stored_set)
        and len(acknowledged) == args.submissions,
    }


def start_jobs(args, db_url: str, env: dict) -> list[tuple[str, subprocess.Popen, float]]:
    """The deadline sweep (with the clock moved forward so many letters are due) and a
    FAQ import of the 135k knowledge base, each in its own process, as the scheduler would."""
    flask = [sys.executable, "-m", "flask", "--app", "interact"]
    full_env = {**os.environ, **env}
    jobs = []
    sweep = subprocess.Popen(flask + ["run-job", "letters.deadline_sweep"], env={**full_env, "INTERACT_CLOCK_OFFSET_DAYS": "60"},
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    jobs.append(("deadline_sweep", sweep, time.perf_counter()))
    kb = shared_data() / "faqbench" / "scale" / "kb.jsonl"
    if kb.exists():
        importer = subprocess.Popen([sys.executable, str(ROOT / "bench" / "faq_import_job.py"), str(kb)], env=full_env,
                                    cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        jobs.append(("faq_import", importer, time.perf_counter()))
    return jobs


def finish_jobs(jobs, wait: float) -> dict:
    """Wait up to ``wait`` seconds for each job; one still running is stopped (and reported)."""
    results = {}
    for name, process, started in jobs:
        finished = True
        try:
            output, _ = process.communicate(timeout=wait)
        except subprocess.TimeoutExpired:
            finished = False
            process.terminate()
            try:
                output, _ = process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
        results[name] = {"finished": finished, "returncode": process.returncode,
                         "seconds": round(time.perf_counter() - started, 1),
                         "last_line": ((output or "").strip().splitlines() or [""])[-1][:300]}
    return results


# --- main -------------------------------------------------------------------------------


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--faq-entries", type=int, default=10_000,
                        help="published FAQ entries (above 13,000 from the 135k scale knowledge base)")
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite under bench/out/)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (both apps)")
    parser.add_argument("--timeout", type=int, default=30, help="gunicorn worker timeout and client timeout, s")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per operation, app and round")
    parser.add_argument("--max-requests", type=int, default=20_000, help="bound per operation, app and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="comma-separated parts of operation names, e.g. list,search")
    parser.add_argument("--quick", action="store_true", help="20,000 letters, 3 s per operation, one round")
    parser.add_argument("--no-page-cache", action="store_true",
                        help="measure every page rendered (PUBLIC_PAGE_CACHE_SECONDS=0)")
    parser.add_argument("--gunicorn-conf", action=argparse.BooleanOptionalAction, default=True,
                        help="serve the project with the documented -c python:interact.gunicorn_conf "
                             "(shared tables loaded in the master, gc.freeze, metrics of all workers); "
                             "-w, -b and --timeout are given to both apps alike")
    parser.add_argument("--no-answer-memo", action="store_true",
                        help="score every FAQ question, also one asked before (FAQ_ANSWER_MEMO=0)")
    parser.add_argument("--submissions", type=int, help="integrity mode: this many POSTs, then count what is stored")
    parser.add_argument("--clients", type=int, default=32, help="integrity mode: concurrent clients")
    parser.add_argument("--with-jobs", action="store_true", help="integrity mode: run the sweep and a FAQ import meanwhile")
    parser.add_argument("--web-form", action="store_true",
                        help="integrity mode: each submission is the letter form as a browser sends it "
                             "(GET /letters/new, then POST it with its cookie and tokens) instead of the API")
    parser.add_argument("--job-wait", type=float, default=120, help="integrity mode: seconds to let the jobs finish after the submissions")
    parser.add_argument("--build-only", action="store_true",
                        help="build (or find) the cached database and stop (no servers)")
    args = parser.parse_args(argv)
    if args.quick:
        args.letters = min(args.letters, 20_000) if "--letters" not in (argv or sys.argv) else args.letters
        args.duration, args.rounds = 3.0, 1

    started_uptime = uptime()
    log(started_uptime)
    workdir = Path(tempfile.mkdtemp(prefix="interact-load-"))
    servers: list[Server] = []
    database = None
    try:
        database = prepare_database(args, workdir)
        if args.build_only:
            log(f"database ready: {database.url}")
            return {}
        ids = sample_ids(database.url, workdir)
        marker = uuid.uuid4().hex[:8]
        env = {
            "INTERACT_SECRET_KEY": "bench-secret-key-not-for-production", "INTERACT_DATABASE_URL": database.url,
            "INTERACT_RATELIMIT_ENABLED": "false", "INTERACT_CAPTCHA_ENABLED": "false",
            "INTERACT_SESSION_COOKIE_SECURE": "false", "INTERACT_UPLOAD_FOLDER": str(workdir / "uploads"),
            "INTERACT_DEMO": "true",  # a benchmark, not production (no production start-up checks)
            "INTERACT_PUBLIC_BASE_URL": "http://127.0.0.1", "PYTHONPATH": str(ROOT),
        }
        if args.no_page_cache:
            env["INTERACT_PUBLIC_PAGE_CACHE_SECONDS"] = "0"
        if args.no_answer_memo:
            env["INTERACT_FAQ_ANSWER_MEMO"] = "0"
        project = start_server("project", "interact:create_app()", env, args, workdir, ROOT)
        servers.append(project)
        ready = warm_up(project, args)
        log(f"FAQ index ready in every worker after {ready:.1f} s")
        result: dict = {"letters": args.letters, "faq_entries": args.faq_entries,
                        "database": "postgresql" if args.database_url else "sqlite", "workers": args.workers,
                        "cpus": os.cpu_count(), "uptime_before": started_uptime, "faq_ready_s": round(ready, 1),
                        "page_cache": not args.no_page_cache, "answer_memo": not args.no_answer_memo}
        if args.submissions:
            result["integrity"] = run_integrity(args, project, database.url, env, marker)
            log(json.dumps(result["integrity"], ensure_ascii=False, indent=1))
        else:
            hello = start_server("hello", "hello_app:app", {}, args, workdir, ROOT / "bench")
            servers.append(hello)
            ops = select_ops(operations(ids, marker), args.only)
            summary = run_comparison(args, project, hello, ops)
            print_table(summary)
            result.update(connections=args.connections, duration=args.duration, rounds=args.rounds,
                          operations=summary)
        result["worker_kills"] = project.worker_kills()
        result["worker_rss_mb"] = project.worker_rss_mb()
        result["uptime_after"] = uptime()
    finally:
        for server in servers:
            server.stop()
        if database is not None:
            database.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
