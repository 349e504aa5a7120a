"""The FAQ index of a new process is built in the background, never inside a request."""
from __future__ import annotations

import threading

from interact.extensions import db
from interact.faq import index as faq_index
from tests.conftest import make_test_app


def test_first_request_starts_the_build_and_questions_wait_briefly(tmp_path, monkeypatch):
    # A file database: the build thread has its own connection.
    app = make_test_app(f"sqlite:///{tmp_path / 'warm.db'}", FAQ_INDEX_WARM=True, FAQ_INDEX_WAIT_SECONDS=0.2)
    context = app.app_context()
    context.push()
    db.create_all()
    release = threading.Event()
    real_rebuild = faq_index.FaqIndex._rebuild

    def slow_rebuild(self, *args):
        release.wait(5)
        return real_rebuild(self, *args)

    monkeypatch.setattr(faq_index.FaqIndex, "_rebuild", slow_rebuild)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # any first request starts the build
    holder = faq_index.get_index(app)
    assert holder._background is not None and holder._background.is_alive()

    busy = client.get("/api/v1/faq/answer?q=公积金怎么提取")
    assert busy.status_code == 503  # answered at once, the worker is never held for the build
    assert "正在启动" in busy.get_json()["error"]["message"]

    release.set()
    holder._background.join(60)
    assert holder.builds == 1
    assert client.get("/api/v1/faq/answer?q=公积金怎么提取").status_code == 200
    assert holder.builds == 1  # the request used the background build
    db.session.remove()
    db.engine.dispose()
    context.pop()
