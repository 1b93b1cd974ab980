"""The application form asks for the tax code (or a household's personal ID number), refuses
wrong ones clearly, and the approved producer gets it."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from shop.onboarding import services
from shop.onboarding.models import Application
from tests.onboarding.conftest import apply, valid_data

pytestmark = pytest.mark.django_db


def _errors(response):
    return response.context["form"].errors.as_data().get("tax_id", [])


@pytest.mark.parametrize(
    ("kind", "typed", "code"),
    [
        ("household", "", "required"),
        ("cooperative", "", "required"),
        ("household", "0100109107", "tax_id_check_digit"),
        ("household", "003085012345", "tax_id_province"),
        ("cooperative", "001085012345", "tax_id_not_personal"),
        ("enterprise", "12345", "tax_id_length"),
    ],
)
def test_wrong_or_missing_numbers_are_refused_and_nothing_is_recorded(client, kind, typed, code):
    response = apply(client, valid_data(kind=kind, tax_id=typed))
    assert response.status_code == 200
    (error,) = _errors(response)
    assert error.code == code
    shown = response.context["form"].errors["tax_id"][0]
    assert escape(shown) in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("household", "001 085 012 345", "001085012345"),
        ("household", "0100109106", "0100109106"),
        ("cooperative", "0100109106001", "0100109106-001"),
    ],
)
def test_the_number_is_recorded_and_copied_to_the_producer(client, kind, typed, stored):
    from tests.settlements.helpers import operator

    response = apply(client, valid_data(kind=kind, tax_id=typed))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.tax_id == stored
    services.application_approve(application_id=application.pk, actor=operator())
    application.refresh_from_db()
    assert application.partner.tax_id == stored


def test_the_service_does_not_trust_its_callers():
    data = valid_data(kind="cooperative", tax_id="001085012345")
    data["province_code"], data["ward_code"] = int(data["province_code"]), int(data["ward_code"])
    with pytest.raises(ValidationError):
        services.application_submit(data=data)
    data["tax_id"] = "0100109107"
    with pytest.raises(ValidationError):
        services.application_submit(data=data)
    assert not Application.objects.exists()
