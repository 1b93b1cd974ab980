"""Lots and their append-only history, anchoring on an in-process EVM, and live verification."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from tests import factories
from traceability import gs1, selectors, services, tasks
from traceability.canonical import event_digest, find_chain_break
from traceability.commitments import commitment_of, is_commitment
from traceability.models import AnchorBatch, AnchorSubmission, AppendOnlyError, Event, EventProof
from traceability.proofs import Status

pytestmark = pytest.mark.django_db


def test_a_lot_starts_with_its_harvest_event(make_lot):
    lot = make_lot(latitude=Decimal("23.2650"), longitude=Decimal("105.3640"))
    assert gs1.is_valid_gtin(lot.product.gtin) and lot.product.gtin.startswith("2000000")
    [event] = selectors.lot_events(lot=lot)
    payload = event.payload
    assert payload["bizStep"] == "commissioning" and payload["prevDigest"] is None
    assert event.digest == event_digest(payload)
    assert payload["quantityList"] == [
        {"epcClass": lot.epc_class, "quantity": "120.5", "uom": "KGM"}
    ]
    # a household's coordinates are committed; the value travels beside the event (schema 2)
    assert is_commitment(payload["bizLocation"]["chophien:geo"])
    [geo] = [d for d in event.disclosures.all() if d.path == "/bizLocation/chophien:geo"]
    assert geo.value == {"latitude": "23.265", "longitude": "105.364"}
    assert (
        commitment_of(geo.salt, geo.value)
        == payload["bizLocation"]["chophien:geo"]["chophien:commitment"]
    )
    assert payload["ilmd"]["chophien:origin"]["wardName"] == "Xã Đồng Văn"
    assert payload["eventTime"].endswith("+07:00")


def test_later_events_chain_to_the_previous_digest(make_lot):
    lot = make_lot()
    services.event_record(lot=lot, biz_step="packing", actor=None, details="Đóng hũ 500ml")
    services.event_record(lot=lot, biz_step="shipping", actor=None, quantity=Decimal("20"))
    events = selectors.lot_events(lot=lot)
    assert [e.seq for e in events] == [1, 2, 3]
    assert find_chain_break([e.payload for e in events]) is None
    assert events[2].payload["quantityList"][0]["quantity"] == "20"


def test_events_cannot_be_changed_or_deleted_through_the_models(make_lot):
    event = make_lot().events.get()
    event.canonical = "{}"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(canonical="{}")
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_to_update_an_event(make_lot):
    event = make_lot().events.get()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE traceability_event SET canonical = %s WHERE id = %s", ["{}", event.pk]
        )
    assert Event.objects.get(pk=event.pk).canonical == event.canonical


def test_the_database_refuses_to_delete_an_event_on_postgresql(make_lot, uses_postgres):
    event = make_lot().events.get()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM traceability_event WHERE id = %s", [event.pk])


def test_gtins_are_allocated_in_sequence_with_check_digits(settings):
    settings.GS1_COMPANY_PREFIX = "8930001"
    products = [factories.product(f"Chè {i}") for i in range(3)]
    assert services.products_gtin_allocate() >= 3
    gtins = [type(p).objects.get(pk=p.pk).gtin for p in products]
    assert gtins == ["8930001000018", "8930001000025", "8930001000032"]
    assert all(gs1.is_valid_gtin(g) for g in gtins)


def test_anchoring_stores_proof_root_transaction_block_and_time(make_lot, tester_chain):
    web3, registry = tester_chain
    lots = [make_lot(), make_lot()]
    services.event_record(lot=lots[0], biz_step="packing", actor=None)
    tasks.anchor_pending.delay()
    batch = AnchorBatch.objects.get()
    assert batch.state == AnchorBatch.State.CONFIRMED and batch.count == 3
    receipt = web3.eth.get_transaction_receipt(batch.tx_hash)
    assert receipt["blockNumber"] == batch.block_number and batch.anchored_at
    assert EventProof.objects.filter(batch=batch).count() == 3
    check = selectors.lot_check(lot=lots[0])
    assert check.status == Status.VERIFIED, check.verdict
    anchor = check.bundle["events"][0]["anchor"]
    assert anchor["txHash"] == batch.tx_hash and anchor["contract"] == registry.address
    assert anchor["anchoredAt"].endswith("Z")
    # nothing left: a second run opens no batch and sends nothing
    assert tasks.anchor_pending.delay().get() is None


def test_waiting_until_anchored(make_lot, tester_chain):
    lot = make_lot()
    assert selectors.lot_check(lot=lot).status == Status.WAITING


def test_a_row_changed_in_the_database_is_tampered(make_lot, tester_chain):
    lot = make_lot()
    tasks.anchor_pending.delay()
    assert selectors.lot_check(lot=lot).status == Status.VERIFIED
    event = lot.events.get()
    forged = json.loads(event.canonical)
    forged["ilmd"]["chophien:origin"]["wardName"] = "Xã Khác"
    _force_update(event.pk, canonical=json.dumps(forged, ensure_ascii=False))
    check = selectors.lot_check(lot=lot)
    assert check.status == Status.TAMPERED
    assert "does not hash to its digest" in " ".join(check.verdict.events[0].problems)


def test_a_lot_row_changed_in_the_database_is_tampered(make_lot, tester_chain):
    lot = make_lot()
    tasks.anchor_pending.delay()
    type(lot).objects.filter(pk=lot.pk).update(origin_ward_name="Xã Khác")
    lot.refresh_from_db()
    check = selectors.lot_check(lot=lot)
    assert check.status == Status.TAMPERED
    assert "origin" in check.verdict.problems[0]


def _force_update(pk: int, **values) -> None:
    """What someone with direct database access could do: bypass the guards and the trigger."""
    table = Event._meta.db_table
    sets = ", ".join(f"{column} = %s" for column in values)
    sql = f"UPDATE {table} SET {sets} WHERE id = %s"  # noqa: S608 - names from this test
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a superuser can switch triggers off
            cursor.execute("SET session_replication_role = replica")
            try:
                cursor.execute(sql, [*values.values(), pk])
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute(f"DROP TRIGGER {table}_append_only")
            cursor.execute(sql, [*values.values(), pk])


# --------------------------------------------------------------------------- corrections


def test_a_correction_is_a_new_event_that_names_the_event_it_corrects(make_lot):
    from django.core.exceptions import ValidationError

    lot, other = make_lot(), make_lot()
    wrong = services.event_record(lot=lot, biz_step="shipping", actor=None, quantity=Decimal(20))
    before = wrong.canonical
    with pytest.raises(ValidationError):  # a correction says what was wrong
        services.event_record(lot=lot, biz_step="shipping", actor=None, corrects=wrong)
    with pytest.raises(ValidationError):  # and corrects an event of its own lot
        services.event_record(
            lot=other, biz_step="shipping", actor=None, details="Sai lô", corrects=wrong
        )
    fix = services.event_record(
        lot=lot,
        biz_step="shipping",
        actor=None,
        quantity=Decimal(12),
        details="Gửi 12 kg, không phải 20 kg",
        corrects=wrong,
    )
    assert fix.payload["chophien:correction"] == {
        "eventID": wrong.event_id,
        "digest": wrong.digest,
    }
    assert fix.digest == event_digest(fix.payload) and fix.payload["prevDigest"] == wrong.digest
    assert Event.objects.get(pk=wrong.pk).canonical == before  # the wrong event stays as it was
    assert find_chain_break([e.payload for e in selectors.lot_events(lot=lot)]) is None


def test_a_correction_is_recorded_from_the_lot_page_and_shown_and_exported(
    client, make_lot, django_user_model
):
    from django.urls import reverse

    lot = make_lot()
    wrong = services.event_record(lot=lot, biz_step="shipping", actor=None, quantity=Decimal(20))
    client.force_login(django_user_model.objects.create_superuser("op", "op@example.vn", "x"))
    url = reverse("traceability:lot-manage", kwargs={"pk": lot.pk})
    form = {"biz_step": "shipping", "quantity": "12", "corrects": str(wrong.pk), "details": ""}
    refused = client.post(url, form)
    assert refused.status_code == 200 and refused.context["form"].errors["details"]
    assert lot.events.count() == 2
    assert client.post(url, {**form, "details": "Gửi 12 kg"}).status_code == 302
    fix = lot.events.get(seq=3)
    assert fix.payload["chophien:correction"]["eventID"] == wrong.event_id

    path = f"/01/{lot.gtin14}/10/{lot.code}"
    html = client.get("/en" + path).content.decode()
    assert "Corrects event #2." in html and "Corrected by event #3." in html

    document = client.get(path, {"format": "epcis"}).json()
    events = document["epcisBody"]["eventList"]
    assert "errorDeclaration" not in events[0] and "errorDeclaration" not in events[2]
    assert events[1]["errorDeclaration"] == {
        "declarationTime": fix.payload["eventTime"],
        "reason": "incorrect_data",
        "correctiveEventIDs": [events[2]["eventID"]],  # the correction's CBV 2.0 event hash
    }
    assert events[2]["chophien:eventID"] == fix.event_id
    assert events[2]["chophien:correction"]["digest"] == wrong.digest


# --------------------------------------------------------------------------- submission


def _separate_anchorer(tester_chain, settings):
    """Anchor from an account of its own (the owner stays able to revoke it)."""
    from eth_account import Account

    from tests.traceability.conftest import funded_account
    from traceability.chain import Node, RegistryAdmin

    web3, registry = tester_chain
    owner = RegistryAdmin(
        node=Node(web3),
        address=registry.address,
        account=Account.from_key(settings.CHAIN_ANCHOR_KEY),
    )
    anchorer = funded_account(web3)
    owner.set_anchorer(address=anchorer.address, allowed=True)
    settings.CHAIN_ANCHOR_KEY = anchorer.key.hex()
    return owner, anchorer


def test_a_batch_waits_for_the_configured_confirmations(make_lot, tester_chain, settings):
    web3, _registry = tester_chain
    settings.CHAIN_CONFIRMATIONS = 3
    make_lot()
    batch = services.batch_open()
    assert services.batch_advance(batch_id=batch.pk).state == AnchorBatch.State.SUBMITTED
    assert services.batch_advance(batch_id=batch.pk).state == AnchorBatch.State.SUBMITTED
    web3.provider.ethereum_tester.mine_blocks(1)  # two confirmations
    assert services.batch_advance(batch_id=batch.pk).state == AnchorBatch.State.SUBMITTED
    web3.provider.ethereum_tester.mine_blocks(1)  # three
    batch = services.batch_advance(batch_id=batch.pk)
    assert batch.state == AnchorBatch.State.CONFIRMED and batch.attempts == 1


def test_a_reverted_anchoring_transaction_is_resubmitted(
    make_lot, tester_chain, settings, monkeypatch
):
    from traceability.chain import Anchorer, TxState

    web3, _registry = tester_chain
    owner, anchorer = _separate_anchorer(tester_chain, settings)
    make_lot()
    batch = services.batch_open()
    send = Anchorer.send

    def revoked_before_it_is_mined(client, signed):
        # The owner revokes the anchoring account after the call was simulated and signed:
        # the transaction is mined, and reverts.
        owner.set_anchorer(address=anchorer.address, allowed=False)
        monkeypatch.setattr(Anchorer, "send", send)
        return send(client, signed)

    monkeypatch.setattr(Anchorer, "send", revoked_before_it_is_mined)
    batch = services.batch_advance(batch_id=batch.pk)
    first = batch.tx_hash
    assert owner.tx_status(first).state is TxState.REVERTED
    assert owner.anchored_at(batch.root) == 0

    owner.set_anchorer(address=anchorer.address, allowed=True)
    batch = services.batch_advance(batch_id=batch.pk)  # found reverted: sent again
    assert batch.tx_hash != first and batch.attempts == 2
    batch = services.batch_advance(batch_id=batch.pk)
    assert batch.state == AnchorBatch.State.CONFIRMED and owner.anchored_at(batch.root) > 0
    outcomes = dict(AnchorSubmission.objects.values_list("tx_hash", "outcome"))
    assert outcomes == {first: "reverted", batch.tx_hash: "confirmed"}
    assert EventProof.objects.filter(batch=batch).count() == 1
