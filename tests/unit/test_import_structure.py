"""The import structure of ``forms`` and ``desktop``: no import cycle, and ``forms`` never imports Qt.

The graph is read from the source with :mod:`ast` (nothing is imported). An edge A → B is an
import statement in A that runs B: ``import a.b.c`` runs ``a``, ``a.b`` and ``a.b.c`` (each
package's ``__init__``), ``from a.b import c`` runs ``a.b`` and, when ``c`` is a module, ``a.b.c``.
An edge to one of A's own packages is left out (it has run before A). Imports under
``if TYPE_CHECKING:`` never run and are not edges. An edge is *top-level* when its statement runs
when A is imported (module and class bodies, ``try``/``if`` included) and *deferred* when it is
inside a function.

The rule, and why:

- no cycle of top-level edges, of any length: such a cycle runs at import time, and which
  module sees the other half-initialised depends on which was imported first;
- no two modules import each other at all, deferred or not: a deferred import that closes a
  loop only hides the tangle from the interpreter, not from the reader, and the four cycles
  issue 14 names were all of this shape;
- a longer loop closed by a deferred import is allowed: a command (or a page) imports what it
  needs when it runs, which is what keeps ``cxy --help`` and the first window fast, and such a
  loop cannot fail at import time.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("forms", "desktop")
QT = ("PySide6", "shiboken6")


def modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(name: str, path: Path) -> list[tuple[str, bool]]:
    """(imported name, top-level) for every import statement in the module; a ``from`` import
    gives the module and each ``module.name`` (which may be a submodule)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child.test):
                for other in child.orelse:
                    visit(ast.Module(body=[other], type_ignores=[]), top)
                continue
            if isinstance(child, ast.Import):
                found.extend((alias.name, top) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package[: len(package) - (child.level - 1)]
                    module = ".".join(base + ([child.module] if child.module else []))
                else:
                    module = child.module or ""
                found.append((module, top))
                found.extend((f"{module}.{alias.name}", top) for alias in child.names)
            visit(child, top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(tree, True)
    return found


def graph(root: Path, packages: tuple[str, ...]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(top-level edges, all edges) between the modules of ``packages``."""
    known = modules(root, packages)
    top: dict[str, set[str]] = {name: set() for name in known}
    every: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for imported, at_top in imports(name, path):
            parts = imported.split(".")
            for end in range(1, len(parts) + 1):
                target = ".".join(parts[:end])
                if target not in known or target == name or name.startswith(target + "."):
                    continue
                every[name].add(target)
                if at_top:
                    top[name].add(target)
    return top, every


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def mutual(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, targets in edges.items() for b in targets if a < b and a in edges.get(b, ()))


def test_no_module_runs_a_cycle_at_import_time():
    top, _ = graph(ROOT, PACKAGES)
    assert cycles(top) == []


def test_no_two_modules_import_each_other():
    _, every = graph(ROOT, PACKAGES)
    assert mutual(every) == []


def test_forms_never_imports_qt():
    offenders = [
        f"{name}: {imported}"
        for name, path in modules(ROOT, ("forms",)).items()
        for imported, _ in imports(name, path)
        if imported.split(".")[0] in QT
    ]
    assert offenders == []


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_rule_finds_what_it_forbids_and_allows_the_rest(tmp_path):
    """The reader of the graph on a made-up package: each shape the rule names, found or not."""
    _write(
        tmp_path,
        {
            "p/__init__.py": "",
            # top-level through a package __init__: a -> q.b runs q/__init__, which imports a
            "p/a.py": "from p.q.b import thing\n",
            "p/q/__init__.py": "from p import a\n",
            "p/q/b.py": "thing = 1\n",
            # mutual, one edge deferred
            "p/c.py": "import p.d\n",
            "p/d.py": "def f():\n    from . import c\n",
            # a longer loop closed by a deferred import; a type-only import
            "p/e.py": "import p.f\n",
            "p/f.py": "import p.g\n",
            "p/g.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import p.e\n"
            "def later():\n    import p.e\n",
            "p/h.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from p import e\n",
        },
    )
    top, every = graph(tmp_path, ("p",))
    assert cycles(top) == [["p.a", "p.q"]]
    assert mutual(every) == [("p.a", "p.q"), ("p.c", "p.d")]
    assert ["p.e", "p.f", "p.g"] in cycles(every)  # present, and allowed by the rule above
    assert every["p.h"] == set()
