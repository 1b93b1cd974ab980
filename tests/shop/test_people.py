"""A person has one full name, written as they write it (family name first), wherever we ask for
it or show it; dates read 06/12/2026 in Vietnamese and 6 Dec 2026 in English."""

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from shop import people
from tests import factories

User = get_user_model()


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ("Phạm Thị Mai", "", "Phạm Thị Mai"),  # one full name, as written
        ("Thào Mí Sính", "", "Thào Mí Sính"),
        ("Mai", "Phạm", "Phạm Mai"),  # saved with Oscar's split: family name first
        ("  Lò Thị  Mỷ ", None, "Lò Thị  Mỷ"),
        ("", "", ""),
    ],
)
def test_a_full_name_is_shown_as_written_family_name_first(first, last, shown):
    assert people.full_name(SimpleNamespace(first_name=first, last_name=last)) == shown


def test_a_full_name_is_kept_whole_in_the_first_name():
    person = SimpleNamespace(first_name="Mai", last_name="Phạm")
    people.full_name_set(person, "  Phạm   Thị Mai ")
    assert (person.first_name, person.last_name) == ("Phạm Thị Mai", "")


@pytest.mark.django_db
def test_the_profile_asks_one_full_name_and_keeps_it_as_written(client):
    user = User.objects.create_user("mai", "mai@example.com", "pw-123456789")
    user.first_name, user.last_name = "Mai", "Phạm"  # saved before: Oscar's split
    user.save()
    client.force_login(user)
    url = reverse("customer:profile-update")
    form = client.get(url).content.decode()
    assert 'name="full_name"' in form and 'value="Phạm Mai"' in form
    assert 'name="first_name"' not in form and 'name="last_name"' not in form

    response = client.post(url, {"full_name": "Phạm Thị Mai", "email": "mai@example.com"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Phạm Thị Mai", "")
    assert "Phạm Thị Mai" in client.get(reverse("customer:profile-view")).content.decode()
    assert client.post(url, {"full_name": "", "email": "mai@example.com"}).status_code == 200


@pytest.mark.django_db
def test_an_operator_gives_a_producers_user_one_full_name(client):
    partner = factories.producer()
    operator = factories.operator()
    operator.is_superuser = True  # as the demo's operators: Oscar's partner pages
    operator.save(update_fields=["is_superuser"])
    client.force_login(operator)
    response = client.post(
        reverse("dashboard:partner-user-create", kwargs={"partner_pk": partner.pk}),
        {
            "full_name": "Lý Seo Chớ",
            "email": "cho@example.com",
            "password1": "mat-khau-dai-123",
            "password2": "mat-khau-dai-123",
            "role": "limited",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = partner.users.get(email="cho@example.com")
    assert (user.first_name, user.last_name) == ("Lý Seo Chớ", "")

    url = reverse(
        "dashboard:partner-user-update", kwargs={"partner_pk": partner.pk, "user_pk": user.pk}
    )
    assert 'value="Lý Seo Chớ"' in client.get(url).content.decode()
    password = {"password1": "mat-khau-moi-456", "password2": "mat-khau-moi-456"}
    response = client.post(url, {"full_name": "Lý Seo Chớ A", "role": "limited", **password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Lý Seo Chớ A", "")


@pytest.mark.django_db
def test_a_lot_records_its_producer_by_full_name():
    from traceability import services

    product = factories.product()
    user = factories.producer_user(product.producer)
    user.first_name, user.last_name = "Sính", "Thào Mí"  # an account saved with the split
    user.save()
    lot = services.lot_create(
        product=product,
        code="MO-2025-001",
        production_date=date(2025, 11, 20),
        quantity=Decimal("10"),
        unit="KGM",
        actor=user,
    )
    event = lot.events.get()
    # schema 2: the hashed event holds a commitment; the name travels beside it, as written
    assert "Thào Mí Sính" not in event.canonical
    [name] = event.disclosures.filter(path="/chophien:actor/name")
    assert name.value == "Thào Mí Sính"


@pytest.mark.parametrize(
    ("language", "short_date", "datetime_"),
    [("vi", "06/12/2026", "12:11 06/12/2026"), ("en", "6 Dec 2026", "6 Dec 2026, 12:11")],
)
def test_dates_are_unambiguous_in_each_language(language, short_date, datetime_):
    moment = timezone.make_aware(datetime(2026, 12, 6, 12, 11))
    with translation.override(language):
        assert date_format(moment.date(), "DATE_FORMAT") == short_date
        assert date_format(moment.date(), "SHORT_DATE_FORMAT") == short_date
        assert date_format(timezone.localtime(moment), "DATETIME_FORMAT") == datetime_
        assert date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") == datetime_
        sentence = Template("Placed {{ when|date:'DATETIME_FORMAT' }}.").render(
            Context({"when": moment})
        )
        assert sentence == f"Placed {datetime_}." and ".." not in sentence
