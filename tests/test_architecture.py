"""Import rules: the core imports no chat SDK; adapters never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SDKS = {"discord", "telegram"}
ADAPTERS = sorted(p.name for p in (ROOT / "adapters").iterdir() if (p / "__init__.py").exists())


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", sorted((ROOT / "bot").rglob("*.py")), ids=str)
def test_core_imports_no_chat_sdk_and_no_adapter(path: Path) -> None:
    bad = {m for m in imported_modules(path) if top(m) in SDKS or top(m) == "adapters"}
    assert not bad, f"{path} imports {sorted(bad)}"


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_adapters_import_only_the_core_and_their_own_sdk(adapter: str) -> None:
    own_sdk = {"discord": {"discord"}, "telegram": {"telegram"}}.get(adapter, set())
    for path in sorted((ROOT / "adapters" / adapter).rglob("*.py")):
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] == "adapters":
                assert len(parts) > 1 and parts[1] == adapter, f"{path} imports {module}"
            elif parts[0] in SDKS:
                assert parts[0] in own_sdk, f"{path} imports {module}"


def test_no_adapter_module_shadows_an_sdk() -> None:
    for path in (ROOT / "adapters").rglob("*.py"):
        assert path.stem not in SDKS, f"{path} shadows the {path.stem} package"


def test_the_rule_checker_sees_forbidden_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import discord\nfrom telegram.ext import Application\nfrom . import x\n")
    assert {top(m) for m in imported_modules(sample)} == {"discord", "telegram"}
