"""Assertions shared by tests of several modules."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

BADINPUT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "badinput"

_DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "base", "meta", "link", "style", "form"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            name = (name or "").lower()
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in _URL_ATTRIBUTES and value and value.strip().lower().replace("\x00", "").startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                self.problems.append(f"{tag}[{name}={value[:30]}]")


def assert_inert_html(html: str, *, allow_page_chrome: bool = False) -> None:
    """Fail if ``html`` contains active content: script-like tags, event handlers, js: URLs.

    With ``allow_page_chrome`` the page's own ``<script src>``, ``<link>``, ``<meta>`` and
    ``<form>`` tags are tolerated (whole pages rendered by our templates).
    """
    collector = _Collector()
    collector.feed(html)
    problems = collector.problems
    if allow_page_chrome:
        problems = [p for p in problems if p not in {"<script>", "<link>", "<meta>", "<form>"}]
    assert not problems, f"active content survived: {problems[:5]}"


def badinput_strings(limit: int | None = None) -> list[str]:
    """Naughty strings, XSS and SQL-injection payloads from ../shared/data/badinput (if present)."""
    values: list[str] = []
    if (BADINPUT / "blns.json").exists():
        values += json.loads((BADINPUT / "blns.json").read_text(encoding="utf-8"))
    for name in ("xss-sample.txt", "sqli-sample.txt"):
        path = BADINPUT / name
        if path.exists():
            values += [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line]
    return values[:limit] if limit else values
