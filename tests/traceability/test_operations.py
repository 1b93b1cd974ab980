"""Operating the ledger: commands, production settings, leases, batching rules, guards."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests import factories
from tests.shop.test_settings import PRODUCTION_ENV, manage
from traceability import labels, services, tasks
from traceability.models import AnchorBatch, Event, Lot, RegistryDeployment

pytestmark = pytest.mark.django_db


def test_anchoring_tasks_run_on_their_own_queue_every_interval(settings):
    from shop.celery import app

    def queue(name: str) -> str:
        return app.amqp.router.route({}, name)["queue"].name

    assert queue("traceability.anchor_batch") == queue("traceability.anchor_pending") == "chain"
    assert queue("shop.clear_expired_sessions") == "default"
    schedule = app.conf.beat_schedule["traceability-anchor"]
    assert schedule == {
        "task": "traceability.anchor_pending",
        "schedule": settings.TRACE_BATCH_INTERVAL,
    }


def test_deploy_command_deploys_once(tester_chain, capsys):
    _web3, registry = tester_chain
    call_command("trace_deploy")
    assert "Already deployed" in capsys.readouterr().out
    assert RegistryDeployment.objects.get() == registry


def test_gtin_command_fills_in_missing_gtins(capsys):
    factories.product("Chè 1")
    factories.product("Chè 2")
    call_command("trace_gtin")
    assert "Allocated 2 GTINs." in capsys.readouterr().out
    call_command("trace_gtin")
    assert "Allocated 0 GTINs." in capsys.readouterr().out


def test_keystore_command_writes_an_encrypted_key_and_a_private_password(tmp_path):
    keystore, password = tmp_path / "k.json", tmp_path / "k.password"
    call_command("trace_keystore", str(keystore), str(password))
    assert oct(password.stat().st_mode & 0o777) == "0o600"
    assert '"kdf": "scrypt"' in keystore.read_text()
    from django.test import override_settings

    from traceability import ledger

    with override_settings(
        CHAIN_ANCHOR_KEY="",
        CHAIN_ANCHOR_KEYSTORE=str(keystore),
        CHAIN_ANCHOR_KEYSTORE_PASSWORD_FILE=str(password),
    ):
        account = ledger.anchor_account()
    assert account.address.lower() == "0x" + json.loads(keystore.read_text())["address"].lower()


def test_batches_wait_for_the_minimum_or_the_maximum_wait(make_lot, tester_chain, settings):
    settings.TRACE_BATCH_MIN = 3
    settings.TRACE_BATCH_MAX_WAIT = 3600
    make_lot()
    assert services.batch_open() is None  # one event: wait for more
    later = timezone.now() + timedelta(hours=2)
    batch = services.batch_open(now=later)  # the oldest has waited long enough
    assert batch is not None and batch.count == 1
    assert services.batch_open() == batch  # the unfinished batch comes back first


def test_one_batch_at_a_time_and_leases(make_lot, tester_chain):
    make_lot()
    batch = services.batch_open()
    assert services.batch_lease(batch_id=batch.pk, owner="a")
    assert not services.batch_lease(batch_id=batch.pk, owner="b")
    assert services.batch_lease(batch_id=batch.pk, owner="a")  # renewal
    AnchorBatch.objects.filter(pk=batch.pk).update(lease_until=timezone.now() - timedelta(1))
    assert services.batch_lease(batch_id=batch.pk, owner="b")  # an expired lease is taken over
    assert tasks.anchor_batch.delay(batch.pk).get() is None  # leased to "b": this run stands by


def test_no_registry_means_events_wait(make_lot, settings):
    settings.CHAIN_RPC_URL = ""
    make_lot()
    assert tasks.anchor_pending.delay().get() is None
    assert Event.objects.filter(proof__isnull=True).count() == 1


def test_lot_codes_are_unique_per_product_and_valid(make_lot):
    product = factories.product()
    make_lot(product, code="L1")
    with pytest.raises(ValidationError):
        make_lot(product, code="L1")
    with pytest.raises(ValidationError):
        make_lot(product, code="LÔ 1")
    assert Lot.objects.count() == 1


def test_producers_cannot_record_inspections_or_second_harvests(make_lot, django_user_model):
    lot = make_lot()
    with pytest.raises(ValidationError):
        services.event_record(lot=lot, biz_step="commissioning", actor=None)
    with pytest.raises(ValidationError):
        services.event_record(lot=lot, biz_step="inspecting", actor=None)
    producer = django_user_model.objects.create_user("p", "p@example.vn", "pw-123456")
    with pytest.raises(ValidationError):
        services.inspection_record(
            lot=lot, inspector=producer, result="pass", notes="", passphrase="x" * 12
        )


def test_a_flagged_lot_is_not_shipped(make_lot):
    lot = make_lot()
    Lot.objects.filter(pk=lot.pk).update(flagged_at=timezone.now())
    lot.refresh_from_db()
    with pytest.raises(ValidationError):
        services.lot_shipment_record(order_line=_FakeLine(lot.product_id), lot=lot, quantity=1)


class _FakeLine:
    def __init__(self, product_id):
        self.product_id = product_id
        self.quantity = 1


def test_transforming_events_name_their_input(make_lot):
    lot = make_lot()
    event = services.event_record(
        lot=lot, biz_step="transforming", actor=None, quantity=Decimal("100")
    )
    payload = event.payload
    assert payload["type"] == "TransformationEvent"
    assert payload["inputQuantityList"] == [{"epcClass": lot.epc_class}]
    assert payload["outputQuantityList"][0]["quantity"] == "100"


def test_labels_need_a_vietnamese_font(settings):
    regular, bold = labels.font_files()
    assert regular.name == "DejaVuSans.ttf" and bold.name == "DejaVuSans-Bold.ttf"
    settings.TRACE_LABEL_FONT_DIRS = ["/nonexistent"]
    with pytest.raises(ImproperlyConfigured, match="fonts-dejavu-core"):
        labels.font_files()


@pytest.mark.parametrize("missing", ["CHAIN_RPC_URL", "CHAIN_ANCHOR_KEY", "GS1_COMPANY_PREFIX"])
def test_production_refuses_to_start_without_the_chain_configuration(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0 and missing in result.stderr


def test_production_accepts_a_keystore_instead_of_a_raw_key(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CHAIN_ANCHOR_KEY"}
    env["CHAIN_ANCHOR_KEYSTORE"] = str(tmp_path / "k.json")
    assert manage("check", env=env).returncode != 0  # a keystore needs its password
    env["CHAIN_ANCHOR_KEYSTORE_PASSWORD_FILE"] = str(tmp_path / "k.password")
    result = manage("check", env=env)
    assert result.returncode == 0, result.stderr
