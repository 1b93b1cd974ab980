"""Bundles for the in-browser verifier's tests: a lot anchored in two batches on anvil (signed
inspection, personal data committed), its good bundle, and the ways it can be made to lie.
Each is checked by the Python verifier (``traceability.proofs.verify_bundle`` with the chain's
``HeadsAnchored`` logs, what ``python -m traceability.verify`` asks) for comparison."""

from __future__ import annotations

import copy
import json
import subprocess
from typing import Any

from django.contrib.auth.models import Group

from tests import factories
from tests.traceability.anvil import ROOT
from traceability import services, tasks
from traceability.chain import RegistryReader, connect
from traceability.proofs import bundle_domains, verify_bundle
from traceability.verify import fetch_facts

PASSPHRASE = "mật khẩu ký của tôi"


def anchored_lot(make_lot, django_user_model, *, code: str = "MO-2512-01"):
    """A producer's lot: harvest, packing and a signed inspection in a first batch, shipping in
    a second one, so the chain holds two heads of it."""
    inspector = django_user_model.objects.create_user("tt", "tt@example.vn", "pw-123456")
    inspector.groups.add(Group.objects.get_or_create(name="Inspectors")[0])
    key = services.inspector_key_create(user=inspector, passphrase=PASSPHRASE)
    services.inspector_accredit(key=key, timeout=30)
    maker = factories.producer()
    product = factories.product("Mật ong bạc hà Đồng Văn 500ml", maker=maker)
    producer = factories.producer_user(maker, email="sinh@example.vn")
    lot = make_lot(product, code=code, actor=producer)
    services.event_record(lot=lot, biz_step="packing", actor=producer, details="Đóng hũ")
    services.inspection_record(
        lot=lot, inspector=inspector, result="pass", notes="Đạt", passphrase=PASSPHRASE
    )
    tasks.anchor_pending.delay()
    services.event_record(lot=lot, biz_step="shipping", actor=producer, details="Gửi đi Hà Nội")
    tasks.anchor_pending.delay()
    return lot


def certified(lot, *, now) -> None:
    """Two certificates of the lot's product signed by its inspector: an OCOP rating valid
    since ten days, and a geographical indication that expired yesterday."""
    from datetime import timedelta

    from traceability.models import InspectorKey

    inspector = InspectorKey.objects.get().user
    for kind, reference, level, start, end in (
        ("ocop", "OCOP-HG-2025-007", 4, now - timedelta(days=10), None),
        ("gi", "GI-00045", 0, now - timedelta(days=900), now - timedelta(days=1)),
    ):
        services.certificate_issue(
            product=lot.product,
            kind=kind,
            reference=reference,
            level=level,
            valid_from=start,
            valid_until=end,
            issuer=inspector,
            passphrase=PASSPHRASE,
        )


def variants(good: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The good bundle and its lies: tampered, truncated two ways, erased, forged disclosure."""
    out = {"good": good}
    tampered = copy.deepcopy(good)
    tampered["events"][1]["event"]["chophien:details"] = "Đóng hũ (sửa)"
    out["tampered"] = tampered
    truncated = copy.deepcopy(good)
    truncated["events"] = truncated["events"][:-1]
    out["truncated"] = truncated
    headless = copy.deepcopy(truncated)
    headless["head"] = None
    headless["absences"] = []
    out["truncated_without_head"] = headless
    erased = copy.deepcopy(good)
    for item in erased["events"]:
        item["disclosures"] = [
            {"path": d["path"], "withheld": "erased", "erasedAt": "2026-12-06"}
            for d in item.get("disclosures") or []
        ]
    out["erased"] = erased
    forged = copy.deepcopy(good)
    for item in forged["events"]:
        for disclosure in item.get("disclosures") or []:
            if disclosure["path"] == "/chophien:actor/name":
                disclosure["value"] = "Người khác"
                break
        else:
            continue
        break
    out["forged_disclosure"] = forged
    return out


def python_verdict(bundle: dict[str, Any], rpc: str, *, now: int | None = None) -> dict[str, Any]:
    """The Python verifier's verdict, in the JS verifier's terms (certificates valid at ``now``,
    Unix seconds, the clock by default)."""
    facts = fetch_facts(bundle, rpc=rpc)
    node = connect(rpc, timeout=10)
    logs = {
        d: RegistryReader(node=node, address=d.contract).heads_logs()
        for d in bundle_domains(bundle)
    }
    verdict = verify_bundle(
        bundle,
        anchored_at=facts.anchored_at,
        is_inspector=facts.is_inspector,
        heads_logs=lambda domain: logs.get(domain),
        **({} if now is None else {"now": now}),
    )
    return {
        "status": str(verdict.status),
        "ok": verdict.ok,
        "problems": sorted(verdict.problems),
        "completeness": None if verdict.completeness is None else str(verdict.completeness),
        "events": [
            {
                "status": str(e.status),
                "problems": sorted(p.split(":")[0] if "schema" in p else p for p in e.problems),
                "withheld": sorted(e.withheld),
                "signer": e.signer,
                "signerAccredited": e.signer_accredited,
                "anchoredAt": e.anchored_at,
            }
            for e in verdict.events
        ],
        "certificates": [
            {
                "index": c.index,
                "state": str(c.state),
                "kind": c.kind,
                "level": c.level,
                "reference": c.reference,
                "validFrom": c.valid_from,
                "validUntil": c.valid_until,
                "signer": c.signer,
                "revokedAt": c.revoked_at,
                "problem": c.problem,
            }
            for c in getattr(verdict, "certificates", [])
        ],
    }


def comparable(verdict: dict[str, Any]) -> dict[str, Any]:
    """A JS verdict in the same terms as :func:`python_verdict`."""
    return {
        "status": verdict["status"],
        "ok": verdict["ok"],
        "problems": sorted(verdict["problems"]),
        "completeness": verdict["completeness"],
        "events": [
            {
                "status": e["status"],
                "problems": sorted(e["problems"]),
                "withheld": sorted(e["withheld"]),
                "signer": e["signer"],
                "signerAccredited": e["signerAccredited"],
                "anchoredAt": e["anchoredAt"],
            }
            for e in verdict["events"]
        ],
        "certificates": verdict.get("certificates", []),
    }


def node_verdicts(
    bundles: list[dict[str, Any]], rpc: str, *, now: int | None = None
) -> list[dict[str, Any]]:
    """verify-core.js's verdicts, run by Node with the bundled npm libraries (certificates
    valid at ``now``, Unix seconds, the clock by default)."""
    question = {"rpc": rpc, "bundles": bundles, **({} if now is None else {"now": now})}
    result = subprocess.run(
        ["node", str(ROOT / "tests" / "traceability" / "verify_core.cjs")],
        input=json.dumps(question),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
