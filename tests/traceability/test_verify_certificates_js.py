"""Check 9 in the buyer's browser (static/traceability/verify-certificates.js, run by Node with
the bundled npm libraries) against PROOF_FORMAT.md's certificate test vector, and against the
Python verifier (``traceability.certificates.check_attestations``) on the same items: every
state, the validity window's edges, and every way a certificate fails the bundle."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path
from typing import Any

from traceability.certificates import certificate_sign, check_attestations
from traceability.proofs import Domain

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "traceability" / "PROOF_FORMAT.md").read_text(encoding="utf-8")
KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
SIGNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
MONTHS_36 = 94_694_400


def documented_item() -> dict[str, Any]:
    """The bundle item of PROOF_FORMAT's Certificates section, with the test vector's
    registry, signer and signature in place of its ellipses."""
    section = DOC[DOC.index("## Certificates") :]
    item = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1).replace("…", ""))
    vector = re.search(r"<!-- certificate-vector -->\n```\n(.*?)```", section, re.S).group(1)
    signature = re.search(r"signature\s+(0x[0-9a-f]{130})", vector).group(1)
    item["domain"]["verifyingContract"] = CONTRACT
    item.update(signer=SIGNER, signature=signature)
    return item


def signed(message: dict[str, Any]) -> dict[str, Any]:
    """An item for ``message``, signed with the vector's key."""
    domain = Domain(chain_id=31337, contract=CONTRACT)
    signer, signature = certificate_sign(
        message=message, domain=domain, private_key=bytes.fromhex(KEY[2:])
    )
    item = documented_item()
    item.update(message=dict(message), signer=signer, signature=signature)
    return item


def bundle(*items: Any, gtin: str = "02000000000018") -> dict[str, Any]:
    return {"version": 2, "lot": {"gtin": gtin, "lot": "MO-1"}, "attestations": list(items)}


def python_check(case: dict[str, Any]) -> dict[str, Any]:
    verdicts, problems = check_attestations(
        case["bundle"], is_inspector=lambda _d, _a: case["accredited"], now=case["now"]
    )
    return {
        "certificates": [
            {
                "index": v.index,
                "state": str(v.state),
                "kind": v.kind,
                "level": v.level,
                "reference": v.reference,
                "validFrom": v.valid_from,
                "validUntil": v.valid_until,
                "signer": v.signer,
                "revokedAt": v.revoked_at,
                "problem": v.problem,
            }
            for v in verdicts
        ],
        "problems": problems,
    }


def javascript_checks(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "traceability" / "verify_certificates.cjs")],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def changed(item: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(item)
    *parents, last = path.split(".")
    node = out
    for name in parents:
        node = node[name]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return out


def test_the_browser_and_python_agree_on_every_state_and_failure():
    item = documented_item()
    start, end = item["message"]["validFrom"], item["message"]["validUntil"]
    gi = signed({**item["message"], "kind": "gi", "level": 0, "validUntil": start + 10**9})
    longest = signed({**item["message"], "validUntil": start + MONTHS_36})
    cases = {
        # (bundle, accredited, now): expected state of the first certificate, or the problem
        "valid": (bundle(item), True, start + 1, "valid"),
        "valid from its first second": (bundle(item), True, start, "valid"),
        "not yet valid": (bundle(item), True, start - 1, "not_yet_valid"),
        "expired at its last second": (bundle(item), True, end, "expired"),
        "expired": (bundle(item), True, end + 86400, "expired"),
        "revoked": (
            bundle(changed(item, "revokedAt", "2026-03-01T08:00:00Z")),
            True,
            start + 1,
            "revoked",
        ),
        "unaccredited": (bundle(item), False, start + 1, "unaccredited"),
        "unchecked": (bundle(item), None, start + 1, "unchecked"),
        "geographical indication": (bundle(gi), True, start + 1, "valid"),
        "36 months exactly": (bundle(longest), True, start + 1, "valid"),
        "changed stars": (
            bundle(changed(item, "message.level", 5)),
            True,
            start + 1,
            "a certificate's signature does not match its signer",
        ),
        "changed window": (
            bundle(changed(item, "message.validUntil", end + 1)),
            True,
            start + 1,
            "a certificate's signature does not match its signer",
        ),
        "other signer": (
            bundle(changed(item, "signer", CONTRACT)),
            True,
            start + 1,
            "a certificate's signature does not match its signer",
        ),
        "another product": (
            bundle(item, gtin="02000000000025"),
            True,
            start + 1,
            "a certificate is about another product",
        ),
    }
    malformed = {
        "scheme": changed(item, "scheme", "EIP-191"),
        "domain name": changed(item, "domain.name", "Other"),
        "domain version": changed(item, "domain.version", "2"),
        "chain id": changed(item, "domain.chainId", "31337"),
        "contract": changed(item, "domain.verifyingContract", "0x1234"),
        "kind": changed(item, "message.kind", "vietgap"),
        "stars": changed(item, "message.level", 6),
        "gi stars": changed(item, "message.kind", "gi"),
        "stars as text": changed(item, "message.level", "4"),
        "empty number": changed(item, "message.reference", ""),
        "long number": changed(item, "message.reference", "Đ" * 101),
        "gtin": changed(item, "message.gtin", "2000000000018"),
        "empty window": changed(item, "message.validUntil", start),
        "over 36 months": changed(item, "message.validUntil", start + MONTHS_36 + 1),
        "missing field": changed(item, "message.reference", KeyError),
        "extra field": changed(item, "message.stars", 4),
        "signer": changed(item, "signer", "Thanh tra"),
        "signature": changed(item, "signature", None),
        "revoked at": changed(item, "revokedAt", 1735689600),
        "not an object": "chứng nhận",
    }
    for name, broken in malformed.items():
        cases[f"malformed {name}"] = (
            bundle(broken),
            True,
            start + 1,
            "a certificate is malformed",
        )
    cases["not a list"] = ({**bundle(), "attestations": {}}, True, start, None)
    cases["none"] = ({**bundle(), "attestations": None}, True, start, None)
    cases["two, one forged"] = (
        bundle(gi, changed(item, "message.level", 3)),
        True,
        end,
        "valid",
    )

    questions = [
        {"bundle": b, "accredited": accredited, "now": now}
        for b, accredited, now, _ in cases.values()
    ]
    answers = dict(zip(cases, javascript_checks(questions), strict=True))
    for (name, (_, _, _, expected)), question in zip(cases.items(), questions, strict=True):
        found = answers[name]
        assert found == python_check(question), name
        if expected is None:
            continue
        first = found["certificates"][0]
        if first["state"] == "invalid":
            assert first["problem"] == expected and found["problems"] == [expected], name
        else:
            assert first["state"] == expected, name
    assert answers["not a list"]["problems"] == ["the attestations are not a list"]
    assert answers["none"] == {"certificates": [], "problems": []}
    assert answers["two, one forged"]["problems"] == [
        "a certificate's signature does not match its signer"
    ]
    assert answers["valid"]["certificates"][0]["signer"] == SIGNER


def test_the_documented_vector_verifies_in_the_browser():
    """The signature printed in PROOF_FORMAT recovers to the vector's address in ethers."""
    item = documented_item()
    [answer] = javascript_checks(
        [{"bundle": bundle(item), "accredited": True, "now": item["message"]["validFrom"]}]
    )
    assert answer["problems"] == []
    assert answer["certificates"][0]["state"] == "valid"
    assert answer["certificates"][0]["signer"] == SIGNER
