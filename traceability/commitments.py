"""Salted commitments to personal data in schema-version-2 events (``PROOF_FORMAT.md``).

Pure: no Django, no network. A person's data (a name, a household's coordinates, a phone
number) is not written into the hashed event object; a commitment stands in its place::

    {"chophien:commitment": "0x" + keccak256(RFC 8785 bytes of [salt, value]).hex()}

The salt and the value travel beside the event (a *disclosure*, addressed by an RFC 6901 JSON
Pointer) in the bundle and the database. Erasing a person deletes the salt and the value: the
event object, and so its digest, chain, Merkle proofs and signatures, never change.
"""

from __future__ import annotations

import copy
import re
import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from traceability.canonical import COMMITMENT_KEY, COMMITTABLE_PATHS, jcs_bytes, keccak256

__all__ = [
    "COMMITMENT_KEY",
    "COMMITTABLE_PATHS",
    "Disclosure",
    "commit_paths",
    "commitment_of",
    "commitment_paths",
    "disclosure_problem",
    "is_commitment",
    "new_salt",
    "pointer_get",
    "pointer_set",
    "with_disclosures",
]

SALT_BYTES: Final = 16

_SALT_RE: Final = re.compile(r"0x[0-9a-f]{32}")
_HEX32_RE: Final = re.compile(r"0x[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Disclosure:
    """The salt and value behind the commitment at ``path``."""

    path: str
    salt: str
    value: Any

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "salt": self.salt, "value": self.value}


def new_salt() -> str:
    """A fresh salt: ``0x`` + 32 lowercase hex digits (16 random bytes)."""
    return "0x" + secrets.token_bytes(SALT_BYTES).hex()


def commitment_of(salt: str, value: Any) -> str:
    """``0x`` + keccak256 of the RFC 8785 bytes of ``[salt, value]``."""
    if not (isinstance(salt, str) and _SALT_RE.fullmatch(salt)):
        raise ValueError("a salt is 0x followed by 32 lowercase hex digits")
    return "0x" + keccak256(jcs_bytes([salt, value])).hex()


def is_commitment(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {COMMITMENT_KEY}
        and isinstance(value[COMMITMENT_KEY], str)
        and bool(_HEX32_RE.fullmatch(value[COMMITMENT_KEY]))
    )


# --------------------------------------------------------------------------- JSON Pointer


def _tokens(path: str) -> list[str]:
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"{path!r} is not a JSON Pointer")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer_get(document: Any, path: str) -> Any:
    """The value ``path`` (RFC 6901) names in ``document``; ``KeyError`` when there is none."""
    node = document
    for token in _tokens(path):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(path)
    return node


def pointer_set(document: Any, path: str, value: Any) -> None:
    """Replace the value ``path`` names in ``document`` (which must exist)."""
    *parents, last = _tokens(path)
    node = document
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    if isinstance(node, list):
        node[int(last)] = value
    elif isinstance(node, dict) and last in node:
        node[last] = value
    else:
        raise KeyError(path)


def commitment_paths(event: Any, _prefix: str = "") -> Iterator[str]:
    """JSON Pointers of every commitment object in ``event``, in document order."""
    if is_commitment(event):
        yield _prefix
        return
    if isinstance(event, dict):
        for key, value in event.items():
            yield from commitment_paths(value, f"{_prefix}/{_escape(key)}")
    elif isinstance(event, list):
        for index, value in enumerate(event):
            yield from commitment_paths(value, f"{_prefix}/{index}")


# --------------------------------------------------------------------------- committing


def commit_paths(
    event: Mapping[str, Any], paths: Sequence[str], *, salts: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], list[Disclosure]]:
    """Return a copy of ``event`` with the values at ``paths`` replaced by commitments, and the
    disclosures that open them. Paths that name nothing are skipped; ``salts`` (by path) fixes
    the salts, for test vectors; otherwise each value gets a fresh random salt."""
    committed = copy.deepcopy(dict(event))
    disclosures = []
    for path in paths:
        if path not in COMMITTABLE_PATHS:
            raise ValueError(f"{path} is not a place for personal data in schema 2")
        try:
            value = pointer_get(committed, path)
        except KeyError:
            continue
        salt = (salts or {}).get(path) or new_salt()
        pointer_set(committed, path, {COMMITMENT_KEY: commitment_of(salt, value)})
        disclosures.append(Disclosure(path=path, salt=salt, value=value))
    return committed, disclosures


def disclosure_problem(event: Any, disclosure: Any) -> str | None:
    """Why ``disclosure`` does not open a commitment of ``event``, or ``None`` when it does (or
    when it is withheld, which is not a problem)."""
    if not isinstance(disclosure, Mapping) or not isinstance(disclosure.get("path"), str):
        return "a disclosure is malformed"
    if "salt" not in disclosure and "value" not in disclosure:
        return None if disclosure.get("withheld") else "a disclosure is malformed"
    try:
        target = pointer_get(event, disclosure["path"])
    except (KeyError, ValueError):
        return "a disclosure names nothing in the event"
    if not is_commitment(target):
        return "a disclosure names a value that is not committed"
    try:
        expected = commitment_of(disclosure.get("salt"), disclosure.get("value"))
    except (TypeError, ValueError):
        return "a disclosure is malformed"
    if expected != target[COMMITMENT_KEY]:
        return "a disclosed value does not match its commitment (changed after the fact)"
    return None


def with_disclosures(event: Mapping[str, Any], disclosures: Sequence[Any]) -> dict[str, Any]:
    """A copy of ``event`` for display, each opened commitment replaced by its value.

    Only disclosures that match are applied; withheld values keep their commitment object."""
    shown = copy.deepcopy(dict(event))
    for disclosure in disclosures:
        if disclosure_problem(event, disclosure) is None and "value" in disclosure:
            pointer_set(shown, disclosure["path"], disclosure["value"])
    return shown
