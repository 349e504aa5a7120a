"""The FAQ index of a new process is built in the background, never inside a request."""
from __future__ import annotations

import threading

from interact.faq import index as faq_index


def test_first_request_starts_the_build_and_questions_wait_briefly(app, client, monkeypatch):
    app.config["FAQ_INDEX_WARM"] = True
    app.config["FAQ_INDEX_WAIT_SECONDS"] = 0.2
    release = threading.Event()
    real_rebuild = faq_index.FaqIndex._rebuild

    def slow_rebuild(self, *args):
        release.wait(5)
        return real_rebuild(self, *args)

    monkeypatch.setattr(faq_index.FaqIndex, "_rebuild", slow_rebuild)
    assert client.get("/healthz").status_code == 200  # any first request starts the build
    holder = faq_index.get_index(app)
    assert holder._background is not None and holder._background.is_alive()

    busy = client.get("/api/v1/faq/answer?q=公积金怎么提取")
    assert busy.status_code == 503  # answered at once, the worker is never held for the build
    assert "正在启动" in busy.get_json()["error"]["message"]

    release.set()
    holder._background.join(5)
    assert holder.builds == 1
    assert client.get("/api/v1/faq/answer?q=公积金怎么提取").status_code == 200
