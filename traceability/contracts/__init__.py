"""The AnchorRegistry contract: its Vyper source and the compiled artifact committed beside it.

At run time only the committed JSON artifact is read, so the Vyper compiler is not needed in
production. After changing ``anchor_registry.vy`` (or the pinned Vyper version), regenerate the
artifact with ``python -m traceability.contracts``; a test checks that the committed artifact
equals a fresh compile.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

__all__ = [
    "ARTIFACT_PATH",
    "SOURCE_PATH",
    "ContractArtifact",
    "compile_artifact",
    "load_artifact",
    "write_artifact",
]

SOURCE_PATH: Final = Path(__file__).with_name("anchor_registry.vy")
ARTIFACT_PATH: Final = Path(__file__).with_name("anchor_registry.json")
CONTRACT_NAME: Final = "AnchorRegistry"


@dataclass(frozen=True)
class ContractArtifact:
    """What is needed to deploy and call the contract."""

    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str


@cache
def load_artifact() -> ContractArtifact:
    """Read the committed artifact (cached)."""
    data = json.loads(ARTIFACT_PATH.read_text(encoding="utf-8"))
    return ContractArtifact(
        abi=data["abi"], bytecode=data["bytecode"], deployed_bytecode=data["deployedBytecode"]
    )


def compile_artifact() -> dict[str, Any]:
    """Compile the Vyper source and return the artifact as a JSON-ready dict.

    Needs the ``vyper`` package (a development dependency).
    """
    import vyper

    source = SOURCE_PATH.read_text(encoding="utf-8")
    output = vyper.compile_code(
        source,
        contract_path=SOURCE_PATH.name,
        output_formats=["abi", "bytecode", "bytecode_runtime"],
    )
    return {
        "contractName": CONTRACT_NAME,
        "compiler": f"vyper {vyper.__version__}",
        "sourceSha256": hashlib.sha256(source.encode("utf-8")).hexdigest(),
        "abi": output["abi"],
        "bytecode": output["bytecode"],
        "deployedBytecode": output["bytecode_runtime"],
    }


def write_artifact() -> Path:
    """Compile the source and write the artifact next to it."""
    text = json.dumps(compile_artifact(), indent=2, sort_keys=True) + "\n"
    ARTIFACT_PATH.write_text(text, encoding="utf-8")
    load_artifact.cache_clear()
    return ARTIFACT_PATH
