"""Heads on the site, on an in-process EVM (eth-tester): anchoring commits each lot's head,
the lot page's check reads the registry's logs (completeness), absences explain a lot filter's
chance matches, erasure keeps every proof, and an older registry is replaced."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from tests import factories
from tests.traceability.conftest import PASSPHRASE, funded_account, new_tester_web3
from tests.traceability.test_heads import false_match
from traceability import ledger, selectors, services, tasks
from traceability.chain import Node, RegistryReader
from traceability.completeness import STOPS_EARLY, Completeness
from traceability.heads import build_heads_tree, filter_contains, head_leaf, lot_key
from traceability.merkle import verify as merkle_verify
from traceability.models import (
    AnchorBatch,
    EventDisclosure,
    InspectorKey,
    LotHead,
    RegistryDeployment,
)
from traceability.proofs import Status, verify_bundle

pytestmark = [pytest.mark.chain, pytest.mark.django_db]

V1_ARTIFACT = Path(__file__).with_name("fixtures") / "anchor_registry_v1.json"


def anchor() -> AnchorBatch:
    batch_id = tasks.anchor_pending.delay().get()
    batch = AnchorBatch.objects.get(pk=batch_id)
    assert batch.state == AnchorBatch.State.CONFIRMED, batch.last_error
    return batch


def check_against_chain(bundle: dict):
    return verify_bundle(
        bundle,
        anchored_at=ledger.cached_anchored_at,
        is_inspector=ledger.cached_is_inspector,
        heads_logs=ledger.cached_heads_logs,
    )


@pytest.fixture
def operator(db):
    return factories.operator()


def test_each_batch_commits_the_heads_of_its_lots(tester_chain, make_lot, operator):
    web3, registry = tester_chain
    first, second = make_lot(actor=operator), make_lot(actor=operator)
    services.event_record(lot=first, biz_step="packing", actor=operator, details="Đóng hũ")
    batch = anchor()
    heads = {head.lot_id: head for head in LotHead.objects.filter(batch=batch)}
    assert {lot: head.count for lot, head in heads.items()} == {first.pk: 2, second.pk: 1}
    assert heads[first.pk].digest == first.events.get(seq=2).digest
    assert heads[first.pk].key == lot_key(first.epc_class)
    rebuilt = build_heads_tree(
        [services_head(head) for head in sorted(heads.values(), key=lambda h: h.pk)]
    )
    assert rebuilt.root_hex == batch.heads_root
    for head in heads.values():
        leaf = head_leaf(head.key, head.digest, head.count)
        assert merkle_verify(root=batch.heads_root, leaf=leaf, proof=head.proof)
    # what the chain logged is what the batch holds
    [log] = RegistryReader(node=Node(web3), address=registry.address).heads_logs()
    assert (log.root, log.heads_root, log.lots.hex()) == (
        batch.root,
        batch.heads_root,
        batch.lots_filter,
    )
    assert all(filter_contains(log.lots, head.key) for head in heads.values())


def services_head(head: LotHead):
    from traceability.heads import Head

    return Head(key=head.key, digest=head.digest, count=head.count)


def test_the_lot_check_proves_completeness_and_a_shortened_history_fails(
    tester_chain, make_lot, operator
):
    lot = make_lot(actor=operator)
    services.event_record(lot=lot, biz_step="packing", actor=operator, details="Đóng hũ")
    check = selectors.lot_check(lot=lot)
    assert check.verdict.completeness is Completeness.NOT_PROVABLE
    assert check.completeness.ok is None
    assert check.completeness.words == (
        "Có thể chứng minh lịch sử đầy đủ khi các sự kiện của lô đã được neo lên sổ cái."
    )

    anchor()
    check = selectors.lot_check(lot=lot)
    assert check.bundle["head"]["count"] == 2 and check.bundle["absences"] == []
    assert check.status == "verified", check.verdict
    assert check.verdict.completeness is Completeness.COMPLETE
    assert (check.completeness.state, check.completeness.ok, check.completeness.count) == (
        "complete",
        True,
        2,
    )
    earlier = check.bundle

    services.event_record(lot=lot, biz_step="shipping", actor=operator, details="Gửi đi")
    anchor()
    # the history as it stood before: a server hiding the shipment shows exactly this
    verdict = check_against_chain(earlier)
    assert verdict.status is Status.TAMPERED
    assert verdict.completeness is Completeness.INCOMPLETE
    assert STOPS_EARLY in verdict.problems
    # the same with the new head kept and the last event dropped
    now = selectors.lot_check(lot=lot)
    assert now.verdict.completeness is Completeness.COMPLETE and now.bundle["head"]["count"] == 3
    truncated = dict(now.bundle, events=now.bundle["events"][:2])
    verdict = check_against_chain(truncated)
    assert verdict.completeness is Completeness.INCOMPLETE and STOPS_EARLY in verdict.problems


def test_the_completeness_words_are_vietnamese_on_the_lot_page_language(
    tester_chain, make_lot, operator
):
    from django.utils import translation

    lot = make_lot(actor=operator)
    anchor()
    with translation.override("vi"):
        note = selectors.lot_check(lot=lot).completeness
    assert note.words.startswith("Lịch sử đầy đủ")


def test_erasing_a_name_keeps_every_proof_and_completeness(tester_chain, make_lot, operator):
    lot = make_lot(actor=operator)
    services.event_record(lot=lot, biz_step="packing", actor=operator, details="Đóng hũ")
    anchor()
    disclosures = EventDisclosure.objects.filter(event__lot=lot)
    assert disclosures.count() >= 2
    disclosures.update(salt="", value=None, erased_at=timezone.now())
    check = selectors.lot_check(lot=lot)
    assert check.status == "verified", check.verdict
    assert check.verdict.completeness is Completeness.COMPLETE
    assert all("/chophien:actor/name" in e.withheld for e in check.verdict.events)


def test_a_chance_match_of_the_lot_filter_is_explained_by_an_absence(tester_chain, make_lot):
    product = factories.product()
    lot = make_lot(product, code="MO-GOC")
    anchor()
    key = lot_key(lot.epc_class)
    # find six lot numbers of the same product whose batch filter matches this lot's key
    for attempt in range(20_000):
        codes = [f"X{attempt}-{j}" for j in range(6)]
        from traceability.heads import lots_filter

        keys = [lot_key(lot.epc_class.replace("/10/MO-GOC", f"/10/{code}")) for code in codes]
        if filter_contains(lots_filter(keys), key):
            break
    else:
        pytest.fail("no chance match found")
    for code in codes:
        services.lot_create(
            product=product,
            code=code,
            production_date=date(2025, 11, 20),
            quantity=Decimal("1"),
            unit="KGM",
            actor=None,
        )
    stranger = anchor()
    absences = selectors.lot_absences(lot=lot)
    assert [a["headsRoot"] for a in absences] == [stranger.heads_root]
    assert sorted(h[1] for h in absences[0]["heads"]) == sorted(
        LotHead.objects.filter(batch=stranger).values_list("digest", flat=True)
    )
    check = selectors.lot_check(lot=lot)
    assert check.verdict.completeness is Completeness.COMPLETE, check.verdict.problems
    without = dict(check.bundle, absences=[])
    assert check_against_chain(without).completeness is Completeness.INCOMPLETE
    # a lot the filter leaves out needs none
    other = services.lot_create(
        product=product,
        code="MO-KHAC",
        production_date=date(2025, 11, 20),
        quantity=Decimal("1"),
        unit="KGM",
        actor=None,
    )
    anchor()
    assert selectors.lot_absences(lot=other) == []


def test_false_match_helper_is_real():
    key = lot_key("https://id.gs1.org/01/02000000000018/10/MO-1")
    from traceability.heads import lots_filter

    heads = false_match(key)
    assert filter_contains(lots_filter([h.key for h in heads]), key)


# --------------------------------------------------------------------------- registry versions


def deploy_v1(web3, account) -> str:
    artifact = json.loads(V1_ARTIFACT.read_text(encoding="utf-8"))
    factory = web3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    tx = factory.constructor().build_transaction(
        {
            "from": account.address,
            "nonce": web3.eth.get_transaction_count(account.address),
            "gasPrice": web3.eth.gas_price,
        }
    )
    signed = account.sign_transaction(tx)
    receipt = web3.eth.wait_for_transaction_receipt(
        web3.eth.send_raw_transaction(signed.raw_transaction)
    )
    return receipt["contractAddress"]


def test_a_current_registry_is_kept(tester_chain):
    _web3, registry = tester_chain
    again, created = services.registry_deploy()
    assert (again, created) == (registry, False)


def test_an_older_registry_is_replaced_and_inspectors_accredited_anew(
    settings, monkeypatch, fast_keystores, django_user_model, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    web3 = new_tester_web3()
    owner = funded_account(web3)
    monkeypatch.setattr(ledger, "node", lambda: Node(web3))
    settings.CHAIN_RPC_URL = "tester://in-process"
    settings.CHAIN_ANCHOR_KEY = owner.key.hex()
    settings.CHAIN_REGISTRY_ADDRESS = ""
    settings.CHAIN_CONFIRMATIONS = 1
    old_address = deploy_v1(web3, owner)
    old = RegistryDeployment.objects.create(
        chain_id=web3.eth.chain_id,
        address=old_address,
        owner=owner.address,
        tx_hash="",
        block_number=0,
    )
    assert not RegistryReader(node=Node(web3), address=old_address).is_current()
    user = django_user_model.objects.create_user("tt", "tt@example.vn", "pw-123456")
    user.groups.add(Group.objects.get_or_create(name="Inspectors")[0])
    key = services.inspector_key_create(user=user, passphrase=PASSPHRASE)
    InspectorKey.objects.filter(pk=key.pk).update(accredited_at=timezone.now())
    revoked_user = django_user_model.objects.create_user("cu", "cu@example.vn", "pw-123456")
    revoked = services.inspector_key_create(user=revoked_user, passphrase=PASSPHRASE)
    InspectorKey.objects.filter(pk=revoked.pk).update(
        accredited_at=timezone.now(), revoked_at=timezone.now()
    )

    with django_capture_on_commit_callbacks(execute=True):
        registry, created = services.registry_deploy()
    assert created and registry.address != old_address
    assert selectors.registry_current() == registry
    assert RegistryDeployment.objects.filter(pk=old.pk).exists()  # old anchors stay verifiable
    reader = RegistryReader(node=Node(web3), address=registry.address)
    assert reader.is_current()
    assert reader.is_anchorer(owner.address)
    assert reader.is_inspector(key.address)  # accredited anew by the queued task
    assert not reader.is_inspector(revoked.address)
    key.refresh_from_db()
    assert key.accredited_at is not None
    # and anchoring works on the new one: heads included
    assert services.registry_deploy() == (registry, False)


@pytest.fixture
def v1_chain(settings, monkeypatch, fast_keystores):
    """The site's ledger whose current registry is a version 1 contract (before heads)."""
    web3 = new_tester_web3()
    owner = funded_account(web3)
    monkeypatch.setattr(ledger, "node", lambda: Node(web3))
    settings.CHAIN_RPC_URL = "tester://in-process"
    settings.CHAIN_ANCHOR_KEY = owner.key.hex()
    settings.CHAIN_REGISTRY_ADDRESS = ""
    settings.CHAIN_CONFIRMATIONS = 1
    settings.TRACE_POLL_SECONDS = 0.01
    address = deploy_v1(web3, owner)
    old = RegistryDeployment.objects.create(
        chain_id=web3.eth.chain_id, address=address, owner=owner.address, tx_hash="", block_number=0
    )
    return web3, owner, old


