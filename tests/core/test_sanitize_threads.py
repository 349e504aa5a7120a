"""Staff rich text cleaned by several threads at the same instant (the threaded demo
server, the task worker, a double click whose copies are answered by two threads): each
text comes out as it does alone. One bleach cleaner shared by the threads mixed them up —
the flaky 422 of tests/letters/test_double_actions.py (an answer cleaned to nothing was
refused as 请填写答复内容), or an answer carrying pieces of another one."""
from __future__ import annotations

import threading

from interact.core import sanitize

THREADS = 4


def test_texts_cleaned_at_the_same_time_come_out_as_alone():
    texts = [f"<p>第{n}稿：请携带<b>身份证</b>和租房合同到{n}号窗口办理。</p><ul><li>材料{n}</li><li>时限{n}</li></ul>"
             f"<script>alert({n})</script>" for n in range(1600)]
    alone = [sanitize._clean(text, linkify=False) for text in texts]  # the cleaning itself, not the memo
    at_once: list[str | None] = [None] * len(texts)
    barrier = threading.Barrier(THREADS)

    def clean(start: int) -> None:
        barrier.wait()
        for n in range(start, len(texts), THREADS):
            at_once[n] = sanitize._clean(texts[n], linkify=False)

    threads = [threading.Thread(target=clean, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    wrong = [(texts[n], got) for n, got in enumerate(at_once) if got != alone[n]]
    assert not wrong, wrong[:3]
    assert "第7稿" in alone[7] and "<script>" not in alone[7]
