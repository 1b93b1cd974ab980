"""The producer's dashboard: home, their products; operators choosing whom to act for and
reviewing listings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from shop import roles
from shop.money import whole_dong
from shop.producers import forms, selectors, services
from shop.producers.models import ListingChange
from shop.roles import operator_required, producer_required

Partner = get_model("partner", "Partner")


@producer_required
def index(request):
    return render(
        request,
        "producers/dashboard/index.html",
        {"producer": request.producer, "summary": selectors.producer_summary(request.producer)},
    )


@operator_required
def choose(request):
    """Operators pick the producer they act for (a producer who is not online, say)."""
    if request.method == "POST":
        partner = get_object_or_404(Partner, code=request.POST.get("producer", ""))
        roles.act_for(request, partner)
        messages.info(request, _("You are now acting for %(name)s.") % {"name": partner.name})
        target = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = ""
        return redirect(target or "producer-dashboard:index")
    return render(
        request,
        "producers/dashboard/choose.html",
        {
            "producers": Partner.objects.order_by("name"),
            "next": request.GET.get("next", ""),
            "acting_for": roles.acting_producer(request),
        },
    )


@operator_required
@require_POST
def stop_acting(request):
    roles.stop_acting(request)
    return redirect("producer-dashboard:choose")


@producer_required
def product_list(request):
    products = selectors.producer_products(request.producer)
    return render(
        request,
        "producers/dashboard/product_list.html",
        {"products": products, "producer": request.producer},
    )


@producer_required
def product_create(request):
    form = forms.ProductForm(request.POST or None, request.FILES or None, producer=request.producer)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.product_create(
                producer=request.producer,
                actor=request.user,
                on_behalf=request.on_behalf,
                **form.submission(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("“%(title)s” is saved. Buyers will see it once an operator approves it.")
                % {"title": change.product.title},
            )
            return redirect("producer-dashboard:product-list")
    return render(request, "producers/dashboard/product_form.html", {"form": form})


@producer_required
def product_edit(request, pk: int):
    product = get_object_or_404(selectors.producer_products(request.producer), pk=pk)
    # The form works on its own copy, so the product keeps its live values for comparison.
    editable = type(product).objects.get(pk=product.pk)
    record = product.stockrecords.filter(partner=request.producer).first()
    # Stock records keep two decimals; the form takes whole đồng, so an unchanged save stays valid.
    initial = (
        {"price": whole_dong(record.price), "num_in_stock": record.num_in_stock} if record else {}
    )
    form = forms.ProductForm(
        request.POST or None,
        request.FILES or None,
        instance=editable,
        initial=initial,
        producer=request.producer,
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.product_update(
                product=product,
                producer=request.producer,
                actor=request.user,
                on_behalf=request.on_behalf,
                **form.submission(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if change is not None and product.is_public:
                messages.info(
                    request,
                    _("Price and stock are live. The other changes wait for an operator."),
                )
            else:
                messages.success(request, _("Saved."))
            return redirect("producer-dashboard:product-list")
    pending = product.listing_changes.filter(status=ListingChange.Status.PENDING).first()
    last = product.listing_changes.exclude(status=ListingChange.Status.PENDING).last()
    return render(
        request,
        "producers/dashboard/product_form.html",
        {
            "form": form,
            "product": product,
            "pending": pending,
            "last_decision": last,
            "takedown": product.takedowns.filter(restored_at__isnull=True).first(),
        },
    )


@operator_required
def listing_list(request):
    changes = selectors.pending_listing_changes()
    return render(request, "producers/dashboard/listing_list.html", {"changes": changes})


@operator_required
def listing_detail(request, pk: int):
    change = get_object_or_404(ListingChange.objects.select_related("product", "partner"), pk=pk)
    reject_form = forms.RejectForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                services.listing_change_approve(change=change, actor=request.user)
                messages.success(request, _("Approved: buyers now see it."))
                return redirect("listings-dashboard:list")
            if reject_form.is_valid():
                services.listing_change_reject(
                    change=change, actor=request.user, reason=reject_form.cleaned_data["reason"]
                )
                messages.info(request, _("Rejected; the producer sees your reason."))
                return redirect("listings-dashboard:list")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return render(
        request,
        "producers/dashboard/listing_detail.html",
        {
            "change": change,
            "rows": selectors.listing_change_rows(change),
            "reject_form": reject_form,
        },
    )


@operator_required
def access_list(request):
    """Operators suspend a producer (its users lose every producer page) or reinstate it."""
    return render(
        request,
        "producers/dashboard/access_list.html",
        {"producers": selectors.producers_for_access_page(), "form": forms.SuspendForm()},
    )


@operator_required
@require_POST
def access_change(request, pk: int):
    partner = get_object_or_404(Partner, pk=pk)
    if request.POST.get("action") == "reinstate":
        services.producer_reinstate(partner=partner, actor=request.user)
        messages.success(request, _("%(name)s is reinstated.") % {"name": partner.name})
        return redirect("producer-access:list")
    form = forms.SuspendForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the producer is suspended."))
        services.producer_suspend(
            partner=partner, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is suspended: its users lost their pages.") % {"name": partner.name},
        )
    return redirect("producer-access:list")


@producer_required
def pickup(request):
    """Where carriers pick the producer's parcels up, and its default carrier."""
    form = forms.PickupForm(request.POST or None, producer=request.producer)
    if request.method == "POST" and form.is_valid():
        try:
            services.producer_pickup_set(producer=request.producer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your pick-up address and carrier are saved."))
            return redirect("producer-dashboard:pickup")
    return render(
        request,
        "producers/dashboard/pickup.html",
        {"form": form, "producer": request.producer},
    )


@producer_required
def messages_settings(request):
    """The language the producer's e-mails and statements come in, and whether new orders
    reach it by e-mail or by Zalo (at its pick-up phone)."""
    form = forms.MessagesForm(request.POST or None, producer=request.producer)
    if request.method == "POST" and form.is_valid():
        try:
            services.producer_messages_set(producer=request.producer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("notify_channel", error)
        else:
            messages.success(request, _("Your choice is saved."))
            return redirect("producer-dashboard:messages")
    return render(
        request,
        "producers/dashboard/messages.html",
        {"form": form, "producer": request.producer},
    )
