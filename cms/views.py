from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Locale, Page

from cms import selectors

RESULTS_PER_PAGE = 12


def search(request):
    """Content pages in the language being shown, found whether or not the query has its
    diacritics."""
    query = request.GET.get("q", "")[:200].strip()
    results = selectors.content_search(query=query, locale=Locale.get_active().pk)
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    found = {p.pk: p for p in Page.objects.filter(pk__in=[p.pk for p in page]).specific()}
    page.object_list = [found[p.pk] for p in page if p.pk in found]
    return render(request, "cms/search_results.html", {"query": query, "results": page})
