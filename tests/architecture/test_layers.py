"""The import map: a module imports only from its own layer or the layers below it
(docs/architecture.md, "Layers"). Every import counts, also one inside a function."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "interact"

#: Layer of each top-level part of ``interact`` (higher numbers may import lower ones).
LAYERS = {
    "core": 0, "db": 0, "extensions": 0, "config": 0,
    "accounts": 1, "departments": 1,
    "letters": 2, "surveys": 2, "interviews": 2, "faq": 2, "questionnaires": 2,
    "office": 3,
    "api": 4,
    # The application: wires everything together.
    "__init__": 5, "cli": 5, "demo": 5, "scheduler": 5,
    # gunicorn's configuration: builds the application and warms it in the master.
    "gunicorn_conf": 5,
}
LAYER_NAMES = {0: "core", 1: "accounts/departments", 2: "features", 3: "office", 4: "api", 5: "application"}


def _part(module: str) -> str | None:
    """``interact.letters.services`` → ``letters``; ``interact`` → ``__init__``."""
    parts = module.split(".")
    if parts[0] != "interact":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path, module_name: str) -> list[tuple[int, str]]:
    """``(line, module)`` of every import of ``interact`` in the file ``module_name``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name.split(".")[:-1] if path.name != "__init__.py" else module_name.split(".")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from package[: -(level - 1)]
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "interact":
                # ``from interact import cli, demo`` imports those modules.
                found += [(node.lineno, f"interact.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, module))
    return [(line, module) for line, module in found if module.split(".")[0] == "interact"]


def file_violations(path: Path, relative: Path) -> list[str]:
    """Imports of ``path`` (``interact/<relative>``) that run to a higher layer."""
    part = relative.parts[0].removesuffix(".py")
    layer = LAYERS[part]
    module_name = ".".join(("interact",) + relative.with_suffix("").parts)
    found = []
    for line, module in _imports(path, module_name):
        target = _part(module)
        if target is None or target == part:
            continue
        if target not in LAYERS:
            # ``from interact import NO_SECRET_KEY``: a name of the package itself.
            target = "__init__"
        if LAYERS[target] > layer:
            found.append(f"interact/{relative}:{line} ({LAYER_NAMES[layer]}) imports "
                         f"{module} ({LAYER_NAMES[LAYERS[target]]})")
    return found


def violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if "data" not in relative.parts:
            found += file_violations(path, relative)
    return found


def test_every_part_of_the_package_has_a_layer():
    parts = {p.stem if p.suffix else p.name for p in PACKAGE.iterdir()
             if (p.suffix == ".py") or (p.is_dir() and (p / "__init__.py").exists())}
    assert parts - set(LAYERS) == set()


def test_the_walker_sees_every_kind_of_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from interact.core import clock\n"
                     "def f():\n    from interact.letters import services\n"
                     "import interact.office.views\n"
                     "from .. import scheduler\n", encoding="utf-8")
    found = file_violations(probe, Path("core/probe.py"))
    assert sorted(v.split(" imports ")[1] for v in found) == [
        "interact.letters (features)", "interact.office.views (office)", "interact.scheduler (application)"]
    # The same imports from the application level are fine.
    assert file_violations(probe, Path("cli.py")) == []


def test_no_import_runs_from_a_lower_layer_to_a_higher_one():
    assert violations() == []


@pytest.mark.parametrize("feature", ["letters", "surveys", "interviews", "faq", "questionnaires"])
def test_features_do_not_import_the_office(feature):
    assert [v for v in violations() if v.startswith(f"interact/{feature}/")] == []
