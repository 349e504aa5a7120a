"""Templates compiled once per process (gunicorn's master, ``interact.gunicorn_conf``) and
reused by every application made after it (each worker's): a worker's first request of a
page does not parse and compile the page's templates again."""
from __future__ import annotations

import jinja2

from interact.core import templating
from tests.conftest import make_test_app


def test_an_application_made_after_the_master_compiled_every_template_compiles_none(app, monkeypatch):
    master = make_test_app()
    assert templating.precompile(master) >= 100
    worker = make_test_app()
    compiled = []
    original = worker.jinja_env.compile
    monkeypatch.setattr(worker.jinja_env, "compile", lambda *a, **k: compiled.append(a) or original(*a, **k))
    for name in ("base.html", "letters/stats.html", "letters/public_list.html", "faq/index.html"):
        worker.jinja_env.get_template(name)
    assert compiled == []
    page = worker.test_client().get("/no-such-page")  # the error page, from base.html's code
    assert page.status_code == 404 and "<html" in page.get_data(as_text=True)
    assert compiled == []


def test_a_template_whose_source_changed_is_compiled_again():
    sources = {"page.html": "一{{ x }}"}
    env = jinja2.Environment(loader=jinja2.DictLoader(sources), bytecode_cache=templating.TEMPLATE_CODE)
    assert env.get_template("page.html").render(x=1) == "一1"
    sources["page.html"] = "二{{ x }}"
    again = jinja2.Environment(loader=jinja2.DictLoader(sources), bytecode_cache=templating.TEMPLATE_CODE)
    assert again.get_template("page.html").render(x=1) == "二1"


def test_environments_whose_settings_change_the_code_do_not_share_it():
    source = {"block.html": "{% if true %}\n  行\n{% endif %}\n"}
    plain = jinja2.Environment(loader=jinja2.DictLoader(source), bytecode_cache=templating.TEMPLATE_CODE)
    trimmed = jinja2.Environment(loader=jinja2.DictLoader(source), bytecode_cache=templating.TEMPLATE_CODE,
                                 trim_blocks=True, lstrip_blocks=True)
    assert plain.get_template("block.html").render() == "\n  行\n"
    assert trimmed.get_template("block.html").render() == "  行\n"
