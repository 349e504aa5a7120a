"""The addresses every page links to (header, footer, style sheets) are built once per
process and application (``core.templating.fixed_url``), under the script root of the
request that asks."""
from werkzeug.routing import MapAdapter


def _count_builds(monkeypatch) -> list[str]:
    built: list[str] = []
    original = MapAdapter.build

    def counting(self, endpoint, *args, **kwargs):
        built.append(endpoint)
        return original(self, endpoint, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "build", counting)
    return built


def test_a_page_s_fixed_links_are_built_once_per_process(client, monkeypatch):
    built = _count_builds(monkeypatch)
    first = client.get("/departments")
    assert first.status_code == 200
    first_builds = list(built)
    built.clear()
    second = client.get("/departments")
    assert second.get_data() == first.get_data()
    # The header's and footer's links and the style sheets, ~15 on every page, are built
    # for the first page only.
    for endpoint in ("site.home", "static", "accounts.login", "departments.directory", "letters.public_list"):
        assert endpoint in first_builds
        assert endpoint not in built
    assert len(built) <= len(first_builds) - 10


def test_fixed_links_follow_the_script_root_of_the_request(client):
    behind = client.get("/departments", base_url="http://localhost/portal").get_data(as_text=True)
    at_root = client.get("/departments").get_data(as_text=True)
    assert 'href="/portal/static/css/site.css' in behind
    assert 'href="/portal/letters/"' in behind
    assert 'href="/static/css/site.css' in at_root
    assert 'href="/letters/"' in at_root and "/portal/" not in at_root
