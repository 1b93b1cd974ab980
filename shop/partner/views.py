"""Public pages of producers: who they are, where they are, and their live products."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import ListView
from oscar.core.loading import get_class, get_model

from shop.catalogue import selectors
from shop.partner import services
from shop.partner.models import Follow

Partner = get_model("partner", "Partner")


def story_page_for(producer):
    """The live content page telling this producer's story, in the current language, if any."""
    from wagtail.models import Locale

    pages = producer.story_pages.live()
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:  # a site whose languages have no Wagtail locale yet
        return pages.first()
    return pages.filter(locale=locale).first() or pages.first()


ProductListView = get_class("search.views", "ProductListView")


class ProducerListView(ListView):
    template_name = "oscar/partner/producer_list.html"
    context_object_name = "producers"

    def get_queryset(self):
        return selectors.public_producers()


class ProducerDetailView(ProductListView):
    template_name = "oscar/partner/producer_detail.html"

    def get(self, request, *args, **kwargs):
        self.producer = get_object_or_404(Partner.objects.on_floor(), code=kwargs["code"])
        return super().get(request, *args, **kwargs)

    def get_filters(self) -> dict:
        return {**super().get_filters(), "producer": self.producer}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["producer"] = self.producer
        context["certificates"] = selectors.producer_certificates(producer=self.producer)
        context["story_page"] = story_page_for(self.producer)
        context["summary"] = self.producer.name
        return context


def _back(request, fallback: str) -> str:
    """Where a form sends the buyer back to: its `next` if it is one of our pages."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
def follow(request, code: str):
    """Follow (``wanted=1``) or stop following (``wanted=0``) a producer. Someone who was sent
    to sign in first comes back here by GET and is shown the producer's page."""
    producer = get_object_or_404(Partner.objects.on_floor(), code=code)
    if request.method != "POST":
        return redirect(producer.get_absolute_url())
    wanted = request.POST.get("wanted")
    if wanted not in ("0", "1"):
        messages.error(request, _("Choose whether to follow this producer."))
    elif wanted == "1":
        try:
            services.follow_start(user=request.user, partner=producer)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You follow %(name)s: we will write when it has new products or a new season.")
                % {"name": producer.name},
            )
    else:
        services.follow_stop(user=request.user, partner=producer)
        messages.success(request, _("You no longer follow %(name)s.") % {"name": producer.name})
    return redirect(_back(request, producer.get_absolute_url()))


@never_cache
def unfollow(request, token: str):
    """The digest's "stop following" link: works without signing in (the link is signed);
    asks first (GET), stops on POST."""
    read = services.unfollow_token_read(token)
    if read is None:
        raise Http404
    user_id, partner_id = read
    producer = get_object_or_404(Partner, pk=partner_id)
    if request.method == "POST":
        Follow.objects.filter(user_id=user_id, partner=producer).delete()
        return render(request, "oscar/partner/unfollow.html", {"producer": producer, "done": True})
    following = Follow.objects.filter(user_id=user_id, partner=producer).exists()
    return render(
        request,
        "oscar/partner/unfollow.html",
        {"producer": producer, "done": not following},
    )
