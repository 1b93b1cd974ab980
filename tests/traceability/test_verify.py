"""The standalone verifier (``python -m traceability.verify``) against anvil, and its pure core.

The verifier reads a proof bundle downloaded from the lot page and asks only the JSON-RPC node;
it must not import Django. A row changed directly in the database makes the lot page say
TAMPERED and the verifier fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from tests.traceability.anvil import ROOT
from tests.traceability.test_lots import _force_update
from traceability import services, tasks
from traceability.chain import Node, RegistryReader
from traceability.proofs import Status
from traceability.verify import ChainFacts, verify

pytestmark = [pytest.mark.chain, pytest.mark.django_db]

PASSPHRASE = "mật khẩu ký của tôi"


def run_verifier(bundle: dict, rpc: str, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    code = (
        "import sys, traceability.verify as v\n"
        f"status = v.main([{str(path)!r}, '--rpc', {rpc!r}])\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'Django'\n"
        "sys.exit(status)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def signed_lot(make_lot, anvil_chain, django_user_model):
    inspector = django_user_model.objects.create_user("tt", "tt@example.vn", "pw-123456")
    inspector.groups.add(Group.objects.get_or_create(name="Inspectors")[0])
    key = services.inspector_key_create(user=inspector, passphrase=PASSPHRASE)
    services.inspector_accredit(key=key, timeout=30)
    lot = make_lot()
    services.event_record(lot=lot, biz_step="packing", actor=None, details="Đóng hũ")
    services.inspection_record(
        lot=lot, inspector=inspector, result="pass", notes="Đạt", passphrase=PASSPHRASE
    )
    tasks.anchor_pending.delay()
    return lot


def bundle_of(client, lot) -> dict:
    return client.get(f"/01/{lot.gtin14}/10/{lot.code}?format=json").json()


def test_the_verifier_accepts_a_good_bundle_without_django(client, signed_lot, anvil, tmp_path):
    result = run_verifier(bundle_of(client, signed_lot), anvil.url, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Result: VERIFIED — all 3 events hold and the history is complete." in result.stdout
    assert result.stdout.count("[OK  ]") == 3 and "an accredited inspector" in result.stdout


def test_a_row_changed_in_the_database_fails_the_page_and_the_verifier(
    client, signed_lot, anvil, tmp_path
):
    event = signed_lot.events.get(seq=2)
    _force_update(event.pk, canonical=event.canonical.replace("Đóng hũ", "Đóng chai"))
    assert "BỊ SỬA ĐỔI" in client.get(signed_lot.get_absolute_url()).content.decode()
    result = run_verifier(bundle_of(client, signed_lot), anvil.url, tmp_path)
    assert result.returncode == 1, result.stdout
    assert "[FAIL] #2" in result.stdout and "does not hash to its digest" in result.stdout
    assert "Result: FAILED" in result.stdout


def test_a_forger_who_also_rewrites_digest_and_proof_still_fails(
    client, signed_lot, anvil, tmp_path
):
    from traceability.canonical import event_digest

    bundle = bundle_of(client, signed_lot)
    item = bundle["events"][1]
    item["event"]["chophien:details"] = "Đóng chai"
    item["digest"] = event_digest(item["event"])
    result = run_verifier(bundle, anvil.url, tmp_path)
    assert result.returncode == 1
    assert "Merkle proof does not lead" in result.stdout and "hash chain is broken" in result.stdout


def test_an_unaccredited_signer_fails(client, signed_lot, anvil, anvil_chain, tmp_path):
    from traceability.models import InspectorKey

    services.inspector_accredit(key=InspectorKey.objects.get(), allowed=False, timeout=30)
    result = run_verifier(bundle_of(client, signed_lot), anvil.url, tmp_path)
    assert result.returncode == 1 and "NOT an accredited inspector" in result.stdout


def test_an_unanchored_bundle_is_not_verified(client, make_lot, anvil_chain, anvil, tmp_path):
    lot = make_lot()
    result = run_verifier(bundle_of(client, lot), anvil.url, tmp_path)
    assert result.returncode == 1 and "not anchored yet" in result.stdout


def test_an_unreachable_node_or_a_bad_file_exits_2(tmp_path):
    from traceability.verify import main

    path = tmp_path / "b.json"
    path.write_text("not json")
    assert main([str(path), "--rpc", "http://127.0.0.1:9"]) == 2


def test_the_verifier_core_is_pure(client, make_lot, tester_chain):
    """Chain facts in, verdict out: no node needed."""
    lot = make_lot()
    tasks.anchor_pending.delay()
    bundle = bundle_of(client, lot)
    anchor = bundle["events"][0]["anchor"]
    facts = ChainFacts()
    assert verify(bundle, facts).status is Status.UNCHECKED
    from traceability.proofs import Domain

    domain = Domain(chain_id=anchor["chainId"], contract=anchor["contract"])
    facts.anchored[(domain, anchor["root"])] = 1_700_000_000
    assert verify(bundle, facts).status is Status.UNCHECKED  # completeness: no logs yet
    web3, registry = tester_chain
    facts.heads[domain] = RegistryReader(node=Node(web3), address=registry.address).heads_logs()
    assert verify(bundle, facts).status is Status.VERIFIED
    facts.anchored[(domain, anchor["root"])] = 0
    assert verify(bundle, facts).status is Status.TAMPERED
