"""Templates ask the workflow (``{% if 'publish' in actions %}``); they never re-derive a
rule by comparing a status code."""
from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

#: ``x.status.value == 'draft'``, ``x.status.value in (...)``, ``x.status == 'missing'``,
#: ``{...}[x.status.value]`` (a second table of the states beside the enum); an opinion's
#: ``moderation`` and a collection's derived ``phase`` are states too (their tag colours are
#: ``moderation_tone`` and ``phase_tone``); ``{...}.get(item.status)`` is such a table too
#: (the monthly report's tag colours).
STATUS_RULE = re.compile(
    r"\.(?:status|moderation|phase)(?:\.value)?\s*(?:==|!=|\bin\b|\bnot in\b)"
    r"|\[\s*[\w.]*\.(?:status|moderation|phase)(?:\.value)?\s*\]"
    r"|\.get\(\s*[\w.]*\.(?:status|moderation|phase)\b"
)

#: ``'直接拒绝' if w.level.value == 'block' else '转人工审核'``: a label picked by comparing a
#: stored value, beside the enum's own (``LabeledEnum.label``), and drifting from its form
#: (a Chinese text; ``'checkbox' if q.kind.value == 'multiple'`` picks markup, not a label).
LABEL_BY_VALUE = re.compile(r"'[^']*[\u4e00-\u9fff][^']*'\s+if\s+[\w.]+\.value\s*(?:==|!=)")


def _findings() -> list[str]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if STATUS_RULE.search(line):
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:120]}")
    return found


def test_the_pattern_catches_the_shapes_it_is_meant_for():
    for line in ("{% if interview.status.value in ('live', 'ended') %}", "{% if e.status.value != 'x' %}",
                 "{% if check.status == 'missing' %}", "{{ {'a': 'b'}[entry.status.value] }}",
                 "{{ 'tag-amber' if o.moderation.value == 'pending' else 'tag-muted' }}",
                 "{{ colours[c.phase] }}", "{% elif c.phase in ('awaiting', 'overdue') %}",
                 "{{ {'ok': 'tag-green'}.get(item.status, 'tag-muted') }}", "{{ statuses.get(item.status, '') }}"):
        assert STATUS_RULE.search(line), line
    for line in ("{% if 'publish' in actions %}", "{{ entry.status_label }}", "tag-{{ entry.status_tone }}",
                 "tag-{{ o.moderation_tone }}", "tag-{{ c.phase_tone }}", "{{ c.phase_label }}",
                 "tag-{{ item.status_tone }}"):
        assert not STATUS_RULE.search(line), line
    assert LABEL_BY_VALUE.search("<td>{{ '放假' if d.kind.value == 'holiday' else '调休上班' }}</td>")
    assert not LABEL_BY_VALUE.search("<td>{{ d.kind.label }}</td>")
    assert not LABEL_BY_VALUE.search("{% set input_type = 'checkbox' if q.kind.value == 'multiple' else 'radio' %}")


def test_no_template_compares_a_status():
    # A filter form comparing the chosen filter with an option is not a rule.
    findings = [f for f in _findings() if "filters.status == s" not in f]
    assert findings == []


def test_no_template_picks_a_label_by_a_value():
    findings = [f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:120]}"
                for path in sorted(TEMPLATES.rglob("*.html"))
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                if LABEL_BY_VALUE.search(line)]
    assert findings == []


def test_no_template_checks_a_role():
    # Who may open a page is said by its view (roles_required): a link asks
    # staff_nav_url(endpoint); what may happen to an object is asked from actions.
    findings = [f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:120]}"
                for path in sorted(TEMPLATES.rglob("*.html"))
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                if "has_role(" in line]
    assert findings == []


def test_every_pager_is_the_macro():
    # One pager (_macros.pagination: its label, the page numbers, the filters and the keyset
    # cursor carried over); a page's own copy drifts from it (the interview's questions did).
    findings = [f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:120]}"
                for path in sorted(TEMPLATES.rglob("*.html")) if path.name != "_macros.html"
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                if 'class="pagination"' in line or 'rel="next"' in line]
    assert findings == []
