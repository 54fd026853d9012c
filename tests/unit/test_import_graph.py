"""The architecture as the imports draw it: no module imports itself back through others, and
imports point down (cli -> flows -> tasks/warehouse; evaluation and benchmarks beside the
pipeline, never under it). Every import counts, those inside functions too: a cycle that only
a lazy import hides is still one to untangle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("flows", "tasks", "warehouse", "evaluation", "benchmarks")
# Who may import whom, by top package: the pipeline's steps and the lakehouse know nothing of
# flows, of scoring or of timing; the flows know nothing of scoring or timing.
FORBIDDEN = {
    "tasks": {"flows", "evaluation", "benchmarks"},
    "warehouse": {"flows", "tasks", "evaluation", "benchmarks"},
    "flows": {"benchmarks", "evaluation"},
}
# The CLI's `eval`, `bench` and `bench-sql` commands are thin over evaluation/ and benchmarks/.
ALLOWED = {"flows.cli.measure"}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The project's modules `name` imports (a package's module when `from package import x`
    names one)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    yield f"{base}.{alias.name}"
                elif base in known:
                    yield base


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: set(imported(name, path, known)) - {name} for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while (top := stack.pop()) != node:
                component.append(top)
            component.append(node)
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back() -> None:
    assert cycles(graph()) == []


def test_imports_point_down() -> None:
    wrong = sorted(
        f"{name} -> {other}"
        for name, targets in graph().items()
        for other in targets
        if name not in ALLOWED
        and other.partition(".")[0] in FORBIDDEN.get(name.partition(".")[0], ())
    )
    assert wrong == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]


def test_the_graph_sees_imports_inside_functions() -> None:
    # flows/engine.py imports the flow inside local_run, once the home's server is leased.
    assert "flows.process_drop" in graph()["flows.engine"]


def module_level_calls(path: Path) -> list[str]:
    """The names of the functions a module calls at its top level (outside functions, classes,
    `if __name__ == "__main__"` and decorators), as `name` or `module.name`."""
    calls = []
    for statement in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            calls.append(ast.unparse(statement.value.func))
    return calls


def test_importing_a_flow_changes_no_settings() -> None:
    """Prefect reads its settings at import, so configure() must run before it, at an entry
    point (the CLI, flows.configure in Python code): a module that configures as it is imported
    overrides the home of whoever imported it."""
    configuring = sorted(
        f"{name}: {call}()"
        for name, path in modules().items()
        for call in module_level_calls(path)
        if call.rpartition(".")[2] == "configure"
    )
    assert configuring == []
