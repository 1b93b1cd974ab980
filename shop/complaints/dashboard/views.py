"""Complaints in the dashboard: a producer's own (list with deadlines, the answer form) at
/dashboard/producer/complaints/, and the operators' queue (escalated first) with the decision
form at /dashboard/complaints/. Photos are served only through these pages' checks."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shop.complaints import selectors, services
from shop.complaints.forms import AnswerForm, DecideForm, FilterForm
from shop.complaints.models import Complaint, State
from shop.complaints.views import photo_response
from shop.roles import operator_required, producer_required

PER_PAGE = 30


def _state(request) -> tuple[FilterForm, str]:
    filters = FilterForm(request.GET or None)
    return filters, (filters.cleaned_data["state"] if filters.is_valid() else "")


# --------------------------------------------------------------------------- producers


@producer_required
@require_http_methods(["GET", "HEAD"])
def producer_list(request):
    filters, state = _state(request)
    complaints = selectors.complaints_of_producer(producer=request.producer, state=state)
    page = Paginator(complaints, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/producer_list.html",
        {"page": page, "complaints": page.object_list, "filters": filters, "now": timezone.now()},
    )


def _own(request, pk: int) -> Complaint:
    return get_object_or_404(selectors.complaint_of_producer(producer=request.producer), pk=pk)


def _producer_detail(request, complaint: Complaint, form, status=200):
    return render(
        request,
        "complaints/producer_detail.html",
        {
            "complaint": complaint,
            "steps": selectors.complaint_steps(complaint=complaint),
            "photos": complaint.photos.all(),
            "form": form,
            "may_answer": complaint.state == State.OPEN
            and timezone.now() <= complaint.answer_due_at,
            "line_total": services.line_total(complaint),
            "now": timezone.now(),
        },
        status=status,
    )


@producer_required
@require_http_methods(["GET", "HEAD"])
def producer_detail(request, pk: int):
    return _producer_detail(request, _own(request, pk), AnswerForm())


@producer_required
@require_POST
def producer_answer(request, pk: int):
    complaint = _own(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.complaint_answer(
                complaint=complaint,
                user=request.user,
                partner=request.producer,
                kind=data["kind"],
                remedy=data["remedy"],
                amount=data["amount"],
                text=data["text"],
            )
        except services.ComplaintRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Your answer is sent to the buyer."))
            return redirect("producer-complaints:detail", pk=complaint.pk)
    return _producer_detail(request, complaint, form, status=400)


@producer_required
@require_http_methods(["GET", "HEAD"])
def producer_photo(request, pk: int, position: int):
    complaint = _own(request, pk)
    return photo_response(get_object_or_404(complaint.photos, position=position))


# --------------------------------------------------------------------------- operators


@operator_required
@require_http_methods(["GET", "HEAD"])
def operator_queue(request):
    filters, state = _state(request)
    complaints = selectors.complaints_for_operators(state=state)
    page = Paginator(complaints, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/operator_queue.html",
        {"page": page, "complaints": page.object_list, "filters": filters, "now": timezone.now()},
    )


def _operator_detail(request, complaint: Complaint, form, status=200):
    return render(
        request,
        "complaints/operator_detail.html",
        {
            "complaint": complaint,
            "steps": selectors.complaint_steps(complaint=complaint),
            "photos": complaint.photos.all(),
            "form": form,
            "may_decide": complaint.state in services.DECIDABLE,
            "line_total": services.line_total(complaint),
            "now": timezone.now(),
        },
        status=status,
    )


def _any(pk: int) -> Complaint:
    return get_object_or_404(
        Complaint.objects.select_related("order", "line", "partner", "shipment", "lot", "user"),
        pk=pk,
    )


@operator_required
@require_http_methods(["GET", "HEAD"])
def operator_detail(request, pk: int):
    complaint = _any(pk)
    initial = {"remedy": complaint.remedy or complaint.wish, "amount": complaint.remedy_amount}
    return _operator_detail(request, complaint, DecideForm(initial=initial))


@operator_required
@require_POST
def operator_decide(request, pk: int):
    complaint = _any(pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.complaint_operator_decide(
                complaint=complaint,
                actor=request.user,
                remedy=data["remedy"],
                amount=data["amount"],
                reason=data["reason"],
            )
        except services.ComplaintRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The decision is recorded and both parties are told."))
            return redirect("complaints-dashboard:detail", pk=complaint.pk)
    return _operator_detail(request, complaint, form, status=400)


@operator_required
@require_http_methods(["GET", "HEAD"])
def operator_photo(request, pk: int, position: int):
    complaint = _any(pk)
    return photo_response(get_object_or_404(complaint.photos, position=position))
