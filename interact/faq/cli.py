"""``flask --app interact faq …``: the decision model learnt from curators.

- ``faq refit``: refit the decision model on the shipped base data plus the curators'
  labelled examples; prints before/after on held-back examples and swaps the new model
  in only if it is not worse (interact/faq/learning.py).
- ``faq models``: the stored versions, the one in use marked.
- ``faq use-model N``: put version N in use again (0 = the model shipped with the code).
- ``faq build-index``: write this machine's index file (interact/faq/index.py); web
  workers start it themselves when the knowledge base changed, a deployment may run it
  after ``db upgrade`` so the first workers find the file.
"""
from __future__ import annotations

import json
import math
import signal

import click
from flask import Blueprint, current_app

from interact.core.errors import InvalidTransition, NotFound
from interact.extensions import db
from interact.faq import index, learning


def register(bp: Blueprint) -> None:
    bp.cli.add_command(refit_command)
    bp.cli.add_command(models_command)
    bp.cli.add_command(use_model_command)
    bp.cli.add_command(build_index_command)


@click.command("refit")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
def refit_command(as_json: bool) -> None:
    """Refit the answer decision on the base data plus curators' decisions."""
    result = learning.refit()
    db.session.commit()
    click.echo(result.message)
    if result.report:
        before, after = result.report["before"], result.report["after"]
        click.echo(f"  examples: {result.report['examples']} (each judged by a model fitted without it, "
                   f"{result.report.get('folds', 1)} groups)")
        for name, side in (("before", before), ("after", after)):
            click.echo(f"  {name:6s} version {side['version']}: right {side['right']}/{side['examples']}, "
                       f"threshold {side['threshold']}, base data {side['base']}")
        if as_json:
            click.echo(json.dumps(result.report, ensure_ascii=False))


@click.command("models")
def models_command() -> None:
    """List the decision model versions."""
    active = index.active_version()
    click.echo(f"{'*' if active is None else ' '} 0  shipped with the code")
    for version in learning.versions():
        mark = "*" if version.active else " "
        click.echo(f"{mark} {version.id}  {version.created_at:%Y-%m-%d %H:%M}  examples {version.examples}  "
                   f"threshold {version.threshold}  {version.note}")


@click.command("use-model")
@click.argument("version", type=int)
@click.option("--force", is_flag=True,
              help="Use it even though its refit did not pass the acceptance check (audited).")
def use_model_command(version: int, force: bool) -> None:
    """Put decision model VERSION in use (0 = the one shipped with the code)."""
    try:
        learning.use_version(version, note="命令行强制启用" if force else "命令行启用", override=force)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from exc
    except InvalidTransition as exc:
        raise click.ClickException(f"{exc} (--force puts it in use anyway)") from exc
    db.session.commit()
    click.echo(f"decision model version {version} in use")


@click.command("build-index")
@click.option("--force", is_flag=True, help="Build even when the newest file is of the current version.")
def build_index_command(force: bool) -> None:
    """Build the FAQ index file of this machine (memory-mapped by the web workers)."""
    directory = index.index_dir(current_app)
    if directory is None:
        raise click.ClickException("FAQ_INDEX_IN_MEMORY is set: there is no index file")
    # A build never holds the build lock past its deadline: the kernel ends this process
    # then (SIGALRM's default action, even inside C code), and with it the lock.
    previous = signal.alarm(max(1, math.ceil(index.build_seconds())))
    try:
        path = index.build_file(directory, force=force)
    finally:
        signal.alarm(previous)
    if path is None:
        click.echo("another process is building the index file")
    else:
        click.echo(str(path))
