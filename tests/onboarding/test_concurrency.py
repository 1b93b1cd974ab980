"""Two operators approving the same application at once create one producer (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from oscar.core.loading import get_model

from shop.onboarding import services
from shop.onboarding.models import Application, Decision
from tests.onboarding.conftest import valid_data

Partner = get_model("partner", "Partner")


@pytest.mark.django_db(transaction=True)
def test_racing_approvals_create_one_producer(uses_postgres, django_user_model):
    operators = [
        django_user_model.objects.create_user(username=f"op{i}", password="x", is_staff=True)
        for i in range(2)
    ]
    data = valid_data(province_code=8, ward_code=int(valid_data()["ward_code"]))
    application = services.application_submit(data=data)
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(actor):
        try:
            barrier.wait()
            services.application_approve(application_id=application.pk, actor=actor)
            outcomes.append("approved")
        except services.DecisionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(op,)) for op in operators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["approved", "refused"]
    assert Partner.objects.count() == 1
    assert Decision.objects.count() == 1
    assert Application.objects.get().partner is not None
