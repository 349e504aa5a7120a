"""Unbound Flask extensions, initialised in :func:`interact.create_app`.

This module imports nothing of ours so that any module can import it without cycles.
"""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from interact.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()


class SessionOnlyLoginManager(LoginManager):
    """Sign-in lives only in the server-side session. A remember-me cookie (issued by
    earlier versions of this service) is never honoured: logging out could not take it
    back, so a copy of it would outlive the log-out."""

    def _load_user_from_remember_cookie(self, cookie):
        return None


login_manager = SessionOnlyLoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def public_post_limit() -> str:
    """Rate limit of anonymous POSTs (forms and API), read per request from the config."""
    from flask import current_app

    return current_app.config["RATELIMIT_PUBLIC_POST"]
