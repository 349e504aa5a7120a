"""The scene of the interview benchmarks: an app on a throw-away SQLite database with one
department, an office editor and one interview with a guest (``interviews_poll.py``,
``interview_summary.py``)."""
from __future__ import annotations

from pathlib import Path

from interact import create_app
from interact.config import TestConfig
from interact.extensions import db


def interview_scene(workdir: Path, topic: str):
    """(app, interview, editor) inside the app's context, which the caller keeps pushed (the
    returned context) until it has built the rest of its scene and committed."""
    url = f"sqlite:///{workdir / 'bench.db'}"
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "DATABASE_URL": url, "UPLOAD_FOLDER": str(workdir / "uploads"), "RATELIMIT_ENABLED": False})
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    from interact.accounts.models import Role, User
    from interact.core import clock
    from interact.departments.models import Department, DepartmentKind
    from interact.interviews import services

    context = app.app_context()
    context.push()
    db.create_all()
    department = Department(name="市人力资源社会保障局", code="RSJ", kind=DepartmentKind.DEPARTMENT)
    db.session.add(department)
    db.session.flush()
    editor = User(username="editor", display_name="编辑", is_staff=True, password_hash="x",
                  department_id=department.id)
    editor.set_roles({Role.OFFICE})
    db.session.add(editor)
    db.session.flush()
    interview = services.create_interview(services.InterviewData(
        topic=topic, department_id=department.id, host="主持人", duration_minutes=60,
        scheduled_start=clock.now()), actor=editor)
    services.add_guest(interview, name="嘉宾", title="局长", actor=editor)
    return app, context, interview, editor
