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

__all__ = ["jieba", "ensure_jieba"]

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
