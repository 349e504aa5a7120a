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
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    if not app.config.get("SECRET_KEY") and app.config.get("SECRET_KEY_FILE"):
        app.config["SECRET_KEY"] = Path(app.config["SECRET_KEY_FILE"]).read_text().strip()
    if not app.config.get("SECRET_KEY") and not app.testing:
        raise RuntimeError(
            "No secret key: set INTERACT_SECRET_KEY (or INTERACT_SECRET_KEY_FILE). "
            "`make run` generates one into instance/secret_key."
        )
    # UTF-8 JSON with Chinese as characters, not \u escapes (Flask 3 ignores JSON_AS_ASCII).
    app.json.ensure_ascii = False
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config.get("DATABASE_URL") or "sqlite:///interact.db"
    app.config.setdefault("UPLOAD_FOLDER", None)
    if not app.config["UPLOAD_FOLDER"]:
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")
    if isinstance(app.config.get("PERMANENT_SESSION_LIFETIME"), (int, float)):
        app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=app.config["PERMANENT_SESSION_LIFETIME"])

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


def register_extensions(app: Flask) -> None:
    from interact.core.dbsetup import include_object, register_engine_hooks, render_item
    from interact.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
        compare_type=True, include_object=include_object, render_item=render_item,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
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
    from interact.office.views import bp as office_bp
    from interact.questionnaires.views import bp as questionnaires_bp
    from interact.surveys.views import bp as surveys_bp

    app.register_blueprint(site_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(departments_bp)
    app.register_blueprint(office_bp)
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
    from interact.core import cli, errors, security, templating

    errors.register_error_handlers(app)
    security.register(app)
    templating.register(app)
    cli.register(app)
