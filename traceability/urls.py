"""Public GS1 Digital Link addresses of lots, and the traceability pages.

Included by ``shop/urls.py`` at the root inside ``i18n_patterns``: ``/01/…`` is Vietnamese,
``/en/01/…`` English. A lot number may hold ``/`` (GS1 AI 10 allows it), so it is the last,
path-typed element of the address.
"""

from django.urls import path, re_path

from traceability import certificate_views, dashboard, views

app_name = "traceability"
urlpatterns = [
    re_path(r"^01/(?P<gtin>[0-9]{14})/10/(?P<lot>.{1,60})$", views.lot_page, name="lot"),
    path("trace/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("trace/lots/", views.lot_list, name="lot-list"),
    path("trace/lots/new/", views.lot_create, name="lot-create"),
    path("trace/lots/<int:pk>/", views.lot_manage, name="lot-manage"),
    path("trace/lots/<int:pk>/labels.pdf", views.lot_labels, name="lot-labels"),
    path("trace/lots/<int:pk>/recall/", dashboard.recall, name="lot-recall"),
    path("trace/operator/", dashboard.operator_lots, name="operator"),
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
