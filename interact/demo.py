"""The demo, assembled at application level: each module's ``seed(context)``, in
dependency order (a lower layer's demo never imports a higher one's; the ``context`` dict
carries what later seeders need, e.g. ``departments`` and ``users``)."""
from __future__ import annotations

import importlib

from interact.extensions import db

#: Seeders in dependency order; each module exposes ``seed(context) -> None``.
SEEDERS = (
    "interact.departments.demo",
    "interact.accounts.demo",
    "interact.core.demo",
    "interact.surveys.demo",
    "interact.letters.demo",
    "interact.faq.demo",
    "interact.interviews.demo",
)
#: Departments, users and the sensitive-word list: what every feature's demo builds on.
FOUNDATION = SEEDERS[:3]


def seed(context: dict, seeders: tuple[str, ...] = SEEDERS) -> None:
    """Run ``seeders`` in order, committing after each."""
    for name in seeders:
        importlib.import_module(name).seed(context)
        db.session.commit()


def seed_foundation(context: dict) -> None:
    """Departments, users and sensitive words (for tests of one feature's demo)."""
    seed(context, FOUNDATION)
