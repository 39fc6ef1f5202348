"""The import graph of the project: layers point one way and no module imports itself in a circle.

Every import counts, including those inside functions (a cycle hidden in a function is still a
cycle: it only fails later, at run time). Packages are the layers, top to bottom: ``cli`` (the
command line), ``api`` (the HTTP service), ``planner``, ``geodata``. Inside ``planner``, the model
knows no geography and the engine does not import replanning.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cli", "api", "planner", "geodata")
# A package may import only the packages listed after it here (and itself).
LAYERS = {name: set(PACKAGES[i:]) for i, name in enumerate(PACKAGES)}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(p): p
        for pkg in PACKAGES
        for p in sorted((ROOT / pkg).rglob("*.py"))
        if "migrations" not in p.parts
    }


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """Project modules that ``module`` imports anywhere in its file (resolved to modules)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_pkg else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import mod`` imports the module; ``from pkg import name`` the package.
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        for name in names:
            # The longest known module the name refers to (``a.b.func`` -> ``a.b``).
            parts = name.split(".")
            for k in range(len(parts), 0, -1):
                candidate = ".".join(parts[:k])
                if candidate in known:
                    if candidate != module:
                        out.add(candidate)
                    break
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {m: _imports(p, m, known) for m, p in mods.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_the_cycle_finder_finds_a_hidden_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_function_level_imports_are_seen(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from pkg.other import thing\n    return thing\n")
    assert _imports(f, "pkg.m", {"pkg.m", "pkg.other"}) == {"pkg.other"}


def test_no_import_cycles() -> None:
    cycles = _cycles(_graph())
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("package", PACKAGES)
def test_layers_point_one_way(package: str) -> None:
    wrong = sorted(
        f"{m} imports {d}"
        for m, deps in _graph().items()
        if m.split(".")[0] == package
        for d in deps
        if d.split(".")[0] not in LAYERS[package]
    )
    assert wrong == []


def test_the_model_knows_no_geography_and_the_engine_no_replanning() -> None:
    graph = _graph()
    reach: dict[str, set[str]] = defaultdict(set)

    def closure(m: str) -> set[str]:
        if m not in reach:
            reach[m] = set()
            for d in graph.get(m, ()):
                reach[m] |= {d} | closure(d)
        return reach[m]

    model = [m for m in graph if m.startswith("planner.model")]
    assert not {d for m in model for d in closure(m) if d.startswith("geodata")}
    assert not {d for d in closure("planner.engine") if d.startswith("planner.replan")}


def test_no_file_is_over_400_lines() -> None:
    long = [
        f"{p.relative_to(ROOT)}: {n}"
        for pkg in (*PACKAGES, "tests", "scripts")
        for p in (ROOT / pkg).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    ]
    assert long == []
