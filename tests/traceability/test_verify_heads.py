"""The standalone verifier and completeness (check 7) against anvil, over HTTP: it reads the
registry's ``HeadsAnchored`` logs with ``eth_getLogs``, says in words whether the history is
complete, fails a bundle that stops before its last anchored event, and keeps verifying one
whose personal data was erased."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests import factories
from tests.traceability.test_verify import bundle_of, run_verifier
from traceability import services, tasks
from traceability.models import EventDisclosure
from traceability.verify import logs_from_block

pytestmark = [pytest.mark.chain, pytest.mark.django_db]


def test_anchor_truncate_erase_verify(client, make_lot, anvil_chain, anvil, tmp_path):
    operator = factories.operator()
    lot = make_lot(actor=operator)
    services.event_record(lot=lot, biz_step="packing", actor=operator, details="Đóng hũ")
    tasks.anchor_pending.delay()

    complete = bundle_of(client, lot)
    assert complete["version"] == 2 and complete["head"]["count"] == 2
    result = run_verifier(complete, anvil.url, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Completeness: complete" in result.stdout
    assert "Result: VERIFIED — all 2 events hold and the history is complete." in result.stdout

    # the lot goes on; the server then shows the history as it stood (hiding the shipment)
    services.event_record(lot=lot, biz_step="shipping", actor=operator, details="Gửi đi")
    tasks.anchor_pending.delay()
    result = run_verifier(complete, anvil.url, tmp_path)
    assert result.returncode == 1, result.stdout
    assert "Completeness: FAILED — this history stops before its last anchored event" in (
        result.stdout
    )
    assert "Result: FAILED" in result.stdout

    # or keeps the new head and drops the last event
    latest = bundle_of(client, lot)
    truncated = dict(latest, events=latest["events"][:2])
    result = run_verifier(truncated, anvil.url, tmp_path)
    assert result.returncode == 1 and "stops before its last anchored event" in result.stdout

    # erasing the recorder's name withholds it and breaks nothing
    EventDisclosure.objects.filter(event__lot=lot).update(
        salt="", value=None, erased_at=timezone.now()
    )
    erased = bundle_of(client, lot)
    assert all(
        d.get("withheld") == "erased" for item in erased["events"] for d in item["disclosures"]
    )
    result = run_verifier(erased, anvil.url, tmp_path)
    assert result.returncode == 0, result.stdout
    assert "withheld at the person's request: /chophien:actor/name" in result.stdout
    assert "Result: VERIFIED — all 3 events hold and the history is complete." in result.stdout


def test_a_head_claiming_a_later_block_cannot_hide_logs(
    client, make_lot, anvil_chain, anvil, tmp_path
):
    lot = make_lot()
    tasks.anchor_pending.delay()
    bundle = bundle_of(client, lot)
    assert logs_from_block(bundle) == bundle["head"]["blockNumber"]
    assert logs_from_block(dict(bundle, head=None), 7) == 7
    forged = dict(bundle, head=dict(bundle["head"], blockNumber=bundle["head"]["blockNumber"] + 50))
    for item in forged["events"]:
        item["anchor"]["blockNumber"] += 50
    result = run_verifier(forged, anvil.url, tmp_path)
    assert result.returncode == 1, result.stdout
    assert "the chain has no record of this head" in result.stdout
