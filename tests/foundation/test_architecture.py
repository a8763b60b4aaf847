"""The structure rules of docs/architecture.md that import-linter does not see: module size,
private names across apps, and imports hidden inside functions."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("causeweb", "campaigns", "fundraising", "events", "communities", "insights")
MAX_MODULE_LINES = 500


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            yield relative, path


def _app_of(module_path: Path) -> str:
    """causeweb.* counts as one app per subpackage (accounts, notifications...), others by root."""
    parts = module_path.parts
    if parts[0] == "causeweb" and len(parts) > 2:
        return f"causeweb.{parts[1]}"
    return parts[0]


def _imported_app(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "causeweb" and len(parts) > 1:
        return f"causeweb.{parts[1]}"
    return parts[0]


# Where a function-level import is the framework's own way, not a dodged cycle: AppConfig.ready()
# registers hooks once the app registry is ready; management commands and demo data load apps by
# name; settings and Celery bootstrap before Django is set up.
FUNCTION_IMPORTS_ALLOWED = ("apps.py", "demo.py", "settings.py", "celery.py")


def test_no_module_over_the_size_limit():
    too_long = {}
    for relative, path in _modules():
        if relative.name == "demo.py":
            continue
        lines = len(path.read_text().splitlines())
        if lines > MAX_MODULE_LINES:
            too_long[str(relative)] = lines
    assert too_long == {}, f"split these by concept (docs/architecture.md): {too_long}"


def test_no_app_imports_another_apps_private_names():
    offenders = []
    for relative, path in _modules():
        here = _app_of(relative)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
                if _imported_app(node.module) == here:
                    continue
                private = [alias.name for alias in node.names if alias.name.startswith("_")]
                if private:
                    offenders.append(f"{relative}:{node.lineno} {node.module} {private}")
    assert offenders == []


def test_no_first_party_import_inside_a_function():
    offenders = []
    for relative, path in _modules():
        if relative.name in FUNCTION_IMPORTS_ALLOWED or "management" in relative.parts:
            continue
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                module = None
                if isinstance(node, ast.ImportFrom):
                    module = node.module or ""
                elif isinstance(node, ast.Import):
                    module = node.names[0].name
                if module and module.split(".")[0] in PACKAGES:
                    offenders.append(f"{relative}:{node.lineno} {module}")
    assert offenders == [], "import at module level; a cycle means a layer is wrong (docs/architecture.md)"


@pytest.mark.parametrize("contract_file", ["pyproject.toml"])
def test_import_contracts_are_configured(contract_file):
    text = (ROOT / contract_file).read_text()
    assert "[tool.importlinter]" in text and 'type = "layers"' in text
