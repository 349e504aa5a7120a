"""Assembles the API blueprint: each module below declares its operations on ``bp``."""
from __future__ import annotations

from interact.api import bp
from interact.api import captcha  # noqa: F401
from interact.api import departments  # noqa: F401
from interact.api import faq  # noqa: F401
from interact.api import interviews  # noqa: F401
from interact.api import letters  # noqa: F401
from interact.api import surveys  # noqa: F401
