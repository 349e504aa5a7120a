"""Browser-test harness: the real application in a subprocess, driven by Debian's Chromium.

- ``live_server`` (session): a fresh SQLite database in a temporary folder, migrated with
  ``flask db upgrade`` and filled with ``flask seed-demo``, served by ``server.py`` on a free
  port of 127.0.0.1. One server per test session; tests share its data, so each journey
  creates what it needs (its own letter, its own collection…) and never counts on order.
- ``browser``: pytest-playwright's session-scoped Chromium, launched from the distribution's
  package (``executable_path``; ``INTERACT_CHROMIUM`` overrides the path). Playwright launches
  every browser with a new temporary profile (a fresh user-data dir) and removes it after.
- ``page`` / ``context``: a new context per test, parametrised over the two widths a person
  uses (``width`` = 375 phone, 1280 desktop). ``new_page(java_script_enabled=False, …)``
  opens another context (a second person, a browser without JavaScript).
Helpers (``tests/browser/helpers.py``):

- ``login(page, "office")``: the log-in form with a demo account (README's table).
- ``solve_captcha(page)``: types the answer of the captcha image the page shows. The served
  app is built with ``CAPTCHA_TEST_ANSWERS`` (see ``interact/core/captcha.py``): each image
  response carries its answer in a header, read here the way a person reads the picture;
  every image still has a new random code, consumed by the first check.
- ``assert_accessible(page)``: axe-core (vendored in ``static/vendor/axe-core/``, injected
  here only; no page links it) must find no serious or critical violation.
- ``stored``: read what the application stored, through the models, in the test process.

Chromium missing: the suite is skipped with a message, except under ``CI`` where it fails
(``.ci/with-chromium.sh``, run by ``make test``, installs it from Debian's packages).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.helpers import CAPTCHA_HEADER

ROOT = Path(__file__).resolve().parents[2]
WIDTHS = (375, 1280)
SECRET_KEY = "browser-tests-only-secret-key"

CHROMIUM_FLAGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--password-store=basic",
]


def chromium_path() -> str | None:
    configured = os.environ.get("INTERACT_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    # The Debian launcher script (/usr/bin/chromium) only adds desktop flags; the binary
    # behind it avoids a shell check that fails on machines with much memory.
    for candidate in ("/usr/lib/chromium/chromium", shutil.which("chromium") or "",
                      shutil.which("chromium-browser") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    if chromium_path() is not None:
        return
    message = ("Chromium not found (install Debian's `chromium` package, or run "
               "`make test-browser`, which installs it, or set INTERACT_CHROMIUM)")
    if os.environ.get("CI"):
        raise pytest.UsageError(f"{message}: under CI the browser suite must run.")
    skip = pytest.mark.skip(reason=message)
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


# --- the application ---------------------------------------------------------------------


class LiveServer:
    def __init__(self, url: str, database_url: str, process: subprocess.Popen, log: Path):
        self.url = url
        self.database_url = database_url
        self.process = process
        self.log = log
        self.log_seen = 0  # how much of the log the tests have checked for tracebacks


def _app_env(tmp: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERACT_")}
    env.update({
        "INTERACT_DATABASE_URL": database_url,
        "INTERACT_SECRET_KEY": SECRET_KEY,
        "INTERACT_SESSION_COOKIE_SECURE": "false",
        "INTERACT_REMEMBER_COOKIE_SECURE": "false",
        "INTERACT_UPLOAD_FOLDER": str(tmp / "uploads"),
        # A local test server, not production (no PUBLIC_BASE_URL, per-process rate limits).
        "INTERACT_DEMO": "true",
        # `flask faq refit` and the worker's refits of the journeys: on a quarter of the base
        # data, as in the unit tests (TestConfig.FAQ_REFIT_BASE_EVERY; docs/testing.md).
        "INTERACT_FAQ_REFIT_BASE_EVERY": "4",
        "PYTHONPATH": str(ROOT),
    })
    return env


def _flask(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "interact", *args], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, timeout=300)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("live")
    database_url = f"sqlite:///{tmp / 'interact.db'}"
    env = _app_env(tmp, database_url)
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo")
    log = tmp / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("server.py"))], cwd=ROOT,
                                   env=env, stdout=subprocess.PIPE, stderr=log_file, text=True)
    try:
        url = _wait_ready(process, log)
        _warm_up(url)
        yield LiveServer(url, database_url, process, log)
    finally:  # also when the start or the warm-up failed: never leave the server running
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()


def _wait_ready(process: subprocess.Popen, log: Path, timeout: float = 60) -> str:
    found: list[str] = []

    def read():
        for line in process.stdout:
            if line.startswith("READY "):
                found.append(line.split()[1])
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if not found:
        process.kill()
        raise RuntimeError(f"the test server did not start:\n{log.read_text()[-3000:]}")
    return found[0]


#: Longest wait for the server's first FAQ index (built in a background thread; with the
#: sentence-embedding feature that takes minutes on a loaded machine).
WARM_UP_SECONDS = 300


def _warm_up(url: str) -> None:
    """Load what the server builds on first use (word segmentation dictionary, FAQ index,
    letter search), so the first journey is not the one that waits for it. A question
    asked before the FAQ index exists is answered 503 (智能问答正在启动): asked again
    until the index is there, for at most ``WARM_UP_SECONDS``."""
    import time
    from urllib.error import HTTPError
    from urllib.parse import quote
    from urllib.request import urlopen

    deadline = time.monotonic() + WARM_UP_SECONDS
    for path in ("/", "/faq/ask?q=" + quote("公积金怎么提取"), "/letters/?q=" + quote("社保")):
        while True:
            try:
                with urlopen(url + path, timeout=120) as response:
                    response.read()
                break
            except HTTPError as error:
                if error.code != 503 or time.monotonic() > deadline:
                    raise
                time.sleep(1)


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """pytest-base-url's fixture: ``page.goto("/letters/new")`` goes to the live server."""
    return live_server.url


