"""Operators see which products, categories and producers lack their English text."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.catalogue import selectors
from shop.roles import operator_required

# Each kind: its heading, the model whose field names label the gaps, where an operator edits it.
KINDS = (
    ("product", _("Products"), ("catalogue", "Product"), "dashboard:catalogue-product"),
    ("category", _("Categories"), ("catalogue", "Category"), "dashboard:catalogue-category-update"),
    ("producer", _("Producers"), ("partner", "Partner"), "dashboard:partner-manage"),
)
SHOWN = 200  # rows per kind on the page; the count says how many there are


@operator_required
def missing_english(request):
    missing = selectors.missing_english()
    sections = []
    for kind, heading, model_name, url_name in KINDS:
        model = get_model(*model_name)
        rows = [
            {
                "object": row,
                "url": reverse(url_name, kwargs={"pk": row.pk}),
                "fields": [
                    model._meta.get_field(field).verbose_name
                    for field in selectors.missing_fields(row, kind)
                ],
            }
            for row in missing[kind][:SHOWN]
        ]
        sections.append(
            {"kind": kind, "heading": heading, "rows": rows, "count": missing[kind].count()}
        )
    return render(request, "catalogue/dashboard/missing_english.html", {"sections": sections})
