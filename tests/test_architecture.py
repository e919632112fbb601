"""Import rules: the core imports no chat SDK and no adapter (not even by a string handed
to ``importlib``); adapters never import each other; only the composition root
(``credits_bot``) knows the adapters."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SDKS = {"discord", "telegram"}
ADAPTERS = sorted(p.name for p in (ROOT / "adapters").iterdir() if (p / "__init__.py").exists())


_DYNAMIC = {"import_module", "__import__", "find_spec", "run_module"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports: import statements, and string literals passed to
    ``importlib.import_module``, ``__import__``, ``find_spec`` or ``runpy.run_module``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in _DYNAMIC and node.args:
                names.update(_strings(node.args[0]))
    return names


def _strings(node: ast.expr) -> set[str]:
    """The text of a string literal or the constant head of an f-string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.JoinedStr) and node.values:
        head = node.values[0]
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            return {head.value}
    return set()


def string_modules(path: Path) -> set[str]:
    """Adapter module paths written as plain strings ("adapters.discord.runner"): how a core
    module could still reach an adapter through a table handed to ``importlib``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith("adapters.")
        and all(part.isidentifier() for part in node.value.split("."))
    }


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", sorted((ROOT / "bot").rglob("*.py")), ids=str)
def test_core_imports_no_chat_sdk_and_no_adapter(path: Path) -> None:
    outside = SDKS | {"adapters", "credits_bot"}
    bad = {m for m in imported_modules(path) if top(m) in outside} | string_modules(path)
    assert not bad, f"{path} imports {sorted(bad)}"


@pytest.mark.parametrize("path", sorted((ROOT / "credits_bot").rglob("*.py")), ids=str)
def test_the_composition_root_loads_adapters_only_by_name(path: Path) -> None:
    """``credits_bot`` imports no adapter or SDK at module level: a platform's adapter is
    loaded when that platform starts (the console chat, which needs no SDK, excepted)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names.append(node.module)
            bad = [n for n in names if top(n) in SDKS or n.startswith("adapters.")]
            assert not bad, f"{path} imports {bad} at start-up"


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


def test_the_rule_checker_sees_string_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import importlib\n"
        "m = importlib.import_module('adapters.discord.runner')\n"
        "n = __import__('telegram')\n"
        "o = importlib.import_module(f'adapters.{name}.runner')\n"
        "RUNNERS = {'discord': 'adapters.discord.runner'}\n"
    )
    assert imported_modules(sample) == {
        "importlib",
        "adapters.discord.runner",
        "telegram",
        "adapters.",
    }
    assert string_modules(sample) == {"adapters.discord.runner"}


LONGEST = 60


def test_no_function_is_longer_than_60_lines() -> None:
    """Long functions are split (the data side once had 158-line ones)."""
    long: list[str] = []
    for package in ("bot", "adapters", "credits_bot"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = (node.end_lineno or node.lineno) - node.lineno + 1
                    if lines > LONGEST:
                        long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines})")
    assert not long, long
