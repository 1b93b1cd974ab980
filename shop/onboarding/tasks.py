"""E-mails to applicants, in the language they applied in. Tasks take ids; the services queue
them with `shop.notifications.notify`."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from shop.links import page_url
from shop.notifications import email_send
from shop.onboarding import links
from shop.onboarding.models import Application, Decision
from shop.recipients import applicant_recipient


def _send(*, application: Application, template: str, context: dict) -> None:
    recipient = applicant_recipient(application)
    email_send(
        template=f"onboarding/{template}",
        to=[recipient.email],
        language=recipient.language,
        context={
            "application": application,
            "status_url": links.status_url(application.pk, language=recipient.language),
            **context,
        },
        user=recipient.user,
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
    language = applicant_recipient(application).language
    _send(
        application=application,
        template="approve",
        context={
            "set_password_url": page_url(
                "password-reset-confirm",
                language=language,
                uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
                token=default_token_generator.make_token(user),
            ),
            "dashboard_url": page_url("producer-dashboard:index", language=language),
            "user": user,
        },
    )
