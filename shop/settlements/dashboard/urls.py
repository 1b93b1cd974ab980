"""Settlement pages, one URL conf per prefix ``shop/urls.py`` mounts them at."""

from django.urls import path

from shop.settlements.dashboard import cod_views, views

# /dashboard/producer/statements/: the producer's own settlement statements.
producer = (
    [
        path("", views.producer_list, name="list"),
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
    ],
    "settlements-dashboard",
)
