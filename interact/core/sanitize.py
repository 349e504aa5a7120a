"""The one place staff rich text is cleaned (bleach with a fixed allow-list)."""
from __future__ import annotations

import functools
import html as html_lib
import re
import threading

import bleach
from markupsafe import Markup

from interact.core.textnorm import strip_invisible

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup",
        "h2", "h3", "h4", "blockquote", "ul", "ol", "li",
        "table", "thead", "tbody", "tr", "th", "td", "caption",
        "a", "img", "hr", "span", "div", "pre", "code",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "img": ["src", "alt", "title", "width", "height"],
    "th": ["colspan", "rowspan", "scope"],
    "td": ["colspan", "rowspan"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})

#: One bleach ``Cleaner`` per thread: its html parser keeps state while it cleans, so one
#: cleaner shared by the threads of a process (the threaded demo server, the task worker,
#: gthread workers) mixes up texts cleaned at the same instant — an answer came out empty
#: (refused as 请填写答复内容) or with pieces of another answer in it.
_cleaners = threading.local()


def _cleaner() -> bleach.sanitizer.Cleaner:
    cleaner = getattr(_cleaners, "cleaner", None)
    if cleaner is None:
        cleaner = _cleaners.cleaner = bleach.sanitizer.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
    return cleaner


def clean_html(html: str | None, *, linkify: bool = True) -> str:
    """Return ``html`` reduced to the allow-list; scripts, handlers and styles are removed.

    Bare web addresses in the text become links unless ``linkify`` is false (the privacy
    masking links the text only after it has hidden what must not be published).
    """
    if not html:
        return ""
    if len(html) > MEMO_MAX_CHARS:
        return _clean(html, linkify)
    return _clean_memo(html, linkify)


#: Cleaning is a pure function of the html; the same answers are shown again and again, so
#: the results for the last :data:`MEMO_SIZE` texts (each at most :data:`MEMO_MAX_CHARS`
#: long) are kept per process.
MEMO_SIZE = 2048
MEMO_MAX_CHARS = 20_000


#: A ruby annotation (``<ruby>王<rt>wang</rt>翠兰</ruby>``): not on the allow-list, its tags would go
#: and its reading stay inside the word it annotates (王wang翠兰, which no rule reads as a name —
#: attack P1), so the reading goes with its tags. A reading is text: it ends at its end tag or,
#: when that is left out (HTML allows it), at the next tag — never later (review 13: an
#: unclosed ``<rt>`` took the rest of the answer with it). Linear: no part rescans past a ``<``.
_RUBY_READING = re.compile(r"<r[tp]\b[^<>]*>[^<]*(?:</r[tp]\s*>)?", re.IGNORECASE)


def _clean(html: str, linkify: bool) -> str:
    if "<r" in html or "<R" in html:
        html = _RUBY_READING.sub("", html)
    cleaned = _without_invisible(_cleaner().clean(html))
    return linkify_html(cleaned) if linkify else cleaned


_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _without_invisible(cleaned: str) -> str:
    """``cleaned`` without invisible format characters, also when written as character
    references (``&#8203;``, ``&shy;``, ``&zwnj;``): forms drop the characters themselves
    (:func:`interact.core.textnorm.strip_invisible`), but in rich text the reference
    survives and would split a phone number or a name so that the masking misses it."""
    def reference(match: re.Match) -> str:
        char = html_lib.unescape(match.group(0))
        return char if len(char) == 1 and not strip_invisible(char) else match.group(0)

    if "&" in cleaned:
        cleaned = _CHARACTER_REFERENCE.sub(reference, cleaned)
    # An emoji sequence keeps its joiners (strip_invisible decides).
    return strip_invisible(cleaned)


_clean_memo = functools.lru_cache(maxsize=MEMO_SIZE)(_clean)


def linkify_html(cleaned: str) -> str:
    """Turn bare web addresses in already-cleaned html into links."""
    # Links written by staff open normally but must not leak the referrer or the opener.
    return bleach.linkify(cleaned, callbacks=[_link_attributes], parse_email=False)


def _link_attributes(attrs, new=False):
    attrs[(None, "rel")] = "noopener noreferrer"
    return attrs


def safe_html(html: str | None) -> Markup:
    """Mark already-sanitised HTML for templates, cleaning it again for defence in depth."""
    return Markup(clean_html(html))


def text_to_html(text: str | None) -> Markup:
    """Plain text (e.g. a citizen's letter) as escaped paragraphs."""
    if not text:
        return Markup("")
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n")]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(p.split("\n"))) for p in paragraphs if p.strip()
    )


_TAG = re.compile(r"<[A-Za-z!/]")


def clean_rich_text(value: str | None) -> str:
    """Staff rich text as typed in a plain text box: HTML is cleaned to the allow-list;
    text without any tag is plain text, whose lines and paragraphs are kept (a numbered
    answer typed line by line must not become one paragraph)."""
    if not value or not value.strip():
        return ""
    return clean_html(value if _TAG.search(value) else str(text_to_html(value)))
