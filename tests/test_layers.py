"""Seams: routes import no other route module, the CLI imports no route, indexer imports neither service nor eval,
and inside indexer the layers point down."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_routes_and_cli_reach_use_cases_not_other_routes() -> None:
    for path in (ROOT / "service" / "routes").glob("*.py"):
        assert not {m for m in _imports(path) if m.startswith("service.routes")}, path.name
    assert not {m for m in _imports(ROOT / "service" / "cli.py") if m.startswith("service.routes")}


def test_indexer_depends_on_neither_service_nor_eval() -> None:
    for path in (ROOT / "indexer").rglob("*.py"):
        assert not {m for m in _imports(path) if m.split(".")[0] in ("service", "eval")}, path


# inside indexer: a layer imports only from layers below it (retrieval and answers sit side by side on top);
# the modules directly under indexer/ (types, translate, files) are the bottom
INDEXER_LAYERS = {"retrieval": 3, "answers": 3, "index": 2, "ingest": 1, "encoders": 0}


def test_indexer_layers_point_down() -> None:
    upward = []
    for path in (ROOT / "indexer").rglob("*.py"):
        parts = path.relative_to(ROOT / "indexer").parts
        own = INDEXER_LAYERS.get(parts[0], 0) if len(parts) > 1 else 0
        for module in _imports(path):
            names = module.split(".")
            if names[0] == "indexer" and len(names) > 2 and INDEXER_LAYERS.get(names[1], -1) > own:
                upward.append(f"{path.relative_to(ROOT)} -> {module}")
    assert upward == []


def _private_uses(path: Path) -> list[str]:
    """`x._name` where x is not self/cls: reaching into another object's private members."""
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls", "super")):
                out.append(f"{path.name}:{node.lineno} .{node.attr}")
    return out


def test_service_eval_and_bench_use_only_public_names_of_other_objects() -> None:
    found = [
        use for layer in ("service", "eval", "bench") for p in (ROOT / layer).rglob("*.py") for use in _private_uses(p)
    ]
    assert found == []
