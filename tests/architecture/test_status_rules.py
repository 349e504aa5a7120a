"""A status condition is written in one home: the feature's ``workflow.py`` (what may happen),
its ``services.py`` (the rules it checks) or its ``models.py`` (facts that follow from the
state, as hybrid properties). Views, API modules, jobs and the office ask those homes; they
never compare ``something.status`` themselves (templates: ``test_templates_ask_actions.py``)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "interact"

#: The homes of status rules.
HOMES = {"workflow.py", "services.py", "models.py"}

#: Modules that are themselves the home of a lifecycle of their own (not a copy of another's).
OWN_LIFECYCLES = {
    # The monthly summary's workflow (draft ⇄ published), listed in docs/architecture.md.
    "letters/summary.py",
    # The import job's own lifecycle (pending → validating → applying → done / failed) and
    # the status a row of an import file asks an entry to take.
    "faq/importexport.py",
    # The decision-model refit job's own lifecycle (pending → running → done / failed).
    "faq/learning.py",
    # The e-mail outbox (pending → sent / failed).
    "core/notify.py",
    # The background jobs' shared claim and recovery (waiting → claimed; running with a stale
    # heartbeat → waiting again or failed), for the statuses a feature's JobQueue names.
    "core/tasks.py",
}


def _is_status(node: ast.AST) -> bool:
    """``x.status`` (an attribute named ``status`` of anything)."""
    return isinstance(node, ast.Attribute) and node.attr == "status"


def status_conditions(source: str) -> list[tuple[int, str]]:
    """``(line, code)`` of every comparison of a ``.status`` (``is``, ``==``, ``in`` …) and
    every ``.status.in_(…)`` / ``.status.not_in(…)`` in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare) and any(_is_status(part) for part in (node.left, *node.comparators)):
            found.append((node.lineno, ast.unparse(node)))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("in_", "not_in") and _is_status(node.func.value)):
            found.append((node.lineno, ast.unparse(node)))
    return found


def _findings() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if path.name in HOMES or relative in OWN_LIFECYCLES:
            continue
        for line, code in status_conditions(path.read_text(encoding="utf-8")):
            found.append(f"interact/{relative}:{line}: {code[:120]}")
    return found


def test_the_check_catches_the_shapes_it_is_meant_for():
    for code in ("letter.status is not LetterStatus.SUBMITTED", "q.status in OPEN",
                 "FaqEntry.status == FaqStatus.PUBLISHED", "Letter.status.in_(DEPARTMENT_STATUSES)",
                 "x = [q for q in items if q.status in workflow.OPEN_QUESTION_STATUSES]",
                 "feedback is not None and feedback.status is FeedbackStatus.SUBMITTED"):
        assert status_conditions(code), code
    for code in ("'publish' in workflow.actions(entry, user)", "target is InterviewStatus.LIVE",
                 "letter.held_by_office", "status = request.args.get('status')", "job.status.value"):
        assert not status_conditions(code), code


def test_no_view_api_job_or_report_compares_a_status():
    assert _findings() == []
