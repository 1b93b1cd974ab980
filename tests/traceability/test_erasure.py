"""Erasing a person's data from lot histories (``traceability.services.erasure``): the values go,
every proof stays, and the request is recorded. Integration: lots recorded through the services,
anchored on the in-process EVM, checked by the same verifier the lot page uses."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from shop.accounts.models import Profile
from shop.partner.models import ProducerKind
from tests import factories
from traceability import selectors, services, tasks
from traceability.models import ErasureRequest, EventDisclosure, Lot
from traceability.proofs import Status

pytestmark = pytest.mark.django_db

NAME = "Thào Mí Sính"
HOUSEHOLD = "Hộ Giàng Thị Dợ"
ACTOR = "/chophien:actor/name"


@pytest.fixture
def household(django_user_model):
    producer = factories.producer(HOUSEHOLD, code="ho-sinh")
    assert producer.kind == ProducerKind.HOUSEHOLD
    user = factories.producer_user(producer, email="sinh@example.vn")
    user.first_name = NAME
    user.save()
    product = factories.product("Mật ong bạc hà 500ml", maker=producer)
    return producer, user, product


def _lot(product, user, code, *, schema_version=None):
    lot = services.lot_create(
        product=product,
        code=code,
        production_date=date(2026, 11, 3),
        quantity=Decimal("240"),
        unit="LTR",
        actor=user,
        latitude=Decimal("23.2789"),
        longitude=Decimal("105.3637"),
        schema_version=schema_version,
    )
    services.event_record(
        lot=lot, biz_step="packing", actor=user, details="Đóng gói.", schema_version=schema_version
    )
    return lot


def _bundle_text(lot) -> str:
    return json.dumps(selectors.lot_bundle(lot=lot), ensure_ascii=False)


def test_erasing_an_account_withholds_its_name_and_every_proof_still_holds(
    household, tester_chain, django_capture_on_commit_callbacks
):
    producer, user, product = household
    lot = _lot(product, user, "MO-2611-01")
    other = factories.producer_user(producer, email="con@example.vn")
    other.first_name = "Thào Thị Mỷ"
    other.save()
    services.event_record(lot=lot, biz_step="shipping", actor=other, details="Gửi đi.")
    tasks.anchor_pending.delay()
    before = selectors.lot_check(lot=lot)
    assert before.status == Status.VERIFIED and NAME in _bundle_text(lot)

    with django_capture_on_commit_callbacks(execute=True):
        done = services.personal_data_erase(
            operator=factories.operator(),
            reference="YC-2026-001",
            reason="Thư ngày 5/12",
            user=user,
        )

    assert done.values_erased == 2  # the harvest and the packing: each named who recorded it
    assert done.lots_cleared == 0 and done.schema_1_events == 0
    request = ErasureRequest.objects.get()
    assert (request.user, request.producer, request.values_erased) == (user, None, 2)
    assert request.reference == "YC-2026-001" and request.reason == "Thư ngày 5/12"

    after = selectors.lot_check(lot=lot)
    assert after.status == Status.VERIFIED, after.verdict
    assert [e.digest for e in after.events] == [e.digest for e in before.events]
    assert [v.withheld for v in after.verdict.events] == [[ACTOR], [ACTOR], []]
    text = _bundle_text(lot)
    assert NAME not in text
    assert "Thào Thị Mỷ" in text and HOUSEHOLD in text  # someone else's, and the household's
    erased = after.bundle["events"][0]["disclosures"]
    today = timezone.localdate().isoformat()  # the date of the erasure in Vietnam
    assert {"path": ACTOR, "withheld": "erased", "erasedAt": today} in erased
    row = EventDisclosure.objects.filter(subject_user=user).first()
    assert (row.salt, row.value, row.erasure) == ("", None, request)


def test_erasing_a_household_withholds_its_name_and_coordinates_and_clears_its_lots(
    household, tester_chain
):
    producer, user, product = household
    lot = _lot(product, user, "MO-2611-02")
    tasks.anchor_pending.delay()
    digests = [e.digest for e in selectors.lot_events(lot=lot)]

    held = services.personal_data_held(producer=producer)
    assert (held.values, held.lots_with_coordinates, held.schema_1_events, held.lots) == (
        3,  # the household's name (harvest), its coordinates (harvest, packing)
        1,
        0,
        1,
    )
    done = services.personal_data_erase(
        operator=factories.operator(), reference="YC-2026-002", reason="", producer=producer
    )
    assert (done.values_erased, done.lots_cleared) == (3, 1)
    lot.refresh_from_db()
    assert (lot.latitude, lot.longitude) == (None, None)
    check = selectors.lot_check(lot=lot)
    assert check.status == Status.VERIFIED, check.verdict
    assert [e.digest for e in check.events] == digests
    assert sorted(check.verdict.events[0].withheld) == [
        "/bizLocation/chophien:geo",
        "/ilmd/chophien:producer/name",
    ]
    text = _bundle_text(lot)
    assert HOUSEHOLD not in text and "23.2789" not in text
    assert NAME in text  # the account is another subject: asked separately
    held = services.personal_data_held(producer=producer)
    assert (held.values, held.erased, held.lots_with_coordinates) == (0, 3, 0)


def test_schema_1_events_are_counted_not_erased(household):
    producer, user, product = household
    old = _lot(product, user, "MO-2511-01", schema_version=1)
    new = _lot(product, user, "MO-2611-03")
    operator = factories.operator()

    by_user = services.personal_data_erase(
        operator=operator, reference="YC-1", reason="", user=user
    )
    assert (by_user.values_erased, by_user.schema_1_events) == (2, 2)
    by_household = services.personal_data_erase(
        operator=operator, reference="YC-2", reason="", producer=producer
    )
    # v1: harvest (name in ilmd, coordinates) and packing (coordinates) still name them
    assert (by_household.values_erased, by_household.schema_1_events) == (3, 2)
    assert by_household.lots_cleared == 2
    assert NAME in _bundle_text(old) and NAME not in _bundle_text(new)
    assert selectors.lot_check(lot=old).verdict.problems == []


def test_a_second_request_erases_nothing_more_and_the_first_keeps_its_rows(household):
    _producer, user, product = household
    _lot(product, user, "MO-2611-04")
    operator = factories.operator()
    first = services.personal_data_erase(operator=operator, reference="A", reason="", user=user)
    second = services.personal_data_erase(operator=operator, reference="B", reason="", user=user)
    assert (first.values_erased, second.values_erased) == (2, 0)
    assert set(
        EventDisclosure.objects.filter(subject_user=user).values_list("erasure", flat=True)
    ) == {first.request.pk}
    # events recorded afterwards commit the name anew: erasure is of what was held
    lot = Lot.objects.get(code="MO-2611-04")
    services.event_record(lot=lot, biz_step="shipping", actor=user, details="")
    assert services.personal_data_held(user=user).values == 1


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("nobody", "either an account or a household"),
        ("both", "either an account or a household"),
        ("cooperative", "a cooperative's or an enterprise's name stays"),
    ],
)
def test_the_person_must_be_one_account_or_one_household(household, who, message):
    producer, user, _product = household
    coop = factories.producer("HTX Chè Tà Xùa", code="htx")
    coop.kind = ProducerKind.COOPERATIVE
    coop.save()
    subject = {
        "nobody": {},
        "both": {"user": user, "producer": producer},
        "cooperative": {"producer": coop},
    }[who]
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        services.personal_data_erase(
            operator=factories.operator(), reference="X", reason="", **subject
        )
    assert not ErasureRequest.objects.exists()


def test_only_an_operator_erases_and_a_reference_is_required(household):
    _producer, user, product = household
    _lot(product, user, "MO-2611-05")
    with translation.override("en"), pytest.raises(ValidationError, match="Only operators"):
        services.personal_data_erase(operator=user, reference="X", reason="", user=user)
    with pytest.raises(ValidationError):
        services.personal_data_erase(
            operator=factories.operator(), reference="   ", reason="", user=user
        )
    assert not ErasureRequest.objects.exists()
    assert services.personal_data_held(user=user).values == 2


def test_people_are_found_by_e_mail_or_phone_and_households_by_name(household):
    producer, user, _product = household
    Profile.objects.update_or_create(user=user, defaults={"phone": "+84912345678"})
    producer.phone = "+84987654321"
    producer.save()
    assert services.erasure_subjects_find(query="SINH@example.vn") == ([user], [])
    assert services.erasure_subjects_find(query="0912 345 678") == ([user], [])
    assert services.erasure_subjects_find(query="0987654321") == ([], [producer])
    assert services.erasure_subjects_find(query="giàng thị") == ([], [producer])
    assert services.erasure_subjects_find(query="  ") == ([], [])


# --------------------------------------------------------------------------- the operators' page


def test_an_operator_finds_the_person_confirms_and_sees_the_request(client, household):
    producer, user, product = household
    lot = _lot(product, user, "MO-2611-06")
    operator = factories.operator()
    client.force_login(operator)
    found = client.get(reverse("traceability:erasure"), {"q": "sinh@example.vn"})
    assert found.status_code == 200
    confirm_url = reverse(
        "traceability:erasure-confirm", kwargs={"subject": "account", "pk": user.pk}
    )
    assert confirm_url in found.content.decode()

    page = client.get(confirm_url)
    assert page.status_code == 200 and page.context["held"].values == 2

    refused = client.post(confirm_url, {"reference": "YC-9", "reason": ""})  # not confirmed
    assert refused.status_code == 400
    assert not ErasureRequest.objects.exists()
    assert services.personal_data_held(user=user).values == 2

    done = client.post(confirm_url, {"reference": "YC-9", "reason": "Thư tay", "confirm": "on"})
    record = ErasureRequest.objects.get()
    assert done.status_code == 302
    assert done.url == reverse("traceability:erasure-detail", kwargs={"pk": record.pk})
    assert (record.operator, record.user, record.values_erased) == (operator, user, 2)
    detail = client.get(done.url).content.decode()
    assert "YC-9" in detail and lot.code in detail and "Thư tay" in detail
    assert "YC-9" in client.get(reverse("traceability:erasure")).content.decode()
    assert NAME not in client.get(f"/01/{lot.gtin14}/10/{lot.code}?format=json").content.decode()


def test_a_household_is_found_by_name_and_its_schema_1_events_are_announced(client, household):
    producer, user, product = household
    _lot(product, user, "MO-2511-07", schema_version=1)
    client.force_login(factories.operator())
    found = client.get(reverse("traceability:erasure"), {"q": "Giàng"}).content.decode()
    url = reverse(
        "traceability:erasure-confirm", kwargs={"subject": "household", "pk": producer.pk}
    )
    assert url in found
    page = client.get(url)
    assert page.context["held"].schema_1_events == 2
    account_url = reverse(
        "traceability:erasure-confirm", kwargs={"subject": "account", "pk": user.pk}
    )
    assert account_url in page.content.decode()  # the household's own account, asked apart
    done = client.post(url, {"reference": "YC-10", "confirm": "on"})
    assert done.status_code == 302
    assert ErasureRequest.objects.get().producer == producer
    assert Lot.objects.get(code="MO-2511-07").latitude is None


def test_the_erasure_pages_refuse_everyone_but_operators_and_bad_subjects(client, household):
    producer, user, _product = household
    coop = factories.producer("HTX Chè Tà Xùa", code="htx-2")
    coop.kind = ProducerKind.COOPERATIVE
    coop.save()
    record = ErasureRequest.objects.create(
        user=user, reference="YC-11", operator=factories.operator("op2@example.com")
    )
    urls = [
        reverse("traceability:erasure"),
        reverse("traceability:erasure-detail", kwargs={"pk": record.pk}),
        reverse("traceability:erasure-confirm", kwargs={"subject": "account", "pk": user.pk}),
        reverse("traceability:erasure-confirm", kwargs={"subject": "household", "pk": producer.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(user)  # the household's own producer account
    for url in urls:
        assert client.get(url).status_code == 403
        assert client.post(url, {"reference": "X", "confirm": "on"}).status_code in (403, 405)
    assert ErasureRequest.objects.count() == 1
    client.force_login(factories.operator())
    for subject, pk in (
        ("household", coop.pk),
        ("household", 999999),
        ("account", 999999),
        ("nobody", user.pk),
    ):
        url = reverse("traceability:erasure-confirm", kwargs={"subject": subject, "pk": pk})
        assert client.get(url).status_code == 404
    assert (
        client.get(reverse("traceability:erasure-detail", kwargs={"pk": 999999})).status_code == 404
    )
    assert client.get(reverse("traceability:erasure"), {"q": "x" * 500}).status_code == 400
    assert client.post(reverse("traceability:erasure")).status_code == 405


def test_the_erasure_pages_read_in_vietnamese(client, household):
    from tests.shop.test_vietnamese_pages import slips_in

    producer, user, product = household
    _lot(product, user, "MO-2511-08", schema_version=1)
    client.force_login(factories.operator())
    confirm = reverse(
        "traceability:erasure-confirm", kwargs={"subject": "household", "pk": producer.pk}
    )
    pages = {
        "search": client.get(reverse("traceability:erasure"), {"q": "Giàng"}),
        "nobody": client.get(reverse("traceability:erasure"), {"q": "khong-co@example.vn"}),
        "confirm": client.get(confirm),
        "refused": client.post(confirm, {"reference": ""}),
    }
    done = client.post(confirm, {"reference": "YC-12", "reason": "Đơn giấy", "confirm": "on"})
    pages["detail"] = client.get(done.url)
    pages["history"] = client.get(reverse("traceability:erasure"))
    for label, response in pages.items():
        html = response.content.decode()
        assert slips_in(html) == [], label
        assert "Xóa dữ liệu cá nhân" in html, label
    assert "Không thể xóa" in pages["confirm"].content.decode()  # the schema-1 events
