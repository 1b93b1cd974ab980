"""Producers list their own products; what buyers read waits for an operator, price and stock
go live at once; operators can do the same on a producer's behalf."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shop import demo
from shop.producers.models import ListingChange
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def honey():
    return factories.producer("HTX Mật ong Đồng Văn", code="mat-ong")


@pytest.fixture
def tea():
    return factories.producer("HTX Chè Shan Tuyết", code="che", ward=factories.MEO_VAC)


def jpeg(name="a.jpg"):
    return SimpleUploadedFile(name, demo.product_image("x", "#3f7d3a", seed=1), "image/jpeg")


def form_data(**overrides):
    category = factories.category()
    data = {
        "title": "Mật ong hoa bạc hà 250ml",
        "description": "Mật ong thu vào mùa hoa tháng 11.",
        "categories": [category.pk],
        "origin_province_code": 8,
        "origin_ward_code": factories.DONG_VAN,
        "ocop_stars": "4",
        "geographical_indication": "",
        "season": "Tháng 10 - 12",
        "net_quantity": "250",
        "net_unit": "ml",
        "shelf_life_days": "730",
        "storage": "Nơi khô ráo",
        "price": "180000",
        "num_in_stock": "30",
    }
    data.update(overrides)
    return data


def storefront_sees(client, product) -> bool:
    return client.get(product.get_absolute_url()).status_code == 200


def test_a_new_product_waits_for_approval_then_goes_on_sale(client, honey):
    producer_client, operator_client = client.__class__(), client.__class__()
    producer_client.force_login(factories.producer_user(honey))
    operator = factories.operator()
    operator_client.force_login(operator)

    response = producer_client.post(
        reverse("producer-dashboard:product-create"), {**form_data(), "images": [jpeg()]}
    )
    assert response.status_code == 302, errors(response)
    change = ListingChange.objects.get()
    product = change.product
    assert change.kind == "new" and change.status == "pending" and change.partner == honey
    assert not product.is_public and product.producer == honey
    assert product.images.count() == 1
    record = product.stockrecords.get()
    assert record.partner == honey and record.price == Decimal(180000) and record.num_in_stock == 30
    assert not storefront_sees(client, product)

    listing = operator_client.get(reverse("listings-dashboard:list")).content.decode()
    assert product.title in listing
    operator_client.post(
        reverse("listings-dashboard:detail", kwargs={"pk": change.pk}), {"decision": "approve"}
    )
    change.refresh_from_db()
    product.refresh_from_db()
    assert change.status == "approved" and change.decided_by == operator and change.decided_at
    assert product.is_public and storefront_sees(client, product)


def test_name_and_description_changes_wait_but_price_and_stock_go_live(client, honey):
    product = factories.product("Mật ong bạc hà 500ml", price="350000", stock=10, maker=honey)
    client.force_login(factories.producer_user(honey))
    url = reverse("producer-dashboard:product-edit", kwargs={"pk": product.pk})
    response = client.post(
        url,
        form_data(
            title="Mật ong bạc hà thượng hạng 500ml",
            description="Mới<script>alert(1)</script>",
            price="320000",
            num_in_stock="25",
        ),
    )
    assert response.status_code == 302, errors(response)
    product.refresh_from_db()
    record = product.stockrecords.get()
    assert record.price == Decimal(320000) and record.num_in_stock == 25  # live at once
    assert product.title == "Mật ong bạc hà 500ml"  # waits
    change = ListingChange.objects.get(product=product, status="pending")
    assert change.proposed["title"] == "Mật ong bạc hà thượng hạng 500ml"
    assert change.proposed["description"] == "<p>Mới</p>"  # normalised to the allow-list
    page = client.get(product.get_absolute_url()).content.decode()
    assert "Mật ong bạc hà 500ml" in page and "thượng hạng" not in page

    operator_client = client.__class__()
    operator_client.force_login(factories.operator())
    detail = operator_client.get(reverse("listings-dashboard:detail", kwargs={"pk": change.pk}))
    assert "thượng hạng" in detail.content.decode()
    operator_client.post(
        reverse("listings-dashboard:detail", kwargs={"pk": change.pk}), {"decision": "approve"}
    )
    product.refresh_from_db()
    assert product.title == "Mật ong bạc hà thượng hạng 500ml"
    assert product.description == "<p>Mới</p>"


def test_only_price_and_stock_changed_needs_no_review(client, honey):
    product = factories.product("Mật ong 250ml", price="100000", stock=5, maker=honey)
    client.force_login(factories.producer_user(honey))
    url = reverse("producer-dashboard:product-edit", kwargs={"pk": product.pk})
    page = client.get(url)
    assert page.status_code == 200
    data = {field.name: field.value() for field in page.context["form"] if field.name != "images"}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["categories"] = [c.pk for c in product.categories.all()] or [factories.category().pk]
    data.update(price="90000", num_in_stock="7")
    response = client.post(url, data)
    assert response.status_code == 302, errors(response)
    record = product.stockrecords.get()
    assert record.price == Decimal(90000) and record.num_in_stock == 7
    # the category was the only other difference (the factory gives none); nothing else waits
    pending = ListingChange.objects.filter(product=product, status="pending").first()
    assert pending is None or set(pending.proposed) <= {"categories"}


def test_an_image_added_to_a_live_product_waits(client, honey):
    product = factories.product("Mật ong 250ml", maker=honey, image=True)
    client.force_login(factories.producer_user(honey))
    url = reverse("producer-dashboard:product-edit", kwargs={"pk": product.pk})
    data = form_data(title=product.title, description=product.description)
    response = client.post(url, {**data, "images": [jpeg("new.jpg")]})
    assert response.status_code == 302, errors(response)
    assert product.images.count() == 1
    change = ListingChange.objects.get(product=product, status="pending")
    assert change.new_images.count() == 1

    from shop.producers import services

    services.listing_change_approve(change=change, actor=factories.operator())
    assert product.images.count() == 2


def test_rejection_keeps_the_live_product_and_tells_the_producer_why(client, honey):
    product = factories.product("Mật ong 250ml", maker=honey)
    client.force_login(factories.producer_user(honey))
    url = reverse("producer-dashboard:product-edit", kwargs={"pk": product.pk})
    client.post(url, form_data(title="Mật ong chữa bách bệnh"))
    change = ListingChange.objects.get(product=product, status="pending")

    operator_client = client.__class__()
    operator_client.force_login(factories.operator())
    detail = reverse("listings-dashboard:detail", kwargs={"pk": change.pk})
    refused = operator_client.post(detail, {"decision": "reject", "reason": ""})
    assert refused.status_code == 200 and "reason" in refused.context["reject_form"].errors
    operator_client.post(
        detail, {"decision": "reject", "reason": "Không được quảng cáo chữa bệnh."}
    )
    change.refresh_from_db()
    product.refresh_from_db()
    assert change.status == "rejected" and product.title == "Mật ong 250ml"
    again = operator_client.post(detail, {"decision": "approve"})
    assert again.status_code == 200  # already decided: nothing changes
    product.refresh_from_db()
    assert product.title == "Mật ong 250ml"
    assert "Không được quảng cáo chữa bệnh." in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("price", "-1"), ("num_in_stock", "-3"), ("price", "12.5"), ("title", "")],
)
def test_bad_values_are_refused_with_a_message(client, honey, field, value):
    client.force_login(factories.producer_user(honey))
    response = client.post(
        reverse("producer-dashboard:product-create"), form_data(**{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ListingChange.objects.exists()


def test_a_renamed_pdf_is_not_an_image(client, honey):
    client.force_login(factories.producer_user(honey))
    fake = SimpleUploadedFile("anh.jpg", b"%PDF-1.4 not an image", "image/jpeg")
    response = client.post(
        reverse("producer-dashboard:product-create"), {**form_data(), "images": [fake]}
    )
    assert response.status_code == 200 and "images" in response.context["form"].errors


def test_stock_cannot_drop_below_units_already_in_orders(client, honey):
    product = factories.product("Mật ong 250ml", stock=10, maker=honey)
    product.stockrecords.update(num_allocated=4)
    client.force_login(factories.producer_user(honey))
    url = reverse("producer-dashboard:product-edit", kwargs={"pk": product.pk})
    response = client.post(url, form_data(title=product.title, num_in_stock="3"))
    assert response.status_code == 200
    assert "4" in str(response.context["form"].non_field_errors())
    assert product.stockrecords.get().num_in_stock == 10


def test_a_producer_sees_and_edits_only_their_own_products(client, honey, tea):
    theirs = factories.product("Chè Shan Tuyết 200g", maker=tea)
    mine = factories.product("Mật ong 250ml", maker=honey)
    client.force_login(factories.producer_user(honey))
    listing = client.get(reverse("producer-dashboard:product-list")).content.decode()
    assert mine.title in listing and theirs.title not in listing
    url = reverse("producer-dashboard:product-edit", kwargs={"pk": theirs.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(price="1")).status_code == 404
    assert theirs.stockrecords.get().price != Decimal(1)


def test_an_operator_acting_for_a_producer_is_recorded(client, honey):
    operator = factories.operator()
    client.force_login(operator)
    create = reverse("producer-dashboard:product-create")
    assert client.get(create).status_code == 302  # choose a producer first
    client.post(reverse("producer-dashboard:choose"), {"producer": honey.code, "next": create})
    page = client.get(create)
    assert page.status_code == 200 and honey.name in page.content.decode()
    client.post(create, form_data())
    change = ListingChange.objects.get()
    assert change.partner == honey and change.product.producer == honey
    assert change.submitted_by == operator and change.submitted_on_behalf
    client.post(reverse("producer-dashboard:stop-acting"))
    assert client.get(create).status_code == 302


def test_a_buyer_and_a_producer_cannot_use_the_operators_pages(client, honey):
    change_url = reverse("listings-dashboard:list")
    assert client.get(change_url).status_code == 302  # to the login page
    client.force_login(factories.producer_user(honey))
    assert client.get(change_url).status_code == 403
    assert (
        client.post(reverse("producer-dashboard:choose"), {"producer": honey.code}).status_code
        == 403
    )


def errors(response):
    form = (response.context or {}).get("form")
    return form.errors if form is not None else response.status_code


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_the_producer_hears_of_the_decision(
    client, honey, decision, django_capture_on_commit_callbacks
):
    from django.core import mail

    from shop.producers import services

    honey.email = "mat-ong@example.com"
    honey.save()
    product = factories.product("Mật ong 250ml", maker=honey)
    user = factories.producer_user(honey)
    change = services.product_update(
        product=product,
        producer=honey,
        actor=user,
        on_behalf=False,
        values={"title": "Mật ong chữa bách bệnh"},
        price=Decimal(100000),
        num_in_stock=5,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if decision == "approve":
            services.listing_change_approve(change=change, actor=factories.operator())
        else:
            services.listing_change_reject(
                change=change, actor=factories.operator(), reason="Không quảng cáo chữa bệnh."
            )
    (message,) = [m for m in mail.outbox if "mat-ong@example.com" in m.to]
    assert f"/dashboard/producer/products/{product.pk}/" in message.body
    if decision == "reject":
        assert "Không quảng cáo chữa bệnh." in message.body


def test_the_edit_form_shows_the_price_in_whole_dong_so_an_unchanged_save_is_valid(client, honey):
    product = factories.product("Mật ong 250ml", price="120000", stock=5, maker=honey)
    client.force_login(factories.producer_user(honey))
    url = reverse("producer-dashboard:product-edit", kwargs={"pk": product.pk})
    page = client.get(url)
    assert 'name="price" value="120000"' in page.content.decode()
    data = {field.name: field.value() for field in page.context["form"] if field.name != "images"}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["categories"] = [factories.category().pk]
    response = client.post(url, data)
    assert response.status_code == 302, errors(response)
    assert product.stockrecords.get().price == Decimal(120000)
