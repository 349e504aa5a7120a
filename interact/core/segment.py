"""Chinese word segmentation (jieba), loaded once per process.

jieba builds its prefix dictionary on first use (about a second); the FAQ engine and
the letter search both call :func:`ensure_jieba` before segmenting so that the load
happens once, under a lock, with jieba's start-up chatter silenced.
"""

from __future__ import annotations

import logging
import threading
import warnings

with warnings.catch_warnings():
    # jieba 0.42 still imports pkg_resources-era APIs on some installs.
    warnings.simplefilter("ignore", DeprecationWarning)
    import jieba

__all__ = ["jieba", "ensure_jieba", "FUNCTION_WORDS"]

#: Words that ask or hedge rather than say *what* is asked about: question words,
#: particles, pronouns and the generic verbs of "how do I get X done" questions. Every
#: other token is a content word (the FAQ engine's ``*_content*`` features, the letter
#: suggestions' search terms). A general list of Chinese function words, not tied to any
#: knowledge base.
FUNCTION_WORDS = frozenset(
    """
    怎么 怎么办 怎样 如何 咋 咋办 什么 啥 哪些 哪里 哪儿 哪个 哪 为什么 为啥 何 吗 呢 吧 啊 呀 么 嘛
    了 的 地 得 着 过 是 有 没有 要 需要 想 想要 可以 能 能否 能不能 可不可以 会 请问 请 我 我们 你 您
    他 她 它 咱 这 那 这个 那个 一下 一个 该 应该 还 也 都 就 和 与 及 或 或者 在 去 到 给 把 被 从 对
    办 办理 弄 搞 做 怎么弄 怎么搞 怎么整 多少 几 时候 后 前 以后 之后 上 下 里 中 带 用 需 得到 应 必须 具体 一般 现在
    """.split()
)

_lock = threading.Lock()
_ready = False


def ensure_jieba() -> None:
    """Load jieba's dictionary if this process has not done so yet (thread-safe)."""
    global _ready
    if _ready:
        return
    with _lock:
        if not _ready:
            jieba.setLogLevel(logging.WARNING)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                jieba.initialize()
            _ready = True
