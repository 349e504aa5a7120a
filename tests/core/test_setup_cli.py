"""Set-up as a developer or operator meets it: secret key, CLI, demo server, demo seeding."""
from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest
from flask import Flask

from interact import load_secret_key
from interact.core import notify
from interact.cli import port_problem
from interact.core.models import OutboundEmail

ROOT = Path(__file__).resolve().parents[2]


def _bare_app(instance: Path, **config) -> Flask:
    app = Flask("keytest", instance_path=str(instance))
    app.config.update(config)
    return app


def test_secret_key_read_from_instance_file_when_none_given(tmp_path):
    (tmp_path / "secret_key").write_text("from-the-instance-file\n")
    app = _bare_app(tmp_path)
    load_secret_key(app)
    assert app.config["SECRET_KEY"] == "from-the-instance-file"


def test_explicit_key_file_wins_over_instance_file(tmp_path):
    (tmp_path / "secret_key").write_text("instance")
    (tmp_path / "other").write_text("explicit")
    app = _bare_app(tmp_path, SECRET_KEY_FILE=str(tmp_path / "other"))
    load_secret_key(app)
    assert app.config["SECRET_KEY"] == "explicit"


def test_web_app_without_any_key_refuses_to_start(tmp_path):
    with pytest.raises(RuntimeError, match="No secret key"):
        load_secret_key(_bare_app(tmp_path))


def test_cli_without_key_loads_but_refuses_requests(tmp_path):
    app = _bare_app(tmp_path)
    app.add_url_rule("/", "home", lambda: "ok")
    with click.Context(click.Command("x")):
        load_secret_key(app)  # a flask command: no exception
    response = app.test_client().get("/")
    assert response.status_code == 500


def _flask(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERACT_SECRET_KEY")}
    env["INTERACT_DATABASE_URL"] = "sqlite://"
    return subprocess.run([sys.executable, "-m", "flask", "--app", "interact", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_flask_help_lists_project_commands_without_exported_key():
    result = _flask("--help")
    assert result.returncode == 0, result.stderr
    for command in ("seed-demo", "scheduler", "run-job", "jobs", "serve-demo", "create-admin"):
        assert command in result.stdout
    assert "Error" not in result.stderr


def test_port_problem_names_a_busy_port_and_the_way_out():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        problem = port_problem("127.0.0.1", port)
    assert problem and "already in use" in problem and f"PORT={port + 1}" in problem
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    assert port_problem("127.0.0.1", port) is None


def test_serve_demo_on_a_busy_port_says_so_before_serving(app):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = app.test_cli_runner().invoke(args=["serve-demo", "--port", str(port)])
    assert result.exit_code == 1
    assert "already in use" in result.output and "Serving on" not in result.output


def test_seed_demo_queues_no_mail_even_with_smtp_configured(app, db):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(db.func.count(OutboundEmail.id))) == 0
    assert app.config["MAIL_SERVER"] == "127.0.0.1"  # restored afterwards
    assert notify.mail_enabled()


def test_mail_failure_log_line_has_no_address(roles, db, app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=2)  # nothing listens
    roles.handler_a.email = "private.person@example.gov.cn"
    db.session.commit()
    notify.notify([roles.handler_a], kind="k", title="提醒", dedup_key="k")
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="interact.core.notify"):
        assert notify.send_pending()["retried"] == 1
    assert "failed (attempt 1)" in caplog.text
    assert "private.person" not in caplog.text and "example.gov.cn" not in caplog.text
