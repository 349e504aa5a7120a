"""interact — the public-interaction service (政民互动) of a city government portal."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from interact.config import ROOT, DefaultConfig


def create_app(config: Any = None) -> Flask:
    """Build the application. Does no migrations and starts no scheduler.

    :param config: a mapping or class applied after defaults and ``INTERACT_*`` variables.
    """
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    from interact.core.errors import BoundedIntegerConverter
    from interact.core.security import Request

    # Bodies without files are held to MAX_BODY_WITHOUT_FILES (attack Q5).
    app.request_class = Request

    # Before any route is added: an id beyond the database's integer range is a 404.
    app.url_map.converters["int"] = BoundedIntegerConverter
    configure(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    return app


def configure(app: Flask, config: Any) -> None:
    app.config.from_object(DefaultConfig)
    app.config.from_prefixed_env("INTERACT")
    if app.config.get("CAPTCHA_TEST_ANSWERS"):
        # Browser tests only: the answer of each captcha image in a response header. An
        # operator cannot switch it on; only code that builds the app (the test harness) can.
        raise RuntimeError("CAPTCHA_TEST_ANSWERS cannot be set from the environment.")
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    load_secret_key(app)
    # UTF-8 JSON with Chinese as characters, not \u escapes (Flask 3 ignores JSON_AS_ASCII).
    app.json.ensure_ascii = False
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config.get("DATABASE_URL") or "sqlite:///interact.db"
    from interact.core.production import rate_limit_storage

    app.config["RATELIMIT_STORAGE_URI"] = rate_limit_storage(app.config)
    check_production(app)
    if not app.config.get("PUBLIC_BASE_URL"):
        app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"  # demo, debug, tests
    app.config.setdefault("UPLOAD_FOLDER", None)
    if not app.config["UPLOAD_FOLDER"]:
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    for name in ("PERMANENT_SESSION_LIFETIME", "SESSION_TRANSIENT_LIFETIME"):
        if isinstance(app.config.get(name), (int, float)):
            app.config[name] = timedelta(seconds=app.config[name])

    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind nginx: take the client address and scheme from X-Forwarded-* so rate
        # limits, audit IPs and HSTS see the real request.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from interact.core import clock

    offset_days = float(app.config.get("CLOCK_OFFSET_DAYS") or 0)
    if offset_days:
        clock.set_offset(timedelta(days=offset_days))


NO_SECRET_KEY = (
    "No secret key: set INTERACT_SECRET_KEY or INTERACT_SECRET_KEY_FILE "
    "(or create instance/secret_key; `make run` generates one)."
)


def load_secret_key(app: Flask) -> None:
    """``SECRET_KEY``, else the file ``SECRET_KEY_FILE``, else ``instance/secret_key`` if present.

    Without any of them the web application refuses to start. A ``flask`` command still
    loads (so ``--help`` lists every command and ``db upgrade`` / ``jobs`` work); serving a
    request from such an app fails with the same message.
    """
    if not app.config.get("SECRET_KEY"):
        key_file = app.config.get("SECRET_KEY_FILE")
        default_file = Path(app.instance_path) / "secret_key"
        if not key_file and default_file.is_file():
            key_file = default_file
        if key_file:
            app.config["SECRET_KEY"] = Path(key_file).read_text().strip()
    if app.config.get("SECRET_KEY") or app.testing:
        return
    import click

    if click.get_current_context(silent=True) is None:
        raise RuntimeError(NO_SECRET_KEY)

    @app.before_request
    def refuse_without_key() -> None:
        raise RuntimeError(NO_SECRET_KEY)


def check_production(app: Flask) -> None:
    """Refuse to start a web worker with settings unfit for production
    (:mod:`interact.core.production`); ``flask`` commands only warn (the ``scheduler``
    command checks again and refuses)."""
    import click

    from interact.core import production

    production.check(app.config, strict=click.get_current_context(silent=True) is None)


def register_extensions(app: Flask) -> None:
    from interact.core import deferred, sessions, shared
    from interact.core.dbsetup import include_object, register_engine_hooks, render_item
    from interact.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
        compare_type=True, include_object=include_object, render_item=render_item,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    shared.init_app(app)
    login_manager.init_app(app)
    sessions.init_app(app)
    deferred.init_app(app)
    register_engine_hooks()

    from interact.accounts.services import load_user

    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


def register_blueprints(app: Flask) -> None:
    from interact.accounts.views import bp as accounts_bp
    from interact.api.spec import init_api
    from interact.api.views import bp as api_bp
    from interact.core.views import bp as site_bp
    from interact.departments.views import bp as departments_bp
    from interact.extensions import csrf
    from interact.faq.views import bp as faq_bp
    from interact.interviews.views import bp as interviews_bp
    from interact.letters.views import bp as letters_bp
    from interact.letters.report_views import bp as letter_reports_bp
    from interact.office.report_views import bp as office_reports_bp
    from interact.office.views import bp as office_bp
    from interact.questionnaires.views import bp as questionnaires_bp
    from interact.surveys.views import bp as surveys_bp

    app.register_blueprint(site_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(departments_bp)
    app.register_blueprint(office_bp)
    app.register_blueprint(office_reports_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(questionnaires_bp)
    app.register_blueprint(faq_bp)
    app.register_blueprint(interviews_bp)
    app.register_blueprint(letters_bp)
    app.register_blueprint(letter_reports_bp)
    # The JSON API is called by apps without a browser session; it takes no cookies'
    # authority for writes, so CSRF tokens do not apply.
    csrf.exempt(api_bp)
    init_api(app, api_bp)


def register_hooks(app: Flask) -> None:
    from interact import cli
    from interact.core import errors, forms, logs, metrics, security, templating

    logs.register(app)
    metrics.register(app)
    errors.register_error_handlers(app)
    security.register(app)
    forms.register(app)
    templating.register(app)
    cli.register(app)
