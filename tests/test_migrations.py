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


def _search_table(engine) -> tuple:
    """PostgreSQL: the letter search table as the database describes it (it is DDL of
    ``letters.search``, outside the models' metadata)."""
    with engine.connect() as connection:
        columns = connection.execute(sa.text(
            "SELECT column_name, data_type, is_nullable, is_generated, generation_expression "
            "FROM information_schema.columns WHERE table_name = 'letter_search' ORDER BY ordinal_position")).all()
        options = connection.scalar(sa.text("SELECT reloptions FROM pg_class WHERE relname = 'letter_search'"))
        indexes = connection.scalars(sa.text(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'letter_search' ORDER BY indexname")).all()
        keys = connection.scalars(sa.text(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'letter_search'::regclass "
            "ORDER BY conname")).all()
    return columns, options, indexes, keys


def _migrate_and_compare(url: str, search_table: tuple | None = None) -> None:
    app = create_app(type("Config", (TestConfig,), {"DATABASE_URL": url}))
    with app.app_context():
        upgrade()
        assert _diff(db.engine) == []
        if search_table is not None:
            assert _search_table(db.engine) == search_table
        downgrade(revision="base")
        remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()


def test_sqlite_migrations_match_models(tmp_path):
    _migrate_and_compare(f"sqlite:///{tmp_path / 'migrated.db'}")


@pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="PostgreSQL run only (make test under CI)")
def test_postgresql_migrations_match_models():
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name, models = "interact_migrations_check", "interact_models_check"
    with admin.connect() as connection:
        for database in (name, models):
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {database}"))
            connection.execute(sa.text(f"CREATE DATABASE {database}"))
    try:
        # The search table as the models make it (create_all), against the migrations'.
        made = create_app(type("Config", (TestConfig,), {"DATABASE_URL": PG_URL.rsplit("/", 1)[0] + "/" + models}))
        with made.app_context():
            db.create_all()
            search_table = _search_table(db.engine)
            db.engine.dispose()
        _migrate_and_compare(PG_URL.rsplit("/", 1)[0] + "/" + name, search_table)
    finally:
        with admin.connect() as connection:
            for database in (name, models):
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        admin.dispose()
