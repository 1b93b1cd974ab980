"""Public GS1 Digital Link addresses of lots, and the traceability pages.

Included by ``shop/urls.py`` at the root inside ``i18n_patterns``: ``/01/…`` is Vietnamese,
``/en/01/…`` English. A lot number may hold ``/`` (GS1 AI 10 allows it), so it is the last,
path-typed element of the address. ``traceability/resolver.py`` answers these addresses as a
GS1-Conformant resolver; the HTML lot page stays ``views.lot_page``.
"""

from django.urls import path, re_path

from traceability import certificate_views, dashboard, resolver, views

app_name = "traceability"
urlpatterns = [
    # The GS1 resolver (traceability/resolver.py): any GTIN-like text is routed so that a wrong
    # one answers 400, not 404; a compressed Digital Link is base64url at the root.
    re_path(r"^01/(?P<gtin>[^/]{1,40})/10/(?P<lot>.{1,100})$", resolver.lot, name="lot"),
    re_path(r"^01/(?P<gtin>[^/]{1,40})/?$", resolver.product, name="product"),
    re_path(r"^01/(?P<gtin>[^/]{1,40})/(?P<rest>.{1,100})$", resolver.below_gtin),
    re_path(r"^(?P<compressed>A[A-Za-z0-9_-]{7,200})$", resolver.compressed, name="compressed"),
    path(".well-known/gs1resolver", resolver.description_file, name="gs1resolver"),
    path("trace/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("trace/lots/", views.lot_list, name="lot-list"),
    path("trace/lots/new/", views.lot_create, name="lot-create"),
    path("trace/lots/<int:pk>/", views.lot_manage, name="lot-manage"),
    path("trace/lots/<int:pk>/labels.pdf", views.lot_labels, name="lot-labels"),
    path("trace/lots/<int:pk>/recall/", dashboard.recall, name="lot-recall"),
    path("trace/operator/", dashboard.operator_lots, name="operator"),
    path("trace/operator/erasure/", dashboard.erasure, name="erasure"),
    path("trace/operator/erasure/<int:pk>/", dashboard.erasure_detail, name="erasure-detail"),
    path(
        "trace/operator/erasure/<str:subject>/<int:pk>/",
        dashboard.erasure_confirm,
        name="erasure-confirm",
    ),
    path("trace/inspections/", views.inspections, name="inspections"),
    path("trace/inspections/key/", views.signing_key, name="signing-key"),
    path("trace/inspections/lots/<int:pk>/", views.inspection_create, name="inspect"),
    path("trace/scan/", views.scanner, name="scanner"),
    path("trace/certificates/", certificate_views.certificates, name="certificates"),
    path(
        "trace/certificates/<int:pk>/revoke/",
        certificate_views.certificate_revoke,
        name="certificate-revoke",
    ),
]
