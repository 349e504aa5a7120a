"""Unbound Flask extensions, initialised in :func:`interact.create_app`.

This module imports nothing of ours so that any module can import it without cycles.
"""
import ipaddress

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from interact.db import Base

db = SQLAlchemy(model_class=Base)


class LazyMigrate:
    """Flask-Migrate, imported when migrations are used rather than in every process.

    ``flask_migrate`` imports Alembic (~11 MB resident, and startup time) that a web
    worker never uses. In a ``flask`` command (a click context is active: ``flask db
    upgrade`` must be registered) Flask-Migrate is set up at once; otherwise
    ``app.extensions["migrate"]`` is a stand-in that sets it up on first use (tests and
    benchmarks calling ``flask_migrate.upgrade()``, ``migrations/env.py``)."""

    def init_app(self, app, db, **options) -> None:
        import click

        if click.get_current_context(silent=True) is not None:
            _setup_migrate(app, db, options)
        else:
            app.extensions["migrate"] = _MigrateOnFirstUse(app, db, options)


def _setup_migrate(app, db, options):
    from flask_migrate import Migrate

    Migrate().init_app(app, db, **options)
    return app.extensions["migrate"]


class _MigrateOnFirstUse:
    def __init__(self, app, db, options):
        self._args = (app, db, options)
        self._real = None

    def __getattr__(self, name):
        if self._real is None:
            self._real = _setup_migrate(*self._args)
        return getattr(self._real, name)


migrate = LazyMigrate()


class SessionOnlyLoginManager(LoginManager):
    """Sign-in lives only in the server-side session. A remember-me cookie (issued by
    earlier versions of this service) is never honoured: logging out could not take it
    back, so a copy of it would outlive the log-out."""

    def _load_user_from_remember_cookie(self, cookie):
        return None


login_manager = SessionOnlyLoginManager()
csrf = CSRFProtect()


def client_address() -> str:
    """The client as per-address limits and log-in throttling count it: an IPv4 address, or
    the /64 network of an IPv6 address (``2001:db8:7:2::/64``). Every home and mobile
    connection gets at least a /64, so counting single IPv6 addresses would give one
    attacker 2^64 fresh addresses (attack L2). An IPv4 address written as IPv6
    (``::ffff:198.51.100.7``) counts as that IPv4 address."""
    address = get_remote_address() or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return address
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    if parsed.is_loopback:
        return address
    for translator in _IPV4_TRANSLATORS:
        # An IPv4 client reaching an IPv6-only front end through NAT64 / SIIT: its own IPv4
        # address is the last 32 bits (else every IPv4 citizen would share one key).
        if parsed in translator:
            return str(ipaddress.IPv4Address(int(parsed) & 0xFFFFFFFF))
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


#: IPv6 prefixes that carry an IPv4 address in their last 32 bits (RFC 6052's well-known
#: and local-use NAT64 prefixes, SIIT's IPv4-translated addresses).
_IPV4_TRANSLATORS = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"),
                     ipaddress.ip_network("::ffff:0:0:0/96"))


limiter = Limiter(key_func=client_address, default_limits=[])


def public_post_limit() -> str:
    """Rate limit of anonymous POSTs (forms and API), read per request from the config."""
    from flask import current_app

    return current_app.config["RATELIMIT_PUBLIC_POST"]
