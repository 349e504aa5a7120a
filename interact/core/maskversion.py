"""The version of the masking rules, for texts stored masked.

What is masked once and stored (a published letter's public copy, ``Letter.masked_*``) is
valid only under the rules that masked it. :data:`VERSION` names those rules: a digest of
the source of the modules whose code decides what a masked text looks like
(:mod:`interact.core.privacy`, the pinyin spellings of names it looks for, the sanitiser
it runs staff HTML through and the character normalisation it reads names with). Any release that changes one of them — a new rule, a
fixed pattern — changes the version, so the stored copies stop being used at once (the
public pages mask those letters again at every view until ``flask --app interact letters
reindex`` has stored them anew); nobody has to remember to bump a number.

A release that only edits a comment there also changes it: the cost is one reindex run,
never a page showing what today's rules hide.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from interact.core import privacy, privacy_pinyin, sanitize, textnorm

#: The modules whose source makes the version (privacy imports the other three).
RULE_MODULES = (privacy, privacy_pinyin, sanitize, textnorm)


def rules_version(modules=RULE_MODULES) -> str:
    """A 16-hex-digit digest of the modules' source files."""
    digest = hashlib.sha256()
    for module in modules:
        digest.update(module.__name__.encode())
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


#: The version of the rules this process masks with.
VERSION = rules_version()
