"""Editors submit, moderators approve, and scheduled pages go live on time."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms import models, tasks
from tests import factories
from tests.cms import content

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(django_user_model):
    def member(name, group):
        user = django_user_model.objects.create_user(name, f"{name}@example.com", "pw-123456789")
        user.groups.add(Group.objects.get(name=group))
        return user

    return {"editor": member("editor", "Editors"), "moderator": member("moderator", "Moderators")}


@pytest.fixture
def regions():
    home = content.home()
    return content.region_index(home)


def region_form(**extra):
    return nested_form_data(
        {
            "title": "Mèo Vạc",
            "slug": "meo-vac",
            "province_code": 8,
            "ward_code": factories.MEO_VAC,
            "intro": "Chợ phiên Mèo Vạc.",
            "body": streamfield([]),
            **extra,
        }
    )


def test_an_editor_submits_and_a_moderator_approves(client, people, regions):
    client.force_login(people["editor"])
    add = reverse("wagtailadmin_pages:add", args=["cms", "regionpage", regions.pk])
    response = client.post(add, region_form(**{"action-submit": "submit"}))
    assert response.status_code == 302
    page = models.RegionPage.objects.get(slug="meo-vac", locale=regions.locale)
    assert not page.live
    assert client.get("/vung-dac-san/meo-vac/").status_code == 404

    state = page.workflow_states.get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == "Moderators approval"

    # The editor cannot approve their own page.
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[page.pk, "approve", state.current_task_state.pk],
    )
    client.post(approve, {"comment": ""})
    page.refresh_from_db()
    assert not page.live

    client.force_login(people["moderator"])
    response = client.post(approve, {"comment": "Đẹp lắm"})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    state.refresh_from_db()
    assert page.live
    assert state.status == WorkflowState.STATUS_APPROVED
    client.logout()
    assert client.get("/vung-dac-san/meo-vac/").status_code == 200


def test_editors_cannot_publish_directly(client, people, regions):
    client.force_login(people["editor"])
    add = reverse("wagtailadmin_pages:add", args=["cms", "regionpage", regions.pk])
    client.post(add, region_form(**{"action-publish": "publish"}))
    assert not Page.objects.filter(slug="meo-vac", live=True).exists()
    moderator_can = regions.permissions_for_user(people["moderator"]).can_publish_subpage()
    editor_can = regions.permissions_for_user(people["editor"]).can_publish_subpage()
    assert moderator_can and not editor_can


def test_an_approved_page_with_a_go_live_date_waits_for_it(client, people, regions):
    client.force_login(people["editor"])
    add = reverse("wagtailadmin_pages:add", args=["cms", "regionpage", regions.pk])
    go_live = timezone.localtime() + timedelta(days=1)
    client.post(
        add,
        region_form(
            **{"action-submit": "submit", "go_live_at": go_live.strftime("%Y-%m-%d %H:%M")}
        ),
    )
    page = models.RegionPage.objects.get(slug="meo-vac", locale=regions.locale)
    state = page.workflow_states.get()
    client.force_login(people["moderator"])
    client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", state.current_task_state.pk],
        ),
        {"comment": ""},
    )
    page.refresh_from_db()
    assert not page.live
    revision = page.get_latest_revision()
    assert revision.approved_go_live_at is not None

    tasks.publish_scheduled()  # the beat task, before the date: nothing happens
    page.refresh_from_db()
    assert not page.live

    # The date comes (moved back rather than waiting a day).
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    tasks.publish_scheduled()
    page.refresh_from_db()
    assert page.live


def test_expired_pages_are_unpublished_by_the_same_task(regions):
    page = content.region(regions, title="Hội chợ mùa xuân")
    type(page).objects.filter(pk=page.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    tasks.publish_scheduled()
    page.refresh_from_db()
    assert not page.live and page.expired


def test_the_scheduler_runs_every_minute_in_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["publish-scheduled-content"]
    assert entry == {"task": "cms.publish_scheduled", "schedule": 60}
    from shop.celery import app

    app.loader.import_default_modules()
    assert "cms.publish_scheduled" in app.tasks
