"""What happens to a producer's application: submitted, answered, approved, rejected, asked.

Every operator decision locks the application row, checks its state and records a Decision;
e-mails go out through Celery after the transaction commits.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from shop import people
from shop.accounts.services import profile_language_set
from shop.notifications import notify
from shop.onboarding import tasks
from shop.onboarding.models import Action, Application, Decision, Document, Reply, Status
from shop.partner.tax_ids import tax_id_check_for_kind
from shop.recipients import known_language
from shop.text import slugify
from shop.uploads import files

Partner = get_model("partner", "Partner")
User = get_user_model()
generate_username = get_class("customer.forms", "generate_username")


class DecisionNotAllowed(Exception):
    """The application is not in a state where this decision can be taken."""


APPLICANT_FIELDS = (
    "kind",
    "name",
    "representative",
    "phone",
    "email",
    "province_code",
    "ward_code",
    "registration_number",
    "payout_bank_bin",
    "payout_account_number",
    "payout_account_holder",
    "products",
)
# Asked of every applicant by the form (shop/onboarding/forms.py); optional here so that
# callers from before it was asked (imports, demo data) still work.
TAX_FIELDS = ("tax_id",)


def _store_documents(*, application: Application, uploads) -> list[Document]:
    stored = []
    for upload in uploads:
        # the form checks this; the service does not trust its callers
        checked = files.upload_clean(upload, policy=files.APPLICATION)
        document = Document(
            application=application,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
        document.file.save("upload", checked.file, save=False)
        document.save()
        stored.append(document)
    return stored


def application_submit(*, data: dict, uploads=(), language: str = "vi") -> Application:
    """Record a new application and its documents; the applicant gets their status link."""
    with transaction.atomic():
        application = Application(
            **{field: data[field] for field in APPLICANT_FIELDS},
            **{field: data.get(field) or "" for field in TAX_FIELDS},
            language=language,
        )
        application.full_clean()
        if application.tax_id:
            tax_id_check_for_kind(application.tax_id, kind=application.kind)
        application.save()
        _store_documents(application=application, uploads=uploads)
        notify(
            tasks.send_application_email,
            application_id=application.pk,
            kind="received",
            key=f"application-email:{application.pk}:received",
        )
    return application


def application_reply(*, application_id: int, message: str, uploads=()) -> Application:
    """The applicant answers a request for more information, which re-submits the application."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application_id)
        if application.status != Status.INFO_REQUESTED:
            raise DecisionNotAllowed(_("This application is not waiting for an answer."))
        Reply.objects.create(application=application, message=message)
        _store_documents(application=application, uploads=uploads)
        application.status = Status.INFO_PROVIDED
        application.save(update_fields=["status", "updated_at"])
    return application


STATUS_LINKS_AT_ONCE = 5


def application_status_links_send(*, email: str = "", phone: str = "") -> int:
    """E-mail a fresh status link for each application made with this e-mail address or phone
    number (the latest few), to the address in the application. Returns how many were queued;
    the caller never tells the person asking."""
    if not email and not phone:
        return 0
    matching = Application.objects.filter(
        Q(email__iexact=email) if email else Q(phone=phone)
    ).values_list("pk", flat=True)[:STATUS_LINKS_AT_ONCE]
    for application_id in matching:
        # each request, its own e-mail
        notify(tasks.send_application_email, application_id=application_id, kind="link")
    return len(matching)


def _lock_decidable(application_id: int, *, also=()) -> Application:
    application = Application.objects.select_for_update().get(pk=application_id)
    if not application.is_decidable and application.status not in also:
        raise DecisionNotAllowed(
            _("An application that is “%(status)s” cannot be decided on.")
            % {"status": application.get_status_display()}
        )
    return application


def _unique_code(name: str) -> str:
    base = slugify(name)[:120] or "producer"
    code, n = base, 2
    while Partner.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


def _producer_user(email: str, name: str, *, language: str):
    """The user with this e-mail (reused, so a buyer who already has an account keeps it and
    its language), or a new one named `name` without a usable password, reading `language`:
    the producer sets the password from the e-mailed link."""
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        user = User(username=generate_username(), email=email)
        people.full_name_set(user, name)
        user.set_unusable_password()
        user.save()
        profile_language_set(user=user, language=language)
    permission = Permission.objects.get(
        codename="dashboard_access", content_type__app_label="partner"
    )
    user.user_permissions.add(permission)
    return user


def application_approve(*, application_id: int, actor, message: str = "") -> Application:
    """Create the producer (partner, user with dashboard access) from the application."""
    with transaction.atomic():
        application = _lock_decidable(application_id)
        partner = Partner.objects.create(
            # The name as the applicant wrote it is the Vietnamese one, whatever language the
            # operator's page is in (an English-only name would leave Vietnamese pages and
            # carriers' waybills without one).
            name=application.name,
            name_vi=application.name,
            code=_unique_code(application.name),
            kind=application.kind,
            province_code=application.province_code,
            ward_code=application.ward_code,
            representative=application.representative,
            phone=application.phone,
            email=application.email,
            registration_number=application.registration_number,
            tax_id=application.tax_id,
            payout_bank_bin=application.payout_bank_bin,
            payout_account_number=application.payout_account_number,
            payout_account_holder=application.payout_account_holder,
            language=known_language(application.language),
        )
        user = _producer_user(
            application.email, application.representative, language=application.language
        )
        partner.users.add(user)
        application.partner = partner
        application.status = Status.APPROVED
        application.save(update_fields=["partner", "status", "updated_at"])
        Decision.objects.create(
            application=application, actor=actor, action=Action.APPROVE, message=message
        )
        notify(
            tasks.send_welcome_email,
            application_id=application.pk,
            user_id=user.pk,
            key=f"welcome-email:{application.pk}",
        )
    return application


def application_reject(*, application_id: int, actor, reason: str) -> Application:
    if not reason.strip():
        raise ValidationError(_("Give the applicant a reason."))
    return _decide(
        application_id=application_id,
        actor=actor,
        action=Action.REJECT,
        status=Status.REJECTED,
        message=reason,
        # an applicant who never answers a question can still be turned down
        also=(Status.INFO_REQUESTED,),
    )


def application_ask(*, application_id: int, actor, message: str) -> Application:
    if not message.strip():
        raise ValidationError(_("Tell the applicant what you need."))
    return _decide(
        application_id=application_id,
        actor=actor,
        action=Action.ASK,
        status=Status.INFO_REQUESTED,
        message=message,
    )


def _decide(*, application_id, actor, action, status, message, also=()) -> Application:
    with transaction.atomic():
        application = _lock_decidable(application_id, also=also)
        application.status = status
        application.save(update_fields=["status", "updated_at"])
        decision = Decision.objects.create(
            application=application, actor=actor, action=action, message=message
        )
        notify(
            tasks.send_decision_email, decision_id=decision.pk, key=f"decision-email:{decision.pk}"
        )
    return application
