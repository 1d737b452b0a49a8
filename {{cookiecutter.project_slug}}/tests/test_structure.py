"""The package's shape: no import cycle, modules short enough to read, one notebook per section."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from {{ cookiecutter.package_name }}.sections import registered

PROJECT = Path(__file__).resolve().parents[1]
PACKAGE = PROJECT / "src" / "{{ cookiecutter.package_name }}"
MAX_MODULE_LINES = 600


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `name` imports, wherever the import stands (inside functions too:
    an import moved into a function still makes a cycle), except under `if TYPE_CHECKING:`."""
    is_package = path.name == "__init__.py"
    base = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking_only(node):
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in known else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imported_modules(name, path, known) for name, path in found.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return out


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function(tmp_path):
    package = tmp_path / "demo_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import helper\n")
    (package / "b.py").write_text("def helper():\n    from . import a\n    return a\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\n"
                                  "if TYPE_CHECKING:\n    from .a import x\n")
    found = {module_name_in(package, p): p for p in package.glob("*.py")}
    graph = {name: imported_modules(name, path, set(found)) for name, path in found.items()}
    assert graph["demo_pkg.c"] == set()
    assert cycles(graph) == [["demo_pkg.a", "demo_pkg.b"]]


def module_name_in(package: Path, path: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_package_has_no_import_cycle():
    assert cycles(import_graph()) == []


def test_no_module_is_longer_than_a_sitting():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_every_section_has_its_notebook_and_every_notebook_a_section():
    sections = registered()
    assert [s.key for s in sections] == ["data_quality", "program", "rfm", "retention", "clv", "uplift"]
    notebooks = sorted(p.name for p in (PROJECT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert notebooks == sorted(s.notebook for s in sections)


def test_notebooks_hold_no_logic():
    """Thin notebooks: code cells call the package; no loops, conditions, functions or classes."""
    for notebook in sorted((PROJECT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            tree = ast.parse("".join(cell["source"]))
            logic = [type(node).__name__ for node in ast.walk(tree)
                     if isinstance(node, (ast.For, ast.While, ast.If, ast.FunctionDef, ast.ClassDef,
                                          ast.ListComp, ast.DictComp, ast.Lambda))]
            assert logic == [], f"{notebook.name}: {logic} in\n{''.join(cell['source'])}"
