"""Fixtures of the security suite: a floor whose authored text an attacker controls.

`authored` builds one of everything a non-staff person writes (a producer with its product,
category, pending listing change and lot; an application) plus the people who look at it, and
`authored.write(text)` puts `text` straight into every authored field with `.update()`,
bypassing forms and services, as an import, the admin or a direct SQL edit would.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from shop.onboarding.models import Application, Document, Reply
from shop.producers.models import ListingChange
from tests import factories

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")

PRODUCT_FIELDS = ("title", "description", "geographical_indication", "season", "storage")
PRODUCER_FIELDS = ("name", "story", "representative")
APPLICATION_FIELDS = (
    "name",
    "representative",
    "registration_number",
    "payout_account_holder",
    "products",
)
MARKER = "mẫu-thử-7"
HARMLESS = f"Mật ong <b>bạc hà</b> & <em>thơm</em> {MARKER}\n\nĐồng Văn"

_lot_codes = itertools.count(1)


def _fit(model, name: str, text: str) -> str:
    limit = model._meta.get_field(name).max_length
    return text[:limit] if limit else text


@dataclass
class Authored:
    product: Any
    producer: Any
    category: Any
    change: Any
    application: Any
    operator: Any
    producer_user: Any
    lots: list = field(default_factory=list)

    def write(self, text: str) -> None:
        """`text` in every field a producer or applicant writes, straight into the database."""
        Product.objects.filter(pk=self.product.pk).update(
            **{name: _fit(Product, name, text) for name in PRODUCT_FIELDS}
        )
        Partner.objects.filter(pk=self.producer.pk).update(
            **{name: _fit(Partner, name, text) for name in PRODUCER_FIELDS}
        )
        Category.objects.filter(pk=self.category.pk).update(
            name=_fit(Category, "name", text), description=text
        )
        proposed = {name: text for name in PRODUCT_FIELDS}
        ListingChange.objects.filter(pk=self.change.pk).update(proposed=proposed)
        Application.objects.filter(pk=self.application.pk).update(
            **{name: _fit(Application, name, text) for name in APPLICATION_FIELDS}
        )
        Reply.objects.filter(application=self.application).update(message=text)
        Document.objects.filter(application=self.application).update(
            original_name=_fit(Document, "original_name", text)
        )

    def lot_with(self, text: str):
        """A lot of the product whose harvest record's details are `text` (recorded through
        the service, which keeps them as written) and whose certificates are `text`."""
        from traceability import services as trace

        lot = trace.lot_create(
            product=self.product,
            code=f"XSS-{next(_lot_codes):04d}",
            production_date=date(2026, 11, 20),
            quantity=Decimal("10"),
            unit="KGM",
            actor=self.producer_user,
            details=text,
        )
        type(lot).objects.filter(pk=lot.pk).update(
            ocop_certificate=_fit(type(lot), "ocop_certificate", text),
            gi_certificate=_fit(type(lot), "gi_certificate", text),
        )
        return lot


@pytest.fixture
def authored(db, settings):
    settings.PAGE_CACHE_SECONDS = 0  # rows change under the pages without signals
    producer = factories.producer(name="HTX Mật ong bạc hà Đồng Văn")
    category = factories.category("Mật ong")
    product = factories.product(
        "Mật ong bạc hà 500ml", maker=producer, categories=[category], description="<p>Ngon</p>"
    )
    producer_user = factories.producer_user(producer)
    operator = get_user_model().objects.create_superuser(
        "van-hanh", "van-hanh@example.com", "pw-123456789"
    )
    change = ListingChange.objects.create(
        product=product,
        partner=producer,
        kind=ListingChange.Kind.CHANGE,
        proposed={},
        submitted_by=producer_user,
    )
    application = Application.objects.create(
        kind=producer.kind,
        name="HTX Hoa Ban",
        representative="Lò Thị Mai",
        phone="0912345678",
        email="hoaban@example.com",
        province_code=8,
        ward_code=factories.DONG_VAN,
        payout_bank_bin="970436",
        payout_account_number="0071000123456",
        payout_account_holder="LO THI MAI",
        products="Mật ong hoa ban",
    )
    Reply.objects.create(application=application, message="Đã bổ sung giấy phép.")
    Document.objects.create(
        application=application,
        file="applications/giay-phep.pdf",
        original_name="giay-phep.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    return Authored(
        product=product,
        producer=producer,
        category=category,
        change=change,
        application=application,
        operator=operator,
        producer_user=producer_user,
    )