def v1_send(web3, owner, function) -> None:
    tx = function.build_transaction(
        {"from": owner.address, "nonce": web3.eth.get_transaction_count(owner.address)}
    )
    sent = web3.eth.send_raw_transaction(owner.sign_transaction(tx).raw_transaction)
    assert web3.eth.wait_for_transaction_receipt(sent)["status"] == 1


def test_an_older_registrys_unsent_batch_moves_to_the_new_one(v1_chain, make_lot):
    _web3, _owner, old = v1_chain
    lot = make_lot()
    stuck = services.batch_open()  # built for the old registry, which cannot anchor heads
    assert stuck.registry == old
    registry, created = services.registry_deploy()
    assert created
    stuck.refresh_from_db()
    assert (stuck.registry, stuck.state, stuck.tx_hash) == (registry, "pending", "")
    assert anchor() == stuck
    check = selectors.lot_check(lot=lot)
    assert check.status == "verified" and check.verdict.completeness is Completeness.COMPLETE


def test_an_older_registrys_anchored_batch_must_be_confirmed_first(v1_chain, make_lot):
    from traceability.chain import ChainError

    web3, owner, old = v1_chain
    make_lot()
    stuck = services.batch_open()
    v1 = web3.eth.contract(
        address=old.address, abi=json.loads(V1_ARTIFACT.read_text(encoding="utf-8"))["abi"]
    )
    v1_send(web3, owner, v1.functions.set_anchorer(owner.address, True))
    v1_send(web3, owner, v1.functions.anchor(bytes.fromhex(stuck.root[2:]), stuck.count))
    with pytest.raises(ChainError, match="anchored in registry"):
        services.registry_deploy()
    assert selectors.registry_current() == old


