"""Settlement pages, one URL conf per prefix ``shop/urls.py`` mounts them at."""

from django.urls import path

from shop.settlements.dashboard import cod_views, tax_views, views

# /dashboard/producer/statements/: the producer's own settlement statements.
producer = (
    [
        path("", views.producer_list, name="list"),
        # Tax withheld on the producer's sales, and its yearly certificates.
        path("tax/", tax_views.own_tax, name="tax"),
        path("tax/<int:year>/", tax_views.own_certificate, name="tax-certificate"),
        path("<int:pk>/", views.producer_detail, name="detail"),
        path("<int:pk>/csv/", views.producer_download, {"kind": "csv"}, name="csv"),
        path("<int:pk>/pdf/", views.producer_download, {"kind": "pdf"}, name="pdf"),
    ],
    "producer-statements",
)

# /dashboard/settlements/: operators see every producer's statements and pay them.
operator = (
    [
        path("", views.operator_list, name="list"),
        path("<int:pk>/", views.operator_detail, name="detail"),
        path("<int:pk>/csv/", views.operator_download, {"kind": "csv"}, name="csv"),
        path("<int:pk>/pdf/", views.operator_download, {"kind": "pdf"}, name="pdf"),
        path("<int:pk>/pay/", views.operator_pay, name="pay"),
        # Cash on delivery per shipment: the discrepancy queue and carriers' COD reports.
        path("cod/", cod_views.cod_queue, name="cod-queue"),
        path("cod/<int:pk>/resolve/", cod_views.cod_resolve, name="cod-resolve"),
        path("cod/report/", cod_views.cod_report_upload, name="cod-report"),
        # Tax withheld: the monthly declaration, a producer's tax code and certificates.
        path("tax/", tax_views.declaration, name="tax"),
        path(
            "tax/declaration.xlsx",
            tax_views.declaration_download,
            {"kind": "xlsx"},
            name="tax-xlsx",
        ),
        path(
            "tax/declaration.csv", tax_views.declaration_download, {"kind": "csv"}, name="tax-csv"
        ),
        path("tax/producers/<int:pk>/", tax_views.producer_tax, name="tax-producer"),
        path(
            "tax/producers/<int:pk>/<int:year>/",
            tax_views.producer_certificate,
            name="tax-certificate",
        ),
    ],
    "settlements-dashboard",
)
