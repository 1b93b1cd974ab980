"""E-mails to applicants. Tasks take ids, are enqueued after commit and retry on SMTP errors."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from shop.links import absolute_url
from shop.onboarding import links
from shop.onboarding.models import Application, Decision

_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 8}


def _send(*, application: Application, template: str, context: dict) -> None:
    with translation.override(application.language):
        context = {
            "application": application,
            "site_url": settings.SITE_URL,
            "shop_name": settings.OSCAR_SHOP_NAME,
            "status_url": links.status_url(application.pk, language=application.language),
            **context,
        }
        subject = render_to_string(f"onboarding/emails/{template}_subject.txt", context)
        body = render_to_string(f"onboarding/emails/{template}_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [application.email])


@shared_task(name="onboarding.send_application_email", **_RETRY)
def send_application_email(*, application_id: int, kind: str) -> None:
    application = Application.objects.get(pk=application_id)
    _send(application=application, template=kind, context={})


@shared_task(name="onboarding.send_decision_email", **_RETRY)
def send_decision_email(*, decision_id: int) -> None:
    decision = Decision.objects.select_related("application").get(pk=decision_id)
    _send(
        application=decision.application, template=decision.action, context={"decision": decision}
    )


@shared_task(name="onboarding.send_welcome_email", **_RETRY)
def send_welcome_email(*, application_id: int, user_id: int) -> None:
    """The approved producer sets a password from this link (Django's reset token), then signs
    in to their dashboard."""
    application = Application.objects.get(pk=application_id)
    user = get_user_model().objects.get(pk=user_id)
    with translation.override(application.language):
        path = reverse(
            "password-reset-confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        dashboard = reverse("producer-dashboard:index")
    _send(
        application=application,
        template="approve",
        context={
            "set_password_url": absolute_url(path),
            "dashboard_url": absolute_url(dashboard),
            "user": user,
        },
    )
