"""Only ``traceability/chain/`` talks to the Ethereum libraries.

The rest of the project holds a :class:`traceability.chain.Node` and the role clients, never a
``Web3``: an AST walk over every module outside ``tests/`` and migrations (type-checking-only
imports included) finds no import of web3 or of the eth-* packages beside it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAIN = ROOT / "traceability" / "chain"
ETHEREUM = frozenset(
    {"web3", "eth_abi", "eth_account", "eth_hash", "eth_keys", "eth_tester", "eth_typing"}
    | {"eth_utils", "hexbytes"}
)
SKIPPED_DIRS = frozenset({".git", ".venv", "node_modules", "tests", "migrations", "__pycache__"})


def ethereum_imports(source: str) -> list[str]:
    """The Ethereum packages a module's source imports, anywhere in it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name.split(".")[0] in ETHEREUM]
    return found


def project_modules() -> list[Path]:
    modules = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if not SKIPPED_DIRS.intersection(parts[:-1]):
            modules.append(path)
    return modules


def test_nothing_outside_the_chain_package_imports_web3() -> None:
    offenders = {
        str(path.relative_to(ROOT)): imports
        for path in project_modules()
        if not path.is_relative_to(CHAIN)
        and (imports := ethereum_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_walk_sees_the_chain_package_and_the_rest() -> None:
    modules = project_modules()
    chain = [path for path in modules if path.is_relative_to(CHAIN)]
    assert any("web3" in ethereum_imports(path.read_text(encoding="utf-8")) for path in chain)
    assert ROOT / "shop" / "health.py" in modules
    assert ROOT / "traceability" / "ledger.py" in modules
    assert not any("tests" in path.relative_to(ROOT).parts for path in modules)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import web3", ["web3"]),
        ("from web3.exceptions import Web3Exception", ["web3.exceptions"]),
        ("import os\nif TYPE_CHECKING:\n    from web3 import Web3\n", ["web3"]),
        ("def f():\n    from eth_account import Account\n", ["eth_account"]),
        ("import eth_utils as u, json", ["eth_utils"]),
        ("from traceability.chain import Node", []),
        ("from .web3 import thing", []),
        ("import web3py_lookalike", []),
    ],
)
def test_what_counts_as_an_import(source: str, found: list[str]) -> None:
    assert ethereum_imports(source) == found