def test_a_configured_older_registry_is_refused(settings, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    web3 = new_tester_web3()
    owner = funded_account(web3)
    monkeypatch.setattr(ledger, "node", lambda: Node(web3))
    settings.CHAIN_RPC_URL = "tester://in-process"
    settings.CHAIN_ANCHOR_KEY = owner.key.hex()
    old_address = deploy_v1(web3, owner)
    settings.CHAIN_REGISTRY_ADDRESS = old_address
    RegistryDeployment.objects.create(
        chain_id=web3.eth.chain_id,
        address=old_address,
        owner=owner.address,
        tx_hash="",
        block_number=0,
    )
    with pytest.raises(ImproperlyConfigured, match="older AnchorRegistry"):
        services.registry_deploy()


# --------------------------------------------------------------------------- the logs' cache


def test_the_heads_logs_cache_reads_only_new_deep_enough_blocks(
    tester_chain, make_lot, settings, monkeypatch
):
    web3, registry = tester_chain
    domain = ledger.domain_of(registry)
    make_lot()
    first = anchor()
    assert [log.root for log in ledger.cached_heads_logs(domain)] == [first.root]

    asked = []
    original = RegistryReader.heads_logs

    def counting(self, **kwargs):
        asked.append(kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(RegistryReader, "heads_logs", counting)
    make_lot()
    second = anchor()  # confirming a batch makes the next look-up ask the chain
    assert [log.root for log in ledger.cached_heads_logs(domain)] == [first.root, second.root]
    assert len(asked) == 1 and asked[0]["from_block"] > registry.block_number
    ledger.cached_heads_logs(domain)
    assert len(asked) == 1  # fresh: no RPC at all

    # a log not yet CHAIN_CONFIRMATIONS deep is not read (its batch is not confirmed either)
    settings.CHAIN_CONFIRMATIONS = 3
    ledger.forget_heads_logs(domain=domain)
    admin = ledger.admin(registry=registry)
    anchorer = ledger.anchorer(registry=registry)
    tx = anchorer.anchor(root="0x" + "ab" * 32, count=1, heads_root="0x" + "cd" * 32, lots=bytes(8))
    admin.wait_confirmed(tx, timeout=10)
    assert len(ledger.cached_heads_logs(domain)) == 2
    for _ in range(2):  # two more blocks
        web3.eth.send_transaction(
            {"from": web3.eth.accounts[0], "to": web3.eth.accounts[1], "value": 1}
        )
    ledger.forget_heads_logs(domain=domain)
    assert [log.root for log in ledger.cached_heads_logs(domain)][-1] == "0x" + "ab" * 32


def test_the_heads_logs_are_unknown_when_the_chain_does_not_answer(tester_chain, monkeypatch):
    _web3, registry = tester_chain
    from traceability.chain import ChainError

    def down():
        raise ChainError("down")

    monkeypatch.setattr(ledger, "node", down)
    assert ledger.cached_heads_logs(ledger.domain_of(registry)) is None


def _force_delete_event(event) -> None:
    """What someone with direct database access could do to hide an event: delete it, its
    proof and its disclosures, bypassing the guards and the triggers."""
    from django.db import connection

    from traceability.models import Event, EventProof

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            for model, column in (
                (EventDisclosure, "event_id"),
                (EventProof, "event_id"),
                (Event, "id"),
            ):
                table = model._meta.db_table
                cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [event.pk])  # noqa: S608
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def test_a_last_event_deleted_from_the_database_is_missed_in_words(
    tester_chain, make_lot, operator
):
    from django.utils import translation

    lot = make_lot(actor=operator)
    services.event_record(lot=lot, biz_step="packing", actor=operator, details="Hỏng")
    anchor()
    _force_delete_event(lot.events.get(seq=2))
    check = selectors.lot_check(lot=lot)
    assert check.status == "tampered"
    assert check.completeness.ok is False and check.completeness.state == "incomplete"
    with translation.override("en"):
        assert selectors.lot_check(lot=lot).completeness.words == (
            "This history stops before its last anchored event."
        )


def test_a_batch_holds_at_most_the_lots_its_filter_can(tester_chain, make_lot, monkeypatch):
    from traceability.services import anchoring

    monkeypatch.setattr(anchoring, "MAX_LOTS_PER_BATCH", 2)
    lots = [make_lot() for _ in range(3)]
    first = anchor()
    assert set(LotHead.objects.filter(batch=first).values_list("lot_id", flat=True)) == {
        lots[0].pk,
        lots[1].pk,
    }
    second = anchor()
    assert list(LotHead.objects.filter(batch=second).values_list("lot_id", flat=True)) == [
        lots[2].pk
    ]
