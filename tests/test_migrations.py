"""The Alembic migrations build the same schema as the models, on SQLite and PostgreSQL."""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from interact import create_app
from interact.config import TestConfig
from interact.core.dbsetup import include_object
from interact.extensions import db

PG_URL = os.environ.get("INTERACT_TEST_DATABASE_URL", "")


def _diff(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        return compare_metadata(context, db.metadata)


def _migrate_and_compare(url: str) -> None:
    app = create_app(type("Config", (TestConfig,), {"DATABASE_URL": url}))
    with app.app_context():
        upgrade()
        assert _diff(db.engine) == []
        downgrade(revision="base")
        remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()


def test_sqlite_migrations_match_models(tmp_path):
    _migrate_and_compare(f"sqlite:///{tmp_path / 'migrated.db'}")


@pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="PostgreSQL run only (make test under CI)")
def test_postgresql_migrations_match_models():
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = "interact_migrations_check"
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        _migrate_and_compare(PG_URL.rsplit("/", 1)[0] + "/" + name)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