class Stored:
    """Read the live server's database through the application's models."""

    def __init__(self, database_url: str, tmp: Path):
        from interact import create_app

        self.app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "DEMO": True,
                               "UPLOAD_FOLDER": str(tmp / "uploads")})

    def __call__(self, read: Callable[[Any], Any]) -> Any:
        """``stored(lambda db: db.session.scalar(...))`` in a fresh session."""
        from interact.extensions import db

        with self.app.app_context():
            try:
                return read(db)
            finally:
                db.session.remove()

    def write(self, change: Callable[[Any], Any]) -> Any:
        """Prepare a scene through the services (``tests/browser/given.py``); ``change``
        commits, anything left uncommitted is rolled back."""
        return self(change)


@pytest.fixture(scope="session")
def stored(live_server, tmp_path_factory) -> Stored:
    return Stored(live_server.database_url, tmp_path_factory.mktemp("reader"))


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    flags = list(CHROMIUM_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium's sandbox refuses to run as root
    return {**browser_type_launch_args, "executable_path": path, "args": flags, "headless": True}


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request) -> int:
    return request.param


def _context_args(width: int) -> dict:
    return {
        "viewport": {"width": width, "height": 812 if width < 600 else 900},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "is_mobile": False,
        "has_touch": width < 600,
    }


@pytest.fixture
def browser_context_args(browser_context_args, width):
    return {**browser_context_args, **_context_args(width)}


def prepare(context) -> None:
    """Per-context habits of every test: captcha answers, confirm dialogs accepted, timeouts."""
    # Generous: the machine is shared; a journey that fails does so on what it sees.
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(30_000)
    answers: dict = {}
    context._captcha_answers = answers  # noqa: SLF001 - our own attribute on the context

    def on_response(response):
        answer = response.headers.get(CAPTCHA_HEADER)
        if answer:
            try:
                slot = parse_qs(urlsplit(response.url).query).get("slot", [""])[0]
                answers[(response.frame.page, slot)] = answer
            except Exception:  # noqa: BLE001 - a response without a page (worker)
                return

    errors: list[str] = []
    context._server_errors = errors  # noqa: SLF001

    def on_server_error(response):
        if response.status >= 500:
            errors.append(f"{response.status} {response.request.method} {response.url}")

    context.on("response", on_response)
    context.on("response", on_server_error)
    context.on("page", lambda page: page.on("dialog", lambda dialog: dialog.accept()))


def assert_no_server_error(context) -> None:
    """A journey fails on any 5xx answer it met, even if the page looked fine after it."""
    errors = context._server_errors  # noqa: SLF001
    assert not errors, "the server answered with an error: " + "; ".join(errors)


@pytest.fixture
def context(context, live_server):
    prepare(context)
    yield context
    assert_no_server_error(context)
    _raise_server_tracebacks(live_server)


def _raise_server_tracebacks(live_server) -> None:
    log = live_server.log.read_text(errors="replace")
    seen = live_server.log_seen
    live_server.log_seen = len(log)
    new = log[seen:]
    assert "Traceback (most recent call last)" not in new, "the server logged an exception:\n" + new[-4000:]


@pytest.fixture
def new_page(browser, base_url, width) -> Iterator[Callable[..., Any]]:
    """Open a page in another, new context: ``new_page(java_script_enabled=False)``."""
    contexts = []

    def open_page(**overrides):
        context = browser.new_context(base_url=base_url, **{**_context_args(width), **overrides})
        prepare(context)
        context._java_script_enabled = overrides.get("java_script_enabled", True)  # noqa: SLF001 - helpers.scripts_run
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        assert_no_server_error(context)
        context.close()
