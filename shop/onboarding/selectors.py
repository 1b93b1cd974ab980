"""Reads for the applicant's status page and the operators' review pages."""

from django.db.models import Count, QuerySet

from shop.onboarding.models import Application, Document


def applications_for_operators(*, status: str = "") -> QuerySet[Application]:
    applications = Application.objects.annotate(n_documents=Count("documents")).order_by(
        "-created_at", "-pk"
    )
    return applications.filter(status=status) if status else applications


def application_for_review(*, pk: int) -> Application:
    return Application.objects.prefetch_related("documents", "replies", "decisions__actor").get(
        pk=pk
    )


def application_history(application: Application) -> list:
    """Decisions and the applicant's answers, oldest first (from prefetched rows)."""
    entries = [*application.decisions.all(), *application.replies.all()]
    return sorted(entries, key=lambda entry: (entry.created_at, entry.pk))


def last_request(application: Application):
    return application.decisions.filter(action="ask").order_by("-created_at", "-pk").first()


def document_for_operators(*, pk: int) -> Document:
    return Document.objects.get(pk=pk)
