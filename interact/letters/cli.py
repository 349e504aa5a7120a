"""``flask --app interact letters …``.

- ``letters reindex``: after the masking rules change (a new release of
  ``interact/core/privacy.py``), mask again what was stored masked — the published
  letters' public copies and search index, FAQ entries turned from letters, the logged
  questions (interact/letters/reindex.py).
  Safe to run while the site serves and to run twice.
- ``letters store-pages``: render and store every published letter's public page whose
  stored one is missing or stale (interact/letters/pages.py; the pages are otherwise
  stored at their first visit after a change). Safe while the site serves.
"""
from __future__ import annotations

import functools

import click
from flask import Blueprint, current_app
from flask.cli import with_appcontext

from interact.extensions import db
from interact.faq.remask import remask_logged_questions
from interact.letters import pages, reindex


def register(bp: Blueprint) -> None:
    bp.cli.add_command(reindex_command)
    bp.cli.add_command(store_pages_command)


@click.command("reindex")
@click.option("--all", "everything", is_flag=True,
              help="Store every published letter's public copy and index row again, not only "
                   "those other masking rules made.")
def reindex_command(everything: bool) -> None:
    """Mask again the letters' public copies and search index, FAQ entries from letters and
    logged questions."""
    report = reindex.ReindexReport()
    steps = (
        (functools.partial(reindex.reindex_letters, everything=everything), "letters_indexed", "检索索引"),
        (reindex.unindex_unpublished, "letters_unindexed", "移除未公开来信"),
        (reindex.remask_faq_entries, "faq_entries_remasked", "知识库条目"),
    )
    for step, field, label in steps:
        after: int | None = 0
        while after is not None:
            count, after = step(after)
            db.session.commit()  # one batch per transaction
            setattr(report, field, getattr(report, field) + count)
        click.echo(f"  {label}：{getattr(report, field)}")
    report.questions_remasked = remask_logged_questions()
    reindex.record_run(report)
    db.session.commit()
    click.echo(report.message)


@click.command("store-pages")
@with_appcontext
def store_pages_command() -> None:
    """Store the public page of every published letter whose stored page is missing or stale."""
    stored, after = 0, 0
    with current_app.test_request_context():
        while after is not None:
            count, after = pages.store_articles(after)
            db.session.commit()  # one batch per transaction
            stored += count
    click.echo(f"已生成并保存来信公开页 {stored} 件。")
