"""The import graph between the project's packages has no cycle.

Nodes are ``payments``, ``traceability``, ``cms`` and each marketplace app under ``shop/``
(``shop.checkout``, ``shop.fulfilment``, …; a top-level module such as ``shop/money.py`` is a
node of its own). Every ``import`` statement counts, including those inside functions: a lazy
import hides a cycle from Python, not from a reader. The composition root (settings, URLs, the
Celery app, ``wsgi``, management commands) may import everything, so it is left out.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("payments", "traceability", "cms", "shop")
COMPOSITION_ROOT = {"shop.settings", "shop.urls", "shop.celery", "shop.wsgi", "shop.management"}


def node_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] not in PACKAGES:
        return None
    if parts[0] != "shop" or len(parts) == 1:
        return parts[0]
    return f"shop.{parts[1]}"


def source_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" not in relative.parts:
                yield path, relative


def imported_modules(tree: ast.AST, package: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def import_graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    witness: dict[tuple[str, str], str] = {}
    for path, relative in source_files():
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        source = node_of(module)
        if source in COMPOSITION_ROOT:
            continue
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for line, imported in imported_modules(ast.parse(path.read_text()), package):
            target = node_of(imported)
            if target and target != source and target not in COMPOSITION_ROOT:
                edges[source].add(target)
                witness.setdefault((source, target), f"{relative}:{line}")
    return edges, witness


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for successor in sorted(edges.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}}) == []


def test_relative_imports_resolve_to_their_package():
    tree = ast.parse("from ..services import attempts\nfrom . import views\n")
    found = {module for _, module in imported_modules(tree, "payments.dashboard")}
    assert "payments.services.attempts" in found
    assert "payments.dashboard.views" in found


def test_no_import_cycle_between_packages():
    edges, witness = import_graph()
    assert {"payments", "traceability", "cms"} <= set(edges), "the graph lost a package"
    report = []
    for component in cycles(edges):
        report.append(" / ".join(component))
        for source in component:
            for target in sorted(edges[source] & set(component)):
                report.append(f"    {source} -> {target}  ({witness[source, target]})")
    assert not report, "import cycles:\n" + "\n".join(report)
