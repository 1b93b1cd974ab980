"""E-mails to applicants, in the language they applied in. Tasks take ids; the services queue
them with `shop.notifications.notify`."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from shop.links import absolute_url
from shop.notifications import email_send
from shop.onboarding import links
from shop.onboarding.models import Application, Decision


def _send(*, application: Application, template: str, context: dict) -> None:
    email_send(
        template=f"onboarding/{template}",
        to=[application.email],
        language=application.language,
        context={
            "application": application,
            "status_url": links.status_url(application.pk, language=application.language),
            **context,
        },
    )


@shared_task(name="onboarding.send_application_email")
def send_application_email(*, application_id: int, kind: str) -> None:
    application = Application.objects.get(pk=application_id)
    _send(application=application, template=kind, context={})


@shared_task(name="onboarding.send_decision_email")
def send_decision_email(*, decision_id: int) -> None:
    decision = Decision.objects.select_related("application").get(pk=decision_id)
    _send(
        application=decision.application, template=decision.action, context={"decision": decision}
    )


@shared_task(name="onboarding.send_welcome_email")
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
