"""The layout's import rules, read from the code (README, "Architecture"):

* plumbing (``api``, ``db``, ``cache``, ``jobs``, ``security`` and the top-level modules) imports no domain;
* a domain imports ``frontier.api`` only from its HTTP modules (``endpoints.py``, ``pages.py``, ``feeds.py``,
  and ``auth.py``, the typed dependencies): services, schemas, models and tasks use the domain-neutral scope,
  pages and inputs;
* only ``frontier.app`` and the CLI assemble domains.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "frontier"
PLUMBING = {"api", "db", "cache", "jobs", "security"}
TOP_LEVEL = {"config", "clock", "errors", "logs", "outage", "inputs", "__init__"}
ASSEMBLY = {"app", "cli", "__main__"}
ROUTE_MODULES = {"endpoints.py", "pages.py", "feeds.py", "auth.py"}  # auth.py: HTTP dependencies
MIGRATIONS = PACKAGE / "db" / "migrations"  # schema history: written against every domain's tables


def _domains() -> set[str]:
    return {
        p.name
        for p in PACKAGE.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in PLUMBING | ASSEMBLY | {"web", "demo"}
    }


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions (the CLI's lazy imports count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("frontier.")}


def _top(module: str) -> str:
    return module.split(".")[1]


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.py") if MIGRATIONS not in p.parents]


def test_the_domains_are_the_folders_the_readme_names() -> None:
    assert _domains() >= {"accounts", "catalog", "trends", "ingest", "discovery", "models"}


def test_plumbing_imports_no_domain() -> None:
    domains = _domains() | ASSEMBLY | {"demo"}
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for folder in PLUMBING
        for path in _files(PACKAGE / folder)
        for module in _imports(path)
        if _top(module) in domains
    ]
    offenders += [
        f"{name}.py imports {module}"
        for name in TOP_LEVEL
        if (PACKAGE / f"{name}.py").exists()
        for module in _imports(PACKAGE / f"{name}.py")
        if _top(module) in domains
    ]
    assert offenders == []


def test_only_route_modules_of_a_domain_import_the_api_layer() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for domain in _domains()
        for path in _files(PACKAGE / domain)
        if path.name not in ROUTE_MODULES
        for module in _imports(path)
        if module.startswith("frontier.api")
    ]
    assert offenders == []


def test_no_domain_imports_the_assembly() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for domain in _domains() | PLUMBING | {"demo"}
        for path in _files(PACKAGE / domain)
        for module in _imports(path)
        if _top(module) in ASSEMBLY
    ]
    assert offenders == []


def test_the_assembly_registers_every_domain_that_has_tables_routes_or_tasks() -> None:
    assembled = {_top(module) for module in _imports(PACKAGE / "app.py")}
    for domain in _domains():
        folder = PACKAGE / domain
        has_parts = any(
            (path.name in {"models.py", "tasks.py"} | ROUTE_MODULES) for path in folder.rglob("*.py")
        )
        if has_parts:
            assert domain in assembled, f"frontier/app.py does not assemble {domain}"
