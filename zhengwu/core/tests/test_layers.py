"""The import-linter contracts in pyproject.toml hold, and break on a wrong import.

The second test copies the source tree to a temporary directory, adds a domain app
importing another domain app inside a function body (a "lazy" import), and runs
``lint-imports`` with the project's own contracts on the copy: the report must name the
broken contracts. So the contracts check what they claim, not just pass.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import zhengwu

ROOT = Path(zhengwu.__file__).resolve().parent.parent


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
         "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=300,
    )


def _copy_tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(
        ROOT / "zhengwu", root / "zhengwu",
        ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "data", "*.json", "*.html"),
    )
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_layer_contracts_are_kept():
    result = _lint(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_lazy_import_between_domain_apps_breaks_the_contracts(tmp_path):
    root = _copy_tree(tmp_path)
    common = root / "zhengwu" / "letters" / "services" / "common.py"
    common.write_text(common.read_text() + "\n\ndef _probe():\n    from zhengwu.cases import engine\n\n    return engine\n")

    result = _lint(root)

    assert result.returncode != 0
    assert "Layers: imports only point down (docs/architecture.md) BROKEN" in result.stdout
    assert "Domain apps never import each other, not even inside a function BROKEN" in result.stdout
    assert "zhengwu.letters is not allowed to import zhengwu.cases" in result.stdout
    assert "zhengwu.letters.services.common -> zhengwu.cases.engine" in result.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_layers(tmp_path):
    root = _copy_tree(tmp_path)
    clock = root / "zhengwu" / "core" / "clock.py"
    clock.write_text(clock.read_text() + "\n\nfrom zhengwu.portal import views as _portal_views  # noqa: E402\n")

    result = _lint(root)

    assert result.returncode != 0
    assert "zhengwu.core is not allowed to import zhengwu.portal" in result.stdout


def test_an_app_missing_from_the_layers_breaks_the_contract(tmp_path):
    # A new app (exchange, map ...) must be placed in a layer before it can be merged.
    root = _copy_tree(tmp_path)
    (root / "zhengwu" / "newapp").mkdir()
    (root / "zhengwu" / "newapp" / "__init__.py").write_text("")

    result = _lint(root)

    assert result.returncode != 0
    assert "newapp" in result.stdout
