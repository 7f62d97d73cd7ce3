"""The layers hold: no import circle, each layer imports only what lies below it, engines stay small and apart.

Imports are read from the source (module level, inside functions, under ``TYPE_CHECKING`` or not
alike: a circle broken by a late import is still a circle), so these tests need nothing installed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "thresher"

#: Each layer and the layers it may import (besides itself). Order: lowest first.
LAYERS = {
    "core": set(),  # record, stats, errors, io
    "stages": {"core"},
    "bookkeeping": {"core"},
    "engines": {"core"},
    "config": {"core", "stages", "engines"},  # engines: only the registry's names
    "run": {"core", "stages", "config", "bookkeeping", "engines"},
    "tools": {"core", "stages", "config", "bookkeeping", "run"},
    "cli": {"core", "stages", "config", "bookkeeping", "engines", "run", "tools"},
}
#: What the run may import of the engines: the interface and the registry, never an engine itself.
RUN_MAY_IMPORT_OF_ENGINES = {"thresher.engines", "thresher.engines.base"}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> set[str]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            # ``from package import module`` depends on the module, not on the package's __init__.
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for name in names:
            if name.startswith("thresher"):
                target = _resolve(name)
                if target and target != module:
                    found.add(target)
    return found


GRAPH = {module: _imports(module) for module in MODULES}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("record", "stats", "errors", "io"):
        return "core"
    if parts[1] == "cli":
        return "cli"
    return parts[1]


def test_every_package_belongs_to_a_layer():
    assert {layer_of(m) for m in MODULES} <= set(LAYERS)


def test_no_import_circles():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in GRAPH[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert circles == []


def test_layers_import_only_what_lies_below():
    wrong = []
    for module, targets in GRAPH.items():
        layer = layer_of(module)
        for target in targets:
            other = layer_of(target)
            if other != layer and other not in LAYERS[layer]:
                wrong.append(f"{module} ({layer}) imports {target} ({other})")
            if layer in ("run", "config") and other == "engines" and target not in RUN_MAY_IMPORT_OF_ENGINES:
                wrong.append(f"{module} imports an engine itself: {target}")
    assert wrong == []


def test_stages_never_import_an_engine_library():
    for module, path in MODULES.items():
        if layer_of(module) in ("stages", "run", "config", "bookkeeping", "core"):
            source = path.read_text(encoding="utf-8")
            assert not re.search(r"^\s*(import|from)\s+(apache_beam|pyspark)\b", source, re.M), module


def _code_lines(path: Path) -> list[str]:
    """Lines that carry code: blank lines, comments, docstring-ish lines and imports left out, spaces folded."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = " ".join(raw.split())
        if not line or line.startswith(("#", "import ", "from ", '"""', "@")) or line in ("(", ")", "]", "}", "):"):
            continue
        lines.append(line)
    return lines


@pytest.mark.parametrize("engine", ["beam", "spark"])
def test_each_engine_reads_in_one_sitting(engine):
    total = sum(len(_code_lines(p)) for p in (PACKAGE / "engines" / engine).rglob("*.py"))
    assert total < 700, f"the {engine} engine has {total} lines of code"


def test_engines_share_no_run_of_six_lines():
    def runs(engine: str) -> dict[tuple[str, ...], str]:
        found = {}
        for path in (PACKAGE / "engines" / engine).rglob("*.py"):
            lines = _code_lines(path)
            for i in range(len(lines) - 5):
                found[tuple(lines[i : i + 6])] = f"{path.name}:{i}"
        return found

    beam, spark = runs("beam"), runs("spark")
    assert sorted(beam.keys() & spark.keys()) == []
