"""Demo lots for the demo floor (called by ``shop.demo.demo_load``; idempotent).

The lots are data (``lots.yaml`` next to this module), by the code of the producer who made them.

A few lots per producer with their harvest, packing and shipping events (schema 2, but a
producer's second lot keeps schema 1, see ``demo_lot_schema``); a signing key for the
demo inspector and, once the ledger is up, an accredited inspector's signed inspection. After
the loading transaction commits, an anchoring run is queued: the lots are anchored at once when
the chain is up, and wait (queued) otherwise.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from oscar.core.loading import get_model

from traceability import ledger, services
from traceability.chain import ChainError
from traceability.demo.certificates import demo_certificates
from traceability.models import BizStep, InspectorKey, Lot
from traceability.selectors import registry_current

logger = logging.getLogger(__name__)
Partner = get_model("partner", "Partner")

DEMO_SIGNING_PASSPHRASE = "cho-phien-demo-ky"  # noqa: S105 (a published demo passphrase)
INSPECTOR_EMAIL = "inspector@chophien.test"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

LOTS: dict[str, dict] = yaml.safe_load(
    (Path(__file__).parent / "lots.yaml").read_text(encoding="utf-8")
)


def demo_traceability_load() -> int:
    """Ensure the demo lots (inside the caller's transaction, once the demo producers exist);
    return how many were created."""
    services.products_gtin_allocate()
    producers = Partner.objects.in_bulk(list(LOTS), field_name="code")
    created = 0
    for index, (code, spec) in enumerate(LOTS.items()):
        producer = producers[code]
        # Each lot is recorded by its own producer's user; the floor itself (no actor) for
        # demo producers who have no account.
        actor = producer.users.order_by("pk").first()
        product = producer.products.order_by("pk").first()
        if product is None:
            continue
        quantity, lat, lon = spec["quantity"], spec["latitude"], spec["longitude"]
        for number, lot_code in enumerate(spec["lots"]):
            if Lot.objects.filter(product=product, code=lot_code).exists():
                continue
            harvest = datetime(2025, 11, 3 + index, 7, 30, tzinfo=HANOI) - timedelta(
                days=20 * number
            )
            schema = demo_lot_schema(number)
            lot = services.lot_create(
                product=product,
                code=lot_code,
                production_date=harvest.date(),
                quantity=Decimal(quantity),
                unit=spec["unit"],
                actor=actor,
                latitude=Decimal(lat) if lat else None,
                longitude=Decimal(lon) if lon else None,
                ocop_certificate=f"OCOP-TQ-2025-{index + 1:03d}" if product.ocop_stars else "",
                gi_certificate="GI-00045" if product.geographical_indication else "",
                details=f"Thu hoạch tại {producer.location_label}.",
                event_time=harvest,
                schema_version=schema,
            )
            services.event_record(
                lot=lot,
                biz_step=BizStep.PACKING,
                actor=actor,
                details="Đóng gói, dán nhãn truy xuất tại cơ sở.",
                event_time=harvest + timedelta(days=2, hours=3),
                schema_version=schema,
            )
            if number == 0:
                services.event_record(
                    lot=lot,
                    biz_step=BizStep.SHIPPING,
                    actor=actor,
                    details="Gửi về kho Chợ Phiên.",
                    quantity=Decimal(quantity) / 4,
                    event_time=harvest + timedelta(days=4),
                    schema_version=schema,
                )
            created += 1
    _ensure_inspector_key()
    transaction.on_commit(demo_chain_work)
    return created


def demo_lot_schema(number: int) -> int:
    """The event schema of a producer's demo lot ``number`` (0 for the first): the second lot
    was recorded before personal data was committed and keeps schema 1, so the floor shows both
    kinds side by side (schema 1 stays verifiable forever); every other lot is schema 2."""
    return 1 if number == 1 else 2


def _ensure_inspector_key() -> None:
    inspector = get_user_model().objects.filter(email=INSPECTOR_EMAIL).first()
    if inspector and not InspectorKey.objects.filter(user=inspector, revoked_at=None).exists():
        services.inspector_key_create(user=inspector, passphrase=DEMO_SIGNING_PASSPHRASE)


def demo_chain_work() -> None:
    """After the demo is committed: accredit the demo inspector, sign one inspection per
    producer's first lot, and queue anchoring. Without a chain, the events simply wait."""
    from traceability import tasks

    key = InspectorKey.objects.filter(user__email=INSPECTOR_EMAIL, revoked_at=None).first()
    if ledger.configured() and registry_current() is not None and key is not None:
        try:
            if key.accredited_at is None:
                services.inspector_accredit(key=key, timeout=30)
            for lot in Lot.objects.filter(code__in=[spec["lots"][0] for spec in LOTS.values()]):
                if not lot.events.filter(biz_step=BizStep.INSPECTING).exists():
                    services.inspection_record(
                        lot=lot,
                        inspector=key.user,
                        result="pass",
                        notes="Mẫu đạt chỉ tiêu an toàn thực phẩm (kết quả kiểm nghiệm kèm theo).",
                        passphrase=DEMO_SIGNING_PASSPHRASE,
                    )
            demo_certificates(key=key, passphrase=DEMO_SIGNING_PASSPHRASE, lots=LOTS, zone=HANOI)
        except ChainError:
            logger.warning("the chain is not reachable: demo inspections wait", exc_info=True)
    if settings.CHAIN_RPC_URL:
        tasks.anchor_pending.delay()
