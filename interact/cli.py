"""Application-level command-line tools: ``flask --app interact seed-demo``,
``create-admin``, ``demo-logins``, ``serve-demo``, ``files strip-metadata`` (and the
scheduler's commands)."""
from __future__ import annotations

import socket

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from interact import demo, scheduler
from interact.accounts.models import Role, User
from interact.accounts.services import _set_password, check_password_strength
from interact.core import audit, restrip
from interact.core.errors import DomainError
from interact.departments.models import Department
from interact.extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(demo_logins)
    scheduler.register_cli(app)
    app.cli.add_command(serve_demo)
    app.cli.add_command(files_group)


@click.group("files")
def files_group() -> None:
    """Uploaded files."""


@files_group.command("strip-metadata")
def strip_metadata_command() -> None:
    """Remove, with today's rules, the metadata of public files uploaded before (a photo's
    GPS position and owner, a document's author); safe to run twice."""
    report = restrip.StripReport()
    after: int | None = 0
    while after is not None:
        after = restrip.strip_public_files(report, after)
        db.session.commit()  # one batch per transaction
    for file_id, name in report.kept:
        click.echo(f"  无法自动清除（请替换或撤下）：#{file_id} {name}")
    for file_id in report.missing:
        click.echo(f"  存储中找不到：#{file_id}")
    restrip.record_run(report)
    db.session.commit()
    click.echo(report.message)


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even if the database already has departments.")
def seed_demo(force: bool) -> None:
    """Load demo departments, users and content into an empty database."""
    if not force and db.session.scalar(db.select(db.func.count(Department.id))):
        click.echo("Database already has data; demo not loaded (use --force to add it anyway).")
        return
    context: dict = {}
    # Demo content notifies demo users and citizens at demo addresses: never queue e-mail
    # for it, even when SMTP is configured (it would go out, back-dated, a minute later).
    config = current_app.config
    mail_server, config["MAIL_SERVER"] = config.get("MAIL_SERVER"), None
    try:
        demo.seed(context)
    finally:
        config["MAIL_SERVER"] = mail_server
    click.echo("Demo data loaded.")


@click.command("demo-logins")
@click.option("--port", default=5000, show_default=True, type=int, help="The port the demo is served on.")
def demo_logins(port: int) -> None:
    """Print the demo log-ins."""
    from interact.accounts.demo import DEMO_LOGINS

    click.echo(f"Demo log-ins (http://127.0.0.1:{port}/login):")
    for username, password, role in DEMO_LOGINS:
        click.echo(f"  {role:<28} {username:<16} {password}")


@click.command("create-admin")
@click.argument("username")
@click.password_option()
def create_admin(username: str, password: str) -> None:
    """Create the first administrator (production set-up)."""
    if db.session.scalar(db.select(User).where(User.username == username)):
        raise click.ClickException("该用户名已存在。")
    try:
        check_password_strength(password)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    user = User(username=username, display_name=username, is_staff=True, password_hash="")
    user.set_roles({Role.ADMIN})
    db.session.add(user)
    _set_password(user, password)
    audit.record("user.created", "user", user.id, note="create-admin")
    db.session.commit()
    click.echo(f"Administrator {username} created.")


@click.command("serve-demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_demo(host: str, port: int) -> None:
    """Serve the demo with the scheduler in the same process (no reloader, so it runs once).

    Production runs gunicorn workers and one ``flask scheduler`` process instead.
    """
    from flask import current_app
    from werkzeug.serving import run_simple

    from interact import NO_SECRET_KEY

    app = current_app._get_current_object()
    if not app.config.get("SECRET_KEY"):
        raise click.ClickException(NO_SECRET_KEY)
    problem = port_problem(host, port)
    if problem:
        raise click.ClickException(problem)
    scheduler.start_background_scheduler(app)
    click.echo(f"Serving on http://{host}:{port}  (Ctrl+C to stop)")
    # app.run() refuses to start inside a ``flask`` command; run Werkzeug's server directly.
    run_simple(host, port, app, use_reloader=False, use_debugger=False, threaded=True)


def port_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be served on (already in use, not allowed), or ``None``."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        return f"Cannot serve on {host}: {error.strerror}."
    family, _type, _proto, _name, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As Werkzeug's server does, so a port in TIME_WAIT is not reported as busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except PermissionError:
            return f"Port {port} needs administrator rights; pick another one, e.g. `make run PORT=8080`."
        except OSError:
            return (f"Port {port} on {host} is already in use (another server, or AirPlay on macOS). "
                    f"Stop it or pick another port, e.g. `make run PORT={port + 1}`.")
    return None
